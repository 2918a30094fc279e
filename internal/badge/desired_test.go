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
			"council seat of an unselected agent gives no badge",
			[]Grant{{Union: coal, Agents: core, Council: map[string]bool{"idle": true}}},
			Set{Key(coal): unionsv1.RoleMember},
			[]Set{{Key(coal): "member"}, {Key(coal): "member"}, {}, {}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ns, per := Desired(tt.grants, objects)
			if !maps.Equal(ns, tt.wantNS) {
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
