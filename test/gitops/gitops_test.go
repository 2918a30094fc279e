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

// Package gitops tests what GitOps tools make of union-operator's objects:
// the Argo CD health checks of config/argocd/argocd-cm-patch.yaml (each runs as
// Argo CD runs a custom health check) and the Flux health check expressions
// in config/flux (evaluated as Flux's kustomize-controller evaluates
// healthCheckExprs). Both read the same fixtures,
// config/argocd/testdata/<kind>/<case>.yaml, and must agree with them: the
// Argo CD health and message each fixture expects, and for Flux the kstatus
// status that health stands for.
package gitops

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// dir is config/argocd, relative to this package.
const dir = "../../config/argocd"

// kinds are the kinds that have a health check, as Argo CD names them.
var kinds = []string{"Coalition", "Alliance", "Federation", "Membership", "ExitTreaty", "Proposal", "Ballot"}

// fixtures returns the fixture files of a kind.
func fixtures(kind string) ([]string, error) {
	return filepath.Glob(filepath.Join(dir, "testdata", strings.ToLower(kind), "*.yaml"))
}

// health is a health status as Argo CD reads it from a script's result.
type health struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

// fixture is one test case: the expected health, then the object.
type fixture struct {
	want health
	obj  *unstructured.Unstructured
}

// readFixture reads a two-document file: the expected health, then the object.
func readFixture(path string) (fixture, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fixture{}, err
	}
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(raw)))
	var docs [][]byte
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fixture{}, err
		}
		if len(bytes.TrimSpace(doc)) > 0 {
			docs = append(docs, doc)
		}
	}
	if len(docs) != 2 {
		return fixture{}, fmt.Errorf("want two documents (the expected health, then the object), found %d", len(docs))
	}
	var expect struct {
		Health health `json:"health"`
	}
	if err := yaml.UnmarshalStrict(docs[0], &expect); err != nil {
		return fixture{}, fmt.Errorf("expected health: %w", err)
	}
	js, err := yaml.YAMLToJSON(docs[1])
	if err != nil {
		return fixture{}, err
	}
	obj := &unstructured.Unstructured{}
	// Unstructured decodes integers as int64, as the tools' informers do.
	if err := obj.UnmarshalJSON(js); err != nil {
		return fixture{}, err
	}
	return fixture{want: expect.Health, obj: obj}, nil
}

// fixtureName is a fixture's case name: its file name without .yaml.
func fixtureName(path string) string {
	return strings.TrimSuffix(filepath.Base(path), ".yaml")
}
