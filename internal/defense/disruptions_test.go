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
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

func TestUnavailable(t *testing.T) {
	tests := []struct {
		desired, available int32
		want               bool
	}{
		{3, 3, false}, {3, 4, false}, {3, 2, true}, {1, 0, true}, {0, 0, false},
	}
	for _, tt := range tests {
		if got := Unavailable(tt.desired, tt.available); got != tt.want {
			t.Errorf("Unavailable(%d, %d) = %v", tt.desired, tt.available, got)
		}
	}
}

func TestTrack(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) metav1.Time { return metav1.NewTime(t0.Add(d)) }
	a, b, c := Agent{"team-a", "planner"}, Agent{"team-b", "critic"}, Agent{"team-a", "scout"}
	const unavailableFor = 30 * time.Second

	tests := []struct {
		name     string
		recorded []unionsv1.Disruption
		down     []Agent
		now      time.Time
		want     []unionsv1.Disruption
		wantDue  []Agent
		wantNext time.Time
	}{
		{name: "nothing down", now: t0},
		{
			name: "first seen down: timed from now, to the second",
			down: []Agent{a}, now: t0.Add(1500 * time.Millisecond),
			want:     []unionsv1.Disruption{{Namespace: "team-a", Agent: "planner", Since: at(time.Second)}},
			wantNext: t0.Add(time.Second + unavailableFor),
		},
		{
			name:     "still down before the deadline keeps its since",
			recorded: []unionsv1.Disruption{{Namespace: "team-a", Agent: "planner", Since: at(0)}},
			down:     []Agent{a, a}, now: t0.Add(29 * time.Second),
			want:     []unionsv1.Disruption{{Namespace: "team-a", Agent: "planner", Since: at(0)}},
			wantNext: t0.Add(unavailableFor),
		},
		{
			name:     "due exactly at the deadline",
			recorded: []unionsv1.Disruption{{Namespace: "team-a", Agent: "planner", Since: at(0), ReservesScaled: 2}},
			down:     []Agent{a}, now: t0.Add(unavailableFor),
			want:    []unionsv1.Disruption{{Namespace: "team-a", Agent: "planner", Since: at(0)}},
			wantDue: []Agent{a},
		},
		{
			name:     "recovered agents drop out, oldest first, next deadline of the rest",
			recorded: []unionsv1.Disruption{{Namespace: "team-a", Agent: "planner", Since: at(0)}, {Namespace: "team-b", Agent: "critic", Since: at(10 * time.Second)}},
			down:     []Agent{c, b}, now: t0.Add(40 * time.Second),
			want: []unionsv1.Disruption{
				{Namespace: "team-b", Agent: "critic", Since: at(10 * time.Second)},
				{Namespace: "team-a", Agent: "scout", Since: at(40 * time.Second)},
			},
			wantDue:  []Agent{b},
			wantNext: t0.Add(70 * time.Second),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Track(tt.recorded, tt.down, tt.now, unavailableFor)
			if !reflect.DeepEqual(got.Disruptions, tt.want) {
				t.Errorf("disruptions %+v, want %+v", got.Disruptions, tt.want)
			}
			if !reflect.DeepEqual(got.Due, tt.wantDue) {
				t.Errorf("due %v, want %v", got.Due, tt.wantDue)
			}
			if !got.Next.Equal(tt.wantNext) {
				t.Errorf("next %v, want %v", got.Next, tt.wantNext)
			}
		})
	}
}

func TestTrackBounded(t *testing.T) {
	var down []Agent
	for i := range MaxListed + 5 {
		down = append(down, Agent{"ns", string(rune('a'+i%26)) + string(rune('a'+i/26))})
	}
	if got := Track(nil, down, time.Now(), time.Minute); len(got.Disruptions) != MaxListed {
		t.Fatalf("%d disruptions listed, want %d", len(got.Disruptions), MaxListed)
	}
}

func TestIsNew(t *testing.T) {
	recorded := []unionsv1.Disruption{{Namespace: "team-a", Agent: "planner"}}
	if IsNew(recorded, Agent{"team-a", "planner"}) || !IsNew(recorded, Agent{"team-b", "planner"}) {
		t.Fatal("IsNew")
	}
}
