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

package membership

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/badge"
	"github.com/kos-dev/union-operator/internal/conditions"
	"github.com/kos-dev/union-operator/internal/constitution"
	"github.com/kos-dev/union-operator/internal/lineage"
)

// The conditions of what is in force for a badged Membership.
const (
	// ConditionLabelsInForce is True when the Namespace carries the union's
	// badge (which puts its admission policies in force there) and every
	// label its constitution imposes.
	ConditionLabelsInForce = "LabelsInForce"
	// ConditionObjectsInForce is True when everything the union puts in the
	// namespace is there: the charter, and a federation's parameters and
	// propagated objects.
	ConditionObjectsInForce = "ObjectsInForce"
)

// Reasons of LabelsInForce and ObjectsInForce.
const (
	ReasonInForce = "InForce"
	// ReasonLabelConflict: another field manager holds a label the union
	// imposes, with another value; the operator does not take it.
	ReasonLabelConflict = "LabelConflict"
	// ReasonLabelOverruled: an unrelated federation, first by name, imposes
	// another value.
	ReasonLabelOverruled = "LabelOverruled"
	// ReasonBadgeWithheld: the namespace badge waits for the parameters of
	// the union's admission policies.
	ReasonBadgeWithheld = "BadgeWithheld"
	// ReasonLabelsPending: the badge engine has not written them yet.
	ReasonLabelsPending = "LabelsPending"
	// ReasonNameClash: an object of the name the union would use is there
	// and is not the operator's for this Membership.
	ReasonNameClash = "NameClash"
	// ReasonObjectsPending: an object is not in the namespace yet.
	ReasonObjectsPending = "ObjectsPending"
)

// problem is a clause not in force; stuck problems need someone to act (a
// conflict), the others settle by themselves.
type problem struct {
	reason, message string
	stuck           bool
}

// inForce is what of a union is not in force in a member namespace.
type inForce struct {
	labels, objects []problem
}

// first is the problem a Membership's Ready reports: a stuck one first.
func (f inForce) first() *problem {
	all := append(slices.Clone(f.labels), f.objects...)
	for i := range all {
		if all[i].stuck {
			return &all[i]
		}
	}
	if len(all) > 0 {
		return &all[0]
	}
	return nil
}

// mark sets LabelsInForce and ObjectsInForce.
func (f inForce) mark(conds *[]metav1.Condition, generation int64, now metav1.Time) {
	set := func(conditionType string, ps []problem, fine string) {
		if p := (inForce{labels: ps}).first(); p != nil {
			msgs := []string{p.message}
			for _, o := range ps {
				if o != *p {
					msgs = append(msgs, o.message)
				}
			}
			conditions.Mark(conds, generation, now, conditionType, false, p.reason, strings.Join(msgs, "; "))
			return
		}
		conditions.Mark(conds, generation, now, conditionType, true, ReasonInForce, fine)
	}
	set(ConditionLabelsInForce, f.labels, "the namespace carries the union's badge and every label it imposes")
	set(ConditionObjectsInForce, f.objects, "everything the union puts in the namespace is there")
}

// observeInForce checks, for a badged Membership, that every clause of its
// union is in force in the namespace: its namespace badge, which puts the
// union's admission policies in force there; the labels a federation's
// constitution imposes; the charter; a federation's parameters and
// propagated objects. Whatever is not is named; a member reported in force
// has every clause of its union in force.
func (r *Reconciler) observeInForce(ctx context.Context, s *scope) error {
	m := s.membership
	if !m.Status.Standing.Badged() || s.union == nil {
		return nil
	}
	ns := s.namespace
	if s.charterConflict != nil {
		s.inForce.objects = append(s.inForce.objects, problem{ReasonNameClash, s.charterConflict.Error(), true})
	}
	var plan *lineage.NamespacePlan
	if _, ok := s.union.(*unionsv1.Federation); ok && s.constitution != nil {
		p, err := lineage.PlanNamespace(ctx, r, m.Namespace)
		if err != nil {
			return err
		}
		plan = &p
		s.inForce.labels = append(s.inForce.labels, imposedLabels(m, *s.constitution, plan, ns)...)
		objects, err := r.plannedObjects(ctx, m, plan)
		if err != nil {
			return err
		}
		s.inForce.objects = append(s.inForce.objects, objects...)
	}
	if ns.Labels[badge.Key(m.Spec.Union)] != string(unionsv1.RoleMember) {
		p := problem{ReasonLabelsPending, "the namespace does not carry the badge " + badge.String(m.Spec.Union, unionsv1.RoleMember) + " yet, so the union's admission policies are not in force there", false}
		missing, err := r.missingParams(ctx, m, s.constitution)
		if err != nil {
			return err
		}
		if missing != "" {
			p = problem{ReasonBadgeWithheld, "the namespace badge is withheld, so the union's admission policies are not in force here, until their parameters (ConfigMap " + missing + ") are in the namespace", false}
		}
		s.inForce.labels = append([]problem{p}, s.inForce.labels...)
	}
	return nil
}

// imposedLabels names the labels a federation's constitution imposes that
// the Namespace does not carry, and why.
func imposedLabels(m *unionsv1.Membership, con constitution.Constitution, plan *lineage.NamespacePlan, ns *metav1.PartialObjectMetadata) []problem {
	conflicts := badge.ParseConflicts(ns.Annotations[badge.ConflictsAnnotation])
	var grants []badge.Grant
	for _, member := range plan.Members {
		if member.Membership.Status.Standing.Badged() && member.Membership.DeletionTimestamp == nil {
			grants = append(grants, badge.Grant{Union: member.Membership.Spec.Union, NamespaceLabels: member.Constitution.NamespaceLabels})
		}
	}
	_, overruled := badge.Imposed(grants)
	var out []problem
	for _, k := range slices.Sorted(maps.Keys(con.NamespaceLabels)) {
		want := con.NamespaceLabels[k]
		if ns.Labels[k] == want {
			continue
		}
		if theirs, held := conflicts[k]; held {
			out = append(out, problem{ReasonLabelConflict, fmt.Sprintf(
				"namespace label %s is held by another field manager with the value %q: the constitution's %s=%s is not in force here, and the operator does not take it", k, theirs, k, want), true})
			continue
		}
		if i := slices.IndexFunc(overruled, func(o badge.Overruled) bool { return o.Union == m.Spec.Union && o.Key == k }); i >= 0 {
			o := overruled[i]
			out = append(out, problem{ReasonLabelOverruled, fmt.Sprintf(
				"namespace label %s carries %q of federation %s, not %q: between unrelated federations the first by name prevails", k, o.ByValue, o.By.Name, want), true})
			continue
		}
		out = append(out, problem{ReasonLabelsPending, fmt.Sprintf("namespace label %s=%s is not on the Namespace yet", k, want), false})
	}
	return out
}

// plannedObjects names what a federation would put in the namespace through
// this Membership that is not there, and why.
func (r *Reconciler) plannedObjects(ctx context.Context, m *unionsv1.Membership, plan *lineage.NamespacePlan) ([]problem, error) {
	var out []problem
	for _, rf := range plan.Refused {
		if rf.Membership.UID == m.UID {
			out = append(out, problem{ReasonNameClash, rf.Message(), true})
		}
	}
	for _, d := range plan.Desired {
		if ref := metav1.GetControllerOf(d); ref == nil || ref.UID != m.UID {
			continue // another Membership of the namespace stewards it
		}
		p, err := r.objectInForce(ctx, m, d)
		if err != nil {
			return nil, err
		}
		if p != nil {
			out = append(out, *p)
		}
	}
	return out, nil
}

// objectInForce says why a planned object is not in force, or nil when it
// is there and the Membership's.
func (r *Reconciler) objectInForce(ctx context.Context, m *unionsv1.Membership, d *unstructured.Unstructured) (*problem, error) {
	newObj, ok := constitution.Kinds[d.GroupVersionKind()]
	if !ok {
		return nil, nil
	}
	cur := newObj().(client.Object)
	switch err := r.Get(ctx, client.ObjectKeyFromObject(d), cur); {
	case err == nil && metav1.IsControlledBy(cur, m):
		return nil, nil
	case err == nil:
		return &problem{ReasonNameClash, fmt.Sprintf("%s %s is another union's: this one is not put there", d.GetKind(), d.GetName()), true}, nil
	case !apierrors.IsNotFound(err):
		return nil, err
	}
	foreign := &metav1.PartialObjectMetadata{}
	foreign.SetGroupVersionKind(d.GroupVersionKind())
	switch err := r.APIReader.Get(ctx, client.ObjectKeyFromObject(d), foreign); {
	case err == nil:
		return &problem{ReasonNameClash, fmt.Sprintf("%s %s is an object union-operator did not make: it is left as it is, and the union's is not put there", d.GetKind(), d.GetName()), true}, nil
	case !apierrors.IsNotFound(err):
		return nil, err
	}
	return &problem{ReasonObjectsPending, fmt.Sprintf("%s %s is not in the namespace yet", d.GetKind(), d.GetName()), false}, nil
}

// missingParams names a params ConfigMap of the federation's lineage that
// the namespace lacks (the badge engine withholds the namespace badge
// until it is there), or "".
func (r *Reconciler) missingParams(ctx context.Context, m *unionsv1.Membership, con *constitution.Constitution) (string, error) {
	if con == nil {
		return "", nil
	}
	for _, fed := range con.Lineage {
		if len(con.StandardsOf(fed)) == 0 {
			continue
		}
		name := constitution.ParamsName(fed)
		switch err := r.Get(ctx, client.ObjectKey{Namespace: m.Namespace, Name: name}, &corev1.ConfigMap{}); {
		case apierrors.IsNotFound(err):
			return name, nil
		case err != nil:
			return "", err
		}
	}
	return "", nil
}
