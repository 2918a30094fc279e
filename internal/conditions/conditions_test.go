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

package conditions

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

func TestSet(t *testing.T) {
	now := metav1.NewTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	tests := []struct {
		name      string
		state     State
		wantReady metav1.ConditionStatus
		wantRec   bool
		wantStall bool
	}{
		{"ready", Ready, metav1.ConditionTrue, false, false},
		{"progressing", Progressing, metav1.ConditionFalse, true, false},
		{"waiting", Waiting, metav1.ConditionFalse, false, false},
		{"stalled", Stalled, metav1.ConditionFalse, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Start from the opposite extreme so stale conditions must be removed.
			conds := []metav1.Condition{
				{Type: unionsv1.ConditionReconciling, Status: metav1.ConditionTrue, Reason: "Old"},
				{Type: unionsv1.ConditionStalled, Status: metav1.ConditionTrue, Reason: "Old"},
			}
			Set(&conds, 7, now, Summary{State: tt.state, Reason: "Why", Message: "because"})
			ready := meta.FindStatusCondition(conds, unionsv1.ConditionReady)
			if ready == nil || ready.Status != tt.wantReady || ready.Reason != "Why" || ready.ObservedGeneration != 7 {
				t.Fatalf("Ready = %+v, want status %s reason Why generation 7", ready, tt.wantReady)
			}
			if got := meta.IsStatusConditionTrue(conds, unionsv1.ConditionReconciling); got != tt.wantRec {
				t.Errorf("Reconciling = %v, want %v", got, tt.wantRec)
			}
			if got := meta.IsStatusConditionTrue(conds, unionsv1.ConditionStalled); got != tt.wantStall {
				t.Errorf("Stalled = %v, want %v", got, tt.wantStall)
			}
		})
	}
}

func TestSetKeepsTransitionTimeWhenStatusUnchanged(t *testing.T) {
	first := metav1.NewTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	later := metav1.NewTime(first.Add(time.Hour))
	var conds []metav1.Condition
	Set(&conds, 1, first, Summary{State: Ready, Reason: "Active"})
	Set(&conds, 2, later, Summary{State: Ready, Reason: "Active", Message: "new message"})
	ready := meta.FindStatusCondition(conds, unionsv1.ConditionReady)
	if !ready.LastTransitionTime.Equal(&first) {
		t.Errorf("lastTransitionTime moved to %v without a status change", ready.LastTransitionTime)
	}
	if ready.ObservedGeneration != 2 || ready.Message != "new message" {
		t.Errorf("condition not refreshed: %+v", ready)
	}
	Set(&conds, 3, later, Summary{State: Stalled, Reason: "Invalid"})
	ready = meta.FindStatusCondition(conds, unionsv1.ConditionReady)
	if !ready.LastTransitionTime.Equal(&later) {
		t.Errorf("lastTransitionTime = %v, want %v after a status change", ready.LastTransitionTime, later)
	}
}

func TestBound(t *testing.T) {
	tests := []struct {
		name    string
		message string
		wantLen int
		cut     bool
	}{
		{name: "short", message: "fine", wantLen: 4},
		{name: "exactly the limit", message: strings.Repeat("a", MaxMessage), wantLen: MaxMessage},
		{name: "one over", message: strings.Repeat("a", MaxMessage+1), wantLen: MaxMessage, cut: true},
		{name: "40 KiB", message: strings.Repeat("x", 40<<10), wantLen: MaxMessage, cut: true},
		{name: "multi-byte runes are never split", message: strings.Repeat("é", MaxMessage), cut: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Bound(tt.message)
			if len(got) > MaxMessage || !utf8.ValidString(got) {
				t.Fatalf("Bound gave %d bytes (valid UTF-8: %v)", len(got), utf8.ValidString(got))
			}
			if tt.wantLen > 0 && len(got) != tt.wantLen {
				t.Errorf("len = %d, want %d", len(got), tt.wantLen)
			}
			if strings.HasSuffix(got, truncated) != tt.cut {
				t.Errorf("cut marker: %v, want %v", strings.HasSuffix(got, truncated), tt.cut)
			}
		})
	}
	var conds []metav1.Condition
	Set(&conds, 1, metav1.Now(), Summary{State: Stalled, Reason: "Big", Message: strings.Repeat("m", 33<<10)})
	for _, c := range conds {
		if len(c.Message) > MaxMessage {
			t.Errorf("condition %s carries %d bytes", c.Type, len(c.Message))
		}
	}
}
