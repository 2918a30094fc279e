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

package federation

import (
	"context"
	"maps"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/runtime"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/constitution"
	"github.com/kos-dev/union-operator/internal/lineage"
	"github.com/kos-dev/union-operator/internal/watches"
)

// SetupWithManager registers the controller, keyed by namespace: it follows
// Federation Memberships, the federations (a federation's terms reach the
// members of its descendants too), the badges on Namespaces and the objects
// federations made, so that
// an edited or deleted one is put back at once — the cache holds only
// objects the operator made (operator.CacheOptions).
func (r *NamespaceReconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	namespaceOf := handler.EnqueueRequestsFromMapFunc(func(_ context.Context, o client.Object) []reconcile.Request {
		if !constitution.Owned(o.GetLabels(), o.GetName()) {
			return nil
		}
		return []reconcile.Request{{NamespacedName: client.ObjectKey{Name: o.GetNamespace()}}}
	})
	b := ctrl.NewControllerManagedBy(mgr).
		Named("federation-member").
		Watches(&unionsv1.Membership{}, handler.EnqueueRequestsFromMapFunc(watches.ToNamespace), builder.WithPredicates(watches.MembershipsOf(unionsv1.KindFederation))).
		Watches(&unionsv1.Federation{}, handler.EnqueueRequestsFromMapFunc(r.namespacesUnder)).
		WatchesMetadata(&corev1.Namespace{}, handler.EnqueueRequestsFromMapFunc(namespaceItself), builder.WithPredicates(predicate.LabelChangedPredicate{})).
		WithOptions(opts)
	for gvk, newObj := range constitution.Kinds {
		obj, ok := newObj().(client.Object)
		if !ok {
			continue
		}
		obj.GetObjectKind().SetGroupVersionKind(gvk)
		b = b.Watches(obj, namespaceOf, builder.WithPredicates(contentChanged))
	}
	return b.Complete(r)
}

// namespacesUnder maps a federation to the namespaces of its members and of
// its descendants' members.
func (r *NamespaceReconciler) namespacesUnder(ctx context.Context, o client.Object) []reconcile.Request {
	members, err := lineage.MembershipsUnder(ctx, r, o.GetName())
	if err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Listing memberships under federation")
		return nil
	}
	return watches.NamespaceRequests(members, func(m unionsv1.Membership) string { return m.Namespace })
}

// namespaceItself maps a Namespace to the request of its own name.
func namespaceItself(_ context.Context, o client.Object) []reconcile.Request {
	return []reconcile.Request{{NamespacedName: client.ObjectKey{Name: o.GetName()}}}
}

// contentChanged lets through creations, deletions and updates of anything
// but status: a quota's usage changes with every Pod, its terms do not.
var contentChanged = predicate.Funcs{
	UpdateFunc: func(e event.UpdateEvent) bool {
		if !maps.Equal(e.ObjectOld.GetLabels(), e.ObjectNew.GetLabels()) ||
			!maps.Equal(e.ObjectOld.GetAnnotations(), e.ObjectNew.GetAnnotations()) ||
			!equality.Semantic.DeepEqual(e.ObjectOld.GetOwnerReferences(), e.ObjectNew.GetOwnerReferences()) ||
			e.ObjectNew.GetDeletionTimestamp() != nil {
			return true
		}
		return !equality.Semantic.DeepEqual(content(e.ObjectOld), content(e.ObjectNew))
	},
}

// content is an object without its metadata and status.
func content(o client.Object) map[string]any {
	raw, err := runtime.DefaultUnstructuredConverter.ToUnstructured(o)
	if err != nil {
		return nil
	}
	delete(raw, "metadata")
	delete(raw, "status")
	return raw
}
