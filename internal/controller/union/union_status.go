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
	"cmp"
	"slices"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

// MaxListed bounds the members a union's status lists.
const MaxListed = 100

// Summarize reports the Memberships naming a union: one entry per namespace
// (its badged Membership if any, else one not Rejected, as a second
// Membership of a namespace is a Duplicate; badged members first, then by
// namespace; at most MaxListed), the number of badged members and of their
// badged agents. Once the union has ended (ended: a coalition's deadline or
// dissolution, a federation's dissolution), every Membership is reported
// Ended but those Rejected, as its own reconcile is about to record
// (admission decides Ended for an ended union after its rejections): the
// union's status tells of its end in one write rather than once more as
// each Membership follows.
func Summarize(ms []unionsv1.Membership, ended bool) (members []unionsv1.MemberStatus, memberCount, agentCount int32) {
	byNamespace := map[string]int{}
	for i := range ms {
		m := &ms[i]
		if m.DeletionTimestamp != nil {
			continue
		}
		entry := unionsv1.MemberStatus{Namespace: m.Namespace, Standing: cmp.Or(m.Status.Standing, unionsv1.StandingPending)}
		if ended && entry.Standing != unionsv1.StandingRejected {
			entry.Standing = unionsv1.StandingEnded
		}
		if entry.Standing.Badged() {
			memberCount++
			agentCount += m.Status.AgentCount
			entry.Agents = m.Status.AgentCount
			entry.Role = unionsv1.RoleMember
			entry.Since = m.Status.ActiveSince
		}
		if j, seen := byNamespace[m.Namespace]; seen {
			if rank(entry.Standing) > rank(members[j].Standing) {
				members[j] = entry
			}
			continue
		}
		byNamespace[m.Namespace] = len(members)
		members = append(members, entry)
	}
	slices.SortFunc(members, func(a, b unionsv1.MemberStatus) int {
		if a.Standing.Badged() != b.Standing.Badged() {
			if a.Standing.Badged() {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.Namespace, b.Namespace)
	})
	return members[:min(len(members), MaxListed)], memberCount, agentCount
}

// rank orders the standings of one namespace's Memberships for its entry:
// badged, then any other but Rejected, then Rejected.
func rank(s unionsv1.Standing) int {
	switch {
	case s.Badged():
		return 2
	case s != unionsv1.StandingRejected:
		return 1
	}
	return 0
}

// Badged reports whether a Membership naming the union still records a
// badged standing (Membership.Badged): its own reconcile has not yet
// followed the union's end.
func Badged(ms []unionsv1.Membership) bool {
	for i := range ms {
		if ms[i].Badged() {
			return true
		}
	}
	return false
}

// MemberChanges returns the namespaces that became badged members and those
// that stopped being members between two member lists, each sorted. It
// reports nothing when either list is cut at its bound (a longer list would
// show as members leaving).
func MemberChanges(before []unionsv1.MemberStatus, beforeCount int32, after []unionsv1.MemberStatus, afterCount int32) (joined, left []string) {
	was, is := badgedNamespaces(before), badgedNamespaces(after)
	if int32(len(was)) != beforeCount || int32(len(is)) != afterCount {
		return nil, nil
	}
	for ns := range is {
		if !was[ns] {
			joined = append(joined, ns)
		}
	}
	for ns := range was {
		if !is[ns] {
			left = append(left, ns)
		}
	}
	slices.Sort(joined)
	slices.Sort(left)
	return joined, left
}

func badgedNamespaces(members []unionsv1.MemberStatus) map[string]bool {
	out := map[string]bool{}
	for _, m := range members {
		if m.Standing.Badged() {
			out[m.Namespace] = true
		}
	}
	return out
}
