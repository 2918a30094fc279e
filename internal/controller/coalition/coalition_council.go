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

package coalition

import (
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/conditions"
	"github.com/kos-dev/union-operator/internal/council"
	"github.com/kos-dev/union-operator/internal/governance"
)

// The CouncilSeated condition and its reasons.
const (
	// ConditionCouncilSeated is True when a council sits.
	ConditionCouncilSeated = "CouncilSeated"

	ReasonRotation         = "Rotation"
	ReasonElected          = "Elected"
	ReasonNoAgents         = "NoAgents"
	ReasonAwaitingElection = "AwaitingElection"
)

// reconcileCouncil seats the council of a live coalition: by Rotation,
// term k seats the next seats agents of the members' badged agents, and the
// coalition is called back when the term ends; by Election, the seats are
// the candidates of the most recent Passed ElectCouncil proposal that are
// badged agents, until a later election. The badge engine gives the seated
// agents the badge value council.
func (k Kind) reconcileCouncil(sc *scope) {
	c := sc.coalition
	conds := &c.Status.Conditions
	if c.Spec.Council == nil || !sc.live() {
		c.Status.Council = nil
		meta.RemoveStatusCondition(conds, ConditionCouncilSeated)
		return
	}
	spec := c.Spec.Council
	seats := max(int(spec.Seats), 1)
	agents := council.Agents(sc.Memberships)
	st := &unionsv1.CouncilStatus{}
	now := metav1.NewTime(sc.Now)

	if spec.Selection == unionsv1.CouncilElection {
		election := governance.Latest(c.Status.Decisions, unionsv1.ActionElectCouncil)
		if election == nil {
			conditions.Mark(conds, c.Generation, now, ConditionCouncilSeated, false, ReasonAwaitingElection,
				"the council awaits an election: no ElectCouncil proposal for this coalition has passed yet")
			c.Status.Council = st
			return
		}
		members, ineligible := council.Elect(election.Candidates, agents, seats)
		st.Members = members
		msg := fmt.Sprintf("%d of %d seats filled by Proposal %s", len(members), seats, election.Proposal)
		if len(ineligible) > 0 {
			msg += "; candidates that are not badged agents of the coalition do not sit: " + seatList(ineligible)
		}
		conditions.Mark(conds, c.Generation, now, ConditionCouncilSeated, len(members) > 0, ReasonElected, msg)
		c.Status.Council = st
		return
	}

	number, endsAt := council.Term(c.CreationTimestamp.Time, sc.Now, spec.Term.Duration)
	st.Term, st.TermEndsAt = number, unionsv1.TimePtr(endsAt)
	st.Members = council.Rotation(agents, seats, number)
	sc.requeueAt(endsAt)
	if len(st.Members) == 0 {
		conditions.Mark(conds, c.Generation, now, ConditionCouncilSeated, false, ReasonNoAgents,
			"no member has a badged agent to seat yet")
	} else {
		conditions.Mark(conds, c.Generation, now, ConditionCouncilSeated, true, ReasonRotation,
			fmt.Sprintf("term %d seats %s until %s", number, seatList(st.Members), endsAt.UTC().Format(time.RFC3339)))
	}
	c.Status.Council = st
}

func seatList(seats []unionsv1.CouncilSeat) string {
	names := make([]string, len(seats))
	for i, s := range seats {
		names[i] = s.Namespace + "/" + s.Agent
	}
	return strings.Join(names, ", ")
}
