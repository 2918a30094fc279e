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

package coalition

import (
	"context"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/events"
	"k8s.io/client-go/util/workqueue"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/goalwatch"
)

// NewKind returns the Coalition kind with its goal watches, which read the
// referenced objects with the manager's identity.
func NewKind(mgr ctrl.Manager, recorder events.EventRecorder) (Kind, error) {
	dyn, err := dynamic.NewForConfigAndClient(mgr.GetConfig(), mgr.GetHTTPClient())
	if err != nil {
		return Kind{}, err
	}
	return Kind{
		Client:   mgr.GetClient(),
		Recorder: recorder,
		goals:    goalwatch.New(mgr.GetClient(), mgr.GetRESTMapper(), dyn),
	}, nil
}

// Watches implements union.Kind: the objects goals complete on, and the
// deletion of coalitions, which ends their goal watches. (Elections and
// dissolutions arrive with the Proposals the union reconciler follows.)
func (k Kind) Watches(b *ctrl.Builder) *ctrl.Builder {
	if k.goals == nil {
		return b
	}
	return b.WatchesRawSource(k.goals).
		Watches(&unionsv1.Coalition{}, handler.Funcs{
			DeleteFunc: func(_ context.Context, e event.DeleteEvent, _ workqueue.TypedRateLimitingInterface[reconcile.Request]) {
				k.goals.Release(e.Object.GetName())
			},
		})
}
