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
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/admission"
	"github.com/kos-dev/union-operator/internal/agents"
	"github.com/kos-dev/union-operator/internal/badge"
	"github.com/kos-dev/union-operator/internal/conditions"
	"github.com/kos-dev/union-operator/internal/controller/federation"
	"github.com/kos-dev/union-operator/internal/index"
	"github.com/kos-dev/union-operator/internal/kube"
)

// maxListed bounds the agent names a Membership's status lists.
const maxListed = 100

// Reconciler reconciles Memberships.
type Reconciler struct {
	client.Client
	Clock    clock.PassiveClock
	Recorder events.EventRecorder
}

// scope holds what one reconcile observed.
type scope struct {
	membership *unionsv1.Membership
	union      unionsv1.Union
	facts      admission.Facts
	agents     []metav1.Object
	// parameters in force for a federation member, for its charter.
	parameters map[string]string
}

// +kubebuilder:rbac:groups=unions.kos.dev,resources=memberships,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=unions.kos.dev,resources=memberships/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=unions.kos.dev,resources=memberships/finalizers,verbs=update
// +kubebuilder:rbac:groups=unions.kos.dev,resources=coalitions;alliances;federations,verbs=get;list;watch
// +kubebuilder:rbac:groups=unions.kos.dev,resources=exittreaties,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=namespaces,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups="",resources=pods,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups=apps,resources=deployments;statefulsets;daemonsets,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups="",resources=configmaps,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile brings one Membership's standing and charter up to date.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (_ ctrl.Result, retErr error) {
	m := &unionsv1.Membership{}
	if err := r.Get(ctx, req.NamespacedName, m); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if m.DeletionTimestamp != nil {
		return ctrl.Result{}, r.finalize(ctx, m)
	}
	before := m.DeepCopy()

	s, err := r.observe(ctx, m)
	if err != nil {
		return ctrl.Result{}, err
	}
	decision := admission.Decide(s.facts)
	if err := r.holdExit(ctx, s, decision.Standing); err != nil {
		return ctrl.Result{}, err
	}
	r.setStatus(s, decision)

	if err := r.reconcileCharter(ctx, s); err != nil {
		return ctrl.Result{}, err
	}
	if err := kube.PatchStatus(ctx, r.Client, before, m); err != nil {
		return ctrl.Result{}, err
	}
	r.announce(before, m)
	return requeueAt(r.Clock.Now(), decision.RecheckAt), nil
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
		s.facts.Ended = ended(u, now)
	}

	ns := &metav1.PartialObjectMetadata{}
	ns.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Namespace"))
	if err := r.Get(ctx, types.NamespacedName{Name: m.Namespace}, ns); err != nil {
		return nil, err
	}
	s.facts.NamespaceLabels = ns.GetLabels()

	siblings, err := index.MembershipsOf(ctx, r, m.Spec.Union)
	if err != nil {
		return nil, err
	}
	s.facts.DuplicateOf = olderSibling(m, siblings)
	if s.union != nil {
		if err := r.observeExits(ctx, s, siblings, now); err != nil {
			return nil, err
		}
		if err := r.observeVerdict(ctx, s); err != nil {
			return nil, err
		}
	}

	if _, err := agents.NewSelector(m.Spec.Agents); err != nil {
		s.facts.InvalidTerms = "spec.agents is not a valid label selector: " + err.Error()
	} else if f, ok := s.union.(*unionsv1.Federation); ok {
		if s.facts.InvalidTerms, s.facts.InvalidTermsReason, s.parameters, err = federation.MemberTerms(ctx, r, m, f); err != nil {
			return nil, err
		}
	}
	objs, err := kube.AgentObjects(ctx, r, m.Namespace)
	if err != nil {
		return nil, err
	}
	s.agents = kube.Metas(objs)
	return s, nil
}

// ended says whether a union no longer takes members, and why.
func ended(u unionsv1.Union, now time.Time) *admission.Reason {
	if u.GetDeletionTimestamp() != nil {
		return &admission.Reason{Reason: "UnionDeleted", Message: "the union is being deleted"}
	}
	switch u := u.(type) {
	case *unionsv1.Coalition:
		if u.Status.Phase == unionsv1.CoalitionDissolved {
			return &admission.Reason{Reason: "UnionDissolved", Message: "the coalition was dissolved"}
		}
		if d := u.Deadline(); !d.IsZero() && !now.Before(d) {
			return &admission.Reason{Reason: "UnionExpired", Message: "the coalition expired at " + d.UTC().Format(time.RFC3339)}
		}
	case *unionsv1.Federation:
		if u.Status.Phase == unionsv1.FederationDissolved {
			return &admission.Reason{Reason: "UnionDissolved", Message: "the federation was dissolved"}
		}
	}
	return nil
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

// setStatus writes the decision into the Membership's status.
func (r *Reconciler) setStatus(s *scope, d admission.Decision) {
	m := s.membership
	now := metav1.NewTime(r.Clock.Now())
	st := &m.Status
	// Cooling off and withdrawing leave a member untouched: it is a member
	// since it last became badged.
	if d.Standing.Badged() && (!st.Standing.Badged() || st.ActiveSince == nil) {
		st.ActiveSince = &now
	}
	st.ReintegrationEligibleAt = unionsv1.TimePtr(s.facts.EligibleAt)
	st.Standing = d.Standing
	st.Badge, st.Agents, st.AgentCount = "", nil, 0
	if d.Standing.Badged() {
		st.Badge = badge.String(m.Spec.Union, unionsv1.RoleMember)
		sel, _ := agents.NewSelector(m.Spec.Agents)
		names := sel.Select(s.agents)
		st.AgentCount = int32(len(names))
		st.Agents = names[:min(len(names), maxListed)]
	}
	if !d.Standing.Badged() {
		st.ActiveSince = nil
	}
	summary := conditions.Summary{Reason: d.Reason.Reason, Message: d.Message}
	switch d.Standing {
	case unionsv1.StandingActive, unionsv1.StandingCoolingOff:
		summary.State = conditions.Ready
	case unionsv1.StandingRejected:
		summary.State = conditions.Stalled
	default:
		summary.State = conditions.Waiting
	}
	conditions.Set(&st.Conditions, m.Generation, now, summary)
	st.ObservedGeneration = m.Generation
}

// announce emits an Event when the standing changed.
func (r *Reconciler) announce(before, after *unionsv1.Membership) {
	if r.Recorder == nil || before.Status.Standing == after.Status.Standing {
		return
	}
	ready := meta.FindStatusCondition(after.Status.Conditions, unionsv1.ConditionReady)
	if ready == nil {
		return
	}
	eventType := corev1.EventTypeNormal
	if after.Status.Standing == unionsv1.StandingRejected {
		eventType = corev1.EventTypeWarning
	}
	r.Recorder.Eventf(after, nil, eventType, ready.Reason, "Admit",
		"Standing %s in %s: %s", after.Status.Standing, after.Spec.Union, ready.Message)
}

// requeueAt asks to be called again at a deadline, if there is one.
func requeueAt(now, at time.Time) ctrl.Result {
	if at.IsZero() {
		return ctrl.Result{}
	}
	return ctrl.Result{RequeueAfter: max(at.Sub(now), time.Millisecond)}
}
