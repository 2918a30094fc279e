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

package standards

import (
	"cmp"
	"slices"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/badge"
)

// Policy is a ValidatingAdmissionPolicy and the bindings that put it in force
// in the union's member namespaces.
type Policy struct {
	Policy *admissionregistrationv1.ValidatingAdmissionPolicy
	// Binding selects the union's members by its badge.
	Binding *admissionregistrationv1.ValidatingAdmissionPolicyBinding
	// Inherited select the members of the union's descendants (a
	// federation's), one binding per descendant.
	Inherited []*admissionregistrationv1.ValidatingAdmissionPolicyBinding
}

// Bindings returns every binding of the policy.
func (p Policy) Bindings() []*admissionregistrationv1.ValidatingAdmissionPolicyBinding {
	return append([]*admissionregistrationv1.ValidatingAdmissionPolicyBinding{p.Binding}, p.Inherited...)
}

// PolicyOptions tune the rendered policies.
type PolicyOptions struct {
	// ParamsConfigMap names the ConfigMap, in the namespace of each judged
	// object, that the standards read as params ("" for none). Compile the
	// standards with Options.Params then. A namespace without it has its
	// requests denied (parameterNotFoundAction: Deny), so a member is never
	// judged by parameters it lacks.
	ParamsConfigMap string
	// Descendants are unions whose members the policies bind too: a
	// federation's descendants, governed by its constitution. A binding
	// selects namespaces by one label only, and a namespace holds only the
	// badges of the unions it joined, so each descendant gets a binding of
	// its own, on its badge. Each also requires the badges of the union and
	// of the descendants before it (by name) to be absent, so that a
	// namespace joining several of them is judged once.
	Descendants []unionsv1.UnionReference
}

// Actions are the enforcement actions, in the order their policies are rendered.
var Actions = []unionsv1.StandardAction{unionsv1.StandardDeny, unionsv1.StandardWarn, unionsv1.StandardAudit}

// Match conditions every policy carries. The API server judges agent
// workloads and bare Pods; a Pod its workload controls is judged through its
// workload. An update is judged only when it changes the object's spec, so
// that metadata-only writes — badges on join and leave, annotations — never
// fail on an agent that predates a standard (its compliance is reported in
// the union's status instead).
var matchConditions = []admissionregistrationv1.MatchCondition{
	{
		Name: "agent-workloads-and-bare-pods",
		Expression: "request.resource.resource != 'pods' || !has(object.metadata.ownerReferences) || " +
			"!object.metadata.ownerReferences.exists(r, has(r.controller) && r.controller && r.kind in ['ReplicaSet', 'StatefulSet', 'DaemonSet'])",
	},
	{
		Name:       "creations-and-spec-changes",
		Expression: "request.operation != 'UPDATE' || !has(object.spec) || !has(oldObject.spec) || object.spec != oldObject.spec",
	},
}

// PolicyName is the name of a union's policy (and of its binding) for one
// action: union-<kind>-<name>-<action>.
func PolicyName(ref unionsv1.UnionReference, action unionsv1.StandardAction) string {
	return "union-" + strings.ToLower(string(ref.Kind)) + "-" + ref.Name + "-" + strings.ToLower(string(action))
}

// ActionOf is a standard's action (Deny when unset).
func ActionOf(s unionsv1.Standard) unionsv1.StandardAction {
	if s.Action == "" {
		return unionsv1.StandardDeny
	}
	return s.Action
}

// Policies renders one policy and binding per action the standards use:
// a binding carries one set of validation actions, and the API server does
// not allow Deny and Warn together. Pass only standards that compiled.
func Policies(ref unionsv1.UnionReference, standards []unionsv1.Standard, opts PolicyOptions) []Policy {
	var out []Policy
	for _, action := range Actions {
		var validations []admissionregistrationv1.Validation
		for _, s := range standards {
			if ActionOf(s) == action {
				validations = append(validations, admissionregistrationv1.Validation{Expression: s.Expression, Message: Message(s)})
			}
		}
		if len(validations) == 0 {
			continue
		}
		name := PolicyName(ref, action)
		p := Policy{
			Policy:  policy(ref, name, validations, opts),
			Binding: binding(ref, name, name, action, exists(badge.Key(ref)), opts),
		}
		descendants := slices.Clone(opts.Descendants)
		slices.SortFunc(descendants, func(a, b unionsv1.UnionReference) int { return cmp.Compare(a.Name, b.Name) })
		absent := make([]string, 1, 1+len(descendants))
		absent[0] = badge.Key(ref)
		for _, d := range descendants {
			sel := exists(badge.Key(d))
			for _, k := range absent {
				sel.MatchExpressions = append(sel.MatchExpressions, metav1.LabelSelectorRequirement{Key: k, Operator: metav1.LabelSelectorOpDoesNotExist})
			}
			p.Inherited = append(p.Inherited, binding(ref, InheritedName(name, d), name, action, sel, opts))
			absent = append(absent, badge.Key(d))
		}
		out = append(out, p)
	}
	return out
}

func policy(ref unionsv1.UnionReference, name string, validations []admissionregistrationv1.Validation, opts PolicyOptions) *admissionregistrationv1.ValidatingAdmissionPolicy {
	rule := func(group string, resources ...string) admissionregistrationv1.NamedRuleWithOperations {
		return admissionregistrationv1.NamedRuleWithOperations{RuleWithOperations: admissionregistrationv1.RuleWithOperations{
			Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
			Rule: admissionregistrationv1.Rule{
				APIGroups:   []string{group},
				APIVersions: []string{"v1"},
				Resources:   resources,
				Scope:       ptr.To(admissionregistrationv1.NamespacedScope),
			},
		}}
	}
	p := &admissionregistrationv1.ValidatingAdmissionPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: admissionregistrationv1.SchemeGroupVersion.String(), Kind: "ValidatingAdmissionPolicy"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: ref.ManagedLabels()},
		Spec: admissionregistrationv1.ValidatingAdmissionPolicySpec{
			FailurePolicy: ptr.To(admissionregistrationv1.Fail),
			MatchConstraints: &admissionregistrationv1.MatchResources{
				NamespaceSelector: &metav1.LabelSelector{},
				ObjectSelector:    exists(unionsv1.AgentLabel),
				ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{
					rule("apps", "deployments", "statefulsets", "daemonsets"),
					rule("", "pods"),
				},
				MatchPolicy: ptr.To(admissionregistrationv1.Equivalent),
			},
			MatchConditions: matchConditions,
			Validations:     validations,
		},
	}
	if opts.ParamsConfigMap != "" {
		p.Spec.ParamKind = &admissionregistrationv1.ParamKind{APIVersion: "v1", Kind: "ConfigMap"}
	}
	return p
}

// InheritedName is the name of the binding of a policy for the members of
// one descendant: <policy>-via-<descendant>.
func InheritedName(policy string, descendant unionsv1.UnionReference) string {
	return policy + "-via-" + descendant.Name
}

func binding(ref unionsv1.UnionReference, name, policyName string, action unionsv1.StandardAction, namespaces *metav1.LabelSelector, opts PolicyOptions) *admissionregistrationv1.ValidatingAdmissionPolicyBinding {
	b := &admissionregistrationv1.ValidatingAdmissionPolicyBinding{
		TypeMeta:   metav1.TypeMeta{APIVersion: admissionregistrationv1.SchemeGroupVersion.String(), Kind: "ValidatingAdmissionPolicyBinding"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: ref.ManagedLabels()},
		Spec: admissionregistrationv1.ValidatingAdmissionPolicyBindingSpec{
			PolicyName:        policyName,
			ValidationActions: []admissionregistrationv1.ValidationAction{admissionregistrationv1.ValidationAction(action)},
			MatchResources: &admissionregistrationv1.MatchResources{
				NamespaceSelector: namespaces,
				ObjectSelector:    &metav1.LabelSelector{},
				MatchPolicy:       ptr.To(admissionregistrationv1.Equivalent),
			},
		},
	}
	if opts.ParamsConfigMap != "" {
		b.Spec.ParamRef = &admissionregistrationv1.ParamRef{
			Name:                    opts.ParamsConfigMap,
			ParameterNotFoundAction: ptr.To(admissionregistrationv1.DenyAction),
		}
	}
	return b
}

func exists(key string) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: key, Operator: metav1.LabelSelectorOpExists}}}
}
