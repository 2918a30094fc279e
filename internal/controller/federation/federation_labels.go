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
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/badge"
	"github.com/kos-dev/union-operator/internal/conditions"
	"github.com/kos-dev/union-operator/internal/constitution"
	"github.com/kos-dev/union-operator/internal/index"
	"github.com/kos-dev/union-operator/internal/lineage"
)

// ConditionLabelsInForce reports whether the namespace labels of a
// federation's constitution are in force in all its member namespaces: a
// namespace that also joins an unrelated federation setting the same label
// to another value carries the value of the federation first by name.
const ConditionLabelsInForce = "LabelsInForce"

// Reasons of the LabelsInForce condition.
const (
	ReasonLabelsInForce = "InForce"
	ReasonOverruled     = "OverruledByFederation"
	ReasonLabelConflict = "LabelConflict"
)

// reportLabels sets the LabelsInForce condition from the same rule the badge
// engine applies (badge.Imposed) to each member namespace's federations.
func (k Kind) reportLabels(ctx context.Context, f *unionsv1.Federation, con constitution.Constitution, members []*unionsv1.Membership, now metav1.Time) error {
	ref := unionsv1.Reference(f)
	var lost []string
	reason := ReasonLabelConflict
	if len(con.NamespaceLabels) > 0 {
		for _, m := range members {
			grants, err := k.federationGrants(ctx, m.Namespace, f, con)
			if err != nil {
				return err
			}
			_, overruled := badge.Imposed(grants)
			for _, o := range overruled {
				if o.Union == ref {
					reason = ReasonOverruled
					lost = append(lost, fmt.Sprintf("namespace %s carries %s=%s of federation %s, not %q", m.Namespace, o.Key, o.ByValue, o.By.Name, o.Value))
				}
			}
			conflicts, err := k.conflicts(ctx, m.Namespace)
			if err != nil {
				return err
			}
			for _, key := range slices.Sorted(maps.Keys(con.NamespaceLabels)) {
				if theirs, ok := conflicts[key]; ok {
					lost = append(lost, fmt.Sprintf("namespace %s keeps %s=%s, set by another manager, not %q", m.Namespace, key, theirs, con.NamespaceLabels[key]))
				}
			}
		}
	}
	if len(lost) == 0 {
		conditions.Mark(&f.Status.Conditions, f.Generation, now, ConditionLabelsInForce, true, ReasonLabelsInForce,
			fmt.Sprintf("the constitution's namespace labels are in force in all %d member namespaces", len(members)))
		return nil
	}
	const named = 3
	msg := strings.Join(lost[:min(len(lost), named)], "; ")
	if len(lost) > named {
		msg += fmt.Sprintf("; and %d more", len(lost)-named)
	}
	if reason == ReasonOverruled {
		msg += ": between unrelated federations the first by name prevails"
	} else {
		msg += ": labels another manager holds are never taken"
	}
	conditions.Mark(&f.Status.Conditions, f.Generation, now, ConditionLabelsInForce, false, reason, msg)
	return nil
}

// conflicts returns the labels a namespace's unions would impose that
// another field manager holds (recorded by the badge engine).
func (k Kind) conflicts(ctx context.Context, namespace string) (map[string]string, error) {
	ns := &metav1.PartialObjectMetadata{}
	ns.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Namespace"))
	if err := k.Client.Get(ctx, types.NamespacedName{Name: namespace}, ns); err != nil {
		return nil, client.IgnoreNotFound(err)
	}
	return badge.ParseConflicts(ns.GetAnnotations()[badge.ConflictsAnnotation]), nil
}

// federationGrants returns the labels each badged Federation Membership of a
// namespace imposes, as the badge engine gathers them.
func (k Kind) federationGrants(ctx context.Context, namespace string, self *unionsv1.Federation, con constitution.Constitution) ([]badge.Grant, error) {
	ms, err := index.MembershipsIn(ctx, k.Client, namespace, unionsv1.KindFederation)
	if err != nil {
		return nil, err
	}
	var grants []badge.Grant
	for _, m := range ms {
		if !m.Badged() {
			continue
		}
		if m.Spec.Union.Name == self.Name {
			grants = append(grants, badge.Grant{Union: m.Spec.Union, NamespaceLabels: con.NamespaceLabels})
			continue
		}
		other := &unionsv1.Federation{}
		if err := k.Client.Get(ctx, types.NamespacedName{Name: m.Spec.Union.Name}, other); err != nil {
			if client.IgnoreNotFound(err) == nil {
				continue
			}
			return nil, err
		}
		otherCon, _, err := lineage.ConstitutionOf(ctx, k.Client, other)
		if err != nil {
			return nil, err
		}
		grants = append(grants, badge.Grant{Union: m.Spec.Union, NamespaceLabels: otherCon.NamespaceLabels})
	}
	return grants, nil
}
