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

package mediation

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

func TestDecide(t *testing.T) {
	tr := &unionsv1.ExitTreaty{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "leave"}}
	ballot := func(ns, name string, c unionsv1.Choice) unionsv1.Ballot {
		return unionsv1.Ballot{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Spec: unionsv1.BallotSpec{Choice: c}}
	}
	mediators := []string{"med-1", "med-2", "team-a"}
	tests := []struct {
		name    string
		ballots []unionsv1.Ballot
		want    *Verdict
	}{
		{"no ballots", nil, nil},
		{"abstain decides nothing", []unionsv1.Ballot{ballot("med-1", "b", unionsv1.ChoiceAbstain)}, nil},
		{"a non-mediator never counts", []unionsv1.Ballot{ballot("outsider", "b", unionsv1.ChoiceFor)}, nil},
		{"the departing namespace never counts", []unionsv1.Ballot{ballot("team-a", "b", unionsv1.ChoiceFor)}, nil},
		{"a mediator approves", []unionsv1.Ballot{ballot("outsider", "b", unionsv1.ChoiceAgainst), ballot("med-2", "y", unionsv1.ChoiceFor)}, &Verdict{true, "med-2/y"}},
		{"a mediator's Against prevails", []unionsv1.Ballot{ballot("med-1", "y", unionsv1.ChoiceFor), ballot("med-2", "n", unionsv1.ChoiceAgainst)}, &Verdict{false, "med-2/n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Decide(tr, mediators, tt.ballots)
			if (got == nil) != (tt.want == nil) || got != nil && *got != *tt.want {
				t.Errorf("Decide = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestMediates(t *testing.T) {
	tr := &unionsv1.ExitTreaty{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "leave"}}
	tr.Spec.Union = unionsv1.UnionReference{Kind: unionsv1.KindAlliance, Name: "blue"}
	mediators := []string{"med-1", "team-a"}
	for ns, want := range map[string]bool{"med-1": true, "team-a": false, "outsider": false} {
		ok, why := Mediates(ns, tr, mediators)
		if ok != want || ok == (why != "") {
			t.Errorf("Mediates(%s) = %v, %q; want %v", ns, ok, why, want)
		}
	}
	for phase, want := range map[unionsv1.ExitTreatyPhase]bool{"": true, unionsv1.TreatyProposed: true, unionsv1.TreatyMediation: true,
		unionsv1.TreatyCoolingOff: false, unionsv1.TreatyEffective: false, unionsv1.TreatyRejected: false, unionsv1.TreatyWithdrawn: false} {
		tr.Status.Phase = phase
		if Open(tr) != want {
			t.Errorf("Open(%q) = %v", phase, !want)
		}
	}
}
