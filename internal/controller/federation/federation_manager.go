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

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
	"github.com/kos-dev/union-operator/internal/index"
	"github.com/kos-dev/union-operator/internal/standards"
)

// SetupWithManager registers what makes federations work: the union
// reconciler with the Federation kind, and the reconciler of what
// federations put in member namespaces.
func SetupWithManager(mgr ctrl.Manager, opts controller.Options, clk clock.PassiveClock, recorder events.EventRecorder) error {
	c, api := mgr.GetClient(), mgr.GetAPIReader()
	if err := (&union.Reconciler[*unionsv1.Federation]{Client: c, Clock: clk, Recorder: recorder,
		Kind: Kind{Client: c, APIReader: api}}).SetupWithManager(mgr, opts); err != nil {
		return err
	}
	return (&MemberReconciler{Client: c, Recorder: recorder}).SetupWithManager(mgr, opts)
}

// Watches implements union.Kind: a federation changes with its line (depth,
// the bindings of its ancestors' policies), its children (the children list,
// the consensus), the federations its members also join (whose namespace
// labels may prevail over its own), its admission policies, and its member
// agents (compliance).
func (k Kind) Watches(b *ctrl.Builder) *ctrl.Builder {
	b = b.Owns(&admissionregistrationv1.ValidatingAdmissionPolicy{}).
		Owns(&admissionregistrationv1.ValidatingAdmissionPolicyBinding{}).
		Watches(&unionsv1.Federation{}, handler.EnqueueRequestsFromMapFunc(k.related))
	for _, gvk := range agents.Kinds {
		obj := &metav1.PartialObjectMetadata{}
		obj.SetGroupVersionKind(gvk)
		b = b.WatchesMetadata(obj, k.agentEvents(gvk.Kind))
	}
	return b
}

// related maps a federation to its ancestors, its children and the other
// federations of its members' namespaces.
func (k Kind) related(ctx context.Context, o client.Object) []reconcile.Request {
	f := o.(*unionsv1.Federation)
	seen := map[string]bool{f.Name: true}
	var out []reconcile.Request
	add := func(name string) {
		if !seen[name] {
			seen[name] = true
			out = append(out, reconcile.Request{NamespacedName: types.NamespacedName{Name: name}})
		}
	}
	log := ctrl.LoggerFrom(ctx)
	if chain, err := Ancestors(ctx, k.Client, f); err != nil {
		log.Error(err, "Reading the ancestors of a federation")
	} else {
		for _, name := range chain.Names {
			add(name)
		}
		if chain.Missing != "" {
			add(chain.Missing)
		}
	}
	var children unionsv1.FederationList
	if err := k.Client.List(ctx, &children, client.MatchingFields{index.FederationParent: f.Name}); err != nil {
		log.Error(err, "Listing the children of a federation")
	}
	for _, c := range children.Items {
		add(c.Name)
	}
	members, err := index.MembershipsOf(ctx, k.Client, unionsv1.Reference(f))
	if err != nil {
		log.Error(err, "Listing the memberships of a federation")
	}
	namespaces := map[string]bool{}
	for _, m := range members {
		namespaces[m.Namespace] = true
	}
	for ns := range namespaces {
		for _, name := range k.federationsIn(ctx, ns) {
			add(name)
		}
	}
	return out
}

// agentEvents maps an agent object's events to the federations of its
// namespace. A Pod a workload controls matters to none (it is judged through
// its workload), nor does a change of status alone.
func (k Kind) agentEvents(kind string) handler.EventHandler {
	enqueue := func(ctx context.Context, obj client.Object, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
		if kind == "Pod" && !standards.Judged(kind, obj) {
			return
		}
		for _, name := range k.federationsIn(ctx, obj.GetNamespace()) {
			q.Add(reconcile.Request{NamespacedName: types.NamespacedName{Name: name}})
		}
	}
	return handler.Funcs{
		CreateFunc: func(ctx context.Context, e event.CreateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			enqueue(ctx, e.Object, q)
		},
		UpdateFunc: func(ctx context.Context, e event.UpdateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			if e.ObjectOld.GetGeneration() == e.ObjectNew.GetGeneration() && maps.Equal(e.ObjectOld.GetLabels(), e.ObjectNew.GetLabels()) {
				return
			}
			enqueue(ctx, e.ObjectNew, q)
		},
		DeleteFunc: func(ctx context.Context, e event.DeleteEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			enqueue(ctx, e.Object, q)
		},
	}
}

// federationsIn names the federations the Memberships of a namespace join.
func (k Kind) federationsIn(ctx context.Context, namespace string) []string {
	var list unionsv1.MembershipList
	if err := k.Client.List(ctx, &list, client.InNamespace(namespace)); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Listing memberships of namespace")
		return nil
	}
	var out []string
	for _, m := range list.Items {
		if m.Spec.Union.Kind == unionsv1.KindFederation {
			out = append(out, m.Spec.Union.Name)
		}
	}
	return out
}
