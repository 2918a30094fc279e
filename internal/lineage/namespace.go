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

package lineage

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/badge"
	"github.com/kos-dev/union-operator/internal/constitution"
	"github.com/kos-dev/union-operator/internal/index"
)

// NamespacePlan is what the federations of a namespace's Memberships put
// in it.
type NamespacePlan struct {
	// Members are the Federation Memberships whose constitution reaches the
	// namespace, each with the constitution in force for it.
	Members []constitution.Member
	// Separated holds the union labels (Kind.name) of Separated Federation
	// Memberships: what those unions made is their treaty's to retain or
	// release.
	Separated map[string]bool
	// Desired are the objects to keep there, each owned by its steward
	// Membership.
	Desired []*unstructured.Unstructured
	// Refused are the objects not planned because an older federation's
	// object has their name.
	Refused []constitution.Refusal
}

// PlanNamespace gathers the badged Federation Memberships of a namespace
// (and those whose badge the Namespace still carries: the admission
// policies the badge puts in force must never miss their parameters) with
// the constitution in force for each, and plans what they put there. A
// namespace being deleted gets nothing new.
func PlanNamespace(ctx context.Context, c client.Reader, namespace string) (NamespacePlan, error) {
	plan := NamespacePlan{Separated: map[string]bool{}}
	ns := &metav1.PartialObjectMetadata{}
	ns.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Namespace"))
	if err := c.Get(ctx, types.NamespacedName{Name: namespace}, ns); err != nil {
		return plan, client.IgnoreNotFound(err)
	}
	ms, err := index.MembershipsIn(ctx, c, namespace, unionsv1.KindFederation)
	if err != nil {
		return plan, err
	}
	consensus := map[string]*unionsv1.Consensus{}
	for i := range ms {
		m := &ms[i]
		if m.Status.Standing == unionsv1.StandingSeparated {
			plan.Separated[m.Spec.Union.LabelValue()] = true
			continue
		}
		_, carried := ns.Labels[badge.Key(m.Spec.Union)]
		member := m.Badged()
		if !member && !carried || ns.DeletionTimestamp != nil {
			continue
		}
		f := &unionsv1.Federation{}
		if err := c.Get(ctx, types.NamespacedName{Name: m.Spec.Union.Name}, f); err != nil {
			if apierrors.IsNotFound(err) {
				continue
			}
			return plan, err
		}
		if f.DeletionTimestamp != nil {
			continue
		}
		con, chain, err := ConstitutionOf(ctx, c, f)
		if err != nil {
			return plan, err
		}
		plan.Members = append(plan.Members, constitution.Member{Membership: m, Constitution: con})
		consensus[f.Name] = f.Status.Consensus
		for _, a := range chain.Federations {
			consensus[a.Name] = a.Status.Consensus
		}
	}
	plan.Desired, plan.Refused, err = constitution.Plan(namespace, plan.Members, consensus)
	return plan, err
}
