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

package badge

import (
	"maps"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/agents"
)

func TestDesired(t *testing.T) {
	coal := unionsv1.UnionReference{Kind: unionsv1.KindCoalition, Name: "incident"}
	ally := unionsv1.UnionReference{Kind: unionsv1.KindAlliance, Name: "blue"}
	objects := []metav1.Object{
		&metav1.ObjectMeta{Name: "planner", Labels: map[string]string{unionsv1.AgentLabel: "planner", "tier": "core"}},
		&metav1.ObjectMeta{Name: "planner-x1", Labels: map[string]string{unionsv1.AgentLabel: "planner"}},
		&metav1.ObjectMeta{Name: "translator", Labels: map[string]string{unionsv1.AgentLabel: "translator", "role": "translator"}},
		&metav1.ObjectMeta{Name: "idle", Labels: map[string]string{unionsv1.AgentLabel: "idle"}},
	}
	core, _ := agents.NewSelector(&metav1.LabelSelector{MatchLabels: map[string]string{"tier": "core"}})
	interop, _ := agents.NewSelector(&metav1.LabelSelector{MatchLabels: map[string]string{"role": "translator"}})

	tests := []struct {
		name   string
		grants []Grant
		wantNS Set
		want   []Set
	}{
		{"no grants: nothing anywhere", nil, Set{}, []Set{{}, {}, {}, {}}},
		{
			"all agents as members",
			[]Grant{{Union: ally, Agents: agents.All}},
			Set{Key(ally): unionsv1.RoleMember},
			[]Set{{Key(ally): "member"}, {Key(ally): "member"}, {Key(ally): "member"}, {Key(ally): "member"}},
		},
		{
			"selected agent badges its pods too",
			[]Grant{{Union: coal, Agents: core}},
			Set{Key(coal): unionsv1.RoleMember},
			[]Set{{Key(coal): "member"}, {Key(coal): "member"}, {}, {}},
		},
		{
			"council and interop roles",
			[]Grant{
				{Union: coal, Agents: agents.All, Council: map[string]bool{"idle": true}},
				{Union: ally, Agents: agents.All, Interop: &interop},
			},
			Set{Key(coal): unionsv1.RoleMember, Key(ally): unionsv1.RoleMember},
			[]Set{
				{Key(coal): "member", Key(ally): "member"},
				{Key(coal): "member", Key(ally): "member"},
				{Key(coal): "member", Key(ally): "interop"},
				{Key(coal): "council", Key(ally): "member"},
			},
		},
		{
			"a withheld namespace badge: the agents are badged all the same",
			[]Grant{{Union: ally, Agents: agents.All, Withheld: true, NamespaceLabels: map[string]string{"tier": "gold"}}},
			Set{},
			[]Set{{Key(ally): "member"}, {Key(ally): "member"}, {Key(ally): "member"}, {Key(ally): "member"}},
		},
		{
			"council seat of an unselected agent gives no badge",
			[]Grant{{Union: coal, Agents: core, Council: map[string]bool{"idle": true}}},
			Set{Key(coal): unionsv1.RoleMember},
			[]Set{{Key(coal): "member"}, {Key(coal): "member"}, {}, {}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ns, per := Desired(tt.grants, objects)
			if !maps.Equal(ns.Badges, tt.wantNS) || len(ns.Imposed) != 0 {
				t.Errorf("namespace badges = %v, want %v", ns, tt.wantNS)
			}
			for i := range objects {
				if !maps.Equal(per[i], tt.want[i]) {
					t.Errorf("%s badges = %v, want %v", objects[i].GetName(), per[i], tt.want[i])
				}
			}
		})
	}
}

func TestDesiredNamespaceLabels(t *testing.T) {
	north := unionsv1.UnionReference{Kind: unionsv1.KindFederation, Name: "north"}
	south := unionsv1.UnionReference{Kind: unionsv1.KindFederation, Name: "south"}
	ally := unionsv1.UnionReference{Kind: unionsv1.KindAlliance, Name: "blue"}
	grants := []Grant{
		{Union: south, Agents: agents.All, NamespaceLabels: map[string]string{"tier": "silver", "region": "south"}},
		{Union: ally, Agents: agents.All},
		{Union: north, Agents: agents.All, NamespaceLabels: map[string]string{
			"tier": "gold", "pod-security.kubernetes.io/enforce": "restricted",
			// Badges prove membership of their union only: never imposed.
			Key(ally): "council", "unions.kos.dev/agent": "x",
		}},
	}
	ns, _ := Desired(grants, nil)
	wantBadges := Set{Key(north): unionsv1.RoleMember, Key(south): unionsv1.RoleMember, Key(ally): unionsv1.RoleMember}
	wantImposed := map[string]string{"tier": "gold", "region": "south", "pod-security.kubernetes.io/enforce": "restricted"}
	if !maps.Equal(ns.Badges, wantBadges) || !maps.Equal(ns.Imposed, wantImposed) {
		t.Fatalf("namespace labels %v %v, want %v %v", ns.Badges, ns.Imposed, wantBadges, wantImposed)
	}
	applied := ns.Labels()
	if applied["tier"] != "gold" || applied[Key(ally)] != "member" || len(applied) != 6 {
		t.Errorf("applied labels %v", applied)
	}
	if got := ns.Annotations()[ImposedAnnotation]; got != "pod-security.kubernetes.io/enforce,region,tier" {
		t.Errorf("imposed record %q", got)
	}

	_, overruled := Imposed(grants)
	want := []Overruled{{Union: south, Key: "tier", Value: "silver", By: north, ByValue: "gold"}}
	if len(overruled) != 1 || overruled[0] != want[0] {
		t.Errorf("overruled %v, want %v (the first federation by name wins)", overruled, want)
	}
	// The same grants in another order decide the same.
	reversed := []Grant{grants[2], grants[1], grants[0]}
	if again, _ := Imposed(reversed); !maps.Equal(again, wantImposed) {
		t.Errorf("order changed the outcome: %v", again)
	}
}

func TestLabelsMatches(t *testing.T) {
	fed := unionsv1.UnionReference{Kind: unionsv1.KindFederation, Name: "north"}
	want := Labels{Badges: Set{Key(fed): unionsv1.RoleMember}, Imposed: map[string]string{"tier": "gold"}}
	record := map[string]string{ImposedAnnotation: "tier"}
	tests := []struct {
		name        string
		want        Labels
		labels      map[string]string
		annotations map[string]string
		match       bool
	}{
		{"as wanted, beside others' labels", want, map[string]string{Key(fed): "member", "tier": "gold", "team": "a"}, record, true},
		{"an imposed label missing", want, map[string]string{Key(fed): "member"}, record, false},
		{"an imposed label changed", want, map[string]string{Key(fed): "member", "tier": "bronze"}, record, false},
		{"a stray badge", want, map[string]string{Key(fed): "member", "tier": "gold", "alliance.unions.kos.dev/x": "member"}, record, false},
		{"a label no longer imposed is still recorded", Labels{Badges: Set{Key(fed): unionsv1.RoleMember}},
			map[string]string{Key(fed): "member", "tier": "gold"}, record, false},
		{"nothing imposed, nothing recorded", Labels{Badges: Set{}}, map[string]string{"tier": "gold"}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.want.Matches(tt.labels, tt.annotations); got != tt.match {
				t.Errorf("Matches = %v, want %v", got, tt.match)
			}
		})
	}
}

func TestReserved(t *testing.T) {
	for key, want := range map[string]bool{
		"federation.unions.kos.dev/north": true,
		"unions.kos.dev/agent":            true,
		"unions.kos.dev":                  false,
		"pod-security.kubernetes.io/warn": false,
		"example.com/unions.kos.dev":      false,
		"notunions.kos.dev/x":             false,
	} {
		if got := Reserved(key); got != want {
			t.Errorf("Reserved(%q) = %v, want %v", key, got, want)
		}
	}
}
