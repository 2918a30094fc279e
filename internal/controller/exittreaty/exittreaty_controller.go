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

// Package exittreaty reconciles ExitTreaties: a member's negotiated exit from
// a union runs Proposed → Mediation (when the union names mediators) →
// CoolingOff → Effective, or ends Withdrawn or Rejected. Every transition is
// recorded once in the treaty's hash-chained audit trail, and the phase is
// read back from that chain; a chain that does not verify is never extended.
//
// The treaty drives the Membership's standing only through its own status:
// the membership controller reads it (CoolingOff while the treaty cools off,
// Separated once it is Effective), the badge engine follows the standing,
// and the union reconciler records the exit in the union's formerMembers.
// What this controller does itself, once the Membership is Separated, is
// dispose of the objects the union made in the namespace as the treaty says.
package exittreaty

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/index"
	"github.com/kos-dev/union-operator/internal/mediation"
	"github.com/kos-dev/union-operator/internal/separation"
	"github.com/kos-dev/union-operator/internal/status"
)

// Reconciler reconciles ExitTreaties.
type Reconciler struct {
	client.Client
	// APIReader reads the union-made objects to dispose of, which the cache
	// does not hold.
	APIReader client.Reader
	Clock     clock.PassiveClock
	Recorder  events.EventRecorder
}

// +kubebuilder:rbac:groups=unions.kos.dev,resources=exittreaties,verbs=list;watch
// +kubebuilder:rbac:groups=unions.kos.dev,resources=exittreaties/status,verbs=patch
// +kubebuilder:rbac:groups=unions.kos.dev,resources=ballots,verbs=list;watch
// +kubebuilder:rbac:groups=unions.kos.dev,resources=memberships,verbs=list;watch
// +kubebuilder:rbac:groups=unions.kos.dev,resources=coalitions;alliances;federations,verbs=list;watch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile moves one treaty as far as the facts allow, records it, and
// disposes of the union's objects once the exit has taken effect. The status
// is written once, at the end, under an optimistic lock: a treaty observed
// from a stale cache must not rewrite its audit chain.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (res ctrl.Result, retErr error) {
	t := &unionsv1.ExitTreaty{}
	if err := r.Get(ctx, req.NamespacedName, t); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if t.DeletionTimestamp != nil {
		return ctrl.Result{}, nil
	}
	before := t.DeepCopy()
	patcher := status.NewPatcher(r.Client, t, status.WithOptimisticLock())
	var outcome status.Outcome
	var o treatyOutcome
	defer func() {
		res, retErr = patcher.Finish(ctx, t, r.Clock.Now(), outcome, retErr)
		if patcher.Written {
			r.announce(before, t, o)
		}
	}()

	s, err := r.observe(ctx, t)
	if err != nil {
		return ctrl.Result{}, err
	}
	if o = advance(s); o.err != nil {
		return ctrl.Result{}, o.err
	}
	setStatus(t, o, s.now)
	outcome = status.Outcome{Summary: o.summary, RequeueAt: o.requeueAt}
	if o.broken == nil && o.phase == unionsv1.TreatyEffective {
		if err := r.disposeAssets(ctx, s); err != nil {
			return ctrl.Result{}, status.Wrap(ReasonAssetsNotDisposed, err)
		}
	}
	return ctrl.Result{}, nil
}

// observe gathers the facts of a treaty from the cache.
func (r *Reconciler) observe(ctx context.Context, t *unionsv1.ExitTreaty) (*scope, error) {
	s := &scope{treaty: t, now: r.Clock.Now()}

	u := unionsv1.NewUnion(t.Spec.Union.Kind)
	switch err := r.Get(ctx, types.NamespacedName{Name: t.Spec.Union.Name}, u); {
	case apierrors.IsNotFound(err):
	case err != nil:
		return nil, err
	default:
		s.union = u
	}

	siblings, err := index.ExitTreatiesOf(ctx, r, t.Spec.Union, t.Namespace)
	if err != nil {
		return nil, err
	}
	s.siblings = siblings
	s.holder = holder(t, siblings)

	var memberships unionsv1.MembershipList
	if err := r.List(ctx, &memberships, client.InNamespace(t.Namespace),
		client.MatchingFields{index.MembershipUnion: index.UnionKey(t.Spec.Union)}); err != nil {
		return nil, err
	}
	s.membership = separation.SpokenFor(t, memberships.Items)

	if s.union != nil && len(s.union.Terms().Separation.Mediators) > 0 {
		ballots, err := index.BallotsOn(ctx, r, unionsv1.SubjectExitTreaty, t.Namespace, t.Name)
		if err != nil {
			return nil, err
		}
		s.verdict = mediation.Decide(t, s.union.Terms().Separation.Mediators, ballots)
	}
	return s, nil
}

// holder names the live treaty of the same namespace and union that takes
// precedence over t, if any: one that is cooling off, or else an older one
// still undecided. A treaty cooling off itself holds its place.
func holder(t *unionsv1.ExitTreaty, siblings []unionsv1.ExitTreaty) string {
	if t.Status.Phase == unionsv1.TreatyCoolingOff {
		return ""
	}
	first := ""
	for i := range siblings {
		o := &siblings[i]
		if o.Name == t.Name || o.DeletionTimestamp != nil {
			continue
		}
		switch o.Status.Phase {
		case unionsv1.TreatyCoolingOff:
			return o.Name
		case "", unionsv1.TreatyProposed, unionsv1.TreatyMediation:
			if older(o, t) && (first == "" || o.Name < first) {
				first = o.Name
			}
		}
	}
	return first
}

// older reports whether a was filed before b (by name within a second).
func older(a, b *unionsv1.ExitTreaty) bool {
	return a.CreationTimestamp.Before(&b.CreationTimestamp) ||
		a.CreationTimestamp.Equal(&b.CreationTimestamp) && a.Name < b.Name
}

// event emits an Event on the treaty.
func (r *Reconciler) event(t *unionsv1.ExitTreaty, eventType, reason, note string, args ...any) {
	r.Recorder.Eventf(t, nil, eventType, reason, "Separate", note, args...)
}

// warningEvents are the audit events announced as Warnings.
var warningEvents = map[string]bool{EventRejected: true, EventRejectedByMediator: true}

// announce emits an Event per recorded transition, and one when the audit
// chain is found broken.
func (r *Reconciler) announce(before, after *unionsv1.ExitTreaty, o treatyOutcome) {
	for _, e := range o.appended {
		eventType := corev1.EventTypeNormal
		if warningEvents[e.Event] {
			eventType = corev1.EventTypeWarning
		}
		r.event(after, eventType, e.Event, "%s", e.Detail)
	}
	if o.broken != nil && !auditBroken(before) {
		r.event(after, corev1.EventTypeWarning, ReasonChainBroken, "The audit chain does not verify (%s); the treaty no longer progresses", o.broken.Error())
	}
}
