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
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/conditions"
	"github.com/kos-dev/union-operator/internal/standards"
)

// Reasons of the Compliant condition, and of a stall on a standard.
const (
	ReasonNoStandards     = "NoStandards"
	ReasonAllCompliant    = "AllCompliant"
	ReasonNonCompliant    = "NonCompliant"
	ReasonInvalidStandard = "InvalidStandard"
)

// maxListed bounds the entries a status list holds.
const maxListed = 100

// reportCompliance evaluates the standards that compiled over every badged
// member agent (workloads and bare Pods, as admission judges them) and
// reports the failures, the counts and the Compliant condition.
func (k Kind) reportCompliance(ctx context.Context, a *unionsv1.Alliance, set *standards.Set, members []member, now metav1.Time) error {
	st := &a.Status
	if len(set.Compiled) == 0 {
		// Nothing to evaluate: every badged agent complies.
		st.Compliance, st.CompliantAgents, st.NonCompliantAgents = nil, st.AgentCount, 0
		status, reason, message := complianceSummary(len(a.Spec.Standards), 0, int(st.AgentCount), nil)
		conditions.Mark(&st.Conditions, a.Generation, now, unionsv1.ConditionCompliant, status, reason, message)
		return nil
	}
	type agentKey struct{ namespace, agent string }
	seen := map[agentKey]bool{}
	failed := map[agentKey]bool{}
	listed := map[string]bool{}
	var failures []unionsv1.ComplianceStatus
	for _, m := range members {
		for _, o := range m.objects {
			if !m.badged(o) || !standards.Judged(o.kind(), o.obj) {
				continue
			}
			key := agentKey{m.namespace(), o.agent()}
			seen[key] = true
			u, err := o.unstructured()
			if err != nil {
				return err
			}
			for _, r := range set.Evaluate(ctx, u, nil) {
				if r.Compliant {
					continue
				}
				failed[key] = true
				if id := key.namespace + "/" + key.agent + "/" + r.Standard; !listed[id] {
					listed[id] = true
					failures = append(failures, unionsv1.ComplianceStatus{Namespace: key.namespace, Agent: key.agent, Standard: r.Standard, Message: r.Message})
				}
			}
		}
	}
	slices.SortFunc(failures, func(x, y unionsv1.ComplianceStatus) int {
		return cmp.Or(cmp.Compare(x.Namespace, y.Namespace), cmp.Compare(x.Agent, y.Agent), cmp.Compare(x.Standard, y.Standard))
	})
	st.Compliance = failures[:min(len(failures), maxListed)]
	st.NonCompliantAgents = int32(len(failed))
	st.CompliantAgents = int32(len(seen) - len(failed))
	status, reason, message := complianceSummary(len(a.Spec.Standards), len(set.Compiled), int(st.CompliantAgents), failures)
	conditions.Mark(&st.Conditions, a.Generation, now, unionsv1.ConditionCompliant, status, reason, message)
	return nil
}

// complianceSummary is the Compliant condition for the number of standards
// declared and compiled, the compliant agents and the failures (sorted).
func complianceSummary(declared, compiled, compliant int, failures []unionsv1.ComplianceStatus) (bool, string, string) {
	if declared == 0 {
		return true, ReasonNoStandards, "the alliance declares no standards"
	}
	if compiled == 0 {
		return false, ReasonInvalidStandard, "no standard of the alliance compiles, so none is evaluated"
	}
	if len(failures) == 0 {
		return true, ReasonAllCompliant, fmt.Sprintf("all %d member agents meet every standard", compliant)
	}
	const named = 3
	var agents []string
	byAgent := map[string][]string{}
	for _, f := range failures {
		id := f.Namespace + "/" + f.Agent
		if _, ok := byAgent[id]; !ok {
			agents = append(agents, id)
		}
		byAgent[id] = append(byAgent[id], f.Standard)
	}
	parts := make([]string, 0, named)
	for _, id := range agents[:min(len(agents), named)] {
		parts = append(parts, fmt.Sprintf("%s fails %s", id, strings.Join(byAgent[id], ", ")))
	}
	msg := fmt.Sprintf("%d of %d member agents fail a standard: %s", len(agents), len(agents)+compliant, strings.Join(parts, "; "))
	if len(agents) > named {
		msg += fmt.Sprintf("; and %d more", len(agents)-named)
	}
	return false, ReasonNonCompliant, msg
}
