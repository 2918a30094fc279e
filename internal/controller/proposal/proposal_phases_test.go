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
	"errors"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/audit"
	"github.com/kos-dev/union-operator/internal/conditions"
	"github.com/kos-dev/union-operator/internal/governance"
	"github.com/kos-dev/union-operator/internal/tally"
)

var created = time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)

func newScope(phase unionsv1.ProposalPhase, now time.Duration, ballots map[string]tally.Choice, mutate ...func(*scope)) *scope {
	p := &unionsv1.Proposal{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "motion", CreationTimestamp: metav1.NewTime(created)}}
	p.Spec.Union = unionsv1.UnionReference{Kind: unionsv1.KindFederation, Name: "league"}
	p.Spec.Action = unionsv1.ProposalAction{Type: unionsv1.ActionAmend, Text: "more tea"}
	p.Status.Phase = phase
	if phase != "" {
		p.Status.UnionUID = "league-1"
	}
	s := &scope{
		proposal: p,
		now:      created.Add(now),
		union:    &unionsv1.Federation{ObjectMeta: metav1.ObjectMeta{Name: "league", UID: "league-1", CreationTimestamp: metav1.NewTime(created.Add(-time.Hour))}},
		body: governance.Body{Name: "Federation/league", Rules: governance.Defaults,
			Members: []governance.Member{{Namespace: "team-a"}, {Namespace: "team-b"}, {Namespace: "team-c"}}},
		ballots: ballots,
	}
	for _, f := range mutate {
		f(s)
	}
	return s
}

func TestConclude(t *testing.T) {
	y, n := tally.For, tally.Against
	closes := created.Add(72 * time.Hour)
	tests := []struct {
		name      string
		scope     *scope
		phase     unionsv1.ProposalPhase
		decided   bool
		tally     *unionsv1.Tally
		state     conditions.State
		reason    string
		message   string
		requeueAt time.Time
	}{
		{
			name:    "a proposal from a non-member is rejected without a vote",
			scope:   newScope("", 0, nil, func(s *scope) { s.proposal.Namespace = "outsider" }),
			phase:   unionsv1.ProposalRejected,
			decided: true,
			state:   conditions.Stalled,
			reason:  ReasonNotAMember,
			message: "namespace outsider is not a member of Federation/league",
		},
		{
			name:    "a proposal to a union that does not exist is rejected without a vote",
			scope:   newScope("", 0, nil, func(s *scope) { s.union = nil }),
			phase:   unionsv1.ProposalRejected,
			decided: true,
			state:   conditions.Stalled,
			reason:  ReasonNotAMember,
			message: "Federation/league does not exist",
		},
		{
			name:    "an open proposal whose union is deleted is rejected",
			scope:   newScope(unionsv1.ProposalOpen, 0, nil, func(s *scope) { s.union = nil }),
			phase:   unionsv1.ProposalRejected,
			decided: true,
			state:   conditions.Ready,
			reason:  unionsv1.ReasonUnionNotFound,
		},
		{
			name:  "a proposer whose Membership is undecided waits",
			scope: newScope("", 0, nil, func(s *scope) { s.proposal.Namespace = "newcomer"; s.awaiting = true }),
			state: conditions.Waiting, reason: ReasonAwaitingMembership,
		},
		{
			name:    "invalid governance stalls",
			scope:   newScope("", 0, nil, func(s *scope) { s.invalid = errors.New("spec.governance.quorum: bad") }),
			state:   conditions.Stalled,
			reason:  ReasonInvalidGovernance,
			message: "spec.governance.quorum: bad",
		},
		{
			name:      "open while votes are missing",
			scope:     newScope("", time.Hour, map[string]tally.Choice{"team-a": y}),
			phase:     unionsv1.ProposalOpen,
			tally:     &unionsv1.Tally{For: 1, Eligible: 3},
			state:     conditions.Progressing,
			reason:    ReasonVoting,
			message:   "1 of 3 voted; closes at 2026-04-04T09:00:00Z",
			requeueAt: closes,
		},
		{
			name:    "decided as soon as every eligible voter has voted",
			scope:   newScope(unionsv1.ProposalOpen, time.Hour, map[string]tally.Choice{"team-a": y, "team-b": y, "team-c": n}),
			phase:   unionsv1.ProposalPassed,
			decided: true,
			tally:   &unionsv1.Tally{For: 2, Against: 1, Eligible: 3},
			state:   conditions.Ready,
			reason:  "Passed",
			message: "passed: 2 for, 1 against, 0 abstain of 3 eligible (0 delegated)",
		},
		{
			name:    "threshold missed",
			scope:   newScope(unionsv1.ProposalOpen, time.Hour, map[string]tally.Choice{"team-a": y, "team-b": n, "team-c": n}),
			phase:   unionsv1.ProposalRejected,
			decided: true,
			tally:   &unionsv1.Tally{For: 1, Against: 2, Eligible: 3},
			state:   conditions.Ready,
			reason:  "Rejected",
		},
		{
			name:    "quorum missed at the close",
			scope:   newScope(unionsv1.ProposalOpen, 72*time.Hour, map[string]tally.Choice{"team-a": y}),
			phase:   unionsv1.ProposalExpired,
			decided: true,
			tally:   &unionsv1.Tally{For: 1, Eligible: 3},
			state:   conditions.Ready,
			reason:  "Expired",
			message: "the quorum of 50% was missed",
		},
		{
			name:    "quorum met at the close",
			scope:   newScope(unionsv1.ProposalOpen, 72*time.Hour, map[string]tally.Choice{"team-a": y, "team-b": y}),
			phase:   unionsv1.ProposalPassed,
			decided: true,
			tally:   &unionsv1.Tally{For: 2, Eligible: 3},
			state:   conditions.Ready,
			reason:  "Passed",
		},
		{
			name: "closesAfter never shortens the voting period: a snap vote stays open",
			scope: newScope(unionsv1.ProposalOpen, 2*time.Hour, map[string]tally.Choice{"team-a": y}, func(s *scope) {
				s.proposal.Spec.ClosesAfter = &metav1.Duration{Duration: 5 * time.Second}
			}),
			phase:     unionsv1.ProposalOpen,
			tally:     &unionsv1.Tally{For: 1, Eligible: 3},
			state:     conditions.Progressing,
			reason:    ReasonVoting,
			requeueAt: closes,
		},
		{
			name: "closesAfter lengthens the voting period",
			scope: newScope(unionsv1.ProposalOpen, 80*time.Hour, map[string]tally.Choice{"team-a": y}, func(s *scope) {
				s.proposal.Spec.ClosesAfter = &metav1.Duration{Duration: 100 * time.Hour}
			}),
			phase:     unionsv1.ProposalOpen,
			tally:     &unionsv1.Tally{For: 1, Eligible: 3},
			state:     conditions.Progressing,
			reason:    ReasonVoting,
			requeueAt: created.Add(100 * time.Hour),
		},
		{
			name: "a proposal acts only on the union object it was filed for",
			scope: newScope(unionsv1.ProposalOpen, time.Hour, map[string]tally.Choice{"team-a": y}, func(s *scope) {
				s.proposal.Status.UnionUID = "the-deleted-union"
			}),
			phase:   unionsv1.ProposalRejected,
			decided: true,
			state:   conditions.Ready,
			reason:  unionsv1.ReasonUnionReplaced,
		},
		{
			name: "a proposal filed before its union existed was filed for an earlier one",
			scope: newScope("", time.Hour, map[string]tally.Choice{"team-a": y}, func(s *scope) {
				s.union.SetCreationTimestamp(metav1.NewTime(created.Add(time.Minute)))
			}),
			phase:   unionsv1.ProposalRejected,
			decided: true,
			state:   conditions.Stalled,
			reason:  unionsv1.ReasonUnionReplaced,
		},
		{
			name: "an open proposal stays open when its proposer leaves",
			scope: newScope(unionsv1.ProposalOpen, time.Hour, map[string]tally.Choice{"team-b": y}, func(s *scope) {
				s.body.Members = s.body.Members[1:]
			}),
			phase:     unionsv1.ProposalOpen,
			tally:     &unionsv1.Tally{For: 1, Eligible: 2},
			state:     conditions.Progressing,
			reason:    ReasonVoting,
			requeueAt: closes,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := conclude(tt.scope)
			if o.phase != tt.phase || o.decided != tt.decided || o.summary.State != tt.state || o.summary.Reason != tt.reason {
				t.Errorf("outcome = phase %q decided %v state %v reason %q; want %q %v %v %q",
					o.phase, o.decided, o.summary.State, o.summary.Reason, tt.phase, tt.decided, tt.state, tt.reason)
			}
			if !strings.Contains(o.summary.Message, tt.message) {
				t.Errorf("message = %q, want it to contain %q", o.summary.Message, tt.message)
			}
			if (o.tally == nil) != (tt.tally == nil) || o.tally != nil && *o.tally != *tt.tally {
				t.Errorf("tally = %+v, want %+v", o.tally, tt.tally)
			}
			if !o.requeueAt.Equal(tt.requeueAt) {
				t.Errorf("requeueAt = %s, want %s", o.requeueAt, tt.requeueAt)
			}
		})
	}
}

func TestSetStatus(t *testing.T) {
	s := newScope("", time.Hour, map[string]tally.Choice{"team-a": tally.For, "team-b": tally.For, "team-c": tally.For})
	p := s.proposal
	p.Generation = 2
	o := conclude(s)
	if err := setStatus(p, o, s.now); err != nil {
		t.Fatal(err)
	}
	if p.Status.UnionUID != "league-1" {
		t.Errorf("unionUID = %q, want the union object's", p.Status.UnionUID)
	}
	if err := governance.VerifyRecord(audit.FromStatus(p.Status.Record), p.Status.Tally); err != nil || len(p.Status.Record) != 6 {
		t.Errorf("record of %d entries: %v", len(p.Status.Record), err)
	}
	if p.Status.Phase != unionsv1.ProposalPassed || p.Status.DecidedAt == nil || !p.Status.DecidedAt.Time.Equal(s.now) ||
		p.Status.ClosesAt == nil || !p.Status.ClosesAt.Time.Equal(created.Add(72*time.Hour)) {
		t.Errorf("status = %+v", p.Status)
	}

	// A decided proposal's conditions are read back as the summary they
	// were written from, so acknowledging a new generation changes nothing else.
	conditions.Set(&p.Status.Conditions, p.Generation, metav1.NewTime(s.now), o.summary)
	if got := decidedSummary(p); got != o.summary {
		t.Errorf("decidedSummary = %+v, want %+v", got, o.summary)
	}
	refused := conditions.Summary{State: conditions.Stalled, Reason: ReasonNotAMember, Message: "not a member"}
	conditions.Set(&p.Status.Conditions, p.Generation, metav1.NewTime(s.now), refused)
	if got := decidedSummary(p); got != refused {
		t.Errorf("decidedSummary = %+v, want %+v", got, refused)
	}
}
