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

package federation

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/agentobjects"
	"github.com/kos-dev/union-operator/internal/badge"
	"github.com/kos-dev/union-operator/internal/compliance"
	"github.com/kos-dev/union-operator/internal/conditions"
	"github.com/kos-dev/union-operator/internal/constitution"
	"github.com/kos-dev/union-operator/internal/standards"
)

// lineageSet is the compiled standards one federation of the lineage declares.
type lineageSet struct {
	federation string
	set        *standards.Set
}

// reportCompliance judges the agents of the federation's own members by
// every standard in force for them — its own and its ancestors' — each with
// the parameters that member's params ConfigMap holds, as admission judges a
// new agent there; sets the Compliant condition and returns the number of
// member agents that fail a standard. (Members of child federations are
// judged by the child, and counted in its consensus.)
func (k Kind) reportCompliance(ctx context.Context, f *unionsv1.Federation, con constitution.Constitution, members []*unionsv1.Membership, now metav1.Time) (int, error) {
	var sets []lineageSet
	declared, compiled := 0, 0
	for _, fed := range con.Lineage {
		var list []unionsv1.Standard
		for _, s := range con.StandardsOf(fed) {
			list = append(list, s.Standard)
		}
		declared += len(list)
		if len(list) == 0 {
			continue
		}
		set := standards.Compile(list, standards.Options{Params: true})
		compiled += len(set.Compiled)
		if len(set.Compiled) > 0 {
			sets = append(sets, lineageSet{federation: fed, set: set})
		}
	}
	mark := func(compliant int, failures []unionsv1.ComplianceStatus) {
		status, reason, message := compliance.Summary("federation", declared, compiled, compliant, failures)
		conditions.Mark(&f.Status.Conditions, f.Generation, now, unionsv1.ConditionCompliant, status, reason, message)
	}
	if len(sets) == 0 {
		mark(int(f.Status.AgentCount), nil)
		return 0, nil
	}

	key := badge.Key(unionsv1.Reference(f))
	tally := compliance.NewTally()
	for _, m := range members {
		objects, err := agentobjects.Read(ctx, k.Client, k.APIReader, m.Namespace, func(kind string, meta *metav1.PartialObjectMetadata) bool {
			_, badged := meta.Labels[key]
			return badged && standards.Judged(kind, meta)
		})
		if err != nil {
			return 0, err
		}
		params := map[string]*corev1.ConfigMap{}
		for _, ls := range sets {
			params[ls.federation] = &corev1.ConfigMap{Data: con.Parameters(ls.federation, m.TermsInForce().Overrides)}
		}
		for _, o := range objects {
			u, err := o.Unstructured()
			if err != nil {
				return 0, err
			}
			var results []standards.Result
			for _, ls := range sets {
				results = append(results, ls.set.Evaluate(ctx, u, params[ls.federation])...)
			}
			tally.Add(m.Namespace, o.Agent(), results)
		}
	}
	mark(tally.Compliant(), tally.Failures())
	return tally.NonCompliant(), nil
}
