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
	"errors"
	"fmt"
	"maps"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/apply"
	"github.com/kos-dev/union-operator/internal/charter"
)

// reconcileCharter keeps the union's charter ConfigMap in the namespace of a
// badged Membership, owned by it, and removes it otherwise: nothing is
// written into a namespace that has not consented. An object of the
// charter's name that the operator did not make for this union is never
// taken over (nor removed): the charter is then not in force
// (s.charterConflict).
func (r *Reconciler) reconcileCharter(ctx context.Context, s *scope) error {
	m := s.membership
	if m.Status.Standing == unionsv1.StandingSeparated {
		// What the union made here is the separating ExitTreaty's to retain
		// or release; a Separated membership neither keeps nor removes it.
		return nil
	}
	name := charter.Name(m.Spec.Union)
	current := &corev1.ConfigMap{}
	var cur client.Object
	switch err := r.Get(ctx, client.ObjectKey{Namespace: m.Namespace, Name: name}, current); {
	case err == nil:
		cur = current
	case !apierrors.IsNotFound(err):
		return err
	}
	ours := cur != nil && metav1.IsControlledBy(current, m)

	if !m.Status.Standing.Badged() || s.union == nil {
		if ours {
			uid := current.UID
			return client.IgnoreNotFound(r.Delete(ctx, current, client.Preconditions{UID: &uid}))
		}
		return nil
	}
	data, err := charter.Data(charter.Render(s.union, m.Status.Badge, s.parameters))
	if err != nil {
		return err
	}
	if ours && maps.Equal(current.Data, data) && current.Labels[unionsv1.UnionLabel] == m.Spec.Union.LabelValue() {
		return nil
	}
	cm := &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Namespace: m.Namespace, Name: name, Labels: m.Spec.Union.ManagedLabels()},
		Data:       data,
	}
	apply.ControlledBy(cm, m, "Membership")
	err = apply.Owned(ctx, r.Client, r.APIReader, cm, cur)
	if conflict := (*apply.ConflictError)(nil); errors.As(err, &conflict) {
		s.charterConflict = fmt.Errorf("the charter %w", err)
		return nil
	}
	return err
}
