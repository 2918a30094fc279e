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

// Package bridge renders an alliance's bridge: the NetworkPolicy in each
// member namespace that admits traffic to the member's badged agents from
// allied agents — any badged agent of a member namespace (Mesh) or only the
// interop agents (Hub). Badges select both sides. It is pure.
package bridge

import (
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/badge"
)

// Name is the name of a union's bridge in every member namespace.
func Name(ref unionsv1.UnionReference) string {
	return "union-" + strings.ToLower(string(ref.Kind)) + "-" + ref.Name + "-bridge"
}

// Mode is the bridge mode of an alliance (None when it declares no bridge).
func Mode(b *unionsv1.Bridge) unionsv1.BridgeMode {
	if b == nil || b.Mode == "" {
		return unionsv1.BridgeNone
	}
	return b.Mode
}

// NetworkPolicy renders the bridge of one member namespace, or nil when the
// mode builds none.
func NetworkPolicy(ref unionsv1.UnionReference, namespace string, mode unionsv1.BridgeMode) *networkingv1.NetworkPolicy {
	key := badge.Key(ref)
	var from *metav1.LabelSelector
	switch mode {
	case unionsv1.BridgeMesh:
		from = exists(key)
	case unionsv1.BridgeHub:
		from = &metav1.LabelSelector{MatchLabels: map[string]string{key: string(unionsv1.RoleInterop)}}
	default:
		return nil
	}
	return &networkingv1.NetworkPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: networkingv1.SchemeGroupVersion.String(), Kind: "NetworkPolicy"},
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: Name(ref), Labels: ref.ManagedLabels()},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: *exists(key),
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
			Ingress: []networkingv1.NetworkPolicyIngressRule{{
				From: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: exists(key), PodSelector: from}},
			}},
		},
	}
}

func exists(key string) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: key, Operator: metav1.LabelSelectorOpExists}}}
}
