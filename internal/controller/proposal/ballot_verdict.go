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

package proposal

import (
	"fmt"

	"k8s.io/apimachinery/pkg/types"

	"k8s.io/apimachinery/pkg/api/meta"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/conditions"
)

// Reasons of a Ballot's Ready condition.
const (
	// ReasonCounted: the ballot counts (Ready True).
	ReasonCounted = "Counted"
	// ReasonDuplicate: the namespace holds an older Ballot on the same Proposal.
	ReasonDuplicate = "Duplicate"
	// ReasonSubjectNotFound: the Proposal or ExitTreaty voted on does not exist.
	ReasonSubjectNotFound = "SubjectNotFound"
	// ReasonClosed: the subject was decided before the ballot (or its
	// latest change) was counted.
	ReasonClosed = "Closed"
	// ReasonSubjectReplaced: the subject of that name is not the object the
	// ballot was cast on (it was deleted and filed again since, or the
	// ballot was cast before it existed).
	ReasonSubjectReplaced = "SubjectReplaced"
)

// ballotFacts are what a Ballot's verdict depends on.
type ballotFacts struct {
	ballot *unionsv1.Ballot
	// subject names what the ballot votes on, for messages.
	subject string
	// found: the subject exists.
	found bool
	// uid of the subject found.
	uid types.UID
	// replaced says why the subject found is not the one the ballot was
	// cast on; empty when it is.
	replaced string
	// closed says why the subject no longer takes votes; empty while it does.
	closed string
	// void: the subject was decided without a vote (a proposal refused when
	// filed), so no ballot on it ever counted.
	void bool
	// duplicateOf names the namespace's older Ballot on the same subject.
	duplicateOf string
	// voice says how the ballot's namespace takes part in the decision;
	// empty when it does not, and notVoter says why.
	voice    string
	notVoter string
}

// verdict is whether a ballot counts, and why.
type verdict struct {
	counted bool
	summary conditions.Summary
}

// judge decides whether a ballot counts. Once its subject is decided, a
// ballot keeps the verdict it had when it last changed, if it was judged
// then: the decision was made with it. A ballot filed or changed after
// the decision, or on a proposal refused without a vote, is Closed.
func judge(f ballotFacts) verdict {
	b := f.ballot
	switch {
	case !f.found:
		return verdict{summary: conditions.Summary{State: conditions.Waiting, Reason: ReasonSubjectNotFound,
			Message: f.subject + " does not exist"}}
	case f.replaced != "":
		return verdict{summary: conditions.Summary{State: conditions.Stalled, Reason: ReasonSubjectReplaced, Message: f.replaced}}
	case f.closed != "":
		if v, ok := standingVerdict(b); ok && !f.void {
			return v
		}
		return verdict{summary: conditions.Summary{State: conditions.Stalled, Reason: ReasonClosed,
			Message: f.closed + " before this ballot was counted; it no longer takes votes"}}
	case f.duplicateOf != "":
		return verdict{summary: conditions.Summary{State: conditions.Stalled, Reason: ReasonDuplicate,
			Message: fmt.Sprintf("namespace %s already votes on %s with Ballot %q; one namespace, one ballot: only the oldest counts", b.Namespace, f.subject, f.duplicateOf)}}
	case f.voice == "":
		return verdict{summary: conditions.Summary{State: conditions.Stalled, Reason: ReasonNotAMember, Message: f.notVoter}}
	}
	return verdict{counted: true, summary: conditions.Summary{State: conditions.Ready, Reason: ReasonCounted,
		Message: fmt.Sprintf("%s counts on %s: %s", b.Spec.Choice, f.subject, f.voice)}}
}

// standingVerdict is the verdict a ballot's status records for its current
// generation, when it records one that a decision may have been made with.
func standingVerdict(b *unionsv1.Ballot) (verdict, bool) {
	ready := meta.FindStatusCondition(b.Status.Conditions, unionsv1.ConditionReady)
	if ready == nil || b.Status.ObservedGeneration != b.Generation || ready.ObservedGeneration != b.Generation {
		return verdict{}, false
	}
	state := conditions.Stalled
	switch ready.Reason {
	case ReasonCounted:
		state = conditions.Ready
	case ReasonNotAMember, ReasonDuplicate, ReasonSubjectReplaced:
	default:
		return verdict{}, false
	}
	return verdict{counted: b.Status.Counted, summary: conditions.Summary{State: state, Reason: ready.Reason, Message: ready.Message}}, true
}
