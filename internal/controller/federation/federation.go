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

// Package federation holds the phases of a Federation: a nested union. A
// federation names its parent; cycles, missing parents and nesting deeper
// than MaxDepth stall it.
package federation

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/conditions"
	"github.com/kos-dev/union-operator/internal/controller/union"
	"github.com/kos-dev/union-operator/internal/index"
)

// MaxDepth is the deepest nesting allowed: a root has depth 0.
const MaxDepth = 8

// Reasons a federation's nesting stalls.
const (
	ReasonCycle          = "NestingCycle"
	ReasonParentNotFound = "ParentNotFound"
	ReasonTooDeep        = "NestingTooDeep"
)

// Kind is the Federation kind of the union reconciler.
type Kind struct {
	Client client.Client
}

// +kubebuilder:rbac:groups=unions.kos.dev,resources=federations,verbs=get;list;watch
// +kubebuilder:rbac:groups=unions.kos.dev,resources=federations/status,verbs=get;update;patch

// New implements union.Kind.
func (Kind) New() *unionsv1.Federation { return &unionsv1.Federation{} }

// Watches implements union.Kind: a federation changes with its parent (depth)
// and its children (the children list).
func (k Kind) Watches(b *ctrl.Builder) *ctrl.Builder {
	return b.Watches(&unionsv1.Federation{}, handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
		f := o.(*unionsv1.Federation)
		var out []reconcile.Request
		if f.Spec.Parent != "" {
			out = append(out, reconcile.Request{NamespacedName: types.NamespacedName{Name: f.Spec.Parent}})
		}
		var children unionsv1.FederationList
		if err := k.Client.List(ctx, &children, client.MatchingFields{index.FederationParent: f.Name}); err == nil {
			for _, c := range children.Items {
				out = append(out, reconcile.Request{NamespacedName: types.NamespacedName{Name: c.Name}})
			}
		}
		return out
	}))
}

// Reconcile implements union.Kind: nesting and the phase.
func (k Kind) Reconcile(ctx context.Context, f *unionsv1.Federation, _ *union.Scope) (union.Outcome, error) {
	var children unionsv1.FederationList
	if err := k.Client.List(ctx, &children, client.MatchingFields{index.FederationParent: f.Name}); err != nil {
		return union.Outcome{}, err
	}
	f.Status.Children = nil
	for _, c := range children.Items {
		f.Status.Children = append(f.Status.Children, c.Name)
	}
	slices.Sort(f.Status.Children)
	f.Status.Children = f.Status.Children[:min(len(f.Status.Children), union.MaxListed)]

	chain, err := Ancestors(ctx, k.Client, f)
	if err != nil {
		return union.Outcome{}, err
	}
	if stalled := checkNesting(f.Name, chain); stalled != nil {
		return union.Outcome{Summary: *stalled}, nil
	}
	f.Status.Depth = int32(len(chain.Names))

	if f.Status.Phase == unionsv1.FederationDissolved {
		return union.Outcome{Summary: conditions.Summary{State: conditions.Ready, Reason: "Dissolved", Message: "the federation was dissolved"}}, nil
	}
	if f.Status.MemberCount == 0 && len(f.Status.Children) == 0 {
		f.Status.Phase = unionsv1.FederationForming
		return union.Outcome{Summary: conditions.Summary{State: conditions.Ready, Reason: "Forming", Message: "no member has joined yet"}}, nil
	}
	f.Status.Phase = unionsv1.FederationActive
	return union.Outcome{Summary: conditions.Summary{State: conditions.Ready, Reason: unionsv1.ReasonActive,
		Message: fmt.Sprintf("%d members, %d agents, %d child federations, depth %d", f.Status.MemberCount, f.Status.AgentCount, len(f.Status.Children), f.Status.Depth)}}, nil
}

// Chain is a federation's line of ancestors, nearest first.
type Chain struct {
	// Names of the ancestors found, nearest first.
	Names []string
	// Federations are the ancestor objects, in the same order.
	Federations []*unionsv1.Federation
	// Missing names a parent that does not exist.
	Missing string
	// Cycle is set when the line returns to a federation already in it.
	Cycle bool
}

// Ancestors follows spec.parent from f up to a root, a missing parent, a
// cycle, or MaxDepth+1 steps, whichever comes first.
func Ancestors(ctx context.Context, c client.Reader, f *unionsv1.Federation) (Chain, error) {
	var chain Chain
	seen := map[string]bool{f.Name: true}
	parent := f.Spec.Parent
	for parent != "" && len(chain.Names) <= MaxDepth {
		if seen[parent] {
			chain.Names = append(chain.Names, parent)
			chain.Cycle = true
			return chain, nil
		}
		p := &unionsv1.Federation{}
		if err := c.Get(ctx, types.NamespacedName{Name: parent}, p); err != nil {
			if client.IgnoreNotFound(err) != nil {
				return chain, err
			}
			chain.Missing = parent
			return chain, nil
		}
		seen[parent] = true
		chain.Names = append(chain.Names, parent)
		chain.Federations = append(chain.Federations, p)
		parent = p.Spec.Parent
	}
	return chain, nil
}

// checkNesting returns a Stalled summary when the chain is not a valid nesting.
func checkNesting(name string, chain Chain) *conditions.Summary {
	switch {
	case chain.Cycle:
		return &conditions.Summary{State: conditions.Stalled, Reason: ReasonCycle,
			Message: "federation parents form a cycle: " + name + " -> " + strings.Join(chain.Names, " -> ")}
	case chain.Missing != "":
		return &conditions.Summary{State: conditions.Stalled, Reason: ReasonParentNotFound,
			Message: "parent federation " + chain.Missing + " does not exist"}
	case len(chain.Names) > MaxDepth:
		return &conditions.Summary{State: conditions.Stalled, Reason: ReasonTooDeep,
			Message: fmt.Sprintf("federations nest at most %d deep: %s -> %s", MaxDepth, name, strings.Join(chain.Names, " -> "))}
	}
	return nil
}
