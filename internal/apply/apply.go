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
// twice. It never takes over an object the operator did not make for the
// same union: a same-named object of a tenant, or of another union, is a
// reported conflict, and stays as it is.
package apply

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/client-go/util/csaupgrade"
	"k8s.io/klog/v2"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

// ConflictError says that an object the operator would write exists and is
// not the operator's for the same union.
type ConflictError struct {
	Kind, Namespace, Name string
	// Holder says whose the object is: another union (Kind.name) or "".
	Holder string
}

func (e *ConflictError) Error() string {
	holder := "an object union-operator did not make"
	if e.Holder != "" {
		holder = "an object of " + e.Holder
	}
	return fmt.Sprintf("%s %s/%s is %s: it is left as it is, and this one is not written", e.Kind, e.Namespace, e.Name, holder)
}

// Owned writes obj — rendered with the operator's labels for one union and
// its owner reference — unless an object of that name exists that is not
// the operator's for that union. current is what the cache holds of the
// object (nil when it holds nothing of that name; the cache holds only the
// operator's own objects, so the API server, api, is asked before
// creating). An absent object is created (a create fails rather than
// overwrite one that appeared meanwhile); one of the same union (its owner,
// or a predecessor Membership of the same name) is brought up to date by
// server-side apply. Anything else is a *ConflictError.
func Owned(ctx context.Context, c client.Client, api client.Reader, obj, current client.Object) error {
	if current == nil {
		existing := &metav1.PartialObjectMetadata{}
		existing.SetGroupVersionKind(obj.GetObjectKind().GroupVersionKind())
		switch err := api.Get(ctx, client.ObjectKeyFromObject(obj), existing); {
		case apierrors.IsNotFound(err):
			return create(ctx, c, obj)
		case err != nil:
			return err
		}
		current = existing
	}
	if holder, ours := SameUnion(current, obj); !ours {
		return &ConflictError{Kind: obj.GetObjectKind().GroupVersionKind().Kind, Namespace: obj.GetNamespace(), Name: obj.GetName(), Holder: holder}
	}
	return Rendered(ctx, c, obj)
}

// SameUnion reports whether current is the operator's object for the union
// desired is rendered for: labelled as the operator's for that union, and
// owned by the same kind of owner (the same one, or one that came before
// it: a Membership of the namespace re-filed, a union re-created). When it
// is not, holder names the union it belongs to ("" for an object the
// operator did not make).
func SameUnion(current, desired client.Object) (holder string, ours bool) {
	labels := current.GetLabels()
	if labels[unionsv1.ManagedByLabel] != unionsv1.ManagedByValue {
		return "", false
	}
	union := labels[unionsv1.UnionLabel]
	if union != desired.GetLabels()[unionsv1.UnionLabel] {
		return union, false
	}
	want, got := metav1.GetControllerOf(desired), metav1.GetControllerOf(current)
	if want == nil || got == nil {
		return union, want == nil && got == nil
	}
	return union, got.Kind == want.Kind && got.APIVersion == want.APIVersion
}

// create creates a rendered object as the operator's field manager, and
// hands the fields the create set over to the operator's server-side apply
// entry, so that the next apply owns them and drops those it no longer
// renders.
func create(ctx context.Context, c client.Client, obj client.Object) error {
	u, err := toUnstructured(obj)
	if err != nil {
		return err
	}
	ctrl.LoggerFrom(ctx).V(1).Info("Creating union-made object", "kind", u.GetKind(), "object", klog.KObj(u))
	if err := c.Create(ctx, u, client.FieldOwner(unionsv1.FieldManager)); apierrors.IsAlreadyExists(err) {
		return &ConflictError{Kind: u.GetKind(), Namespace: u.GetNamespace(), Name: u.GetName()}
	} else if err != nil {
		return err
	}
	patch, err := csaupgrade.UpgradeManagedFieldsPatch(u, sets.New(unionsv1.FieldManager), unionsv1.FieldManager)
	if err != nil || patch == nil {
		return err
	}
	return c.Patch(ctx, u, client.RawPatch(types.JSONPatchType, patch))
}

func toUnstructured(obj client.Object) (*unstructured.Unstructured, error) {
	var u *unstructured.Unstructured
	if uo, ok := obj.(*unstructured.Unstructured); ok {
		u = uo.DeepCopy()
	} else {
		raw, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
		if err != nil {
			return nil, err
		}
		u = &unstructured.Unstructured{Object: raw}
	}
	unstructured.RemoveNestedField(u.Object, "status")
	unstructured.RemoveNestedField(u.Object, "metadata", "creationTimestamp")
	return u, nil
}

// Rendered writes a rendered object (TypeMeta set) by server-side apply
// under the operator's field manager: the fields rendered, nothing else.
// Callers write only objects they know to be the operator's (Owned).
func Rendered(ctx context.Context, c client.Client, obj client.Object) error {
	u, err := toUnstructured(obj)
	if err != nil {
		return err
	}
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
