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
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/agentobjects"
	"github.com/kos-dev/union-operator/internal/agents"
	"github.com/kos-dev/union-operator/internal/constitution"
	"github.com/kos-dev/union-operator/internal/lineage"
	"github.com/kos-dev/union-operator/internal/watches"
)

// +kubebuilder:rbac:groups="",resources=configmaps,verbs=get;list;watch

// SetupWithManager registers the badge engine. It watches Namespaces and
// agent objects metadata-only, and Memberships and unions in full.
// writes bounds the badge writes in flight at once across all namespaces.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options, writes int) error {
	// API warnings about badge writes are logged as the manager's client logs
	// those of its own requests.
	conf := rest.CopyConfig(mgr.GetConfig())
	if conf.WarningHandler == nil && conf.WarningHandlerWithContext == nil {
		conf.WarningHandlerWithContext = log.NewKubeAPIWarningLogger(log.KubeAPIWarningLoggerOptions{})
	}
	md, err := metadata.NewForConfigAndClient(conf, mgr.GetHTTPClient())
	if err != nil {
		return err
	}
	r.metadata = md
	r.writers = newWriters(writes)
	if err := mgr.Add(r.writers); err != nil {
		return err
	}
	r.inflight = newInflight()
	byNamespace := handler.EnqueueRequestsFromMapFunc(watches.ToNamespace)
	// Only label changes, creations and deletions can change what to badge.
	labelsOnly := builder.WithPredicates(predicate.LabelChangedPredicate{})

	b := ctrl.NewControllerManagedBy(mgr).
		Named("badging").
		For(&corev1.Namespace{}, builder.OnlyMetadata, labelsOnly).
		Watches(&unionsv1.Membership{}, byNamespace, builder.WithPredicates(watches.StandingChanged())).
		WithOptions(opts)
	for _, gvk := range agents.Kinds {
		b = b.WatchesMetadata(agentobjects.Partial(gvk), byNamespace, labelsOnly)
	}
	for _, kind := range unionsv1.UnionKinds {
		b = b.Watches(unionsv1.NewUnion(kind), handler.EnqueueRequestsFromMapFunc(r.namespacesOfUnion),
			builder.WithPredicates(watches.BadgeFactsChanged()))
	}
	// A federation's namespace badge waits for the params ConfigMaps of its
	// admission policies (see lacksParams).
	b = b.Watches(&corev1.ConfigMap{}, byNamespace, builder.WithPredicates(predicate.NewPredicateFuncs(func(o client.Object) bool {
		return constitution.Owned(o.GetLabels(), o.GetName()) && strings.HasSuffix(o.GetName(), "-params")
	})))
	return b.Complete(r)
}

// namespacesOfUnion maps a union to the namespaces of the Memberships naming
// it; a federation to those of its descendants too, whose members its
// constitution reaches.
func (r *Reconciler) namespacesOfUnion(ctx context.Context, o client.Object) []reconcile.Request {
	members, err := lineage.MembershipsBound(ctx, r, o.(unionsv1.Union))
	if err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Listing memberships of union")
		return nil
	}
	return watches.NamespaceRequests(members, func(m unionsv1.Membership) string { return m.Namespace })
}
