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

package coalition

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/conditions"
	"github.com/kos-dev/union-operator/internal/metrics"
)

// Reasons of the Expired condition and of the Ready summary.
const (
	ReasonExpiringSoon = "ExpiringSoon"
	ReasonInForce      = "InForce"
	ReasonExpired      = "Expired"
	ReasonForming      = "Forming"
	ReasonDeleting     = "Deleting"
)

// maxWarning caps how long before expiry the warning comes.
const maxWarning = time.Hour

// reconcileExpiry reports the deadline (status.expiresAt and the Expired
// condition), warns once before it, announces it, and asks to be called back
// at the next of these instants. A dissolved coalition no longer expires: it
// has ended already.
func (k Kind) reconcileExpiry(sc *scope) {
	c := sc.coalition
	deadline := sc.deadline
	c.Status.ExpiresAt = unionsv1.TimePtr(deadline)
	conds := &c.Status.Conditions
	now := metav1.NewTime(sc.Now)
	at := deadline.UTC().Format(time.RFC3339)

	switch {
	case sc.dissolved, deadline.IsZero():
		meta.RemoveStatusCondition(conds, unionsv1.ConditionExpired)
	case sc.expired:
		if !meta.IsStatusConditionTrue(*conds, unionsv1.ConditionExpired) {
			k.event(c, corev1.EventTypeNormal, ReasonExpired, "Expire", "Coalition expired at %s; badges are removed", at)
			metrics.Expiries.Inc()
		}
		conditions.Mark(conds, c.Generation, now, unionsv1.ConditionExpired, true, ReasonExpired, "expired at "+at)
	case sc.Now.Before(WarningTime(c.CreationTimestamp.Time, deadline)):
		conditions.Mark(conds, c.Generation, now, unionsv1.ConditionExpired, false, ReasonInForce, "expires at "+at)
		sc.requeueAt(WarningTime(c.CreationTimestamp.Time, deadline))
	default:
		if cond := meta.FindStatusCondition(*conds, unionsv1.ConditionExpired); cond == nil || cond.Reason != ReasonExpiringSoon {
			k.event(c, corev1.EventTypeWarning, ReasonExpiringSoon, "Expire", "Coalition expires at %s, in %s", at, deadline.Sub(sc.Now).Round(time.Second))
		}
		conditions.Mark(conds, c.Generation, now, unionsv1.ConditionExpired, false, ReasonExpiringSoon, "expires at "+at)
		sc.requeueAt(deadline)
	}
}

// WarningTime is when the warning before expiry is due: 10% of the lifetime
// before the deadline, at most an hour before it.
func WarningTime(created, deadline time.Time) time.Time {
	lead := deadline.Sub(created) / 10
	lead = min(max(lead, 0), maxWarning)
	return deadline.Add(-lead)
}
