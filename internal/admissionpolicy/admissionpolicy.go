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

// Package admissionpolicy keeps a union's ValidatingAdmissionPolicies and
// their bindings in the cluster: exactly those its standards render, owned
// by the union, written only when they changed. Alliances and federations
// share it.
package admissionpolicy

import (
	"context"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/apply"
	"github.com/kos-dev/union-operator/internal/standards"
)

// Sync makes the union's policies and bindings exactly the rendered ones:
// each policy before its bindings (a binding is only enforced once its
// policy exists), and stale bindings before stale policies, so that nothing
// half-removed is enforced. owner is the union, of the given kind.
func Sync(ctx context.Context, c client.Client, owner unionsv1.Union, rendered []standards.Policy) error {
	ref := unionsv1.Reference(owner)
	kind := string(ref.Kind)
	owned := client.MatchingLabels(ref.ManagedLabels())
	var policies admissionregistrationv1.ValidatingAdmissionPolicyList
	if err := c.List(ctx, &policies, owned); err != nil {
		return err
	}
	var bindings admissionregistrationv1.ValidatingAdmissionPolicyBindingList
	if err := c.List(ctx, &bindings, owned); err != nil {
		return err
	}
	currentPolicies := map[string]*admissionregistrationv1.ValidatingAdmissionPolicy{}
	for i := range policies.Items {
		currentPolicies[policies.Items[i].Name] = &policies.Items[i]
	}
	currentBindings := map[string]*admissionregistrationv1.ValidatingAdmissionPolicyBinding{}
	for i := range bindings.Items {
		currentBindings[bindings.Items[i].Name] = &bindings.Items[i]
	}

	wanted := map[string]bool{}
	for _, p := range rendered {
		wanted[p.Policy.Name] = true
		apply.ControlledBy(p.Policy, owner, kind)
		if cur := currentPolicies[p.Policy.Name]; cur == nil || !apply.UpToDate(cur, p.Policy, func() bool { return equality.Semantic.DeepEqual(cur.Spec, p.Policy.Spec) }) {
			if err := apply.Rendered(ctx, c, p.Policy); err != nil {
				return err
			}
		}
		for _, b := range p.Bindings() {
			wanted[b.Name] = true
			apply.ControlledBy(b, owner, kind)
			if cur := currentBindings[b.Name]; cur == nil || !apply.UpToDate(cur, b, func() bool { return equality.Semantic.DeepEqual(cur.Spec, b.Spec) }) {
				if err := apply.Rendered(ctx, c, b); err != nil {
					return err
				}
			}
		}
	}
	for name, b := range currentBindings {
		if !wanted[name] {
			if err := client.IgnoreNotFound(c.Delete(ctx, b)); err != nil {
				return err
			}
		}
	}
	for name, p := range currentPolicies {
		if !wanted[name] {
			if err := client.IgnoreNotFound(c.Delete(ctx, p)); err != nil {
				return err
			}
		}
	}
	return nil
}
