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

package alliance

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/compliance"
	"github.com/kos-dev/union-operator/internal/conditions"
	"github.com/kos-dev/union-operator/internal/standards"
)

// +kubebuilder:rbac:groups="",resources=pods,verbs=get

// reportCompliance evaluates the standards that compiled over every badged
// member agent (workloads and bare Pods, as admission judges them) and
// reports the failures, the counts and the Compliant condition.
func (k Kind) reportCompliance(ctx context.Context, a *unionsv1.Alliance, set *standards.Set, members []member, now metav1.Time) error {
	st := &a.Status
	if len(set.Compiled) == 0 {
		// Nothing to evaluate: every badged agent complies.
		st.Compliance, st.CompliantAgents, st.NonCompliantAgents = nil, st.AgentCount, 0
		status, reason, message := compliance.Summary("alliance", len(a.Spec.Standards), 0, int(st.AgentCount), nil)
		conditions.Mark(&st.Conditions, a.Generation, now, unionsv1.ConditionCompliant, status, reason, message)
		return nil
	}
	tally := compliance.NewTally()
	for _, m := range members {
		for _, o := range m.objects {
			if !m.isMember(o) || !standards.Judged(o.Kind(), o.Object) {
				continue
			}
			u, err := o.Unstructured()
			if err != nil {
				return err
			}
			tally.Add(m.namespace(), o.Agent(), set.Evaluate(ctx, u, nil))
		}
	}
	st.Compliance = tally.Listed()
	st.NonCompliantAgents = int32(tally.NonCompliant())
	st.CompliantAgents = int32(tally.Compliant())
	status, reason, message := compliance.Summary("alliance", len(a.Spec.Standards), len(set.Compiled), tally.Compliant(), tally.Failures())
	conditions.Mark(&st.Conditions, a.Generation, now, unionsv1.ConditionCompliant, status, reason, message)
	return nil
}
