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

// Package agentobjects reads the objects agents are made of — workloads and
// Pods labelled unions.kos.dev/agent — as the controllers need them: as
// metadata from the cache, which holds agents only and metadata-only, or in
// full from the API server for the few objects a reconcile judges or scales.
package agentobjects

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/agents"
)

// Partial is an empty metadata-only object of a kind, for watches and gets.
func Partial(gvk schema.GroupVersionKind) *metav1.PartialObjectMetadata {
	obj := &metav1.PartialObjectMetadata{}
	obj.SetGroupVersionKind(gvk)
	return obj
}

// PartialList is an empty metadata-only list of a kind.
func PartialList(gvk schema.GroupVersionKind) *metav1.PartialObjectMetadataList {
	list := &metav1.PartialObjectMetadataList{}
	list.SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
	return list
}

// List lists every agent object (workloads and Pods) of a namespace from
// the metadata-only cache, which holds agents only. The objects share their
// labels and annotations with the cache, uncopied (a badge reconcile reads
// every agent of its namespace): they are read, never changed.
func List(ctx context.Context, c client.Reader, namespace string) ([]*metav1.PartialObjectMetadata, error) {
	var out []*metav1.PartialObjectMetadata
	for _, gvk := range agents.Kinds {
		list := PartialList(gvk)
		if err := c.List(ctx, list, client.InNamespace(namespace), client.UnsafeDisableDeepCopy); err != nil {
			return nil, fmt.Errorf("listing %s: %w", gvk.Kind, err)
		}
		for j := range list.Items {
			item := &list.Items[j]
			item.SetGroupVersionKind(gvk)
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

// MemberAgents returns the names of a namespace's agents that terms (a
// Membership's terms in force, which are valid) select: the ones the badge
// engine badges.
func MemberAgents(ctx context.Context, c client.Reader, namespace string, terms unionsv1.MembershipTerms) (map[string]bool, error) {
	metas, err := List(ctx, c, namespace)
	if err != nil {
		return nil, err
	}
	sel, err := agents.NewSelector(terms.Agents)
	if err != nil {
		return nil, err
	}
	selected := map[string]bool{}
	for _, name := range sel.Select(Metas(metas)) {
		selected[name] = true
	}
	return selected, nil
}
