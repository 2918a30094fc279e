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

// Package badging is the badge engine: for each namespace it puts on the
// Namespace, its agent workloads and their Pods exactly the badges the
// namespace's Memberships grant, by server-side apply of metadata labels only
// (never pod templates, so joining and leaving roll out nothing). The
// Namespace also carries the labels its federations' constitutions impose,
// written by the same apply, so that badges and imposed labels never undo
// each other.
package badging

import (
	"context"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/tools/events"
	"k8s.io/klog/v2"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/agentobjects"
	"github.com/kos-dev/union-operator/internal/agents"
	"github.com/kos-dev/union-operator/internal/badge"
	"github.com/kos-dev/union-operator/internal/constitution"
	"github.com/kos-dev/union-operator/internal/lineage"
	"github.com/kos-dev/union-operator/internal/liveness"
	"github.com/kos-dev/union-operator/internal/status"
)

// Reconciler badges one namespace per request (the request's Name is the
// namespace). Requests for the same namespace coalesce in the work queue, so
// a burst of new Pods costs one pass.
type Reconciler struct {
	client.Client
	Clock    clock.PassiveClock
	Recorder events.EventRecorder

	// metadata sends the badge writes, metadata in and out.
	metadata metadata.Interface
	// writers make the badge writes, a bounded number in flight across all
	// namespaces.
	writers  *writers
	inflight *inflight
}

// Reconcile puts the desired badges on the namespace and its agents.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	nsName := req.Name
	now := r.Clock.Now()

	ns := &metav1.PartialObjectMetadata{}
	ns.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Namespace"))
	if err := r.Get(ctx, types.NamespacedName{Name: nsName}, ns); err != nil {
		if apierrors.IsNotFound(err) {
			r.inflight.keepListed(nsName, nil, nil)
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}

	grants, next, err := r.grants(ctx, nsName, now)
	if err != nil {
		return ctrl.Result{}, err
	}
	objects, err := agentobjects.List(ctx, r, nsName)
	if err != nil {
		return ctrl.Result{}, err
	}
	r.inflight.keepListed(nsName, ns, objects)
	nsLabels, perObject := badge.Desired(grants, agentobjects.Metas(objects))
	// Labels another field manager holds are given up while it holds them.
	nsLabels = nsLabels.Yield(ns.GetLabels(), badge.ParseConflicts(ns.GetAnnotations()[badge.ConflictsAnnotation]))

	type write struct {
		obj  *metav1.PartialObjectMetadata
		want badge.Labels
	}
	var todo []write
	needsWrite := func(obj *metav1.PartialObjectMetadata, want badge.Labels) bool {
		if want.Matches(obj.GetLabels(), obj.GetAnnotations()) {
			r.inflight.settle(obj)
			return false
		}
		// A terminating object takes no new badges; an object is never
		// re-created by a badge write (see apply).
		if obj.GetDeletionTimestamp() != nil {
			r.inflight.settle(obj)
			return false
		}
		return !r.inflight.pending(obj, want)
	}
	for i, obj := range objects {
		if want := (badge.Labels{Badges: perObject[i]}); needsWrite(obj, want) {
			todo = append(todo, write{obj, want})
		}
	}
	if needsWrite(ns, nsLabels) {
		todo = append(todo, write{ns, nsLabels})
	}

	errs := r.writers.each(ctx, len(todo), func(i int) error {
		w := todo[i]
		written, err := r.apply(ctx, w.obj, w.want)
		if err != nil {
			return fmt.Errorf("badging %s %s: %w", w.obj.GetObjectKind().GroupVersionKind().Kind, klog.KObj(w.obj), err)
		}
		r.inflight.record(w.obj, written)
		return nil
	})
	if err := errors.Join(errs...); err != nil {
		return ctrl.Result{}, err
	}
	return status.RequeueAt(now, next), nil
}

// grants gathers the badged Memberships of a namespace whose unions are in
// force, with the roles their unions give its agents, and the next instant
// one of those unions ends by time alone (a coalition's deadline): the
// badges go at that instant, not once the news has travelled through the
// union's and the Membership's status.
func (r *Reconciler) grants(ctx context.Context, namespace string, now time.Time) ([]badge.Grant, time.Time, error) {
	var list unionsv1.MembershipList
	if err := r.List(ctx, &list, client.InNamespace(namespace)); err != nil {
		return nil, time.Time{}, err
	}
	var grants []badge.Grant
	var next time.Time
	for i := range list.Items {
		m := &list.Items[i]
		if !m.Status.Standing.Badged() || m.DeletionTimestamp != nil {
			continue
		}
		sel, err := agents.NewSelector(m.TermsInForce().Agents)
		if err != nil {
			continue // the membership controller reports the invalid selector
		}
		u := unionsv1.NewUnion(m.Spec.Union.Kind)
		if err := r.Get(ctx, types.NamespacedName{Name: m.Spec.Union.Name}, u); err != nil {
			if apierrors.IsNotFound(err) {
				continue // no union, no badge
			}
			return nil, time.Time{}, err
		}
		if liveness.Ended(u, now) != nil {
			continue
		}
		next = status.Earliest(next, liveness.NextEnd(u, now))
		g := badge.Grant{Union: m.Spec.Union, Agents: sel}
		if err := r.roles(ctx, namespace, u, &g); err != nil {
			return nil, time.Time{}, err
		}
		grants = append(grants, g)
	}
	return grants, next, nil
}

// roles fills the council seats and interop agents a union gives a
// namespace, and the labels a federation's constitution (its ancestors'
// included) imposes on it.
func (r *Reconciler) roles(ctx context.Context, namespace string, u unionsv1.Union, g *badge.Grant) error {
	switch u := u.(type) {
	case *unionsv1.Coalition:
		if u.Status.Council != nil {
			g.Council = map[string]bool{}
			for _, seat := range u.Status.Council.Members {
				if seat.Namespace == namespace {
					g.Council[seat.Agent] = true
				}
			}
		}
	case *unionsv1.Alliance:
		if b := u.Spec.Bridge; b != nil && b.Mode == unionsv1.BridgeHub && b.Interop != nil {
			if sel, err := agents.NewSelector(b.Interop); err == nil {
				g.Interop = &sel
			}
		}
	case *unionsv1.Federation:
		con, _, err := lineage.ConstitutionOf(ctx, r, u)
		if err != nil {
			return err
		}
		g.NamespaceLabels = con.NamespaceLabels
		g.Withheld, err = r.lacksParams(ctx, namespace, con)
		if err != nil {
			return err
		}
	}
	return nil
}

// lacksParams reports whether a params ConfigMap that the admission
// policies of a federation's line read is missing from the namespace: the
// namespace badge would put those policies in force, and they deny every
// request of a namespace without their parameters.
func (r *Reconciler) lacksParams(ctx context.Context, namespace string, con constitution.Constitution) (bool, error) {
	for _, fed := range con.Lineage {
		if len(con.StandardsOf(fed)) == 0 {
			continue
		}
		err := r.Get(ctx, types.NamespacedName{Namespace: namespace, Name: constitution.ParamsName(fed)}, &corev1.ConfigMap{})
		if apierrors.IsNotFound(err) {
			ctrl.LoggerFrom(ctx).V(1).Info("Withholding the namespace badge until its parameters are in", "federation", fed)
			return true, nil
		}
		if err != nil {
			return false, err
		}
	}
	return false, nil
}
