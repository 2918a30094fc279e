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

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/agentobjects"
	"github.com/kos-dev/union-operator/internal/defense"
	"github.com/kos-dev/union-operator/internal/watches"
)

// ReserveReleaser restores, namespace by namespace, the reserves scaled by
// an alliance that is gone. While an alliance exists it restores its own
// reserves; once it is deleted, only their record remains to say what they
// were.
type ReserveReleaser struct {
	client.Client
	APIReader client.Reader
	Recorder  events.EventRecorder
}

// Reconcile restores the reserves of one namespace (the request's Name)
// whose alliance is gone.
func (r *ReserveReleaser) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	held, err := heldBy(ctx, r.Client, client.InNamespace(req.Name))
	if err != nil {
		return ctrl.Result{}, err
	}
	for _, key := range held {
		o, err := agentobjects.ReadWorkload(ctx, r.APIReader, key.kind, key.namespace, key.name)
		if err != nil {
			return ctrl.Result{}, err
		}
		if o == nil {
			continue
		}
		holder := o.Object.GetAnnotations()[defense.ReserveForAnnotation]
		ref, ok := unionsv1.ParseUnionLabel(holder)
		if !ok || ref.Kind != unionsv1.KindAlliance {
			continue
		}
		if gone, err := r.allianceGone(ctx, ref.Name); err != nil || !gone {
			if err != nil {
				return ctrl.Result{}, err
			}
			continue
		}
		prior, _ := defense.Recorded(o.Object.GetAnnotations(), holder)
		if prior == nil {
			continue
		}
		replicas, _ := o.Replicas()
		step := defense.Step{Reserve: defense.Reserve{Namespace: key.namespace, Kind: key.kind, Name: key.name, Replicas: replicas, Prior: prior},
			Target: *prior, Release: true}
		if err := writeReserve(ctx, r.Client, r.Recorder, *o, step, holder); err != nil {
			return ctrl.Result{}, err
		}
	}
	return ctrl.Result{}, nil
}

func (r *ReserveReleaser) allianceGone(ctx context.Context, name string) (bool, error) {
	a := &unionsv1.Alliance{}
	if err := r.Get(ctx, types.NamespacedName{Name: name}, a); err != nil {
		return client.IgnoreNotFound(err) == nil, client.IgnoreNotFound(err)
	}
	return a.DeletionTimestamp != nil, nil
}

// SetupWithManager registers the controller: it follows workloads carrying
// a reserve record, and the deletion of alliances.
func (r *ReserveReleaser) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	recorded := predicate.NewPredicateFuncs(func(o client.Object) bool {
		return o.GetAnnotations()[defense.ReserveForAnnotation] != ""
	})
	inNamespace := handler.EnqueueRequestsFromMapFunc(watches.ToNamespace)
	b := ctrl.NewControllerManagedBy(mgr).
		Named("alliance-reserves").
		Watches(&unionsv1.Alliance{}, handler.EnqueueRequestsFromMapFunc(r.namespacesHeldBy), builder.WithPredicates(predicate.Funcs{
			CreateFunc: func(e event.CreateEvent) bool { return false },
			UpdateFunc: func(e event.UpdateEvent) bool { return e.ObjectNew.GetDeletionTimestamp() != nil },
		})).
		WithOptions(opts)
	for _, gvk := range reserveKinds {
		b = b.WatchesMetadata(agentobjects.Partial(gvk), inNamespace, builder.WithPredicates(recorded))
	}
	return b.Complete(r)
}

// namespacesHeldBy maps an alliance to the namespaces of the reserves it holds.
func (r *ReserveReleaser) namespacesHeldBy(ctx context.Context, o client.Object) []reconcile.Request {
	held, err := heldBy(ctx, r.Client, client.MatchingFields{reserveHolderIndex: holderOf(o.(*unionsv1.Alliance))})
	if err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Listing reserves of alliance")
		return nil
	}
	return watches.NamespaceRequests(held, func(k workloadKey) string { return k.namespace })
}
