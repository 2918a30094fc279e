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
	"maps"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	metav1ac "k8s.io/client-go/applyconfigurations/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/charter"
)

// reconcileCharter keeps the union's charter ConfigMap in the namespace of a
// badged Membership, owned by it, and removes it otherwise: nothing is
// written into a namespace that has not consented.
func (r *Reconciler) reconcileCharter(ctx context.Context, s *scope) error {
	m := s.membership
	if m.Status.Standing == unionsv1.StandingSeparated {
		// What the union made here is the separating ExitTreaty's to retain
		// or release; a Separated membership neither keeps nor removes it.
		return nil
	}
	name := charter.Name(m.Spec.Union)
	current := &corev1.ConfigMap{}
	err := r.Get(ctx, client.ObjectKey{Namespace: m.Namespace, Name: name}, current)
	if err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	exists := err == nil && metav1.IsControlledBy(current, m)

	if !m.Status.Standing.Badged() || s.union == nil {
		if exists {
			return client.IgnoreNotFound(r.Delete(ctx, current))
		}
		return nil
	}
	data, err := charter.Data(charter.Render(s.union, m.Status.Badge, s.parameters))
	if err != nil {
		return err
	}
	if exists && maps.Equal(current.Data, data) && current.Labels[unionsv1.UnionLabel] == m.Spec.Union.LabelValue() {
		return nil
	}
	cm := corev1ac.ConfigMap(name, m.Namespace).
		WithLabels(m.Spec.Union.ManagedLabels()).
		WithOwnerReferences(ownerReference(m)).
		WithData(data)
	return r.Apply(ctx, cm, client.FieldOwner(unionsv1.FieldManager), client.ForceOwnership)
}

func ownerReference(m *unionsv1.Membership) *metav1ac.OwnerReferenceApplyConfiguration {
	return metav1ac.OwnerReference().
		WithAPIVersion(unionsv1.GroupVersion.String()).
		WithKind("Membership").
		WithName(m.Name).
		WithUID(m.UID).
		WithController(true).
		WithBlockOwnerDeletion(true)
}
