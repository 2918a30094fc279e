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

package council

import (
	"slices"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

func seats(pairs ...string) []unionsv1.CouncilSeat {
	var out []unionsv1.CouncilSeat
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, unionsv1.CouncilSeat{Namespace: pairs[i], Agent: pairs[i+1]})
	}
	return out
}

func TestTerm(t *testing.T) {
	created := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	tests := []struct {
		name       string
		now        time.Time
		term       time.Duration
		wantNumber int64
		wantEnds   time.Time
	}{
		{"at creation the first term starts", created, day, 1, created.Add(day)},
		{"inside the first term", created.Add(23 * time.Hour), day, 1, created.Add(day)},
		{"a boundary starts the next term", created.Add(day), day, 2, created.Add(2 * day)},
		{"third term", created.Add(2*day + time.Minute), day, 3, created.Add(3 * day)},
		{"before creation (skew) is the first term", created.Add(-time.Hour), day, 1, created.Add(day)},
		{"short terms count up", created.Add(90 * time.Minute), time.Minute, 91, created.Add(91 * time.Minute)},
		{"no term length gives no end", created.Add(time.Hour), 0, 1, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, ends := Term(created, tt.now, tt.term)
			if n != tt.wantNumber || !ends.Equal(tt.wantEnds) {
				t.Errorf("Term = (%d, %v), want (%d, %v)", n, ends, tt.wantNumber, tt.wantEnds)
			}
		})
	}
}

func TestRotation(t *testing.T) {
	three := seats("a", "x", "a", "y", "b", "z")
	tests := []struct {
		name   string
		agents []unionsv1.CouncilSeat
		seats  int
		term   int64
		want   []unionsv1.CouncilSeat
	}{
		{"first term seats the first agent", three, 1, 1, seats("a", "x")},
		{"second term moves one on", three, 1, 2, seats("a", "y")},
		{"third term", three, 1, 3, seats("b", "z")},
		{"fourth term wraps around", three, 1, 4, seats("a", "x")},
		{"two seats, first term", three, 2, 1, seats("a", "x", "a", "y")},
		{"two seats, second term wraps", three, 2, 2, seats("b", "z", "a", "x")},
		{"two seats, third term", three, 2, 3, seats("a", "y", "b", "z")},
		{"more seats than agents seats everyone once", three, 5, 2, seats("b", "z", "a", "x", "a", "y")},
		{"as many seats as agents", three, 3, 7, seats("a", "x", "a", "y", "b", "z")},
		{"one agent holds its seat every term", seats("a", "x"), 2, 9, seats("a", "x")},
		{"no agents, no council", nil, 1, 1, nil},
		{"no seats, no council", three, 0, 1, nil},
		{"term zero counts as the first", three, 1, 0, seats("a", "x")},
		{"huge term numbers do not overflow", three, 16, 1<<62 + 1, seats("a", "y", "b", "z", "a", "x")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Rotation(tt.agents, tt.seats, tt.term); !slices.Equal(got, tt.want) {
				t.Errorf("Rotation = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRotationFollowsMembershipChanges(t *testing.T) {
	// The rotation is a function of the term and the agents at that moment:
	// an agent joining or leaving shifts who sits from the next evaluation.
	before := seats("a", "x", "a", "y", "b", "z")
	joined := seats("a", "w", "a", "x", "a", "y", "b", "z")
	left := seats("a", "x", "b", "z")
	tests := []struct {
		name   string
		agents []unionsv1.CouncilSeat
		term   int64
		want   []unionsv1.CouncilSeat
	}{
		{"term 2 before the change", before, 2, seats("a", "y")},
		{"term 2 after an agent sorting first joined", joined, 2, seats("a", "x")},
		{"term 2 after the seated agent left", left, 2, seats("b", "z")},
		{"term 3 after the seated agent left wraps", left, 3, seats("a", "x")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Rotation(tt.agents, 1, tt.term); !slices.Equal(got, tt.want) {
				t.Errorf("Rotation = %v, want %v", got, tt.want)
			}
		})
	}
}

func membership(ns string, standing unionsv1.Standing, agents ...string) unionsv1.Membership {
	m := unionsv1.Membership{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "join"}}
	m.Status.Standing = standing
	m.Status.Agents = agents
	return m
}

func TestAgents(t *testing.T) {
	deleting := membership("d", unionsv1.StandingActive, "gone")
	deleting.DeletionTimestamp = &metav1.Time{Time: time.Now()}
	tests := []struct {
		name string
		ms   []unionsv1.Membership
		want []unionsv1.CouncilSeat
	}{
		{"sorted by namespace then agent", []unionsv1.Membership{
			membership("b", unionsv1.StandingActive, "z", "a"),
			membership("a", unionsv1.StandingActive, "y"),
		}, seats("a", "y", "b", "a", "b", "z")},
		{"cooling-off members still count", []unionsv1.Membership{
			membership("a", unionsv1.StandingCoolingOff, "x"),
		}, seats("a", "x")},
		{"unbadged and deleted memberships do not", []unionsv1.Membership{
			membership("a", unionsv1.StandingPending, "x"),
			membership("b", unionsv1.StandingEnded, "y"),
			membership("c", unionsv1.StandingRejected, "z"),
			deleting,
		}, nil},
		{"no memberships", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Agents(tt.ms); !slices.Equal(got, tt.want) {
				t.Errorf("Agents = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestElect(t *testing.T) {
	agents := seats("a", "x", "a", "y", "b", "z")
	tests := []struct {
		name           string
		candidates     []unionsv1.CouncilSeat
		seats          int
		wantMembers    []unionsv1.CouncilSeat
		wantIneligible []unionsv1.CouncilSeat
	}{
		{"candidates in order of preference", seats("b", "z", "a", "x"), 2, seats("b", "z", "a", "x"), nil},
		{"no more than the seats", seats("b", "z", "a", "x"), 1, seats("b", "z"), nil},
		{"candidates that are not badged agents are left out", seats("c", "q", "a", "y"), 2, seats("a", "y"), seats("c", "q")},
		{"a candidate named twice sits once", seats("a", "x", "a", "x", "a", "y"), 2, seats("a", "x", "a", "y"), nil},
		{"no eligible candidate", seats("c", "q"), 1, nil, seats("c", "q")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			members, ineligible := Elect(tt.candidates, agents, tt.seats)
			if !slices.Equal(members, tt.wantMembers) || !slices.Equal(ineligible, tt.wantIneligible) {
				t.Errorf("Elect = (%v, %v), want (%v, %v)", members, ineligible, tt.wantMembers, tt.wantIneligible)
			}
		})
	}
}
