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

// Package union is the reconciler every union kind shares: it reports the
// Memberships that name the union (members, counts), the exits from it
// (formerMembers, by ExitTreaty, unilateral or by expulsion) and the kstatus
// conditions, and runs the kind's own phases (expiry for coalitions, nesting
// for federations, ...) supplied by the kind's package, which also see the
// Proposals put to the union.
package union

import (
	"context"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/conditions"
	"github.com/kos-dev/union-operator/internal/index"
	"github.com/kos-dev/union-operator/internal/kube"
)

// Scope is what the shared reconciler observed, handed to the kind's phases.
type Scope struct {
	Now         time.Time
	Memberships []unionsv1.Membership
	// Proposals are the Proposals put to the union, whatever their phase.
	Proposals []unionsv1.Proposal
}

// Outcome is what the kind's phases concluded.
type Outcome struct {
	// Summary sets Ready, Reconciling and Stalled.
	Summary conditions.Summary
	// RequeueAt is the next instant the union changes by time alone (zero: none).
	RequeueAt time.Time
}

// Kind plugs one union kind into the shared reconciler.
type Kind[T unionsv1.Union] interface {
	// New returns an empty object of the kind.
	New() T
	// Reconcile runs the kind's own phases on u, whose members are already
	// summarised in its status. It may set kind-specific status fields.
	Reconcile(ctx context.Context, u T, s *Scope) (Outcome, error)
	// Watches adds the kind's own watches to the controller.
	Watches(b *ctrl.Builder) *ctrl.Builder
}

// Reconciler reconciles one union kind.
type Reconciler[T unionsv1.Union] struct {
	client.Client
	Clock    clock.PassiveClock
	Recorder events.EventRecorder
	Kind     Kind[T]
}

// Reconcile summarises the union's members and runs its kind's phases.
func (r *Reconciler[T]) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	u := r.Kind.New()
	if err := r.Get(ctx, req.NamespacedName, u); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if u.GetDeletionTimestamp() != nil {
		return ctrl.Result{}, nil
	}
	before := u.DeepCopyObject().(T)

	memberships, err := index.MembershipsOf(ctx, r, unionsv1.Reference(u))
	if err != nil {
		return ctrl.Result{}, err
	}
	proposals, err := index.ProposalsOf(ctx, r, unionsv1.Reference(u))
	if err != nil {
		return ctrl.Result{}, err
	}
	s := &Scope{Now: r.Clock.Now(), Memberships: memberships, Proposals: proposals}
	st := u.Standing()
	st.Members, st.MemberCount, st.AgentCount = Summarize(memberships)
	exits, err := r.recordExits(ctx, u, s)
	if err != nil {
		return ctrl.Result{}, err
	}

	outcome, err := r.Kind.Reconcile(ctx, u, s)
	if err != nil {
		return ctrl.Result{}, err
	}
	conditions.Set(&st.Conditions, u.GetGeneration(), metav1.NewTime(s.Now), outcome.Summary)
	st.ObservedGeneration = u.GetGeneration()
	if err := kube.PatchStatus(ctx, r.Client, before, u); err != nil {
		// A kind's phases may delete the union (a coalition's onExpiry:
		// Delete): there is no status left to write.
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	r.announceExits(u, exits)
	if outcome.RequeueAt.IsZero() {
		return ctrl.Result{}, nil
	}
	return ctrl.Result{RequeueAfter: max(outcome.RequeueAt.Sub(r.Clock.Now()), time.Millisecond)}, nil
}

// SetupWithManager registers the reconciler for its kind, following the
// Memberships that name each union.
func (r *Reconciler[T]) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	kind := r.Kind.New().UnionKind()
	b := ctrl.NewControllerManagedBy(mgr).
		Named(string(kind)).
		For(r.Kind.New()).
		Watches(&unionsv1.Membership{}, handler.EnqueueRequestsFromMapFunc(func(_ context.Context, o client.Object) []reconcile.Request {
			m := o.(*unionsv1.Membership)
			if m.Spec.Union.Kind != kind {
				return nil
			}
			return []reconcile.Request{{NamespacedName: client.ObjectKey{Name: m.Spec.Union.Name}}}
		})).
		Watches(&unionsv1.ExitTreaty{}, handler.EnqueueRequestsFromMapFunc(func(_ context.Context, o client.Object) []reconcile.Request {
			t := o.(*unionsv1.ExitTreaty)
			if t.Spec.Union.Kind != kind {
				return nil
			}
			return []reconcile.Request{{NamespacedName: client.ObjectKey{Name: t.Spec.Union.Name}}}
		})).
		// Decided proposals take effect on the union (expulsions, dissolution, consensus).
		Watches(&unionsv1.Proposal{}, handler.EnqueueRequestsFromMapFunc(func(_ context.Context, o client.Object) []reconcile.Request {
			p := o.(*unionsv1.Proposal)
			if p.Spec.Union.Kind != kind {
				return nil
			}
			return []reconcile.Request{{NamespacedName: client.ObjectKey{Name: p.Spec.Union.Name}}}
		})).
		WithOptions(opts)
	return r.Kind.Watches(b).Complete(r)
}
