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

package admission

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

func alliance(a unionsv1.Admission) *unionsv1.Alliance {
	al := &unionsv1.Alliance{}
	al.Name = "blue"
	al.Spec.Admission = a
	return al
}

func TestDecide(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	invited := alliance(unionsv1.Admission{Namespaces: []string{"team-a"}})
	tests := []struct {
		name         string
		facts        Facts
		wantStanding unionsv1.Standing
		wantReason   string
		wantRecheck  time.Time
	}{
		{"union missing", Facts{Namespace: "team-a"}, unionsv1.StandingPending, unionsv1.ReasonUnionNotFound, time.Time{}},
		{"invited by name", Facts{Union: invited, Namespace: "team-a"}, unionsv1.StandingActive, unionsv1.ReasonActive, time.Time{}},
		{"not invited", Facts{Union: invited, Namespace: "team-b"}, unionsv1.StandingPending, unionsv1.ReasonNotInvited, time.Time{}},
		{"admitted by a Passed Admit proposal", Facts{Union: invited, Namespace: "team-b", AdmittedBy: "team-a/admit-b"}, unionsv1.StandingActive, unionsv1.ReasonActive, time.Time{}},
		{"expelled by a Passed Expel proposal, though invited", Facts{Union: invited, Namespace: "team-a", ExpelledBy: "team-b/expel-a"}, unionsv1.StandingEnded, ReasonExpelled, time.Time{}},
		{"an expelled duplicate is still a duplicate", Facts{Union: invited, Namespace: "team-a", ExpelledBy: "team-b/expel-a", DuplicateOf: "first"}, unionsv1.StandingRejected, unionsv1.ReasonDuplicate, time.Time{}},
		{"an admission does not cut a re-integration wait", Facts{Union: invited, Namespace: "team-b", AdmittedBy: "team-a/admit-b", EligibleAt: now.Add(time.Hour), Now: now}, unionsv1.StandingPending, ReasonReintegrationWait, now.Add(time.Hour)},
		{"no union joins kube-system, open or not", Facts{Union: alliance(unionsv1.Admission{Policy: unionsv1.AdmissionOpen}), Namespace: "kube-system"}, unionsv1.StandingRejected, ReasonSystemNamespace, time.Time{}},
		{"open admits anyone", Facts{Union: alliance(unionsv1.Admission{Policy: unionsv1.AdmissionOpen}), Namespace: "zz"}, unionsv1.StandingActive, unionsv1.ReasonActive, time.Time{}},
		{"invited by label", Facts{
			Union:           alliance(unionsv1.Admission{NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"tier": "gold"}}}),
			Namespace:       "team-c",
			NamespaceLabels: map[string]string{"tier": "gold"},
		}, unionsv1.StandingActive, unionsv1.ReasonActive, time.Time{}},
		{"label does not match", Facts{
			Union:           alliance(unionsv1.Admission{NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"tier": "gold"}}}),
			Namespace:       "team-c",
			NamespaceLabels: map[string]string{"tier": "silver"},
		}, unionsv1.StandingPending, unionsv1.ReasonNotInvited, time.Time{}},
		{"empty selector invites no one", Facts{
			Union:     alliance(unionsv1.Admission{NamespaceSelector: &metav1.LabelSelector{}}),
			Namespace: "team-c",
		}, unionsv1.StandingPending, unionsv1.ReasonNotInvited, time.Time{}},
		{"invalid selector", Facts{
			Union: alliance(unionsv1.Admission{NamespaceSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
				{Key: "tier", Operator: "Sometimes"},
			}}}),
			Namespace: "team-c",
		}, unionsv1.StandingPending, ReasonInvalidSelector, time.Time{}},
		{"duplicate wins over everything but a missing union", Facts{Union: invited, Namespace: "team-a", DuplicateOf: "first"}, unionsv1.StandingRejected, unionsv1.ReasonDuplicate, time.Time{}},
		{"invalid terms", Facts{Union: invited, Namespace: "team-a", InvalidTerms: "override x.y out of bounds"}, unionsv1.StandingRejected, unionsv1.ReasonInvalidTerms, time.Time{}},
		{"invalid terms with their own reason", Facts{Union: invited, Namespace: "team-a", InvalidTerms: `override "x.y": 11 is above the maximum 10`,
			InvalidTermsReason: "InvalidOverride"}, unionsv1.StandingRejected, "InvalidOverride", time.Time{}},
		{"union ended", Facts{Union: invited, Namespace: "team-a", Ended: &Reason{"UnionExpired", "expired"}}, unionsv1.StandingEnded, "UnionExpired", time.Time{}},
		{"reintegration wait", Facts{Union: invited, Namespace: "team-a", EligibleAt: now.Add(time.Hour), Now: now}, unionsv1.StandingPending, ReasonReintegrationWait, now.Add(time.Hour)},
		{"reintegration over", Facts{Union: invited, Namespace: "team-a", EligibleAt: now, Now: now}, unionsv1.StandingActive, unionsv1.ReasonActive, time.Time{}},
		{"cooling off keeps the member badged", Facts{Union: invited, Namespace: "team-a", Now: now,
			Exit: &Exit{Treaty: "leave", EffectiveAt: now.Add(time.Hour)}}, unionsv1.StandingCoolingOff, ReasonCoolingOff, time.Time{}},
		{"cooling off but no longer invited", Facts{Union: invited, Namespace: "team-b", Now: now,
			Exit: &Exit{Treaty: "leave", EffectiveAt: now.Add(time.Hour)}}, unionsv1.StandingPending, unionsv1.ReasonNotInvited, time.Time{}},
		{"separated", Facts{Union: invited, Namespace: "team-a", Now: now, EligibleAt: now.Add(-time.Hour),
			Exit: &Exit{Treaty: "leave", Effective: true, EffectiveAt: now.Add(-2 * time.Hour)}}, unionsv1.StandingSeparated, ReasonSeparated, time.Time{}},
		{"separated and waiting, without asking to rejoin", Facts{Union: invited, Namespace: "team-a", Now: now, EligibleAt: now.Add(time.Hour),
			Exit: &Exit{Treaty: "leave", Effective: true, EffectiveAt: now}}, unionsv1.StandingSeparated, ReasonSeparated, time.Time{}},
		{"early re-integration refused", Facts{Union: invited, Namespace: "team-a", Now: now, EligibleAt: now.Add(time.Hour), Reintegrate: true,
			Exit: &Exit{Treaty: "leave", Effective: true, EffectiveAt: now}}, unionsv1.StandingSeparated, ReasonReintegrationWait, now.Add(time.Hour)},
		{"re-integration on time", Facts{Union: invited, Namespace: "team-a", Now: now, EligibleAt: now, Reintegrate: true,
			Exit: &Exit{Treaty: "leave", Effective: true, EffectiveAt: now.Add(-time.Hour)}}, unionsv1.StandingActive, unionsv1.ReasonActive, time.Time{}},
		{"re-integration still needs an invitation", Facts{Union: invited, Namespace: "team-b", Now: now, EligibleAt: now, Reintegrate: true,
			Exit: &Exit{Treaty: "leave", Effective: true, EffectiveAt: now.Add(-time.Hour)}}, unionsv1.StandingPending, unionsv1.ReasonNotInvited, time.Time{}},
		{"an ended union ends a separated membership too", Facts{Union: invited, Namespace: "team-a", Now: now, Ended: &Reason{"UnionExpired", "expired"},
			Exit: &Exit{Treaty: "leave", Effective: true, EffectiveAt: now}}, unionsv1.StandingEnded, "UnionExpired", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Decide(tt.facts)
			if got.Standing != tt.wantStanding || got.Reason.Reason != tt.wantReason || !got.RecheckAt.Equal(tt.wantRecheck) {
				t.Errorf("Decide = %+v, want standing %s reason %s recheck %v", got, tt.wantStanding, tt.wantReason, tt.wantRecheck)
			}
			if got.Message == "" {
				t.Errorf("Decide gave no message")
			}
		})
	}
}
