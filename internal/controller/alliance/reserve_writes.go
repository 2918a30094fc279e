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

// +kubebuilder:rbac:groups=apps,resources=deployments;statefulsets,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups=apps,resources=deployments/scale;statefulsets/scale,verbs=get;update;patch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// writeReserve carries out one step on a reserve workload. Scaling up, the
// prior count is recorded on the workload before it is scaled, so that a
// restart in between still restores it; scaling back, the record goes only
// once the workload is back at its prior count. The record is written by a
// metadata-only patch (never judged by the admission policies) guarded by
// the resourceVersion it was read at; replicas go through the scale
// subresource.
func writeReserve(ctx context.Context, c client.Client, recorder events.EventRecorder, o agentobjects.Object, step defense.Step, holder string) error {
	log := ctrl.LoggerFrom(ctx).WithValues("reserve", klog.KObj(o.Object), "kind", o.Kind())
	if step.Record {
		before := o.Object.DeepCopyObject().(client.Object)
		annotations := map[string]string{}
		for k, v := range o.Object.GetAnnotations() {
			annotations[k] = v
		}
		for k, v := range defense.Record(holder, *step.Prior) {
			annotations[k] = v
		}
		o.Object.SetAnnotations(annotations)
		if err := c.Patch(ctx, o.Object, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{}), client.FieldOwner(unionsv1.FieldManager)); err != nil {
			return fmt.Errorf("recording the prior replicas of %s %s: %w", o.Kind(), klog.KObj(o.Object), err)
		}
	}
	if step.Replicas != step.Target {
		body := fmt.Sprintf(`{"spec":{"replicas":%d}}`, step.Target)
		if err := c.SubResource("scale").Patch(ctx, o.Object, client.RawPatch(types.MergePatchType, []byte(body)),
			client.WithSubResourceBody(&autoscalingv1.Scale{}), client.FieldOwner(unionsv1.FieldManager)); err != nil {
			return fmt.Errorf("scaling %s %s: %w", o.Kind(), klog.KObj(o.Object), err)
		}
		log.Info("Scaled reserve", "from", step.Replicas, "to", step.Target)
		if step.Release {
			recorder.Eventf(o.Object, nil, corev1.EventTypeNormal, "ReserveRestored", "Restore",
				"Restored to its prior %d replicas: %s no longer needs it", step.Target, holder)
		} else {
			recorder.Eventf(o.Object, nil, corev1.EventTypeNormal, "ReserveScaled", "Scale",
				"Scaled from %d to %d replicas to defend allies of %s", step.Replicas, step.Target, holder)
		}
	}
	if step.Release {
		patch := fmt.Sprintf(`{"metadata":{"annotations":{%q:null,%q:null}}}`, defense.ReserveForAnnotation, defense.PriorReplicasAnnotation)
		if err := c.Patch(ctx, o.Object, client.RawPatch(types.MergePatchType, []byte(patch)), client.FieldOwner(unionsv1.FieldManager)); client.IgnoreNotFound(err) != nil {
			return fmt.Errorf("releasing %s %s: %w", o.Kind(), klog.KObj(o.Object), err)
		}
	}
	return nil
}
