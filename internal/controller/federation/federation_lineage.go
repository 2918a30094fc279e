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

package federation

import (
	"context"
	"slices"
	"strings"

	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/constitution"
	"github.com/kos-dev/union-operator/internal/index"
	"github.com/kos-dev/union-operator/internal/overrides"
)

// Descendants returns the names of the federations nested, at any depth,
// under the named one, sorted; a cycle does not make it loop.
func Descendants(ctx context.Context, c client.Reader, name string) ([]string, error) {
	seen := map[string]bool{name: true}
	queue := []string{name}
	var out []string
	for len(queue) > 0 {
		parent := queue[0]
		queue = queue[1:]
		var children unionsv1.FederationList
		if err := c.List(ctx, &children, client.MatchingFields{index.FederationParent: parent}); err != nil {
			return nil, err
		}
		for _, child := range children.Items {
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
