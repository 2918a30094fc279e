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

// Package apply writes the objects the operator renders for unions — charters,
// budgets, bridges, propagated objects, admission policies — by server-side
// apply under the operator's field manager, and tells when what is in the
// cluster already carries what is rendered, so that nothing is written
// twice.
package apply

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/klog/v2"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

// Rendered writes a rendered object (TypeMeta set) by server-side apply
// under the operator's field manager: the fields rendered, nothing else.
func Rendered(ctx context.Context, c client.Client, obj client.Object) error {
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		raw, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
		if err != nil {
			return err
		}
		u = &unstructured.Unstructured{Object: raw}
	} else {
		u = u.DeepCopy()
	}
	unstructured.RemoveNestedField(u.Object, "status")
	unstructured.RemoveNestedField(u.Object, "metadata", "creationTimestamp")
	ctrl.LoggerFrom(ctx).V(1).Info("Applying union-made object", "kind", u.GetKind(), "object", klog.KObj(u))
	return c.Apply(ctx, client.ApplyConfigurationFromUnstructured(u), client.FieldOwner(unionsv1.FieldManager), client.ForceOwnership)
}

// UpToDate reports whether current (nil when missing) already carries what
// desired renders: its labels, its controller and the same spec.
func UpToDate(current, desired client.Object, sameSpec func() bool) bool {
	if current == nil || !HasLabels(current, desired.GetLabels()) {
		return false
	}
	want, got := metav1.GetControllerOf(desired), metav1.GetControllerOf(current)
	if (want == nil) != (got == nil) || want != nil && want.UID != got.UID {
		return false
	}
	return sameSpec()
}

// ControlledBy makes owner (of the unions API, of the given kind) the
// controller of obj, so that the object goes with its owner.
func ControlledBy(obj client.Object, owner client.Object, kind string) {
	obj.SetOwnerReferences([]metav1.OwnerReference{*metav1.NewControllerRef(owner, unionsv1.GroupVersion.WithKind(kind))})
}

// HasLabels reports whether obj carries every label of want.
func HasLabels(obj client.Object, want map[string]string) bool {
	got := obj.GetLabels()
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}
