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
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	plugincel "k8s.io/apiserver/pkg/admission/plugin/cel"
	"k8s.io/apiserver/pkg/admission/plugin/webhook/matchconditions"
	"k8s.io/apiserver/pkg/cel/environment"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

var blue = unionsv1.UnionReference{Kind: unionsv1.KindAlliance, Name: "blue-pact"}

func TestPolicies(t *testing.T) {
	tests := []struct {
		name      string
		standards []unionsv1.Standard
		want      map[string][]string // policy name -> validation messages
	}{
		{name: "none", want: map[string][]string{}},
		{
			name:      "one deny, defaulted",
			standards: []unionsv1.Standard{{Name: "limits", Expression: limitsExpr, Message: "declare limits"}},
			want:      map[string][]string{"union-alliance-blue-pact-deny": {"limits: declare limits"}},
		},
		{
			name: "grouped by action",
			standards: []unionsv1.Standard{
				{Name: "limits", Expression: limitsExpr, Message: "declare limits", Action: unionsv1.StandardDeny},
				{Name: "owner", Expression: "has(object.metadata.labels.owner)", Action: unionsv1.StandardAudit},
				{Name: "replicas", Expression: "object.spec.replicas <= 5", Message: "at most 5", Action: unionsv1.StandardWarn},
				{Name: "image", Expression: "true", Message: "pinned images", Action: unionsv1.StandardDeny},
			},
			want: map[string][]string{
				"union-alliance-blue-pact-deny":  {"limits: declare limits", "image: pinned images"},
				"union-alliance-blue-pact-warn":  {"replicas: at most 5"},
				"union-alliance-blue-pact-audit": {"owner: the standard is not met"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Policies(blue, tt.standards, PolicyOptions{})
			if len(got) != len(tt.want) {
				t.Fatalf("%d policies, want %d", len(got), len(tt.want))
			}
			for _, p := range got {
				msgs, ok := tt.want[p.Policy.Name]
				if !ok {
					t.Fatalf("unexpected policy %s", p.Policy.Name)
				}
				if len(p.Policy.Spec.Validations) != len(msgs) {
					t.Fatalf("%s: %d validations, want %d", p.Policy.Name, len(p.Policy.Spec.Validations), len(msgs))
				}
				for i, v := range p.Policy.Spec.Validations {
					if v.Message != msgs[i] {
						t.Errorf("%s: validation %d message %q, want %q", p.Policy.Name, i, v.Message, msgs[i])
					}
				}
				if p.Binding.Name != p.Policy.Name || p.Binding.Spec.PolicyName != p.Policy.Name {
					t.Errorf("binding %s names policy %s, want %s", p.Binding.Name, p.Binding.Spec.PolicyName, p.Policy.Name)
				}
			}
		})
	}
}

func TestPolicyShape(t *testing.T) {
	ps := Policies(blue, []unionsv1.Standard{{Name: "limits", Expression: limitsExpr, Action: unionsv1.StandardWarn}}, PolicyOptions{})
	if len(ps) != 1 {
		t.Fatalf("%d policies", len(ps))
	}
	p, b := ps[0].Policy, ps[0].Binding

	for _, obj := range []metav1.Object{p, b} {
		if obj.GetLabels()[unionsv1.ManagedByLabel] != unionsv1.ManagedByValue || obj.GetLabels()[unionsv1.UnionLabel] != "Alliance.blue-pact" {
			t.Errorf("%s labels %v", obj.GetName(), obj.GetLabels())
		}
	}
	if *p.Spec.FailurePolicy != admissionregistrationv1.Fail {
		t.Errorf("failurePolicy %s", *p.Spec.FailurePolicy)
	}
	mc := p.Spec.MatchConstraints
	if sel := mc.ObjectSelector.MatchExpressions; len(sel) != 1 || sel[0].Key != unionsv1.AgentLabel || sel[0].Operator != metav1.LabelSelectorOpExists {
		t.Errorf("objectSelector %v", mc.ObjectSelector)
	}
	resources := map[string]bool{}
	for _, r := range mc.ResourceRules {
		if len(r.Operations) != 2 || r.Operations[0] != admissionregistrationv1.Create || r.Operations[1] != admissionregistrationv1.Update {
			t.Errorf("operations %v", r.Operations)
		}
		for _, res := range r.Resources {
			resources[r.APIGroups[0]+"/"+res] = true
		}
	}
	for _, want := range []string{"apps/deployments", "apps/statefulsets", "apps/daemonsets", "/pods"} {
		if !resources[want] {
			t.Errorf("resource %s not matched (%v)", want, resources)
		}
	}
	if p.Spec.ParamKind != nil || b.Spec.ParamRef != nil {
		t.Errorf("params without parameters")
	}
	if got := b.Spec.ValidationActions; len(got) != 1 || got[0] != admissionregistrationv1.Warn {
		t.Errorf("validationActions %v, want [Warn]", got)
	}
	if sel := b.Spec.MatchResources.NamespaceSelector.MatchExpressions; len(sel) != 1 ||
		sel[0].Key != "alliance.unions.kos.dev/blue-pact" || sel[0].Operator != metav1.LabelSelectorOpExists {
		t.Errorf("namespaceSelector %v", b.Spec.MatchResources.NamespaceSelector)
	}
}

func TestPolicyParams(t *testing.T) {
	ps := Policies(blue, []unionsv1.Standard{{Name: "replicas", Expression: "object.spec.replicas <= int(params.data.maxReplicas)"}},
		PolicyOptions{ParamsConfigMap: "federation-blue-params"})
	p, b := ps[0].Policy, ps[0].Binding
	if p.Spec.ParamKind == nil || p.Spec.ParamKind.Kind != "ConfigMap" || p.Spec.ParamKind.APIVersion != "v1" {
		t.Errorf("paramKind %v", p.Spec.ParamKind)
	}
	if b.Spec.ParamRef == nil || b.Spec.ParamRef.Name != "federation-blue-params" || *b.Spec.ParamRef.ParameterNotFoundAction != admissionregistrationv1.DenyAction {
		t.Errorf("paramRef %v", b.Spec.ParamRef)
	}
}

// The match conditions compile as the API server compiles them.
func TestMatchConditionsCompile(t *testing.T) {
	compiler, err := plugincel.NewCompositedCompiler(environment.MustBaseEnvSet(environment.DefaultCompatibilityVersion()))
	if err != nil {
		t.Fatal(err)
	}
	for _, params := range []bool{false, true} {
		accessors := make([]plugincel.ExpressionAccessor, len(matchConditions))
		for i := range matchConditions {
			accessors[i] = (*matchconditions.MatchCondition)(&matchConditions[i])
		}
		cond := compiler.CompileCondition(accessors, plugincel.OptionalVariableDeclarations{HasParams: params, HasAuthorizer: true}, environment.NewExpressions)
		if errs := cond.CompilationErrors(); len(errs) > 0 {
			t.Fatalf("params=%v: %v", params, errs)
		}
	}
}

func TestPolicyName(t *testing.T) {
	fed := unionsv1.UnionReference{Kind: unionsv1.KindFederation, Name: "north"}
	if got := PolicyName(fed, unionsv1.StandardAudit); got != "union-federation-north-audit" {
		t.Errorf("PolicyName = %s", got)
	}
}

// A federation's policies bind the members of its descendants too: one
// binding per descendant, each judging a namespace at most once.
func TestPolicyDescendants(t *testing.T) {
	north := unionsv1.UnionReference{Kind: unionsv1.KindFederation, Name: "north"}
	river := unionsv1.UnionReference{Kind: unionsv1.KindFederation, Name: "river"}
	lake := unionsv1.UnionReference{Kind: unionsv1.KindFederation, Name: "lake"}
	ps := Policies(north, []unionsv1.Standard{{Name: "replicas", Expression: "object.spec.replicas <= int(params.data.maxReplicas)"}},
		PolicyOptions{ParamsConfigMap: "federation-north-params", Descendants: []unionsv1.UnionReference{river, lake}})
	if len(ps) != 1 {
		t.Fatalf("%d policies", len(ps))
	}
	bindings := ps[0].Bindings()
	req := func(key string, op metav1.LabelSelectorOperator) metav1.LabelSelectorRequirement {
		return metav1.LabelSelectorRequirement{Key: key, Operator: op}
	}
	const ex, absent = metav1.LabelSelectorOpExists, metav1.LabelSelectorOpDoesNotExist
	want := map[string][]metav1.LabelSelectorRequirement{
		"union-federation-north-deny": {req("federation.unions.kos.dev/north", ex)},
		"union-federation-north-deny-via-lake": {req("federation.unions.kos.dev/lake", ex),
			req("federation.unions.kos.dev/north", absent)},
		"union-federation-north-deny-via-river": {req("federation.unions.kos.dev/river", ex),
			req("federation.unions.kos.dev/north", absent), req("federation.unions.kos.dev/lake", absent)},
	}
	if len(bindings) != len(want) {
		t.Fatalf("%d bindings, want %d", len(bindings), len(want))
	}
	for _, b := range bindings {
		exprs, ok := want[b.Name]
		if !ok {
			t.Fatalf("unexpected binding %s", b.Name)
		}
		if b.Spec.PolicyName != "union-federation-north-deny" || b.Spec.ParamRef == nil || b.Spec.ParamRef.Name != "federation-north-params" {
			t.Errorf("%s: policy %s paramRef %v", b.Name, b.Spec.PolicyName, b.Spec.ParamRef)
		}
		if b.Labels[unionsv1.UnionLabel] != "Federation.north" {
			t.Errorf("%s: labels %v", b.Name, b.Labels)
		}
		got := b.Spec.MatchResources.NamespaceSelector.MatchExpressions
		if len(got) != len(exprs) {
			t.Fatalf("%s: selector %v, want %v", b.Name, got, exprs)
		}
		for i := range got {
			if got[i].Key != exprs[i].Key || got[i].Operator != exprs[i].Operator {
				t.Errorf("%s: selector %v, want %v", b.Name, got, exprs)
			}
		}
	}
}
