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
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

func fed(name, parent string, mutate func(*unionsv1.Constitution)) *unionsv1.Federation {
	f := &unionsv1.Federation{ObjectMeta: metav1.ObjectMeta{Name: name}}
	f.Spec.Parent = parent
	if mutate != nil {
		mutate(&f.Spec.Constitution)
	}
	return f
}

func object(name, template string) unionsv1.ConstitutionObject {
	return unionsv1.ConstitutionObject{Name: name, Template: runtime.RawExtension{Raw: []byte(template)}}
}

const quota = `{"apiVersion":"v1","kind":"ResourceQuota","spec":{"hard":{"pods":"50","cpu":"0.5"}}}`

func standard(name string, params map[string]unionsv1.Parameter) unionsv1.FederationStandard {
	return unionsv1.FederationStandard{Standard: unionsv1.Standard{Name: name, Expression: "true"}, Parameters: params}
}

func TestOf(t *testing.T) {
	root := fed("north", "", func(c *unionsv1.Constitution) {
		c.NamespaceLabels = map[string]string{"pod-security.kubernetes.io/enforce": "restricted", "tier": "gold"}
		c.Objects = []unionsv1.ConstitutionObject{object("quota", quota)}
		c.Standards = []unionsv1.FederationStandard{standard("replicas", map[string]unionsv1.Parameter{"maxReplicas": {Default: "5", Min: "1", Max: "10"}})}
	})
	tests := []struct {
		name         string
		f            *unionsv1.Federation
		ancestors    []*unionsv1.Federation
		wantLineage  []string
		wantLabels   map[string]string
		wantObjects  []string // federation/name
		wantStds     []string
		wantProblems []string // federation:reason
		wantMessage  string
	}{
		{
			name: "a root", f: root, wantLineage: []string{"north"},
			wantLabels:  root.Spec.Constitution.NamespaceLabels,
			wantObjects: []string{"north/quota"}, wantStds: []string{"north/replicas"},
		},
		{
			name: "a child inherits and adds",
			f: fed("river", "north", func(c *unionsv1.Constitution) {
				c.NamespaceLabels = map[string]string{"region": "river", "tier": "gold"}
				c.Objects = []unionsv1.ConstitutionObject{object("limits", `{"apiVersion":"v1","kind":"LimitRange","spec":{"limits":[{"type":"Container"}]}}`)}
				c.Standards = []unionsv1.FederationStandard{standard("owner", nil)}
			}),
			ancestors:   []*unionsv1.Federation{root},
			wantLineage: []string{"north", "river"},
			wantLabels:  map[string]string{"pod-security.kubernetes.io/enforce": "restricted", "tier": "gold", "region": "river"},
			wantObjects: []string{"north/quota", "river/limits"}, wantStds: []string{"north/replicas", "river/owner"},
		},
		{
			name: "a child never overrides a parent",
			f: fed("river", "north", func(c *unionsv1.Constitution) {
				c.NamespaceLabels = map[string]string{"pod-security.kubernetes.io/enforce": "privileged"}
				c.Objects = []unionsv1.ConstitutionObject{object("quota", quota)}
				c.Standards = []unionsv1.FederationStandard{standard("replicas", nil)}
			}),
			ancestors:   []*unionsv1.Federation{root},
			wantLineage: []string{"north", "river"},
			wantLabels:  root.Spec.Constitution.NamespaceLabels,
			wantObjects: []string{"north/quota"}, wantStds: []string{"north/replicas"},
			wantProblems: []string{"river:ConflictingClause", "river:ConflictingClause", "river:ConflictingClause"},
			wantMessage:  `namespaceLabels[pod-security.kubernetes.io/enforce]: sets "privileged", but federation north sets "restricted"`,
		},
		{
			name: "kinds outside the allow-list",
			f: fed("north", "", func(c *unionsv1.Constitution) {
				c.Objects = []unionsv1.ConstitutionObject{
					object("admin", `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","roleRef":{}}`),
					object("token", `{"apiVersion":"v1","kind":"Secret"}`),
					object("quota", quota),
				}
			}),
			wantLineage: []string{"north"}, wantLabels: map[string]string{}, wantObjects: []string{"north/quota"},
			wantProblems: []string{"north:UnsupportedObjectKind", "north:UnsupportedObjectKind"},
			wantMessage:  "objects[admin]: rbac.authorization.k8s.io/v1 RoleBinding is not a kind the operator propagates",
		},
		{
			name: "invalid templates and reserved names",
			f: fed("north", "", func(c *unionsv1.Constitution) {
				c.NamespaceLabels = map[string]string{"federation.unions.kos.dev/other": "member"}
				c.Objects = []unionsv1.ConstitutionObject{
					object("quota", `{"apiVersion":"v1","kind":"ResourceQuota","spec":{"hard":{"pods":"lots"}}}`),
					object("typo", `{"apiVersion":"v1","kind":"ConfigMap","dta":{"a":"b"}}`),
					object("params", `{"apiVersion":"v1","kind":"ConfigMap"}`),
				}
			}),
			wantLineage: []string{"north"}, wantLabels: map[string]string{},
			wantProblems: []string{"north:ReservedLabel", "north:InvalidObject", "north:InvalidObject", "north:ConflictingClause"},
			wantMessage:  "labels of the unions.kos.dev domain are the operator's",
		},
		{
			name:        "a cycle counts each federation once",
			f:           fed("a", "b", func(c *unionsv1.Constitution) { c.NamespaceLabels = map[string]string{"x": "a"} }),
			ancestors:   []*unionsv1.Federation{fed("b", "a", func(c *unionsv1.Constitution) { c.NamespaceLabels = map[string]string{"y": "b"} })},
			wantLineage: []string{"b", "a"}, wantLabels: map[string]string{"x": "a", "y": "b"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Of(tt.f, tt.ancestors)
			if !slices.Equal(c.Lineage, tt.wantLineage) {
				t.Errorf("lineage %v, want %v", c.Lineage, tt.wantLineage)
			}
			if !maps.Equal(c.NamespaceLabels, tt.wantLabels) {
				t.Errorf("labels %v, want %v", c.NamespaceLabels, tt.wantLabels)
			}
			var objs, stds, problems []string
			for _, o := range c.Objects {
				objs = append(objs, o.Federation+"/"+o.Name)
			}
			for _, s := range c.Standards {
				stds = append(stds, s.Federation+"/"+s.Name)
			}
			for _, p := range c.Problems {
				problems = append(problems, p.Federation+":"+p.Reason)
			}
			if !slices.Equal(objs, tt.wantObjects) || !slices.Equal(stds, tt.wantStds) {
				t.Errorf("objects %v standards %v, want %v %v", objs, stds, tt.wantObjects, tt.wantStds)
			}
			if !slices.Equal(problems, tt.wantProblems) {
				t.Errorf("problems %v, want %v (%v)", problems, tt.wantProblems, c.Problems)
			}
			if _, msg := Condition(c.Problems); !strings.Contains(msg, tt.wantMessage) {
				t.Errorf("message %q does not contain %q", msg, tt.wantMessage)
			}
		})
	}
}

func TestParameters(t *testing.T) {
	root := fed("north", "", func(c *unionsv1.Constitution) {
		c.Standards = []unionsv1.FederationStandard{standard("replicas", map[string]unionsv1.Parameter{"maxReplicas": {Default: "5", Min: "1", Max: "10"}})}
	})
	child := fed("river", "north", func(c *unionsv1.Constitution) {
		c.Standards = []unionsv1.FederationStandard{standard("owner", map[string]unionsv1.Parameter{"team": {Default: "platform"}})}
	})
	c := Of(child, []*unionsv1.Federation{root})
	ov := map[string]string{"replicas.maxReplicas": "3"}
	if got := c.Parameters("north", ov); !maps.Equal(got, map[string]string{"maxReplicas": "3"}) {
		t.Errorf("north parameters %v", got)
	}
	if got := c.Parameters("river", ov); !maps.Equal(got, map[string]string{"team": "platform"}) {
		t.Errorf("river parameters %v", got)
	}
	if got := c.EffectiveParameters(ov); !maps.Equal(got, map[string]string{"replicas.maxReplicas": "3", "owner.team": "platform"}) {
		t.Errorf("effective parameters %v", got)
	}
}

func membership(ns, name, union string, uid types.UID, overrides map[string]string) *unionsv1.Membership {
	m := &unionsv1.Membership{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: uid}}
	m.Spec.Union = unionsv1.UnionReference{Kind: unionsv1.KindFederation, Name: union}
	m.Spec.Overrides = overrides
	return m
}

func TestPlan(t *testing.T) {
	root := fed("north", "", func(c *unionsv1.Constitution) {
		c.Objects = []unionsv1.ConstitutionObject{object("quota", quota)}
		c.Standards = []unionsv1.FederationStandard{standard("replicas", map[string]unionsv1.Parameter{"maxReplicas": {Default: "5", Min: "1", Max: "10"}})}
	})
	child := fed("river", "north", func(c *unionsv1.Constitution) {
		o := object("limits", `{"apiVersion":"v1","kind":"LimitRange","metadata":{"labels":{"team":"x"}},"spec":{"limits":[{"type":"Container"}]}}`)
		o.Overridable = true
		c.Objects = []unionsv1.ConstitutionObject{o}
	})
	inRiver := Member{Membership: membership("ns", "join-river", "river", "uid-river", map[string]string{"replicas.maxReplicas": "3"}),
		Constitution: Of(child, []*unionsv1.Federation{root})}
	inNorth := Member{Membership: membership("ns", "join-north", "north", "uid-north", nil), Constitution: Of(root, nil)}

	names := func(objs []string) string { return strings.Join(objs, ",") }
	render := func(members ...Member) map[string]string {
		got, _, err := Plan("ns", members, map[string]*unionsv1.Consensus{"north": {Members: 2}})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, u := range got {
			if u.GetNamespace() != "ns" {
				t.Errorf("%s in namespace %q", u.GetName(), u.GetNamespace())
			}
			refs := u.GetOwnerReferences()
			if len(refs) != 1 || refs[0].Kind != "Membership" {
				t.Fatalf("%s owned by %v", u.GetName(), refs)
			}
			out[u.GetKind()+"/"+u.GetName()] = refs[0].Name + " " + u.GetLabels()[unionsv1.UnionLabel]
		}
		return out
	}

	t.Run("a child's member gets its lineage's objects, through its Membership", func(t *testing.T) {
		got := render(inRiver)
		want := map[string]string{
			"ResourceQuota/federation-north-quota": "join-river Federation.river",
			"ConfigMap/federation-north-params":    "join-river Federation.river",
			"ConfigMap/federation-north-consensus": "join-river Federation.river",
			"LimitRange/federation-river-limits":   "join-river Federation.river",
			"ConfigMap/federation-river-consensus": "join-river Federation.river",
		}
		if !maps.Equal(got, want) {
			t.Errorf("plan %v, want %v", got, want)
		}
	})
	t.Run("a namespace in a federation and its child gets each object once, from the nearest Membership", func(t *testing.T) {
		got := render(inRiver, inNorth)
		if got["ResourceQuota/federation-north-quota"] != "join-north Federation.north" || got["LimitRange/federation-river-limits"] != "join-river Federation.river" {
			t.Errorf("plan %v", got)
		}
		if len(got) != 5 {
			t.Errorf("%d objects, want 5: %s", len(got), names(slices.Collect(maps.Keys(got))))
		}
	})
	t.Run("parameters and consensus", func(t *testing.T) {
		objs, _, _ := Plan("ns", []Member{inRiver}, map[string]*unionsv1.Consensus{"north": {Members: 2}})
		for _, u := range objs {
			switch u.GetName() {
			case "federation-north-params":
				if v, _, _ := unstructured.NestedString(u.Object, "data", "maxReplicas"); v != "3" {
					t.Errorf("maxReplicas %q, want the override 3", v)
				}
			case "federation-north-consensus":
				if v, _, _ := unstructured.NestedString(u.Object, "data", "consensus.yaml"); !strings.Contains(v, "members: 2") {
					t.Errorf("consensus %q", v)
				}
			case "federation-river-limits":
				if u.GetLabels()["team"] != "x" || u.GetAnnotations()[RenderedAnnotation] == "" {
					t.Errorf("limits labels %v annotations %v", u.GetLabels(), u.GetAnnotations())
				}
			}
		}
	})
	t.Run("an overridable object the member replaced is not propagated", func(t *testing.T) {
		replacing := inRiver
		replacing.Membership = membership("ns", "join-river", "river", "uid-river", map[string]string{"limits.replacedBy": "mine"})
		if _, ok := render(replacing)["LimitRange/federation-river-limits"]; ok {
			t.Error("the replaced object is still planned")
		}
	})
}

func TestPlanRefusesAName(t *testing.T) {
	// The hyphen joins federation and clause names, which both may contain:
	// federation a's object b-params and federation a-b's params ConfigMap
	// are both federation-a-b-params. The older federation's stands.
	older := fed("a", "", func(c *unionsv1.Constitution) {
		c.Objects = []unionsv1.ConstitutionObject{object("b-params", `{"apiVersion":"v1","kind":"ConfigMap","data":{"maxReplicas":"100"}}`)}
	})
	older.CreationTimestamp = metav1.NewTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	younger := fed("a-b", "a", func(c *unionsv1.Constitution) {
		c.Standards = []unionsv1.FederationStandard{standard("replicas", map[string]unionsv1.Parameter{"maxReplicas": {Default: "5", Min: "1", Max: "10"}})}
	})
	younger.CreationTimestamp = metav1.NewTime(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
	m := Member{Membership: membership("ns", "join", "a-b", "uid", nil), Constitution: Of(younger, []*unionsv1.Federation{older})}
	objs, refused, err := Plan("ns", []Member{m}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var planned int
	for _, u := range objs {
		if u.GetName() == "federation-a-b-params" {
			planned++
			if v, _, _ := unstructured.NestedString(u.Object, "data", "maxReplicas"); v != "100" {
				t.Errorf("the planned federation-a-b-params is not the older federation's: %v", u.Object["data"])
			}
		}
	}
	if planned != 1 || len(refused) != 1 || refused[0].Federation != "a-b" || refused[0].By != "a" || refused[0].Name != "federation-a-b-params" {
		t.Fatalf("planned %d federation-a-b-params, refused %+v", planned, refused)
	}
	if !strings.Contains(refused[0].Message(), "federation a, older") {
		t.Errorf("message %q", refused[0].Message())
	}
}
