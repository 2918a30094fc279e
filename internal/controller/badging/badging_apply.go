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

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/badge"
	"github.com/kos-dev/union-operator/internal/metrics"
)

// newApplyObject is the apply configuration of an object's labels alone
// (and, on a Namespace, the annotation recording imposed labels).
func newApplyObject(apiVersion, kind, namespace, name string, labels map[string]string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion(apiVersion)
	u.SetKind(kind)
	u.SetNamespace(namespace)
	u.SetName(name)
	u.SetLabels(labels)
	return u
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
	r.Recorder.Eventf(obj, nil, corev1.EventTypeWarning, "BadgeRemoved", "RemoveBadge",
		"Removed badges %v that no Membership grants", keys)
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{"labels": labels}})
	if err != nil {
		return err
	}
	target := obj.DeepCopy()
	return client.IgnoreNotFound(r.Patch(ctx, target, client.RawPatch(types.MergePatchType, patch), client.FieldOwner(unionsv1.FieldManager)))
}
