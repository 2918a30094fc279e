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

package separation

import (
	"testing"
	"time"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

func TestWithExpulsions(t *testing.T) {
	leftBefore := unionsv1.FormerMember{Namespace: "team-z", ExitTreaty: "leave", EffectiveAt: tp(t0)}
	expelA := Expulsion{Namespace: "team-a", Proposal: "team-b/expel-a", At: t0.Add(time.Hour + 300*time.Millisecond)}
	memberships := []unionsv1.Membership{
		member("team-a", t0, unionsv1.StandingActive),
		member("team-p", t0, unionsv1.StandingPending),
		member("team-e", t0, unionsv1.StandingEnded),
	}

	former, added := WithExpulsions([]unionsv1.FormerMember{leftBefore}, []Expulsion{
		expelA,
		{Namespace: "team-p", Proposal: "team-b/expel-p", At: t0},                 // never a member
		{Namespace: "team-x", Proposal: "team-b/expel-x", At: t0},                 // no Membership at all
		{Namespace: "team-e", Proposal: "team-b/expel-e", At: t0.Add(-time.Hour)}, // already ended by it
	}, memberships)
	wantA := unionsv1.FormerMember{Namespace: "team-a", EffectiveAt: tp(t0.Add(time.Hour)), Proposal: "team-b/expel-a", MembershipUID: "uid-team-a"}
	wantE := unionsv1.FormerMember{Namespace: "team-e", EffectiveAt: tp(t0.Add(-time.Hour)), Proposal: "team-b/expel-e", MembershipUID: "uid-team-e"}
	if want := []unionsv1.FormerMember{wantE, leftBefore, wantA}; !equalFormer(former, want) {
		t.Errorf("former = %+v, want %+v", former, want)
	}
	if want := []unionsv1.FormerMember{wantA, wantE}; !equalFormer(added, want) {
		t.Errorf("added = %+v, want %+v", added, want)
	}

	t.Run("recorded once, even when the Membership has gone since", func(t *testing.T) {
		again, added := WithExpulsions(former, []Expulsion{expelA}, nil)
		if !equalFormer(again, former) || len(added) != 0 {
			t.Errorf("again = %+v, added %+v; want unchanged, none added", again, added)
		}
	})

	t.Run("an expulsion is no separation and imposes no wait", func(t *testing.T) {
		u := alliance()
		u.Status.FormerMembers = former
		m := memberships[0]
		if x := Governing(&m, nil, former); x != nil {
			t.Errorf("Governing = %+v, want nil", x)
		}
		if at := EligibleAt("team-a", u, nil, nil, t0); !at.IsZero() {
			t.Errorf("EligibleAt = %s, want zero", at)
		}
	})
}

func equalFormer(a, b []unionsv1.FormerMember) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameEntry(a[i], b[i]) {
			return false
		}
	}
	return true
}
