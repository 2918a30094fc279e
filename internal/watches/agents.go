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

package watches

import (
	"context"
	"maps"

	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/kos-dev/union-operator/internal/agents"
)

// AgentChange is one event of an agent object, as the unions that judge or
// defend agents see it.
type AgentChange struct {
	// Kind of the object: Deployment, StatefulSet, DaemonSet or Pod.
	Kind   string
	Object client.Object
	// StatusOnly is set for an update that changed neither the object's
	// spec (generation) nor its labels: only its status or annotations.
	StatusOnly bool
	// BadgesOnly is set for an update that changed the object's badges and
	// nothing else of its spec (generation), own labels or annotations.
	BadgesOnly bool
}

// AgentEvents is the handler of an agent kind's events: creations,
// deletions and updates are handed to toRequests, which names the unions to
// reconcile.
func AgentEvents(kind string, toRequests func(context.Context, AgentChange) []reconcile.Request) handler.EventHandler {
	add := func(ctx context.Context, c AgentChange, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
		for _, r := range toRequests(ctx, c) {
			q.Add(r)
		}
	}
	return handler.Funcs{
		CreateFunc: func(ctx context.Context, e event.CreateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			add(ctx, AgentChange{Kind: kind, Object: e.Object}, q)
		},
		UpdateFunc: func(ctx context.Context, e event.UpdateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			old, obj := e.ObjectOld, e.ObjectNew
			sameSpec := old.GetGeneration() == obj.GetGeneration()
			statusOnly := sameSpec && maps.Equal(old.GetLabels(), obj.GetLabels())
			badgesOnly := sameSpec && !statusOnly && agents.SameOwnLabels(old.GetLabels(), obj.GetLabels()) &&
				maps.Equal(old.GetAnnotations(), obj.GetAnnotations())
			add(ctx, AgentChange{Kind: kind, Object: obj, StatusOnly: statusOnly, BadgesOnly: badgesOnly}, q)
		},
		DeleteFunc: func(ctx context.Context, e event.DeleteEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			add(ctx, AgentChange{Kind: kind, Object: e.Object}, q)
		},
	}
}
