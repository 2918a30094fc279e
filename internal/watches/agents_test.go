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
)

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
			if got := sameOwnLabels(tc.a, tc.b); got != tc.want {
				t.Errorf("sameOwnLabels(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
			}
			if got := sameOwnLabels(tc.b, tc.a); got != tc.want {
				t.Errorf("sameOwnLabels(%v, %v) = %v, want %v (reversed)", tc.b, tc.a, got, tc.want)
			}
		})
	}
}
