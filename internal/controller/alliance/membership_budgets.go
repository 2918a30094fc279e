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
	"sigs.k8s.io/controller-runtime/pkg/log"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/agentobjects"
	"github.com/kos-dev/union-operator/internal/agents"
	"github.com/kos-dev/union-operator/internal/apply"
	"github.com/kos-dev/union-operator/internal/defense"
)

// reconcileBudgets keeps a PodDisruptionBudget per member agent Deployment
// and StatefulSet of the member namespace (those the Membership's terms in
// force select), selecting the workload's Pods, while the alliance declares
// preemptive defence; and removes the others.
//
// Pods are never covered by two union budgets — the eviction API refuses to
// evict a Pod that two budgets select. When another alliance Membership of
// the namespace already keeps a budget over a workload's Pods, the oldest
// budget serves every alliance that asks: this Membership makes none, and
// drops its own when it finds it is the later one.
func (r *MembershipReconciler) reconcileBudgets(ctx context.Context, req ctrl.Request, m *unionsv1.Membership, a *unionsv1.Alliance) error {
	var list policyv1.PodDisruptionBudgetList
	if err := r.List(ctx, &list, client.InNamespace(req.Namespace), operatorMade); err != nil {
		return err
	}
	current := map[string]*policyv1.PodDisruptionBudget{}
	var others []*policyv1.PodDisruptionBudget
	for i := range list.Items {
		pdb := &list.Items[i]
		switch {
		case ownedBy(pdb, req):
			current[pdb.Name] = pdb
		case isAlliance(pdb.Labels[unionsv1.UnionLabel]) && pdb.DeletionTimestamp == nil:
			others = append(others, pdb)
		}
	}

	var want []*policyv1.PodDisruptionBudget
	if a != nil && a.Spec.Defense != nil && a.Spec.Defense.Preemptive != nil {
		workloads, err := r.memberWorkloads(ctx, m)
		if err != nil {
			return err
		}
		for _, pdb := range defense.Budgets(unionsv1.Reference(a), m.Namespace, workloads, *a.Spec.Defense.Preemptive) {
			if older := olderBudget(pdb, current[pdb.Name], others); older != nil {
				log.FromContext(ctx).V(1).Info("Another alliance's budget covers the workload", "budget", pdb.Name, "servedBy", older.Name)
				continue
			}
			want = append(want, pdb)
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

// memberWorkloads reads the member agent Deployments and StatefulSets of a
// Membership's namespace: those its terms in force select.
func (r *MembershipReconciler) memberWorkloads(ctx context.Context, m *unionsv1.Membership) ([]defense.Workload, error) {
	selected, err := agentobjects.MemberAgents(ctx, r.Client, m.Namespace, m.TermsInForce())
	if err != nil {
		return nil, err
	}
	objects, err := agentobjects.Read(ctx, r.Client, r.APIReader, m.Namespace, func(kind string, meta *metav1.PartialObjectMetadata) bool {
		return selected[agents.Name(meta)] && (kind == "Deployment" || kind == "StatefulSet")
	})
	if err != nil {
		return nil, err
	}
	workloads := make([]defense.Workload, 0, len(objects))
	for _, o := range objects {
		workloads = append(workloads, defense.Workload{
			Kind: o.Kind(), Name: o.Object.GetName(), Agent: o.Agent(), Selector: o.Selector(), Replicas: o.Desired(),
		})
	}
	return workloads, nil
}

// olderBudget returns another alliance's budget over the same Pods as want
// that was there before this Membership's own (mine, nil when it has none
// yet): that one serves the workload.
func olderBudget(want, mine *policyv1.PodDisruptionBudget, others []*policyv1.PodDisruptionBudget) *policyv1.PodDisruptionBudget {
	for _, o := range others {
		if !equality.Semantic.DeepEqual(o.Spec.Selector, want.Spec.Selector) {
			continue
		}
		if mine == nil || before(o, mine) {
			return o
		}
	}
	return nil
}

// before orders budgets by creation, then by name, so that every
// Membership of a namespace agrees on which of two is the older.
func before(a, b *policyv1.PodDisruptionBudget) bool {
	if !a.CreationTimestamp.Equal(&b.CreationTimestamp) {
		return a.CreationTimestamp.Before(&b.CreationTimestamp)
	}
	return a.Name < b.Name
}
