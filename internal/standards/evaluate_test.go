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
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

const limitsExpr = "object.spec.template.spec.containers.all(c, has(c.resources.limits))"

func deployment(limits bool, replicas int64) *unstructured.Unstructured {
	// As the API server serves it: resources is always there, if empty.
	container := map[string]any{"name": "agent", "image": "pause", "resources": map[string]any{}}
	if limits {
		container["resources"] = map[string]any{"limits": map[string]any{"cpu": "100m"}}
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apps/v1",
		"kind":       "Deployment",
		"metadata":   map[string]any{"name": "planner", "namespace": "team-a", "labels": map[string]any{unionsv1.AgentLabel: "planner"}},
		"spec": map[string]any{
			"replicas": replicas,
			"template": map[string]any{"spec": map[string]any{"containers": []any{container}}},
		},
	}}
}

func pod() *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1",
		"kind":       "Pod",
		"metadata":   map[string]any{"name": "scout", "namespace": "team-a"},
		"spec":       map[string]any{"containers": []any{map[string]any{"name": "agent", "image": "pause"}}},
	}}
}

// TestEvaluateRevealsNoValue evaluates a standard that indexes the labels by
// an environment variable's value: the error quotes the value, and nothing
// of it may reach a status every member can read.
func TestEvaluateRevealsNoValue(t *testing.T) {
	obj := deployment(true, 1)
	_ = unstructured.SetNestedSlice(obj.Object, []any{map[string]any{"name": "agent", "image": "x",
		"env": []any{map[string]any{"name": "DB_PASSWORD", "value": "hunter2-s3cr3t"}}}}, "spec", "template", "spec", "containers")
	std := unionsv1.Standard{Name: "leak", Expression: "object.metadata.labels[object.spec.template.spec.containers[0].env[0].value] == 'x'"}
	got := Compile([]unionsv1.Standard{std}, Options{}).Evaluate(context.Background(), obj, nil)
	if len(got) != 1 || got[0].Compliant || got[0].Reason != unionsv1.ComplianceEvaluationError {
		t.Fatalf("results %+v", got)
	}
	if strings.Contains(got[0].Message, "hunter2") {
		t.Fatalf("the verdict reveals the value: %q", got[0].Message)
	}
}

func TestEvaluate(t *testing.T) {
	params := &corev1.ConfigMap{Data: map[string]string{"maxReplicas": "3"}}
	tests := []struct {
		name       string
		standard   unionsv1.Standard
		obj        *unstructured.Unstructured
		params     runtime.Object
		compliant  bool
		wantInMsg  string
		withParams bool
	}{
		{name: "meets limits", standard: unionsv1.Standard{Name: "limits", Expression: limitsExpr, Message: "declare limits"},
			obj: deployment(true, 1), compliant: true},
		{name: "fails limits", standard: unionsv1.Standard{Name: "limits", Expression: limitsExpr, Message: "declare limits"},
			obj: deployment(false, 1), wantInMsg: "declare limits"},
		{name: "fails without a message", standard: unionsv1.Standard{Name: "limits", Expression: limitsExpr},
			obj: deployment(false, 1), wantInMsg: "the standard is not met"},
		{name: "error fails, without the error's text", standard: unionsv1.Standard{Name: "limits", Expression: limitsExpr, Message: "declare limits"},
			obj: pod(), wantInMsg: "could not be evaluated"},
		{name: "request is a creation", standard: unionsv1.Standard{Name: "create", Expression: "request.operation == 'CREATE' && request.resource.resource == 'deployments'"},
			obj: deployment(false, 1), compliant: true},
		{name: "params within", standard: unionsv1.Standard{Name: "replicas", Expression: "object.spec.replicas <= int(params.data.maxReplicas)"},
			obj: deployment(true, 3), params: params, withParams: true, compliant: true},
		{name: "params beyond", standard: unionsv1.Standard{Name: "replicas", Expression: "object.spec.replicas <= int(params.data.maxReplicas)", Message: "too many"},
			obj: deployment(true, 4), params: params, withParams: true, wantInMsg: "too many"},
		{name: "authorizer unbound", standard: unionsv1.Standard{Name: "authz", Expression: "authorizer.group('apps').resource('deployments').check('get').allowed()"},
			obj: deployment(true, 1), wantInMsg: "could not be evaluated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := Compile([]unionsv1.Standard{tt.standard}, Options{Params: tt.withParams})
			if len(set.Invalid) > 0 {
				t.Fatal(set.Message())
			}
			got := set.Evaluate(context.Background(), tt.obj, tt.params)
			if len(got) != 1 || got[0].Standard != tt.standard.Name {
				t.Fatalf("results %+v", got)
			}
			if got[0].Compliant != tt.compliant {
				t.Fatalf("compliant = %v (%q), want %v", got[0].Compliant, got[0].Message, tt.compliant)
			}
			if !strings.Contains(got[0].Message, tt.wantInMsg) {
				t.Fatalf("message %q, want it to contain %q", got[0].Message, tt.wantInMsg)
			}
			if want := tt.compliant == (got[0].Reason == ""); !want {
				t.Fatalf("reason %q for a compliant=%v verdict", got[0].Reason, got[0].Compliant)
			}
			if strings.HasPrefix(got[0].Message, tt.standard.Name+":") {
				t.Fatalf("message %q repeats the standard's name", got[0].Message)
			}
		})
	}
}

func TestJudged(t *testing.T) {
	owned := func(kind string, controller bool) metav1.Object {
		return &metav1.ObjectMeta{OwnerReferences: []metav1.OwnerReference{{Kind: kind, Name: "x", Controller: ptr.To(controller)}}}
	}
	tests := []struct {
		name string
		kind string
		obj  metav1.Object
		want bool
	}{
		{"workload", "Deployment", owned("Something", true), true},
		{"bare pod", "Pod", &metav1.ObjectMeta{}, true},
		{"pod of a replicaset", "Pod", owned("ReplicaSet", true), false},
		{"pod of a statefulset", "Pod", owned("StatefulSet", true), false},
		{"pod of a daemonset", "Pod", owned("DaemonSet", true), false},
		{"pod merely owned", "Pod", owned("ReplicaSet", false), true},
		{"pod of a job", "Pod", owned("Job", true), true},
	}
	for _, tt := range tests {
		if got := Judged(tt.kind, tt.obj); got != tt.want {
			t.Errorf("%s: Judged = %v, want %v", tt.name, got, tt.want)
		}
	}
}
