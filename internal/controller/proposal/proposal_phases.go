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
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/audit"
	"github.com/kos-dev/union-operator/internal/conditions"
	"github.com/kos-dev/union-operator/internal/governance"
	"github.com/kos-dev/union-operator/internal/tally"
)

// Reasons of a Proposal's conditions, besides the outcomes Passed, Rejected
// and Expired.
const (
	// ReasonNotAMember: the proposal was filed in a namespace without a
	// voice in the union; it is Rejected without a vote.
	ReasonNotAMember = "NotAMember"
	// ReasonAwaitingMembership: the proposer's Membership is not decided yet.
	ReasonAwaitingMembership = "AwaitingMembership"
	// ReasonVoting: the proposal is open.
	ReasonVoting = "Voting"
	// ReasonInvalidGovernance: the union's governance does not parse.
	ReasonInvalidGovernance = "InvalidGovernance"
)

// scope is what one reconcile of a Proposal observed.
type scope struct {
	proposal *unionsv1.Proposal
	now      time.Time
	// union is the union the proposal is put to; nil when it does not exist.
	union unionsv1.Union
	// body is the union's voting body, when it could be built.
	body governance.Body
	// invalid is why the body could not be built.
	invalid error
	// awaiting is set while the proposer's Membership of the union (or of a
	// child federation) exists but has no standing yet.
	awaiting bool
	// ballots are the choices of the namespaces' cast ballots.
	ballots map[string]tally.Choice
}

// outcome is what a reconcile concluded for an undecided proposal.
type outcome struct {
	phase    unionsv1.ProposalPhase
	tally    *unionsv1.Tally
	closesAt time.Time
	// unionUID binds the proposal to the union object when it opens.
	unionUID types.UID
	// record are the events to append to the proposal's record.
	record []audit.Event
	// decided is set when the proposal is decided by this reconcile.
	decided bool
	summary conditions.Summary
	// requeueAt is when the proposal closes, while it is open.
	requeueAt time.Time
}

// refuse decides a proposal without a vote.
func refuse(state conditions.State, reason, message string) outcome {
	return outcome{phase: unionsv1.ProposalRejected, decided: true, summary: conditions.Summary{State: state, Reason: reason, Message: message}}
}

// conclude runs an undecided proposal's phases: it is bound to the union
// object it is filed for and acts on no other; its proposer must have a
// voice there; then it is open for at least the union's voting period
// (closesAfter may lengthen it) or until every eligible voter has voted,
// and is decided by the union's quorum and threshold, recording the vote.
func conclude(s *scope) outcome {
	p := s.proposal
	ref := p.Spec.Union.String()
	switch {
	case s.union == nil && p.Status.Phase == "":
		return refuse(conditions.Stalled, ReasonNotAMember, fmt.Sprintf("%s does not exist: a proposal is put to a union its proposer is a member of", ref))
	case s.union == nil:
		return refuse(conditions.Ready, unionsv1.ReasonUnionNotFound, fmt.Sprintf("rejected: %s was deleted while the proposal was open", ref))
	case p.Status.UnionUID != "" && p.Status.UnionUID != s.union.GetUID():
		return refuse(conditions.Ready, unionsv1.ReasonUnionReplaced, fmt.Sprintf(
			"rejected: the %s it was filed for was deleted and another created under the same name; a proposal acts only on the union it was filed for", ref))
	case p.Status.UnionUID == "" && p.CreationTimestamp.Before(ptrTime(s.union.GetCreationTimestamp())):
		return refuse(conditions.Stalled, unionsv1.ReasonUnionReplaced, fmt.Sprintf(
			"filed at %s, before %s was created: it was filed for an earlier union of that name, and acts on no other",
			p.CreationTimestamp.UTC().Format(time.RFC3339), ref))
	}
	if s.invalid != nil {
		return outcome{phase: p.Status.Phase, summary: conditions.Summary{State: conditions.Stalled,
			Reason: ReasonInvalidGovernance, Message: "the union's governance is invalid: " + s.invalid.Error()}}
	}
	rules := s.body.Rules
	closesAt := ClosesAt(p, rules)
	o := outcome{closesAt: closesAt, unionUID: s.union.GetUID()}
	// Once open, a proposal stays put to the vote even if its proposer
	// leaves: the check is made when it is filed.
	if p.Status.Phase == "" {
		if _, ok := governance.VoiceOf(s.body, p.Namespace); !ok {
			if s.awaiting {
				return outcome{summary: conditions.Summary{State: conditions.Waiting, Reason: ReasonAwaitingMembership,
					Message: fmt.Sprintf("waiting for the Membership of namespace %s in %s to be decided", p.Namespace, ref)}}
			}
			return refuse(conditions.Stalled, ReasonNotAMember, fmt.Sprintf("namespace %s is not a member of %s: only members put proposals to a union, from their own namespace", p.Namespace, ref))
		}
	}
	if len(p.Status.Record) == 0 {
		o.record = append(o.record, governance.Opened(p, s.union, closesAt, rules))
	}

	closed := !s.now.Before(closesAt)
	r := governance.Count(s.body, s.ballots, closed)
	o.tally = &unionsv1.Tally{For: int32(r.For), Against: int32(r.Against), Abstain: int32(r.Abstain), Eligible: int32(r.Eligible), Delegated: int32(r.Delegated)}
	decision := tally.Decide(r.Result, rules.Quorum, rules.Threshold, closed)
	at := closesAt.UTC().Format(time.RFC3339)
	if decision == tally.Pending {
		o.phase, o.requeueAt = unionsv1.ProposalOpen, closesAt
		o.summary = conditions.Summary{State: conditions.Progressing, Reason: ReasonVoting,
			Message: fmt.Sprintf("%d of %d voted; closes at %s, unless every eligible voter has voted before", r.Voted(), r.Eligible, at)}
		return o
	}
	o.phase, o.decided = unionsv1.ProposalPhase(decision), true
	o.record = append(o.record, governance.Decision(r, decision)...)
	o.summary = conditions.Summary{State: conditions.Ready, Reason: string(decision), Message: explain(decision, r.Result, rules)}
	return o
}

func ptrTime(t metav1.Time) *metav1.Time { return &t }

// explain says how a tally decided a proposal.
func explain(d tally.Decision, r tally.Result, rules governance.Rules) string {
	counts := fmt.Sprintf("%d for, %d against, %d abstain of %d eligible (%d delegated)", r.For, r.Against, r.Abstain, r.Eligible, r.Delegated)
	switch d {
	case tally.Passed:
		return fmt.Sprintf("passed: %s; more than %s of the votes cast are for it", counts, rules.Threshold)
	case tally.Rejected:
		return fmt.Sprintf("rejected: %s; the threshold is more than %s for", counts, rules.Threshold)
	}
	return fmt.Sprintf("expired: %s; the quorum of %s was missed", counts, rules.Quorum)
}

// ClosesAt is when a proposal closes: its creation plus the union's voting
// period, or plus spec.closesAfter when that is longer — a proposer may
// give members more time, never less. Creation is stamped by the API
// server, so the deadline is the same whoever computes it, whenever.
func ClosesAt(p *unionsv1.Proposal, rules governance.Rules) time.Time {
	d := rules.VotingPeriod
	if p.Spec.ClosesAfter != nil {
		d = max(d, p.Spec.ClosesAfter.Duration)
	}
	return p.CreationTimestamp.Add(d)
}

// setStatus writes an undecided proposal's outcome into its status, and
// appends its events to the record; a record that cannot be extended (it
// does not verify) is an error, and nothing is written.
func setStatus(p *unionsv1.Proposal, o outcome, now time.Time) error {
	st := &p.Status
	at := metav1.NewTime(now)
	if len(o.record) > 0 {
		chain, err := audit.AppendAll(audit.FromStatus(st.Record), now, o.record)
		if err != nil {
			return fmt.Errorf("recording the vote: %w", err)
		}
		st.Record = audit.ToStatus(chain)
	}
	if o.phase != "" {
		st.Phase = o.phase
	}
	if o.unionUID != "" && st.UnionUID == "" {
		st.UnionUID = o.unionUID
	}
	if o.tally != nil || o.decided {
		// A proposal refused without a vote keeps no tally: there was none.
		st.Tally = o.tally
	}
	if !o.closesAt.IsZero() {
		st.ClosesAt = unionsv1.TimePtr(o.closesAt)
	}
	if o.decided {
		st.DecidedAt = &at
	}
	return nil
}

// decidedSummary is the summary a decided proposal's conditions record:
// Stalled when it was refused without a vote, Ready otherwise.
func decidedSummary(p *unionsv1.Proposal) conditions.Summary {
	ready := meta.FindStatusCondition(p.Status.Conditions, unionsv1.ConditionReady)
	if ready == nil {
		return conditions.Summary{State: conditions.Ready, Reason: string(p.Status.Phase), Message: "decided"}
	}
	state := conditions.Ready
	if meta.IsStatusConditionTrue(p.Status.Conditions, unionsv1.ConditionStalled) {
		state = conditions.Stalled
	}
	return conditions.Summary{State: state, Reason: ready.Reason, Message: ready.Message}
}
