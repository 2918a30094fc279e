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

package federation

import (
	"context"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
	"k8s.io/klog/v2"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/apply"
	"github.com/kos-dev/union-operator/internal/constitution"
	"github.com/kos-dev/union-operator/internal/lineage"
)

// NamespaceReconciler keeps, for each namespace (the request's Name), what the
// federations of its badged Memberships put there: the propagated objects of
// every federation of their lines (inheritance), each federation's params
// ConfigMap (its parameters with the member's overrides) and its consensus
// ConfigMap. One reconcile per namespace, so that a namespace joining a
// federation and one of its children gets each object once, through the
// nearest Membership, which owns it. Objects are written by server-side
// apply only when they differ from what is rendered, put back when edited or
// deleted, and removed when no badged Membership wants them any longer and
// the namespace no longer carries its badge — except those of a Separated
// Membership, which its ExitTreaty retains or releases.
type NamespaceReconciler struct {
	client.Client
	// APIReader reads objects the cache does not hold: before creating one,
	// whether a tenant's object of that name is there.
	APIReader client.Reader
	Recorder  events.EventRecorder
}

// +kubebuilder:rbac:groups="",resources=resourcequotas;limitranges;configmaps,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=networking.k8s.io,resources=networkpolicies,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=unions.kos.dev,resources=memberships,verbs=list;watch
// +kubebuilder:rbac:groups=unions.kos.dev,resources=memberships/finalizers,verbs=update
// +kubebuilder:rbac:groups="",resources=namespaces,verbs=list;watch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile brings the federation-made objects of one namespace up to date.
func (r *NamespaceReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	namespace := req.Name
	plan, err := lineage.PlanNamespace(ctx, r, namespace)
	if err != nil {
		return ctrl.Result{}, err
	}
	current, err := r.current(ctx, namespace)
	if err != nil {
		return ctrl.Result{}, err
	}

	for _, d := range plan.Desired {
		key := objectKey(d.GetKind(), d.GetName())
		cur := current[key]
		delete(current, key)
		if cur != nil && constitution.Covers(d, cur) {
			continue
		}
		var curObj client.Object
		if cur != nil {
			curObj = cur
		}
		var conflict *apply.ConflictError
		switch err := apply.Owned(ctx, r.Client, r.APIReader, d, curObj); {
		case errors.As(err, &conflict):
			// Another union's object, or a tenant's, has the name: it is left
			// as it is; the Membership reports the clause as not in force.
			r.refused(ctx, plan.Members, d, err)
		case apierrors.IsInvalid(err) || apierrors.IsBadRequest(err):
			// The API server refuses the object as the constitution
			// renders it: retrying would not help, the federation has to
			// change it.
			r.refused(ctx, plan.Members, d, err)
		case err != nil:
			return ctrl.Result{}, fmt.Errorf("applying %s %s: %w", d.GetKind(), klog.KObj(d), err)
		}
	}
	for _, stale := range current {
		if !ownedByFederationMember(stale) || plan.Separated[stale.GetLabels()[unionsv1.UnionLabel]] {
			continue // another union's object, or one a treaty retains or releases
		}
		uid := stale.GetUID()
		if err := r.Delete(ctx, stale, client.Preconditions{UID: &uid}); client.IgnoreNotFound(err) != nil && !apierrors.IsConflict(err) {
			return ctrl.Result{}, fmt.Errorf("removing %s %s: %w", stale.GetKind(), klog.KObj(stale), err)
		}
	}
	return ctrl.Result{}, nil
}

// current lists the objects the operator made in the namespace of the kinds
// federations propagate, by kind and name, whoever they are for.
func (r *NamespaceReconciler) current(ctx context.Context, namespace string) (map[string]*unstructured.Unstructured, error) {
	out := map[string]*unstructured.Unstructured{}
	for gvk := range constitution.Kinds {
		list := &unstructured.UnstructuredList{}
		list.SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
		typed, err := r.Scheme().New(list.GroupVersionKind())
		if err != nil {
			return nil, err
		}
		typedList := typed.(client.ObjectList)
		if err := r.List(ctx, typedList, client.InNamespace(namespace), operatorMade); err != nil {
			return nil, err
		}
		raw, err := runtime.DefaultUnstructuredConverter.ToUnstructured(typedList)
		if err != nil {
			return nil, err
		}
		items, _, _ := unstructured.NestedSlice(raw, "items")
		for _, item := range items {
			u := &unstructured.Unstructured{Object: item.(map[string]any)}
			u.SetGroupVersionKind(gvk)
			out[objectKey(gvk.Kind, u.GetName())] = u
		}
	}
	return out, nil
}

// ownedByFederationMember reports whether an object is one a federation put
// in the namespace through a Membership.
func ownedByFederationMember(o client.Object) bool {
	ref := metav1.GetControllerOf(o)
	return constitution.Owned(o.GetLabels(), o.GetName()) && ref != nil && ref.Kind == "Membership"
}

// refused tells the owning Membership that the API server refused an object.
func (r *NamespaceReconciler) refused(ctx context.Context, members []constitution.Member, obj *unstructured.Unstructured, err error) {
	ctrl.LoggerFrom(ctx).Info("The API server refused a propagated object", "kind", obj.GetKind(), "object", klog.KObj(obj), "error", err.Error())
	owner := metav1.GetControllerOf(obj)
	for _, m := range members {
		if owner != nil && m.Membership.UID == owner.UID {
			r.Recorder.Eventf(m.Membership, nil, corev1.EventTypeWarning, "ObjectRefused", "Propagate",
				"The API server refused %s %s of the constitution: %v", obj.GetKind(), obj.GetName(), err)
		}
	}
}

// operatorMade selects, in the cache, the objects the operator made.
var operatorMade = client.MatchingLabels{unionsv1.ManagedByLabel: unionsv1.ManagedByValue}

func objectKey(kind, name string) string { return kind + "/" + name }
