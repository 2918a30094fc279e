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

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

func TestPlan(t *testing.T) {
	record := func(owner, replicas int32) *unionsv1.ReserveRecord {
		return &unionsv1.ReserveRecord{Namespace: "team-b", Kind: "Deployment", Name: "backup", UID: "w1", OwnerReplicas: owner, Replicas: replicas}
	}
	reserve := func(replicas, maxScaleBy int32, rec *unionsv1.ReserveRecord) Reserve {
		return Reserve{Namespace: "team-b", Kind: "Deployment", Name: "backup", UID: "w1", Replicas: replicas, MaxScaleBy: maxScaleBy, Record: rec}
	}
	dueInA := []Agent{{"team-a", "planner"}}
	tests := []struct {
		name     string
		reserve  Reserve
		due      []Agent
		steps    []int32 // targets
		giveBack bool
		records  []unionsv1.ReserveRecord
	}{
		{name: "no disruption, nothing raised", reserve: reserve(2, 3, nil)},
		{name: "called up: the record first, nothing scaled yet", reserve: reserve(2, 3, nil), due: dueInA,
			records: []unionsv1.ReserveRecord{*record(2, 5)}},
		{name: "called up, recorded: raised by maxScaleBy above the owner's count", reserve: reserve(2, 3, record(2, 5)), due: dueInA,
			steps: []int32{5}, records: []unionsv1.ReserveRecord{*record(2, 5)}},
		{name: "raised: nothing to write", reserve: reserve(5, 3, record(2, 5)), due: dueInA,
			records: []unionsv1.ReserveRecord{*record(2, 5)}},
		{name: "the owner sets 6 while called up: its count stands, nothing is lowered", reserve: reserve(6, 3, record(2, 5)), due: dueInA,
			records: []unionsv1.ReserveRecord{*record(6, 6)}},
		{name: "a member's reserves never defend the member itself", reserve: Reserve{Namespace: "team-a", Kind: "Deployment", Name: "x", UID: "w2", Replicas: 1, MaxScaleBy: 3}, due: dueInA},
		{name: "recovered: exactly what was added is given back", reserve: reserve(5, 3, record(2, 5)),
			steps: []int32{2}, giveBack: true},
		{name: "recovered, but the owner changed the count since: the owner's count stands", reserve: reserve(6, 3, record(2, 5))},
		{name: "the member left during a disruption: only its addition is given back", reserve: reserve(5, 0, record(2, 5)), due: dueInA,
			steps: []int32{2}, giveBack: true},
		{name: "the member left, and the owner had changed the count: nothing is written", reserve: reserve(4, 0, record(2, 5)), due: dueInA},
		{name: "a workload re-created under the name is never touched", reserve: Reserve{Namespace: "team-b", Kind: "Deployment", Name: "backup", UID: "w9", Replicas: 5, MaxScaleBy: 3, Record: record(2, 5)}},
		{name: "a prior count of zero is given back as zero", reserve: reserve(1, 1, record(0, 1)),
			steps: []int32{0}, giveBack: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			steps, records := Plan([]Reserve{tt.reserve}, tt.due)
			var targets []int32
			for _, s := range steps {
				targets = append(targets, s.Target)
				if s.GiveBack != tt.giveBack {
					t.Errorf("giveBack = %v, want %v", s.GiveBack, tt.giveBack)
				}
				if s.Target < ownerOf(tt.reserve) {
					t.Errorf("lowered to %d, below the owner's %d", s.Target, ownerOf(tt.reserve))
				}
			}
			if !reflect.DeepEqual(targets, tt.steps) {
				t.Errorf("targets %v, want %v", targets, tt.steps)
			}
			if !reflect.DeepEqual(records, tt.records) {
				t.Errorf("records %+v, want %+v", records, tt.records)
			}
		})
	}
}

func ownerOf(r Reserve) int32 {
	if r.Record != nil && r.Record.UID == r.UID {
		return r.Record.OwnerReplicas
	}
	return 0
}

func TestPlanBoundsTheRecords(t *testing.T) {
	var reserves []Reserve
	for i := range MaxRecords + 10 {
		reserves = append(reserves, Reserve{Namespace: "team-b", Kind: "Deployment", Name: string(rune('a'+i%26)) + string(rune('a'+i/26)), Replicas: 1, MaxScaleBy: 1})
	}
	if _, records := Plan(reserves, []Agent{{"team-a", "x"}}); len(records) != MaxRecords {
		t.Fatalf("%d records, want %d", len(records), MaxRecords)
	}
}

func TestReservesFor(t *testing.T) {
	reserves := []Reserve{
		{Namespace: "team-a", MaxScaleBy: 1},
		{Namespace: "team-b", MaxScaleBy: 1},
		{Namespace: "team-c", MaxScaleBy: 2},
		{Namespace: "team-d", MaxScaleBy: 0},
	}
	if got := ReservesFor(reserves, Agent{"team-a", "planner"}); got != 2 {
		t.Fatalf("ReservesFor = %d, want 2", got)
	}
}
