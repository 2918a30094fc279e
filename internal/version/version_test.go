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

package version

import (
	"runtime"
	"testing"
)

func TestString(t *testing.T) {
	cases := []struct {
		name string
		info Info
		want string
	}{
		{"release", Info{Version: "v0.1.0", Revision: "0123456789abcdef", GoVersion: "go1.26.8", Platform: "linux/amd64"}, "v0.1.0 (0123456789ab) go1.26.8 linux/amd64"},
		{"modified tree", Info{Version: "devel", Revision: "abc", Modified: true, GoVersion: "go1.26.8", Platform: "linux/arm64"}, "devel (abc, modified) go1.26.8 linux/arm64"},
		{"no revision", Info{Version: "devel", GoVersion: "go1.26.8", Platform: "linux/amd64"}, "devel go1.26.8 linux/amd64"},
	}
	for _, c := range cases {
		if got := c.info.String(); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

func TestGetPrefersTheLinkedVersion(t *testing.T) {
	defer func(v string) { Version = v }(Version)
	Version = "v9.9.9"
	got := Get()
	if got.Version != "v9.9.9" || got.GoVersion != runtime.Version() {
		t.Fatalf("got %+v", got)
	}
	Version = ""
	if Get().Version == "" {
		t.Fatal("a build without a linked version must still say something")
	}
}
