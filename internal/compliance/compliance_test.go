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

package compliance

import (
	"strings"
	"testing"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/standards"
)

func TestSummary(t *testing.T) {
	fail := func(ns, agent, standard string) unionsv1.ComplianceStatus {
		return unionsv1.ComplianceStatus{Namespace: ns, Agent: agent, Standard: standard}
	}
	tests := []struct {
		name                        string
		declared, compiled, passing int
		failures                    []unionsv1.ComplianceStatus
		status                      bool
		reason                      string
		message                     string
	}{
		{name: "no standards", passing: 3, status: true, reason: ReasonNoStandards, message: "the alliance declares no standards"},
		{name: "none compiles", declared: 1, status: false, reason: ReasonInvalidStandard, message: "no standard of the alliance compiles"},
		{name: "all compliant", declared: 2, compiled: 2, passing: 4, status: true, reason: ReasonAllCompliant, message: "all 4 member agents"},
		{
			name: "failures grouped by agent", declared: 2, compiled: 2, passing: 1,
			failures: []unionsv1.ComplianceStatus{fail("a", "planner", "limits"), fail("a", "planner", "owner"), fail("b", "critic", "limits")},
			reason:   ReasonNonCompliant, message: "2 of 3 member agents fail a standard: a/planner fails limits, owner; b/critic fails limits",
		},
		{
			name: "long lists are cut", declared: 1, compiled: 1,
			failures: []unionsv1.ComplianceStatus{fail("a", "1", "s"), fail("a", "2", "s"), fail("a", "3", "s"), fail("a", "4", "s"), fail("a", "5", "s")},
			reason:   ReasonNonCompliant, message: "a/3 fails s; and 2 more",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, reason, message := Summary("alliance", tt.declared, tt.compiled, tt.passing, tt.failures)
			if status != tt.status || reason != tt.reason || !strings.Contains(message, tt.message) {
				t.Errorf("got %v %s %q; want %v %s containing %q", status, reason, message, tt.status, tt.reason, tt.message)
			}
		})
	}
}

func TestTally(t *testing.T) {
	tally := NewTally()
	ok := standards.Result{Standard: "limits", Compliant: true}
	bad := standards.Result{Standard: "replicas", Message: "too many"}
	tally.Add("b", "critic", []standards.Result{ok, bad})
	tally.Add("b", "critic", []standards.Result{ok, bad}) // a second object of the same agent
	tally.Add("a", "planner", []standards.Result{ok})
	tally.Add("a", "planner", []standards.Result{bad}) // its bare Pod fails
	tally.Add("a", "scout", []standards.Result{ok})
	if tally.Compliant() != 1 || tally.NonCompliant() != 2 {
		t.Errorf("compliant %d, non-compliant %d; want 1 and 2", tally.Compliant(), tally.NonCompliant())
	}
	f := tally.Listed()
	if len(f) != 2 || f[0].Namespace != "a" || f[1].Agent != "critic" || f[1].Message != "too many" {
		t.Errorf("failures %v", f)
	}
}
