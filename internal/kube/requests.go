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
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// NamespaceRequests maps items to one request per distinct namespace, for
// reconcilers whose request names a namespace.
func NamespaceRequests[T any](items []T, namespaceOf func(T) string) []reconcile.Request {
	seen := map[string]bool{}
	var out []reconcile.Request
	for _, item := range items {
		if ns := namespaceOf(item); !seen[ns] {
			seen[ns] = true
			out = append(out, reconcile.Request{NamespacedName: client.ObjectKey{Name: ns}})
		}
	}
	return out
}
