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
	"errors"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/apply"
	"github.com/kos-dev/union-operator/internal/standards"
	"github.com/kos-dev/union-operator/internal/status"
)

// Sync makes the union's policies and bindings exactly the rendered ones:
// each policy before its bindings (a binding is only enforced once its
// policy exists), and stale bindings before stale policies, so that nothing
// half-removed is enforced. owner is the union, of the given kind. A policy
// or binding of the same name the operator did not make for this union is
// left as it is, and reported (reason NameClash); api reads what the cache,
// which holds only the operator's, does not.
func Sync(ctx context.Context, c client.Client, api client.Reader, owner unionsv1.Union, rendered []standards.Policy) error {
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
		var err error
		if cur := currentPolicies[p.Policy.Name]; cur == nil {
			err = write(ctx, c, api, p.Policy, nil)
		} else if !apply.UpToDate(cur, p.Policy, func() bool { return equality.Semantic.DeepEqual(cur.Spec, p.Policy.Spec) }) {
			err = write(ctx, c, api, p.Policy, cur)
		}
		if err != nil {
			return err
		}
		for _, b := range p.Bindings() {
			wanted[b.Name] = true
			apply.ControlledBy(b, owner, kind)
			if cur := currentBindings[b.Name]; cur == nil {
				err = write(ctx, c, api, b, nil)
			} else if !apply.UpToDate(cur, b, func() bool { return equality.Semantic.DeepEqual(cur.Spec, b.Spec) }) {
				err = write(ctx, c, api, b, cur)
			}
			if err != nil {
				return err
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

// ReasonNameClash is the reason a union reports a policy name another
// object holds under.
const ReasonNameClash = "NameClash"

// write creates or brings up to date one of the union's policies or
// bindings (current: the cache's copy, nil when it holds none).
func write(ctx context.Context, c client.Client, api client.Reader, obj, current client.Object) error {
	err := apply.Owned(ctx, c, api, obj, current)
	if _, clash := errors.AsType[*apply.ConflictError](err); clash {
		return status.Wrap(ReasonNameClash, err)
	}
	return err
}
