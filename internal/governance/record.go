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
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/audit"
	"github.com/kos-dev/union-operator/internal/tally"
)

// The events of a Proposal's record, its hash-chained trail of the vote.
//
//	Opened   put to <Kind>/<name> (uid <uid>) by namespace <ns>; closes at <time>; quorum <q>, threshold <t>
//	Eligible <n> eligible: <voter> <voter> ...
//	Vote     <voter> <For|Against|Abstain> <Direct|Delegated via <ns>|Cycle|OutsideDelegate|Bloc>
//	Decided  <Passed|Rejected|Expired> for=<n> against=<n> abstain=<n> eligible=<n> delegated=<n>
//
// A voter is a member namespace, or a child federation voting as a bloc
// (<Kind>/<name>). One Vote entry stands for each voter counted, so that
// the Decided counts can be checked against them (VerifyRecord).
const (
	EventOpened   = "Opened"
	EventEligible = "Eligible"
	EventVote     = "Vote"
	EventDecided  = "Decided"
)

// MaxRecord bounds a proposal's record (Proposal.status.record). A vote of
// more voters than fit records the first of them and says so in its Decided
// entry; its chain still verifies, its counts can no longer be recomputed.
const MaxRecord = 512

// routeBloc is the route of a child federation's bloc vote.
const routeBloc = "Bloc"

// Opened is the record's first event: what the proposal is put to, and on
// what terms.
func Opened(p *unionsv1.Proposal, u unionsv1.Union, closesAt time.Time, rules Rules) audit.Event {
	return audit.Event{Event: EventOpened, Detail: fmt.Sprintf("put to %s (uid %s) by namespace %s; closes at %s; quorum %s, threshold %s",
		unionsv1.Reference(u), u.GetUID(), p.Namespace, closesAt.UTC().Format(time.RFC3339), rules.Quorum, rules.Threshold)}
}

// Decision returns the events that record a decision: who was eligible,
// each counted vote, and the outcome with its counts.
func Decision(r Result, d tally.Decision) []audit.Event {
	voters := slices.Clone(r.Voters)
	out := []audit.Event{{Event: EventEligible, Detail: eligibleDetail(voters)}}
	room := MaxRecord - 3 // Opened, Eligible, Decided
	truncated := false
	for _, v := range voters {
		vote, ok := r.Votes[v]
		if !ok {
			continue
		}
		if room == 0 {
			truncated = true
			break
		}
		room--
		route := string(vote.Route)
		switch {
		case isBloc(v):
			route = routeBloc
		case vote.Route == tally.Delegated:
			route += " via " + vote.Via
		}
		out = append(out, audit.Event{Event: EventVote, Detail: v + " " + string(vote.Choice) + " " + route})
	}
	detail := fmt.Sprintf("%s for=%d against=%d abstain=%d eligible=%d delegated=%d", d, r.For, r.Against, r.Abstain, r.Eligible, r.Delegated)
	if truncated {
		detail += "; votes beyond the record's bound are not listed"
	}
	return append(out, audit.Event{Event: EventDecided, Detail: detail})
}

// eligibleDetail names the eligible voters, as many as a detail holds.
func eligibleDetail(voters []string) string {
	const maxDetail = 4096
	b := strings.Builder{}
	b.WriteString(strconv.Itoa(len(voters)) + " eligible:")
	for i, v := range voters {
		if b.Len()+len(v)+1 > maxDetail-16 {
			fmt.Fprintf(&b, " and %d more", len(voters)-i)
			break
		}
		b.WriteString(" " + v)
	}
	return b.String()
}

// isBloc reports whether a voter is a child federation voting as a bloc.
func isBloc(voter string) bool { return strings.Contains(voter, "/") }

// VerifyRecord checks a decided proposal's record against its tally: the
// chain verifies, it opens and ends as a record does, and the counts of its
// Vote entries are the counts of its Decided entry and of the tally. It
// returns the first discrepancy.
func VerifyRecord(chain []audit.Entry, t *unionsv1.Tally) error {
	if err := audit.Verify(chain); err != nil {
		return err
	}
	if len(chain) < 3 || chain[0].Event != EventOpened || chain[len(chain)-1].Event != EventDecided {
		return errors.New("the record does not run from Opened to Decided")
	}
	decided := chain[len(chain)-1].Detail
	var want unionsv1.Tally
	var outcome string
	if _, err := fmt.Sscanf(decided, "%s for=%d against=%d abstain=%d eligible=%d delegated=%d",
		&outcome, &want.For, &want.Against, &want.Abstain, &want.Eligible, &want.Delegated); err != nil {
		return fmt.Errorf("the Decided entry %q does not read as counts: %v", decided, err)
	}
	if t != nil && *t != want {
		return fmt.Errorf("the Decided entry counts %+v, the tally says %+v", want, *t)
	}
	if strings.Contains(decided, "not listed") {
		return nil // the chain verifies; the votes beyond the bound cannot be recounted
	}
	var got unionsv1.Tally
	for _, e := range chain {
		switch e.Event {
		case EventEligible:
			n, _, _ := strings.Cut(e.Detail, " ")
			eligible, err := strconv.Atoi(n)
			if err != nil {
				return fmt.Errorf("the Eligible entry %q does not start with a count", e.Detail)
			}
			got.Eligible = int32(eligible)
		case EventVote:
			fields := strings.Fields(e.Detail)
			if len(fields) < 3 {
				return fmt.Errorf("the Vote entry %q does not read as <voter> <choice> <route>", e.Detail)
			}
			switch tally.Choice(fields[1]) {
			case tally.For:
				got.For++
			case tally.Against:
				got.Against++
			case tally.Abstain:
				got.Abstain++
			default:
				return fmt.Errorf("the Vote entry %q has no choice", e.Detail)
			}
			if tally.Route(fields[2]) == tally.Delegated {
				got.Delegated++
			}
		}
	}
	if got != want {
		return fmt.Errorf("the Vote entries count %+v, the Decided entry says %+v", got, want)
	}
	return nil
}
