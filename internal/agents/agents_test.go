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

package agents

import (
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

func obj(name string, lbls map[string]string) metav1.Object {
	o := &metav1.ObjectMeta{Name: name, Labels: lbls}
	return o
}

func TestSelect(t *testing.T) {
	objects := []metav1.Object{
		obj("planner", map[string]string{unionsv1.AgentLabel: "planner", "tier": "core"}),
		obj("planner-abc", map[string]string{unionsv1.AgentLabel: "planner"}), // its Pod, no tier label
		obj("critic-0", map[string]string{unionsv1.AgentLabel: "critic", "tier": "edge"}),
		obj("helper", map[string]string{"tier": "core"}), // not an agent
		obj("scout", map[string]string{unionsv1.AgentLabel: "scout"}),
	}
	tests := []struct {
		name     string
		selector *metav1.LabelSelector
		want     []string
	}{
		{"nil selects every agent", nil, []string{"critic", "planner", "scout"}},
		{"by label, through any object", &metav1.LabelSelector{MatchLabels: map[string]string{"tier": "core"}}, []string{"planner"}},
		{"expression", &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
			{Key: "tier", Operator: metav1.LabelSelectorOpIn, Values: []string{"edge", "core"}},
		}}, []string{"critic", "planner"}},
		{"empty selector matches every agent", &metav1.LabelSelector{}, []string{"critic", "planner", "scout"}},
		{"nothing matches", &metav1.LabelSelector{MatchLabels: map[string]string{"tier": "none"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewSelector(tt.selector)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Select(objects); !slices.Equal(got, tt.want) {
				t.Errorf("Select = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSelectIgnoresBadges(t *testing.T) {
	badged := []metav1.Object{
		obj("scout", map[string]string{unionsv1.AgentLabel: "scout", "alliance.unions.kos.dev/blue": "member"}),
	}
	for _, ls := range []*metav1.LabelSelector{
		{MatchLabels: map[string]string{"alliance.unions.kos.dev/blue": "member"}},
		{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "alliance.unions.kos.dev/blue", Operator: metav1.LabelSelectorOpExists}}},
	} {
		s, err := NewSelector(ls)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Select(badged); got != nil {
			t.Errorf("selector %v selected %v through a badge", ls, got)
		}
	}
	s, _ := NewSelector(&metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
		{Key: "alliance.unions.kos.dev/blue", Operator: metav1.LabelSelectorOpDoesNotExist},
	}})
	if got := s.Select(badged); !slices.Equal(got, []string{"scout"}) {
		t.Errorf("DoesNotExist on a badge key = %v, want [scout]: badges are not the agent's own labels", got)
	}
}

func TestNewSelectorRejectsInvalid(t *testing.T) {
	_, err := NewSelector(&metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "a", Operator: "Near"}}})
	if err == nil {
		t.Fatal("NewSelector accepted an invalid operator")
	}
}

func TestSameOwnLabels(t *testing.T) {
	const badge = "alliance.unions.kos.dev/defenders"
	cases := []struct {
		name string
		a, b map[string]string
		want bool
	}{
		{"both empty", nil, map[string]string{}, true},
		{"a badge added", map[string]string{"app": "planner"}, map[string]string{"app": "planner", badge: "member"}, true},
		{"a badge alone, either side", map[string]string{badge: "member"}, nil, true},
		{"a value changed", map[string]string{"app": "planner"}, map[string]string{"app": "critic"}, false},
		{"a label added", map[string]string{"app": "planner"}, map[string]string{"app": "planner", "tier": "core"}, false},
		{"a label removed behind a badge", map[string]string{"app": "planner", "tier": "core"}, map[string]string{"app": "planner", badge: "member"}, false},
		{"a look-alike key is a label", nil, map[string]string{"team.unions.kos.dev/x": "y"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := SameOwnLabels(tc.a, tc.b); got != tc.want {
				t.Errorf("SameOwnLabels(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
			}
			if got := SameOwnLabels(tc.b, tc.a); got != tc.want {
				t.Errorf("SameOwnLabels(%v, %v) = %v, want %v (reversed)", tc.b, tc.a, got, tc.want)
			}
		})
	}
}
