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

package membership

import (
	"context"
	"maps"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/agents"
	"github.com/kos-dev/union-operator/internal/controller/federation"
	"github.com/kos-dev/union-operator/internal/index"
)

// SetupWithManager registers the Membership controller: it follows the
// unions Memberships name, the labels of member Namespaces (invitations by
// selector) and the agents in them (the agents a Membership lists).
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	labelsOnly := builder.WithPredicates(predicate.LabelChangedPredicate{})
	b := ctrl.NewControllerManagedBy(mgr).
		Named("membership").
		For(&unionsv1.Membership{}).
		Owns(&corev1.ConfigMap{}).
		WatchesMetadata(&corev1.Namespace{}, handler.EnqueueRequestsFromMapFunc(r.inNamespace(func(o client.Object) string { return o.GetName() })), labelsOnly).
		WithOptions(opts)
	for _, gvk := range agents.Kinds {
		obj := &metav1.PartialObjectMetadata{}
		obj.SetGroupVersionKind(gvk)
		b = b.WatchesMetadata(obj, handler.EnqueueRequestsFromMapFunc(r.inNamespace(client.Object.GetNamespace)), builder.WithPredicates(ownLabelsChanged))
	}
	for _, kind := range unionsv1.UnionKinds {
		b = b.Watches(unionsv1.NewUnion(kind), handler.EnqueueRequestsFromMapFunc(r.ofUnion))
	}
	// ExitTreaties cool a membership off and separate it.
	b = b.Watches(&unionsv1.ExitTreaty{}, handler.EnqueueRequestsFromMapFunc(r.inNamespace(client.Object.GetNamespace)))
	// Admit and Expel proposals admit and expel the namespace they name.
	b = b.Watches(&unionsv1.Proposal{}, handler.EnqueueRequestsFromMapFunc(r.ofTarget))
	return b.Complete(r)
}

// inNamespace maps an object to every Membership of a namespace.
func (r *Reconciler) inNamespace(namespaceOf func(client.Object) string) handler.MapFunc {
	return func(ctx context.Context, o client.Object) []reconcile.Request {
		var list unionsv1.MembershipList
		if err := r.List(ctx, &list, client.InNamespace(namespaceOf(o))); err != nil {
			ctrl.LoggerFrom(ctx).Error(err, "Listing memberships of namespace")
			return nil
		}
		return requests(list.Items)
	}
}

// ofUnion maps a union to the Memberships naming it.
func (r *Reconciler) ofUnion(ctx context.Context, o client.Object) []reconcile.Request {
	var members []unionsv1.Membership
	var err error
	if f, ok := o.(*unionsv1.Federation); ok {
		// A federation's parameters bind its descendants' members too.
		members, err = federation.MembershipsUnder(ctx, r, f.Name)
	} else {
		members, err = index.MembershipsOf(ctx, r, unionsv1.Reference(o.(unionsv1.Union)))
	}
	if err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Listing memberships of union")
		return nil
	}
	return requests(members)
}

func requests(ms []unionsv1.Membership) []reconcile.Request {
	out := make([]reconcile.Request, len(ms))
	for i := range ms {
		out[i] = reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&ms[i])}
	}
	return out
}

// ownLabelsChanged lets through creations, deletions and updates that change
// an agent's own labels: the badges the operator writes never change what a
// Membership selects (see agents.Selector), so they wake no Membership.
var ownLabelsChanged = predicate.Funcs{
	UpdateFunc: func(e event.UpdateEvent) bool {
		return !maps.Equal(withoutBadges(e.ObjectOld.GetLabels()), withoutBadges(e.ObjectNew.GetLabels()))
	},
}

func withoutBadges(l map[string]string) map[string]string {
	out := make(map[string]string, len(l))
	for k, v := range l {
		if !unionsv1.IsBadgeKey(k) {
			out[k] = v
		}
	}
	return out
}
