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

package agentobjects

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/agents"
)

// Object is an agent workload or Pod read in full from the API server.
type Object struct {
	GVK    schema.GroupVersionKind
	Object client.Object
}

// Kind is the object's kind.
func (o Object) Kind() string { return o.GVK.Kind }

// Agent is the name of the agent the object belongs to.
func (o Object) Agent() string { return agents.Name(o.Object) }

// Unstructured renders the object as admission sees it.
func (o Object) Unstructured() (*unstructured.Unstructured, error) {
	raw, err := runtime.DefaultUnstructuredConverter.ToUnstructured(o.Object)
	if err != nil {
		return nil, err
	}
	u := &unstructured.Unstructured{Object: raw}
	u.SetGroupVersionKind(o.GVK)
	return u, nil
}

// Scalable reports whether the object is a Deployment or StatefulSet: the
// workloads defence protects and scales.
func (o Object) Scalable() bool {
	switch o.Object.(type) {
	case *appsv1.Deployment, *appsv1.StatefulSet:
		return true
	}
	return false
}

// Replicas returns the desired (spec) and available replica counts of a
// Deployment or StatefulSet.
func (o Object) Replicas() (desired, available int32) {
	switch w := o.Object.(type) {
	case *appsv1.Deployment:
		return ptr.Deref(w.Spec.Replicas, 1), w.Status.AvailableReplicas
	case *appsv1.StatefulSet:
		return ptr.Deref(w.Spec.Replicas, 1), w.Status.AvailableReplicas
	}
	return 0, 0
}

// Desired is the desired (spec) replica count of a Deployment or StatefulSet.
func (o Object) Desired() int32 {
	desired, _ := o.Replicas()
	return desired
}

// Selector is the pod selector of a Deployment or StatefulSet.
func (o Object) Selector() *metav1.LabelSelector {
	switch w := o.Object.(type) {
	case *appsv1.Deployment:
		return w.Spec.Selector
	case *appsv1.StatefulSet:
		return w.Spec.Selector
	}
	return nil
}

// Read reads in full, from the API server, the agent objects of a namespace
// that want selects among those the metadata-only cache holds: one list per
// workload kind wanted, one get per Pod wanted.
func Read(ctx context.Context, cached, api client.Reader, namespace string, want func(kind string, meta *metav1.PartialObjectMetadata) bool) ([]Object, error) {
	metas, err := List(ctx, cached, namespace)
	if err != nil {
		return nil, err
	}
	wanted := map[schema.GroupVersionKind]map[string]bool{}
	for _, m := range metas {
		gvk := m.GroupVersionKind()
		if !want(gvk.Kind, m) {
			continue
		}
		if wanted[gvk] == nil {
			wanted[gvk] = map[string]bool{}
		}
		wanted[gvk][m.Name] = true
	}
	var out []Object
	for _, gvk := range agents.Kinds {
		names := wanted[gvk]
		if len(names) == 0 {
			continue
		}
		if gvk.Kind == "Pod" {
			for name := range names {
				pod := &corev1.Pod{}
				if err := api.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, pod); err != nil {
					if client.IgnoreNotFound(err) == nil {
						continue
					}
					return nil, fmt.Errorf("reading Pod %s/%s: %w", namespace, name, err)
				}
				out = append(out, Object{GVK: gvk, Object: pod})
			}
			continue
		}
		items, err := listWorkloads(ctx, api, gvk.Kind, namespace)
		if err != nil {
			return nil, err
		}
		for _, obj := range items {
			if names[obj.GetName()] {
				out = append(out, Object{GVK: gvk, Object: obj})
			}
		}
	}
	return out, nil
}

// ReadWorkload reads one Deployment or StatefulSet in full (nil when gone).
func ReadWorkload(ctx context.Context, api client.Reader, kind, namespace, name string) (*Object, error) {
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
	return &Object{GVK: appsv1.SchemeGroupVersion.WithKind(kind), Object: obj}, nil
}

// listWorkloads lists the agent workloads of one kind in a namespace, in full.
func listWorkloads(ctx context.Context, api client.Reader, kind, namespace string) ([]client.Object, error) {
	opts := []client.ListOption{client.InNamespace(namespace), client.HasLabels{unionsv1.AgentLabel}}
	var out []client.Object
	switch kind {
	case "Deployment":
		var l appsv1.DeploymentList
		if err := api.List(ctx, &l, opts...); err != nil {
			return nil, fmt.Errorf("listing Deployments in %s: %w", namespace, err)
		}
		for i := range l.Items {
			out = append(out, &l.Items[i])
		}
	case "StatefulSet":
		var l appsv1.StatefulSetList
		if err := api.List(ctx, &l, opts...); err != nil {
			return nil, fmt.Errorf("listing StatefulSets in %s: %w", namespace, err)
		}
		for i := range l.Items {
			out = append(out, &l.Items[i])
		}
	case "DaemonSet":
		var l appsv1.DaemonSetList
		if err := api.List(ctx, &l, opts...); err != nil {
			return nil, fmt.Errorf("listing DaemonSets in %s: %w", namespace, err)
		}
		for i := range l.Items {
			out = append(out, &l.Items[i])
		}
	default:
		return nil, fmt.Errorf("%s is not an agent workload kind", kind)
	}
	return out, nil
}
