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

// Package mediation is the one rule of how mediators decide an ExitTreaty:
// who mediates (a mediator namespace of the union, never the leaving one),
// while when (the treaty is not yet past mediation) and what their Ballots
// decide (an Against from any mediator rejects, else a For approves). The
// ExitTreaty controller applies it and the Ballot controller reports it. It
// is pure.
package mediation

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/governance"
)

// Verdict is a mediator's decisive Ballot on a treaty.
type Verdict struct {
	// Approve is true for For, false for Against.
	Approve bool
	// Ballot is namespace/name of the Ballot.
	Ballot string
}

// Open reports whether a treaty still takes mediators' Ballots: it has not
// gone past mediation.
func Open(t *unionsv1.ExitTreaty) bool {
	switch t.Status.Phase {
	case "", unionsv1.TreatyProposed, unionsv1.TreatyMediation:
		return true
	}
	return false
}

// Mediates says whether a Ballot filed in namespace speaks as a mediator of
// treaty t, under the union's mediators; when it does not, why not.
func Mediates(namespace string, t *unionsv1.ExitTreaty, mediators []string) (bool, string) {
	ref := t.Spec.Union.String()
	switch {
	case namespace == t.Namespace:
		return false, fmt.Sprintf("namespace %s is the one leaving %s: it does not mediate its own exit", namespace, ref)
	case !slices.Contains(mediators, namespace):
		names := "none"
		if len(mediators) > 0 {
			names = strings.Join(mediators, ", ")
		}
		return false, fmt.Sprintf("namespace %s is not a mediator of %s (mediators: %s): its ballot does not count", namespace, ref, names)
	}
	return true, ""
}

// Decide returns the mediators' decisive verdict on t among the Ballots on
// it, or nil while there is none: an Against from any mediator rejects the
// treaty, else a For from any mediator approves it; Abstain decides nothing.
// Ballots are read in a fixed order (namespace, then name), so every
// reconcile decides alike.
func Decide(t *unionsv1.ExitTreaty, mediators []string, ballots []unionsv1.Ballot) *Verdict {
	sorted := slices.Clone(ballots)
	slices.SortFunc(sorted, func(a, b unionsv1.Ballot) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	var approval *Verdict
	for _, b := range sorted {
		// An approval binds to the treaty object it was given on: a treaty
		// deleted and filed again under the same name starts with none.
		if ok, _ := Mediates(b.Namespace, t, mediators); !ok || b.DeletionTimestamp != nil || !governance.BoundTo(&b, t.UID, t.CreationTimestamp) {
			continue
		}
		switch b.Spec.Choice {
		case unionsv1.ChoiceAgainst:
			return &Verdict{Approve: false, Ballot: b.Namespace + "/" + b.Name}
		case unionsv1.ChoiceFor:
			if approval == nil {
				approval = &Verdict{Approve: true, Ballot: b.Namespace + "/" + b.Name}
			}
		}
	}
	return approval
}
