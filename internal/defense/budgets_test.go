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
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

func TestBudgets(t *testing.T) {
	ref := unionsv1.UnionReference{Kind: unionsv1.KindAlliance, Name: "blue"}
	sel := func(agent string) *metav1.LabelSelector {
		return &metav1.LabelSelector{MatchLabels: map[string]string{unionsv1.AgentLabel: agent}}
	}
	terms := unionsv1.PreemptiveDefense{MinAvailable: ptr.To(intstr.FromInt32(1))}
	tests := []struct {
		name      string
		workloads []Workload
		want      []string
	}{
		{name: "none"},
		{
			name:      "named after the agent",
			workloads: []Workload{{Kind: "Deployment", Name: "planner-v2", Agent: "planner", Selector: sel("planner"), Replicas: 3}},
			want:      []string{"union-alliance-blue-planner"},
		},
		{
			name: "a second workload of the same agent is named after itself",
			workloads: []Workload{
				{Kind: "StatefulSet", Name: "memory", Agent: "planner", Selector: sel("planner"), Replicas: 3},
				{Kind: "Deployment", Name: "planner", Agent: "planner", Selector: sel("planner"), Replicas: 3},
			},
			want: []string{"union-alliance-blue-planner", "union-alliance-blue-statefulset-memory"},
		},
		{
			name:      "an agent name that is no object name",
			workloads: []Workload{{Kind: "Deployment", Name: "critic", Agent: "Critic_1", Selector: sel("Critic_1"), Replicas: 2}},
			want:      []string{"union-alliance-blue-deployment-critic"},
		},
		{
			name:      "no selector, no budget",
			workloads: []Workload{{Kind: "Deployment", Name: "critic", Agent: "critic", Replicas: 3}},
		},
		{
			name:      "a single replica gets no budget: it would allow no disruption",
			workloads: []Workload{{Kind: "Deployment", Name: "solo", Agent: "solo", Selector: sel("solo"), Replicas: 1}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Budgets(ref, "team-a", tt.workloads, terms)
			var names []string
			for _, b := range got {
				names = append(names, b.Name)
				if b.Namespace != "team-a" || b.Labels[unionsv1.UnionLabel] != "Alliance.blue" || b.Labels[unionsv1.ManagedByLabel] != unionsv1.ManagedByValue {
					t.Errorf("%s: namespace %s labels %v", b.Name, b.Namespace, b.Labels)
				}
				if b.Spec.MinAvailable != nil || b.Spec.MaxUnavailable == nil || b.Spec.MaxUnavailable.IntValue() < 1 || b.Spec.Selector == nil ||
					b.Spec.UnhealthyPodEvictionPolicy == nil || *b.Spec.UnhealthyPodEvictionPolicy != "AlwaysAllow" {
					t.Errorf("%s: spec %+v", b.Name, b.Spec)
				}
			}
			if strings.Join(names, ",") != strings.Join(tt.want, ",") {
				t.Errorf("budgets %v, want %v", names, tt.want)
			}
		})
	}

}

func TestMaxUnavailableNeverZero(t *testing.T) {
	num := func(i int32) *intstr.IntOrString { v := intstr.FromInt32(i); return &v }
	pct := func(p string) *intstr.IntOrString { v := intstr.FromString(p); return &v }
	tests := []struct {
		name     string
		terms    unionsv1.PreemptiveDefense
		replicas int32
		want     int32
	}{
		{"minAvailable 1 of 3 lets 2 go", unionsv1.PreemptiveDefense{MinAvailable: num(1)}, 3, 2},
		{"minAvailable of every replica still lets one go", unionsv1.PreemptiveDefense{MinAvailable: num(5)}, 5, 1},
		{"minAvailable above the replicas lets one go", unionsv1.PreemptiveDefense{MinAvailable: num(9)}, 4, 1},
		{"minAvailable 50% of 5 (3, rounded up) lets 2 go", unionsv1.PreemptiveDefense{MinAvailable: pct("50%")}, 5, 2},
		{"minAvailable 100% lets one go", unionsv1.PreemptiveDefense{MinAvailable: pct("100%")}, 4, 1},
		{"maxUnavailable 2", unionsv1.PreemptiveDefense{MaxUnavailable: num(2)}, 6, 2},
		{"maxUnavailable 0 lets one go", unionsv1.PreemptiveDefense{MaxUnavailable: num(0)}, 6, 1},
		{"maxUnavailable 50% of 5 rounds up to 3", unionsv1.PreemptiveDefense{MaxUnavailable: pct("50%")}, 5, 3},
		{"maxUnavailable above the replicas is the replicas", unionsv1.PreemptiveDefense{MaxUnavailable: num(10)}, 2, 2},
		{"neither: one at a time", unionsv1.PreemptiveDefense{}, 3, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MaxUnavailable(tt.terms, tt.replicas); got != tt.want {
				t.Errorf("MaxUnavailable() = %d, want %d", got, tt.want)
			}
		})
	}
}
