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

package proposal

import (
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/governance"
	"github.com/kos-dev/union-operator/internal/index"
	"github.com/kos-dev/union-operator/internal/lineage"
)

// observeUnion reads a union and everything its electorate is built from:
// the Memberships that name it and, for a federation, its child federations,
// observed the same way. The union is nil when it does not exist.
func observeUnion(ctx context.Context, c client.Reader, ref unionsv1.UnionReference) (unionsv1.Union, governance.Observed, error) {
	u := unionsv1.NewUnion(ref.Kind)
	if u == nil {
		return nil, governance.Observed{}, nil
	}
	switch err := c.Get(ctx, client.ObjectKey{Name: ref.Name}, u); {
	case apierrors.IsNotFound(err):
		return nil, governance.Observed{}, nil
	case err != nil:
		return nil, governance.Observed{}, err
	}
	o, err := observeBody(ctx, c, u, 0, map[string]bool{})
	return u, o, err
}

func observeBody(ctx context.Context, c client.Reader, u unionsv1.Union, depth int, seen map[string]bool) (governance.Observed, error) {
	o := governance.Observed{Union: u}
	ms, err := index.MembershipsOf(ctx, c, unionsv1.Reference(u))
	if err != nil {
		return o, err
	}
	o.Memberships = ms
	// Federations nest at most lineage.MaxDepth deep (deeper nesting stalls
	// them, and they vote in nothing); a cycle stops the walk at once.
	f, ok := u.(*unionsv1.Federation)
	if !ok || depth >= lineage.MaxDepth {
		return o, nil
	}
	seen[f.Name] = true
	children, err := lineage.Children(ctx, c, f)
	if err != nil {
		return o, err
	}
	for i := range children {
		child := &children[i]
		if seen[child.Name] {
			continue
		}
		co, err := observeBody(ctx, c, child, depth+1, seen)
		if err != nil {
			return o, err
		}
		o.Children = append(o.Children, co)
	}
	return o, nil
}

// awaitingMembership reports whether a namespace holds a Membership in the
// observed electorate that has no standing yet: the membership controller
// has not decided it.
func awaitingMembership(o governance.Observed, namespace string) bool {
	for i := range o.Memberships {
		m := &o.Memberships[i]
		if m.Namespace == namespace && m.DeletionTimestamp == nil && m.Status.Standing == "" {
			return true
		}
	}
	for _, c := range o.Children {
		if awaitingMembership(c, namespace) {
			return true
		}
	}
	return false
}
