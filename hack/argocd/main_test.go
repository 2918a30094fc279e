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

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const dir = "../../config/argocd"

// TestGeneratedFilesAreCurrent fails when a health check or the argocd-cm
// patch differs from what its sources render: run make argocd.
func TestGeneratedFilesAreCurrent(t *testing.T) {
	files, err := Render(dir)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("config/argocd/%s is stale: run make argocd", name)
		}
	}
}

func TestScript(t *testing.T) {
	got, err := Script("Ballot", "-- Ballot health.\n-- Counted is Healthy.\n\nreturn byReady(obj, nil)\n", "local function byReady() end\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"-- Ballot health.\n-- Counted is Healthy.\n", "-- >>> kstatus\nlocal function byReady() end\n-- <<< kstatus\n\nreturn byReady(obj, nil)\n", "config/argocd/src/ballot.lua"} {
		if !strings.Contains(got, want) {
			t.Errorf("script lacks %q:\n%s", want, got)
		}
	}
	if _, err := Script("Ballot", "return 1\n", ""); err == nil {
		t.Error("a source without its leading comment was accepted")
	}
}
