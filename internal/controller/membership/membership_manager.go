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

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/agentobjects"
	"github.com/kos-dev/union-operator/internal/agents"
	"github.com/kos-dev/union-operator/internal/charter"
	"github.com/kos-dev/union-operator/internal/lineage"
	"github.com/kos-dev/union-operator/internal/watches"
)

// SetupWithManager registers the Membership controller: it follows the
// unions Memberships name (only what a Membership reads of them: terms,
// end, exits, decisions, charter), the labels of member Namespaces
// (invitations by selector), the agents in them (the agents a Membership
// lists) and their ExitTreaties.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	b := ctrl.NewControllerManagedBy(mgr).
		Named("membership").
		For(&unionsv1.Membership{}).
		// What the union puts in the namespace, owned by the Membership:
		// whether it is in force.
		Owns(&corev1.ConfigMap{}).
		Owns(&corev1.ResourceQuota{}).
		Owns(&corev1.LimitRange{}).
		Owns(&networkingv1.NetworkPolicy{}).
		// The Namespace's labels (invitations, badges, imposed labels) and
		// annotations (the labels in conflict).
		WatchesMetadata(&corev1.Namespace{}, handler.EnqueueRequestsFromMapFunc(r.inNamespace(client.Object.GetName)),
			builder.WithPredicates(predicate.Or(predicate.LabelChangedPredicate{}, predicate.AnnotationChangedPredicate{}))).
		WithOptions(opts)
	for _, gvk := range agents.Kinds {
		b = b.WatchesMetadata(agentobjects.Partial(gvk), handler.EnqueueRequestsFromMapFunc(r.inNamespace(client.Object.GetNamespace)),
			builder.WithPredicates(watches.OwnLabelsChanged()))
	}
	for _, kind := range unionsv1.UnionKinds {
		b = b.Watches(unionsv1.NewUnion(kind), handler.EnqueueRequestsFromMapFunc(r.ofUnion), builder.WithPredicates(readByMembers))
	}
	// ExitTreaties cool a membership off and separate it.
	b = b.Watches(&unionsv1.ExitTreaty{}, handler.EnqueueRequestsFromMapFunc(r.inNamespace(client.Object.GetNamespace)))
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
		return watches.ObjectRequests(list.Items)
	}
}

// ofUnion maps a union to the Memberships naming it; a federation to those
// of its descendants too, whose parameters it sets.
func (r *Reconciler) ofUnion(ctx context.Context, o client.Object) []reconcile.Request {
	members, err := lineage.MembershipsBound(ctx, r, o.(unionsv1.Union))
	if err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Listing memberships of union")
		return nil
	}
	return watches.ObjectRequests(members)
}

// readByMembers lets through the changes of a union that its Memberships
// read: its terms (generation), its end, its record of exits and what its
// charter shows. Most status writes of a union (its counts, its conditions)
// change none of them and wake no Membership.
var readByMembers = predicate.Funcs{
	UpdateFunc: func(e event.UpdateEvent) bool {
		old, cur := e.ObjectOld.(unionsv1.Union), e.ObjectNew.(unionsv1.Union)
		return old.GetGeneration() != cur.GetGeneration() ||
			!equality.Semantic.DeepEqual(memberView(old), memberView(cur))
	},
}

// memberView is what a Membership reads of its union's metadata and status.
func memberView(u unionsv1.Union) any {
	return struct {
		Deleting  bool
		Charter   charter.Document
		Former    []unionsv1.FormerMember
		Decisions []unionsv1.DecisionRecord
		Phase     string
	}{
		Deleting:  u.GetDeletionTimestamp() != nil,
		Charter:   charter.Render(u, "", nil),
		Former:    u.Standing().FormerMembers,
		Decisions: u.Standing().Decisions,
		Phase:     phaseOf(u),
	}
}

// phaseOf is the lifecycle phase of a union, which its liveness reads.
func phaseOf(u unionsv1.Union) string {
	switch u := u.(type) {
	case *unionsv1.Coalition:
		return string(u.Status.Phase)
	case *unionsv1.Federation:
		return string(u.Status.Phase)
	}
	return ""
}
