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

package kube

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/agents"
)

// Agent is an agent workload or Pod read in full from the API server (the
// cache holds agents metadata-only).
type Agent struct {
	GVK    schema.GroupVersionKind
	Object client.Object
}

// Kind is the object's kind.
func (a Agent) Kind() string { return a.GVK.Kind }

// Agent is the name of the agent the object belongs to.
func (a Agent) Agent() string { return agents.Name(a.Object) }

// Unstructured renders the object as admission sees it.
func (a Agent) Unstructured() (*unstructured.Unstructured, error) {
	raw, err := runtime.DefaultUnstructuredConverter.ToUnstructured(a.Object)
	if err != nil {
		return nil, err
	}
	u := &unstructured.Unstructured{Object: raw}
	u.SetGroupVersionKind(a.GVK)
	return u, nil
}

// ReadAgents reads in full, from the API server, the agent objects of a
// namespace that want selects among those the metadata-only cache holds:
// one list per workload kind wanted, one get per Pod wanted.
func ReadAgents(ctx context.Context, cached, api client.Reader, namespace string, want func(kind string, meta *metav1.PartialObjectMetadata) bool) ([]Agent, error) {
	metas, err := AgentObjects(ctx, cached, namespace)
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
	var out []Agent
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
				out = append(out, Agent{GVK: gvk, Object: pod})
			}
			continue
		}
		list := newWorkloadList(gvk.Kind)
		if err := api.List(ctx, list, client.InNamespace(namespace), client.HasLabels{unionsv1.AgentLabel}); err != nil {
			return nil, fmt.Errorf("listing %s in %s: %w", gvk.Kind, namespace, err)
		}
		items, err := workloadItems(list)
		if err != nil {
			return nil, err
		}
		for _, obj := range items {
			if names[obj.GetName()] {
				out = append(out, Agent{GVK: gvk, Object: obj})
			}
		}
	}
	return out, nil
}

// newWorkloadList returns an empty typed list of an agent workload kind.
func newWorkloadList(kind string) client.ObjectList {
	switch kind {
	case "Deployment":
		return &appsv1.DeploymentList{}
	case "StatefulSet":
		return &appsv1.StatefulSetList{}
	case "DaemonSet":
		return &appsv1.DaemonSetList{}
	}
	return nil
}

// workloadItems returns the items of a typed workload list.
func workloadItems(list client.ObjectList) ([]client.Object, error) {
	var out []client.Object
	switch l := list.(type) {
	case *appsv1.DeploymentList:
		for i := range l.Items {
			out = append(out, &l.Items[i])
		}
	case *appsv1.StatefulSetList:
		for i := range l.Items {
			out = append(out, &l.Items[i])
		}
	case *appsv1.DaemonSetList:
		for i := range l.Items {
			out = append(out, &l.Items[i])
		}
	default:
		return nil, fmt.Errorf("unexpected list %T", list)
	}
	return out, nil
}
