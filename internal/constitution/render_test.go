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

package constitution

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

func TestCovers(t *testing.T) {
	m := membership("ns", "join", "north", "uid-1", nil)
	tmpl, err := parseTemplate([]byte(quota))
	if err != nil {
		t.Fatal(err)
	}
	desired := Render(Object{Federation: "north", Name: "quota", Template: tmpl}, "ns", "Federation.north", m)

	// stored is desired as the API server keeps it: quantities canonical,
	// other managers' labels and fields beside the operator's.
	stored := func(mutate func(u *unstructured.Unstructured)) *unstructured.Unstructured {
		u := desired.DeepCopy()
		u.SetLabels(map[string]string{"other": "x", unionsv1.ManagedByLabel: unionsv1.ManagedByValue, unionsv1.UnionLabel: "Federation.north"})
		_ = unstructured.SetNestedField(u.Object, "500m", "spec", "hard", "cpu")
		_ = unstructured.SetNestedField(u.Object, "10", "spec", "hard", "secrets")
		_ = unstructured.SetNestedField(u.Object, map[string]any{"hard": map[string]any{"pods": "50"}}, "status")
		if mutate != nil {
			mutate(u)
		}
		return u
	}
	tests := []struct {
		name    string
		current *unstructured.Unstructured
		want    bool
	}{
		{"missing", nil, false},
		{"as stored", stored(nil), true},
		{"a value edited", stored(func(u *unstructured.Unstructured) {
			_ = unstructured.SetNestedField(u.Object, "100", "spec", "hard", "pods")
		}), false},
		{"a value removed", stored(func(u *unstructured.Unstructured) { unstructured.RemoveNestedField(u.Object, "spec", "hard", "pods") }), false},
		{"the operator's label removed", stored(func(u *unstructured.Unstructured) { u.SetLabels(map[string]string{"other": "x"}) }), false},
		{"rendered from other terms", stored(func(u *unstructured.Unstructured) {
			u.SetAnnotations(map[string]string{RenderedAnnotation: "0000"})
		}), false},
		{"another controller", stored(func(u *unstructured.Unstructured) {
			other := membership("ns", "join", "north", "uid-2", nil)
			u.SetOwnerReferences([]metav1.OwnerReference{owner(other)})
		}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Covers(desired, tt.current); got != tt.want {
				t.Errorf("Covers = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRenderDigestFollowsTheTerms(t *testing.T) {
	m := membership("ns", "join", "north", "uid-1", nil)
	a := ConfigMap("c", "ns", "Federation.north", map[string]string{"a": "1", "b": "2"}, m)
	b := ConfigMap("c", "ns", "Federation.north", map[string]string{"a": "1"}, m)
	again := ConfigMap("c", "ns", "Federation.north", map[string]string{"b": "2", "a": "1"}, m)
	if a.GetAnnotations()[RenderedAnnotation] == b.GetAnnotations()[RenderedAnnotation] {
		t.Error("dropping a key leaves the digest unchanged")
	}
	if a.GetAnnotations()[RenderedAnnotation] != again.GetAnnotations()[RenderedAnnotation] {
		t.Error("the same terms render different digests")
	}
	// Data dropped from the rendering is no longer covered by the current object.
	if Covers(b, a) {
		t.Error("an object holding a dropped key counts as up to date")
	}
	if !Covers(a, a.DeepCopy()) {
		t.Error("an object is not up to date with itself")
	}
}
