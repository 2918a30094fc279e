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

package exittreaty

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/klog/v2"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/separation"
)

// assetKinds are the kinds of object the operator makes in member namespaces,
// all labelled with the union and app.kubernetes.io/managed-by and owned by
// the Membership. A treaty disposes of every one of them; a controller that
// starts making another kind adds it here (with the RBAC to list, patch and
// delete it).
var assetKinds = map[string]schema.GroupVersionKind{
	"ConfigMap":           corev1.SchemeGroupVersion.WithKind("ConfigMap"),
	"LimitRange":          corev1.SchemeGroupVersion.WithKind("LimitRange"),
	"NetworkPolicy":       networkingv1.SchemeGroupVersion.WithKind("NetworkPolicy"),
	"PodDisruptionBudget": policyv1.SchemeGroupVersion.WithKind("PodDisruptionBudget"),
	"ResourceQuota":       corev1.SchemeGroupVersion.WithKind("ResourceQuota"),
}

// AssetKinds lists, sorted, the kinds of object a treaty disposes of.
func AssetKinds() []string {
	return slices.Sorted(maps.Keys(assetKinds))
}

// unknownAssetKinds lists the kinds in spec.assets the operator never makes.
func unknownAssetKinds(t *unionsv1.ExitTreaty) []string {
	var unknown []string
	for _, a := range t.Spec.Assets {
		if _, ok := assetKinds[a.Kind]; !ok {
			unknown = append(unknown, a.Kind)
		}
	}
	return unknown
}

// disposition is what the treaty does with the union-made objects of a kind.
func disposition(t *unionsv1.ExitTreaty, kind string) unionsv1.AssetDisposition {
	for _, a := range t.Spec.Assets {
		if a.Kind == kind && a.Disposition == unionsv1.AssetRetain {
			return unionsv1.AssetRetain
		}
	}
	return unionsv1.AssetRelease
}

// assetTerms renders the treaty's asset terms, e.g. "ConfigMap Retain,
// every other kind Release".
func assetTerms(t *unionsv1.ExitTreaty) string {
	var retained []string
	for _, kind := range AssetKinds() {
		if disposition(t, kind) == unionsv1.AssetRetain {
			retained = append(retained, kind+" Retain")
		}
	}
	if len(retained) == 0 {
		return "every kind Release"
	}
	return strings.Join(retained, ", ") + ", every other kind Release"
}

// +kubebuilder:rbac:groups="",resources=configmaps;limitranges;resourcequotas,verbs=get;list;patch;delete
// +kubebuilder:rbac:groups=policy,resources=poddisruptionbudgets,verbs=get;list;patch;delete
// +kubebuilder:rbac:groups=networking.k8s.io,resources=networkpolicies,verbs=get;list;patch;delete

// disposeAssets retains or releases what the union made in the namespace,
// once the Membership is Separated by this very treaty (before that, the
// controllers that made the objects still keep them). It reads from the API
// server, not the cache: it runs once per exit and the cache holds none of
// the kinds it has not been asked to watch. Retained objects lose their
// owner reference and management labels, so the operator forgets them;
// released ones are deleted.
func (r *Reconciler) disposeAssets(ctx context.Context, s *scope) error {
	t, m := s.treaty, s.membership
	if m == nil || m.DeletionTimestamp != nil || m.Status.Standing != unionsv1.StandingSeparated {
		return nil
	}
	siblings := slices.Clone(s.siblings)
	for i := range siblings {
		if siblings[i].Name == t.Name {
			siblings[i] = *t
		}
	}
	if g := separation.Governing(m, siblings, nil); g == nil || g.Treaty != t.Name {
		return nil // a later exit, or a re-integration, governs the membership now
	}
	selector := client.MatchingLabels(t.Spec.Union.ManagedLabels())
	for _, kind := range AssetKinds() {
		gvk := assetKinds[kind]
		list := &metav1.PartialObjectMetadataList{}
		list.SetGroupVersionKind(gvk.GroupVersion().WithKind(kind + "List"))
		if err := r.APIReader.List(ctx, list, client.InNamespace(t.Namespace), selector); err != nil {
			return fmt.Errorf("listing %s: %w", kind, err)
		}
		for i := range list.Items {
			obj := &list.Items[i]
			obj.SetGroupVersionKind(gvk)
			if !ownedBy(obj, m) {
				continue
			}
			if err := r.dispose(ctx, t, m, obj, disposition(t, kind)); err != nil {
				return fmt.Errorf("disposing of %s %s: %w", kind, klog.KObj(obj), err)
			}
		}
	}
	return nil
}

// dispose retains or releases one object.
func (r *Reconciler) dispose(ctx context.Context, t *unionsv1.ExitTreaty, m *unionsv1.Membership, obj *metav1.PartialObjectMetadata, d unionsv1.AssetDisposition) error {
	kind := obj.GetObjectKind().GroupVersionKind().Kind
	if d == unionsv1.AssetRelease {
		if err := r.Delete(ctx, obj, client.Preconditions{UID: &obj.UID}); client.IgnoreNotFound(err) != nil {
			return err
		}
		r.event(t, corev1.EventTypeNormal, "AssetReleased", "Released %s %s: removed from namespace %s", kind, obj.Name, t.Namespace)
		return nil
	}
	var owners []metav1.OwnerReference
	for _, o := range obj.OwnerReferences {
		if o.UID != m.UID {
			owners = append(owners, o)
		}
	}
	// A JSON merge patch replaces the owner references whole; the
	// resourceVersion makes it fail, and retry, if they changed meanwhile.
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{
		"resourceVersion": obj.ResourceVersion,
		"labels":          map[string]any{unionsv1.ManagedByLabel: nil, unionsv1.UnionLabel: nil},
		"ownerReferences": owners,
	}})
	if err != nil {
		return err
	}
	if err := r.Patch(ctx, obj, client.RawPatch(types.MergePatchType, patch)); client.IgnoreNotFound(err) != nil {
		return err
	}
	ctrl.LoggerFrom(ctx).V(1).Info("Retained union-made object", "kind", kind, "object", klog.KObj(obj))
	r.event(t, corev1.EventTypeNormal, "AssetRetained", "Retained %s %s: handed to namespace %s, no longer managed by the operator", kind, obj.Name, t.Namespace)
	return nil
}

// ownedBy reports whether m owns obj.
func ownedBy(obj metav1.Object, m *unionsv1.Membership) bool {
	return slices.ContainsFunc(obj.GetOwnerReferences(), func(o metav1.OwnerReference) bool { return o.UID == m.UID })
}
