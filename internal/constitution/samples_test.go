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

package constitution

import (
	"bytes"
	"os"
	"testing"

	"sigs.k8s.io/yaml"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/overrides"
)

// The sample federations (make dev applies them) have no clause that would
// stall them, and the sample memberships' overrides are valid.
func TestSamples(t *testing.T) {
	feds := map[string]*unionsv1.Federation{}
	for _, doc := range documents(t, "../../config/samples/unions_v1alpha1_federation.yaml") {
		f := &unionsv1.Federation{}
		if err := yaml.UnmarshalStrict(doc, f); err != nil {
			t.Fatal(err)
		}
		feds[f.Name] = f
	}
	for name, f := range feds {
		var ancestors []*unionsv1.Federation
		for p := f.Spec.Parent; p != ""; p = feds[p].Spec.Parent {
			ancestors = append(ancestors, feds[p])
		}
		c := Of(f, ancestors)
		if len(c.Problems) > 0 {
			t.Errorf("sample federation %s: %v", name, c.Problems)
		}
		for _, doc := range documents(t, "../../config/samples/unions_v1alpha1_membership.yaml") {
			m := &unionsv1.Membership{}
			if err := yaml.UnmarshalStrict(doc, m); err != nil {
				t.Fatal(err)
			}
			if m.Spec.Union.Kind == unionsv1.KindFederation && m.Spec.Union.Name == name {
				if invalid := overrides.Check(m.Spec.Overrides, c.Terms()); len(invalid) > 0 {
					t.Errorf("sample membership %s/%s: %v", m.Namespace, m.Name, invalid)
				}
			}
		}
	}
	if len(feds) < 2 {
		t.Fatalf("%d sample federations, want a parent and a child", len(feds))
	}
}

func documents(t *testing.T, path string) [][]byte {
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, doc := range bytes.Split(raw, []byte("\n---\n")) {
		if len(bytes.TrimSpace(doc)) > 0 {
			out = append(out, doc)
		}
	}
	return out
}
