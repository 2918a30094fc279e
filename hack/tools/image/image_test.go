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
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/mutate"
)

func fakeBinary(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "manager")
	if err := os.WriteFile(p, []byte("#!/bin/false\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBuiltImageRunsAsTheDeploymentExpects(t *testing.T) {
	o := Options{Binary: fakeBinary(t), Version: "v0.1.0", Revision: "0123abc", Arch: "amd64"}
	out := filepath.Join(t.TempDir(), "image.tar")
	if err := buildArchive(o, out); err != nil {
		t.Fatal(err)
	}
	img, done, err := readArchive(out)
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	problems, manager, err := Check(img)
	if err != nil || len(problems) > 0 {
		t.Fatalf("problems %v, %v", problems, err)
	}
	if string(manager) != "#!/bin/false\n" {
		t.Errorf("/manager is %q", manager)
	}
	cf, _ := img.ConfigFile()
	if cf.Config.Labels["org.opencontainers.image.version"] != "v0.1.0" || cf.Architecture != "amd64" {
		t.Errorf("config %+v", cf.Config)
	}

	// The same binary gives the same digest.
	again, err := Build(o)
	if err != nil {
		t.Fatal(err)
	}
	d1, _ := img.Digest()
	d2, _ := again.Digest()
	if d1 != d2 {
		t.Errorf("two builds of one binary: %s and %s", d1, d2)
	}
}

func TestCheckFindsWhatWouldNotRun(t *testing.T) {
	img, err := Build(Options{Binary: fakeBinary(t), Version: "v0.1.0", Revision: "abc", Arch: "amd64"})
	if err != nil {
		t.Fatal(err)
	}
	cf, _ := img.ConfigFile()
	cf = cf.DeepCopy()
	cf.Config.User = "root"
	cf.Config.Entrypoint = []string{"/bin/sh"}
	delete(cf.Config.Labels, "org.opencontainers.image.revision")
	bad, err := mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	problems, _, err := Check(bad)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 3 {
		t.Errorf("problems %q, want user, entrypoint and revision", problems)
	}
}
