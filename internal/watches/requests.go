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
// namespace, by object), the predicates that keep them from waking for what
// does not concern them, and the one handler of agent events.
package watches

import (
	"context"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/agents"
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

// BadgeFacts is the part of a union's state its badges follow: its spec
// (generation), its deletion, its phase, its decisions, a coalition's
// council and a federation's place in its line. A status write that changes
// none of them (member counts, compliance, conditions) changes no badge.
func BadgeFacts(u unionsv1.Union) []any {
	facts := []any{u.GetGeneration(), u.GetDeletionTimestamp() != nil, len(u.Standing().Decisions)}
	switch u := u.(type) {
	case *unionsv1.Coalition:
		facts = append(facts, u.Status.Phase, u.Status.Council)
	case *unionsv1.Federation:
		nested := meta.FindStatusCondition(u.Status.Conditions, unionsv1.ConditionNested)
		facts = append(facts, u.Status.Phase, u.Status.Depth, nested != nil && nested.Status == metav1.ConditionTrue)
	}
	return facts
}

// BadgeFactsChanged passes the creations and deletions of unions, and the
// updates that change their BadgeFacts.
func BadgeFactsChanged() predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		old, okOld := e.ObjectOld.(unionsv1.Union)
		cur, okCur := e.ObjectNew.(unionsv1.Union)
		return !okOld || !okCur || !equality.Semantic.DeepEqual(BadgeFacts(old), BadgeFacts(cur))
	}}
}

// StandingChanged passes the creations and deletions of Memberships, and
// the updates that change what they put in force: their spec, deletion,
// standing or terms in force — not their other status (agents, conditions).
func StandingChanged() predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		old, okOld := e.ObjectOld.(*unionsv1.Membership)
		cur, okCur := e.ObjectNew.(*unionsv1.Membership)
		if !okOld || !okCur {
			return true
		}
		return old.Generation != cur.Generation || (old.DeletionTimestamp == nil) != (cur.DeletionTimestamp == nil) ||
			old.Status.Standing != cur.Status.Standing || !equality.Semantic.DeepEqual(old.Status.Terms, cur.Status.Terms)
	}}
}

// MemberFactsChanged passes creations, deletions and the updates of a
// Membership that change what a union reads of it: anything but the
// Membership's report on itself (its conditions and observed generation),
// which no union reads.
func MemberFactsChanged() predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		old, okOld := e.ObjectOld.(*unionsv1.Membership)
		cur, okCur := e.ObjectNew.(*unionsv1.Membership)
		if !okOld || !okCur {
			return true
		}
		return !equality.Semantic.DeepEqual(memberFacts(old), memberFacts(cur))
	}}
}

// memberFacts is a Membership without what no union reads of it: its
// conditions, observed generation and the bookkeeping of its metadata.
func memberFacts(m *unionsv1.Membership) unionsv1.Membership {
	facts := unionsv1.Membership{Spec: m.Spec, Status: m.Status}
	facts.Status.Conditions, facts.Status.ObservedGeneration = nil, 0
	// The same name with another uid: deleted and made again while the
	// watch was cut, which a relist delivers as one update.
	facts.UID, facts.CreationTimestamp = m.UID, m.CreationTimestamp
	facts.Generation, facts.DeletionTimestamp = m.Generation, m.DeletionTimestamp
	facts.Labels, facts.Annotations = m.Labels, m.Annotations
	facts.Finalizers, facts.OwnerReferences = m.Finalizers, m.OwnerReferences
	return facts
}

// AnnotationChanged passes creations, deletions and the updates that change
// the value of one annotation.
func AnnotationChanged(key string) predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		return e.ObjectOld.GetAnnotations()[key] != e.ObjectNew.GetAnnotations()[key]
	}}
}

// OwnLabelsChanged passes creations, deletions and the updates that change
// an object's own labels, its badges aside: what the badge engine writes
// wakes none of those who judge agents by their Memberships' terms.
func OwnLabelsChanged() predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		return !agents.SameOwnLabels(e.ObjectOld.GetLabels(), e.ObjectNew.GetLabels())
	}}
}
