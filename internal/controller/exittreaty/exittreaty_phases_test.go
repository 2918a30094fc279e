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
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/audit"
	"github.com/kos-dev/union-operator/internal/conditions"
	"github.com/kos-dev/union-operator/internal/mediation"
)

var t0 = time.Date(2026, time.May, 1, 12, 0, 0, 500_000_000, time.UTC)

// fixture is a member namespace team-a of alliance blue (cool-off at least
// 2h, re-integration after 10h) with a treaty "leave" asking for 3h.
func fixture(mutate ...func(*scope)) *scope {
	u := &unionsv1.Alliance{ObjectMeta: metav1.ObjectMeta{Name: "blue"}}
	u.Spec.Separation.CoolOff = &metav1.Duration{Duration: 2 * time.Hour}
	u.Spec.Separation.ReintegrationAfter = &metav1.Duration{Duration: 10 * time.Hour}
	ref := unionsv1.Reference(u)
	m := &unionsv1.Membership{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "join", CreationTimestamp: metav1.NewTime(t0.Add(-time.Hour))}}
	m.Spec.Union = ref
	m.Status.Standing = unionsv1.StandingActive
	t := &unionsv1.ExitTreaty{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "leave", Generation: 1, CreationTimestamp: metav1.NewTime(t0)}}
	t.Spec.Union = ref
	t.Spec.CoolOff = &metav1.Duration{Duration: 3 * time.Hour}
	s := &scope{treaty: t, union: u, membership: m, now: t0}
	for _, f := range mutate {
		f(s)
	}
	return s
}

// run advances s and writes the outcome into its treaty, as a reconcile does.
func run(t *testing.T, s *scope) treatyOutcome {
	t.Helper()
	o := advance(s)
	if o.err != nil {
		t.Fatalf("advance: %v", o.err)
	}
	setStatus(s.treaty, o, s.now)
	conditions.Set(&s.treaty.Status.Conditions, s.treaty.Generation, metav1.NewTime(s.now), o.summary)
	return o
}

func eventsOf(chain []audit.Entry) []string {
	var out []string
	for _, e := range chain {
		out = append(out, e.Event)
	}
	return out
}

func mediated(s *scope) {
	s.union.Terms().Separation.Mediators = []string{"team-m"}
}

func TestAdvance(t *testing.T) {
	tests := []struct {
		name string
		// before brings the treaty to where the case starts (optional).
		before func(t *testing.T, s *scope)
		setup  func(s *scope)

		wantEvents  []string // the whole chain after the reconcile
		wantPhase   unionsv1.ExitTreatyPhase
		wantState   conditions.State
		wantReason  string
		wantRequeue time.Duration // after t0 (0: none)
	}{
		{
			name:       "a member without mediators starts cooling off at once",
			wantEvents: []string{EventProposed, EventCoolingOff}, wantPhase: unionsv1.TreatyCoolingOff,
			wantState: conditions.Progressing, wantReason: ReasonCoolingOff, wantRequeue: 3*time.Hour - 500*time.Millisecond,
		},
		{
			name:       "the union's minimum is the default cool-off",
			setup:      func(s *scope) { s.treaty.Spec.CoolOff = nil },
			wantEvents: []string{EventProposed, EventCoolingOff}, wantPhase: unionsv1.TreatyCoolingOff,
			wantState: conditions.Progressing, wantReason: ReasonCoolingOff, wantRequeue: 2*time.Hour - 500*time.Millisecond,
		},
		{
			name:       "a cool-off below the union's minimum is rejected",
			setup:      func(s *scope) { s.treaty.Spec.CoolOff = &metav1.Duration{Duration: time.Hour} },
			wantEvents: []string{EventProposed, EventRejected}, wantPhase: unionsv1.TreatyRejected,
			wantState: conditions.Stalled, wantReason: ReasonCoolOffTooShort,
		},
		{
			name:       "a namespace without a Membership cannot leave",
			setup:      func(s *scope) { s.membership = nil },
			wantEvents: []string{EventProposed, EventRejected}, wantPhase: unionsv1.TreatyRejected,
			wantState: conditions.Stalled, wantReason: ReasonNotAMember,
		},
		{
			name:       "a Pending member cannot leave",
			setup:      func(s *scope) { s.membership.Status.Standing = unionsv1.StandingPending },
			wantEvents: []string{EventProposed, EventRejected}, wantPhase: unionsv1.TreatyRejected,
			wantState: conditions.Stalled, wantReason: ReasonNotAMember,
		},
		{
			name:       "a Membership not yet admitted is waited for",
			setup:      func(s *scope) { s.membership.Status.Standing = "" },
			wantEvents: []string{EventProposed}, wantPhase: unionsv1.TreatyProposed,
			wantState: conditions.Progressing, wantReason: ReasonAwaitingMembership,
		},
		{
			name:       "a member still cooling off by a withdrawn treaty is waited for",
			setup:      func(s *scope) { s.membership.Status.Standing = unionsv1.StandingCoolingOff },
			wantEvents: []string{EventProposed}, wantPhase: unionsv1.TreatyProposed,
			wantState: conditions.Progressing, wantReason: ReasonAwaitingMembership,
		},
		{
			name:       "a union that does not exist",
			setup:      func(s *scope) { s.union = nil; s.membership.Status.Standing = unionsv1.StandingPending },
			wantEvents: []string{EventProposed, EventRejected}, wantPhase: unionsv1.TreatyRejected,
			wantState: conditions.Stalled, wantReason: unionsv1.ReasonUnionNotFound,
		},
		{
			name:       "a union not observed yet while its member is Active is waited for",
			setup:      func(s *scope) { s.union = nil },
			wantEvents: []string{EventProposed}, wantPhase: unionsv1.TreatyProposed,
			wantState: conditions.Progressing, wantReason: ReasonAwaitingMembership,
		},
		{
			name:       "a namespace without a Membership in a union that does not exist cannot leave",
			setup:      func(s *scope) { s.union = nil; s.membership = nil },
			wantEvents: []string{EventProposed, EventRejected}, wantPhase: unionsv1.TreatyRejected,
			wantState: conditions.Stalled, wantReason: ReasonNotAMember,
		},
		{
			name:       "one exit at a time",
			setup:      func(s *scope) { s.holder = "first" },
			wantEvents: []string{EventProposed, EventRejected}, wantPhase: unionsv1.TreatyRejected,
			wantState: conditions.Stalled, wantReason: unionsv1.ReasonDuplicate,
		},
		{
			name: "assets of a kind the union never makes",
			setup: func(s *scope) {
				s.treaty.Spec.Assets = []unionsv1.Asset{{Kind: "Networkpolicy", Disposition: unionsv1.AssetRetain}}
			},
			wantEvents: []string{EventProposed, EventRejected}, wantPhase: unionsv1.TreatyRejected,
			wantState: conditions.Stalled, wantReason: ReasonUnknownAssetKind,
		},
		{
			name:       "withdrawn before anything happened",
			setup:      func(s *scope) { s.treaty.Spec.Withdrawn = true },
			wantEvents: []string{EventProposed, EventWithdrawn}, wantPhase: unionsv1.TreatyWithdrawn,
			wantState: conditions.Ready, wantReason: ReasonWithdrawn,
		},
		{
			name:       "mediators are asked",
			setup:      mediated,
			wantEvents: []string{EventProposed, EventMediationRequested}, wantPhase: unionsv1.TreatyMediation,
			wantState: conditions.Progressing, wantReason: ReasonAwaitingMediation,
		},
		{
			name:   "a mediator approves",
			before: func(t *testing.T, s *scope) { mediated(s); run(t, s) },
			setup: func(s *scope) {
				s.now = t0.Add(time.Hour)
				s.verdict = &mediation.Verdict{Approve: true, Ballot: "team-m/yes"}
			},
			wantEvents: []string{EventProposed, EventMediationRequested, EventApprovedByMediator, EventCoolingOff},
			wantPhase:  unionsv1.TreatyCoolingOff, wantState: conditions.Progressing, wantReason: ReasonCoolingOff,
			wantRequeue: 4*time.Hour - 500*time.Millisecond,
		},
		{
			name:       "a mediator rejects",
			before:     func(t *testing.T, s *scope) { mediated(s); run(t, s) },
			setup:      func(s *scope) { s.verdict = &mediation.Verdict{Approve: false, Ballot: "team-m/no"} },
			wantEvents: []string{EventProposed, EventMediationRequested, EventRejectedByMediator},
			wantPhase:  unionsv1.TreatyRejected, wantState: conditions.Stalled, wantReason: EventRejectedByMediator,
		},
		{
			name:       "the union drops its mediators during mediation",
			before:     func(t *testing.T, s *scope) { mediated(s); run(t, s) },
			setup:      func(s *scope) { s.union.Terms().Separation.Mediators = nil },
			wantEvents: []string{EventProposed, EventMediationRequested, EventCoolingOff},
			wantPhase:  unionsv1.TreatyCoolingOff, wantState: conditions.Progressing, wantReason: ReasonCoolingOff,
			wantRequeue: 3*time.Hour - 500*time.Millisecond,
		},
		{
			name:   "cooling off waits for effectiveAt, however often it is reconciled",
			before: func(t *testing.T, s *scope) { run(t, s) },
			setup: func(s *scope) {
				s.membership.Status.Standing = unionsv1.StandingCoolingOff
				s.now = t0.Add(2 * time.Hour)
			},
			wantEvents: []string{EventProposed, EventCoolingOff}, wantPhase: unionsv1.TreatyCoolingOff,
			wantState: conditions.Progressing, wantReason: ReasonCoolingOff, wantRequeue: 3*time.Hour - 500*time.Millisecond,
		},
		{
			name:   "the exit takes effect at effectiveAt",
			before: func(t *testing.T, s *scope) { run(t, s) },
			setup: func(s *scope) {
				s.membership.Status.Standing = unionsv1.StandingCoolingOff
				s.now = t0.Add(3*time.Hour - 500*time.Millisecond)
			},
			wantEvents: []string{EventProposed, EventCoolingOff, EventEffective}, wantPhase: unionsv1.TreatyEffective,
			wantState: conditions.Ready, wantReason: ReasonEffective,
		},
		{
			name:   "withdrawn during the cool-off",
			before: func(t *testing.T, s *scope) { run(t, s) },
			setup: func(s *scope) {
				s.membership.Status.Standing = unionsv1.StandingCoolingOff
				s.treaty.Spec.Withdrawn = true
				s.now = t0.Add(time.Hour)
			},
			wantEvents: []string{EventProposed, EventCoolingOff, EventWithdrawn}, wantPhase: unionsv1.TreatyWithdrawn,
			wantState: conditions.Ready, wantReason: ReasonWithdrawn,
		},
		{
			name:   "the Membership deleted during the cool-off",
			before: func(t *testing.T, s *scope) { run(t, s) },
			setup: func(s *scope) {
				s.membership.Status.Standing = unionsv1.StandingCoolingOff
				s.membership.DeletionTimestamp = unionsv1.TimePtr(t0.Add(time.Hour))
			},
			wantEvents: []string{EventProposed, EventCoolingOff, EventRejected}, wantPhase: unionsv1.TreatyRejected,
			wantState: conditions.Stalled, wantReason: ReasonNotAMember,
		},
		{
			name:       "withdrawing an Effective treaty changes nothing",
			before:     func(t *testing.T, s *scope) { run(t, s); s.now = t0.Add(4 * time.Hour); run(t, s) },
			setup:      func(s *scope) { s.treaty.Spec.Withdrawn = true; s.now = t0.Add(5 * time.Hour) },
			wantEvents: []string{EventProposed, EventCoolingOff, EventEffective}, wantPhase: unionsv1.TreatyEffective,
			wantState: conditions.Ready, wantReason: ReasonEffective,
		},
		{
			name:   "a tampered chain is never extended",
			before: func(t *testing.T, s *scope) { run(t, s) },
			setup: func(s *scope) {
				s.treaty.Status.Audit[0].Detail = "edited"
				s.now = t0.Add(4 * time.Hour)
			},
			wantEvents: []string{EventProposed, EventCoolingOff}, wantPhase: unionsv1.TreatyCoolingOff,
			wantState: conditions.Stalled, wantReason: ReasonChainBroken,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := fixture()
			if tt.before != nil {
				tt.before(t, s)
			}
			if tt.setup != nil {
				tt.setup(s)
			}
			o := run(t, s)
			st := s.treaty.Status
			if got := eventsOf(audit.FromStatus(st.Audit)); !slices.Equal(got, tt.wantEvents) {
				t.Errorf("chain = %v, want %v", got, tt.wantEvents)
			}
			if st.Phase != tt.wantPhase || o.summary.State != tt.wantState || o.summary.Reason != tt.wantReason {
				t.Errorf("phase %s, state %v, reason %s; want %s, %v, %s", st.Phase, o.summary.State, o.summary.Reason, tt.wantPhase, tt.wantState, tt.wantReason)
			}
			if o.summary.Message == "" {
				t.Errorf("no message")
			}
			var wantRequeue time.Time
			if tt.wantRequeue != 0 {
				wantRequeue = t0.Add(tt.wantRequeue)
			}
			if !o.requeueAt.Equal(wantRequeue) {
				t.Errorf("requeueAt = %v, want %v", o.requeueAt, wantRequeue)
			}
			intact := o.broken == nil
			if intact != (tt.wantReason != ReasonChainBroken) {
				t.Errorf("broken = %v", o.broken)
			}
			if intact {
				if err := audit.Verify(audit.FromStatus(st.Audit)); err != nil {
					t.Errorf("the recorded chain does not verify: %v", err)
				}
			}

			// Reconciling again, with nothing changed, records nothing.
			again := run(t, s)
			if len(again.appended) != 0 || s.treaty.Status.Phase != tt.wantPhase {
				t.Errorf("second reconcile appended %v, phase %s", eventsOf(again.appended), s.treaty.Status.Phase)
			}
		})
	}
}

func TestEffectiveTerms(t *testing.T) {
	s := fixture()
	run(t, s)
	effectiveAt := s.treaty.Status.EffectiveAt.Time
	if want := t0.Truncate(time.Second).Add(3 * time.Hour); !effectiveAt.Equal(want) {
		t.Fatalf("effectiveAt = %v, want %v (start of the cool-off plus coolOff)", effectiveAt, want)
	}
	s.membership.Status.Standing = unionsv1.StandingCoolingOff
	s.now = effectiveAt.Add(time.Minute) // the operator may be late; the terms are not
	run(t, s)
	st := s.treaty.Status
	if !st.EffectiveAt.Time.Equal(effectiveAt) || !st.ReintegrationEligibleAt.Time.Equal(effectiveAt.Add(10*time.Hour)) {
		t.Errorf("effectiveAt %v, reintegrationEligibleAt %v", st.EffectiveAt, st.ReintegrationEligibleAt)
	}
	last := st.Audit[len(st.Audit)-1]
	if !strings.Contains(last.Detail, `Membership "join" is Separated`) || !strings.Contains(last.Detail, "every kind Release") {
		t.Errorf("Effective detail = %q", last.Detail)
	}
}

func TestRejectionReasonOutlivesTheReconcile(t *testing.T) {
	s := fixture(func(s *scope) { s.treaty.Spec.CoolOff = &metav1.Duration{Duration: time.Minute} })
	run(t, s)
	// Later the union lowers its minimum: a Rejected treaty stays rejected,
	// for the reason on record.
	s.union.Terms().Separation.CoolOff = &metav1.Duration{}
	o := run(t, s)
	if o.summary.Reason != ReasonCoolOffTooShort || !strings.Contains(o.summary.Message, "below the minimum") {
		t.Errorf("summary = %+v", o.summary)
	}
}

func TestHolder(t *testing.T) {
	treaty := func(name string, created time.Duration, phase unionsv1.ExitTreatyPhase) unionsv1.ExitTreaty {
		return unionsv1.ExitTreaty{ObjectMeta: metav1.ObjectMeta{Name: name, CreationTimestamp: metav1.NewTime(t0.Add(created))},
			Status: unionsv1.ExitTreatyStatus{Phase: phase}}
	}
	me := treaty("me", 0, unionsv1.TreatyProposed)
	tests := []struct {
		name     string
		me       unionsv1.ExitTreaty
		siblings []unionsv1.ExitTreaty
		want     string
	}{
		{"alone", me, []unionsv1.ExitTreaty{me}, ""},
		{"an older undecided one", me, []unionsv1.ExitTreaty{me, treaty("old", -time.Minute, "")}, "old"},
		{"a newer one does not hold", me, []unionsv1.ExitTreaty{me, treaty("new", time.Minute, unionsv1.TreatyProposed)}, ""},
		{"a newer one cooling off holds", me, []unionsv1.ExitTreaty{me, treaty("new", time.Minute, unionsv1.TreatyCoolingOff)}, "new"},
		{"ended ones do not hold", me, []unionsv1.ExitTreaty{me,
			treaty("r", -time.Minute, unionsv1.TreatyRejected), treaty("w", -time.Minute, unionsv1.TreatyWithdrawn), treaty("e", -time.Minute, unionsv1.TreatyEffective)}, ""},
		{"same second: by name", treaty("b", 0, ""), []unionsv1.ExitTreaty{treaty("a", 0, ""), treaty("b", 0, "")}, "a"},
		{"cooling off holds its own place", treaty("me", 0, unionsv1.TreatyCoolingOff), []unionsv1.ExitTreaty{treaty("old", -time.Minute, "")}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := holder(&tt.me, tt.siblings); got != tt.want {
				t.Errorf("holder = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAssetTerms(t *testing.T) {
	tr := &unionsv1.ExitTreaty{}
	tr.Spec.Assets = []unionsv1.Asset{
		{Kind: "NetworkPolicy", Disposition: unionsv1.AssetRetain},
		{Kind: "ConfigMap", Disposition: unionsv1.AssetRetain},
		{Kind: "PodDisruptionBudget", Disposition: unionsv1.AssetRelease},
	}
	if got, want := assetTerms(tr), "ConfigMap Retain, NetworkPolicy Retain, every other kind Release"; got != want {
		t.Errorf("assetTerms = %q, want %q", got, want)
	}
	if disposition(tr, "ResourceQuota") != unionsv1.AssetRelease || disposition(tr, "ConfigMap") != unionsv1.AssetRetain {
		t.Errorf("dispositions wrong")
	}
}
