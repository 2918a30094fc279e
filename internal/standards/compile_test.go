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
	"strings"
	"testing"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

func TestCompile(t *testing.T) {
	tests := []struct {
		name       string
		expression string
		params     bool
		wantErr    string // substring of the compiler's message; "" when it compiles
	}{
		{name: "limits", expression: "object.spec.template.spec.containers.all(c, has(c.resources.limits))"},
		{name: "request", expression: "request.operation == 'CREATE' || object.spec.replicas >= 1"},
		{name: "namespace", expression: "namespaceObject.metadata.name != 'kube-system'"},
		{name: "kubernetes-library", expression: "object.metadata.name.matches('^[a-z]+$') && quantity('1Gi').isGreaterThan(quantity('1Mi'))"},
		{name: "params-declared", expression: "object.spec.replicas <= int(params.data.maxReplicas)", params: true},
		{name: "params-undeclared", expression: "object.spec.replicas <= int(params.data.maxReplicas)", wantErr: "undeclared reference to 'params'"},
		{name: "syntax", expression: "object.spec.(", wantErr: "compilation failed"},
		{name: "typo", expression: "objec.spec.replicas > 0", wantErr: "undeclared reference to 'objec'"},
		{name: "not-bool", expression: "1 + 1", wantErr: "must evaluate to bool"},
		{name: "unknown-function", expression: "object.spec.replicas.frobnicate()", wantErr: "undeclared reference to 'frobnicate'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := Compile([]unionsv1.Standard{{Name: tt.name, Expression: tt.expression}}, Options{Params: tt.params})
			if tt.wantErr == "" {
				if len(set.Invalid) != 0 || len(set.Compiled) != 1 {
					t.Fatalf("want it to compile, got %s", set.Message())
				}
				return
			}
			if len(set.Compiled) != 0 || len(set.Invalid) != 1 {
				t.Fatalf("want a compile error, got %d compiled", len(set.Compiled))
			}
			msg := set.Message()
			if !strings.Contains(msg, tt.wantErr) || !strings.HasPrefix(msg, `standard "`+tt.name+`": `) {
				t.Fatalf("message %q: want the standard's name and %q", msg, tt.wantErr)
			}
		})
	}
}

func TestCompileKeepsTheValidOnes(t *testing.T) {
	set := Compile([]unionsv1.Standard{
		{Name: "a", Expression: "true"},
		{Name: "b", Expression: "nope("},
		{Name: "c", Expression: "has(object.spec)"},
	}, Options{})
	var names []string
	for _, s := range set.Standards() {
		names = append(names, s.Name)
	}
	if strings.Join(names, ",") != "a,c" {
		t.Fatalf("compiled %v, want a,c", names)
	}
	if len(set.Invalid) != 1 || set.Invalid[0].Name != "b" {
		t.Fatalf("invalid %v, want b", set.Invalid)
	}
}

func TestMessage(t *testing.T) {
	tests := []struct {
		message, want string
	}{
		{"agents must declare resource limits", "limits: agents must declare resource limits"},
		{"  two\nlines ", "limits: two lines"},
		{"", "limits: the standard is not met"},
	}
	for _, tt := range tests {
		if got := Message(unionsv1.Standard{Name: "limits", Message: tt.message}); got != tt.want {
			t.Errorf("Message(%q) = %q, want %q", tt.message, got, tt.want)
		}
	}
}
