// Package tally counts the votes on a Proposal from direct and delegated
// ballots, and decides its outcome from the union's quorum and threshold.
//
// # Counting
//
// One member namespace, one vote. The eligible voters are the Active members
// (duplicates and empty names are dropped). For each of them:
//
//   - A member with its own ballot votes directly; a direct ballot always
//     overrides delegation. Only ballots whose choice is For, Against or Abstain
//     are ballots; anything else is ignored as if it had not been filed.
//   - A member without a ballot is represented by its delegate, transitively:
//     the chain of delegates is followed until a member with a ballot, whose
//     choice then counts for the represented member ([Delegated]).
//   - A chain that comes back to a namespace already on it (a delegation
//     cycle, including a member delegating to itself) counts as an
//     abstention ([Cycle]), and so does a chain that reaches a namespace
//     that is not a member ([OutsideDelegate]): ballots from non-members
//     never count, not even through delegation.
//   - A chain that ends at a member with neither a ballot nor a delegate
//     (the member itself, or one further down) means the member has not
//     voted yet: it is counted nowhere, so the proposal may still be open.
//
// Result.Delegated counts the votes cast through a delegate's ballot,
// whatever its choice. Abstentions from cycles or from delegating outside
// the union are abstentions, but not delegated votes: no ballot cast them.
//
// # Deciding
//
// A proposal is decided when it closes (its deadline passes) or, earlier, as
// soon as every eligible member has voted. Until then it is [Pending]. Once
// decided:
//
//   - the quorum is met when (for + against + abstain) * 100 >= quorum * eligible,
//     delegated votes and abstentions included; otherwise it is [Expired];
//   - it is [Passed] when for * 100 > threshold * (for + against), that is when
//     strictly more than threshold percent of the votes that did not abstain
//     are For. Nothing is more than 100%, so a 100% threshold means
//     unanimity instead: at least one For and no Against. Otherwise it is
//     [Rejected]. With only abstentions it is Rejected.
//
// So "50%" as the threshold is a simple majority, and a tie fails. With no
// eligible members at all, every vote is in at once, any quorum is met and,
// with no For, the proposal is Rejected.
package tally

import (
	"fmt"
	"strconv"
	"strings"
)

// Choice is what a ballot says.
type Choice string

// The choices of a ballot.
const (
	For     Choice = "For"
	Against Choice = "Against"
	Abstain Choice = "Abstain"
)

// Valid reports whether c is For, Against or Abstain.
func (c Choice) Valid() bool {
	return c == For || c == Against || c == Abstain
}

// Electorate is everything a count depends on.
type Electorate struct {
	// Members are the Active member namespaces, the eligible voters.
	Members []string
	// Delegates maps a member to the namespace it delegates to. The
	// delegate may be a non-member, and chains may cycle.
	Delegates map[string]string
	// Ballots are the direct ballots by namespace; ballots from
	// non-members are ignored.
	Ballots map[string]Choice
}

// Route says how a member's vote came about.
type Route string

// The routes of a vote.
const (
	// Direct: the member's own ballot.
	Direct Route = "Direct"
	// Delegated: the ballot of the member named by Vote.Via, reached through
	// the member's chain of delegates.
	Delegated Route = "Delegated"
	// Cycle: the chain of delegates loops; counted as an abstention.
	Cycle Route = "Cycle"
	// OutsideDelegate: the chain of delegates reaches a namespace that is not
	// a member; counted as an abstention.
	OutsideDelegate Route = "OutsideDelegate"
)

// Vote is how one member is counted.
type Vote struct {
	Choice Choice
	// Via is "" for a direct vote, else the namespace whose ballot
	// represented the member. It is "" for Cycle and OutsideDelegate too:
	// no ballot represented the member.
	Via string
	// Route says how the vote came about.
	Route Route
}

// Result is the tally of an electorate.
type Result struct {
	// For, Against and Abstain count every represented member, delegated
	// votes included.
	For, Against, Abstain int
	// Eligible is the number of distinct members.
	Eligible int
	// Delegated is how many of For+Against+Abstain were cast by a delegate's
	// ballot (Route Delegated).
	Delegated int
	// Votes holds the vote of every represented member; members that have
	// not voted are absent.
	Votes map[string]Vote
}

// Voted is the number of members counted: For + Against + Abstain.
func (r Result) Voted() int {
	return r.For + r.Against + r.Abstain
}

// outcome of resolving a member without a ballot.
type outcome struct {
	vote  Vote
	voted bool
}

// Count tallies the electorate by the rules of the package documentation.
// It runs in time linear in the number of members and delegations.
func Count(e Electorate) Result {
	members := make(map[string]bool, len(e.Members))
	order := make([]string, 0, len(e.Members))
	for _, m := range e.Members {
		if m != "" && !members[m] {
			members[m] = true
			order = append(order, m)
		}
	}
	ballot := func(ns string) (Choice, bool) {
		c, ok := e.Ballots[ns]
		return c, ok && c.Valid() && members[ns]
	}

	// resolved memoises the outcome of every member without a ballot whose
	// chain has been followed, so each delegation is followed once.
	resolved := make(map[string]outcome)
	onPath := make(map[string]bool)
	resolve := func(start string) outcome {
		var path []string
		var out outcome
		for ns := start; ; {
			if o, ok := resolved[ns]; ok {
				out = o
				break
			}
			path = append(path, ns)
			onPath[ns] = true
			d := e.Delegates[ns]
			if d == "" {
				break // not voted
			}
			if !members[d] {
				out = outcome{Vote{Choice: Abstain, Route: OutsideDelegate}, true}
				break
			}
			if c, ok := ballot(d); ok {
				out = outcome{Vote{Choice: c, Via: d, Route: Delegated}, true}
				break
			}
			if onPath[d] {
				out = outcome{Vote{Choice: Abstain, Route: Cycle}, true}
				break
			}
			ns = d
		}
		for _, ns := range path {
			resolved[ns] = out
			delete(onPath, ns)
		}
		return out
	}

	r := Result{Eligible: len(order), Votes: make(map[string]Vote)}
	for _, m := range order {
		var v Vote
		if c, ok := ballot(m); ok {
			v = Vote{Choice: c, Route: Direct}
		} else if o := resolve(m); o.voted {
			v = o.vote
		} else {
			continue
		}
		r.Votes[m] = v
		switch v.Choice {
		case For:
			r.For++
		case Against:
			r.Against++
		default:
			r.Abstain++
		}
		if v.Route == Delegated {
			r.Delegated++
		}
	}
	return r
}

// Percent is a whole percentage from 0 to 100.
type Percent int

// PercentPattern is the regular expression that [ParsePercent] accepts, for
// use in API validation.
const PercentPattern = `^(100|[1-9]?[0-9])%$`

// ParsePercent parses a whole percentage from "0%" to "100%", written
// without sign, spaces or leading zeros.
func ParsePercent(s string) (Percent, error) {
	digits, ok := strings.CutSuffix(s, "%")
	valid := ok && len(digits) >= 1 && len(digits) <= 3 &&
		(len(digits) == 1 || digits[0] != '0')
	for i := 0; valid && i < len(digits); i++ {
		valid = '0' <= digits[i] && digits[i] <= '9'
	}
	if valid {
		if n, err := strconv.Atoi(digits); err == nil && n <= 100 {
			return Percent(n), nil
		}
	}
	return 0, fmt.Errorf("invalid percentage %q: want a whole number from 0%% to 100%% followed by %%, like \"50%%\"", s)
}

// String formats p as ParsePercent reads it, e.g. "50%".
func (p Percent) String() string {
	return strconv.Itoa(int(p)) + "%"
}

// Decision is the state of a proposal's outcome.
type Decision string

// The decisions.
const (
	// Pending: votes are still missing and the proposal has not closed.
	Pending Decision = "Pending"
	// Passed: quorum met and the threshold exceeded.
	Passed Decision = "Passed"
	// Rejected: quorum met but the threshold not exceeded.
	Rejected Decision = "Rejected"
	// Expired: the quorum was missed.
	Expired Decision = "Expired"
)

// Decide returns the decision on a tally. closed says the proposal's
// deadline has passed; before it, the decision is Pending unless every
// eligible member has voted. quorum and threshold are read as in the package
// documentation; values outside 0–100 are clamped.
func Decide(r Result, quorum, threshold Percent, closed bool) Decision {
	voted := r.Voted()
	if !closed && voted < r.Eligible {
		return Pending
	}
	q, t := int64(clamp(quorum)), int64(clamp(threshold))
	if int64(voted)*100 < q*int64(r.Eligible) {
		return Expired
	}
	pro, cast := int64(r.For), int64(r.For)+int64(r.Against)
	if pro*100 > t*cast || t == 100 && pro > 0 && r.Against == 0 {
		return Passed
	}
	return Rejected
}

func clamp(p Percent) Percent {
	return min(max(p, 0), 100)
}
