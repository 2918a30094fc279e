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

// Package lineage reads, from the cache, the nesting of federations: a
// federation's ancestors and descendants, the Memberships its constitution
// governs, the constitution in force for its members and a member's terms
// under it. The controllers of every kind read nesting through it, with one
// depth limit and one rule of consent: a federation is nested in its parent
// only when it names the parent (spec.parent) and the parent admits it by
// name (spec.admission.federations); until then it is standalone, and
// neither inherits from the parent nor takes part in its decisions.
package lineage

import (
	"context"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/constitution"
	"github.com/kos-dev/union-operator/internal/index"
	"github.com/kos-dev/union-operator/internal/overrides"
)

// MaxDepth is the deepest nesting allowed: a root has depth 0.
const MaxDepth = 8

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
	// NotAdmitted names the parent that does not admit the federation (or
	// the ancestor that does not admit its child): the line stops below it.
	NotAdmitted string
}

// Nested reports whether the federation is nested in its parent: the line
// reached it, the parent admitting.
func (c Chain) Nested() bool { return len(c.Names) > 0 && !c.Cycle }

// Admits reports whether a federation admits the named child federation.
func Admits(parent *unionsv1.Federation, child string) bool {
	return slices.Contains(parent.Spec.Admission.Federations, child)
}

// TooDeep reports whether the chain nests deeper than MaxDepth.
func (c Chain) TooDeep() bool { return len(c.Names) > MaxDepth }

// Ancestors follows spec.parent from f up to a root, a missing parent, a
// parent that does not admit its child, a cycle, or MaxDepth+1 steps,
// whichever comes first.
func Ancestors(ctx context.Context, c client.Reader, f *unionsv1.Federation) (Chain, error) {
	var chain Chain
	seen := map[string]bool{f.Name: true}
	child, parent := f.Name, f.Spec.Parent
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
		if !Admits(p, child) {
			chain.NotAdmitted = parent
			return chain, nil
		}
		seen[parent] = true
		chain.Names = append(chain.Names, parent)
		chain.Federations = append(chain.Federations, p)
		child, parent = parent, p.Spec.Parent
	}
	return chain, nil
}

// Claimants lists the federations that name the named one as their
// parent, whether it admits them or not.
func Claimants(ctx context.Context, c client.Reader, name string) ([]unionsv1.Federation, error) {
	var children unionsv1.FederationList
	if err := c.List(ctx, &children, client.MatchingFields{index.FederationParent: name}); err != nil {
		return nil, err
	}
	return children.Items, nil
}

// Children lists the federations nested in f: naming it as their parent,
// and admitted by it.
func Children(ctx context.Context, c client.Reader, f *unionsv1.Federation) ([]unionsv1.Federation, error) {
	claimants, err := Claimants(ctx, c, f.Name)
	if err != nil {
		return nil, err
	}
	var out []unionsv1.Federation
	for _, child := range claimants {
		if Admits(f, child.Name) {
			out = append(out, child)
		}
	}
	return out, nil
}

// Descendants returns the names of the federations nested, at any depth,
// under the named one (each admitted by its parent), sorted; a cycle does
// not make it loop, and the walk stops MaxDepth below it.
func Descendants(ctx context.Context, c client.Reader, name string) ([]string, error) {
	root := &unionsv1.Federation{}
	if err := c.Get(ctx, types.NamespacedName{Name: name}, root); err != nil {
		return nil, client.IgnoreNotFound(err)
	}
	seen := map[string]bool{name: true}
	level := []*unionsv1.Federation{root}
	var out []string
	for depth := 0; depth < MaxDepth && len(level) > 0; depth++ {
		var next []*unionsv1.Federation
		for _, parent := range level {
			children, err := Children(ctx, c, parent)
			if err != nil {
				return nil, err
			}
			for i := range children {
				child := &children[i]
				if seen[child.Name] {
					continue
				}
				seen[child.Name] = true
				out = append(out, child.Name)
				next = append(next, child)
			}
		}
		level = next
	}
	slices.Sort(out)
	return out, nil
}

// MembershipsUnder lists the Memberships of the named federation and of its
// descendants: every Membership its constitution governs.
func MembershipsUnder(ctx context.Context, c client.Reader, name string) ([]unionsv1.Membership, error) {
	descendants, err := Descendants(ctx, c, name)
	if err != nil {
		return nil, err
	}
	var out []unionsv1.Membership
	for _, fed := range append([]string{name}, descendants...) {
		ms, err := index.MembershipsOf(ctx, c, unionsv1.UnionReference{Kind: unionsv1.KindFederation, Name: fed})
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
	}
	return out, nil
}

// MembershipsBound lists the Memberships whose terms a union sets: those
// naming it and, for a federation, those of its descendants, whose members
// its constitution governs too.
func MembershipsBound(ctx context.Context, c client.Reader, u unionsv1.Union) ([]unionsv1.Membership, error) {
	if f, ok := u.(*unionsv1.Federation); ok {
		return MembershipsUnder(ctx, c, f.Name)
	}
	return index.MembershipsOf(ctx, c, unionsv1.Reference(u))
}

// ConstitutionOf returns the constitution in force for the members of f,
// its ancestors' clauses included, with the ancestors found.
func ConstitutionOf(ctx context.Context, c client.Reader, f *unionsv1.Federation) (constitution.Constitution, Chain, error) {
	chain, err := Ancestors(ctx, c, f)
	if err != nil {
		return constitution.Constitution{}, chain, err
	}
	return constitution.Of(f, chain.Federations), chain, nil
}

// OverridesRefused judges a Federation member's local overrides against the
// constitution in force for it (its federation's and every ancestor's): a
// message naming every invalid key, with the reason InvalidOverride, or ""
// when they are valid.
func OverridesRefused(con constitution.Constitution, memberOverrides map[string]string) (message, reason string) {
	invalid := overrides.Check(memberOverrides, con.Terms())
	if len(invalid) == 0 {
		return "", ""
	}
	msgs := make([]string, len(invalid))
	for i, inv := range invalid {
		msgs[i] = inv.Error()
	}
	return "spec.overrides: " + strings.Join(msgs, "; "), overrides.Reason
}

// Up returns a union followed by the federations it nests in, nearest
// first, at most MaxDepth of them: the unions whose electorate a change to
// it may change.
func Up(ctx context.Context, c client.Reader, ref unionsv1.UnionReference) ([]unionsv1.UnionReference, error) {
	out := []unionsv1.UnionReference{ref}
	if ref.Kind != unionsv1.KindFederation {
		return out, nil
	}
	f := &unionsv1.Federation{}
	if err := c.Get(ctx, types.NamespacedName{Name: ref.Name}, f); err != nil {
		return out, client.IgnoreNotFound(err)
	}
	chain, err := Ancestors(ctx, c, f)
	for _, a := range chain.Federations {
		out = append(out, unionsv1.Reference(a))
	}
	return out, err
}
