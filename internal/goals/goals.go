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

// Package goals is a coalition's shared goals registry: which object each
// goal completes on, whether that object reports its completion condition
// True, and the state of every goal (Pending, or Met from the moment it was
// first seen met: a met goal stays met). It is pure.
package goals

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

// Key identifies a referenced object: <apiVersion>/<kind>/<namespace>/<name>.
func Key(ref unionsv1.ObjectReference) string {
	return ref.APIVersion + "/" + ref.Kind + "/" + ref.Namespace + "/" + ref.Name
}

// Refs returns the objects the goals complete on, without duplicates, in
// the order of the goals.
func Refs(goals []unionsv1.Goal) []unionsv1.ObjectReference {
	seen := map[string]bool{}
	var out []unionsv1.ObjectReference
	for _, g := range goals {
		if g.Completion == nil || seen[Key(g.Completion.ObjectRef)] {
			continue
		}
		seen[Key(g.Completion.ObjectRef)] = true
		out = append(out, g.Completion.ObjectRef)
	}
	return out
}

// ReasonNotAMemberNamespace is why a goal whose object is not in an Active
// member namespace of the coalition is Unverifiable: a union looks at
// nothing of a namespace that did not join it.
const ReasonNotAMemberNamespace = "NotAMemberNamespace"

// Verifiable says whether the object a goal completes on may be looked at:
// it lies in one of the coalition's Active member namespaces. Cluster-scoped
// objects belong to no member and are never looked at.
func Verifiable(ref unionsv1.ObjectReference, members map[string]bool) bool {
	return ref.Namespace != "" && members[ref.Namespace]
}

// Evaluate returns the state of every goal, in the order of the spec: a goal
// met before stays Met with its metAt; a goal named in met becomes Met at
// now; a goal named in unverifiable is Unverifiable, with that reason;
// any other goal is Pending (goals without completion always are, until a
// human removes them: they are tracked for people, not by the operator).
func Evaluate(goals []unionsv1.Goal, previous []unionsv1.GoalStatus, met map[string]bool, unverifiable map[string]string, now time.Time) []unionsv1.GoalStatus {
	was := make(map[string]unionsv1.GoalStatus, len(previous))
	for _, p := range previous {
		was[p.Name] = p
	}
	if len(goals) == 0 {
		return nil
	}
	out := make([]unionsv1.GoalStatus, 0, len(goals))
	for _, g := range goals {
		st := unionsv1.GoalStatus{Name: g.Name, State: unionsv1.GoalPending}
		switch p, ok := was[g.Name]; {
		case ok && p.State == unionsv1.GoalMet:
			st = p
			if st.MetAt == nil {
				st.MetAt = &metav1.Time{Time: now}
			}
		case met[g.Name]:
			st.State, st.MetAt = unionsv1.GoalMet, &metav1.Time{Time: now}
		case unverifiable[g.Name] != "":
			st.State, st.Reason = unionsv1.GoalUnverifiable, unverifiable[g.Name]
		}
		out = append(out, st)
	}
	return out
}

// AllMet reports whether there are goals and every one is Met.
func AllMet(status []unionsv1.GoalStatus) bool {
	for _, s := range status {
		if s.State != unionsv1.GoalMet {
			return false
		}
	}
	return len(status) > 0
}

// Count returns how many goals are Met.
func Count(status []unionsv1.GoalStatus) (met int) {
	for _, s := range status {
		if s.State == unionsv1.GoalMet {
			met++
		}
	}
	return met
}

// ConditionTrue reports whether an object (as unstructured content) has the
// condition conditionType with status True in .status.conditions.
func ConditionTrue(obj map[string]any, conditionType string) bool {
	for _, c := range conditionsOf(obj) {
		if c["type"] == conditionType {
			return c["status"] == string(metav1.ConditionTrue)
		}
	}
	return false
}

// Trim keeps of an object only what deciding its goals takes: its identity
// and .status.conditions, so that a watched object costs little memory.
func Trim(obj map[string]any) map[string]any {
	out := map[string]any{}
	for _, k := range []string{"apiVersion", "kind"} {
		if v, ok := obj[k]; ok {
			out[k] = v
		}
	}
	if md, ok := obj["metadata"].(map[string]any); ok {
		kept := map[string]any{}
		for _, k := range []string{"name", "namespace", "uid", "resourceVersion", "generation", "deletionTimestamp"} {
			if v, ok := md[k]; ok {
				kept[k] = v
			}
		}
		out["metadata"] = kept
	}
	if st, ok := obj["status"].(map[string]any); ok {
		if conds, ok := st["conditions"]; ok {
			out["status"] = map[string]any{"conditions": conds}
		}
	}
	return out
}

// SameConditions reports whether two objects have the same .status.conditions
// types and statuses, the only change that can meet a goal.
func SameConditions(a, b map[string]any) bool {
	ca, cb := conditionsOf(a), conditionsOf(b)
	if len(ca) != len(cb) {
		return false
	}
	for i := range ca {
		if ca[i]["type"] != cb[i]["type"] || ca[i]["status"] != cb[i]["status"] {
			return false
		}
	}
	return true
}

func conditionsOf(obj map[string]any) []map[string]any {
	st, _ := obj["status"].(map[string]any)
	list, _ := st["conditions"].([]any)
	out := make([]map[string]any, 0, len(list))
	for _, c := range list {
		if m, ok := c.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}
