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

// Package separation holds the rules of leaving a union that the ExitTreaty,
// Membership and union controllers share: which Membership a treaty speaks
// for, when a deletion is a unilateral exit, the union's record of former
// members, and when a namespace that left may rejoin. It is pure.
//
// Time has two sources here and they are never compared with each other: the
// API server stamps creation and deletion, the operator's clock stamps
// everything the operator decides (audit entries, effectiveAt, exits
// recorded). Creation timestamps are only compared with creation timestamps.
package separation

import (
	"cmp"
	"slices"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/audit"
)

// ExitFinalizer holds a Membership of a union that needs a treaty to leave,
// so that its deletion is recorded (as a unilateral exit, when it is one) even
// if the operator was down when it was deleted.
const ExitFinalizer = "unions.kos.dev/exit"

// MaxFormerMembers bounds a union's status.formerMembers (newest kept).
const MaxFormerMembers = 100

// UnilateralFactor multiplies the re-integration wait after a unilateral exit.
const UnilateralFactor = 2

// WantsFinalizer reports whether a Membership in this standing needs the exit
// finalizer: it is a member (badged) of a union that needs a treaty to leave.
func WantsFinalizer(u unionsv1.Union, s unionsv1.Standing) bool {
	return u != nil && u.GetDeletionTimestamp() == nil && unionsv1.NeedsTreaty(u) && s.Badged()
}

// SpeaksFor reports whether treaty t concerns Membership m: same namespace
// and union, and m was filed no later than t (a treaty never binds a
// Membership filed after it, such as a later request to rejoin).
func SpeaksFor(t *unionsv1.ExitTreaty, m *unionsv1.Membership) bool {
	return t.Namespace == m.Namespace && t.Spec.Union == m.Spec.Union &&
		!m.CreationTimestamp.After(t.CreationTimestamp.Time)
}

// SpokenFor picks, among Memberships, the one treaty t speaks for: filed in
// its namespace for its union no later than it, preferring one that is not
// being deleted, then a member (badged, or separated), then the oldest; nil
// when there is none.
func SpokenFor(t *unionsv1.ExitTreaty, ms []unionsv1.Membership) *unionsv1.Membership {
	rank := func(m *unionsv1.Membership) int {
		r := 0
		if m.DeletionTimestamp == nil {
			r += 2
		}
		if m.Status.Standing.Badged() || m.Status.Standing == unionsv1.StandingSeparated {
			r++
		}
		return r
	}
	var best *unionsv1.Membership
	for i := range ms {
		m := &ms[i]
		if !SpeaksFor(t, m) {
			continue
		}
		if best == nil || rank(m) > rank(best) ||
			rank(m) == rank(best) && m.CreationTimestamp.Before(&best.CreationTimestamp) {
			best = m
		}
	}
	return best
}

// Exit is an exit as far as a Membership's standing is concerned.
type Exit struct {
	// Treaty names the ExitTreaty.
	Treaty string
	// Effective is true once the exit took effect, false while it cools off.
	Effective bool
	// EffectiveAt is when the exit takes (or took) effect.
	EffectiveAt time.Time
}

// Governing returns the exit that governs m's standing: the treaty cooling
// off for it, or else the latest Effective exit that separated it, whether
// its treaty still exists or only the union's record of it (former) does;
// nil when none does.
func Governing(m *unionsv1.Membership, treaties []unionsv1.ExitTreaty, former []unionsv1.FormerMember) *Exit {
	for i := range treaties {
		if t := &treaties[i]; t.Status.Phase == unionsv1.TreatyCoolingOff && SpeaksFor(t, m) {
			return &Exit{Treaty: t.Name, EffectiveAt: effectiveAt(t)}
		}
	}
	var latest *Exit
	for _, x := range effectiveExits(m, treaties, former) {
		if latest == nil || latest.EffectiveAt.Before(x.EffectiveAt) {
			latest = &x
		}
	}
	return latest
}

// effectiveExits lists the Effective exits that separated m: its Effective
// treaties, and the union's records of treaty exits naming m.
func effectiveExits(m *unionsv1.Membership, treaties []unionsv1.ExitTreaty, former []unionsv1.FormerMember) []Exit {
	var out []Exit
	for i := range treaties {
		if t := &treaties[i]; t.Status.Phase == unionsv1.TreatyEffective && SpeaksFor(t, m) {
			out = append(out, Exit{Treaty: t.Name, Effective: true, EffectiveAt: effectiveAt(t)})
		}
	}
	for _, f := range former {
		if !f.Unilateral && f.Proposal == "" && f.MembershipUID != "" && f.MembershipUID == m.UID && f.Namespace == m.Namespace {
			out = append(out, Exit{Treaty: f.ExitTreaty, Effective: true, EffectiveAt: unionsv1.TimeOf(f.EffectiveAt)})
		}
	}
	return out
}

// Unilateral reports whether the deletion of m is a unilateral exit from u:
// the union needs a treaty to leave, m was a member when it was deleted, and
// no Effective treaty separated it (one that took effect after m last became
// a member: a member that rejoined after an exit and then leaves without a
// new treaty leaves unilaterally).
func Unilateral(m *unionsv1.Membership, u unionsv1.Union, treaties []unionsv1.ExitTreaty) bool {
	if u == nil || !unionsv1.NeedsTreaty(u) || !m.Status.Standing.Badged() {
		return false
	}
	for _, x := range effectiveExits(m, treaties, u.Standing().FormerMembers) {
		if rejoined := m.Status.ActiveSince != nil && !m.Status.ActiveSince.Time.Before(x.EffectiveAt); !rejoined {
			return false
		}
	}
	return true
}

// Recorded reports whether the union's former members already record the
// deletion of m as a unilateral exit.
func Recorded(former []unionsv1.FormerMember, m *unionsv1.Membership) bool {
	return slices.ContainsFunc(former, func(f unionsv1.FormerMember) bool {
		return f.Unilateral && f.MembershipUID != "" && f.MembershipUID == m.UID
	})
}

// awaitsRecord reports whether m is a deletion the union must record as a
// unilateral exit and has not yet.
func awaitsRecord(m *unionsv1.Membership, u unionsv1.Union, treaties []unionsv1.ExitTreaty) bool {
	return m.DeletionTimestamp != nil && hasFinalizer(m) && Unilateral(m, u, treaties) &&
		!Recorded(u.Standing().FormerMembers, m)
}

func hasFinalizer(m *unionsv1.Membership) bool {
	return slices.Contains(m.Finalizers, ExitFinalizer)
}

// FormerMembers returns the union's record of former members brought up to
// date: every Effective treaty whose audit chain verifies, with its final
// digest, and every deletion of a Membership held by the exit finalizer that
// is a unilateral exit, dated now. Entries, once recorded, never change (the
// digest pins the chain as it was when the exit took effect). The list is
// sorted oldest first and keeps the newest MaxFormerMembers. added lists the
// entries that were not recorded before.
func FormerMembers(u unionsv1.Union, treaties []unionsv1.ExitTreaty, memberships []unionsv1.Membership, now time.Time) (former, added []unionsv1.FormerMember) {
	current := u.Standing().FormerMembers
	former = slices.Clone(current)
	for i := range treaties {
		t := &treaties[i]
		if t.Status.Phase != unionsv1.TreatyEffective || t.Status.EffectiveAt == nil {
			continue
		}
		if slices.ContainsFunc(former, func(f unionsv1.FormerMember) bool {
			return f.Namespace == t.Namespace && f.ExitTreaty == t.Name && f.EffectiveAt != nil && f.EffectiveAt.Equal(t.Status.EffectiveAt)
		}) {
			continue
		}
		chain := audit.FromStatus(t.Status.Audit)
		if audit.Verify(chain) != nil {
			continue // an exit is recorded with a chain that verifies, or not at all
		}
		entry := unionsv1.FormerMember{
			Namespace:   t.Namespace,
			ExitTreaty:  t.Name,
			EffectiveAt: t.Status.EffectiveAt.DeepCopy(),
			Digest:      audit.Head(chain),
		}
		if m := SpokenFor(t, memberships); m != nil {
			entry.MembershipUID = m.UID
		}
		former = append(former, entry)
	}
	at := metav1.NewTime(now.UTC().Truncate(time.Second))
	for i := range memberships {
		m := &memberships[i]
		if awaitsRecord(m, u, treaties) {
			former = append(former, unionsv1.FormerMember{
				Namespace:     m.Namespace,
				EffectiveAt:   &at,
				Unilateral:    true,
				MembershipUID: m.UID,
			})
		}
	}
	slices.SortStableFunc(former, func(a, b unionsv1.FormerMember) int {
		return cmp.Compare(unionsv1.TimeOf(a.EffectiveAt).UnixNano(), unionsv1.TimeOf(b.EffectiveAt).UnixNano())
	})
	former = former[max(len(former)-MaxFormerMembers, 0):]
	for _, f := range former {
		if !slices.ContainsFunc(current, func(c unionsv1.FormerMember) bool { return sameEntry(c, f) }) {
			added = append(added, f)
		}
	}
	if len(former) == 0 {
		former = nil
	}
	return former, added
}

func sameEntry(a, b unionsv1.FormerMember) bool {
	return a.Namespace == b.Namespace && a.ExitTreaty == b.ExitTreaty && a.MembershipUID == b.MembershipUID &&
		a.Proposal == b.Proposal && unionsv1.TimeOf(a.EffectiveAt).Equal(unionsv1.TimeOf(b.EffectiveAt))
}

// EligibleAt is the earliest time namespace may be a member of u again after
// leaving it; zero when it never left. It is the latest of: each Effective
// treaty's reintegrationEligibleAt, each former-member record plus the union's
// reintegrationAfter (twice that for a unilateral exit), and, for a unilateral
// exit not yet recorded, now plus twice the wait. treaties and memberships
// are those naming u, of any namespace.
func EligibleAt(namespace string, u unionsv1.Union, treaties []unionsv1.ExitTreaty, memberships []unionsv1.Membership, now time.Time) time.Time {
	wait := ReintegrationAfter(u)
	var at time.Time
	later := func(t time.Time) {
		if t.After(at) {
			at = t
		}
	}
	for i := range treaties {
		t := &treaties[i]
		if t.Namespace == namespace && t.Status.Phase == unionsv1.TreatyEffective {
			later(TreatyEligibleAt(t, wait))
		}
	}
	for _, f := range u.Standing().FormerMembers {
		// An expulsion imposes no wait: only a later Admit proposal ends it.
		if f.Namespace != namespace || f.EffectiveAt == nil || f.Proposal != "" {
			continue
		}
		if f.Unilateral {
			later(f.EffectiveAt.Add(UnilateralFactor * wait))
		} else {
			later(f.EffectiveAt.Add(wait))
		}
	}
	for i := range memberships {
		if m := &memberships[i]; m.Namespace == namespace && awaitsRecord(m, u, treaties) {
			later(now.Add(UnilateralFactor * wait))
		}
	}
	return at
}

// TreatyEligibleAt is when the namespace that left by an Effective treaty may
// rejoin: its recorded reintegrationEligibleAt, or effectiveAt plus wait.
func TreatyEligibleAt(t *unionsv1.ExitTreaty, wait time.Duration) time.Time {
	if t.Status.ReintegrationEligibleAt != nil {
		return t.Status.ReintegrationEligibleAt.Time
	}
	return effectiveAt(t).Add(wait)
}

// ReintegrationAfter is the union's re-integration wait (0 when unset).
func ReintegrationAfter(u unionsv1.Union) time.Duration {
	if d := u.Terms().Separation.ReintegrationAfter; d != nil {
		return d.Duration
	}
	return 0
}

func effectiveAt(t *unionsv1.ExitTreaty) time.Time { return unionsv1.TimeOf(t.Status.EffectiveAt) }
