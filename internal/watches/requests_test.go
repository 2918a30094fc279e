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

package watches

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/event"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

func TestMemberFactsChanged(t *testing.T) {
	base := func() *unionsv1.Membership {
		m := &unionsv1.Membership{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "crew", Generation: 1, ResourceVersion: "10"}}
		m.Spec.Union = unionsv1.UnionReference{Kind: unionsv1.KindAlliance, Name: "crew"}
		m.Status.Standing = unionsv1.StandingActive
		m.Status.AgentCount = 3
		return m
	}
	now := metav1.Now()
	for _, tc := range []struct {
		name   string
		change func(*unionsv1.Membership)
		passes bool
	}{
		{"its conditions alone", func(m *unionsv1.Membership) {
			m.Status.Conditions = []metav1.Condition{{Type: unionsv1.ConditionReady, Status: metav1.ConditionTrue}}
		}, false},
		{"its observed generation and resourceVersion alone", func(m *unionsv1.Membership) {
			m.Status.ObservedGeneration, m.ResourceVersion = 1, "11"
		}, false},
		{"its standing", func(m *unionsv1.Membership) { m.Status.Standing = unionsv1.StandingSeparated }, true},
		{"its agent count", func(m *unionsv1.Membership) { m.Status.AgentCount = 4 }, true},
		{"the agents listed", func(m *unionsv1.Membership) { m.Status.Agents = []string{"planner"} }, true},
		{"its terms", func(m *unionsv1.Membership) { m.Status.Terms = &unionsv1.MembershipTerms{} }, true},
		{"its spec", func(m *unionsv1.Membership) { m.Generation, m.Spec.Reintegrate = 2, true }, true},
		{"its deletion", func(m *unionsv1.Membership) { m.DeletionTimestamp = &now }, true},
		{"its labels", func(m *unionsv1.Membership) { m.Labels = map[string]string{"team": "a"} }, true},
		{"its uid (made again under the same name, seen through a relist)", func(m *unionsv1.Membership) {
			m.UID, m.CreationTimestamp = "uid-2", now
		}, true},
		{"its finalizers", func(m *unionsv1.Membership) { m.Finalizers = []string{"unions.kos.dev/exit"} }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old, cur := base(), base()
			tc.change(cur)
			if got := MemberFactsChanged().Update(event.UpdateEvent{ObjectOld: old, ObjectNew: cur}); got != tc.passes {
				t.Errorf("a change of %s passes: %v, want %v", tc.name, got, tc.passes)
			}
		})
	}
}

func TestAnnotationChanged(t *testing.T) {
	const key = "unions.kos.dev/label-conflicts"
	ns := func(annotations map[string]string) *metav1.PartialObjectMetadata {
		return &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{Name: "team-a", Annotations: annotations}}
	}
	for _, tc := range []struct {
		name     string
		old, cur map[string]string
		passes   bool
	}{
		{"set", nil, map[string]string{key: "team=b"}, true},
		{"changed", map[string]string{key: "team=b"}, map[string]string{key: "team=c"}, true},
		{"removed", map[string]string{key: "team=b"}, nil, true},
		{"another annotation changed", map[string]string{key: "team=b", "note": "x"}, map[string]string{key: "team=b", "note": "y"}, false},
		{"unchanged", map[string]string{key: "team=b"}, map[string]string{key: "team=b"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := AnnotationChanged(key).Update(event.UpdateEvent{ObjectOld: ns(tc.old), ObjectNew: ns(tc.cur)}); got != tc.passes {
				t.Errorf("passes: %v, want %v", got, tc.passes)
			}
		})
	}
}
