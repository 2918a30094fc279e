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
	"fmt"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"k8s.io/klog/v2"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/agentobjects"
	"github.com/kos-dev/union-operator/internal/defense"
)

// +kubebuilder:rbac:groups=apps,resources=deployments/scale;statefulsets/scale,verbs=patch
// +kubebuilder:rbac:groups=apps,resources=deployments;statefulsets,verbs=get
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// scaleReserve carries out one step on a reserve workload: its replicas,
// through the scale subresource, which can change nothing else of it; the
// write is guarded by the UID it was observed with, so a workload
// re-created meanwhile is never touched.
func scaleReserve(ctx context.Context, c client.Client, recorder events.EventRecorder, o agentobjects.Object, step defense.Step, a *unionsv1.Alliance) error {
	body := fmt.Sprintf(`{"metadata":{"uid":%q},"spec":{"replicas":%d}}`, step.UID, step.Target)
	if err := c.SubResource("scale").Patch(ctx, o.Object, client.RawPatch(types.MergePatchType, []byte(body)),
		client.WithSubResourceBody(&autoscalingv1.Scale{}), client.FieldOwner(unionsv1.FieldManager)); client.IgnoreNotFound(err) != nil {
		return fmt.Errorf("scaling %s %s: %w", o.Kind(), klog.KObj(o.Object), err)
	}
	ctrl.LoggerFrom(ctx).Info("Scaled reserve", "reserve", klog.KObj(o.Object), "kind", o.Kind(), "from", step.Replicas, "to", step.Target)
	if step.GiveBack {
		recorder.Eventf(o.Object, nil, corev1.EventTypeNormal, "ReserveRestored", "Restore",
			"Back to the %d replicas its owner set: alliance %s gave back what it added", step.Target, a.Name)
	} else {
		recorder.Eventf(o.Object, nil, corev1.EventTypeNormal, "ReserveScaled", "Scale",
			"Scaled from %d to %d replicas to defend allies of alliance %s", step.Replicas, step.Target, a.Name)
	}
	return nil
}
