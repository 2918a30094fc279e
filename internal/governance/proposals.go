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

package governance

import (
	"cmp"
	"slices"
	"time"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

// Bounds of a federation's consensus.
const (
	// MaxOpenProposals bounds consensus.openProposals (soonest to close kept).
	MaxOpenProposals = 20
	// MaxDecisions bounds consensus.decisions (newest kept).
	MaxDecisions = 20
)

// Decided reports whether a proposal was decided: Passed, Rejected or
// Expired. A decision is final.
func Decided(p *unionsv1.Proposal) bool {
	switch p.Status.Phase {
	case unionsv1.ProposalPassed, unionsv1.ProposalRejected, unionsv1.ProposalExpired:
		return true
	}
	return false
}

// Voted reports whether a decided proposal was put to the vote, as opposed
// to refused when filed (by a namespace without a voice in the union): only
// a vote leaves a tally.
func Voted(p *unionsv1.Proposal) bool {
	return Decided(p) && p.Status.Tally != nil
}

// DecidedAt is when a proposal was decided: its status.decidedAt, or its
// creation when none is recorded.
func DecidedAt(p *unionsv1.Proposal) time.Time {
	if p.Status.DecidedAt != nil {
		return p.Status.DecidedAt.Time
	}
	return p.CreationTimestamp.Time
}

// compareDecided orders proposals by decision time, then creation time,
// then namespace and name, so that every order is deterministic.
func compareDecided(a, b *unionsv1.Proposal) int {
	if c := DecidedAt(a).Compare(DecidedAt(b)); c != 0 {
		return c
	}
	if c := a.CreationTimestamp.Compare(b.CreationTimestamp.Time); c != 0 {
		return c
	}
	return cmp.Compare(a.Namespace+"/"+a.Name, b.Namespace+"/"+b.Name)
}

// Passed returns the live (not deleted) Passed proposals of an action
// among ps, oldest decision first.
func Passed(ps []unionsv1.Proposal, action unionsv1.ProposalActionType) []*unionsv1.Proposal {
	var out []*unionsv1.Proposal
	for i := range ps {
		p := &ps[i]
		if p.DeletionTimestamp == nil && p.Status.Phase == unionsv1.ProposalPassed && p.Spec.Action.Type == action {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, compareDecided)
	return out
}

// Verdict returns the decision of the union on a namespace's membership:
// the latest Passed Admit or Expel proposal naming the namespace among ps
// (the proposals put to one union), or nil when there is none. A later
// Admit re-admits an expelled namespace; a later Expel expels an admitted
// one.
func Verdict(ps []unionsv1.Proposal, namespace string) *unionsv1.Proposal {
	var latest *unionsv1.Proposal
	for _, action := range []unionsv1.ProposalActionType{unionsv1.ActionAdmit, unionsv1.ActionExpel} {
		for _, p := range Passed(ps, action) {
			if p.Spec.Action.Namespace == namespace && (latest == nil || compareDecided(p, latest) > 0) {
				latest = p
			}
		}
	}
	return latest
}

// Dissolution returns the first Passed Dissolve proposal among ps, or nil.
func Dissolution(ps []unionsv1.Proposal) *unionsv1.Proposal {
	if passed := Passed(ps, unionsv1.ActionDissolve); len(passed) > 0 {
		return passed[0]
	}
	return nil
}

// Key names a proposal as namespace/name.
func Key(p *unionsv1.Proposal) string { return p.Namespace + "/" + p.Name }

// Consensus returns a federation's consensus with its open proposals and
// its decisions drawn from ps, the proposals put to it; the other fields of
// current are kept as they are. Open proposals are listed soonest to close
// first (at most MaxOpenProposals), decisions oldest first, keeping the
// newest MaxDecisions. Only proposals put to the vote are decisions; the
// text of an Amend is recorded with it. With nothing to report and no
// current consensus, it returns nil.
func Consensus(current *unionsv1.Consensus, ps []unionsv1.Proposal) *unionsv1.Consensus {
	var c unionsv1.Consensus
	if current != nil {
		c = *current.DeepCopy()
	}
	c.OpenProposals, c.Decisions = nil, nil

	var open, decided []*unionsv1.Proposal
	for i := range ps {
		switch p := &ps[i]; {
		case p.DeletionTimestamp != nil:
		case p.Status.Phase == unionsv1.ProposalOpen:
			open = append(open, p)
		case Voted(p):
			decided = append(decided, p)
		}
	}
	slices.SortFunc(open, func(a, b *unionsv1.Proposal) int {
		if c := closesAt(a).Compare(closesAt(b)); c != 0 {
			return c
		}
		return cmp.Compare(Key(a), Key(b))
	})
	for _, p := range open[:min(len(open), MaxOpenProposals)] {
		c.OpenProposals = append(c.OpenProposals, unionsv1.ProposalReference{
			Namespace: p.Namespace, Name: p.Name, Action: p.Spec.Action.Type, ClosesAt: p.Status.ClosesAt.DeepCopy(),
		})
	}
	slices.SortFunc(decided, compareDecided)
	for _, p := range decided[max(len(decided)-MaxDecisions, 0):] {
		d := unionsv1.Decision{Namespace: p.Namespace, Name: p.Name, Action: p.Spec.Action.Type,
			Outcome: p.Status.Phase, DecidedAt: p.Status.DecidedAt.DeepCopy()}
		if p.Spec.Action.Type == unionsv1.ActionAmend {
			d.Text = p.Spec.Action.Text
		}
		c.Decisions = append(c.Decisions, d)
	}
	if current == nil && c.OpenProposals == nil && c.Decisions == nil {
		return nil
	}
	return &c
}

func closesAt(p *unionsv1.Proposal) time.Time {
	if p.Status.ClosesAt != nil {
		return p.Status.ClosesAt.Time
	}
	return time.Time{}
}
