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

package gitops

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/ext"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// fluxKustomization is the example Flux Kustomization with the health check
// expressions for every kind.
const fluxKustomization = "../../config/flux/unions-kustomization.yaml"

// customHealthCheck is one entry of a Flux Kustomization's healthCheckExprs.
type customHealthCheck struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	InProgress string `json:"inProgress"`
	Failed     string `json:"failed"`
	Current    string `json:"current"`
}

// kstatus statuses the expressions decide between.
const (
	current    = "Current"
	inProgress = "InProgress"
	failed     = "Failed"
	// evalError is what Flux makes of an expression that cannot be
	// evaluated (a field of an object without status): it keeps polling
	// until the Kustomization's timeout, as it does for InProgress.
	evalError = "Error"
)

// fluxStatus is the kstatus status Flux should compute for an object whose
// Argo CD health is h. An object without status cannot be evaluated: Flux
// waits, as for InProgress, and the operator reports status at once.
func fluxStatus(h health, obj *unstructured.Unstructured) string {
	if _, hasStatus := obj.Object["status"]; !hasStatus && obj.GetDeletionTimestamp() == nil {
		return evalError
	}
	switch h.Status {
	case "Healthy":
		return current
	case "Degraded":
		return failed
	}
	return inProgress
}

func TestFluxHealthCheckExprs(t *testing.T) {
	raw, err := os.ReadFile(fluxKustomization)
	if err != nil {
		t.Fatal(err)
	}
	var ks struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Spec       struct {
			Wait             bool                `json:"wait"`
			HealthCheckExprs []customHealthCheck `json:"healthCheckExprs"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal(raw, &ks); err != nil {
		t.Fatal(err)
	}
	if ks.APIVersion != "kustomize.toolkit.fluxcd.io/v1" || ks.Kind != "Kustomization" || !ks.Spec.Wait {
		t.Errorf("%s is a %s %s (wait: %v), want a kustomize.toolkit.fluxcd.io/v1 Kustomization that waits", fluxKustomization, ks.APIVersion, ks.Kind, ks.Spec.Wait)
	}
	covered := map[string]bool{}
	for _, check := range ks.Spec.HealthCheckExprs {
		if check.APIVersion != "unions.kos.dev/v1alpha1" || !slices.Contains(kinds, check.Kind) {
			t.Errorf("health check for %s %s, which is none of union-operator's kinds", check.APIVersion, check.Kind)
			continue
		}
		covered[check.Kind] = true
		eval, err := newStatusEvaluator(check)
		if err != nil {
			t.Errorf("%s: %v", check.Kind, err)
			continue
		}
		cases, err := fixtures(check.Kind)
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range cases {
			t.Run(check.Kind+"/"+fixtureName(path), func(t *testing.T) {
				f, err := readFixture(path)
				if err != nil {
					t.Fatal(err)
				}
				got := eval.evaluate(t.Context(), f.obj)
				if want := fluxStatus(f.want, f.obj); got != want {
					t.Errorf("Flux status = %s, want %s (Argo CD: %s %q)", got, want, f.want.Status, f.want.Message)
				}
			})
		}
	}
	for _, kind := range kinds {
		if !covered[kind] {
			t.Errorf("%s has no health check expressions for %s", fluxKustomization, kind)
		}
	}
}

// statusEvaluator evaluates health check expressions as Flux's
// kustomize-controller does (fluxcd/pkg/runtime/cel): the expressions are
// parsed, not compiled, in Flux's CEL environment and evaluated over the
// object's top-level fields; a status.observedGeneration that differs from
// metadata.generation is InProgress before any expression; then inProgress,
// failed and current are tried in that order, and none true is InProgress.
type statusEvaluator struct {
	inProgress, failed, current cel.Program
}

func newStatusEvaluator(check customHealthCheck) (*statusEvaluator, error) {
	env, err := cel.NewEnv(
		cel.HomogeneousAggregateLiterals(),
		cel.EagerlyValidateDeclarations(true),
		cel.DefaultUTCTimeZone(true),
		cel.CrossTypeNumericComparisons(true),
		cel.OptionalTypes(),
		ext.Strings(),
		ext.Sets(),
		ext.Encoders(),
	)
	if err != nil {
		return nil, err
	}
	program := func(name, expr string) (cel.Program, error) {
		if expr == "" {
			return nil, nil
		}
		ast, issues := env.Parse(expr)
		if issues != nil && issues.Err() != nil {
			return nil, fmt.Errorf("%s: %w", name, issues.Err())
		}
		return env.Program(ast, cel.EvalOptions(cel.OptOptimize), cel.InterruptCheckFrequency(100))
	}
	e := &statusEvaluator{}
	if check.Current == "" {
		return nil, fmt.Errorf("no current expression")
	}
	if e.inProgress, err = program("inProgress", check.InProgress); err != nil {
		return nil, err
	}
	if e.failed, err = program("failed", check.Failed); err != nil {
		return nil, err
	}
	if e.current, err = program("current", check.Current); err != nil {
		return nil, err
	}
	return e, nil
}

func (e *statusEvaluator) evaluate(ctx context.Context, u *unstructured.Unstructured) string {
	observed, found, _ := unstructured.NestedInt64(u.Object, "status", "observedGeneration")
	if found && observed != u.GetGeneration() {
		return inProgress
	}
	for _, step := range []struct {
		program cel.Program
		status  string
	}{{e.inProgress, inProgress}, {e.failed, failed}, {e.current, current}} {
		if step.program == nil {
			continue
		}
		val, _, err := step.program.ContextEval(ctx, u.Object)
		if err != nil {
			return evalError
		}
		if b, ok := val.(types.Bool); !ok {
			return evalError
		} else if b {
			return step.status
		}
	}
	return inProgress
}
