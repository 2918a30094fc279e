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

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kos-dev/union-operator/internal/agents"
	"github.com/kos-dev/union-operator/internal/kube"
)

// agentObject is an agent workload or Pod read in full from the API server
// (the cache holds agents metadata-only).
type agentObject struct {
	gvk schema.GroupVersionKind
	obj client.Object
}

func (o agentObject) kind() string  { return o.gvk.Kind }
func (o agentObject) agent() string { return agents.Name(o.obj) }

// scalable reports whether the object is a Deployment or StatefulSet: the
// workloads defence protects and scales.
func (o agentObject) scalable() bool {
	switch o.obj.(type) {
	case *appsv1.Deployment, *appsv1.StatefulSet:
		return true
	}
	return false
}

// replicas returns the desired (spec) and available replica counts of a
// Deployment or StatefulSet.
func (o agentObject) replicas() (desired, available int32) {
	switch w := o.obj.(type) {
	case *appsv1.Deployment:
		return ptr.Deref(w.Spec.Replicas, 1), w.Status.AvailableReplicas
	case *appsv1.StatefulSet:
		return ptr.Deref(w.Spec.Replicas, 1), w.Status.AvailableReplicas
	}
	return 0, 0
}

// selector is the pod selector of a Deployment or StatefulSet.
func (o agentObject) selector() *metav1.LabelSelector {
	switch w := o.obj.(type) {
	case *appsv1.Deployment:
		return w.Spec.Selector
	case *appsv1.StatefulSet:
		return w.Spec.Selector
	}
	return nil
}

// unstructured renders the object as admission sees it.
func (o agentObject) unstructured() (*unstructured.Unstructured, error) {
	return kube.Agent{GVK: o.gvk, Object: o.obj}.Unstructured()
}

// readAgents reads in full, from the API server, the agent objects of a
// namespace that want selects among those the metadata-only cache holds.
func readAgents(ctx context.Context, cached, api client.Reader, namespace string, want func(kind string, meta *metav1.PartialObjectMetadata) bool) ([]agentObject, error) {
	read, err := kube.ReadAgents(ctx, cached, api, namespace, want)
	if err != nil {
		return nil, err
	}
	out := make([]agentObject, len(read))
	for i, a := range read {
		out[i] = agentObject{gvk: a.GVK, obj: a.Object}
	}
	return out, nil
}

// readWorkload reads one Deployment or StatefulSet in full (nil when gone).
func readWorkload(ctx context.Context, api client.Reader, kind, namespace, name string) (*agentObject, error) {
	var obj client.Object
	switch kind {
	case "Deployment":
		obj = &appsv1.Deployment{}
	case "StatefulSet":
		obj = &appsv1.StatefulSet{}
	default:
		return nil, fmt.Errorf("%s is not scalable", kind)
	}
	if err := api.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, obj); err != nil {
		return nil, client.IgnoreNotFound(err)
	}
	return &agentObject{gvk: appsv1.SchemeGroupVersion.WithKind(kind), obj: obj}, nil
}
