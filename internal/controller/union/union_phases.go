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
	"context"
	"time"

	corev1 "k8s.io/api/core/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/governance"
	"github.com/kos-dev/union-operator/internal/index"
	"github.com/kos-dev/union-operator/internal/liveness"
	"github.com/kos-dev/union-operator/internal/separation"
)

// +kubebuilder:rbac:groups=unions.kos.dev,resources=exittreaties,verbs=list;watch
// +kubebuilder:rbac:groups=unions.kos.dev,resources=proposals,verbs=list;watch

// recordExits brings the union's formerMembers up to date: the reconciler is
// the one writer of union status, so it records the exits that
// ExitTreaties made Effective, the unilateral exits of deleted Memberships
// that the exit finalizer holds until they are on record, and the
// expulsions that Passed Expel proposals decided. It returns the exits
// recorded now.
func (r *Reconciler[T]) recordExits(ctx context.Context, u T, s *Scope) ([]unionsv1.FormerMember, error) {
	treaties, err := index.ExitTreatiesOf(ctx, r, unionsv1.Reference(u), "")
	if err != nil {
		return nil, err
	}
	var added, expelled []unionsv1.FormerMember
	u.Standing().FormerMembers, added = separation.FormerMembers(u, treaties, s.Memberships, s.Now)
	u.Standing().FormerMembers, expelled = separation.WithExpulsions(u.Standing().FormerMembers, expulsions(u.Standing().Decisions), s.Memberships)
	return append(added, expelled...), nil
}

// expulsions are the union's Passed Expel decisions.
func expulsions(record []unionsv1.DecisionRecord) []separation.Expulsion {
	var out []separation.Expulsion
	for _, d := range governance.Passed(record, unionsv1.ActionExpel) {
		out = append(out, separation.Expulsion{Namespace: d.Namespace, Proposal: d.Proposal, At: d.DecidedAt.Time})
	}
	return out
}

// announceMembers emits an Event on the union for each namespace that just
// became a member, and for each that stopped being one without an exit of
// record (those have announceExits's Event).
// The end of the union ends every membership: its own Event says so, once.
func (r *Reconciler[T]) announceMembers(u T, before *unionsv1.UnionStatus, exits []unionsv1.FormerMember, now time.Time) {
	after := u.Standing()
	joined, left := MemberChanges(before.Members, before.MemberCount, after.Members, after.MemberCount)
	if liveness.Ended(u, now) != nil {
		left = nil
	}
	for _, ns := range joined {
		r.Recorder.Eventf(u, nil, corev1.EventTypeNormal, "MemberJoined", "Admit", "Namespace %s joined", ns)
	}
	recorded := map[string]bool{}
	for _, f := range exits {
		recorded[f.Namespace] = true
	}
	for _, ns := range left {
		if !recorded[ns] {
			r.Recorder.Eventf(u, nil, corev1.EventTypeNormal, "MemberLeft", "Leave", "Namespace %s is no longer a member", ns)
		}
	}
}

// announceExits emits an Event on the union for each exit just recorded.
func (r *Reconciler[T]) announceExits(u T, exits []unionsv1.FormerMember) {
	for _, f := range exits {
		at := f.EffectiveAt.UTC().Format(time.RFC3339)
		if f.Proposal != "" {
			r.Recorder.Eventf(u, nil, corev1.EventTypeWarning, "MemberExpelled", "Expel",
				"Namespace %s was expelled by Proposal %s at %s; only a later Admit proposal re-admits it", f.Namespace, f.Proposal, at)
			continue
		}
		if f.Unilateral {
			r.Recorder.Eventf(u, nil, corev1.EventTypeWarning, "UnilateralExit", "Leave",
				"Namespace %s left without an Effective ExitTreaty at %s; it may rejoin after twice the re-integration wait", f.Namespace, at)
			continue
		}
		r.Recorder.Eventf(u, nil, corev1.EventTypeNormal, "MemberSeparated", "Leave",
			"Namespace %s left by ExitTreaty %s at %s (final digest %s)", f.Namespace, f.ExitTreaty, at, f.Digest)
	}
}
