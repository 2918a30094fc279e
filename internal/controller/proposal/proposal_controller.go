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

// Package proposal reconciles Proposals and Ballots, the governance of every
// union kind (see docs/governance.md). A Proposal filed by a member is open
// until every eligible voter has voted or it closes (its creation plus
// closesAfter, or the union's voting period), and is then Passed, Rejected
// (threshold missed) or Expired (quorum missed); a decision is final. Who
// votes, how delegation and child federations count, and how a bloc votes
// is package governance; the effects of a Passed proposal are applied by
// the controllers of what they change (memberships, unions) from the
// proposal's status. The Ballot reconciler is the one writer of Ballot
// status: whether each Ballot counts, and why.
package proposal

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/governance"
	"github.com/kos-dev/union-operator/internal/index"
	"github.com/kos-dev/union-operator/internal/status"
)

// Reconciler reconciles Proposals.
type Reconciler struct {
	client.Client
	Clock    clock.PassiveClock
	Recorder events.EventRecorder
}

// +kubebuilder:rbac:groups=unions.kos.dev,resources=proposals,verbs=list;watch
// +kubebuilder:rbac:groups=unions.kos.dev,resources=proposals/status,verbs=patch
// +kubebuilder:rbac:groups=unions.kos.dev,resources=ballots,verbs=list;watch
// +kubebuilder:rbac:groups=unions.kos.dev,resources=memberships,verbs=list;watch
// +kubebuilder:rbac:groups=unions.kos.dev,resources=coalitions;alliances;federations,verbs=list;watch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile tallies an undecided Proposal and decides it when it can. The
// status is written once, at the end, under an optimistic lock: a decision
// is final, so a status computed from a stale read (one that does not show
// a decision made meanwhile) must not overwrite it.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (res ctrl.Result, retErr error) {
	p := &unionsv1.Proposal{}
	if err := r.Get(ctx, req.NamespacedName, p); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if p.DeletionTimestamp != nil {
		return ctrl.Result{}, nil
	}
	patcher := status.NewPatcher(r.Client, p, status.WithOptimisticLock())
	if governance.Decided(p) {
		// A decision is never re-tallied: its status stands, acknowledging
		// a new generation only.
		return patcher.Finish(ctx, p, r.Clock.Now(), status.Outcome{Summary: decidedSummary(p)}, nil)
	}
	var o outcome
	defer func() {
		res, retErr = patcher.Finish(ctx, p, r.Clock.Now(), status.Outcome{Summary: o.summary, RequeueAt: o.requeueAt}, retErr)
		if o.decided && patcher.Written {
			r.announce(p)
		}
	}()

	s, err := r.observe(ctx, p)
	if err != nil {
		return ctrl.Result{}, err
	}
	o = conclude(s)
	return ctrl.Result{}, setStatus(p, o, s.now)
}

// observe gathers what a proposal's tally depends on, from the cache.
func (r *Reconciler) observe(ctx context.Context, p *unionsv1.Proposal) (*scope, error) {
	s := &scope{proposal: p, now: r.Clock.Now()}
	u, observed, err := observeUnion(ctx, r, p.Spec.Union)
	if err != nil || u == nil {
		return s, err
	}
	s.union = u
	s.body, s.invalid = governance.NewBody(observed)
	s.awaiting = awaitingMembership(observed, p.Namespace)
	ballots, err := index.BallotsOn(ctx, r, unionsv1.SubjectProposal, p.Namespace, p.Name)
	if err != nil {
		return s, err
	}
	// Only ballots cast on this very proposal count: one of the same name,
	// deleted and filed again, starts with no votes.
	s.ballots = governance.Choices(governance.Cast(governance.Bound(ballots, p.UID, p.CreationTimestamp)))
	return s, nil
}

// announce emits an Event for a decision just made.
func (r *Reconciler) announce(p *unionsv1.Proposal) {
	eventType := corev1.EventTypeNormal
	if p.Status.Tally == nil {
		eventType = corev1.EventTypeWarning
	}
	for _, c := range p.Status.Conditions {
		if c.Type == unionsv1.ConditionReady {
			r.Recorder.Eventf(p, nil, eventType, c.Reason, "Decide", "%s %s: %s", p.Spec.Action.Type, p.Status.Phase, c.Message)
		}
	}
}
