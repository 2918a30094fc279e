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

package governance

import (
	"cmp"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/tally"
)

// Cast returns the ballot that speaks for each namespace among the ballots
// on one subject: the namespace's oldest live Ballot (by creation, then
// name). A ballot only ever speaks for the namespace that holds it; any
// later one of the same namespace is a duplicate.
func Cast(ballots []unionsv1.Ballot) map[string]*unionsv1.Ballot {
	out := map[string]*unionsv1.Ballot{}
	for i := range ballots {
		b := &ballots[i]
		if b.DeletionTimestamp != nil {
			continue
		}
		if first, ok := out[b.Namespace]; !ok || older(b, first) {
			out[b.Namespace] = b
		}
	}
	return out
}

// BoundTo reports whether a Ballot counts for the subject object with the
// given UID and creation time: it names that object (spec.subject.uid,
// when set), it has not counted for another object of the same name
// (status.subjectUID), and it was cast no earlier than the object was
// created. A subject deleted and re-created under the same name therefore
// starts with no votes: the old ballots were cast before it existed.
func BoundTo(b *unionsv1.Ballot, uid types.UID, created metav1.Time) bool {
	if b.Spec.Subject.UID != "" && b.Spec.Subject.UID != uid {
		return false
	}
	if b.Status.SubjectUID != "" && b.Status.SubjectUID != uid {
		return false
	}
	return !b.CreationTimestamp.Before(&created)
}

// Bound returns the ballots bound to the subject object (see BoundTo).
func Bound(ballots []unionsv1.Ballot, uid types.UID, created metav1.Time) []unionsv1.Ballot {
	var out []unionsv1.Ballot
	for i := range ballots {
		if BoundTo(&ballots[i], uid, created) {
			out = append(out, ballots[i])
		}
	}
	return out
}

// Choices returns the choice of each namespace's cast ballot.
func Choices(cast map[string]*unionsv1.Ballot) map[string]tally.Choice {
	out := make(map[string]tally.Choice, len(cast))
	for ns, b := range cast {
		out[ns] = tally.Choice(b.Spec.Choice)
	}
	return out
}

func older(a, b *unionsv1.Ballot) bool {
	if c := a.CreationTimestamp.Compare(b.CreationTimestamp.Time); c != 0 {
		return c < 0
	}
	return cmp.Compare(a.Name, b.Name) < 0
}
