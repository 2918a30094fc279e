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
	"maps"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/agents"
	"github.com/kos-dev/union-operator/internal/controller/union"
	"github.com/kos-dev/union-operator/internal/defense"
	"github.com/kos-dev/union-operator/internal/standards"
)

// reserveHolderIndex indexes agent Deployments and StatefulSets by the union
// whose record they carry as a scaled reserve.
const reserveHolderIndex = "metadata.annotations.reserve-for"

// reserveKinds are the kinds of workload reserves are.
var reserveKinds = []schema.GroupVersionKind{
	appsv1.SchemeGroupVersion.WithKind("Deployment"),
	appsv1.SchemeGroupVersion.WithKind("StatefulSet"),
}

// SetupWithManager registers what makes alliances work: the union reconciler
// with the Alliance kind, the reconciler of what an alliance puts in member
// namespaces, and the release of reserves whose alliance is gone.
func SetupWithManager(ctx context.Context, mgr ctrl.Manager, opts controller.Options, clk clock.PassiveClock, recorder events.EventRecorder) error {
	for _, gvk := range reserveKinds {
		if err := mgr.GetFieldIndexer().IndexField(ctx, partial(gvk), reserveHolderIndex, func(o client.Object) []string {
			if holder := o.GetAnnotations()[defense.ReserveForAnnotation]; holder != "" {
				return []string{holder}
			}
			return nil
		}); err != nil {
			return err
		}
	}
	c, api := mgr.GetClient(), mgr.GetAPIReader()
	if err := (&union.Reconciler[*unionsv1.Alliance]{Client: c, Clock: clk, Recorder: recorder,
		Kind: Kind{Client: c, APIReader: api, Recorder: recorder}}).SetupWithManager(mgr, opts); err != nil {
		return err
	}
	if err := (&MemberReconciler{Client: c, APIReader: api}).SetupWithManager(mgr, opts); err != nil {
		return err
	}
	return (&ReserveReleaser{Client: c, APIReader: api, Recorder: recorder}).SetupWithManager(mgr, opts)
}

// Watches implements union.Kind: an alliance follows its admission policies
// and its member agents — their spec (generation), labels (badges),
// creation and deletion; and, under reactive defence, the status of member
// workloads too.
func (k Kind) Watches(b *ctrl.Builder) *ctrl.Builder {
	b = b.Owns(&admissionregistrationv1.ValidatingAdmissionPolicy{}).
		Owns(&admissionregistrationv1.ValidatingAdmissionPolicyBinding{})
	for _, gvk := range agents.Kinds {
		b = b.WatchesMetadata(partial(gvk), k.agentEvents(gvk.Kind))
	}
	return b
}

// agentEvents maps an agent object's events to the alliances of its namespace.
func (k Kind) agentEvents(kind string) handler.EventHandler {
	return handler.Funcs{
		CreateFunc: func(ctx context.Context, e event.CreateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			k.enqueue(ctx, kind, e.Object, false, q)
		},
		UpdateFunc: func(ctx context.Context, e event.UpdateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			old, obj := e.ObjectOld, e.ObjectNew
			statusOnly := old.GetGeneration() == obj.GetGeneration() && maps.Equal(old.GetLabels(), obj.GetLabels())
			k.enqueue(ctx, kind, obj, statusOnly, q)
		},
		DeleteFunc: func(ctx context.Context, e event.DeleteEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			k.enqueue(ctx, kind, e.Object, false, q)
		},
	}
}

// enqueue asks the alliances of the object's namespace to reconcile. A Pod a
// workload controls matters to none (it is judged through its workload);
// any other change of status or annotations only matters to alliances with
// reactive defence, and only on Deployments and StatefulSets.
func (k Kind) enqueue(ctx context.Context, kind string, obj client.Object, statusOnly bool, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
	if kind == "Pod" && (statusOnly || !standards.Judged(kind, obj)) || statusOnly && kind == "DaemonSet" {
		return
	}
	var list unionsv1.MembershipList
	if err := k.Client.List(ctx, &list, client.InNamespace(obj.GetNamespace())); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Listing memberships of namespace")
		return
	}
	for _, m := range list.Items {
		if m.Spec.Union.Kind != unionsv1.KindAlliance {
			continue
		}
		if statusOnly {
			a := &unionsv1.Alliance{}
			if err := k.Client.Get(ctx, types.NamespacedName{Name: m.Spec.Union.Name}, a); err != nil ||
				a.Spec.Defense == nil || a.Spec.Defense.Reactive == nil {
				continue
			}
		}
		q.Add(reconcile.Request{NamespacedName: types.NamespacedName{Name: m.Spec.Union.Name}})
	}
}

// heldReserves lists, from the cache, the workloads whose record says holder
// scaled them.
func (k Kind) heldReserves(ctx context.Context, holder string) ([]workloadKey, error) {
	return heldBy(ctx, k.Client, client.MatchingFields{reserveHolderIndex: holder})
}

// heldBy lists the reserve workloads matching opts from the cache.
func heldBy(ctx context.Context, c client.Reader, opts ...client.ListOption) ([]workloadKey, error) {
	var out []workloadKey
	for _, gvk := range reserveKinds {
		list := &metav1.PartialObjectMetadataList{}
		list.SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
		if err := c.List(ctx, list, opts...); err != nil {
			return nil, err
		}
		for _, item := range list.Items {
			if item.Annotations[defense.ReserveForAnnotation] == "" {
				continue
			}
			out = append(out, workloadKey{namespace: item.Namespace, kind: gvk.Kind, name: item.Name})
		}
	}
	return out, nil
}

// partial is an empty metadata-only object of a kind.
func partial(gvk schema.GroupVersionKind) *metav1.PartialObjectMetadata {
	obj := &metav1.PartialObjectMetadata{}
	obj.SetGroupVersionKind(gvk)
	return obj
}
