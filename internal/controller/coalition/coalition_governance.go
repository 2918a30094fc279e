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

	"github.com/kos-dev/union-operator/internal/goals"
)

// ReasonVoted is the reason of the Dissolved condition of a coalition a
// Passed Dissolve proposal dissolved.
const ReasonVoted = "Voted"

// why a dissolved coalition was dissolved, for its Event and conditions.
type why struct {
	reason    string
	condition string
	cause     string
	when      string
}

// dissolution says why the coalition is dissolved: its goals, when every
// one is met and it asked to dissolve then, or else a Passed Dissolve
// proposal.
func (sc *scope) dissolution() why {
	c := sc.coalition
	if d := sc.dissolvedBy; d != nil && (!c.Spec.DissolveWhenGoalsMet || !goals.AllMet(c.Status.Goals)) {
		by := "Proposal " + d.Proposal
		return why{reason: ReasonVoted, condition: by + " to dissolve the coalition passed",
			cause: by + " passed", when: "by " + by}
	}
	return why{reason: ReasonGoalsMet, condition: fmt.Sprintf("every one of the %d goals is met", len(c.Status.Goals)),
		cause: "Every goal is met", when: "when every goal was met"}
}
