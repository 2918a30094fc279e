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
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// healthStatuses are the statuses Argo CD accepts from a health script.
var healthStatuses = []string{"Unknown", "Progressing", "Suspended", "Healthy", "Degraded", "Missing"}

func scriptPath(kind string) string {
	return filepath.Join(dir, "health-"+strings.ToLower(kind)+".lua")
}

// configMapKey is the argocd-cm key of a kind's health check.
func configMapKey(kind string) string {
	return "resource.customizations.health.unions.kos.dev_" + kind
}

func TestHealthChecks(t *testing.T) {
	for _, kind := range kinds {
		script, err := os.ReadFile(scriptPath(kind))
		if err != nil {
			t.Fatal(err)
		}
		cases, err := fixtures(kind)
		if err != nil {
			t.Fatal(err)
		}
		if len(cases) == 0 {
			t.Errorf("%s: no fixtures in testdata/%s", kind, strings.ToLower(kind))
		}
		for _, path := range cases {
			t.Run(kind+"/"+strings.TrimSuffix(filepath.Base(path), ".yaml"), func(t *testing.T) {
				f, err := readFixture(path)
				if err != nil {
					t.Fatal(err)
				}
				if f.obj.GetKind() != kind || f.obj.GetAPIVersion() != "unions.kos.dev/v1alpha1" {
					t.Fatalf("fixture holds %s %s, want unions.kos.dev/v1alpha1 %s", f.obj.GetAPIVersion(), f.obj.GetKind(), kind)
				}
				got, err := runHealthScript(string(script), f.obj)
				if err != nil {
					t.Fatal(err)
				}
				if got != f.want {
					t.Errorf("health = %+v\nwant     %+v", got, f.want)
				}
			})
		}
	}
}

// TestFixtureDirectories keeps fixtures from hiding in a directory no kind reads.
func TestFixtureDirectories(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join(dir, "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !slices.ContainsFunc(kinds, func(k string) bool { return strings.ToLower(k) == e.Name() }) {
			t.Errorf("testdata/%s is not the fixture directory of any kind", e.Name())
		}
	}
}

// TestSharedPrelude checks that every script carries the same kstatus prelude.
func TestSharedPrelude(t *testing.T) {
	var first, firstKind string
	for _, kind := range kinds {
		script, err := os.ReadFile(scriptPath(kind))
		if err != nil {
			t.Fatal(err)
		}
		prelude, err := kstatusPrelude(string(script))
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if first == "" {
			first, firstKind = prelude, kind
			continue
		}
		if prelude != first {
			t.Errorf("the kstatus prelude of %s differs from %s's: keep them identical", scriptPath(kind), scriptPath(firstKind))
		}
	}
}

func kstatusPrelude(script string) (string, error) {
	const begin, end = "-- >>> kstatus", "-- <<< kstatus"
	i, j := strings.Index(script, begin), strings.Index(script, end)
	if i < 0 || j < i {
		return "", errors.New("no kstatus prelude between " + begin + " and " + end)
	}
	return script[i:j], nil
}

// TestConfigMapPatch checks that argocd-cm-patch.yaml installs exactly the
// scripts, byte for byte, under Argo CD's keys.
func TestConfigMapPatch(t *testing.T) {
	path := filepath.Join(dir, "argocd-cm-patch.yaml")
	if *update {
		patch, err := renderConfigMapPatch()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, patch, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cm corev1.ConfigMap
	if err := yaml.UnmarshalStrict(raw, &cm); err != nil {
		t.Fatal(err)
	}
	if cm.Kind != "ConfigMap" || cm.Name != "argocd-cm" {
		t.Errorf("the patch is a %s named %q, want the ConfigMap argocd-cm", cm.Kind, cm.Name)
	}
	for _, kind := range kinds {
		script, err := os.ReadFile(scriptPath(kind))
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := cm.Data[configMapKey(kind)]; !ok {
			t.Errorf("argocd-cm-patch.yaml lacks %s", configMapKey(kind))
		} else if got != string(script) {
			t.Errorf("argocd-cm-patch.yaml's %s differs from %s: run go test ./test/gitops -update", configMapKey(kind), scriptPath(kind))
		}
	}
	if len(cm.Data) != len(kinds) {
		t.Errorf("argocd-cm-patch.yaml has %d keys, want %d (one per kind)", len(cm.Data), len(kinds))
	}
}

// renderConfigMapPatch writes the argocd-cm patch with each script as a
// literal block, so that it reads like the scripts themselves.
func renderConfigMapPatch() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`# Argo CD health checks for union-operator's kinds, to merge into argocd-cm.
# Generated from config/argocd/health-*.lua by 'go test ./test/gitops -update':
# edit the scripts, not this file. Install (docs/gitops.md):
#   kubectl -n argocd patch configmap argocd-cm --patch-file config/argocd/argocd-cm-patch.yaml
# or list it under 'patches:' of the kustomization that installs Argo CD.
apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-cm
  namespace: argocd
  labels:
    app.kubernetes.io/name: argocd-cm
    app.kubernetes.io/part-of: argocd
data:
`)
	for _, kind := range kinds {
		script, err := os.ReadFile(scriptPath(kind))
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, "  %s: |\n", configMapKey(kind))
		for line := range strings.Lines(string(script)) {
			if strings.TrimSpace(line) == "" {
				b.WriteString("\n")
				continue
			}
			b.WriteString("    " + line)
		}
	}
	return b.Bytes(), nil
}

// runHealthScript runs a health script the way Argo CD runs a custom one
// (util/lua in Argo CD): a fresh state with only the package, base and table
// libraries, a one-second deadline, the object as the global obj, and the
// script's returned table read as {status, message}.
func runHealthScript(script string, obj *unstructured.Unstructured) (health, error) {
	l := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer l.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{
		{lua.LoadLibName, lua.OpenPackage},
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
	} {
		if err := l.CallByParam(lua.P{Fn: l.NewFunction(lib.open), NRet: 0, Protect: true}, lua.LString(lib.name)); err != nil {
			return health{}, err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	l.SetContext(ctx)
	l.SetGlobal("obj", toLua(l, obj.Object))
	if err := l.DoString(script); err != nil {
		return health{}, err
	}
	result, ok := l.Get(-1).(*lua.LTable)
	if !ok {
		return health{}, fmt.Errorf("the script returned %s, want a table", l.Get(-1).Type())
	}
	// Argo CD encodes the table as JSON and decodes a HealthStatus from it.
	fields := map[string]any{}
	var bad error
	result.ForEach(func(k, v lua.LValue) {
		s, ok := v.(lua.LString)
		if !ok {
			bad = fmt.Errorf("result field %s is a %s, want a string", k, v.Type())
		}
		fields[k.String()] = string(s)
	})
	if bad != nil {
		return health{}, bad
	}
	js, err := json.Marshal(fields)
	if err != nil {
		return health{}, err
	}
	var h health
	if err := json.Unmarshal(js, &h); err != nil {
		return health{}, err
	}
	if !slices.Contains(healthStatuses, h.Status) {
		return health{}, fmt.Errorf("the script returned status %q, which Argo CD turns into Unknown", h.Status)
	}
	return h, nil
}

// toLua converts a decoded JSON value to Lua as Argo CD does: objects and
// arrays become tables, numbers LNumber, null nil.
func toLua(l *lua.LState, v any) lua.LValue {
	switch v := v.(type) {
	case bool:
		return lua.LBool(v)
	case float64:
		return lua.LNumber(v)
	case int64:
		return lua.LNumber(v)
	case string:
		return lua.LString(v)
	case []any:
		t := l.CreateTable(len(v), 0)
		for _, item := range v {
			t.Append(toLua(l, item))
		}
		return t
	case map[string]any:
		t := l.CreateTable(0, len(v))
		for k, item := range v {
			t.RawSetH(lua.LString(k), toLua(l, item))
		}
		return t
	}
	return lua.LNil
}
