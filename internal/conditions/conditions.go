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
			Message:            s.Message,
			ObservedGeneration: generation,
			LastTransitionTime: now,
		})
	}
	switch s.State {
	case Ready:
		set(unionsv1.ConditionReady, metav1.ConditionTrue)
		meta.RemoveStatusCondition(conds, unionsv1.ConditionReconciling)
		meta.RemoveStatusCondition(conds, unionsv1.ConditionStalled)
	case Progressing:
		set(unionsv1.ConditionReady, metav1.ConditionFalse)
		set(unionsv1.ConditionReconciling, metav1.ConditionTrue)
		meta.RemoveStatusCondition(conds, unionsv1.ConditionStalled)
	case Waiting:
		set(unionsv1.ConditionReady, metav1.ConditionFalse)
		meta.RemoveStatusCondition(conds, unionsv1.ConditionReconciling)
		meta.RemoveStatusCondition(conds, unionsv1.ConditionStalled)
	case Stalled:
		set(unionsv1.ConditionReady, metav1.ConditionFalse)
		set(unionsv1.ConditionStalled, metav1.ConditionTrue)
		meta.RemoveStatusCondition(conds, unionsv1.ConditionReconciling)
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
		Message:            message,
		ObservedGeneration: generation,
		LastTransitionTime: now,
	})
}
