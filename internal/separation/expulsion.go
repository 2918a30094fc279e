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
	"cmp"
	"slices"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

// Expulsion is a Passed Expel proposal, as the union's record of former
// members sees it: the union ends the namespace's membership as if by an
// immediate treaty.
type Expulsion struct {
	// Namespace expelled.
	Namespace string
	// Proposal is namespace/name of the Expel proposal.
	Proposal string
	// At is when the proposal was decided.
	At time.Time
}

// WithExpulsions adds the expulsions to a union's record of former members,
// each exactly once (keyed by its proposal), when the expelled namespace
// holds a Membership of the union that was a member (badged, or already
// ended by the expulsion); the entry names that Membership. An expulsion of
// a namespace that never was a member expels no one and is not recorded.
// The list stays sorted oldest first and keeps the newest MaxFormerMembers;
// added lists the entries recorded now.
func WithExpulsions(former []unionsv1.FormerMember, expulsions []Expulsion, memberships []unionsv1.Membership) (out, added []unionsv1.FormerMember) {
	out = slices.Clone(former)
	for _, x := range expulsions {
		if slices.ContainsFunc(former, func(f unionsv1.FormerMember) bool { return f.Proposal == x.Proposal && f.Namespace == x.Namespace }) {
			continue
		}
		m := expelledMembership(x.Namespace, memberships)
		if m == nil {
			continue
		}
		at := metav1.NewTime(x.At.UTC().Truncate(time.Second))
		entry := unionsv1.FormerMember{Namespace: x.Namespace, EffectiveAt: &at, Proposal: x.Proposal, MembershipUID: m.UID}
		out = append(out, entry)
		added = append(added, entry)
	}
	if len(added) == 0 {
		return former, nil
	}
	slices.SortStableFunc(out, func(a, b unionsv1.FormerMember) int {
		return cmp.Compare(unionsv1.TimeOf(a.EffectiveAt).UnixNano(), unionsv1.TimeOf(b.EffectiveAt).UnixNano())
	})
	out = out[max(len(out)-MaxFormerMembers, 0):]
	added = slices.DeleteFunc(added, func(a unionsv1.FormerMember) bool {
		return !slices.ContainsFunc(out, func(f unionsv1.FormerMember) bool { return sameEntry(a, f) })
	})
	return out, added
}

// expelledMembership is the namespace's oldest live Membership that was a
// member: badged, or ended.
func expelledMembership(namespace string, memberships []unionsv1.Membership) *unionsv1.Membership {
	var best *unionsv1.Membership
	for i := range memberships {
		m := &memberships[i]
		if m.Namespace != namespace || m.DeletionTimestamp != nil ||
			!m.Status.Standing.Badged() && m.Status.Standing != unionsv1.StandingEnded {
			continue
		}
		if best == nil || m.CreationTimestamp.Before(&best.CreationTimestamp) {
			best = m
		}
	}
	return best
}
