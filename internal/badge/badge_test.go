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
	"slices"
	"testing"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

func TestKey(t *testing.T) {
	tests := []struct {
		ref  unionsv1.UnionReference
		want string
	}{
		{unionsv1.UnionReference{Kind: unionsv1.KindCoalition, Name: "incident-42"}, "coalition.unions.kos.dev/incident-42"},
		{unionsv1.UnionReference{Kind: unionsv1.KindAlliance, Name: "blue-pact"}, "alliance.unions.kos.dev/blue-pact"},
		{unionsv1.UnionReference{Kind: unionsv1.KindFederation, Name: "north"}, "federation.unions.kos.dev/north"},
	}
	for _, tt := range tests {
		if got := Key(tt.ref); got != tt.want {
			t.Errorf("Key(%v) = %q, want %q", tt.ref, got, tt.want)
		}
		if !unionsv1.IsBadgeKey(tt.want) {
			t.Errorf("IsBadgeKey(%q) = false, want true", tt.want)
		}
	}
}

func TestIsKeyRejectsNonBadges(t *testing.T) {
	for _, key := range []string{
		"unions.kos.dev/agent",
		"app.kubernetes.io/name",
		"coalition.unions.kos.dev/",
		"guild.unions.kos.dev/x",
		"coalition.unions.kos.dev.evil/x",
		"",
	} {
		if unionsv1.IsBadgeKey(key) {
			t.Errorf("IsBadgeKey(%q) = true, want false", key)
		}
	}
}

func TestSetMatchesAndStray(t *testing.T) {
	blue := Key(unionsv1.UnionReference{Kind: unionsv1.KindAlliance, Name: "blue"})
	red := Key(unionsv1.UnionReference{Kind: unionsv1.KindCoalition, Name: "red"})
	tests := []struct {
		name      string
		set       Set
		labels    map[string]string
		wantMatch bool
		wantStray []string
	}{
		{"empty set, no labels", Set{}, nil, true, nil},
		{"empty set ignores other labels", Set{}, map[string]string{"app": "x", unionsv1.AgentLabel: "a"}, true, nil},
		{"missing badge", Set{blue: unionsv1.RoleMember}, map[string]string{"app": "x"}, false, nil},
		{"badge present", Set{blue: unionsv1.RoleMember}, map[string]string{blue: "member", "app": "x"}, true, nil},
		{"wrong role", Set{blue: unionsv1.RoleCouncil}, map[string]string{blue: "member"}, false, nil},
		{"stray badge", Set{blue: unionsv1.RoleMember}, map[string]string{blue: "member", red: "member"}, false, []string{red}},
		{"only stray", Set{}, map[string]string{red: "council"}, false, []string{red}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.set.Matches(tt.labels); got != tt.wantMatch {
				t.Errorf("Matches = %v, want %v", got, tt.wantMatch)
			}
			if got := tt.set.Stray(tt.labels); !slices.Equal(got, tt.wantStray) {
				t.Errorf("Stray = %v, want %v", got, tt.wantStray)
			}
		})
	}
}

func TestString(t *testing.T) {
	got := String(unionsv1.UnionReference{Kind: unionsv1.KindAlliance, Name: "blue-pact"}, unionsv1.RoleMember)
	if want := "alliance.unions.kos.dev/blue-pact=member"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
}
