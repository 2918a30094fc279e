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
			workloads: []Workload{{Kind: "Deployment", Name: "planner-v2", Agent: "planner", Selector: sel("planner")}},
			want:      []string{"union-alliance-blue-planner"},
		},
		{
			name: "a second workload of the same agent is named after itself",
			workloads: []Workload{
				{Kind: "StatefulSet", Name: "memory", Agent: "planner", Selector: sel("planner")},
				{Kind: "Deployment", Name: "planner", Agent: "planner", Selector: sel("planner")},
			},
			want: []string{"union-alliance-blue-planner", "union-alliance-blue-statefulset-memory"},
		},
		{
			name:      "an agent name that is no object name",
			workloads: []Workload{{Kind: "Deployment", Name: "critic", Agent: "Critic_1", Selector: sel("Critic_1")}},
			want:      []string{"union-alliance-blue-deployment-critic"},
		},
		{
			name:      "no selector, no budget",
			workloads: []Workload{{Kind: "Deployment", Name: "critic", Agent: "critic"}},
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
				if b.Spec.MinAvailable.IntValue() != 1 || b.Spec.MaxUnavailable != nil || b.Spec.Selector == nil {
					t.Errorf("%s: spec %+v", b.Name, b.Spec)
				}
			}
			if strings.Join(names, ",") != strings.Join(tt.want, ",") {
				t.Errorf("budgets %v, want %v", names, tt.want)
			}
		})
	}

	pct := intstr.FromString("50%")
	b := Budgets(ref, "team-a", []Workload{{Kind: "Deployment", Name: "x", Agent: "x", Selector: sel("x")}}, unionsv1.PreemptiveDefense{MaxUnavailable: &pct})
	if b[0].Spec.MinAvailable != nil || b[0].Spec.MaxUnavailable.String() != "50%" {
		t.Errorf("maxUnavailable spec %+v", b[0].Spec)
	}
}
