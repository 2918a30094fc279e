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

// Package council computes a coalition's council: the term calendar (term k
// runs from creation + (k-1)·term to creation + k·term), the round-robin
// rotation of seats over the coalition's badged agents, and the seats of an
// election. It is pure.
package council

import (
	"cmp"
	"slices"
	"time"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

// Term returns the number of the term running at now (counted from 1, the
// term that starts at the coalition's creation) and when it ends. Before the
// creation time (clock skew) the first term is running.
func Term(created, now time.Time, term time.Duration) (number int64, endsAt time.Time) {
	if term <= 0 {
		return 1, time.Time{}
	}
	elapsed := now.Sub(created)
	number = 1
	if elapsed > 0 {
		number = int64(elapsed/term) + 1
	}
	return number, created.Add(time.Duration(number) * term)
}

// Agents returns the badged agents of the Memberships (Active and CoolingOff
// ones, as their status lists them) as (namespace, agent) pairs sorted by
// namespace, then agent, without duplicates.
func Agents(ms []unionsv1.Membership) []unionsv1.CouncilSeat {
	var out []unionsv1.CouncilSeat
	for i := range ms {
		m := &ms[i]
		if !m.Status.Standing.Badged() || m.DeletionTimestamp != nil {
			continue
		}
		for _, a := range m.Status.Agents {
			out = append(out, unionsv1.CouncilSeat{Namespace: m.Namespace, Agent: a})
		}
	}
	slices.SortFunc(out, compare)
	return slices.Compact(out)
}

// Rotation returns the seats of term number (counted from 1): seats
// consecutive agents of the sorted agents, starting at index
// (number-1)·seats mod n and wrapping around. With fewer agents than seats,
// every agent sits; with no agents, no one does.
func Rotation(agents []unionsv1.CouncilSeat, seats int, number int64) []unionsv1.CouncilSeat {
	n := len(agents)
	if n == 0 || seats <= 0 {
		return nil
	}
	take := min(seats, n)
	// (number-1)·seats mod n, kept small so no product overflows.
	start := int((max(number, 1)-1)%int64(n)) * (seats % n) % n
	out := make([]unionsv1.CouncilSeat, 0, take)
	for i := range take {
		out = append(out, agents[(start+i)%n])
	}
	return out
}

// Elect returns the seats an election fills: the candidates, in order of
// preference, that are badged agents of the coalition, at most seats of them,
// and the candidates left out because they are not badged agents.
func Elect(candidates, agents []unionsv1.CouncilSeat, seats int) (members, ineligible []unionsv1.CouncilSeat) {
	for _, c := range candidates {
		switch {
		case slices.Contains(members, c):
		case !slices.Contains(agents, c):
			ineligible = append(ineligible, c)
		case len(members) < seats:
			members = append(members, c)
		}
	}
	return members, ineligible
}

func compare(a, b unionsv1.CouncilSeat) int {
	return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Agent, b.Agent))
}
