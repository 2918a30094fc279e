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

package exittreaty

import (
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/audit"
	"github.com/kos-dev/union-operator/internal/conditions"
)

// setStatus writes the outcome into the treaty's status. A broken chain is
// left exactly as found: the operator neither extends nor repairs it.
func setStatus(t *unionsv1.ExitTreaty, o treatyOutcome, now time.Time) {
	st := &t.Status
	at := metav1.NewTime(now)
	if o.broken == nil {
		st.Audit = audit.ToStatus(o.chain)
		st.Phase = o.phase
		st.EffectiveAt = unionsv1.TimePtr(o.effectiveAt)
		st.ReintegrationEligibleAt = unionsv1.TimePtr(o.eligibleAt)
		conditions.Mark(&st.Conditions, t.Generation, at, unionsv1.ConditionAuditIntact, true, ReasonChainVerified,
			fmt.Sprintf("the audit chain of %d entries verifies; its head is %s", len(o.chain), audit.Head(o.chain)))
	} else {
		conditions.Mark(&st.Conditions, t.Generation, at, unionsv1.ConditionAuditIntact, false, ReasonChainBroken,
			fmt.Sprintf("audit entry seq %d does not verify: %s", o.broken.Seq, o.broken.Reason))
	}
}

// auditBroken reports whether a treaty's status says its chain is broken.
func auditBroken(t *unionsv1.ExitTreaty) bool {
	return meta.IsStatusConditionFalse(t.Status.Conditions, unionsv1.ConditionAuditIntact)
}

// patchStatus writes the status of after when it changed, with an optimistic
// lock: the audit chain is replaced whole by a merge patch, so a status
// computed from a stale read must fail (and be recomputed) rather than
