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

package defense

import (
	"cmp"
	"slices"
	"strings"

	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/utils/ptr"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

// Workload is a member agent workload a PodDisruptionBudget protects: a
// Deployment or StatefulSet. DaemonSets and bare Pods get none: a drain
// does not evict DaemonSet Pods, and a budget over a Pod no controller
// replaces would only block the drain of its node.
type Workload struct {
	Kind     string
	Name     string
	Agent    string
	Selector *metav1.LabelSelector
	// Replicas is the workload's desired replica count.
	Replicas int32
}

// Budgets renders one PodDisruptionBudget per workload, in the member
// namespace, named union-alliance-<name>-<agent>. When that name is not a
// valid object name, or another workload of the same agent took it, the
// budget is named after the workload instead.
//
// A budget never blocks the platform by itself: workloads of fewer than
// two replicas get none (any budget would allow them no disruption), the
// budget is written as maxUnavailable — the alliance's, or the replicas
// its minAvailable leaves, and never less than one — and unhealthy Pods may
// always be evicted. Workloads without a pod selector get none.
func Budgets(ref unionsv1.UnionReference, namespace string, workloads []Workload, terms unionsv1.PreemptiveDefense) []*policyv1.PodDisruptionBudget {
	sorted := slices.Clone(workloads)
	slices.SortFunc(sorted, func(a, b Workload) int {
		return cmp.Or(cmp.Compare(a.Agent, b.Agent), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Name, b.Name))
	})
	prefix := "union-" + strings.ToLower(string(ref.Kind)) + "-" + ref.Name + "-"
	taken := map[string]bool{}
	var out []*policyv1.PodDisruptionBudget
	for _, w := range sorted {
		if w.Selector == nil || w.Replicas < 2 {
			continue
		}
		name := prefix + w.Agent
		if len(validation.IsDNS1123Subdomain(name)) > 0 || taken[name] {
			name = prefix + strings.ToLower(w.Kind) + "-" + w.Name
		}
		if len(validation.IsDNS1123Subdomain(name)) > 0 || taken[name] {
			continue // a workload name too long to be named after
		}
		taken[name] = true
		maxUnavailable := intstr.FromInt32(MaxUnavailable(terms, w.Replicas))
		out = append(out, &policyv1.PodDisruptionBudget{
			TypeMeta:   metav1.TypeMeta{APIVersion: policyv1.SchemeGroupVersion.String(), Kind: "PodDisruptionBudget"},
			ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name, Labels: ref.ManagedLabels()},
			Spec: policyv1.PodDisruptionBudgetSpec{
				Selector:                   w.Selector.DeepCopy(),
				MaxUnavailable:             &maxUnavailable,
				UnhealthyPodEvictionPolicy: ptr.To(policyv1.AlwaysAllow),
			},
		})
	}
	return out
}

// MaxUnavailable is how many of a workload's replicas a budget lets go at
// once: the alliance's maxUnavailable, or what its minAvailable leaves of
// the replicas (a percentage rounds up, as the disruption controller
// rounds it), and never less than one nor more than the replicas.
func MaxUnavailable(terms unionsv1.PreemptiveDefense, replicas int32) int32 {
	n := int32(1)
	switch {
	case terms.MaxUnavailable != nil:
		if v, err := intstr.GetScaledValueFromIntOrPercent(terms.MaxUnavailable, int(replicas), true); err == nil {
			n = int32(v)
		}
	case terms.MinAvailable != nil:
		if v, err := intstr.GetScaledValueFromIntOrPercent(terms.MinAvailable, int(replicas), true); err == nil {
			n = replicas - int32(v)
		}
	}
	return min(max(n, 1), replicas)
}
