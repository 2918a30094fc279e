/*
Copyright 2026 The union-operator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package bridge

import (
	"reflect"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

func TestNetworkPolicy(t *testing.T) {
	ref := unionsv1.UnionReference{Kind: unionsv1.KindAlliance, Name: "blue"}
	const key = "alliance.unions.kos.dev/blue"
	exists := metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: key, Operator: metav1.LabelSelectorOpExists}}}
	tests := []struct {
		mode unionsv1.BridgeMode
		from *metav1.LabelSelector // pods admitted in allied namespaces; nil: no policy
	}{
		{mode: unionsv1.BridgeNone},
		{mode: ""},
		{mode: unionsv1.BridgeMesh, from: &exists},
		{mode: unionsv1.BridgeHub, from: &metav1.LabelSelector{MatchLabels: map[string]string{key: "interop"}}},
	}
	for _, tt := range tests {
		t.Run(string(tt.mode), func(t *testing.T) {
			np := NetworkPolicy(ref, "team-a", tt.mode)
			if tt.from == nil {
				if np != nil {
					t.Fatalf("want no policy, got %+v", np)
				}
				return
			}
			if np.Name != "union-alliance-blue-bridge" || np.Namespace != "team-a" || np.Labels[unionsv1.UnionLabel] != "Alliance.blue" {
				t.Errorf("metadata %+v", np.ObjectMeta)
			}
			want := networkingv1.NetworkPolicySpec{
				PodSelector: exists,
				PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
				Ingress: []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{
					NamespaceSelector: &exists, PodSelector: tt.from,
				}}}},
			}
			if !reflect.DeepEqual(np.Spec, want) {
				t.Errorf("spec %+v, want %+v", np.Spec, want)
			}
		})
	}
}

func TestMode(t *testing.T) {
	if Mode(nil) != unionsv1.BridgeNone || Mode(&unionsv1.Bridge{}) != unionsv1.BridgeNone || Mode(&unionsv1.Bridge{Mode: unionsv1.BridgeHub}) != unionsv1.BridgeHub {
		t.Fatal("Mode")
	}
}
