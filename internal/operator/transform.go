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
	"strings"
	"unique"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/cache"
)

// operatorAnnotations is the prefix of the only annotations the operator
// reads on the objects it caches metadata-only.
const operatorAnnotations = "unions.kos.dev/"

// slimMetadata keeps, of an object cached metadata-only (agents, Namespaces),
// what the operator reads: no managedFields, no generateName, no annotation
// but its own (a kubectl last-applied-configuration alone can be kilobytes),
// and shared copies of namespaces, label keys and values and owner kinds,
// which thousands of agents repeat (interned: the objects decoded between
// two garbage collections share one copy; a value equal to the object's
// name, unique to it, shares the name's bytes instead). Other objects lose
// their managedFields only.
func slimMetadata(obj any) (any, error) {
	m, ok := obj.(*metav1.PartialObjectMetadata)
	if !ok {
		return stripManagedFields(obj)
	}
	m.ManagedFields = nil
	m.GenerateName = ""
	m.Namespace = intern(m.Namespace)
	internLabels(m.Labels, m.Name)
	for i := range m.OwnerReferences {
		r := &m.OwnerReferences[i]
		r.APIVersion, r.Kind = intern(r.APIVersion), intern(r.Kind)
	}
	var kept map[string]string
	for k, v := range m.Annotations {
		if strings.HasPrefix(k, operatorAnnotations) {
			if kept == nil {
				kept = map[string]string{}
			}
			kept[k] = v
		}
	}
	m.Annotations = kept
	return m, nil
}

// internLabels replaces, in place, the keys and values of labels by their
// shared copies (a value equal to name by name's bytes: an agent named after
// its object, a bare Pod, a workload, has a value unique to it). The decoded
// map is kept rather than copied: a copy would leave the decoded one as
// garbage of the same size between the long-lived cached objects.
func internLabels(labels map[string]string, name string) {
	// Assigning to a key already present replaces the stored key with the
	// one given (equal, shared) and adds no entry: safe while ranging.
	for k, v := range labels {
		if v == name {
			v = name
		} else {
			v = intern(v)
		}
		labels[intern(k)] = v
	}
}

// stripManagedFields is controller-runtime's transform for the other objects.
var stripManagedFields = cache.TransformStripManagedFields()

// intern returns unique's canonical copy of s. No handle is kept, so unique
// may drop its entry at a garbage collection: the strings already shared
// stay shared, and later objects share a new copy.
func intern(s string) string {
	if s == "" {
		return s
	}
	return unique.Make(s).Value()
}
