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

package apply

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

func TestSameUnion(t *testing.T) {
	ref := unionsv1.UnionReference{Kind: unionsv1.KindAlliance, Name: "pact"}
	other := unionsv1.UnionReference{Kind: unionsv1.KindFederation, Name: "pact"}
	owner := func(kind, name, uid string) []metav1.OwnerReference {
		return []metav1.OwnerReference{{APIVersion: unionsv1.GroupVersion.String(), Kind: kind, Name: name, UID: types.UID("u-" + uid), Controller: ptr.To(true)}}
	}
	obj := func(labels map[string]string, owners []metav1.OwnerReference) *corev1.ConfigMap {
		return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "union-alliance-pact", Labels: labels, OwnerReferences: owners}}
	}
	desired := obj(ref.ManagedLabels(), owner("Membership", "join", "1"))
	tests := []struct {
		name       string
		current    *corev1.ConfigMap
		wantOurs   bool
		wantHolder string
	}{
		{"the operator's, for the same union and owner", obj(ref.ManagedLabels(), owner("Membership", "join", "1")), true, ref.LabelValue()},
		{"a predecessor Membership's, of another name", obj(ref.ManagedLabels(), owner("Membership", "old", "0")), true, ref.LabelValue()},
		{"a tenant's own object", obj(map[string]string{"app": "mine"}, nil), false, ""},
		{"a tenant's object claiming the union's label only", obj(map[string]string{unionsv1.UnionLabel: ref.LabelValue()}, nil), false, ""},
		{"another union's", obj(other.ManagedLabels(), owner("Membership", "join", "1")), false, other.LabelValue()},
		{"the same union's, owned by another kind", obj(ref.ManagedLabels(), owner("Alliance", "pact", "2")), false, ref.LabelValue()},
		{"the same union's, with no owner", obj(ref.ManagedLabels(), nil), false, ref.LabelValue()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			holder, ours := SameUnion(tt.current, desired)
			if ours != tt.wantOurs || holder != tt.wantHolder {
				t.Errorf("SameUnion() = %q, %v; want %q, %v", holder, ours, tt.wantHolder, tt.wantOurs)
			}
		})
	}
}
