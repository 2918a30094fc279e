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

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/agentobjects"
	"github.com/kos-dev/union-operator/internal/agents"
	"github.com/kos-dev/union-operator/internal/badge"
	"github.com/kos-dev/union-operator/internal/controller/union"
	"github.com/kos-dev/union-operator/internal/index"
	"github.com/kos-dev/union-operator/internal/lineage"
	"github.com/kos-dev/union-operator/internal/standards"
	"github.com/kos-dev/union-operator/internal/watches"
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
	return (&NamespaceReconciler{Client: c, APIReader: api, Recorder: recorder}).SetupWithManager(mgr, opts)
}

// Watches implements union.Kind: a federation changes with its line (depth,
// the bindings of its ancestors' policies), its children (the children list,
// the consensus), the federations its members also join (whose namespace
// labels may prevail over its own), its admission policies, the labels its
// member namespaces keep against it (LabelsInForce: the badge engine records
// them on the Namespace) and its member agents (compliance).
func (k Kind) Watches(b *ctrl.Builder) *ctrl.Builder {
	b = b.Owns(&admissionregistrationv1.ValidatingAdmissionPolicy{}).
		Owns(&admissionregistrationv1.ValidatingAdmissionPolicyBinding{}).
		Watches(&unionsv1.Federation{}, handler.EnqueueRequestsFromMapFunc(k.related)).
		WatchesMetadata(&corev1.Namespace{}, handler.EnqueueRequestsFromMapFunc(k.ofNamespace),
			builder.WithPredicates(watches.AnnotationChanged(badge.ConflictsAnnotation)))
	for _, gvk := range agents.Kinds {
		b = b.WatchesMetadata(agentobjects.Partial(gvk), watches.AgentEvents(gvk.Kind, k.ofAgent))
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
	if chain, err := lineage.Ancestors(ctx, k.Client, f); err != nil {
		log.Error(err, "Reading the ancestors of a federation")
	} else {
		for _, name := range chain.Names {
			add(name)
		}
		if chain.Missing != "" {
			add(chain.Missing)
		}
	}
	// Every federation naming this one as its parent: whether this one
	// admits it is what changed.
	children, err := lineage.Claimants(ctx, k.Client, f.Name)
	if err != nil {
		log.Error(err, "Listing the children of a federation")
	}
	for _, c := range children {
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

// ofAgent maps an agent object's change to the federations of its
// namespace. A Pod a workload controls matters to none (it is judged through
// its workload), nor does a change of status alone.
func (k Kind) ofAgent(ctx context.Context, c watches.AgentChange) []reconcile.Request {
	if c.StatusOnly || c.Kind == "Pod" && !standards.Judged(c.Kind, c.Object) {
		return nil
	}
	return k.federationRequests(ctx, c.Object.GetNamespace())
}

// ofNamespace maps a Namespace to the federations its Memberships join.
func (k Kind) ofNamespace(ctx context.Context, ns client.Object) []reconcile.Request {
	return k.federationRequests(ctx, ns.GetName())
}

// federationRequests are the requests of the federations the Memberships of
// a namespace join.
func (k Kind) federationRequests(ctx context.Context, namespace string) []reconcile.Request {
	var out []reconcile.Request
	for _, name := range k.federationsIn(ctx, namespace) {
		out = append(out, reconcile.Request{NamespacedName: types.NamespacedName{Name: name}})
	}
	return out
}

// federationsIn names the federations the Memberships of a namespace join.
func (k Kind) federationsIn(ctx context.Context, namespace string) []string {
	ms, err := index.MembershipsIn(ctx, k.Client, namespace, unionsv1.KindFederation)
	if err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Listing memberships of namespace")
		return nil
	}
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Spec.Union.Name
	}
	return out
}
