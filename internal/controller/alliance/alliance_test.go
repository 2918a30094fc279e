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

package alliance

import (
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/defense"
)

func TestDisruptedSummary(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	down := unionsv1.Disruption{Namespace: "a", Agent: "planner", Since: metav1.NewTime(t0)}
	tests := []struct {
		name    string
		tracked defense.Tracked
		status  bool
		reason  string
		message string
	}{
		{name: "all available", reason: ReasonAvailable, message: "no member agent"},
		{
			name:    "down, not yet due",
			tracked: defense.Tracked{Disruptions: []unionsv1.Disruption{down}, Next: t0.Add(30 * time.Second)},
			status:  true, reason: ReasonUnavailable,
			message: "a/planner since 2026-01-01T12:00:00Z); allies' reserves are called up at 2026-01-01T12:00:30Z",
		},
		{
			name:    "due",
			tracked: defense.Tracked{Disruptions: []unionsv1.Disruption{down}, Due: []defense.Agent{{Namespace: "a", Agent: "planner"}}},
			status:  true, reason: ReasonReservesCalledUp, message: "1 for at least 30s; 2 reserves called up",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, reason, message := disruptedSummary(tt.tracked, 30*time.Second, 2)
			if status != tt.status || reason != tt.reason || !strings.Contains(message, tt.message) {
				t.Errorf("got %v %s %q; want %v %s containing %q", status, reason, message, tt.status, tt.reason, tt.message)
			}
		})
	}
}

func TestOwnedBy(t *testing.T) {
	owner := func(kind, name string) []metav1.OwnerReference {
		return []metav1.OwnerReference{{Kind: kind, Name: name, Controller: ptr.To(true)}}
	}
	tests := []struct {
		name   string
		owners []metav1.OwnerReference
		union  string
		want   bool
	}{
		{"the membership's", owner("Membership", "join"), "Alliance.blue", true},
		{"another membership's", owner("Membership", "other"), "Alliance.blue", false},
		{"a federation's", owner("Membership", "join"), "Federation.north", false},
		{"not a membership's", owner("Alliance", "join"), "Alliance.blue", false},
		{"no owner", nil, "Alliance.blue", false},
	}
	for _, tt := range tests {
		obj := &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{OwnerReferences: tt.owners, Labels: map[string]string{unionsv1.UnionLabel: tt.union}}}
		if got := ownedBy(obj, reqFor("ns", "join")); got != tt.want {
			t.Errorf("%s: ownedBy = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func reqFor(namespace, name string) ctrl.Request {
	return ctrl.Request{NamespacedName: types.NamespacedName{Namespace: namespace, Name: name}}
}
