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

// Package conditions sets the kstatus conditions every kind reports (Ready,
// Reconciling, Stalled) as a pure function of what a reconcile concluded, so
// that kubectl wait, Flux health checks and Argo CD read them alike.
package conditions

import (
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

// State is what a reconcile concluded, in kstatus terms.
type State int

const (
	// Ready: the object is in force (kstatus Current).
	Ready State = iota
	// Progressing: the operator is still working towards the spec (InProgress).
	Progressing
	// Waiting: the object waits on something outside it, such as an
	// invitation or a deadline (InProgress, not Reconciling).
	Waiting
	// Stalled: the spec cannot be satisfied as written (Failed).
	Stalled
)

// conditions returns what a state says in kstatus terms: the status of
// Ready, and whether Reconciling and Stalled are True (else absent).
func (s State) conditions() (ready metav1.ConditionStatus, reconciling, stalled bool) {
	switch s {
	case Ready:
		return metav1.ConditionTrue, false, false
	case Progressing:
		return metav1.ConditionFalse, true, false
	case Stalled:
		return metav1.ConditionFalse, false, true
	}
	return metav1.ConditionFalse, false, false
}

// Summary is the conclusion of a reconcile: a state, a CamelCase reason and a
// human message.
type Summary struct {
	State   State
	Reason  string
	Message string
}

// Set writes Ready, Reconciling and Stalled into conds for the summary.
// Conditions not implied by the state are removed, as kstatus expects;
// lastTransitionTime only moves when a condition's status changes.
func Set(conds *[]metav1.Condition, generation int64, now metav1.Time, s Summary) {
	set := func(t string, status metav1.ConditionStatus) {
		meta.SetStatusCondition(conds, metav1.Condition{
			Type:               t,
			Status:             status,
			Reason:             s.Reason,
			Message:            Bound(s.Message),
			ObservedGeneration: generation,
			LastTransitionTime: now,
		})
	}
	ready, reconciling, stalled := s.State.conditions()
	set(unionsv1.ConditionReady, ready)
	for t, on := range map[string]bool{unionsv1.ConditionReconciling: reconciling, unionsv1.ConditionStalled: stalled} {
		if on {
			set(t, metav1.ConditionTrue)
		} else {
			meta.RemoveStatusCondition(conds, t)
		}
	}
}

// Mark sets one further condition (such as Expired or Compliant).
func Mark(conds *[]metav1.Condition, generation int64, now metav1.Time, conditionType string, status bool, reason, message string) {
	st := metav1.ConditionFalse
	if status {
		st = metav1.ConditionTrue
	}
	meta.SetStatusCondition(conds, metav1.Condition{
		Type:               conditionType,
		Status:             st,
		Reason:             reason,
		Message:            Bound(message),
		ObservedGeneration: generation,
		LastTransitionTime: now,
	})
}

// MaxMessage bounds the length of a condition's message, in bytes, so that a
// status always fits in its object whatever the spec fed into it (the API
// server allows 32 KiB per message, and an object of 1.5 MiB in all).
const MaxMessage = 1024

// truncated ends a message cut at MaxMessage.
const truncated = " …"

// Bound cuts a message to at most MaxMessage bytes, on a rune boundary,
// marking the cut.
func Bound(message string) string {
	if len(message) <= MaxMessage {
		return message
	}
	cut := MaxMessage - len(truncated)
	for cut > 0 && !utf8.RuneStart(message[cut]) {
		cut--
	}
	return message[:cut] + truncated
}
