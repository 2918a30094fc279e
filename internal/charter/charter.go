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

// Package charter renders the charter ConfigMap every Active Membership gets in
// its namespace, union-<kind>-<name>: what the union is for, its principles,
// goals, members, council, expiry and constitution, so that agents can mount
// it and read the union they belong to. It is pure.
package charter

import (
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

// Name is the charter ConfigMap's name for a union.
func Name(ref unionsv1.UnionReference) string {
	return "union-" + strings.ToLower(string(ref.Kind)) + "-" + ref.Name
}

// Document is the charter as agents read it (key charter.yaml).
type Document struct {
	Union       string   `json:"union"`
	Kind        string   `json:"kind"`
	Description string   `json:"description,omitempty"`
	Purpose     string   `json:"purpose,omitempty"`
	Principles  []string `json:"principles,omitempty"`
	Badge       string   `json:"badge"`
	// Members lists the union's member namespaces (Active or cooling off)
	// with their standing: an applicant (Pending, Rejected) is no member, and
	// leaves every other member's charter unchanged.
	Members []Member `json:"members,omitempty"`
	// MemberCount counts Active members (members may be truncated to 100).
	MemberCount int32 `json:"memberCount"`
	// Phase is the union's lifecycle phase (coalitions: Forming, Active, ...).
	Phase        string                  `json:"phase,omitempty"`
	Goals        []Goal                  `json:"goals,omitempty"`
	Council      *unionsv1.CouncilStatus `json:"council,omitempty"`
	ExpiresAt    string                  `json:"expiresAt,omitempty"`
	Standards    []Standard              `json:"standards,omitempty"`
	Constitution *Constitution           `json:"constitution,omitempty"`
	Parameters   map[string]string       `json:"parameters,omitempty"`
	Separation   unionsv1.Separation     `json:"separation"`
}

// Member is one member namespace in the charter.
type Member struct {
	Namespace string            `json:"namespace"`
	Standing  unionsv1.Standing `json:"standing"`
	Agents    int32             `json:"agents"`
}

// Goal is a coalition's goal in the charter: what it is and its state.
type Goal struct {
	Name        string             `json:"name"`
	Description string             `json:"description,omitempty"`
	State       unionsv1.GoalState `json:"state"`
	MetAt       string             `json:"metAt,omitempty"`
	// CompletesOn names what meets the goal: "<condition> of <Kind> <namespace>/<name>".
	CompletesOn string `json:"completesOn,omitempty"`
}

// Standard is a standard in the charter.
type Standard struct {
	Name    string                  `json:"name"`
	Message string                  `json:"message,omitempty"`
	Action  unionsv1.StandardAction `json:"action,omitempty"`
}

// Constitution is a federation's constitution in the charter.
type Constitution struct {
	Parent          string            `json:"parent,omitempty"`
	NamespaceLabels map[string]string `json:"namespaceLabels,omitempty"`
	Objects         []string          `json:"objects,omitempty"`
}

// Render returns the charter document of a union for one member.
func Render(u unionsv1.Union, badgeString string, parameters map[string]string) Document {
	st := u.Standing()
	doc := Document{
		Union:       u.GetName(),
		Kind:        string(u.UnionKind()),
		Description: u.Terms().Description,
		Badge:       badgeString,
		MemberCount: st.MemberCount,
		Separation:  u.Terms().Separation,
		Parameters:  parameters,
	}
	for _, m := range st.Members {
		if m.Standing.Badged() {
			doc.Members = append(doc.Members, Member{Namespace: m.Namespace, Standing: m.Standing, Agents: m.Agents})
		}
	}
	switch u := u.(type) {
	case *unionsv1.Coalition:
		doc.Purpose = u.Spec.Purpose
		doc.Phase = string(u.Status.Phase)
		doc.Goals = coalitionGoals(u)
		doc.Council = u.Status.Council
		if d := u.Deadline(); !d.IsZero() {
			doc.ExpiresAt = d.UTC().Format(time.RFC3339)
		}
	case *unionsv1.Alliance:
		doc.Principles = u.Spec.Principles
		for _, s := range u.Spec.Standards {
			doc.Standards = append(doc.Standards, Standard{Name: s.Name, Message: s.Message, Action: s.Action})
		}
	case *unionsv1.Federation:
		doc.Principles = u.Spec.Constitution.Principles
		for _, s := range u.Spec.Constitution.Standards {
			doc.Standards = append(doc.Standards, Standard{Name: s.Name, Message: s.Message, Action: s.Action})
		}
		c := &Constitution{Parent: u.Spec.Parent, NamespaceLabels: u.Spec.Constitution.NamespaceLabels}
		for _, o := range u.Spec.Constitution.Objects {
			c.Objects = append(c.Objects, o.Name)
		}
		doc.Constitution = c
	}
	return doc
}

// coalitionGoals lists a coalition's goals, in the order of its spec, with
// the state its status reports (Pending until reported otherwise).
func coalitionGoals(c *unionsv1.Coalition) []Goal {
	if len(c.Spec.Goals) == 0 {
		return nil
	}
	state := make(map[string]unionsv1.GoalStatus, len(c.Status.Goals))
	for _, st := range c.Status.Goals {
		state[st.Name] = st
	}
	out := make([]Goal, 0, len(c.Spec.Goals))
	for _, g := range c.Spec.Goals {
		goal := Goal{Name: g.Name, Description: g.Description, State: unionsv1.GoalPending}
		if st, ok := state[g.Name]; ok && st.State != "" {
			goal.State = st.State
			if st.MetAt != nil {
				goal.MetAt = st.MetAt.UTC().Format(time.RFC3339)
			}
		}
		if cp := g.Completion; cp != nil {
			where := cp.ObjectRef.Name
			if cp.ObjectRef.Namespace != "" {
				where = cp.ObjectRef.Namespace + "/" + where
			}
			goal.CompletesOn = cp.ConditionType + " of " + cp.ObjectRef.Kind + " " + where
		}
		out = append(out, goal)
	}
	return out
}

// Data renders a charter document as ConfigMap data: the whole document as
// charter.yaml, and its most read parts as keys of their own.
func Data(doc Document) (map[string]string, error) {
	body, err := yaml.Marshal(doc)
	if err != nil {
		return nil, err
	}
	data := map[string]string{
		"charter.yaml": string(body),
		"union":        doc.Kind + "/" + doc.Union,
		"badge":        doc.Badge,
	}
	if doc.Purpose != "" {
		data["purpose"] = doc.Purpose
	}
	if doc.ExpiresAt != "" {
		data["expiresAt"] = doc.ExpiresAt
	}
	return data, nil
}
