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

package charter

import (
	"reflect"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

func TestName(t *testing.T) {
	got := Name(unionsv1.UnionReference{Kind: unionsv1.KindCoalition, Name: "incident-42"})
	if got != "union-coalition-incident-42" {
		t.Errorf("Name = %q", got)
	}
}

func TestRenderCoalition(t *testing.T) {
	created := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	metAt := metav1.NewTime(created.Add(2 * time.Hour))
	ends := metav1.NewTime(created.Add(24 * time.Hour))
	base := func() *unionsv1.Coalition {
		c := &unionsv1.Coalition{ObjectMeta: metav1.ObjectMeta{Name: "incident-42", CreationTimestamp: metav1.NewTime(created)}}
		c.Spec.Purpose = "find the root cause of incident 42"
		c.Spec.Duration = &metav1.Duration{Duration: 72 * time.Hour}
		c.Spec.Goals = []unionsv1.Goal{
			{Name: "root-cause", Description: "a written root cause", Completion: &unionsv1.GoalCompletion{
				ObjectRef:     unionsv1.ObjectReference{APIVersion: "batch/v1", Kind: "Job", Namespace: "team-a", Name: "rca"},
				ConditionType: "Complete",
			}},
			{Name: "postmortem", Description: "shared with every team"},
		}
		c.Status.Phase = unionsv1.CoalitionActive
		c.Status.MemberCount = 2
		c.Status.Members = []unionsv1.MemberStatus{
			{Namespace: "team-a", Standing: unionsv1.StandingActive, Agents: 2},
			{Namespace: "team-b", Standing: unionsv1.StandingActive, Agents: 1},
			{Namespace: "team-c", Standing: unionsv1.StandingPending},
		}
		return c
	}
	tests := []struct {
		name   string
		mutate func(*unionsv1.Coalition)
		check  func(t *testing.T, d Document)
	}{
		{"purpose, expiry, phase and members (not applicants)", nil, func(t *testing.T, d Document) {
			if d.Kind != "Coalition" || d.Union != "incident-42" || d.Purpose != "find the root cause of incident 42" {
				t.Errorf("identity or purpose wrong: %+v", d)
			}
			if d.ExpiresAt != "2026-03-04T00:00:00Z" || d.Phase != "Active" {
				t.Errorf("expiresAt %q, phase %q", d.ExpiresAt, d.Phase)
			}
			want := []Member{{"team-a", unionsv1.StandingActive, 2}, {"team-b", unionsv1.StandingActive, 1}}
			if !reflect.DeepEqual(d.Members, want) || d.MemberCount != 2 {
				t.Errorf("members = %v (%d), want %v", d.Members, d.MemberCount, want)
			}
		}},
		{"goals are Pending until the status says otherwise", nil, func(t *testing.T, d Document) {
			want := []Goal{
				{Name: "root-cause", Description: "a written root cause", State: unionsv1.GoalPending, CompletesOn: "Complete of Job team-a/rca"},
				{Name: "postmortem", Description: "shared with every team", State: unionsv1.GoalPending},
			}
			if !reflect.DeepEqual(d.Goals, want) {
				t.Errorf("goals = %+v, want %+v", d.Goals, want)
			}
		}},
		{"goals carry their state and when they were met", func(c *unionsv1.Coalition) {
			c.Status.Goals = []unionsv1.GoalStatus{
				{Name: "root-cause", State: unionsv1.GoalMet, MetAt: &metAt},
				{Name: "postmortem", State: unionsv1.GoalPending},
			}
		}, func(t *testing.T, d Document) {
			if g := d.Goals[0]; g.State != unionsv1.GoalMet || g.MetAt != "2026-03-01T02:00:00Z" {
				t.Errorf("met goal = %+v", g)
			}
			if g := d.Goals[1]; g.State != unionsv1.GoalPending || g.MetAt != "" {
				t.Errorf("pending goal = %+v", g)
			}
		}},
		{"the sitting council", func(c *unionsv1.Coalition) {
			c.Status.Council = &unionsv1.CouncilStatus{Members: []unionsv1.CouncilSeat{{Namespace: "team-a", Agent: "planner"}}, Term: 1, TermEndsAt: &ends}
		}, func(t *testing.T, d Document) {
			if d.Council == nil || len(d.Council.Members) != 1 || d.Council.Members[0].Agent != "planner" || d.Council.Term != 1 {
				t.Errorf("council = %+v", d.Council)
			}
		}},
		{"an explicit deadline", func(c *unionsv1.Coalition) {
			c.Spec.Duration = nil
			at := metav1.NewTime(time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC))
			c.Spec.ExpiresAt = &at
		}, func(t *testing.T, d Document) {
			if d.ExpiresAt != "2026-04-01T12:00:00Z" {
				t.Errorf("expiresAt = %q", d.ExpiresAt)
			}
		}},
		{"no goals, no council", func(c *unionsv1.Coalition) { c.Spec.Goals = nil }, func(t *testing.T, d Document) {
			if d.Goals != nil || d.Council != nil {
				t.Errorf("goals %v council %v", d.Goals, d.Council)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base()
			if tt.mutate != nil {
				tt.mutate(c)
			}
			tt.check(t, Render(c, "coalition.unions.kos.dev/incident-42=member", nil))
		})
	}
}

func TestDataOfCoalition(t *testing.T) {
	c := &unionsv1.Coalition{ObjectMeta: metav1.ObjectMeta{Name: "incident-42", CreationTimestamp: metav1.NewTime(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))}}
	c.Spec.Purpose = "find the root cause"
	c.Spec.Duration = &metav1.Duration{Duration: time.Hour}
	c.Spec.Goals = []unionsv1.Goal{{Name: "root-cause", Description: "a written root cause"}}
	c.Status.Council = &unionsv1.CouncilStatus{Members: []unionsv1.CouncilSeat{{Namespace: "team-a", Agent: "planner"}}}
	data, err := Data(Render(c, "coalition.unions.kos.dev/incident-42=member", nil))
	if err != nil {
		t.Fatal(err)
	}
	if data["purpose"] != "find the root cause" || data["expiresAt"] != "2026-03-01T01:00:00Z" || data["union"] != "Coalition/incident-42" {
		t.Errorf("keys = %v", data)
	}
	for _, want := range []string{"purpose: find the root cause", "name: root-cause", "description: a written root cause",
		"state: Pending", "agent: planner", "expiresAt: \"2026-03-01T01:00:00Z\"", "badge: coalition.unions.kos.dev/incident-42=member"} {
		if !strings.Contains(data["charter.yaml"], want) {
			t.Errorf("charter.yaml lacks %q:\n%s", want, data["charter.yaml"])
		}
	}
}

func TestRenderOtherKindsHaveNoGoals(t *testing.T) {
	a := &unionsv1.Alliance{ObjectMeta: metav1.ObjectMeta{Name: "blue-pact"}}
	a.Spec.Principles = []string{"help each other"}
	d := Render(a, "alliance.unions.kos.dev/blue-pact=member", nil)
	if d.Goals != nil || d.Council != nil || d.ExpiresAt != "" || d.Purpose != "" || d.Phase != "" {
		t.Errorf("alliance charter has coalition parts: %+v", d)
	}
	if !reflect.DeepEqual(d.Principles, []string{"help each other"}) {
		t.Errorf("principles = %v", d.Principles)
	}
}
