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
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
)

// Check returns what is wrong with an image, against what the manager's
// Deployment and the restricted Pod Security Standard expect of it, and
// the image's /manager.
func Check(img v1.Image) (problems []string, manager []byte, err error) {
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, nil, err
	}
	c := cf.Config
	if c.User != user {
		problems = append(problems, fmt.Sprintf("user is %q, want %q (runAsNonRoot needs a numeric, non-root user)", c.User, user))
	}
	if !slices.Equal(c.Entrypoint, []string{entrypoint}) {
		problems = append(problems, fmt.Sprintf("entrypoint is %q, want [%s] (the Deployment's command)", c.Entrypoint, entrypoint))
	}
	if cf.OS != "linux" {
		problems = append(problems, fmt.Sprintf("os is %q", cf.OS))
	}
	for _, k := range []string{"org.opencontainers.image.source", "org.opencontainers.image.version", "org.opencontainers.image.revision", "org.opencontainers.image.licenses"} {
		if c.Labels[k] == "" {
			problems = append(problems, "label "+k+" is missing")
		}
	}
	files := map[string]*tar.Header{}
	rc := mutate.Extract(img)
	defer func() { _ = rc.Close() }()
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		files[strings.TrimSuffix(strings.TrimPrefix(h.Name, "./"), "/")] = h
		if h.Name == "manager" {
			if manager, err = io.ReadAll(tr); err != nil {
				return nil, nil, err
			}
		}
	}
	switch h := files["manager"]; {
	case h == nil:
		problems = append(problems, "no /manager")
	case h.Mode&0o111 == 0:
		problems = append(problems, "/manager is not executable")
	}
	if files["etc/passwd"] == nil {
		problems = append(problems, "no /etc/passwd: the user has no name")
	}
	if h := files["tmp"]; h == nil || h.Mode&0o1777 != 0o1777 {
		problems = append(problems, "no writable /tmp")
	}
	for name, h := range files {
		if h.Typeflag == tar.TypeReg && h.Mode&0o4000 != 0 {
			problems = append(problems, "setuid file "+name)
		}
	}
	return problems, manager, nil
}

// checkArchive checks the image of an archive and prints its config.
func checkArchive(in, extract string) error {
	img, done, err := readArchive(in)
	if err != nil {
		return err
	}
	defer done()
	problems, manager, err := Check(img)
	if err != nil {
		return err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return err
	}
	digest, err := img.Digest()
	if err != nil {
		return err
	}
	fmt.Printf("image %s\n  user %s\n  entrypoint %v\n  platform %s/%s\n", digest, cf.Config.User, cf.Config.Entrypoint, cf.OS, cf.Architecture)
	for _, k := range slices.Sorted(maps.Keys(cf.Config.Labels)) {
		fmt.Printf("  label %s=%s\n", k, cf.Config.Labels[k])
	}
	if len(problems) > 0 {
		return fmt.Errorf("the image is not fit to run: %v", problems)
	}
	if extract != "" {
		return os.WriteFile(extract, manager, 0o755)
	}
	return nil
}
