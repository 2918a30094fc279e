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

// Package membership reconciles Memberships: it decides each one's standing
// (consent, invitation, duplicates, the union's liveness), reports the agents
// it badges, and keeps the union's charter in the member namespace.
package membership

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/admission"
	"github.com/kos-dev/union-operator/internal/agentobjects"
	"github.com/kos-dev/union-operator/internal/badge"
	"github.com/kos-dev/union-operator/internal/charter"
	"github.com/kos-dev/union-operator/internal/constitution"
	"github.com/kos-dev/union-operator/internal/index"
	"github.com/kos-dev/union-operator/internal/liveness"
	"github.com/kos-dev/union-operator/internal/status"
)

// maxListed bounds the agent names a Membership's status lists.
const maxListed = 100

// ReasonCharterNotWritten is the reason of a Membership whose charter
// ConfigMap could not be written (a quota on ConfigMaps, say): it is not in
// force until it is.
const ReasonCharterNotWritten = "CharterNotWritten"

// Reconciler reconciles Memberships.
type Reconciler struct {
	client.Client
	// APIReader reads what the cache does not hold: whether an object of
	// the charter's name that the operator did not make is there.
	APIReader client.Reader
	Clock     clock.PassiveClock
	Recorder  events.EventRecorder
}

// scope holds what one reconcile observed.
type scope struct {
	membership *unionsv1.Membership
	union      unionsv1.Union
	// namespace is the member Namespace's metadata.
	namespace *metav1.PartialObjectMetadata
	facts     admission.Facts
	agents    []metav1.Object
	// terms are the terms in force (see observeTerms); refusedEdit names
	// an edit of them that was refused, leaving the earlier ones in force.
	terms       unionsv1.MembershipTerms
	refusedEdit *admission.Reason
	// constitution in force for a federation member.
	constitution *constitution.Constitution
	// parameters in force for a federation member, for its charter.
	parameters map[string]string
	// charterConflict is set when a same-named object that is not the
	// operator's keeps the charter out.
	charterConflict error
	// inForce says which clauses of the union are not in force yet.
	inForce inForce
}

// +kubebuilder:rbac:groups=unions.kos.dev,resources=memberships,verbs=list;watch;patch
// +kubebuilder:rbac:groups=unions.kos.dev,resources=memberships/status,verbs=patch
// +kubebuilder:rbac:groups=unions.kos.dev,resources=memberships/finalizers,verbs=update
// +kubebuilder:rbac:groups=unions.kos.dev,resources=coalitions;alliances;federations,verbs=list;watch
// +kubebuilder:rbac:groups=unions.kos.dev,resources=exittreaties,verbs=list;watch
// +kubebuilder:rbac:groups="",resources=namespaces,verbs=list;watch;patch
// +kubebuilder:rbac:groups="",resources=pods,verbs=list;watch;patch
// +kubebuilder:rbac:groups=apps,resources=deployments;statefulsets;daemonsets,verbs=list;watch;patch
// +kubebuilder:rbac:groups="",resources=configmaps,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile brings one Membership's standing and charter up to date; its
// status is written once, at the end, however the reconcile ends.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (res ctrl.Result, retErr error) {
	m := &unionsv1.Membership{}
	if err := r.Get(ctx, req.NamespacedName, m); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if m.DeletionTimestamp != nil {
		return ctrl.Result{}, r.finalize(ctx, m)
	}
	before := m.DeepCopy()
	// A stale cache must not write a transition twice (nor announce it twice).
	patcher := status.NewPatcher(r.Client, m, status.WithOptimisticLock())
	var outcome status.Outcome
	var s *scope
	defer func() {
		res, retErr = patcher.Finish(ctx, m, r.Clock.Now(), outcome, retErr)
		// The end of the union ends its every standing: the union's own
		// Event says so, once, rather than one per member.
		if patcher.Written && (s == nil || s.facts.Ended == nil) {
			r.announce(before, m)
		}
	}()

	s, err := r.observe(ctx, m)
	if err != nil {
		return ctrl.Result{}, err
	}
	decision := admission.Decide(s.facts)
	if err := r.holdExit(ctx, s, decision.Standing, patcher); err != nil {
		return ctrl.Result{}, err
	}
	r.setStanding(s, decision)
	if err := r.reconcileCharter(ctx, s); err != nil {
		return ctrl.Result{}, status.Wrap(ReasonCharterNotWritten, fmt.Errorf("writing the charter ConfigMap %s: %w", charter.Name(m.Spec.Union), err))
	}
	if err := r.observeInForce(ctx, s); err != nil {
		return ctrl.Result{}, err
	}
	outcome = r.conclude(s, decision)
	return ctrl.Result{}, nil
}

// observe gathers the facts of a Membership from the cache.
func (r *Reconciler) observe(ctx context.Context, m *unionsv1.Membership) (*scope, error) {
	s := &scope{membership: m}
	now := r.Clock.Now()
	s.facts = admission.Facts{Namespace: m.Namespace, Now: now}

	u := unionsv1.NewUnion(m.Spec.Union.Kind)
	switch err := r.Get(ctx, types.NamespacedName{Name: m.Spec.Union.Name}, u); {
	case apierrors.IsNotFound(err):
	case err != nil:
		return nil, err
	default:
		s.union = u
		s.facts.Union = u
		if end := liveness.Ended(u, now); end != nil {
			s.facts.Ended = &admission.Reason{Reason: end.Reason, Message: end.Message}
		}
	}

	ns := &metav1.PartialObjectMetadata{}
	ns.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Namespace"))
	if err := r.Get(ctx, types.NamespacedName{Name: m.Namespace}, ns); err != nil {
		return nil, err
	}
	s.namespace = ns
	// Invitations by label honour only the labels the platform set: labels
	// a union imposes, and badges, invite to no other union.
	s.facts.NamespaceLabels = badge.PlatformLabels(ns.GetLabels(), ns.GetAnnotations())
	// A member of a union that takes a treaty to leave stays a member while
	// its Membership stands: only a treaty, an expulsion or the union's end
	// end it, not a change of invitation.
	s.facts.Member = s.union != nil && unionsv1.NeedsTreaty(s.union) && m.Badged()

	siblings, err := index.MembershipsOf(ctx, r, m.Spec.Union)
	if err != nil {
		return nil, err
	}
	s.facts.DuplicateOf = olderSibling(m, siblings)
	if s.union != nil {
		if err := r.observeExits(ctx, s, siblings, now); err != nil {
			return nil, err
		}
		r.observeVerdict(s)
	}

	if err := r.observeTerms(ctx, s); err != nil {
		return nil, err
	}
	objs, err := agentobjects.List(ctx, r, m.Namespace)
	if err != nil {
		return nil, err
	}
	s.agents = agentobjects.Metas(objs)
	return s, nil
}

// olderSibling names the Membership of the same namespace and union that was
// created first, if it is not m: one Membership per namespace and union.
func olderSibling(m *unionsv1.Membership, siblings []unionsv1.Membership) string {
	first := m
	for i := range siblings {
		o := &siblings[i]
		if o.Namespace != m.Namespace || o.DeletionTimestamp != nil {
			continue
		}
		if o.CreationTimestamp.Before(&first.CreationTimestamp) ||
			o.CreationTimestamp.Equal(&first.CreationTimestamp) && o.Name < first.Name {
			first = o
		}
	}
	if first.Name == m.Name {
		return ""
	}
	return first.Name
}
