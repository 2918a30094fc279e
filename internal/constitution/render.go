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
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

// Kinds are the kinds a constitution may propagate, each with a new empty
// object of its type. Least privilege: quotas, limits, network policies and
// plain configuration; never RBAC objects, Secrets or workloads, which would
// let a federation grant itself power in a member namespace.
var Kinds = map[schema.GroupVersionKind]func() runtime.Object{
	corev1.SchemeGroupVersion.WithKind("ResourceQuota"):       func() runtime.Object { return &corev1.ResourceQuota{} },
	corev1.SchemeGroupVersion.WithKind("LimitRange"):          func() runtime.Object { return &corev1.LimitRange{} },
	networkingv1.SchemeGroupVersion.WithKind("NetworkPolicy"): func() runtime.Object { return &networkingv1.NetworkPolicy{} },
	corev1.SchemeGroupVersion.WithKind("ConfigMap"):           func() runtime.Object { return &corev1.ConfigMap{} },
}

// Supported reports whether the operator propagates objects of a kind.
func Supported(gvk schema.GroupVersionKind) bool {
	_, ok := Kinds[gvk]
	return ok
}

func supportedList() string {
	return "v1 ResourceQuota, v1 LimitRange, networking.k8s.io/v1 NetworkPolicy and v1 ConfigMap"
}

// ObjectName is the name of a federation's object in member namespaces.
func ObjectName(federation, object string) string { return "federation-" + federation + "-" + object }

// ParamsName is the name of the ConfigMap a federation's admission policies
// read their parameters from, in each member namespace.
func ParamsName(federation string) string { return ObjectName(federation, "params") }

// ConsensusName is the name of the ConfigMap publishing a federation's consensus.
func ConsensusName(federation string) string { return ObjectName(federation, "consensus") }

// Owned reports whether an object in a member namespace is one this package
// renders: named federation-*, labelled with a federation.
func Owned(labels map[string]string, name string) bool {
	ref, ok := unionsv1.ParseUnionLabel(labels[unionsv1.UnionLabel])
	return strings.HasPrefix(name, "federation-") && labels[unionsv1.ManagedByLabel] == unionsv1.ManagedByValue &&
		ok && ref.Kind == unionsv1.KindFederation
}

// validate decodes a template into its kind's type, refusing unknown fields
// and values of the wrong type.
func validate(u *unstructured.Unstructured) error {
	obj := Kinds[u.GroupVersionKind()]()
	return runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(u.Object, obj, true)
}

// Render returns o as propagated into a namespace: named
// federation-<federation>-<object>, carrying the template's labels and
// annotations, the operator's labels with unionLabel (<Kind>.<name> of the
// owning Membership's union) and the owner's controller reference.
func Render(o Object, namespace, unionLabel string, m *unionsv1.Membership) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{}}
	for k, v := range o.Template.Object {
		if k != "metadata" && k != "status" {
			u.Object[k] = runtime.DeepCopyJSONValue(v)
		}
	}
	labels := o.Template.GetLabels()
	if labels == nil {
		labels = map[string]string{}
	}
	u.SetName(ObjectName(o.Federation, o.Name))
	return stamp(u, namespace, unionLabel, labels, o.Template.GetAnnotations(), m)
}

// ConfigMap returns one of the operator's own ConfigMaps of a federation.
func ConfigMap(name, namespace, unionLabel string, data map[string]string, m *unionsv1.Membership) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{}}
	u.SetAPIVersion("v1")
	u.SetKind("ConfigMap")
	u.SetName(name)
	if len(data) > 0 {
		raw := map[string]any{}
		for k, v := range data {
			raw[k] = v
		}
		u.Object["data"] = raw
	}
	return stamp(u, namespace, unionLabel, map[string]string{}, nil, m)
}

func stamp(u *unstructured.Unstructured, namespace, unionLabel string, labels, annotations map[string]string, m *unionsv1.Membership) *unstructured.Unstructured {
	u.SetNamespace(namespace)
	labels = maps.Clone(labels)
	labels[unionsv1.ManagedByLabel] = unionsv1.ManagedByValue
	labels[unionsv1.UnionLabel] = unionLabel
	u.SetLabels(labels)
	if len(annotations) > 0 {
		u.SetAnnotations(annotations)
	}
	if m != nil {
		u.SetOwnerReferences(append(u.GetOwnerReferences()[:0], owner(m)))
	}
	seal(u)
	return u
}

// RenderedAnnotation holds a digest of what the operator last rendered for
// an object: a field dropped from the rendering changes it, so the object is
// applied again and server-side apply removes the field.
const RenderedAnnotation = "unions.kos.dev/rendered"

// seal records the digest of u's labels, annotations and content in u.
func seal(u *unstructured.Unstructured) {
	content := map[string]any{"labels": u.GetLabels(), "annotations": u.GetAnnotations()}
	for k, v := range u.Object {
		if k != "metadata" {
			content[k] = v
		}
	}
	body, _ := json.Marshal(content) // maps marshal with sorted keys
	sum := sha256.Sum256(body)
	annotations := u.GetAnnotations()
	if annotations == nil {
		annotations = map[string]string{}
	}
	annotations[RenderedAnnotation] = hex.EncodeToString(sum[:8])
	u.SetAnnotations(annotations)
}

// ConsensusData renders a federation's consensus as the data of its
// consensus ConfigMap: the whole view as consensus.yaml.
func ConsensusData(federation string, c *unionsv1.Consensus) (map[string]string, error) {
	if c == nil {
		c = &unionsv1.Consensus{}
	}
	body, err := yaml.Marshal(c)
	if err != nil {
		return nil, err
	}
	return map[string]string{"federation": federation, "consensus.yaml": string(body)}, nil
}

// Covers reports whether current already holds everything desired renders:
// its labels, annotations (the digest of the rendering among them) and
// controller, and every field of its content.
// Both are compared as the API server stores them (desired is decoded into
// its kind's type and back, so 500m and 0.5 compare equal); fields the server
// defaulted or another manager added to current do not matter, as a
// server-side apply would keep them too.
func Covers(desired, current *unstructured.Unstructured) bool {
	if current == nil || current.GetDeletionTimestamp() != nil {
		return false
	}
	if !subset(desired.GetLabels(), current.GetLabels()) || !subset(desired.GetAnnotations(), current.GetAnnotations()) {
		return false
	}
	want, got := desired.GetOwnerReferences(), current.GetOwnerReferences()
	if len(want) > 0 && !controlledBy(got, want[0].UID) {
		return false
	}
	canonical, err := Canonical(desired)
	if err != nil {
		return false
	}
	for k, v := range canonical.Object {
		if k == "apiVersion" || k == "kind" || k == "metadata" || k == "status" {
			continue
		}
		if !contains(v, current.Object[k]) {
			return false
		}
	}
	return true
}

// Canonical returns u as the API server would store it: decoded into its
// kind's type and encoded again.
func Canonical(u *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	newObj, ok := Kinds[u.GroupVersionKind()]
	if !ok {
		return nil, fmt.Errorf("%s is not a propagated kind", u.GroupVersionKind())
	}
	obj := newObj()
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, obj); err != nil {
		return nil, err
	}
	raw, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, err
	}
	return &unstructured.Unstructured{Object: raw}, nil
}

// contains reports whether got holds every field of want with the same value.
func contains(want, got any) bool {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return len(w) == 0 && got == nil
		}
		for k, v := range w {
			if !contains(v, g[k]) {
				return false
			}
		}
		return true
	case []any:
		g, ok := got.([]any)
		if !ok {
			return len(w) == 0 && got == nil
		}
		if len(w) != len(g) {
			return false
		}
		for i := range w {
			if !contains(w[i], g[i]) {
				return false
			}
		}
		return true
	case nil:
		return true
	default:
		return reflect.DeepEqual(want, got)
	}
}

func subset(want, got map[string]string) bool {
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			return false
		}
	}
	return true
}
