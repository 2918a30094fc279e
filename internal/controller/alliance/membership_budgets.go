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

	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/agentobjects"
	"github.com/kos-dev/union-operator/internal/apply"
	"github.com/kos-dev/union-operator/internal/badge"
	"github.com/kos-dev/union-operator/internal/defense"
)

// reconcileBudgets keeps a PodDisruptionBudget per badged agent Deployment
// and StatefulSet of the member namespace, selecting the workload's Pods,
// while the alliance declares preemptive defence; and removes the others.
func (r *MembershipReconciler) reconcileBudgets(ctx context.Context, req ctrl.Request, m *unionsv1.Membership, a *unionsv1.Alliance) error {
	var want []*policyv1.PodDisruptionBudget
	if a != nil && a.Spec.Defense != nil && a.Spec.Defense.Preemptive != nil {
		ref := unionsv1.Reference(a)
		key := badge.Key(ref)
		objects, err := agentobjects.Read(ctx, r.Client, r.APIReader, m.Namespace, func(kind string, meta *metav1.PartialObjectMetadata) bool {
			_, badged := meta.Labels[key]
			return badged && (kind == "Deployment" || kind == "StatefulSet")
		})
		if err != nil {
			return err
		}
		workloads := make([]defense.Workload, 0, len(objects))
		for _, o := range objects {
			workloads = append(workloads, defense.Workload{Kind: o.Kind(), Name: o.Object.GetName(), Agent: o.Agent(), Selector: o.Selector()})
		}
		want = defense.Budgets(ref, m.Namespace, workloads, *a.Spec.Defense.Preemptive)
	}

	var list policyv1.PodDisruptionBudgetList
	if err := r.List(ctx, &list, client.InNamespace(req.Namespace), operatorMade); err != nil {
		return err
	}
	current := map[string]*policyv1.PodDisruptionBudget{}
	for i := range list.Items {
		if ownedBy(&list.Items[i], req) {
			current[list.Items[i].Name] = &list.Items[i]
		}
	}
	for _, pdb := range want {
		apply.ControlledBy(pdb, m, "Membership")
		cur, exists := current[pdb.Name]
		delete(current, pdb.Name)
		if exists && apply.UpToDate(cur, pdb, func() bool { return equality.Semantic.DeepEqual(cur.Spec, pdb.Spec) }) {
			continue
		}
		var known client.Object
		if exists {
			known = cur
		}
		if err := r.write(ctx, m, pdb, known); err != nil {
			return err
		}
	}
	for _, stale := range current {
		if err := client.IgnoreNotFound(r.Delete(ctx, stale)); err != nil {
			return err
		}
	}
	return nil
}
