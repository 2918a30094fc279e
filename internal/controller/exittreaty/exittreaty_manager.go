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

package exittreaty

import (
	"context"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/index"
	"github.com/kos-dev/union-operator/internal/watches"
)

// SetupWithManager registers the ExitTreaty controller. It follows the
// mediators' Ballots on each treaty, the Memberships treaties speak for, and
// the terms (spec) of the unions they leave.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	if r.APIReader == nil {
		r.APIReader = mgr.GetAPIReader()
	}
	b := ctrl.NewControllerManagedBy(mgr).
		Named("exittreaty").
		For(&unionsv1.ExitTreaty{}).
		Watches(&unionsv1.Ballot{}, handler.EnqueueRequestsFromMapFunc(onTreaty)).
		Watches(&unionsv1.Membership{}, handler.EnqueueRequestsFromMapFunc(r.ofMembership)).
		WithOptions(opts)
	for _, kind := range unionsv1.UnionKinds {
		b = b.Watches(unionsv1.NewUnion(kind), handler.EnqueueRequestsFromMapFunc(r.ofUnion),
			builder.WithPredicates(predicate.GenerationChangedPredicate{}))
	}
	return b.Complete(r)
}

// onTreaty maps a Ballot to the treaty it votes on.
func onTreaty(_ context.Context, o client.Object) []reconcile.Request {
	on := o.(*unionsv1.Ballot).Spec.Subject
	if on.Kind != unionsv1.SubjectExitTreaty {
		return nil
	}
	return []reconcile.Request{{NamespacedName: client.ObjectKey{Namespace: on.Namespace, Name: on.Name}}}
}

// ofMembership maps a Membership to the treaties of its namespace that leave
// its union.
func (r *Reconciler) ofMembership(ctx context.Context, o client.Object) []reconcile.Request {
	m := o.(*unionsv1.Membership)
	treaties, err := index.ExitTreatiesOf(ctx, r, m.Spec.Union, m.Namespace)
	if err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Listing exit treaties of membership")
		return nil
	}
	return watches.ObjectRequests(treaties)
}

// ofUnion maps a union to the treaties that leave it.
func (r *Reconciler) ofUnion(ctx context.Context, o client.Object) []reconcile.Request {
	treaties, err := index.ExitTreatiesOf(ctx, r, unionsv1.Reference(o.(unionsv1.Union)), "")
	if err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Listing exit treaties of union")
		return nil
	}
	return watches.ObjectRequests(treaties)
}
