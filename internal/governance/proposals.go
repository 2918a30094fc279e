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
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

// Bounds of a union's record of decisions and of a federation's consensus.
const (
	// MaxDecisions bounds status.decisions of a union.
	MaxDecisions = 100
	// MaxOpenProposals bounds consensus.openProposals (soonest to close kept).
	MaxOpenProposals = 20
	// MaxConsensusDecisions bounds consensus.decisions (newest kept).
	MaxConsensusDecisions = 20
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

// PutTo reports whether a proposal is put to the union object u: it names
// u and was bound to u's UID when it opened. A proposal filed for, or
// decided in, an earlier union of the same name is not.
func PutTo(p *unionsv1.Proposal, u types.UID) bool {
	return p.Status.UnionUID != "" && p.Status.UnionUID == u
}

// Key names a proposal as namespace/name.
func Key(p *unionsv1.Proposal) string { return p.Namespace + "/" + p.Name }

// RecordOf is a union's record of a proposal it decided.
func RecordOf(p *unionsv1.Proposal) unionsv1.DecisionRecord {
	r := unionsv1.DecisionRecord{
		Proposal: Key(p), UID: p.UID, Action: p.Spec.Action.Type, Outcome: p.Status.Phase,
		Tally: p.Status.Tally.DeepCopy(), DecidedAt: decidedAt(p),
	}
	switch p.Spec.Action.Type {
	case unionsv1.ActionAdmit, unionsv1.ActionExpel:
		r.Namespace = p.Spec.Action.Namespace
	case unionsv1.ActionElectCouncil:
		r.Candidates = slices.Clone(p.Spec.Action.Candidates)
	}
	if n := len(p.Status.Record); n > 0 {
		r.Digest = p.Status.Record[n-1].Digest
	}
	return r
}

// Record brings a union's record of decisions up to date with the proposals
// put to it (bound to its UID) that were decided by a vote: each is
// recorded once, by its UID, and never changes or goes away because the
// Proposal does. The record is sorted by decision and bounded by
// MaxDecisions: what is dropped first are the decisions no longer in force
// (an Admit or Expel superseded by a later one on the same namespace, an
// election superseded, a rejected or expired proposal), oldest first.
// added lists what was recorded now.
func Record(current []unionsv1.DecisionRecord, proposals []unionsv1.Proposal, union types.UID) (record, added []unionsv1.DecisionRecord) {
	record = slices.Clone(current)
	for i := range proposals {
		p := &proposals[i]
		if !PutTo(p, union) || !Voted(p) ||
			slices.ContainsFunc(record, func(r unionsv1.DecisionRecord) bool { return r.UID == p.UID }) {
			continue
		}
		r := RecordOf(p)
		record = append(record, r)
		added = append(added, r)
	}
	if len(added) == 0 {
		return current, nil
	}
	slices.SortStableFunc(record, compareRecords)
	for len(record) > MaxDecisions {
		i := slices.IndexFunc(record, func(r unionsv1.DecisionRecord) bool { return !inForce(record, r) })
		if i < 0 {
			i = 0
		}
		record = slices.Delete(record, i, i+1)
	}
	return record, added
}

// inForce reports whether a decision still decides something: a Passed
// Dissolve, the latest Passed election, the latest Passed Admit or Expel
// of its namespace.
func inForce(record []unionsv1.DecisionRecord, r unionsv1.DecisionRecord) bool {
	if r.Outcome != unionsv1.ProposalPassed {
		return false
	}
	switch r.Action {
	case unionsv1.ActionDissolve:
		return true
	case unionsv1.ActionElectCouncil:
		return Latest(record, unionsv1.ActionElectCouncil).UID == r.UID
	case unionsv1.ActionAdmit, unionsv1.ActionExpel:
		return Verdict(record, r.Namespace).UID == r.UID
	}
	return false
}

func compareRecords(a, b unionsv1.DecisionRecord) int {
	return cmp.Or(a.DecidedAt.Compare(b.DecidedAt.Time), cmp.Compare(a.Proposal, b.Proposal), cmp.Compare(a.UID, b.UID))
}

// Passed returns the Passed decisions of an action, oldest first.
func Passed(record []unionsv1.DecisionRecord, action unionsv1.ProposalActionType) []unionsv1.DecisionRecord {
	var out []unionsv1.DecisionRecord
	for _, r := range record {
		if r.Outcome == unionsv1.ProposalPassed && r.Action == action {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, compareRecords)
	return out
}

// Latest returns the latest Passed decision of an action, or nil.
func Latest(record []unionsv1.DecisionRecord, action unionsv1.ProposalActionType) *unionsv1.DecisionRecord {
	passed := Passed(record, action)
	if len(passed) == 0 {
		return nil
	}
	return &passed[len(passed)-1]
}

// Verdict returns the union's standing decision on a namespace's
// membership: its latest Passed Admit or Expel naming the namespace, or nil
// when there is none. A later Admit re-admits an expelled namespace; a
// later Expel expels an admitted one.
func Verdict(record []unionsv1.DecisionRecord, namespace string) *unionsv1.DecisionRecord {
	var latest *unionsv1.DecisionRecord
	for _, action := range []unionsv1.ProposalActionType{unionsv1.ActionAdmit, unionsv1.ActionExpel} {
		for _, r := range Passed(record, action) {
			if r.Namespace == namespace && (latest == nil || compareRecords(r, *latest) > 0) {
				latest = &r
			}
		}
	}
	return latest
}

// Dissolution returns the first Passed Dissolve decision, or nil.
func Dissolution(record []unionsv1.DecisionRecord) *unionsv1.DecisionRecord {
	if passed := Passed(record, unionsv1.ActionDissolve); len(passed) > 0 {
		return &passed[0]
	}
	return nil
}

// Consensus returns a federation's consensus with its open proposals drawn
// from ps (the proposals put to it) and its decisions from its record; the
// other fields of current are kept as they are. Open proposals are listed
// soonest to close first (at most MaxOpenProposals), decisions oldest
// first, keeping the newest MaxConsensusDecisions; the text of an Amend is
// recorded with it while its Proposal exists. With nothing to report and no
// current consensus, it returns nil.
func Consensus(current *unionsv1.Consensus, ps []unionsv1.Proposal, record []unionsv1.DecisionRecord) *unionsv1.Consensus {
	var c unionsv1.Consensus
	if current != nil {
		c = *current.DeepCopy()
	}
	c.OpenProposals, c.Decisions = nil, nil

	var open []*unionsv1.Proposal
	texts := map[types.UID]string{}
	for i := range ps {
		switch p := &ps[i]; {
		case p.DeletionTimestamp != nil:
		case p.Status.Phase == unionsv1.ProposalOpen:
			open = append(open, p)
		case p.Spec.Action.Type == unionsv1.ActionAmend:
			texts[p.UID] = p.Spec.Action.Text
		}
	}
	slices.SortFunc(open, func(a, b *unionsv1.Proposal) int {
		return cmp.Or(unionsv1.TimeOf(a.Status.ClosesAt).Compare(unionsv1.TimeOf(b.Status.ClosesAt)), cmp.Compare(Key(a), Key(b)))
	})
	for _, p := range open[:min(len(open), MaxOpenProposals)] {
		c.OpenProposals = append(c.OpenProposals, unionsv1.ProposalReference{
			Namespace: p.Namespace, Name: p.Name, Action: p.Spec.Action.Type, ClosesAt: p.Status.ClosesAt.DeepCopy(),
		})
	}
	for _, r := range record[max(len(record)-MaxConsensusDecisions, 0):] {
		ns, name, _ := strings.Cut(r.Proposal, "/")
		at := r.DecidedAt
		c.Decisions = append(c.Decisions, unionsv1.Decision{Namespace: ns, Name: name, Action: r.Action,
			Outcome: r.Outcome, Text: texts[r.UID], DecidedAt: &at})
	}
	if current == nil && c.OpenProposals == nil && c.Decisions == nil {
		return nil
	}
	return &c
}

// decidedAt is when a proposal was decided: its status.decidedAt, or its
// creation when none is recorded.
func decidedAt(p *unionsv1.Proposal) metav1.Time {
	if p.Status.DecidedAt != nil {
		return *p.Status.DecidedAt
	}
	return p.CreationTimestamp
}
