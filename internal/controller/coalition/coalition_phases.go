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

// Package coalition holds the phases of a Coalition, a time-bound,
// purpose-driven union: its expiry is exact (the reconciler requeues for the
// deadline), with a warning before it and renewal by moving the deadline
// later; its goals are met when the objects they name report a condition
// True, watched rather than polled, and may dissolve it; its council seats
// rotate over the members' badged agents each term, or come from an election.
package coalition

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/conditions"
	"github.com/kos-dev/union-operator/internal/controller/union"
	"github.com/kos-dev/union-operator/internal/goals"
	"github.com/kos-dev/union-operator/internal/goalwatch"
	"github.com/kos-dev/union-operator/internal/governance"
	"github.com/kos-dev/union-operator/internal/liveness"
	"github.com/kos-dev/union-operator/internal/status"
)

// Kind is the Coalition kind of the union reconciler.
type Kind struct {
	Client   client.Client
	Recorder events.EventRecorder
	// goals watches the objects goals complete on; nil tracks no goal.
	goals *goalwatch.Watches
}

// +kubebuilder:rbac:groups=unions.kos.dev,resources=coalitions,verbs=list;watch;delete
// +kubebuilder:rbac:groups=unions.kos.dev,resources=coalitions/status,verbs=patch
// +kubebuilder:rbac:groups=unions.kos.dev,resources=proposals,verbs=list;watch
// +kubebuilder:rbac:groups=batch,resources=jobs,verbs=list;watch
// +kubebuilder:rbac:groups=authorization.k8s.io,resources=selfsubjectaccessreviews,verbs=create

// New implements union.Kind.
func (Kind) New() *unionsv1.Coalition { return &unionsv1.Coalition{} }

// scope is what one reconcile of a coalition observed and concluded so far.
type scope struct {
	*union.Scope
	coalition *unionsv1.Coalition
	deadline  time.Time
	// expired: the deadline has passed.
	expired bool
	// dissolved: the coalition is dissolved, before or by this reconcile.
	dissolved bool
	// dissolvedBy is the coalition's Passed Dissolve decision, if any.
	dissolvedBy *unionsv1.DecisionRecord
	// next is the earliest instant the coalition changes by time alone.
	next time.Time
}

// live reports whether the coalition is in force: neither expired nor dissolved.
func (s *scope) live() bool { return !s.expired && !s.dissolved }

// requeueAt records an instant the coalition changes by time alone.
func (s *scope) requeueAt(t time.Time) {
	if !t.IsZero() && (s.next.IsZero() || t.Before(s.next)) {
		s.next = t
	}
}

// Reconcile implements union.Kind: goals, expiry, council, then the phase.
func (k Kind) Reconcile(ctx context.Context, c *unionsv1.Coalition, s *union.Scope) (status.Outcome, error) {
	sc := &scope{Scope: s, coalition: c, deadline: c.Deadline()}
	sc.expired = liveness.Expired(c, s.Now)
	// Dissolution is a decided outcome: once recorded, it stands. A Passed
	// Dissolve proposal decides it too.
	sc.dissolvedBy = governance.Dissolution(c.Status.Decisions)
	sc.dissolved = c.Status.Phase == unionsv1.CoalitionDissolved || sc.dissolvedBy != nil

	if err := k.reconcileGoals(ctx, sc); err != nil {
		return status.Outcome{}, err
	}
	k.reconcileExpiry(sc)
	k.reconcileCouncil(sc)
	return k.conclude(ctx, sc)
}

// conclude sets the phase and the summary, and deletes an ended coalition
// whose onExpiry is Delete once no member is badged.
func (k Kind) conclude(ctx context.Context, sc *scope) (status.Outcome, error) {
	c := sc.coalition
	expires := sc.deadline.UTC().Format(time.RFC3339)
	switch {
	case sc.dissolved:
		why := sc.dissolution()
		if c.Status.Phase != unionsv1.CoalitionDissolved {
			k.event(c, corev1.EventTypeNormal, ReasonDissolved, "Dissolve", "%s: the coalition is dissolved and its members' badges are removed", why.cause)
		}
		c.Status.Phase = unionsv1.CoalitionDissolved
		conditions.Mark(&c.Status.Conditions, c.Generation, metav1.NewTime(sc.Now), ConditionDissolved, true, why.reason, why.condition)
		if sc.expired && c.Spec.OnExpiry == unionsv1.ExpiryDelete {
			return k.deleteOnceUnbadged(ctx, sc)
		}
		if c.Spec.OnExpiry == unionsv1.ExpiryDelete {
			sc.requeueAt(sc.deadline)
		}
		return status.Outcome{Summary: conditions.Summary{State: conditions.Ready, Reason: ReasonDissolved,
			Message: "the coalition was dissolved " + why.when + "; a dissolved coalition stays dissolved"}, RequeueAt: sc.next}, nil
	case sc.expired:
		c.Status.Phase = unionsv1.CoalitionExpired
		if c.Spec.OnExpiry == unionsv1.ExpiryDelete {
			return k.deleteOnceUnbadged(ctx, sc)
		}
		return status.Outcome{Summary: conditions.Summary{State: conditions.Ready, Reason: ReasonExpired,
			Message: "the coalition expired at " + expires + "; move its deadline later to renew it"}, RequeueAt: sc.next}, nil
	}
	meta.RemoveStatusCondition(&c.Status.Conditions, ConditionDissolved)
	c.Status.Phase = unionsv1.CoalitionActive
	summary := conditions.Summary{State: conditions.Ready, Reason: unionsv1.ReasonActive,
		Message: fmt.Sprintf("%d members, %d agents, %d of %d goals met; expires at %s",
			c.Status.MemberCount, c.Status.AgentCount, goals.Count(c.Status.Goals), len(c.Status.Goals), expires)}
	if c.Status.MemberCount == 0 {
		c.Status.Phase = unionsv1.CoalitionForming
		summary.Reason, summary.Message = ReasonForming, "no member has joined yet; expires at "+expires
	}
	return status.Outcome{Summary: summary, RequeueAt: sc.next}, nil
}

// deleteOnceUnbadged deletes an ended coalition with onExpiry: Delete once
// no member carries its badge any more.
func (k Kind) deleteOnceUnbadged(ctx context.Context, sc *scope) (status.Outcome, error) {
	c := sc.coalition
	// The status reports the members Ended at once; the coalition waits
	// for their Memberships to record it too.
	if union.Badged(sc.Memberships) {
		return status.Outcome{Summary: conditions.Summary{State: conditions.Progressing, Reason: ReasonDeleting,
			Message: "ended; deleting once every member's badges are removed"}}, nil
	}
	if k.goals != nil {
		k.goals.Release(c.Name)
	}
	if err := k.Client.Delete(ctx, c); client.IgnoreNotFound(err) != nil {
		return status.Outcome{}, err
	}
	ctrl.LoggerFrom(ctx).Info("Deleted ended coalition", "onExpiry", c.Spec.OnExpiry)
	return status.Outcome{Summary: conditions.Summary{State: conditions.Progressing, Reason: ReasonDeleting, Message: "ended; deleting"}}, nil
}

func (k Kind) event(c *unionsv1.Coalition, eventType, reason, action, note string, args ...any) {
	k.Recorder.Eventf(c, nil, eventType, reason, action, note, args...)
}
