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

package defense

import (
	"reflect"
	"testing"

	"k8s.io/utils/ptr"
)

func TestPlan(t *testing.T) {
	reserve := func(ns string, replicas int32, prior *int32, maxScaleBy int32) Reserve {
		return Reserve{Namespace: ns, Kind: "Deployment", Name: "backup", Replicas: replicas, Prior: prior, MaxScaleBy: maxScaleBy}
	}
	dueInA := []Agent{{"team-a", "planner"}}
	tests := []struct {
		name     string
		reserves []Reserve
		due      []Agent
		want     []Step
	}{
		{name: "no disruption, nothing scaled", reserves: []Reserve{reserve("team-b", 2, nil, 3)}},
		{
			name:     "called up: record the prior count, scale by maxScaleBy",
			reserves: []Reserve{reserve("team-b", 2, nil, 3)}, due: dueInA,
			want: []Step{{Reserve: reserve("team-b", 2, ptr.To[int32](2), 3), Target: 5, Record: true}},
		},
		{
			name:     "already scaled: nothing to write",
			reserves: []Reserve{reserve("team-b", 5, ptr.To[int32](2), 3)}, due: dueInA,
		},
		{
			name:     "scaled, then changed by someone: back to prior plus maxScaleBy",
			reserves: []Reserve{reserve("team-b", 9, ptr.To[int32](2), 3)}, due: dueInA,
			want: []Step{{Reserve: reserve("team-b", 9, ptr.To[int32](2), 3), Target: 5}},
		},
		{
			name:     "a member's reserves never defend the member itself",
			reserves: []Reserve{reserve("team-a", 1, nil, 3)}, due: dueInA,
		},
		{
			name:     "recovered: back to the exact prior count, record released",
			reserves: []Reserve{reserve("team-b", 5, ptr.To[int32](2), 3)},
			want:     []Step{{Reserve: reserve("team-b", 5, ptr.To[int32](2), 3), Target: 2, Release: true}},
		},
		{
			name:     "no longer volunteered during a disruption: restored",
			reserves: []Reserve{reserve("team-b", 5, ptr.To[int32](2), 0)}, due: dueInA,
			want: []Step{{Reserve: reserve("team-b", 5, ptr.To[int32](2), 0), Target: 2, Release: true}},
		},
		{
			name:     "prior of zero restores to zero",
			reserves: []Reserve{reserve("team-b", 1, ptr.To[int32](0), 1)},
			want:     []Step{{Reserve: reserve("team-b", 1, ptr.To[int32](0), 1), Target: 0, Release: true}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Plan(tt.reserves, tt.due); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Plan = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestReservesFor(t *testing.T) {
	reserves := []Reserve{
		{Namespace: "team-a", MaxScaleBy: 1},
		{Namespace: "team-b", MaxScaleBy: 1},
		{Namespace: "team-c", MaxScaleBy: 2},
		{Namespace: "team-d", MaxScaleBy: 0, Prior: ptr.To[int32](1)},
	}
	if got := ReservesFor(reserves, Agent{"team-a", "planner"}); got != 2 {
		t.Fatalf("ReservesFor = %d, want 2", got)
	}
}

func TestRecorded(t *testing.T) {
	const holder = "Alliance.blue"
	tests := []struct {
		name        string
		annotations map[string]string
		prior       *int32
		held        bool
	}{
		{name: "none"},
		{name: "ours", annotations: Record(holder, 3), prior: ptr.To[int32](3)},
		{name: "another union's", annotations: Record("Alliance.red", 3), held: true},
		{name: "unreadable", annotations: map[string]string{ReserveForAnnotation: holder, PriorReplicasAnnotation: "x"}},
		{name: "negative", annotations: map[string]string{ReserveForAnnotation: holder, PriorReplicasAnnotation: "-1"}},
	}
	for _, tt := range tests {
		prior, held := Recorded(tt.annotations, holder)
		if !reflect.DeepEqual(prior, tt.prior) || held != tt.held {
			t.Errorf("%s: Recorded = %v, %v; want %v, %v", tt.name, prior, held, tt.prior, tt.held)
		}
	}
}
