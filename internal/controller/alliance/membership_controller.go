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
	"errors"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/apply"
)

// MembershipReconciler keeps, for each Alliance Membership, what the alliance
// puts in the member namespace: a PodDisruptionBudget per member agent
// workload (preemptive defence) and the bridge NetworkPolicy. They exist
// while the Membership is badged (Active or CoolingOff), are owned by it,
// and go when it leaves, is deleted or the alliance drops the terms.
type MembershipReconciler struct {
	client.Client
	// APIReader reads agent workloads in full (their pod selectors), and
	// whether an object the operator would create is there already.
	APIReader client.Reader
	Recorder  events.EventRecorder
}

// +kubebuilder:rbac:groups=policy,resources=poddisruptionbudgets,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=networking.k8s.io,resources=networkpolicies,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=unions.kos.dev,resources=memberships,verbs=list;watch
// +kubebuilder:rbac:groups=unions.kos.dev,resources=memberships/finalizers,verbs=update

// Reconcile brings one Alliance Membership's objects up to date. The request
// may name a Membership that is gone: its objects are then removed (the
// garbage collector would too, but only eventually, and not everywhere).
func (r *MembershipReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	m := &unionsv1.Membership{}
	switch err := r.Get(ctx, req.NamespacedName, m); {
	case apierrors.IsNotFound(err):
		m = nil
	case err != nil:
		return ctrl.Result{}, err
	}
	if m != nil && m.Status.Standing == unionsv1.StandingSeparated {
		// What the alliance made here is the separating ExitTreaty's to
		// retain or release.
		return ctrl.Result{}, nil
	}
	a, err := r.allianceOf(ctx, m)
	if err != nil {
		return ctrl.Result{}, err
	}
	if err := r.reconcileBudgets(ctx, req, m, a); err != nil {
		return ctrl.Result{}, err
	}
	return ctrl.Result{}, r.reconcileBridge(ctx, req, m, a)
}

// allianceOf returns the alliance a badged Membership joins, or nil when
// nothing may be written for it: no consent, no alliance, or one going away.
func (r *MembershipReconciler) allianceOf(ctx context.Context, m *unionsv1.Membership) (*unionsv1.Alliance, error) {
	if m == nil || m.Spec.Union.Kind != unionsv1.KindAlliance || !m.Status.Standing.Badged() || m.DeletionTimestamp != nil {
		return nil, nil
	}
	a := &unionsv1.Alliance{}
	if err := r.Get(ctx, types.NamespacedName{Name: m.Spec.Union.Name}, a); err != nil {
		return nil, client.IgnoreNotFound(err)
	}
	if a.DeletionTimestamp != nil {
		return nil, nil
	}
	return a, nil
}

// ownedBy reports whether an object is an alliance's, controlled by the
// Membership of the request (whatever its UID: a Membership re-created under
// the same name takes over or removes what its predecessor left).
func ownedBy(obj client.Object, req ctrl.Request) bool {
	ref := metav1.GetControllerOf(obj)
	return ref != nil && ref.Kind == "Membership" && ref.Name == req.Name &&
		isAlliance(obj.GetLabels()[unionsv1.UnionLabel])
}

// isAlliance reports whether a union label names an alliance.
func isAlliance(label string) bool {
	ref, ok := unionsv1.ParseUnionLabel(label)
	return ok && ref.Kind == unionsv1.KindAlliance
}

// operatorMade selects, in the cache, the objects the operator made.
var operatorMade = client.MatchingLabels{unionsv1.ManagedByLabel: unionsv1.ManagedByValue}

// write writes an alliance object for a Membership, unless an object of its
// name that is not the operator's for this union is there: that one is left
// as it is and the Membership is told (an Event), nothing is taken over.
func (r *MembershipReconciler) write(ctx context.Context, m *unionsv1.Membership, obj, current client.Object) error {
	err := apply.Owned(ctx, r.Client, r.APIReader, obj, current)
	var conflict *apply.ConflictError
	if errors.As(err, &conflict) {
		r.Recorder.Eventf(m, nil, corev1.EventTypeWarning, "NameClash", "Defend", "%v", err)
		return nil
	}
	return err
}
