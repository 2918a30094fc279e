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

package proposal

import (
	"context"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/governance"
	"github.com/kos-dev/union-operator/internal/index"
	"github.com/kos-dev/union-operator/internal/lineage"
	"github.com/kos-dev/union-operator/internal/mediation"
	"github.com/kos-dev/union-operator/internal/watches"
)

// SetupWithManager registers the Proposal controller. An undecided proposal
// follows its Ballots, the Memberships of its union and of the federations
// nested in it (standing, delegates), and the federations themselves
// (children, strata, governance); it is called back when it closes.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	return ctrl.NewControllerManagedBy(mgr).
		Named("proposal").
		For(&unionsv1.Proposal{}).
		Watches(&unionsv1.Ballot{}, handler.EnqueueRequestsFromMapFunc(onProposal)).
		Watches(&unionsv1.Membership{}, handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
			return openProposals(ctx, r, o.(*unionsv1.Membership).Spec.Union)
		})).
		Watches(&unionsv1.Federation{}, handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
			return openProposals(ctx, r, unionsv1.Reference(o.(*unionsv1.Federation)))
		})).
		WithOptions(opts).
		Complete(r)
}

// SetupWithManager registers the Ballot controller. A ballot follows its
// subject, the Memberships of its namespace, and the unions whose
// electorate or mediators decide whether it counts.
func (r *BallotReconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	b := ctrl.NewControllerManagedBy(mgr).
		Named("ballot").
		For(&unionsv1.Ballot{}).
		Watches(&unionsv1.Proposal{}, handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
			return ballotsOn(ctx, r, unionsv1.SubjectProposal, o)
		})).
		Watches(&unionsv1.ExitTreaty{}, handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
			return ballotsOn(ctx, r, unionsv1.SubjectExitTreaty, o)
		})).
		Watches(&unionsv1.Membership{}, handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
			return ballotsIn(ctx, r, o.GetNamespace())
		})).
		WithOptions(opts)
	for _, kind := range unionsv1.UnionKinds {
		b = b.Watches(unionsv1.NewUnion(kind), handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
			return ballotsOfUnion(ctx, r, unionsv1.Reference(o.(unionsv1.Union)))
		}))
	}
	return b.Complete(r)
}

// onProposal maps a Ballot to the Proposal it votes on.
func onProposal(_ context.Context, o client.Object) []reconcile.Request {
	on := o.(*unionsv1.Ballot).Spec.Subject
	if on.Kind != unionsv1.SubjectProposal {
		return nil
	}
	return []reconcile.Request{{NamespacedName: client.ObjectKey{Namespace: on.Namespace, Name: on.Name}}}
}

// openProposals maps a union to the undecided proposals put to it and to
// the federations it nests in: its electorate is part of theirs.
func openProposals(ctx context.Context, c client.Reader, ref unionsv1.UnionReference) []reconcile.Request {
	refs, err := lineage.Up(ctx, c, ref)
	if err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Reading the federations a union nests in", "union", ref.String())
	}
	var out []reconcile.Request
	for _, ref := range refs {
		ps, err := index.ProposalsOf(ctx, c, ref)
		if err != nil {
			ctrl.LoggerFrom(ctx).Error(err, "Listing proposals of union", "union", ref.String())
			continue
		}
		for i := range ps {
			if !governance.Decided(&ps[i]) {
				out = append(out, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&ps[i])})
			}
		}
	}
	return out
}

// ballotsOn maps a Proposal or ExitTreaty to the Ballots cast on it.
func ballotsOn(ctx context.Context, c client.Reader, kind unionsv1.BallotSubjectKind, o client.Object) []reconcile.Request {
	ballots, err := index.BallotsOn(ctx, c, kind, o.GetNamespace(), o.GetName())
	if err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Listing ballots", "subject", index.SubjectKey(kind, o.GetNamespace(), o.GetName()))
		return nil
	}
	return watches.ObjectRequests(ballots)
}

// ballotsIn maps a namespace to the Ballots it holds.
func ballotsIn(ctx context.Context, c client.Reader, namespace string) []reconcile.Request {
	var list unionsv1.BallotList
	if err := c.List(ctx, &list, client.InNamespace(namespace)); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Listing ballots of namespace", "namespace", namespace)
		return nil
	}
	return watches.ObjectRequests(list.Items)
}

// ballotsOfUnion maps a union to the Ballots whose count it may change: those
// on the undecided proposals put to it or to the federations it nests in
// (electorate), and those on its treaties in mediation (mediators).
func ballotsOfUnion(ctx context.Context, c client.Reader, ref unionsv1.UnionReference) []reconcile.Request {
	var out []reconcile.Request
	for _, p := range openProposals(ctx, c, ref) {
		ballots, err := index.BallotsOn(ctx, c, unionsv1.SubjectProposal, p.Namespace, p.Name)
		if err != nil {
			ctrl.LoggerFrom(ctx).Error(err, "Listing ballots of proposal", "proposal", p.String())
			continue
		}
		out = append(out, watches.ObjectRequests(ballots)...)
	}
	treaties, err := index.ExitTreatiesOf(ctx, c, ref, "")
	if err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Listing exit treaties of union", "union", ref.String())
		return out
	}
	for i := range treaties {
		if t := &treaties[i]; mediation.Open(t) {
			out = append(out, ballotsOn(ctx, c, unionsv1.SubjectExitTreaty, t)...)
		}
	}
	return out
}
