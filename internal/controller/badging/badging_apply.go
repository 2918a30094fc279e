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

package badging

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/klog/v2"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/badge"
	"github.com/kos-dev/union-operator/internal/metrics"
)

// applyBody is the apply configuration of an object's labels alone (and,
// on a Namespace, the annotations recording imposed labels and conflicts).
// It is a struct rather than an unstructured map: it is encoded once per
// badge write, the badge engine's hot path.
type applyBody struct {
	APIVersion string    `json:"apiVersion"`
	Kind       string    `json:"kind"`
	Metadata   applyMeta `json:"metadata"`
}

// applyMeta is the metadata of an applyBody. Absent labels or annotations
// release those the operator applied before.
type applyMeta struct {
	Name            string            `json:"name"`
	Namespace       string            `json:"namespace,omitempty"`
	ResourceVersion string            `json:"resourceVersion,omitempty"`
	Labels          map[string]string `json:"labels,omitempty"`
	Annotations     map[string]string `json:"annotations,omitempty"`
}

// apply writes an object's badges — and on a Namespace the labels its unions
// impose, with the records of their keys and of conflicts — by one
// server-side apply of its metadata under the field manager union-operator,
// without forcing ownership: labels the operator applied before and no
// longer wants are released by the same write, and a label another field
// manager holds with another value is never taken. Such a conflict costs a
// second write: the labels in conflict are given up and recorded
// (badge.ConflictsAnnotation), so the clause is reported as not in force,
// and the rest goes on. Badge keys are the operator's domain (no one else
// may write them, see config/policies): a badge another manager holds is
// taken back by that second write, and a badge someone else wrote that no
// Membership grants is removed by a third, rare one. It returns what it
// wrote.
func (r *Reconciler) apply(ctx context.Context, obj *metav1.PartialObjectMetadata, want badge.Labels) (badge.Labels, error) {
	written, err := r.applyLabels(ctx, obj, want, false)
	if keys := conflictingLabels(err); len(keys) > 0 {
		var badges, others []string
		for _, k := range keys {
			if unionsv1.IsBadgeKey(k) {
				badges = append(badges, k)
			} else {
				others = append(others, k)
			}
		}
		want = want.WithConflicts(others, obj.GetLabels())
		ctrl.LoggerFrom(ctx).V(1).Info("Labels held by another field manager are not taken", "object", klog.KObj(obj), "labels", others, "badges", badges)
		written, err = r.applyLabels(ctx, obj, want, len(badges) > 0)
	}
	if err != nil {
		if apierrors.IsNotFound(err) || apierrors.IsInvalid(err) && obj.GetNamespace() != "" {
			// Gone since observed: an apply to a missing workload or Pod is
			// refused for want of a spec; nothing is created.
			return want, nil
		}
		metrics.BadgeWriteErrors.WithLabelValues(obj.GetObjectKind().GroupVersionKind().Kind).Inc()
		return want, err
	}
	if stray := want.Badges.Stray(written.GetLabels()); len(stray) > 0 {
		return want, r.removeStray(ctx, obj, stray)
	}
	return want, nil
}

// applyLabels sends one apply of want; take forces ownership of what it
// sends (only ever badge keys and the operator's own annotations, once the
// labels of other managers have been given up).
func (r *Reconciler) applyLabels(ctx context.Context, obj *metav1.PartialObjectMetadata, want badge.Labels, take bool) (*metav1.PartialObjectMetadata, error) {
	gvk := obj.GetObjectKind().GroupVersionKind()
	apply := applyBody{
		APIVersion: gvk.GroupVersion().String(),
		Kind:       gvk.Kind,
		Metadata: applyMeta{
			Name:        obj.GetName(),
			Namespace:   obj.GetNamespace(),
			Labels:      want.Labels(),
			Annotations: want.Annotations(),
		},
	}
	// The resourceVersion makes the write fail rather than create an object
	// that was deleted since it was observed: Namespaces have no required
	// fields that would stop a create otherwise, and they rarely change.
	if gvk.Kind == "Namespace" {
		apply.Metadata.ResourceVersion = obj.GetResourceVersion()
	}
	body, err := json.Marshal(apply)
	if err != nil {
		return nil, err
	}
	metrics.BadgeWrites.WithLabelValues(gvk.Kind).Inc()
	// Sent as metadata: the API server answers with the object's metadata
	// only, not the whole Pod or workload, which would cost the operator
	// more to decode than everything else it does for the badge.
	gvr, err := resourceOf(gvk)
	if err != nil {
		return nil, err
	}
	return r.metadata.Resource(gvr).Namespace(obj.GetNamespace()).Patch(ctx, obj.GetName(), types.ApplyPatchType, body,
		metav1.PatchOptions{FieldManager: unionsv1.FieldManager, Force: &take})
}

// resources are the resources of the kinds the badge engine writes: agent
// objects (agents.Kinds) and Namespaces, all built in, so no discovery is
// needed to write them.
var resources = map[schema.GroupVersionKind]schema.GroupVersionResource{
	corev1.SchemeGroupVersion.WithKind("Namespace"):   corev1.SchemeGroupVersion.WithResource("namespaces"),
	corev1.SchemeGroupVersion.WithKind("Pod"):         corev1.SchemeGroupVersion.WithResource("pods"),
	appsv1.SchemeGroupVersion.WithKind("Deployment"):  appsv1.SchemeGroupVersion.WithResource("deployments"),
	appsv1.SchemeGroupVersion.WithKind("StatefulSet"): appsv1.SchemeGroupVersion.WithResource("statefulsets"),
	appsv1.SchemeGroupVersion.WithKind("DaemonSet"):   appsv1.SchemeGroupVersion.WithResource("daemonsets"),
}

// resourceOf is the resource of a kind the badge engine writes.
func resourceOf(gvk schema.GroupVersionKind) (schema.GroupVersionResource, error) {
	gvr, ok := resources[gvk]
	if !ok {
		return gvr, fmt.Errorf("the badge engine writes no %s", gvk)
	}
	return gvr, nil
}

// conflictingLabels returns the label keys a server-side apply was refused
// for because other field managers hold them.
func conflictingLabels(err error) []string {
	var status apierrors.APIStatus
	if err == nil || !apierrors.IsConflict(err) || !errors.As(err, &status) || status.Status().Details == nil {
		return nil
	}
	var keys []string
	for _, c := range status.Status().Details.Causes {
		if key, ok := strings.CutPrefix(c.Field, ".metadata.labels."); ok && c.Type == metav1.CauseTypeFieldManagerConflict {
			keys = append(keys, key)
		}
	}
	return keys
}

func (r *Reconciler) removeStray(ctx context.Context, obj *metav1.PartialObjectMetadata, keys []string) error {
	labels := map[string]any{}
	for _, k := range keys {
		labels[k] = nil
	}
	r.Recorder.Eventf(obj, nil, corev1.EventTypeWarning, "BadgeRemoved", "RemoveBadge",
		"Removed badges %v that no Membership grants", keys)
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{"labels": labels}})
	if err != nil {
		return err
	}
	target := obj.DeepCopy()
	return client.IgnoreNotFound(r.Patch(ctx, target, client.RawPatch(types.MergePatchType, patch), client.FieldOwner(unionsv1.FieldManager)))
}
