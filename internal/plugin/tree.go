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

package plugin

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

func newTreeCommand(streams genericiooptions.IOStreams, cluster Cluster) *cobra.Command {
	return unionsCommand(streams, cluster, "tree",
		"Show the federations' nesting, and every union's member namespaces with their agents",
		`  # Federations nested under their parents; coalitions and alliances listed flat
  kubectl unions tree`, RenderTree)
}

// maxListedMembers is the bound of a union's status.members.
const maxListedMembers = 100

// node is one line of the tree and what hangs below it.
type node struct {
	label    string
	children []node
}

// RenderTree writes the unions as a tree. Federations nest under the
// federation their spec.parent names, after their own member namespaces; a
// federation whose parent does not exist, or whose parents form a cycle, is
// shown at the top with a note. Coalitions and alliances are listed flat, each
// with its member namespaces. Kinds without unions are left out.
func RenderTree(w io.Writer, u Unions) error {
	var sections []node
	if len(u.Federations) > 0 {
		sections = append(sections, node{label: "Federations", children: federationForest(u.Federations)})
	}
	if len(u.Coalitions) > 0 {
		s := node{label: "Coalitions"}
		for _, c := range sortedByName(u.Coalitions) {
			s.children = append(s.children, unionNode(c.Name, string(c.Status.Phase), &c.Status.UnionStatus, ""))
		}
		sections = append(sections, s)
	}
	if len(u.Alliances) > 0 {
		s := node{label: "Alliances"}
		for _, a := range sortedByName(u.Alliances) {
			s.children = append(s.children, unionNode(a.Name, string(a.Status.Phase), &a.Status.UnionStatus, ""))
		}
		sections = append(sections, s)
	}
	// A write error sticks to bw and shows at Flush.
	bw := bufio.NewWriter(w)
	for _, s := range sections {
		_, _ = fmt.Fprintln(bw, s.label)
		for i, child := range s.children {
			writeNode(bw, child, "", i == len(s.children)-1)
		}
	}
	return bw.Flush()
}

// federationForest nests the federations under their parents.
func federationForest(feds []unionsv1.Federation) []node {
	feds = sortedByName(feds)
	byName := make(map[string]*unionsv1.Federation, len(feds))
	children := map[string][]*unionsv1.Federation{}
	for i := range feds {
		f := &feds[i]
		byName[f.Name] = f
		if f.Spec.Parent != "" {
			children[f.Spec.Parent] = append(children[f.Spec.Parent], f)
		}
	}
	visited := map[string]bool{}
	var build func(f *unionsv1.Federation, note string) node
	build = func(f *unionsv1.Federation, note string) node {
		visited[f.Name] = true
		n := unionNode(f.Name, string(f.Status.Phase), &f.Status.UnionStatus, note)
		for _, child := range children[f.Name] {
			if !visited[child.Name] {
				n.children = append(n.children, build(child, ""))
			}
		}
		return n
	}
	var roots []node
	for i := range feds {
		f := &feds[i]
		switch {
		case f.Spec.Parent == "":
			roots = append(roots, build(f, ""))
		case byName[f.Spec.Parent] == nil:
			roots = append(roots, build(f, "parent "+f.Spec.Parent+" not found"))
		}
	}
	// Whatever no root reaches hangs in a cycle of parents.
	for i := range feds {
		if f := &feds[i]; !visited[f.Name] {
			roots = append(roots, build(f, "parent "+f.Spec.Parent+": cycle of parents"))
		}
	}
	return roots
}

// unionNode is a union's line with its member namespaces below it.
func unionNode(name, phase string, st *unionsv1.UnionStatus, note string) node {
	facts := []string{orDash(phase), count(int(st.MemberCount), "member", "members"), count(int(st.AgentCount), "agent", "agents")}
	label := name + " (" + strings.Join(facts, ", ")
	if ready, reason := readiness(st.Conditions); ready != "True" {
		label += "; Ready=" + ready
		if reason != "" {
			label += " " + reason
		}
	}
	if note != "" {
		label += "; " + note
	}
	n := node{label: label + ")"}
	members := slices.Clone(st.Members)
	slices.SortFunc(members, func(a, b unionsv1.MemberStatus) int { return cmp.Compare(a.Namespace, b.Namespace) })
	for _, m := range members {
		n.children = append(n.children, node{label: fmt.Sprintf("ns/%s (%s, %s)", m.Namespace, orDash(string(m.Standing)), count(int(m.Agents), "agent", "agents"))})
	}
	if len(members) >= maxListedMembers {
		n.children = append(n.children, node{label: fmt.Sprintf("… status lists the first %d members only", maxListedMembers)})
	}
	return n
}

// writeNode writes n and its subtree with box-drawing connectors.
func writeNode(w io.Writer, n node, prefix string, last bool) {
	connector, indent := "├── ", "│   "
	if last {
		connector, indent = "└── ", "    "
	}
	_, _ = fmt.Fprintln(w, prefix+connector+n.label)
	for i, child := range n.children {
		writeNode(w, child, prefix+indent, i == len(n.children)-1)
	}
}

// count writes n with the noun it takes: one when n is 1, many otherwise.
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
