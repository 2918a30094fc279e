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
	"k8s.io/apimachinery/pkg/types"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

// Reserve is an agent workload a member volunteered, or one the union
// raised and has not given back yet.
type Reserve struct {
	Namespace string
	Kind      string
	Name      string
	// UID of the workload observed.
	UID types.UID
	// Replicas is the workload's current spec.replicas.
	Replicas int32
	// MaxScaleBy is how far it may be raised; 0 when no Active member
	// volunteers it (any more).
	MaxScaleBy int32
	// Record is the union's record of raising it, from its status; nil
	// when the union has not raised it.
	Record *unionsv1.ReserveRecord
}

// MaxRecords bounds the reserves a union holds raised at once (its
// status.reserves).
const MaxRecords = 100

// Step is a write to a reserve: its replicas to Target.
type Step struct {
	Reserve
	Target int32
	// GiveBack is set when the step gives back what the union added.
	GiveBack bool
}

// Called reports whether a reserve is called up: it is volunteered and an
// agent of another member is due.
func Called(r Reserve, due []Agent) bool {
	if r.MaxScaleBy <= 0 {
		return false
	}
	for _, a := range due {
		if a.Namespace != r.Namespace {
			return true
		}
	}
	return false
}

// Plan returns the writes that bring the reserves where the due agents want
// them, and the union's records of the reserves after them. The rules:
//
//   - A reserve called up is raised by maxScaleBy above what its owner set:
//     first the record (the owner's count and the union's), written to the
//     union's status before anything is scaled, so that a restart never
//     raises it twice; then, once the record is in force, the replicas.
//   - The union gives back exactly what it added once nothing calls the
//     reserve up (or no Active member volunteers it any more), and only if
//     the reserve still runs at the union's count: if its owner changed the
//     count since, the owner's count stands and the record goes.
//   - While called up, a reserve whose owner changes its count keeps the
//     owner's count: the union adds nothing more to it.
//   - A reserve re-created under the name of a recorded one (another UID)
//     is another workload: the record goes, nothing is written.
//
// It never lowers a reserve below what its owner set.
func Plan(reserves []Reserve, due []Agent) (steps []Step, records []unionsv1.ReserveRecord) {
	room := MaxRecords
	for _, r := range reserves {
		if r.Record != nil {
			room--
		}
	}
	for _, r := range reserves {
		rec := r.Record
		if rec != nil && rec.UID != r.UID {
			continue // another workload under the name: forget it
		}
		called := Called(r, due)
		if rec == nil {
			if called && room > 0 {
				room--
				records = append(records, unionsv1.ReserveRecord{Namespace: r.Namespace, Kind: r.Kind, Name: r.Name, UID: r.UID,
					OwnerReplicas: r.Replicas, Replicas: r.Replicas + r.MaxScaleBy})
			}
			continue
		}
		switch {
		case called && r.Replicas == rec.Replicas:
			records = append(records, *rec)
		case called && r.Replicas == rec.OwnerReplicas:
			steps = append(steps, Step{Reserve: r, Target: rec.Replicas})
			records = append(records, *rec)
		case called:
			// The owner set another count meanwhile: it stands.
			records = append(records, unionsv1.ReserveRecord{Namespace: r.Namespace, Kind: r.Kind, Name: r.Name, UID: r.UID,
				OwnerReplicas: r.Replicas, Replicas: r.Replicas})
		case r.Replicas == rec.Replicas && rec.Replicas != rec.OwnerReplicas:
			steps = append(steps, Step{Reserve: r, Target: rec.OwnerReplicas, GiveBack: true})
		}
	}
	return steps, records
}

// ReservesFor counts the reserves called up for a due agent.
func ReservesFor(reserves []Reserve, a Agent) int32 {
	var n int32
	for _, r := range reserves {
		if r.MaxScaleBy > 0 && r.Namespace != a.Namespace {
			n++
		}
	}
	return n
}

// RecordOf finds the record of a workload among records, or nil.
func RecordOf(records []unionsv1.ReserveRecord, namespace, kind, name string) *unionsv1.ReserveRecord {
	for i := range records {
		if r := &records[i]; r.Namespace == namespace && r.Kind == kind && r.Name == name {
			return r
		}
	}
	return nil
}
