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
	"fmt"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/audit"
)

var t0 = time.Date(2026, time.May, 1, 12, 0, 0, 0, time.UTC)

func tp(t time.Time) *metav1.Time { return unionsv1.TimePtr(t) }

func alliance(mutate ...func(*unionsv1.Alliance)) *unionsv1.Alliance {
	a := &unionsv1.Alliance{ObjectMeta: metav1.ObjectMeta{Name: "blue"}}
	a.Spec.Separation.ReintegrationAfter = &metav1.Duration{Duration: 10 * time.Hour}
	for _, f := range mutate {
		f(a)
	}
	return a
}

func member(ns string, created time.Time, standing unionsv1.Standing) unionsv1.Membership {
	m := unionsv1.Membership{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "join", UID: types.UID("uid-" + ns),
		CreationTimestamp: metav1.NewTime(created)}}
	m.Spec.Union = unionsv1.UnionReference{Kind: unionsv1.KindAlliance, Name: "blue"}
	m.Status.Standing = standing
	m.Status.ActiveSince = tp(created)
	return m
}

func deleting(m unionsv1.Membership) unionsv1.Membership {
	m.DeletionTimestamp = tp(t0.Add(time.Hour))
	m.Finalizers = []string{ExitFinalizer}
	return m
}

func treaty(ns, name string, created time.Time, phase unionsv1.ExitTreatyPhase, effective time.Time) unionsv1.ExitTreaty {
	t := unionsv1.ExitTreaty{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, CreationTimestamp: metav1.NewTime(created)}}
	t.Spec.Union = unionsv1.UnionReference{Kind: unionsv1.KindAlliance, Name: "blue"}
	t.Status.Phase = phase
	t.Status.EffectiveAt = tp(effective)
	var chain []audit.Entry
	for _, ev := range []string{"Proposed", "CoolingOff", "Effective"} {
		chain, _ = audit.Append(chain, created, ev, "")
	}
	t.Status.Audit = audit.ToStatus(chain)
	return t
}

func TestWantsFinalizer(t *testing.T) {
	coalition := &unionsv1.Coalition{}
	tests := []struct {
		name     string
		u        unionsv1.Union
		standing unionsv1.Standing
		want     bool
	}{
		{"no union", nil, unionsv1.StandingActive, false},
		{"alliance member (24h default cool-off)", alliance(), unionsv1.StandingActive, true},
		{"member cooling off", alliance(), unionsv1.StandingCoolingOff, true},
		{"not a member", alliance(), unionsv1.StandingPending, false},
		{"separated", alliance(), unionsv1.StandingSeparated, false},
		{"coalition without cool-off or mediators", coalition, unionsv1.StandingActive, false},
		{"alliance with zero cool-off", alliance(func(a *unionsv1.Alliance) {
			a.Spec.Separation.CoolOff = &metav1.Duration{}
		}), unionsv1.StandingActive, false},
		{"zero cool-off but mediators", alliance(func(a *unionsv1.Alliance) {
			a.Spec.Separation.CoolOff = &metav1.Duration{}
			a.Spec.Separation.Mediators = []string{"med"}
		}), unionsv1.StandingActive, true},
		{"union being deleted", alliance(func(a *unionsv1.Alliance) { a.DeletionTimestamp = tp(t0) }), unionsv1.StandingActive, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := WantsFinalizer(tt.u, tt.standing); got != tt.want {
				t.Errorf("WantsFinalizer = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestGoverning(t *testing.T) {
	m := member("team-a", t0, unionsv1.StandingActive)
	recorded := unionsv1.FormerMember{Namespace: "team-a", ExitTreaty: "deleted", EffectiveAt: tp(t0.Add(30 * time.Hour)), MembershipUID: m.UID}
	tests := []struct {
		name     string
		treaties []unionsv1.ExitTreaty
		former   []unionsv1.FormerMember
		want     string
	}{
		{"none", nil, nil, ""},
		{"proposed does not govern", []unionsv1.ExitTreaty{treaty("team-a", "p", t0, unionsv1.TreatyProposed, time.Time{})}, nil, ""},
		{"cooling off governs", []unionsv1.ExitTreaty{treaty("team-a", "c", t0, unionsv1.TreatyCoolingOff, t0.Add(time.Hour))}, nil, "c"},
		{"other namespace", []unionsv1.ExitTreaty{treaty("team-b", "c", t0, unionsv1.TreatyCoolingOff, t0.Add(time.Hour))}, nil, ""},
		{"filed before the membership", []unionsv1.ExitTreaty{treaty("team-a", "old", t0.Add(-time.Hour), unionsv1.TreatyEffective, t0.Add(-time.Minute))}, nil, ""},
		{"newest effective", []unionsv1.ExitTreaty{
			treaty("team-a", "first", t0, unionsv1.TreatyEffective, t0.Add(time.Hour)),
			treaty("team-a", "second", t0.Add(time.Minute), unionsv1.TreatyEffective, t0.Add(48*time.Hour)),
			treaty("team-a", "withdrawn", t0, unionsv1.TreatyWithdrawn, time.Time{}),
		}, nil, "second"},
		{"cooling off wins over effective", []unionsv1.ExitTreaty{
			treaty("team-a", "first", t0, unionsv1.TreatyEffective, t0.Add(time.Hour)),
			treaty("team-a", "again", t0.Add(time.Minute), unionsv1.TreatyCoolingOff, t0.Add(48*time.Hour)),
		}, []unionsv1.FormerMember{recorded}, "again"},
		{"the union's record outlives a deleted treaty", nil, []unionsv1.FormerMember{recorded}, "deleted"},
		{"the latest of treaty and record", []unionsv1.ExitTreaty{treaty("team-a", "first", t0, unionsv1.TreatyEffective, t0.Add(time.Hour))},
			[]unionsv1.FormerMember{recorded}, "deleted"},
		{"a record of another Membership", nil, []unionsv1.FormerMember{{Namespace: "team-a", ExitTreaty: "x", EffectiveAt: tp(t0), MembershipUID: "other"}}, ""},
		{"a unilateral record does not separate", nil, []unionsv1.FormerMember{{Namespace: "team-a", EffectiveAt: tp(t0), Unilateral: true, MembershipUID: m.UID}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Governing(&m, tt.treaties, tt.former)
			name := ""
			if got != nil {
				name = got.Treaty
			}
			if name != tt.want {
				t.Errorf("Governing = %q, want %q", name, tt.want)
			}
		})
	}
}

func TestUnilateral(t *testing.T) {
	u := alliance()
	effective := treaty("team-a", "leave", t0.Add(time.Minute), unionsv1.TreatyEffective, t0.Add(24*time.Hour))
	rejoined := member("team-a", t0, unionsv1.StandingActive)
	rejoined.Status.ActiveSince = tp(t0.Add(40 * time.Hour))
	withRecord := alliance(func(a *unionsv1.Alliance) {
		a.Status.FormerMembers = []unionsv1.FormerMember{{Namespace: "team-a", ExitTreaty: "gone", EffectiveAt: tp(t0.Add(24 * time.Hour)), MembershipUID: "uid-team-a"}}
	})
	tests := []struct {
		name     string
		m        unionsv1.Membership
		u        unionsv1.Union
		treaties []unionsv1.ExitTreaty
		want     bool
	}{
		{"active member of an alliance", member("team-a", t0, unionsv1.StandingActive), u, nil, true},
		{"member cooling off", member("team-a", t0, unionsv1.StandingCoolingOff), u, nil, true},
		{"never admitted", member("team-a", t0, unionsv1.StandingPending), u, nil, false},
		{"separated", member("team-a", t0, unionsv1.StandingSeparated), u, nil, false},
		{"union needs no treaty", member("team-a", t0, unionsv1.StandingActive), &unionsv1.Coalition{}, nil, false},
		{"no union", member("team-a", t0, unionsv1.StandingActive), nil, nil, false},
		{"effective treaty, standing not yet updated", member("team-a", t0, unionsv1.StandingCoolingOff), u,
			[]unionsv1.ExitTreaty{effective}, false},
		{"rejoined after the treaty", rejoined, u, []unionsv1.ExitTreaty{effective}, true},
		{"separated by a treaty since deleted", member("team-a", t0, unionsv1.StandingCoolingOff), withRecord, nil, false},
		{"rejoined after a treaty since deleted", rejoined, withRecord, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Unilateral(&tt.m, tt.u, tt.treaties); got != tt.want {
				t.Errorf("Unilateral = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFormerMembers(t *testing.T) {
	now := t0.Add(100 * time.Hour)
	leave := treaty("team-a", "leave", t0, unionsv1.TreatyEffective, t0.Add(24*time.Hour))
	cooling := treaty("team-b", "later", t0, unionsv1.TreatyCoolingOff, t0.Add(24*time.Hour))
	tampered := treaty("team-c", "forged", t0, unionsv1.TreatyEffective, t0.Add(30*time.Hour))
	tampered.Status.Audit[0].Detail = "edited"
	gone := deleting(member("team-d", t0, unionsv1.StandingActive))
	pending := deleting(member("team-e", t0, unionsv1.StandingPending))
	noFinalizer := deleting(member("team-f", t0, unionsv1.StandingActive))
	noFinalizer.Finalizers = nil

	separated := member("team-a", t0.Add(-time.Hour), unionsv1.StandingSeparated)
	u := alliance()
	former, added := FormerMembers(u, []unionsv1.ExitTreaty{leave, cooling, tampered},
		[]unionsv1.Membership{gone, pending, noFinalizer, member("team-g", t0, unionsv1.StandingActive), separated}, now)
	want := []unionsv1.FormerMember{
		{Namespace: "team-a", ExitTreaty: "leave", EffectiveAt: tp(t0.Add(24 * time.Hour)), Digest: leave.Status.Audit[2].Digest, MembershipUID: separated.UID},
		{Namespace: "team-d", EffectiveAt: tp(now), Unilateral: true, MembershipUID: gone.UID},
	}
	if fmt.Sprint(former) != fmt.Sprint(want) || len(added) != 2 {
		t.Fatalf("FormerMembers = %v (added %d), want %v (added 2)", former, len(added), want)
	}

	// A second pass records nothing new, even later, and keeps the recorded digest.
	u.Status.FormerMembers = former
	leave.Status.Audit[2].Digest = "rewritten"
	again, added := FormerMembers(u, []unionsv1.ExitTreaty{leave}, []unionsv1.Membership{gone}, now.Add(time.Hour))
	if fmt.Sprint(again) != fmt.Sprint(want) || len(added) != 0 {
		t.Errorf("second pass: got %v (added %v)", again, added)
	}
}

func TestFormerMembersIsBounded(t *testing.T) {
	u := alliance()
	for i := range MaxFormerMembers {
		u.Status.FormerMembers = append(u.Status.FormerMembers, unionsv1.FormerMember{
			Namespace: fmt.Sprintf("ns-%d", i), ExitTreaty: "leave", EffectiveAt: tp(t0.Add(time.Duration(i) * time.Hour))})
	}
	newest := treaty("ns-new", "leave", t0, unionsv1.TreatyEffective, t0.Add(1000*time.Hour))
	former, added := FormerMembers(u, []unionsv1.ExitTreaty{newest}, nil, t0)
	if len(former) != MaxFormerMembers || former[0].Namespace != "ns-1" || former[len(former)-1].Namespace != "ns-new" {
		t.Errorf("bounded list = %d entries from %s to %s", len(former), former[0].Namespace, former[len(former)-1].Namespace)
	}
	if len(added) != 1 || added[0].Namespace != "ns-new" {
		t.Errorf("added = %v, want the new treaty only", added)
	}

	// An exit older than every kept record is not added (and not reported).
	u.Status.FormerMembers = former
	old := treaty("ns-old", "leave", t0, unionsv1.TreatyEffective, t0.Add(-time.Hour))
	former2, added := FormerMembers(u, []unionsv1.ExitTreaty{old}, nil, t0)
	if fmt.Sprint(former2) != fmt.Sprint(former) || len(added) != 0 {
		t.Errorf("older exit: added %v", added)
	}
}

func TestEligibleAt(t *testing.T) {
	now := t0.Add(200 * time.Hour)
	leave := treaty("team-a", "leave", t0, unionsv1.TreatyEffective, t0.Add(24*time.Hour))
	leave.Status.ReintegrationEligibleAt = tp(t0.Add(34 * time.Hour))
	tests := []struct {
		name        string
		ns          string
		former      []unionsv1.FormerMember
		treaties    []unionsv1.ExitTreaty
		memberships []unionsv1.Membership
		want        time.Time
	}{
		{"never left", "team-a", nil, nil, nil, time.Time{}},
		{"effective treaty", "team-a", nil, []unionsv1.ExitTreaty{leave}, nil, t0.Add(34 * time.Hour)},
		{"other namespace's treaty", "team-b", nil, []unionsv1.ExitTreaty{leave}, nil, time.Time{}},
		{"recorded treaty exit, treaty deleted", "team-a", []unionsv1.FormerMember{
			{Namespace: "team-a", ExitTreaty: "leave", EffectiveAt: tp(t0)}}, nil, nil, t0.Add(10 * time.Hour)},
		{"unilateral exit waits twice as long", "team-a", []unionsv1.FormerMember{
			{Namespace: "team-a", EffectiveAt: tp(t0), Unilateral: true, MembershipUID: "x"}}, nil, nil, t0.Add(20 * time.Hour)},
		{"latest wins", "team-a", []unionsv1.FormerMember{
			{Namespace: "team-a", EffectiveAt: tp(t0), Unilateral: true, MembershipUID: "x"}}, []unionsv1.ExitTreaty{leave}, nil, t0.Add(34 * time.Hour)},
		{"unilateral exit not yet recorded", "team-a", nil, nil,
			[]unionsv1.Membership{deleting(member("team-a", t0, unionsv1.StandingActive))}, now.Add(20 * time.Hour)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := alliance()
			u.Status.FormerMembers = tt.former
			if got := EligibleAt(tt.ns, u, tt.treaties, tt.memberships, now); !got.Equal(tt.want) {
				t.Errorf("EligibleAt = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestChainRoundTrip(t *testing.T) {
	var chain []audit.Entry
	chain, _ = audit.Append(chain, t0, "Proposed", "leave")
	chain, _ = audit.Append(chain, t0.Add(time.Hour), "CoolingOff", "until later")
	back := audit.FromStatus(audit.ToStatus(chain))
	if err := audit.Verify(back); err != nil || audit.Head(back) != audit.Head(chain) {
		t.Errorf("round trip: %v, head %s vs %s", err, audit.Head(back), audit.Head(chain))
	}
	if audit.ToStatus(nil) != nil {
		t.Errorf("audit.ToStatus(nil) should be nil")
	}
}

func TestRecordedOnlyCountsUnilateralExits(t *testing.T) {
	m := member("team-a", t0, unionsv1.StandingActive)
	byTreaty := []unionsv1.FormerMember{{Namespace: "team-a", ExitTreaty: "leave", EffectiveAt: tp(t0), MembershipUID: m.UID}}
	if Recorded(byTreaty, &m) {
		t.Errorf("a treaty exit of the same Membership is no record of its deletion")
	}
	unilateral := []unionsv1.FormerMember{{Namespace: "team-a", EffectiveAt: tp(t0), Unilateral: true, MembershipUID: m.UID}}
	if !Recorded(unilateral, &m) {
		t.Errorf("the unilateral exit of the Membership is its record")
	}
}

func TestSpokenFor(t *testing.T) {
	tr := treaty("team-a", "leave", t0, unionsv1.TreatyProposed, time.Time{})
	old := member("team-a", t0.Add(-2*time.Hour), unionsv1.StandingRejected)
	old.Name = "dup"
	active := member("team-a", t0.Add(-time.Hour), unionsv1.StandingActive)
	later := member("team-a", t0.Add(time.Hour), unionsv1.StandingActive)
	later.Name = "later"
	gone := deleting(member("team-a", t0.Add(-3*time.Hour), unionsv1.StandingActive))
	gone.Name = "gone"
	other := member("team-b", t0.Add(-time.Hour), unionsv1.StandingActive)
	tests := []struct {
		name string
		ms   []unionsv1.Membership
		want string
	}{
		{"none", nil, ""},
		{"another namespace", []unionsv1.Membership{other}, ""},
		{"filed after the treaty", []unionsv1.Membership{later}, ""},
		{"the member over an older duplicate", []unionsv1.Membership{old, active, later}, "join"},
		{"a live one over a deleted one", []unionsv1.Membership{gone, old}, "dup"},
		{"a deleted one when nothing else", []unionsv1.Membership{gone}, "gone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SpokenFor(&tr, tt.ms)
			name := ""
			if got != nil {
				name = got.Name
			}
			if name != tt.want {
				t.Errorf("SpokenFor = %q, want %q", name, tt.want)
			}
		})
	}
}
