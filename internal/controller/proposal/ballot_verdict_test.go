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

package proposal

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/conditions"
)

func TestJudge(t *testing.T) {
	ballot := func(generation, observed int64, counted bool, reason string) *unionsv1.Ballot {
		b := &unionsv1.Ballot{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "vote", Generation: generation}}
		b.Spec.Choice = unionsv1.ChoiceFor
		if reason != "" {
			b.Status.ObservedGeneration = observed
			b.Status.Counted = counted
			b.Status.Conditions = []metav1.Condition{{Type: unionsv1.ConditionReady, Reason: reason, Message: "as judged", ObservedGeneration: observed}}
		}
		return b
	}
	fresh := ballot(1, 0, false, "")
	tests := []struct {
		name    string
		facts   ballotFacts
		counted bool
		state   conditions.State
		reason  string
	}{
		{"subject missing", ballotFacts{ballot: fresh}, false, conditions.Waiting, ReasonSubjectNotFound},
		{"counted", ballotFacts{ballot: fresh, found: true, voice: "member"}, true, conditions.Ready, ReasonCounted},
		{"not a member", ballotFacts{ballot: fresh, found: true, notVoter: "no"}, false, conditions.Stalled, ReasonNotAMember},
		{"duplicate", ballotFacts{ballot: fresh, found: true, voice: "member", duplicateOf: "first"}, false, conditions.Stalled, ReasonDuplicate},
		{"filed after the decision", ballotFacts{ballot: fresh, found: true, voice: "member", closed: "decided"}, false, conditions.Stalled, ReasonClosed},
		{"counted before the decision stays counted",
			ballotFacts{ballot: ballot(1, 1, true, ReasonCounted), found: true, closed: "decided"}, true, conditions.Ready, ReasonCounted},
		{"refused before the decision stays refused",
			ballotFacts{ballot: ballot(1, 1, false, ReasonNotAMember), found: true, voice: "member", closed: "decided"}, false, conditions.Stalled, ReasonNotAMember},
		{"changed after the decision",
			ballotFacts{ballot: ballot(2, 1, true, ReasonCounted), found: true, voice: "member", closed: "decided"}, false, conditions.Stalled, ReasonClosed},
		{"on a proposal refused without a vote",
			ballotFacts{ballot: ballot(1, 1, true, ReasonCounted), found: true, voice: "member", closed: "refused", void: true}, false, conditions.Stalled, ReasonClosed},
		{"waiting for its subject until the decision",
			ballotFacts{ballot: ballot(1, 1, false, ReasonSubjectNotFound), found: true, voice: "member", closed: "decided"}, false, conditions.Stalled, ReasonClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := judge(tt.facts)
			if v.counted != tt.counted || v.summary.State != tt.state || v.summary.Reason != tt.reason {
				t.Errorf("verdict = counted %v, %v %q; want %v, %v %q", v.counted, v.summary.State, v.summary.Reason, tt.counted, tt.state, tt.reason)
			}
			if v.summary.Message == "" {
				t.Error("verdict without a message")
			}
		})
	}
}
