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

package operator

import (
	"maps"
	"testing"
	"unsafe"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

func TestSlimMetadata(t *testing.T) {
	agent := func(ns string) *metav1.PartialObjectMetadata {
		return &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{
			Namespace: string([]byte(ns)), Name: "planner",
			Labels: map[string]string{string([]byte("app")): string([]byte("planner"))},
			Annotations: map[string]string{
				"kubectl.kubernetes.io/last-applied-configuration": `{"big":"object"}`,
				"unions.kos.dev/label-conflicts":                   "team",
			},
			ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "kubectl"}},
		}}
	}
	a, _ := slimMetadata(agent("team-a"))
	b, _ := slimMetadata(agent("team-a"))
	ma, mb := a.(*metav1.PartialObjectMetadata), b.(*metav1.PartialObjectMetadata)
	if ma.ManagedFields != nil {
		t.Error("managedFields kept")
	}
	if !maps.Equal(ma.Annotations, map[string]string{"unions.kos.dev/label-conflicts": "team"}) {
		t.Errorf("annotations %v: only the operator's are kept", ma.Annotations)
	}
	if !maps.Equal(ma.Labels, map[string]string{"app": "planner"}) {
		t.Errorf("labels %v", ma.Labels)
	}
	if unsafe.StringData(ma.Namespace) != unsafe.StringData(mb.Namespace) || unsafe.StringData(ma.Labels["app"]) != unsafe.StringData(mb.Labels["app"]) {
		t.Error("namespaces and label values of two objects are not one copy")
	}
	for ka := range ma.Labels {
		for kb := range mb.Labels {
			if ka == kb && unsafe.StringData(ka) != unsafe.StringData(kb) {
				t.Error("label keys of two objects are not one copy")
			}
		}
	}
	decoded := agent("team-a")
	labels := decoded.Labels
	if _, err := slimMetadata(decoded); err != nil {
		t.Fatal(err)
	}
	if labels["app"] != "planner" || len(labels) != 1 || decoded.Labels == nil {
		t.Errorf("labels %v", decoded.Labels)
	}
	labels["probe"] = "x"
	if decoded.Labels["probe"] != "x" {
		t.Error("the decoded label map was copied, not kept: the copy leaves it as garbage")
	}

	// A value equal to the object's name is the name's bytes; owner kinds
	// are shared; generateName is dropped.
	pod := &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{
		Namespace: "team-a", Name: "planner-7d9f", GenerateName: "planner-",
		Labels:          map[string]string{unionsv1.AgentLabel: string([]byte("planner-7d9f"))},
		OwnerReferences: []metav1.OwnerReference{{APIVersion: string([]byte("apps/v1")), Kind: string([]byte("ReplicaSet")), Name: "planner"}},
	}}
	other := pod.DeepCopy()
	other.OwnerReferences[0].APIVersion, other.OwnerReferences[0].Kind = string([]byte("apps/v1")), string([]byte("ReplicaSet"))
	sp, _ := slimMetadata(pod)
	so, _ := slimMetadata(other)
	p, o := sp.(*metav1.PartialObjectMetadata), so.(*metav1.PartialObjectMetadata)
	if unsafe.StringData(p.Labels[unionsv1.AgentLabel]) != unsafe.StringData(p.Name) {
		t.Error("a label value equal to the name is a copy of its own")
	}
	if p.GenerateName != "" {
		t.Errorf("generateName %q kept", p.GenerateName)
	}
	if unsafe.StringData(p.OwnerReferences[0].Kind) != unsafe.StringData(o.OwnerReferences[0].Kind) ||
		unsafe.StringData(p.OwnerReferences[0].APIVersion) != unsafe.StringData(o.OwnerReferences[0].APIVersion) {
		t.Error("owner kinds of two objects are not one copy")
	}

	plain, _ := slimMetadata(agent("team-b"))
	plain.(*metav1.PartialObjectMetadata).Annotations = nil
	if got, _ := slimMetadata(plain); got.(*metav1.PartialObjectMetadata).Annotations != nil {
		t.Error("an object without annotations gained a map")
	}

	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{
		Annotations:   map[string]string{"kept": "yes"},
		ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "kubectl"}},
	}}
	got, _ := slimMetadata(cm)
	if c := got.(*corev1.ConfigMap); c.ManagedFields != nil || c.Annotations["kept"] != "yes" {
		t.Errorf("a typed object loses its managedFields only: %+v", c.ObjectMeta)
	}
}
