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

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/admissionpolicy"
	"github.com/kos-dev/union-operator/internal/constitution"
	"github.com/kos-dev/union-operator/internal/lineage"
	"github.com/kos-dev/union-operator/internal/standards"
)

// reconcilePolicies keeps the admission policies of the federation's own
// standards in force (those that compile and do not clash with an
// ancestor's): one policy per action, reading its parameters from the
// federation's params ConfigMap in the namespace of the judged object, and
// bound to the federation's members and to the members of every descendant
// (which its constitution governs too). It returns the compiled standards.
func (k Kind) reconcilePolicies(ctx context.Context, f *unionsv1.Federation, con constitution.Constitution) (*standards.Set, error) {
	set := standards.Compile(ownStandards(f.Name, con), standards.Options{Params: true})
	descendants, err := lineage.Descendants(ctx, k.Client, f.Name)
	if err != nil {
		return nil, err
	}
	opts := standards.PolicyOptions{ParamsConfigMap: constitution.ParamsName(f.Name)}
	for _, d := range descendants {
		opts.Descendants = append(opts.Descendants, unionsv1.UnionReference{Kind: unionsv1.KindFederation, Name: d})
	}
	return set, admissionpolicy.Sync(ctx, k.Client, k.APIReader, f, standards.Policies(unionsv1.Reference(f), set.Standards(), opts))
}

// ownStandards returns the standards in force that the federation itself declares.
func ownStandards(name string, con constitution.Constitution) []unionsv1.Standard {
	own := con.StandardsOf(name)
	out := make([]unionsv1.Standard, 0, len(own))
	for _, s := range own {
		out = append(out, s.Standard)
	}
	return out
}
