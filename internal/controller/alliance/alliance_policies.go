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

package alliance

import (
	"context"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/standards"
)

// +kubebuilder:rbac:groups=admissionregistration.k8s.io,resources=validatingadmissionpolicies;validatingadmissionpolicybindings,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=unions.kos.dev,resources=alliances/finalizers,verbs=update

// reconcilePolicies keeps the alliance's admission policies: one policy and
// binding per action its standards use, built from the standards that
// compiled (a standard that does not compile is left out, and the others
// stay in force), and no other policy of the alliance.
func (k Kind) reconcilePolicies(ctx context.Context, a *unionsv1.Alliance, set *standards.Set) error {
	ref := unionsv1.Reference(a)
	owned := client.MatchingLabels{unionsv1.ManagedByLabel: unionsv1.ManagedByValue, unionsv1.UnionLabel: string(ref.Kind) + "." + ref.Name}
	var policies admissionregistrationv1.ValidatingAdmissionPolicyList
	if err := k.Client.List(ctx, &policies, owned); err != nil {
		return err
	}
	var bindings admissionregistrationv1.ValidatingAdmissionPolicyBindingList
	if err := k.Client.List(ctx, &bindings, owned); err != nil {
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
	for _, p := range standards.Policies(ref, set.Standards(), standards.PolicyOptions{}) {
		wanted[p.Policy.Name] = true
		controlledBy(p.Policy, a, "Alliance")
		controlledBy(p.Binding, a, "Alliance")
		// The policy first: a binding is only enforced once its policy exists.
		if cur := currentPolicies[p.Policy.Name]; cur == nil || !upToDate(cur, p.Policy, func() bool { return semanticEqual(cur.Spec, p.Policy.Spec) }) {
			if err := apply(ctx, k.Client, p.Policy); err != nil {
				return err
			}
		}
		if cur := currentBindings[p.Binding.Name]; cur == nil || !upToDate(cur, p.Binding, func() bool { return semanticEqual(cur.Spec, p.Binding.Spec) }) {
			if err := apply(ctx, k.Client, p.Binding); err != nil {
				return err
			}
		}
	}
	// Bindings before their policies, so nothing half-removed is enforced.
	for name, b := range currentBindings {
		if !wanted[name] {
			if err := client.IgnoreNotFound(k.Client.Delete(ctx, b)); err != nil {
				return err
			}
		}
	}
	for name, p := range currentPolicies {
		if !wanted[name] {
			if err := client.IgnoreNotFound(k.Client.Delete(ctx, p)); err != nil {
				return err
			}
		}
	}
	return nil
}
