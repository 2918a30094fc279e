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

// Package kube holds the few helpers every controller uses against the API
// server: patching status only when it changed, and listing the agent objects
// of a namespace from the metadata-only cache.
package kube

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kos-dev/union-operator/internal/agents"
)

// PatchStatus writes the status of after with a merge patch computed against
// before, and writes nothing when nothing changed.
func PatchStatus(ctx context.Context, c client.Client, before, after client.Object) error {
	patch := client.MergeFrom(before)
	data, err := patch.Data(after)
	if err != nil {
		return err
	}
	if string(data) == "{}" {
		return nil
	}
	return c.Status().Patch(ctx, after, patch)
}

// NewMetadataList returns an empty metadata-only list of one agent kind.
func NewMetadataList(i int) *metav1.PartialObjectMetadataList {
	list := &metav1.PartialObjectMetadataList{}
	list.SetGroupVersionKind(agents.Kinds[i].GroupVersion().WithKind(agents.Kinds[i].Kind + "List"))
	return list
}

// AgentObjects lists every agent object (workloads and Pods) of a namespace
// from the metadata-only cache, which holds agents only.
func AgentObjects(ctx context.Context, c client.Reader, namespace string) ([]*metav1.PartialObjectMetadata, error) {
	var out []*metav1.PartialObjectMetadata
	for i := range agents.Kinds {
		list := NewMetadataList(i)
		if err := c.List(ctx, list, client.InNamespace(namespace)); err != nil {
			return nil, fmt.Errorf("listing %s: %w", agents.Kinds[i].Kind, err)
		}
		for j := range list.Items {
			item := &list.Items[j]
			item.SetGroupVersionKind(agents.Kinds[i])
			if agents.Name(item) != "" {
				out = append(out, item)
			}
		}
	}
	return out, nil
}

// Metas converts objects for the pure packages.
func Metas(objs []*metav1.PartialObjectMetadata) []metav1.Object {
	out := make([]metav1.Object, len(objs))
	for i, o := range objs {
		out[i] = o
	}
	return out
}
