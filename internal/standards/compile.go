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

// Package standards compiles a union's standards — CEL expressions in the
// Kubernetes CEL dialect over an agent object — with the API server's own
// ValidatingAdmissionPolicy compiler, so that what compiles here compiles
// there; evaluates them over existing agents as the API server judges a new
// one; and renders the ValidatingAdmissionPolicies and bindings that make the
// API server enforce them in member namespaces. It is pure: it knows nothing
// of clients or caches.
package standards

import (
	"fmt"
	"strings"
	"sync"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	plugincel "k8s.io/apiserver/pkg/admission/plugin/cel"
	"k8s.io/apiserver/pkg/admission/plugin/policy/validating"
	"k8s.io/apiserver/pkg/cel/environment"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

// Options say which variables the standards may use besides those of every
// admission policy (object, oldObject, request, namespaceObject, authorizer).
type Options struct {
	// Params declares the variable params: the ConfigMap of a federation's
	// parameters (params.data.<name>).
	Params bool
}

// Compiled is a standard that compiled.
type Compiled struct {
	unionsv1.Standard
	validator validating.Validator
}

// Invalid is a standard that did not compile, with the compiler's message.
type Invalid struct {
	Name    string
	Message string
}

// Error names the standard and quotes the compiler.
func (i Invalid) Error() string { return fmt.Sprintf("standard %q: %s", i.Name, i.Message) }

// Set is a union's standards after compilation: those that compiled, in the
// order the union declares them, and those that did not.
type Set struct {
	Compiled []Compiled
	Invalid  []Invalid
}

// Message summarises the standards that did not compile, for a Stalled
// condition ("" when every standard compiled).
func (s *Set) Message() string {
	msgs := make([]string, len(s.Invalid))
	for i, inv := range s.Invalid {
		msgs[i] = inv.Error()
	}
	return strings.Join(msgs, "; ")
}

// Standards returns the standards that compiled.
func (s *Set) Standards() []unionsv1.Standard {
	out := make([]unionsv1.Standard, len(s.Compiled))
	for i, c := range s.Compiled {
		out[i] = c.Standard
	}
	return out
}

// Compile compiles standards as the API server compiles the validations of a
// new ValidatingAdmissionPolicy: the same base environment and library
// versions, the same variables, and a boolean result.
func Compile(list []unionsv1.Standard, opts Options) *Set {
	set := &Set{}
	compiler, err := compilers()
	if err != nil {
		// The base environment is the API server's own; it always extends.
		for _, s := range list {
			set.Invalid = append(set.Invalid, Invalid{Name: s.Name, Message: err.Error()})
		}
		return set
	}
	vars := plugincel.OptionalVariableDeclarations{HasParams: opts.Params, HasAuthorizer: true}
	failurePolicy := admissionregistrationv1.Fail
	for _, s := range list {
		condition := compiler.CompileCondition([]plugincel.ExpressionAccessor{validation(s)}, vars, environment.NewExpressions)
		if errs := condition.CompilationErrors(); len(errs) > 0 {
			set.Invalid = append(set.Invalid, Invalid{Name: s.Name, Message: errs[0].Error()})
			continue
		}
		none := compiler.CompileCondition(nil, vars, environment.NewExpressions)
		set.Compiled = append(set.Compiled, Compiled{
			Standard:  s,
			validator: validating.NewValidator(condition, nil, none, none, &failurePolicy, nil),
		})
	}
	return set
}

// compilers builds the compiler once: building its environments is the
// bulk of compiling a standard, and they never change. It is safe for
// concurrent use, since no variables are composed into it.
var compilers = sync.OnceValues(func() (*plugincel.CompositedCompiler, error) {
	return plugincel.NewCompositedCompiler(environment.MustBaseEnvSet(environment.DefaultCompatibilityVersion()))
})

// validation is the policy validation of a standard, as the API server's
// compiler reads it.
func validation(s unionsv1.Standard) *validating.ValidationCondition {
	return &validating.ValidationCondition{Expression: s.Expression, Message: Message(s)}
}

// Message is the message of a standard as admission reports it: the
// standard's name and its message, on one line.
func Message(s unionsv1.Standard) string {
	msg := strings.Join(strings.Fields(s.Message), " ")
	if msg == "" {
		msg = "the standard is not met"
	}
	return s.Name + ": " + msg
}
