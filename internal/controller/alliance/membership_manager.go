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

package alliance

import (
	"context"

	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/agentobjects"
	"github.com/kos-dev/union-operator/internal/index"
	"github.com/kos-dev/union-operator/internal/watches"
)

// SetupWithManager registers the controller: it follows Alliance
// Memberships (what they put in force), the bridges they own, the budgets
// of every alliance in their namespaces, their alliances, and the agent
// workloads: their own labels (the terms select by them) and their specs
// (replicas and pod selectors), not the badges the badge engine writes.
func (r *MembershipReconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	b := ctrl.NewControllerManagedBy(mgr).
		Named("alliance-member").
		For(&unionsv1.Membership{}, builder.WithPredicates(watches.MembershipsOf(unionsv1.KindAlliance), watches.StandingChanged())).
		Owns(&networkingv1.NetworkPolicy{}).
		// A budget of one Membership may stand in for another's: every
		// alliance Membership of the namespace hears of it.
		Watches(&policyv1.PodDisruptionBudget{}, handler.EnqueueRequestsFromMapFunc(r.allianceMembershipsIn),
			builder.WithPredicates(predicate.NewPredicateFuncs(func(o client.Object) bool {
				return isAlliance(o.GetLabels()[unionsv1.UnionLabel])
			}))).
		Watches(&unionsv1.Alliance{}, handler.EnqueueRequestsFromMapFunc(r.membershipsOf),
			builder.WithPredicates(watches.BadgeFactsChanged())).
		WithOptions(opts)
	for _, gvk := range reserveKinds {
		b = b.WatchesMetadata(agentobjects.Partial(gvk), handler.EnqueueRequestsFromMapFunc(r.allianceMembershipsIn),
			builder.WithPredicates(predicate.Or(watches.OwnLabelsChanged(), predicate.GenerationChangedPredicate{})))
	}
	return b.Complete(r)
}

// membershipsOf maps an alliance to the Memberships naming it.
func (r *MembershipReconciler) membershipsOf(ctx context.Context, o client.Object) []reconcile.Request {
	ms, err := index.MembershipsOf(ctx, r, unionsv1.Reference(o.(*unionsv1.Alliance)))
	if err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Listing memberships of alliance")
		return nil
	}
	return watches.ObjectRequests(ms)
}

// allianceMembershipsIn maps an agent workload to the Alliance Memberships
// of its namespace.
func (r *MembershipReconciler) allianceMembershipsIn(ctx context.Context, o client.Object) []reconcile.Request {
	ms, err := index.MembershipsIn(ctx, r, o.GetNamespace(), unionsv1.KindAlliance)
	if err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Listing memberships of namespace")
		return nil
	}
	return watches.ObjectRequests(ms)
}
