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

// Package constitution computes the constitution in force for the members of
// a federation — its own clauses and every ancestor's (inheritance) — and
// what it puts in each member namespace: the propagated objects, the params
// ConfigMap its admission policies read and the consensus ConfigMap. A child
// adds clauses, never replaces or weakens a parent's: a clause of a child
// that clashes with an ancestor's is left out, the ancestor's stays in force,
// and the child reports it. It is pure.
package constitution

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/badge"
	"github.com/kos-dev/union-operator/internal/overrides"
)

// Reasons a federation's own clauses stall it.
const (
	// ReasonConflictingClause: a clause clashes with an ancestor's.
	ReasonConflictingClause = "ConflictingClause"
	// ReasonUnsupportedObjectKind: an object is of a kind the operator does not propagate.
	ReasonUnsupportedObjectKind = "UnsupportedObjectKind"
	// ReasonInvalidObject: an object's template is not a valid object of its kind.
	ReasonInvalidObject = "InvalidObject"
	// ReasonReservedLabel: a namespace label is one only the operator sets (badges).
	ReasonReservedLabel = "ReservedLabel"
)

// Problem is a clause of one federation that is not in force, and why.
type Problem struct {
	Federation string
	Reason     string
	Message    string
}

// Object is a propagated object in force: the federation that declares it,
// its clause and its template.
type Object struct {
	Federation  string
	Name        string
	Overridable bool
	Template    *unstructured.Unstructured
}

// Standard is a standard in force, with the federation that declares it.
type Standard struct {
	Federation string
	unionsv1.FederationStandard
}

// Constitution is what a federation's members are governed by.
type Constitution struct {
	// Lineage names the federation's line, root first, the federation last.
	Lineage []string
	// Founded is when each federation of the lineage was created: where two
	// unions would put objects of one name in a namespace, the older one's
	// stands.
	Founded map[string]metav1.Time
	// NamespaceLabels are the labels every member Namespace carries.
	NamespaceLabels map[string]string
	// Objects are propagated into every member namespace, root's first.
	Objects []Object
	// Standards are enforced on every member agent, root's first.
	Standards []Standard
	// Problems are the clauses of the lineage left out.
	Problems []Problem
}

// reservedNames are object names the operator uses for its own ConfigMaps.
var reservedNames = []string{"params", "consensus"}

// Of returns the constitution in force for the members of f, whose
// ancestors are given nearest first (as federation.Ancestors finds them).
func Of(f *unionsv1.Federation, ancestors []*unionsv1.Federation) Constitution {
	line := make([]*unionsv1.Federation, 0, len(ancestors)+1)
	for i := len(ancestors) - 1; i >= 0; i-- {
		line = append(line, ancestors[i])
	}
	line = append(line, f)

	c := Constitution{NamespaceLabels: map[string]string{}, Founded: map[string]metav1.Time{}}
	labelSetBy := map[string]string{}
	objectBy := map[string]string{}
	renderedBy := map[string]string{}
	standardBy := map[string]string{}
	for _, fed := range line {
		name := fed.Name
		if slices.Contains(c.Lineage, name) {
			continue // a cycle: each federation counts once
		}
		c.Lineage = append(c.Lineage, name)
		c.Founded[name] = fed.CreationTimestamp
		problem := func(reason, format string, args ...any) {
			c.Problems = append(c.Problems, Problem{Federation: name, Reason: reason, Message: fmt.Sprintf(format, args...)})
		}
		con := fed.Spec.Constitution

		for _, k := range slices.Sorted(maps.Keys(con.NamespaceLabels)) {
			v := con.NamespaceLabels[k]
			switch by, set := labelSetBy[k]; {
			case badge.Reserved(k):
				problem(ReasonReservedLabel, "namespaceLabels[%s]: labels of the %s domain are the operator's (badges, agents)", k, unionsv1.BadgeDomain)
			case set && c.NamespaceLabels[k] != v:
				problem(ReasonConflictingClause, "namespaceLabels[%s]: sets %q, but federation %s sets %q and a child never overrides a parent: %q stays in force",
					k, v, by, c.NamespaceLabels[k], c.NamespaceLabels[k])
			case !set:
				c.NamespaceLabels[k], labelSetBy[k] = v, name
			}
		}

		for _, o := range con.Objects {
			clause := "objects[" + o.Name + "]"
			if by, ok := objectBy[o.Name]; ok {
				problem(ReasonConflictingClause, "%s: federation %s declares an object %s already; a child adds objects, never replaces a parent's", clause, by, o.Name)
				continue
			}
			if slices.Contains(reservedNames, o.Name) {
				problem(ReasonConflictingClause, "%s: the name %s is taken by the operator's own ConfigMap %s", clause, o.Name, ObjectName(name, o.Name))
				continue
			}
			tmpl, err := parseTemplate(o.Template.Raw)
			if err != nil {
				problem(ReasonInvalidObject, "%s: %v", clause, err)
				continue
			}
			if !Supported(tmpl.GroupVersionKind()) {
				problem(ReasonUnsupportedObjectKind, "%s: %s %s is not a kind the operator propagates; it propagates %s",
					clause, tmpl.GetAPIVersion(), tmpl.GetKind(), supportedList())
				continue
			}
			if err := validate(tmpl); err != nil {
				problem(ReasonInvalidObject, "%s: not a valid %s: %v", clause, tmpl.GetKind(), err)
				continue
			}
			rendered := ObjectName(name, o.Name)
			if by, ok := renderedBy[rendered]; ok {
				problem(ReasonConflictingClause, "%s: its name %s is taken by an object of federation %s", clause, rendered, by)
				continue
			}
			objectBy[o.Name], renderedBy[rendered] = name, name
			c.Objects = append(c.Objects, Object{Federation: name, Name: o.Name, Overridable: o.Overridable, Template: tmpl})
		}

		for _, s := range con.Standards {
			if by, ok := standardBy[s.Name]; ok {
				problem(ReasonConflictingClause, "standards[%s]: federation %s declares a standard %s already; a child adds standards, never replaces a parent's", s.Name, by, s.Name)
				continue
			}
			standardBy[s.Name] = name
			c.Standards = append(c.Standards, Standard{Federation: name, FederationStandard: s})
		}
	}
	return c
}

// ProblemsOf returns the problems of one federation's own clauses.
func (c Constitution) ProblemsOf(federation string) []Problem {
	var out []Problem
	for _, p := range c.Problems {
		if p.Federation == federation {
			out = append(out, p)
		}
	}
	return out
}

// StandardsOf returns the standards in force that one federation declares.
func (c Constitution) StandardsOf(federation string) []Standard {
	var out []Standard
	for _, s := range c.Standards {
		if s.Federation == federation {
			out = append(out, s)
		}
	}
	return out
}

// Terms are what a member's overrides may touch: every standard and object in force.
func (c Constitution) Terms() overrides.Terms {
	var t overrides.Terms
	for _, s := range c.Standards {
		t.Standards = append(t.Standards, overrideStandard(s))
	}
	for _, o := range c.Objects {
		t.Objects = append(t.Objects, overrides.Object{Federation: o.Federation, Name: o.Name, Overridable: o.Overridable})
	}
	return t
}

// Parameters returns the params data of one federation of the lineage for a
// member with the given overrides.
func (c Constitution) Parameters(federation string, memberOverrides map[string]string) map[string]string {
	own := c.StandardsOf(federation)
	list := make([]overrides.Standard, 0, len(own))
	for _, s := range own {
		list = append(list, overrideStandard(s))
	}
	return overrides.Parameters(list, memberOverrides)
}

// EffectiveParameters returns every parameter in force for a member, keyed
// <standard>.<parameter> as overrides are, for its charter.
func (c Constitution) EffectiveParameters(memberOverrides map[string]string) map[string]string {
	out := map[string]string{}
	for _, fed := range c.Lineage {
		params := c.Parameters(fed, memberOverrides)
		for _, s := range c.StandardsOf(fed) {
			for p := range s.Parameters {
				out[s.Name+"."+p] = params[p]
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func overrideStandard(s Standard) overrides.Standard {
	return overrides.Standard{Federation: s.Federation, Name: s.Name, Parameters: s.Parameters}
}

// parseTemplate reads an object template.
func parseTemplate(raw []byte) (*unstructured.Unstructured, error) {
	if len(raw) == 0 {
		return nil, fmt.Errorf("the template is empty")
	}
	u := &unstructured.Unstructured{}
	if err := json.Unmarshal(raw, &u.Object); err != nil {
		return nil, fmt.Errorf("the template is not an object: %v", err)
	}
	if u.GetKind() == "" || u.GetAPIVersion() == "" {
		return nil, fmt.Errorf("the template needs apiVersion and kind")
	}
	return u, nil
}

// Condition summarises problems for a Stalled condition: the reason of the
// first and every message.
func Condition(problems []Problem) (reason, message string) {
	if len(problems) == 0 {
		return "", ""
	}
	msgs := make([]string, len(problems))
	for i, p := range problems {
		msgs[i] = p.Message
	}
	return problems[0].Reason, strings.Join(msgs, "; ")
}

// owner is the controller reference of a Membership.
func owner(m *unionsv1.Membership) metav1.OwnerReference {
	return *metav1.NewControllerRef(m, unionsv1.GroupVersion.WithKind("Membership"))
}
