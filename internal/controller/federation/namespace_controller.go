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
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"k8s.io/klog/v2"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/apply"
	"github.com/kos-dev/union-operator/internal/badge"
	"github.com/kos-dev/union-operator/internal/constitution"
	"github.com/kos-dev/union-operator/internal/index"
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
	Recorder events.EventRecorder
}

// +kubebuilder:rbac:groups="",resources=resourcequotas;limitranges;configmaps,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=networking.k8s.io,resources=networkpolicies,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=unions.kos.dev,resources=memberships,verbs=get;list;watch
// +kubebuilder:rbac:groups=unions.kos.dev,resources=memberships/finalizers,verbs=update
// +kubebuilder:rbac:groups="",resources=namespaces,verbs=get;list;watch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile brings the federation-made objects of one namespace up to date.
func (r *NamespaceReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	namespace := req.Name
	members, separated, consensus, err := r.observe(ctx, namespace)
	if err != nil {
		return ctrl.Result{}, err
	}
	desired, err := constitution.Plan(namespace, members, consensus)
	if err != nil {
		return ctrl.Result{}, err
	}
	current, err := r.current(ctx, namespace, separated)
	if err != nil {
		return ctrl.Result{}, err
	}

	for _, d := range desired {
		key := objectKey(d.GetKind(), d.GetName())
		cur := current[key]
		delete(current, key)
		if cur != nil && constitution.Covers(d, cur) {
			continue
		}
		if err := apply.Rendered(ctx, r.Client, d); err != nil {
			if !apierrors.IsInvalid(err) && !apierrors.IsBadRequest(err) {
				return ctrl.Result{}, fmt.Errorf("applying %s %s: %w", d.GetKind(), klog.KObj(d), err)
			}
			// The API server refuses the object as the constitution
			// renders it: retrying would not help, the federation has to
			// change it.
			r.refused(ctx, members, d, err)
		}
	}
	for _, stale := range current {
		uid := stale.GetUID()
		if err := r.Delete(ctx, stale, client.Preconditions{UID: &uid}); client.IgnoreNotFound(err) != nil && !apierrors.IsConflict(err) {
			return ctrl.Result{}, fmt.Errorf("removing %s %s: %w", stale.GetKind(), klog.KObj(stale), err)
		}
	}
	return ctrl.Result{}, nil
}

// observe gathers the badged Federation Memberships of a namespace with the
// constitution in force for each, the unions of its Separated Federation
// Memberships, and the consensus of every federation of their lines. A
// namespace being deleted gets nothing new.
func (r *NamespaceReconciler) observe(ctx context.Context, namespace string) ([]constitution.Member, map[string]bool, map[string]*unionsv1.Consensus, error) {
	ns := &metav1.PartialObjectMetadata{}
	ns.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Namespace"))
	if err := r.Get(ctx, types.NamespacedName{Name: namespace}, ns); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, nil, nil, nil
		}
		return nil, nil, nil, err
	}
	ms, err := index.MembershipsIn(ctx, r, namespace, unionsv1.KindFederation)
	if err != nil {
		return nil, nil, nil, err
	}
	var members []constitution.Member
	separated := map[string]bool{}
	consensus := map[string]*unionsv1.Consensus{}
	for i := range ms {
		m := &ms[i]
		if m.Status.Standing == unionsv1.StandingSeparated {
			separated[m.Spec.Union.LabelValue()] = true
			continue
		}
		// What a federation put in a namespace goes once the namespace no
		// longer carries its badge: the admission policies the badge puts
		// in force must never miss their parameters.
		_, carried := ns.Labels[badge.Key(m.Spec.Union)]
		member := m.Status.Standing.Badged() && m.DeletionTimestamp == nil
		if !member && !carried || ns.DeletionTimestamp != nil {
			continue
		}
		f := &unionsv1.Federation{}
		if err := r.Get(ctx, types.NamespacedName{Name: m.Spec.Union.Name}, f); err != nil {
			if apierrors.IsNotFound(err) {
				continue
			}
			return nil, nil, nil, err
		}
		if f.DeletionTimestamp != nil {
			continue
		}
		con, chain, err := lineage.ConstitutionOf(ctx, r, f)
		if err != nil {
			return nil, nil, nil, err
		}
		members = append(members, constitution.Member{Membership: m, Constitution: con})
		consensus[f.Name] = f.Status.Consensus
		for _, a := range chain.Federations {
			consensus[a.Name] = a.Status.Consensus
		}
	}
	return members, separated, consensus, nil
}

// current lists the objects federations made in the namespace, by kind and
// name, leaving out those of Separated Memberships.
func (r *NamespaceReconciler) current(ctx context.Context, namespace string, separated map[string]bool) (map[string]*unstructured.Unstructured, error) {
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
			ref := metav1.GetControllerOf(u)
			if !constitution.Owned(u.GetLabels(), u.GetName()) || ref == nil || ref.Kind != "Membership" ||
				separated[u.GetLabels()[unionsv1.UnionLabel]] {
				continue
			}
			out[objectKey(gvk.Kind, u.GetName())] = u
		}
	}
	return out, nil
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
