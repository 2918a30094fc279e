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
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/admission"
	"github.com/kos-dev/union-operator/internal/agents"
	"github.com/kos-dev/union-operator/internal/badge"
	"github.com/kos-dev/union-operator/internal/conditions"
	"github.com/kos-dev/union-operator/internal/liveness"
	"github.com/kos-dev/union-operator/internal/status"
)

// setStanding writes the decision into the Membership's status: its
// standing, badge, agents and the terms in force.
func (r *Reconciler) setStanding(s *scope, d admission.Decision) {
	m := s.membership
	now := metav1.NewTime(r.Clock.Now())
	st := &m.Status
	// Cooling off and withdrawing leave a member untouched: it is a member
	// since it last became badged.
	if d.Standing.Badged() && (!st.Standing.Badged() || st.ActiveSince == nil) {
		st.ActiveSince = &now
	}
	st.ReintegrationEligibleAt = unionsv1.TimePtr(s.facts.EligibleAt)
	st.Standing = d.Standing
	st.Badge, st.Agents, st.AgentCount, st.Terms = "", nil, 0, nil
	if d.Standing.Badged() {
		terms := s.terms
		st.Terms = &terms
		st.Badge = badge.String(m.Spec.Union, unionsv1.RoleMember)
		sel, _ := agents.NewSelector(terms.Agents)
		names := sel.Select(s.agents)
		st.AgentCount = int32(len(names))
		st.Agents = names[:min(len(names), maxListed)]
	} else {
		st.ActiveSince = nil
	}
}

// conclude returns the outcome of the reconcile and sets the conditions of
// what is in force: badged standings are Ready once every clause of the
// union is in force (else a condition names what is not, and Ready is
// False); a refused edit of the terms stalls the Membership, whose earlier
// terms stay in force; a Rejected one is Stalled; the others wait (for an
// invitation, the union, a deadline).
func (r *Reconciler) conclude(s *scope, d admission.Decision) status.Outcome {
	m := s.membership
	now := metav1.NewTime(r.Clock.Now())
	summary := conditions.Summary{Reason: d.Reason.Reason, Message: d.Message}
	switch d.Standing {
	case unionsv1.StandingActive, unionsv1.StandingCoolingOff:
		summary.State = conditions.Ready
	case unionsv1.StandingRejected:
		summary.State = conditions.Stalled
	default:
		summary.State = conditions.Waiting
	}
	conds := &m.Status.Conditions
	if d.Standing.Badged() {
		s.inForce.mark(conds, m.Generation, now)
		if p := s.inForce.first(); p != nil {
			summary = conditions.Summary{State: conditions.Progressing, Reason: p.reason, Message: p.message}
			if p.stuck {
				summary.State = conditions.Stalled
			}
		}
		if e := s.refusedEdit; e != nil {
			summary = conditions.Summary{State: conditions.Stalled, Reason: e.Reason, Message: e.Message}
		}
	} else {
		meta.RemoveStatusCondition(conds, ConditionLabelsInForce)
		meta.RemoveStatusCondition(conds, ConditionObjectsInForce)
	}
	next := d.RecheckAt
	if d.Standing.Badged() && s.union != nil {
		// A coalition's deadline ends the membership by time alone.
		next = status.Earliest(next, liveness.NextEnd(s.union, now.Time))
	}
	return status.Outcome{Summary: summary, RequeueAt: next}
}

// announce emits an Event when the standing changed.
func (r *Reconciler) announce(before, after *unionsv1.Membership) {
	if before.Status.Standing == after.Status.Standing {
		return
	}
	ready := meta.FindStatusCondition(after.Status.Conditions, unionsv1.ConditionReady)
	if ready == nil {
		return
	}
	eventType := corev1.EventTypeNormal
	if after.Status.Standing == unionsv1.StandingRejected {
		eventType = corev1.EventTypeWarning
	}
	r.Recorder.Eventf(after, nil, eventType, ready.Reason, "Admit",
		"Standing %s in %s: %s", after.Status.Standing, after.Spec.Union, ready.Message)
}
