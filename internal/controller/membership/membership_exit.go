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
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/klog/v2"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/admission"
	"github.com/kos-dev/union-operator/internal/index"
	"github.com/kos-dev/union-operator/internal/separation"
	"github.com/kos-dev/union-operator/internal/status"
)

// observeExits adds what ExitTreaties and past exits mean for the Membership:
// the treaty cooling it off or separating it, its request to rejoin, and the
// earliest time the namespace may be a member again.
func (r *Reconciler) observeExits(ctx context.Context, s *scope, siblings []unionsv1.Membership, now time.Time) error {
	m := s.membership
	treaties, err := index.ExitTreatiesOf(ctx, r, m.Spec.Union, m.Namespace)
	if err != nil {
		return err
	}
	if x := separation.Governing(m, treaties, s.union.Standing().FormerMembers); x != nil {
		s.facts.Exit = &admission.Exit{Treaty: x.Treaty, Effective: x.Effective, EffectiveAt: x.EffectiveAt}
	}
	s.facts.Reintegrate = m.Spec.Reintegrate
	s.facts.EligibleAt = separation.EligibleAt(m.Namespace, s.union, treaties, siblings, now)
	return nil
}

// holdExit keeps the exit finalizer on a member of a union that needs a
// treaty to leave, and only there: it lets the union record a deletion
// without an Effective treaty as a unilateral exit, even one made while the
// operator was down.
func (r *Reconciler) holdExit(ctx context.Context, s *scope, standing unionsv1.Standing, patcher *status.Patcher) error {
	m := s.membership
	want := separation.WantsFinalizer(s.union, standing)
	if want == controllerutil.ContainsFinalizer(m, separation.ExitFinalizer) {
		return nil
	}
	// The finalizer is written on a copy, so that the status computed on m
	// is patched against the status it was read with.
	patched := m.DeepCopy()
	if want {
		controllerutil.AddFinalizer(patched, separation.ExitFinalizer)
	} else {
		controllerutil.RemoveFinalizer(patched, separation.ExitFinalizer)
	}
	if err := r.Patch(ctx, patched, client.MergeFromWithOptions(m, client.MergeFromWithOptimisticLock{})); err != nil {
		return ignoreConflict(err)
	}
	patcher.MetadataPatched(m, patched.ResourceVersion)
	return nil
}

// ignoreConflict drops a conflict: the Membership changed since the cache
// showed it, and the change brings it back to be reconciled afresh.
func ignoreConflict(err error) error {
	if apierrors.IsConflict(err) {
		return nil
	}
	return err
}

// finalize lets a deleted Membership go once its exit is on record: a
// unilateral exit waits until the union's formerMembers holds it (the union
// reconciler, sole writer of union status, records it); any other deletion
// goes at once.
func (r *Reconciler) finalize(ctx context.Context, m *unionsv1.Membership) error {
	if !controllerutil.ContainsFinalizer(m, separation.ExitFinalizer) {
		return nil
	}
	u := unionsv1.NewUnion(m.Spec.Union.Kind)
	switch err := r.Get(ctx, types.NamespacedName{Name: m.Spec.Union.Name}, u); {
	case apierrors.IsNotFound(err):
		u = nil
	case err != nil:
		return err
	}
	unilateral := false
	if u != nil && u.GetDeletionTimestamp() == nil {
		treaties, err := index.ExitTreatiesOf(ctx, r, m.Spec.Union, m.Namespace)
		if err != nil {
			return err
		}
		unilateral = separation.Unilateral(m, u, treaties)
		if unilateral && !separation.Recorded(u.Standing().FormerMembers, m) {
			ctrl.LoggerFrom(ctx).V(1).Info("Waiting for the union to record a unilateral exit", "union", m.Spec.Union.String())
			return nil // the union's status change brings the Membership back
		}
	}
	patched := m.DeepCopy()
	controllerutil.RemoveFinalizer(patched, separation.ExitFinalizer)
	if err := r.Patch(ctx, patched, client.MergeFromWithOptions(m, client.MergeFromWithOptimisticLock{})); err != nil {
		return client.IgnoreNotFound(ignoreConflict(err))
	}
	ctrl.LoggerFrom(ctx).V(1).Info("Released deleted membership", "membership", klog.KObj(m))
	if unilateral {
		r.announceUnilateral(m, u)
	}
	return nil
}

// announceUnilateral tells the member namespace what leaving without a
// treaty costs it.
func (r *Reconciler) announceUnilateral(m *unionsv1.Membership, u unionsv1.Union) {
	wait := separation.UnilateralFactor * separation.ReintegrationAfter(u)
	r.Recorder.Eventf(m, nil, corev1.EventTypeWarning, "UnilateralExit", "Leave",
		"Left %s without an Effective ExitTreaty: recorded as a unilateral exit; the namespace may rejoin after %s", m.Spec.Union, wait)
}
