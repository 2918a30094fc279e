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

// Package defense holds an alliance's mutual defence pact as pure functions:
// preemptive defence (a PodDisruptionBudget per member agent workload) and
// reactive defence (tracking member agents below their desired availability
// and planning how allies' volunteered reserves are scaled up and restored).
// It knows nothing of clients or caches.
package defense

import (
	"cmp"
	"slices"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

// MaxListed bounds the disruptions an alliance's status lists.
const MaxListed = 100

// Agent names a member agent: its namespace and agent name.
type Agent struct {
	Namespace string
	Agent     string
}

// Unavailable reports whether a workload is below its desired availability.
func Unavailable(desired, available int32) bool {
	return available < desired
}

// Tracked is the outcome of tracking disruptions.
type Tracked struct {
	// Disruptions lists every agent still down, with when it was first seen
	// down (oldest first, at most MaxListed).
	Disruptions []unionsv1.Disruption
	// Due are the agents down for at least unavailableFor: allies' reserves
	// are scaled for them.
	Due []Agent
	// Next is the next instant an agent becomes due (zero: none).
	Next time.Time
}

// Track merges the agents observed down with the disruptions recorded
// before: an agent keeps the instant it was first seen down, a new one is
// timed from now (to the second, as status records it), a recovered one is
// dropped. ReservesScaled is left for the caller.
func Track(recorded []unionsv1.Disruption, down []Agent, now time.Time, unavailableFor time.Duration) Tracked {
	since := map[Agent]metav1.Time{}
	for _, d := range recorded {
		since[Agent{d.Namespace, d.Agent}] = d.Since
	}
	var t Tracked
	seen := map[Agent]bool{}
	for _, a := range down {
		if seen[a] {
			continue
		}
		seen[a] = true
		s, ok := since[a]
		if !ok {
			s = metav1.NewTime(now.Truncate(time.Second))
		}
		t.Disruptions = append(t.Disruptions, unionsv1.Disruption{Namespace: a.Namespace, Agent: a.Agent, Since: s})
	}
	slices.SortFunc(t.Disruptions, func(a, b unionsv1.Disruption) int {
		return cmp.Or(a.Since.Compare(b.Since.Time), cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Agent, b.Agent))
	})
	t.Disruptions = t.Disruptions[:min(len(t.Disruptions), MaxListed)]
	for _, d := range t.Disruptions {
		deadline := d.Since.Add(unavailableFor)
		if !now.Before(deadline) {
			t.Due = append(t.Due, Agent{d.Namespace, d.Agent})
			continue
		}
		if t.Next.IsZero() || deadline.Before(t.Next) {
			t.Next = deadline
		}
	}
	return t
}

// IsNew reports whether an agent is missing from the recorded disruptions.
func IsNew(recorded []unionsv1.Disruption, a Agent) bool {
	return !slices.ContainsFunc(recorded, func(d unionsv1.Disruption) bool { return d.Namespace == a.Namespace && d.Agent == a.Agent })
}
