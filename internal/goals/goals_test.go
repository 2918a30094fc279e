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

package goals

import (
	"reflect"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

func job(ns, name string) unionsv1.ObjectReference {
	return unionsv1.ObjectReference{APIVersion: "batch/v1", Kind: "Job", Namespace: ns, Name: name}
}

func goal(name string, ref *unionsv1.ObjectReference) unionsv1.Goal {
	g := unionsv1.Goal{Name: name}
	if ref != nil {
		g.Completion = &unionsv1.GoalCompletion{ObjectRef: *ref, ConditionType: "Complete"}
	}
	return g
}

func TestKeyAndRefs(t *testing.T) {
	a, b := job("team-a", "rca"), job("team-b", "fix")
	if got := Key(a); got != "batch/v1/Job/team-a/rca" {
		t.Errorf("Key = %q", got)
	}
	got := Refs([]unionsv1.Goal{goal("one", &a), goal("manual", nil), goal("two", &b), goal("again", &a)})
	if want := []unionsv1.ObjectReference{a, b}; !reflect.DeepEqual(got, want) {
		t.Errorf("Refs = %v, want %v", got, want)
	}
}

func TestEvaluate(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	now := t0.Add(time.Hour)
	ref := job("team-a", "rca")
	met := func(name string, at time.Time) unionsv1.GoalStatus {
		return unionsv1.GoalStatus{Name: name, State: unionsv1.GoalMet, MetAt: &metav1.Time{Time: at}}
	}
	pending := func(name string) unionsv1.GoalStatus {
		return unionsv1.GoalStatus{Name: name, State: unionsv1.GoalPending}
	}
	tests := []struct {
		name     string
		goals    []unionsv1.Goal
		previous []unionsv1.GoalStatus
		met      map[string]bool
		want     []unionsv1.GoalStatus
		// outside are the goals whose objects are outside the member namespaces.
		outside []string
	}{
		{"new goals are Pending", []unionsv1.Goal{goal("a", &ref), goal("b", nil)}, nil, nil,
			[]unionsv1.GoalStatus{pending("a"), pending("b")}, nil},
		{"a goal seen met becomes Met now", []unionsv1.Goal{goal("a", &ref)}, []unionsv1.GoalStatus{pending("a")},
			map[string]bool{"a": true}, []unionsv1.GoalStatus{met("a", now)}, nil},
		{"a met goal stays Met with its metAt", []unionsv1.Goal{goal("a", &ref)}, []unionsv1.GoalStatus{met("a", t0)},
			nil, []unionsv1.GoalStatus{met("a", t0)}, nil},
		{"a met goal keeps its metAt when seen met again", []unionsv1.Goal{goal("a", &ref)}, []unionsv1.GoalStatus{met("a", t0)},
			map[string]bool{"a": true}, []unionsv1.GoalStatus{met("a", t0)}, nil},
		{"a goal without completion stays Pending", []unionsv1.Goal{goal("manual", nil)}, []unionsv1.GoalStatus{pending("manual")},
			nil, []unionsv1.GoalStatus{pending("manual")}, nil},
		{"removed goals go, in spec order", []unionsv1.Goal{goal("b", nil), goal("a", &ref)},
			[]unionsv1.GoalStatus{met("a", t0), pending("gone"), pending("b")}, nil,
			[]unionsv1.GoalStatus{pending("b"), met("a", t0)}, nil},
		{"no goals, no status", nil, []unionsv1.GoalStatus{pending("gone")}, nil, nil, nil},
		{"a goal outside the member namespaces is Unverifiable, with its reason", []unionsv1.Goal{goal("a", &ref)}, []unionsv1.GoalStatus{pending("a")},
			map[string]bool{"b": true}, []unionsv1.GoalStatus{{Name: "a", State: unionsv1.GoalUnverifiable, Reason: ReasonNotAMemberNamespace}}, []string{"a"}},
		{"a met goal stays Met when its namespace leaves", []unionsv1.Goal{goal("a", &ref)}, []unionsv1.GoalStatus{met("a", t0)},
			nil, []unionsv1.GoalStatus{met("a", t0)}, []string{"a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			unverifiable := map[string]string{}
			for _, g := range tt.outside {
				unverifiable[g] = ReasonNotAMemberNamespace
			}
			if got := Evaluate(tt.goals, tt.previous, tt.met, unverifiable, now); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Evaluate = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestVerifiable(t *testing.T) {
	members := map[string]bool{"team-a": true}
	for ref, want := range map[unionsv1.ObjectReference]bool{
		job("team-a", "rca"):                         true,
		job("outsider", "rca"):                       false,
		{APIVersion: "v1", Kind: "Node", Name: "n1"}: false,
	} {
		if got := Verifiable(ref, members); got != want {
			t.Errorf("Verifiable(%s) = %v, want %v", Key(ref), got, want)
		}
	}
}

func TestAllMetAndCount(t *testing.T) {
	m := unionsv1.GoalStatus{Name: "m", State: unionsv1.GoalMet}
	p := unionsv1.GoalStatus{Name: "p", State: unionsv1.GoalPending}
	tests := []struct {
		name      string
		status    []unionsv1.GoalStatus
		wantAll   bool
		wantCount int
	}{
		{"every goal met", []unionsv1.GoalStatus{m, m}, true, 2},
		{"one pending", []unionsv1.GoalStatus{m, p}, false, 1},
		{"no goals is not all met", nil, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AllMet(tt.status); got != tt.wantAll {
				t.Errorf("AllMet = %v, want %v", got, tt.wantAll)
			}
			if got := Count(tt.status); got != tt.wantCount {
				t.Errorf("Count = %d, want %d", got, tt.wantCount)
			}
		})
	}
}

func withConditions(conds ...map[string]any) map[string]any {
	list := make([]any, len(conds))
	for i, c := range conds {
		list[i] = c
	}
	return map[string]any{"status": map[string]any{"conditions": list, "active": int64(1)}}
}

func cond(t, s string) map[string]any { return map[string]any{"type": t, "status": s, "reason": "R"} }

func TestConditionTrue(t *testing.T) {
	tests := []struct {
		name string
		obj  map[string]any
		want bool
	}{
		{"condition True", withConditions(cond("Complete", "True")), true},
		{"condition False", withConditions(cond("Complete", "False")), false},
		{"condition Unknown", withConditions(cond("Complete", "Unknown")), false},
		{"other condition True", withConditions(cond("Failed", "True")), false},
		{"among others", withConditions(cond("Suspended", "False"), cond("Complete", "True")), true},
		{"no status", map[string]any{}, false},
		{"malformed conditions", map[string]any{"status": map[string]any{"conditions": "nope"}}, false},
		{"malformed entry", map[string]any{"status": map[string]any{"conditions": []any{"x"}}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ConditionTrue(tt.obj, "Complete"); got != tt.want {
				t.Errorf("ConditionTrue = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTrim(t *testing.T) {
	obj := withConditions(cond("Complete", "True"))
	obj["apiVersion"], obj["kind"] = "batch/v1", "Job"
	obj["metadata"] = map[string]any{"name": "rca", "namespace": "team-a", "resourceVersion": "7",
		"labels": map[string]any{"a": "b"}, "managedFields": []any{"big"}}
	obj["spec"] = map[string]any{"template": "big"}
	want := map[string]any{
		"apiVersion": "batch/v1", "kind": "Job",
		"metadata": map[string]any{"name": "rca", "namespace": "team-a", "resourceVersion": "7"},
		"status":   map[string]any{"conditions": []any{cond("Complete", "True")}},
	}
	if got := Trim(obj); !reflect.DeepEqual(got, want) {
		t.Errorf("Trim = %v, want %v", got, want)
	}
	if !ConditionTrue(Trim(obj), "Complete") {
		t.Error("a trimmed object must keep its conditions")
	}
}

func TestSameConditions(t *testing.T) {
	tests := []struct {
		name string
		a, b map[string]any
		want bool
	}{
		{"same", withConditions(cond("Complete", "True")), withConditions(cond("Complete", "True")), true},
		{"status changed", withConditions(cond("Complete", "False")), withConditions(cond("Complete", "True")), false},
		{"condition added", withConditions(), withConditions(cond("Complete", "True")), false},
		{"only reasons differ", withConditions(cond("Complete", "True")),
			withConditions(map[string]any{"type": "Complete", "status": "True", "reason": "Other"}), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SameConditions(tt.a, tt.b); got != tt.want {
				t.Errorf("SameConditions = %v, want %v", got, tt.want)
			}
		})
	}
}
