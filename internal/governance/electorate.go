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

// Package governance is how unions decide, as the Federation Sentience Agent
// reasons about it, without controller-runtime: a union's rules (quorum,
// threshold, voting period, strata), who votes on its proposals (the
// electorate: members, delegation, child federations as blocs or member by
// member), the bloc vote a child federation casts, which Ballot of a
// namespace counts, and what decided proposals mean (admissions,
// expulsions, dissolution, the consensus a federation reports).
//
// # The electorate
//
// The voters of a union are its badged members (Active, or cooling off
// under an ExitTreaty: they are members until it takes effect), one vote per
// namespace, and, for a Federation, its child federations:
//
//   - A child with strata Bloc is one voter in its parent. Its choice is the
//     outcome of its own electorate's ballots on the parent's proposal,
//     decided by the child's own quorum and threshold: Passed votes Yes,
//     Rejected votes No, a missed quorum (Expired) or a child without voters
//     abstains. Until the child's outcome is known (not every voter of the
//     child has voted and the parent's proposal is still open) the bloc has
//     not voted.
//   - A child with strata Direct lends its voters to the parent: its members
//     (and its own children, by their strata) vote in the parent as if they
//     were the parent's.
//
// A namespace counted more than once in the same electorate (a member of the
// parent and of a Direct child) votes once, represented by its Membership in
// the nearer union. A member of the parent that is also a member of a Bloc
// child speaks in both: once for itself, once within the child's bloc.
//
// Delegation (Membership.spec.delegate) works within an electorate as
// package tally counts it: a member without a ballot of its own is
// represented by its delegate, transitively; cycles and delegates that are
// not voters of the same electorate count as abstentions; a direct ballot
// overrides delegation. Blocs never delegate and cannot be delegated to.
package governance

import (
	"cmp"
	"slices"
	"time"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/liveness"
	"github.com/kos-dev/union-operator/internal/tally"
)

// Observed is a union as the controllers observed it: the object, the
// Memberships that name it and, for a Federation, its child federations,
// observed the same way.
type Observed struct {
	Union       unionsv1.Union
	Memberships []unionsv1.Membership
	Children    []Observed
}

// Body is a union as a voting body.
type Body struct {
	// Name is the union as Kind/name; it is also the key of the body's bloc
	// vote in its parent (no namespace contains a slash).
	Name string
	// Rules are the union's own rules; Rules.Strata says how it votes in its
	// parent.
	Rules Rules
	// Members are the badged member namespaces, with their delegates.
	Members []Member
	// Children are the live child federations.
	Children []Body
}

// Member is a member namespace and the namespace it delegates its vote to.
type Member struct {
	Namespace string
	Delegate  string
}

// NewBody builds the voting body of an observed union: its badged
// Memberships (one per namespace, the oldest), its children that are neither
// dissolved nor being deleted, and every union's rules. A union whose rules
// do not parse is an error.
func NewBody(o Observed) (Body, error) {
	rules, err := RulesOf(o.Union)
	if err != nil {
		return Body{}, err
	}
	b := Body{Name: unionsv1.Reference(o.Union).String(), Rules: rules}

	ms := slices.Clone(o.Memberships)
	slices.SortStableFunc(ms, func(x, y unionsv1.Membership) int {
		if c := x.CreationTimestamp.Compare(y.CreationTimestamp.Time); c != 0 {
			return c
		}
		return cmp.Compare(x.Name, y.Name)
	})
	seen := map[string]bool{}
	for i := range ms {
		m := &ms[i]
		if !m.Badged() || seen[m.Namespace] {
			continue
		}
		seen[m.Namespace] = true
		b.Members = append(b.Members, Member{Namespace: m.Namespace, Delegate: m.Spec.Delegate})
	}
	slices.SortFunc(b.Members, func(x, y Member) int { return cmp.Compare(x.Namespace, y.Namespace) })

	for _, c := range o.Children {
		// A child in force votes; a dissolved one, or one being deleted, no
		// longer does (federations end by no deadline, so no time is needed).
		if c.Union == nil || liveness.Ended(c.Union, time.Time{}) != nil {
			continue
		}
		child, err := NewBody(c)
		if err != nil {
			return Body{}, err
		}
		b.Children = append(b.Children, child)
	}
	slices.SortFunc(b.Children, func(x, y Body) int { return cmp.Compare(x.Name, y.Name) })
	return b, nil
}

// Result is the count of a body's electorate.
type Result struct {
	// Result counts the body's voters: namespaces and blocs.
	tally.Result
	// Blocs holds the decision of every child federation voting as a bloc
	// in this body, by the child's Name (Pending: it has not voted yet).
	Blocs map[string]tally.Decision
	// Voters are the eligible voters, in the order they were counted:
	// member namespaces and child federations voting as blocs.
	Voters []string
}

// Count tallies the ballots (by namespace) on a proposal put to the body.
// closed says the proposal's deadline has passed, which also closes the
// count of every bloc.
func Count(b Body, ballots map[string]tally.Choice, closed bool) Result {
	e := tally.Electorate{Delegates: map[string]string{}, Ballots: map[string]tally.Choice{}}
	blocs := map[string]tally.Decision{}
	seen := map[string]bool{}
	var add func(Body)
	add = func(body Body) {
		for _, m := range body.Members {
			if seen[m.Namespace] {
				continue
			}
			seen[m.Namespace] = true
			e.Members = append(e.Members, m.Namespace)
			if m.Delegate != "" {
				e.Delegates[m.Namespace] = m.Delegate
			}
			if c, ok := ballots[m.Namespace]; ok {
				e.Ballots[m.Namespace] = c
			}
		}
		for _, child := range body.Children {
			if child.Rules.Strata == unionsv1.StrataDirect {
				add(child)
				continue
			}
			decision, choice, voted := Bloc(child, ballots, closed)
			e.Members = append(e.Members, child.Name)
			blocs[child.Name] = decision
			if voted {
				e.Ballots[child.Name] = choice
			}
		}
	}
	add(b)
	return Result{Result: tally.Count(e), Blocs: blocs, Voters: e.Members}
}

// Bloc is the vote a child federation casts as a bloc in its parent: the
// decision of its own electorate on the parent's proposal by its own quorum
// and threshold, and the choice that follows from it (Passed: Yes;
// Rejected: No; Expired, or a child without voters: Abstain). voted is
// false while the decision is Pending.
func Bloc(child Body, ballots map[string]tally.Choice, closed bool) (decision tally.Decision, choice tally.Choice, voted bool) {
	r := Count(child, ballots, closed)
	decision = tally.Decide(r.Result, child.Rules.Quorum, child.Rules.Threshold, closed)
	switch {
	case r.Eligible == 0:
		return tally.Expired, tally.Abstain, true
	case decision == tally.Passed:
		return decision, tally.For, true
	case decision == tally.Rejected:
		return decision, tally.Against, true
	case decision == tally.Expired:
		return decision, tally.Abstain, true
	}
	return decision, "", false
}

// Voice is how a namespace takes part in a body's decisions.
type Voice struct {
	// Via is the Name of the union whose Membership gives the namespace its
	// voice: the body itself, or a child federation.
	Via string
	// Bloc is true when the namespace votes within a child's bloc rather
	// than as a voter of the body.
	Bloc bool
}

// VoiceOf says whether and how a namespace takes part in the body's
// decisions: as one of its members, as a voter lent by a Direct child, or
// within a Bloc child's vote. A namespace with several voices takes the
// one Count counts first: its own membership, then the children in order.
func VoiceOf(b Body, namespace string) (Voice, bool) {
	if slices.ContainsFunc(b.Members, func(m Member) bool { return m.Namespace == namespace }) {
		return Voice{Via: b.Name}, true
	}
	for _, c := range b.Children {
		if v, ok := VoiceOf(c, namespace); ok {
			if c.Rules.Strata != unionsv1.StrataDirect {
				v.Bloc = true
			}
			return v, true
		}
	}
	return Voice{}, false
}
