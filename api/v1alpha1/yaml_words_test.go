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

package v1alpha1_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"
)

// yamlBooleans are the words YAML 1.1, which kubectl reads manifests as,
// takes for booleans when they are not quoted (in any case).
var yamlBooleans = map[string]bool{"y": true, "n": true, "yes": true, "no": true, "on": true, "off": true, "true": true, "false": true}

// conditionStatus is the status of a metav1.Condition, True, False or
// Unknown: the Kubernetes convention every kind shares, written by
// controllers, never in a manifest.
const conditionStatus = "status.conditions[].status[enum]"

// TestNoYAMLBooleanWords walks every generated CRD schema and fails on a
// field name or enum value that YAML 1.1 reads as a boolean: a manifest
// written the obvious way would not say what its author meant.
func TestNoYAMLBooleanWords(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "config", "crd", "bases", "*.yaml"))
	if err != nil || len(files) != 7 {
		t.Fatalf("want the 7 generated CRDs, found %d (%v)", len(files), err)
	}
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		crd := &apiextensionsv1.CustomResourceDefinition{}
		if err := yaml.UnmarshalStrict(raw, crd); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, v := range crd.Spec.Versions {
			walkSchema(t, crd.Spec.Names.Kind, v.Schema.OpenAPIV3Schema, func(path, word string) {
				if path == conditionStatus {
					return
				}
				t.Errorf("%s %s: %q is a YAML 1.1 boolean word; kubectl would read it as true or false", crd.Spec.Names.Kind, path, word)
			})
		}
	}
}

// TestWalkSchemaFindsBooleanWords shows the walk above would catch one.
func TestWalkSchemaFindsBooleanWords(t *testing.T) {
	schema := &apiextensionsv1.JSONSchemaProps{Properties: map[string]apiextensionsv1.JSONSchemaProps{
		"spec": {Properties: map[string]apiextensionsv1.JSONSchemaProps{
			"on":     {Type: "object"},
			"choice": {Type: "string", Enum: []apiextensionsv1.JSON{{Raw: []byte(`"Yes"`)}, {Raw: []byte(`"Abstain"`)}}},
			"list":   {Type: "array", Items: &apiextensionsv1.JSONSchemaPropsOrArray{Schema: &apiextensionsv1.JSONSchemaProps{Properties: map[string]apiextensionsv1.JSONSchemaProps{"OFF": {}}}}},
		}},
	}}
	var found []string
	walkSchema(t, "Example", schema, func(path, word string) { found = append(found, path+"="+word) })
	want := "spec.choice[enum]=Yes spec.list[].OFF=OFF spec.on=on"
	if got := strings.Join(slices.Sorted(slices.Values(found)), " "); got != want {
		t.Fatalf("found %q, want %q", got, want)
	}
}

func walkSchema(t *testing.T, kind string, s *apiextensionsv1.JSONSchemaProps, report func(path, word string)) {
	t.Helper()
	var walk func(path string, s *apiextensionsv1.JSONSchemaProps)
	walk = func(path string, s *apiextensionsv1.JSONSchemaProps) {
		if s == nil {
			return
		}
		for _, e := range s.Enum {
			var word string
			if json.Unmarshal(e.Raw, &word) == nil && yamlBooleans[strings.ToLower(word)] {
				report(path+"[enum]", word)
			}
		}
		for name, p := range s.Properties {
			child := strings.TrimPrefix(path+"."+name, ".")
			if yamlBooleans[strings.ToLower(name)] {
				report(child, name)
			}
			walk(child, &p)
		}
		if s.Items != nil {
			walk(path+"[]", s.Items.Schema)
		}
		if s.AdditionalProperties != nil {
			walk(path+"{}", s.AdditionalProperties.Schema)
		}
	}
	walk("", s)
}
