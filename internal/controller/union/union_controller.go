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
// Proposals put to the union. It is the one controller package the kinds'
// packages import.
package union

import (
	"context"
	"time"

	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/governance"
	"github.com/kos-dev/union-operator/internal/index"
	"github.com/kos-dev/union-operator/internal/liveness"
	"github.com/kos-dev/union-operator/internal/status"
)

// Scope is what the shared reconciler observed, handed to the kind's phases.
type Scope struct {
	Now         time.Time
	Memberships []unionsv1.Membership
	// Proposals are the Proposals put to this union object (bound to its
	// UID), whatever their phase. What they decided is the union's
	// status.decisions, which the phases read.
	Proposals []unionsv1.Proposal
}

// putTo keeps the proposals put to the union object u.
func putTo(ps []unionsv1.Proposal, u unionsv1.Union) []unionsv1.Proposal {
	var out []unionsv1.Proposal
	for i := range ps {
		if governance.PutTo(&ps[i], u.GetUID()) {
			out = append(out, ps[i])
		}
	}
	return out
}

// Kind plugs one union kind into the shared reconciler.
type Kind[T unionsv1.Union] interface {
	// New returns an empty object of the kind.
	New() T
	// Reconcile runs the kind's own phases on u, whose members are already
	// summarised in its status. It may set kind-specific status fields.
	Reconcile(ctx context.Context, u T, s *Scope) (status.Outcome, error)
	// Watches adds the kind's own watches to the controller.
	Watches(b *ctrl.Builder) *ctrl.Builder
}

// Finalizing is implemented by the kinds whose end needs cleanup that owner
// references cannot do (an alliance gives back the reserves it raised in
// member namespaces): the shared reconciler holds the kind's finalizer while
// the union holds something, and finalizes the union when it is deleted.
type Finalizing[T unionsv1.Union] interface {
	// Finalizer is the name of the kind's finalizer.
	Finalizer() string
	// Holds reports whether the union, as just reconciled, holds something
	// only it can give back.
	Holds(u T) bool
	// Finalize gives back what a deleted union holds; done once nothing is.
	Finalize(ctx context.Context, u T) (done bool, err error)
}

// Reconciler reconciles one union kind.
type Reconciler[T unionsv1.Union] struct {
	client.Client
	Clock    clock.PassiveClock
	Recorder events.EventRecorder
	Kind     Kind[T]
}

// +kubebuilder:rbac:groups=unions.kos.dev,resources=memberships,verbs=list;watch

// Reconcile summarises the union's members, records exits and runs its
// kind's phases; the status is written once, at the end, however it ends.
func (r *Reconciler[T]) Reconcile(ctx context.Context, req ctrl.Request) (res ctrl.Result, retErr error) {
	u := r.Kind.New()
	if err := r.Get(ctx, req.NamespacedName, u); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if u.GetDeletionTimestamp() != nil {
		return ctrl.Result{}, r.finalize(ctx, u)
	}
	// A stale cache must not write a change of members twice, nor
	// announce it twice.
	patcher := status.NewPatcher(r.Client, u, status.WithOptimisticLock())
	var outcome status.Outcome
	var exits []unionsv1.FormerMember
	before := *u.Standing().DeepCopy()
	// One instant for the phases and the Events; the requeue is reckoned
	// from the end of the reconcile.
	now := r.Clock.Now()
	defer func() {
		res, retErr = patcher.Finish(ctx, u, r.Clock.Now(), outcome, retErr)
		if patcher.Written {
			r.announceMembers(u, &before, exits, now)
			r.announceExits(u, exits)
		}
	}()

	ref := unionsv1.Reference(u)
	memberships, err := index.MembershipsOf(ctx, r, ref)
	if err != nil {
		return ctrl.Result{}, err
	}
	proposals, err := index.ProposalsOf(ctx, r, ref)
	if err != nil {
		return ctrl.Result{}, err
	}
	s := &Scope{Now: now, Memberships: memberships, Proposals: putTo(proposals, u)}
	st := u.Standing()
	st.Members, st.MemberCount, st.AgentCount = Summarize(memberships, liveness.Ended(u, now) != nil)
	// Decisions are recorded once, from the proposals put to this very
	// union, and stand whatever happens to the Proposals afterwards.
	st.Decisions, _ = governance.Record(st.Decisions, s.Proposals, u.GetUID())
	if exits, err = r.recordExits(ctx, u, s); err != nil {
		return ctrl.Result{}, err
	}
	if outcome, err = r.Kind.Reconcile(ctx, u, s); err != nil {
		return ctrl.Result{}, err
	}
	return ctrl.Result{}, r.holdFinalizer(ctx, u, patcher)
}

// holdFinalizer keeps the kind's finalizer on a union exactly while it
// holds something (Finalizing), before the status that records it is
// written.
func (r *Reconciler[T]) holdFinalizer(ctx context.Context, u T, patcher *status.Patcher) error {
	fin, ok := any(r.Kind).(Finalizing[T])
	if !ok {
		return nil
	}
	want, has := fin.Holds(u), controllerutil.ContainsFinalizer(u, fin.Finalizer())
	if want == has {
		return nil
	}
	patched := u.DeepCopyObject().(T)
	if want {
		controllerutil.AddFinalizer(patched, fin.Finalizer())
	} else {
		controllerutil.RemoveFinalizer(patched, fin.Finalizer())
	}
	if err := r.Patch(ctx, patched, client.MergeFrom(u)); err != nil {
		return err
	}
	patcher.MetadataPatched(u, patched.GetResourceVersion())
	return nil
}

// finalize lets a deleted union go once its kind has given back what it
// held.
func (r *Reconciler[T]) finalize(ctx context.Context, u T) error {
	fin, ok := any(r.Kind).(Finalizing[T])
	if !ok || !controllerutil.ContainsFinalizer(u, fin.Finalizer()) {
		return nil
	}
	done, err := fin.Finalize(ctx, u)
	if err != nil || !done {
		return err
	}
	patched := u.DeepCopyObject().(T)
	controllerutil.RemoveFinalizer(patched, fin.Finalizer())
	return client.IgnoreNotFound(r.Patch(ctx, patched, client.MergeFrom(u)))
}
