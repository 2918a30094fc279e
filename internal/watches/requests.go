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

// Package watches is the watch wiring the controllers share: map functions
// from the objects they follow to the requests they reconcile (by union, by
// namespace, by object), and the one handler of agent events.
package watches

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

// ToUnion maps the objects that name a union of kind (Memberships,
// ExitTreaties, Proposals) to a request for that union.
func ToUnion(kind unionsv1.UnionKind) handler.MapFunc {
	return func(_ context.Context, o client.Object) []reconcile.Request {
		n, ok := o.(unionsv1.UnionNamer)
		if !ok || n.GetUnion().Kind != kind {
			return nil
		}
		return []reconcile.Request{{NamespacedName: client.ObjectKey{Name: n.GetUnion().Name}}}
	}
}

// ToNamespace maps an object to the request of its namespace, for
// reconcilers whose request names a namespace.
func ToNamespace(_ context.Context, o client.Object) []reconcile.Request {
	return []reconcile.Request{{NamespacedName: client.ObjectKey{Name: o.GetNamespace()}}}
}

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

// ObjectRequests maps objects to requests for themselves.
func ObjectRequests[T any, PT interface {
	*T
	client.Object
}](items []T) []reconcile.Request {
	out := make([]reconcile.Request, len(items))
	for i := range items {
		out[i] = reconcile.Request{NamespacedName: client.ObjectKeyFromObject(PT(&items[i]))}
	}
	return out
}

// MembershipsOf lets through the Memberships of one union kind.
func MembershipsOf(kind unionsv1.UnionKind) predicate.Predicate {
	return predicate.NewPredicateFuncs(func(o client.Object) bool {
		m, ok := o.(*unionsv1.Membership)
		return ok && m.Spec.Union.Kind == kind
	})
}
