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
// depth limit.
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
}

// TooDeep reports whether the chain nests deeper than MaxDepth.
func (c Chain) TooDeep() bool { return len(c.Names) > MaxDepth }

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

// Children lists the federations that name the named one as their parent.
func Children(ctx context.Context, c client.Reader, name string) ([]unionsv1.Federation, error) {
	var children unionsv1.FederationList
	if err := c.List(ctx, &children, client.MatchingFields{index.FederationParent: name}); err != nil {
		return nil, err
	}
	return children.Items, nil
}

// Descendants returns the names of the federations nested, at any depth,
// under the named one, sorted; a cycle does not make it loop.
func Descendants(ctx context.Context, c client.Reader, name string) ([]string, error) {
	seen := map[string]bool{name: true}
	queue := []string{name}
	var out []string
	for len(queue) > 0 {
		parent := queue[0]
		queue = queue[1:]
		children, err := Children(ctx, c, parent)
		if err != nil {
			return nil, err
		}
		for _, child := range children {
			if seen[child.Name] {
				continue
			}
			seen[child.Name] = true
			out = append(out, child.Name)
			queue = append(queue, child.Name)
		}
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

// MemberTerms judges a Federation Membership's local overrides against the
// constitution in force for it (its federation's and every ancestor's). It
// returns, when an override is invalid, a message naming every invalid key
// and the reason InvalidOverride (both "" otherwise), and the parameters in
// force for the member, keyed <standard>.<parameter>, for its charter.
func MemberTerms(ctx context.Context, c client.Reader, m *unionsv1.Membership, f *unionsv1.Federation) (message, reason string, parameters map[string]string, err error) {
	con, _, err := ConstitutionOf(ctx, c, f)
	if err != nil {
		return "", "", nil, err
	}
	if invalid := overrides.Check(m.Spec.Overrides, con.Terms()); len(invalid) > 0 {
		msgs := make([]string, len(invalid))
		for i, inv := range invalid {
			msgs[i] = inv.Error()
		}
		message = "spec.overrides: " + strings.Join(msgs, "; ") + "; the union's core stays in force"
		reason = overrides.Reason
	}
	return message, reason, con.EffectiveParameters(m.Spec.Overrides), nil
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
