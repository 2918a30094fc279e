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

// Package operator assembles the manager: what its cache holds (agents
// metadata-only, narrowed by label; only the operator's own ConfigMaps) and
// which controllers run. cmd/main.go and the test suites share it, so tests
// run the real manager.
package operator

import (
	"context"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/selection"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/agents"
	"github.com/kos-dev/union-operator/internal/controller/alliance"
	"github.com/kos-dev/union-operator/internal/controller/badging"
	"github.com/kos-dev/union-operator/internal/controller/coalition"
	"github.com/kos-dev/union-operator/internal/controller/exittreaty"
	"github.com/kos-dev/union-operator/internal/controller/federation"
	"github.com/kos-dev/union-operator/internal/controller/membership"
	"github.com/kos-dev/union-operator/internal/controller/proposal"
	"github.com/kos-dev/union-operator/internal/controller/union"
	"github.com/kos-dev/union-operator/internal/index"
	"github.com/kos-dev/union-operator/internal/metrics"
)

// Config tunes the operator.
type Config struct {
	// Clock drives every time-based behaviour (expiry, cool-off, terms),
	// including when the work queues hand back a request that waits for a
	// deadline, so that tests can step it.
	Clock clock.WithTicker
	// Concurrency is the number of objects each controller reconciles at once.
	Concurrency int
	// BadgeWrites bounds the badge writes in flight at once.
	BadgeWrites int
}

// NewScheme returns the scheme of every kind the operator reads or writes.
func NewScheme() *runtime.Scheme {
	s := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(s))
	utilruntime.Must(unionsv1.AddToScheme(s))
	return s
}

// CacheOptions narrows the cache: agent workloads and Pods only (by the agent
// label), and only the ConfigMaps the operator made.
func CacheOptions() cache.Options {
	isAgent, err := labels.NewRequirement(unionsv1.AgentLabel, selection.Exists, nil)
	utilruntime.Must(err)
	agentSelector := labels.NewSelector().Add(*isAgent)
	managed := labels.SelectorFromSet(labels.Set{unionsv1.ManagedByLabel: unionsv1.ManagedByValue})

	byObject := map[client.Object]cache.ByObject{
		&corev1.ConfigMap{}: {Label: managed},
		// An alliance's admission policies, budgets and bridges.
		&admissionregistrationv1.ValidatingAdmissionPolicy{}:        {Label: managed},
		&admissionregistrationv1.ValidatingAdmissionPolicyBinding{}: {Label: managed},
		&policyv1.PodDisruptionBudget{}:                             {Label: managed},
		&networkingv1.NetworkPolicy{}:                               {Label: managed},
		// The quotas and limit ranges a federation's constitution propagates.
		&corev1.ResourceQuota{}: {Label: managed},
		&corev1.LimitRange{}:    {Label: managed},
	}
	for _, gvk := range agents.Kinds {
		obj := &metav1.PartialObjectMetadata{}
		obj.SetGroupVersionKind(gvk)
		byObject[obj] = cache.ByObject{Label: agentSelector}
	}
	return cache.Options{
		ByObject: byObject,
		// Agents and Namespaces are watched metadata-only, and slimmed:
		// managedFields and other managers' annotations are of no use to
		// the operator and the bulk of an object's metadata.
		DefaultTransform: slimMetadata,
	}
}

// Setup registers the indexes and every controller with the manager.
func Setup(ctx context.Context, mgr manager.Manager, cfg Config) error {
	if cfg.Clock == nil {
		cfg.Clock = clock.RealClock{}
	}
	if err := index.Setup(ctx, mgr); err != nil {
		return err
	}
	c := mgr.GetClient()
	recorder := mgr.GetEventRecorder("union-operator")
	opts := controllerOptions(cfg)
	metrics.Register(mgr.GetCache())

	if err := (&membership.Reconciler{Client: c, APIReader: mgr.GetAPIReader(), Clock: cfg.Clock, Recorder: recorder}).
		SetupWithManager(mgr, opts); err != nil {
		return err
	}
	if err := (&exittreaty.Reconciler{Client: c, Clock: cfg.Clock, Recorder: recorder}).
		SetupWithManager(mgr, opts); err != nil {
		return err
	}
	if err := (&badging.Reconciler{Client: c, Clock: cfg.Clock, Recorder: recorder}).
		SetupWithManager(mgr, opts, cfg.BadgeWrites); err != nil {
		return err
	}
	if err := (&proposal.Reconciler{Client: c, Clock: cfg.Clock, Recorder: recorder}).
		SetupWithManager(mgr, opts); err != nil {
		return err
	}
	if err := (&proposal.BallotReconciler{Client: c, Clock: cfg.Clock}).
		SetupWithManager(mgr, opts); err != nil {
		return err
	}
	coalitionKind, err := coalition.NewKind(mgr, recorder)
	if err != nil {
		return err
	}
	if err := (&union.Reconciler[*unionsv1.Coalition]{Client: c, Clock: cfg.Clock, Recorder: recorder,
		Kind: coalitionKind}).SetupWithManager(mgr, opts); err != nil {
		return err
	}
	if err := alliance.SetupWithManager(mgr, opts, cfg.Clock, recorder); err != nil {
		return err
	}
	return federation.SetupWithManager(mgr, opts, cfg.Clock, recorder)
}

// controllerOptions are the options of every controller: its concurrency, and
// a work queue whose delays run on the operator's clock.
func controllerOptions(cfg Config) controller.Options {
	return controller.Options{
		MaxConcurrentReconciles: max(cfg.Concurrency, 1),
		NewQueue: func(name string, rl workqueue.TypedRateLimiter[reconcile.Request]) workqueue.TypedRateLimitingInterface[reconcile.Request] {
			return workqueue.NewTypedRateLimitingQueueWithConfig(rl, workqueue.TypedRateLimitingQueueConfig[reconcile.Request]{
				Name:  name,
				Clock: cfg.Clock,
			})
		},
	}
}
