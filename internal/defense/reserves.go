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
	"strconv"
)

// Annotations a union writes on a reserve workload it scaled up: the replica
// count to restore and the union holding it. The reserve's own namespace,
// which volunteered it, is the only place this record can live, and it
// survives a restart of the operator.
const (
	PriorReplicasAnnotation = "unions.kos.dev/reserve-prior-replicas"
	ReserveForAnnotation    = "unions.kos.dev/reserve-for"
)

// Reserve is an agent workload a member volunteered, or one the union
// scaled and still has to restore.
type Reserve struct {
	Namespace string
	Kind      string
	Name      string
	// Replicas is the workload's current spec.replicas.
	Replicas int32
	// Prior is the count recorded when the union scaled it up (nil: not scaled).
	Prior *int32
	// MaxScaleBy is how far it may be scaled up; 0 when it is no longer volunteered.
	MaxScaleBy int32
}

// Step is a write to a reserve: scale it to Target, recording Prior first
// (Record) or dropping the record after (Release).
type Step struct {
	Reserve
	Target  int32
	Record  bool
	Release bool
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
// them: a called reserve runs at its prior count plus maxScaleBy; any other
// reserve the union scaled goes back to its exact prior count.
func Plan(reserves []Reserve, due []Agent) []Step {
	var out []Step
	for _, r := range reserves {
		switch {
		case Called(r, due):
			step := Step{Reserve: r}
			prior := r.Replicas
			if r.Prior == nil {
				step.Record = true
				step.Prior = &prior
			} else {
				prior = *r.Prior
			}
			step.Target = prior + r.MaxScaleBy
			if step.Record || r.Replicas != step.Target {
				out = append(out, step)
			}
		case r.Prior != nil:
			out = append(out, Step{Reserve: r, Target: *r.Prior, Release: true})
		}
	}
	return out
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

// Recorded reads the record a union left on a workload: the prior replica
// count when holder (the union, as Kind.name) scaled it, and whether
// another union holds it.
func Recorded(annotations map[string]string, holder string) (prior *int32, heldByOther bool) {
	by, ok := annotations[ReserveForAnnotation]
	if !ok {
		return nil, false
	}
	if by != holder {
		return nil, true
	}
	n, err := strconv.ParseInt(annotations[PriorReplicasAnnotation], 10, 32)
	if err != nil || n < 0 {
		// A record that does not parse cannot be restored from; it is
		// treated as not scaled, so the union records the current count.
		return nil, false
	}
	p := int32(n)
	return &p, false
}

// Record is the annotations of a union's record on a reserve.
func Record(holder string, prior int32) map[string]string {
	return map[string]string{
		ReserveForAnnotation:    holder,
		PriorReplicasAnnotation: strconv.FormatInt(int64(prior), 10),
	}
}
