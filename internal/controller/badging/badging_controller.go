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
	"fmt"
	"sync"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"k8s.io/klog/v2"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/agents"
	"github.com/kos-dev/union-operator/internal/badge"
	"github.com/kos-dev/union-operator/internal/constitution"
	"github.com/kos-dev/union-operator/internal/controller/federation"
	"github.com/kos-dev/union-operator/internal/kube"
	"github.com/kos-dev/union-operator/internal/metrics"
)

// Reconciler badges one namespace per request (the request's Name is the
// namespace). Requests for the same namespace coalesce in the work queue, so
// a burst of new Pods costs one pass.
type Reconciler struct {
	client.Client
	Recorder events.EventRecorder
	// Writes bounds the badge writes in flight across all namespaces.
	Writes chan struct{}

	inflight *inflight
}

// Reconcile puts the desired badges on the namespace and its agents.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	log := ctrl.LoggerFrom(ctx)
	nsName := req.Name

	ns := &metav1.PartialObjectMetadata{}
	ns.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Namespace"))
	if err := r.Get(ctx, types.NamespacedName{Name: nsName}, ns); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}

	grants, err := r.grants(ctx, nsName)
	if err != nil {
		return ctrl.Result{}, err
	}
	objects, err := kube.AgentObjects(ctx, r, nsName)
	if err != nil {
		return ctrl.Result{}, err
	}
	nsLabels, perObject := badge.Desired(grants, kube.Metas(objects))

	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	write := func(obj *metav1.PartialObjectMetadata, want badge.Labels) {
		defer wg.Done()
		defer func() { <-r.Writes }()
		if err := r.apply(ctx, obj, want); err != nil {
			mu.Lock()
			errs = append(errs, fmt.Errorf("badging %s %s: %w", obj.GetObjectKind().GroupVersionKind().Kind, klog.KObj(obj), err))
			mu.Unlock()
			return
		}
		r.inflight.record(obj, want)
	}
	needsWrite := func(obj *metav1.PartialObjectMetadata, want badge.Labels) bool {
		if want.Matches(obj.GetLabels(), obj.GetAnnotations()) {
			r.inflight.settle(obj)
			return false
		}
		// A terminating object takes no new badges; an object is never
		// re-created by a badge write (see apply).
		return obj.GetDeletionTimestamp() == nil && !r.inflight.pending(obj, want)
	}
	for i, obj := range objects {
		want := badge.Labels{Badges: perObject[i]}
		if needsWrite(obj, want) {
			r.Writes <- struct{}{}
			wg.Add(1)
			go write(obj, want)
		}
	}
	if needsWrite(ns, nsLabels) {
		r.Writes <- struct{}{}
		wg.Add(1)
		go write(ns, nsLabels)
	}
	wg.Wait()
	if len(errs) > 0 {
		log.V(1).Info("Some badge writes failed", "count", len(errs))
		return ctrl.Result{}, errs[0]
	}
	return ctrl.Result{}, nil
}

// grants gathers the badged Memberships of a namespace with the roles their
// unions give its agents.
func (r *Reconciler) grants(ctx context.Context, namespace string) ([]badge.Grant, error) {
	var list unionsv1.MembershipList
	if err := r.List(ctx, &list, client.InNamespace(namespace)); err != nil {
		return nil, err
	}
	var grants []badge.Grant
	for i := range list.Items {
		m := &list.Items[i]
		if !m.Status.Standing.Badged() || m.DeletionTimestamp != nil {
			continue
		}
		sel, err := agents.NewSelector(m.Spec.Agents)
		if err != nil {
			continue // the membership controller reports the invalid selector
		}
		g := badge.Grant{Union: m.Spec.Union, Agents: sel}
		if err := r.roles(ctx, namespace, &g); err != nil {
			return nil, err
		}
		grants = append(grants, g)
	}
	return grants, nil
}

// roles fills the council seats and interop agents a union gives a
// namespace, and the labels a federation's constitution (its ancestors'
// included) imposes on it.
func (r *Reconciler) roles(ctx context.Context, namespace string, g *badge.Grant) error {
	u := unionsv1.NewUnion(g.Union.Kind)
	if err := r.Get(ctx, types.NamespacedName{Name: g.Union.Name}, u); err != nil {
		if apierrors.IsNotFound(err) {
			return nil
		}
		return err
	}
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
		con, _, err := federation.ConstitutionOf(ctx, r, u)
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

// apply writes an object's badges — and on a Namespace the labels its unions
// impose, with the record of their keys — by one server-side apply of its
// metadata under the field manager union-operator: labels the operator
// applied before and no longer wants are released by the same write. A badge
// someone else wrote is not the operator's to keep, so it is removed by a
// second, rare write; imposed labels are never removed that way.
func (r *Reconciler) apply(ctx context.Context, obj *metav1.PartialObjectMetadata, want badge.Labels) error {
	gvk := obj.GetObjectKind().GroupVersionKind()
	var labels map[string]string
	if l := want.Labels(); len(l) > 0 {
		labels = l
	}
	u := newApplyObject(gvk.GroupVersion().String(), gvk.Kind, obj.GetNamespace(), obj.GetName(), labels)
	u.SetAnnotations(want.Annotations())
	// The resourceVersion makes the write fail rather than create an object
	// that was deleted since it was observed: Namespaces have no required
	// fields that would stop a create otherwise, and they rarely change.
	if gvk.Kind == "Namespace" {
		u.SetResourceVersion(obj.GetResourceVersion())
	}
	metrics.BadgeWrites.WithLabelValues(gvk.Kind).Inc()
	if err := r.Apply(ctx, client.ApplyConfigurationFromUnstructured(u), client.FieldOwner(unionsv1.FieldManager), client.ForceOwnership); err != nil {
		if apierrors.IsNotFound(err) || apierrors.IsInvalid(err) && obj.GetNamespace() != "" {
			// Gone since observed: an apply to a missing workload or Pod is
			// refused for want of a spec; nothing is created.
			return nil
		}
		return err
	}
	if stray := want.Badges.Stray(u.GetLabels()); len(stray) > 0 {
		return r.removeStray(ctx, obj, stray)
	}
	return nil
}

func (r *Reconciler) removeStray(ctx context.Context, obj *metav1.PartialObjectMetadata, keys []string) error {
	labels := map[string]any{}
	for _, k := range keys {
		labels[k] = nil
	}
	if r.Recorder != nil {
		r.Recorder.Eventf(obj, nil, corev1.EventTypeWarning, "BadgeRemoved", "RemoveBadge",
			"Removed badges %v that no Membership grants", keys)
	}
	patch, err := jsonMergePatch(map[string]any{"metadata": map[string]any{"labels": labels}})
	if err != nil {
		return err
	}
	target := obj.DeepCopy()
	return client.IgnoreNotFound(r.Patch(ctx, target, client.RawPatch(types.MergePatchType, patch), client.FieldOwner(unionsv1.FieldManager)))
}
