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

package plugin

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

// Tenancy is what a user who may read only their own namespace sees: the
// Memberships of that namespace, and those of the unions they name that the
// user may read.
type Tenancy struct {
	Namespace   string
	Memberships []unionsv1.Membership
	// Unions are the named unions the user could read.
	Unions Unions
}

// readTenancy reads the Memberships of a namespace and, where allowed, the
// unions they name.
func readTenancy(ctx context.Context, c client.Reader, namespace string) (Tenancy, error) {
	var list unionsv1.MembershipList
	if err := c.List(ctx, &list, client.InNamespace(namespace)); err != nil {
		return Tenancy{}, fmt.Errorf("listing the Memberships of namespace %s: %w", namespace, err)
	}
	t := Tenancy{Namespace: namespace, Memberships: sortedByName(list.Items)}
	seen := map[unionsv1.UnionReference]bool{}
	for _, m := range t.Memberships {
		ref := m.Spec.Union
		if seen[ref] {
			continue
		}
		seen[ref] = true
		u := unionsv1.NewUnion(ref.Kind)
		if u != nil && c.Get(ctx, client.ObjectKey{Name: ref.Name}, u) == nil {
			t.Unions.add(u)
		}
	}
	return t, nil
}

// add puts a union under its kind.
func (u *Unions) add(union unionsv1.Union) {
	switch x := union.(type) {
	case *unionsv1.Coalition:
		u.Coalitions = append(u.Coalitions, *x)
	case *unionsv1.Alliance:
		u.Alliances = append(u.Alliances, *x)
	case *unionsv1.Federation:
		u.Federations = append(u.Federations, *x)
	}
}

// objects are the Memberships, then the unions read.
func (t Tenancy) objects() []client.Object {
	var out []client.Object
	for i := range t.Memberships {
		out = append(out, &t.Memberships[i])
	}
	return append(out, t.Unions.objects()...)
}

// RenderTenancy writes a namespace's Memberships: the union each names, its
// standing, agents and readiness as the Membership reports them; then the
// unions the user could read, as the status table shows them.
func RenderTenancy(w io.Writer, t Tenancy) error {
	tw := tabwriter.NewWriter(w, 0, 8, 3, ' ', 0)
	_, _ = fmt.Fprintf(tw, "Unions cannot be listed cluster-wide with these credentials; the Memberships of namespace %s:\n", t.Namespace)
	_, _ = fmt.Fprintln(tw, "MEMBERSHIP\tUNION\tSTANDING\tAGENTS\tREADY\tREASON")
	for _, m := range t.Memberships {
		ready, reason := readiness(m.Status.Conditions)
		_, _ = fmt.Fprintf(tw, "%s\t%s/%s\t%s\t%d\t%s\t%s\n",
			m.Name, m.Spec.Union.Kind, m.Spec.Union.Name, orDash(string(m.Status.Standing)), m.Status.AgentCount, ready, orDash(reason))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if t.Unions.Len() == 0 {
		return nil
	}
	if _, err := fmt.Fprintln(w); err != nil {
		return err
	}
	return RenderStatus(w, t.Unions)
}
