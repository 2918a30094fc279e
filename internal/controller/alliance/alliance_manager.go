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

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/agentobjects"
	"github.com/kos-dev/union-operator/internal/agents"
	"github.com/kos-dev/union-operator/internal/controller/union"
	"github.com/kos-dev/union-operator/internal/index"
	"github.com/kos-dev/union-operator/internal/standards"
	"github.com/kos-dev/union-operator/internal/watches"
)

// reserveKinds are the kinds of workload reserves are.
var reserveKinds = []schema.GroupVersionKind{
	appsv1.SchemeGroupVersion.WithKind("Deployment"),
	appsv1.SchemeGroupVersion.WithKind("StatefulSet"),
}

// SetupWithManager registers what makes alliances work: the union reconciler
// with the Alliance kind, and the reconciler of what an alliance puts in
// member namespaces.
func SetupWithManager(mgr ctrl.Manager, opts controller.Options, clk clock.PassiveClock, recorder events.EventRecorder) error {
	c, api := mgr.GetClient(), mgr.GetAPIReader()
	if err := (&union.Reconciler[*unionsv1.Alliance]{Client: c, Clock: clk, Recorder: recorder,
		Kind: Kind{Client: c, APIReader: api, Recorder: recorder}}).SetupWithManager(mgr, opts); err != nil {
		return err
	}
	return (&MembershipReconciler{Client: c, APIReader: api, Recorder: recorder}).SetupWithManager(mgr, opts)
}

// Watches implements union.Kind: an alliance follows its admission policies
// and its member agents — their spec (generation), own labels, creation and
// deletion (not their badges: it knows its members from their Memberships);
// and, under reactive defence, the status of member workloads too.
func (k Kind) Watches(b *ctrl.Builder) *ctrl.Builder {
	b = b.Owns(&admissionregistrationv1.ValidatingAdmissionPolicy{}).
		Owns(&admissionregistrationv1.ValidatingAdmissionPolicyBinding{})
	for _, gvk := range agents.Kinds {
		b = b.WatchesMetadata(agentobjects.Partial(gvk), watches.AgentEvents(gvk.Kind, k.ofAgent))
	}
	return b
}

// ofAgent maps an agent object's change to the alliances of its namespace.
// A Pod a workload controls matters to none (it is judged through its
// workload); a change of status or annotations alone only matters to
// alliances with reactive defence, and only on Deployments and StatefulSets.
func (k Kind) ofAgent(ctx context.Context, c watches.AgentChange) []reconcile.Request {
	if c.BadgesOnly {
		return nil // an alliance judges member agents by their Memberships' terms
	}
	if c.Kind == "Pod" && (c.StatusOnly || !standards.Judged(c.Kind, c.Object)) || c.StatusOnly && c.Kind == "DaemonSet" {
		return nil
	}
	ms, err := index.MembershipsIn(ctx, k.Client, c.Object.GetNamespace(), unionsv1.KindAlliance)
	if err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Listing memberships of namespace")
		return nil
	}
	var out []reconcile.Request
	for _, m := range ms {
		if c.StatusOnly {
			a := &unionsv1.Alliance{}
			if err := k.Client.Get(ctx, types.NamespacedName{Name: m.Spec.Union.Name}, a); err != nil ||
				a.Spec.Defense == nil || a.Spec.Defense.Reactive == nil {
				continue
			}
		}
		out = append(out, reconcile.Request{NamespacedName: types.NamespacedName{Name: m.Spec.Union.Name}})
	}
	return out
}
