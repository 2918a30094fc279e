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

// Package coalition holds the phases of a Coalition: a time-bound union whose
// expiry is exact (the reconciler requeues for the deadline), with a warning
// before it and renewal by moving the deadline later.
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
)

// Reasons of the Expired condition.
const (
	ReasonExpiringSoon = "ExpiringSoon"
	ReasonInForce      = "InForce"
	ReasonExpired      = "Expired"
)

// maxWarning caps how long before expiry the warning comes.
const maxWarning = time.Hour

// Kind is the Coalition kind of the union reconciler.
type Kind struct {
	Client   client.Client
	Recorder events.EventRecorder
}

// +kubebuilder:rbac:groups=unions.kos.dev,resources=coalitions,verbs=get;list;watch;delete
// +kubebuilder:rbac:groups=unions.kos.dev,resources=coalitions/status,verbs=get;update;patch

// New implements union.Kind.
func (Kind) New() *unionsv1.Coalition { return &unionsv1.Coalition{} }

// Watches implements union.Kind.
func (Kind) Watches(b *ctrl.Builder) *ctrl.Builder { return b }

// Reconcile implements union.Kind: expiry, its warning, and the phase.
func (k Kind) Reconcile(ctx context.Context, c *unionsv1.Coalition, s *union.Scope) (union.Outcome, error) {
	deadline := c.Deadline()
	c.Status.ExpiresAt = unionsv1.TimePtr(deadline)
	now := metav1.NewTime(s.Now)
	gen := c.Generation
	conds := &c.Status.Conditions

	if !s.Now.Before(deadline) {
		c.Status.Phase = unionsv1.CoalitionExpired
		if !meta.IsStatusConditionTrue(*conds, unionsv1.ConditionExpired) {
			k.event(c, corev1.EventTypeNormal, ReasonExpired, "Coalition expired at %s; badges are removed", deadline.UTC().Format(time.RFC3339))
		}
		conditions.Mark(conds, gen, now, unionsv1.ConditionExpired, true, ReasonExpired, "expired at "+deadline.UTC().Format(time.RFC3339))
		if c.Spec.OnExpiry == unionsv1.ExpiryDelete {
			return k.deleteOnceDissolved(ctx, c)
		}
		return union.Outcome{Summary: conditions.Summary{State: conditions.Ready, Reason: ReasonExpired,
			Message: "the coalition expired at " + deadline.UTC().Format(time.RFC3339) + "; move its deadline later to renew it"}}, nil
	}

	warnAt := WarningTime(c.CreationTimestamp.Time, deadline)
	next := deadline
	if s.Now.Before(warnAt) {
		next = warnAt
		conditions.Mark(conds, gen, now, unionsv1.ConditionExpired, false, ReasonInForce, "expires at "+deadline.UTC().Format(time.RFC3339))
	} else {
		if cond := meta.FindStatusCondition(*conds, unionsv1.ConditionExpired); cond == nil || cond.Reason != ReasonExpiringSoon {
			k.event(c, corev1.EventTypeWarning, ReasonExpiringSoon, "Coalition expires at %s, in %s", deadline.UTC().Format(time.RFC3339), deadline.Sub(s.Now).Round(time.Second))
		}
		conditions.Mark(conds, gen, now, unionsv1.ConditionExpired, false, ReasonExpiringSoon, "expires at "+deadline.UTC().Format(time.RFC3339))
	}

	c.Status.Phase = unionsv1.CoalitionActive
	summary := conditions.Summary{State: conditions.Ready, Reason: unionsv1.ReasonActive,
		Message: fmt.Sprintf("%d members, %d agents; expires at %s", c.Status.MemberCount, c.Status.AgentCount, deadline.UTC().Format(time.RFC3339))}
	if c.Status.MemberCount == 0 {
		c.Status.Phase = unionsv1.CoalitionForming
		summary.Reason, summary.Message = "Forming", "no member has joined yet; expires at "+deadline.UTC().Format(time.RFC3339)
	}
	return union.Outcome{Summary: summary, RequeueAt: next}, nil
}

// deleteOnceDissolved deletes an expired coalition with onExpiry: Delete once
// no member carries its badge any more.
func (k Kind) deleteOnceDissolved(ctx context.Context, c *unionsv1.Coalition) (union.Outcome, error) {
	if c.Status.MemberCount > 0 {
		return union.Outcome{Summary: conditions.Summary{State: conditions.Progressing, Reason: ReasonExpired,
			Message: "expired; deleting once every member's badges are removed"}}, nil
	}
	if err := k.Client.Delete(ctx, c); client.IgnoreNotFound(err) != nil {
		return union.Outcome{}, err
	}
	return union.Outcome{Summary: conditions.Summary{State: conditions.Progressing, Reason: ReasonExpired, Message: "expired; deleting"}}, nil
}

// WarningTime is when the warning before expiry is due: 10% of the lifetime
// before the deadline, at most an hour before it.
func WarningTime(created, deadline time.Time) time.Time {
	lead := deadline.Sub(created) / 10
	lead = min(max(lead, 0), maxWarning)
	return deadline.Add(-lead)
}

func (k Kind) event(c *unionsv1.Coalition, eventType, reason, note string, args ...any) {
	if k.Recorder != nil {
		k.Recorder.Eventf(c, nil, eventType, reason, "Expire", note, args...)
	}
}
