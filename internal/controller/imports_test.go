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

// Package controller_test holds the architecture rules of the controller
// packages; there is no controller package of that name.
package controller_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const (
	module      = "github.com/kos-dev/union-operator/"
	controllers = module + "internal/controller/"
	// shared is the one controller package others may import: the union
	// reconciler every union kind plugs into.
	shared = controllers + "union"
)

// TestControllersImportNoOtherController keeps every controller package
// independent: shared mechanisms and readers live outside
// internal/controller, so that a controller reads like the design of its
// kind and nothing else.
func TestControllersImportNoOtherController(t *testing.T) {
	dirs, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		self := controllers + d.Name()
		for path := range importsOf(t, d.Name()) {
			if strings.HasPrefix(path, controllers) && path != self && path != shared {
				t.Errorf("%s imports %s: controllers share mechanisms through packages outside internal/controller", self, path)
			}
		}
		checked++
	}
	if checked < 8 {
		t.Fatalf("checked %d controller packages, want every one of them (8 or more)", checked)
	}
}

// TestOnlyTheOperatorImportsControllers keeps the mechanisms below the
// controllers: only the package assembling the manager wires them.
func TestOnlyTheOperatorImportsControllers(t *testing.T) {
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		switch d.Name() {
		case ".git", "bin", "dist", "node_modules":
			return filepath.SkipDir
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if strings.HasPrefix(rel, "internal/controller") || rel == "internal/operator" || strings.HasPrefix(rel, "test/") {
			return nil
		}
		for imp := range importsOf(t, path) {
			if strings.HasPrefix(imp, controllers) {
				t.Errorf("%s imports %s: only internal/operator wires controllers", rel, imp)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// importsOf returns the packages the Go files of dir import (tests included).
func importsOf(t *testing.T, dir string) map[string]bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	fset := token.NewFileSet()
	for _, f := range files {
		parsed, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range parsed.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			out[path] = true
		}
	}
	return out
}
