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

package union

import (
	"slices"
	"testing"

	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

func membership(ns, name string, standing unionsv1.Standing, agents int32) unionsv1.Membership {
	m := unionsv1.Membership{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	m.Status.Standing = standing
	m.Status.AgentCount = agents
	return m
}

func TestSummarize(t *testing.T) {
	deleting := membership("team-z", "gone", unionsv1.StandingActive, 9)
	deleting.DeletionTimestamp = &metav1.Time{}
	ms := []unionsv1.Membership{
		membership("team-c", "a", unionsv1.StandingPending, 0),
		membership("team-b", "a", unionsv1.StandingActive, 3),
		membership("team-a", "a", unionsv1.StandingCoolingOff, 2),
		membership("team-b", "dup", unionsv1.StandingRejected, 0),
		membership("team-d", "a", "", 0),
		deleting,
	}
	members, count, agents := Summarize(ms, false)
	if count != 2 || agents != 5 {
		t.Errorf("counts = %d members, %d agents; want 2, 5", count, agents)
	}
	want := []struct {
		ns       string
		standing unionsv1.Standing
	}{
		{"team-a", unionsv1.StandingCoolingOff},
		{"team-b", unionsv1.StandingActive},
		{"team-c", unionsv1.StandingPending},
		{"team-d", unionsv1.StandingPending},
	}
	if len(members) != len(want) {
		t.Fatalf("members = %+v, want %d entries", members, len(want))
	}
	for i, w := range want {
		if members[i].Namespace != w.ns || members[i].Standing != w.standing {
			t.Errorf("members[%d] = %s/%s, want %s/%s", i, members[i].Namespace, members[i].Standing, w.ns, w.standing)
		}
	}
}

// An ended union reports every member Ended at once (as their Memberships
// are about to), but those Rejected on other grounds; none is counted.
func TestSummarizeEnded(t *testing.T) {
	deleting := membership("team-z", "gone", unionsv1.StandingActive, 9)
	deleting.DeletionTimestamp = &metav1.Time{}
	ms := []unionsv1.Membership{
		membership("team-a", "dup", unionsv1.StandingRejected, 0), // listed first: the member still shows
		membership("team-a", "a", unionsv1.StandingActive, 3),
		membership("team-b", "a", unionsv1.StandingCoolingOff, 2),
		membership("team-c", "a", unionsv1.StandingPending, 0),
		membership("team-d", "a", unionsv1.StandingRejected, 0),
		deleting,
	}
	members, count, agents := Summarize(ms, true)
	if count != 0 || agents != 0 {
		t.Errorf("counts = %d members, %d agents; want 0, 0", count, agents)
	}
	want := []unionsv1.MemberStatus{
		{Namespace: "team-a", Standing: unionsv1.StandingEnded},
		{Namespace: "team-b", Standing: unionsv1.StandingEnded},
		{Namespace: "team-c", Standing: unionsv1.StandingEnded},
		{Namespace: "team-d", Standing: unionsv1.StandingRejected},
	}
	if !equality.Semantic.DeepEqual(members, want) {
		t.Errorf("members = %+v, want %+v", members, want)
	}
	if !Badged(ms) {
		t.Error("Badged = false while team-a's Membership still records Active")
	}
	if Badged([]unionsv1.Membership{deleting, membership("team-e", "a", unionsv1.StandingEnded, 0)}) {
		t.Error("Badged = true with only a deleting and an Ended Membership")
	}
}

func TestSummarizeIsBounded(t *testing.T) {
	var ms []unionsv1.Membership
	for i := range 250 {
		ms = append(ms, membership("ns-"+string(rune('a'+i%26))+string(rune('a'+i/26)), "m", unionsv1.StandingActive, 1))
	}
	members, count, agents := Summarize(ms, false)
	if len(members) != MaxListed || count != 250 || agents != 250 {
		t.Errorf("len(members)=%d count=%d agents=%d; want %d, 250, 250", len(members), count, agents, MaxListed)
	}
}

func TestMemberChanges(t *testing.T) {
	member := func(ns string, s unionsv1.Standing) unionsv1.MemberStatus {
		return unionsv1.MemberStatus{Namespace: ns, Standing: s}
	}
	a, b, c := member("a", unionsv1.StandingActive), member("b", unionsv1.StandingCoolingOff), member("c", unionsv1.StandingActive)
	cases := []struct {
		name                 string
		before               []unionsv1.MemberStatus
		beforeCount          int32
		after                []unionsv1.MemberStatus
		afterCount           int32
		wantJoined, wantLeft []string
	}{
		{"first member", nil, 0, []unionsv1.MemberStatus{a}, 1, []string{"a"}, nil},
		{"one joins, one leaves", []unionsv1.MemberStatus{a, b}, 2, []unionsv1.MemberStatus{a, c}, 2, []string{"c"}, []string{"b"}},
		{"cooling off is still a member", []unionsv1.MemberStatus{a}, 1, []unionsv1.MemberStatus{member("a", unionsv1.StandingCoolingOff)}, 1, nil, nil},
		{"pending is not a member yet", nil, 0, []unionsv1.MemberStatus{member("p", unionsv1.StandingPending)}, 0, nil, nil},
		{"rejected leaves", []unionsv1.MemberStatus{a}, 1, []unionsv1.MemberStatus{member("a", unionsv1.StandingRejected)}, 0, nil, []string{"a"}},
		{"a list cut at its bound tells nothing", []unionsv1.MemberStatus{a}, 150, []unionsv1.MemberStatus{c}, 150, nil, nil},
	}
	for _, tc := range cases {
		joined, left := MemberChanges(tc.before, tc.beforeCount, tc.after, tc.afterCount)
		if !slices.Equal(joined, tc.wantJoined) || !slices.Equal(left, tc.wantLeft) {
			t.Errorf("%s: joined %v left %v, want %v %v", tc.name, joined, left, tc.wantJoined, tc.wantLeft)
		}
	}
}
