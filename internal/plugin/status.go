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
	"cmp"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

func newStatusCommand(streams genericiooptions.IOStreams, cluster Cluster) *cobra.Command {
	return unionsCommand(streams, cluster, "status",
		"List every Coalition, Alliance and Federation with its phase, counts and readiness",
		`  # Every union of the cluster
  kubectl unions status`, RenderStatus)
}

// StatusRow is one line of the status table.
type StatusRow struct {
	Kind    unionsv1.UnionKind
	Name    string
	Phase   string
	Members int32
	Agents  int32
	// Ready is the status of the Ready condition (True, False, Unknown), or
	// "-" before the operator reported one.
	Ready string
	// Reason is the reason of Stalled when the union is stalled, else of Ready.
	Reason string
}

// StatusRows returns the rows of the status table: coalitions, alliances,
// then federations, each sorted by name.
func StatusRows(u Unions) []StatusRow {
	var rows []StatusRow
	add := func(kind unionsv1.UnionKind, name, phase string, st *unionsv1.UnionStatus) {
		ready, reason := readiness(st.Conditions)
		rows = append(rows, StatusRow{Kind: kind, Name: name, Phase: phase,
			Members: st.MemberCount, Agents: st.AgentCount, Ready: ready, Reason: reason})
	}
	for _, c := range sortedByName(u.Coalitions) {
		add(unionsv1.KindCoalition, c.Name, string(c.Status.Phase), &c.Status.UnionStatus)
	}
	for _, a := range sortedByName(u.Alliances) {
		add(unionsv1.KindAlliance, a.Name, string(a.Status.Phase), &a.Status.UnionStatus)
	}
	for _, f := range sortedByName(u.Federations) {
		add(unionsv1.KindFederation, f.Name, string(f.Status.Phase), &f.Status.UnionStatus)
	}
	return rows
}

// RenderStatus writes the status table, aligned as kubectl aligns its tables.
func RenderStatus(w io.Writer, u Unions) error {
	tw := tabwriter.NewWriter(w, 0, 8, 3, ' ', 0)
	// A write error shows again at Flush.
	_, _ = fmt.Fprintln(tw, "KIND\tNAME\tPHASE\tMEMBERS\tAGENTS\tREADY\tREASON")
	for _, r := range StatusRows(u) {
		_, _ = fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\t%s\n",
			r.Kind, r.Name, orDash(r.Phase), r.Members, r.Agents, r.Ready, orDash(r.Reason))
	}
	return tw.Flush()
}

// readiness returns the Ready condition's status and the reason to show:
// Stalled's when the object is stalled, else Ready's.
func readiness(conds []metav1.Condition) (ready, reason string) {
	ready = "-"
	if c := meta.FindStatusCondition(conds, unionsv1.ConditionReady); c != nil {
		ready, reason = string(c.Status), c.Reason
	}
	if c := meta.FindStatusCondition(conds, unionsv1.ConditionStalled); c != nil && c.Status == metav1.ConditionTrue {
		reason = c.Reason
	}
	return ready, reason
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// sortedByName returns a copy of objs sorted by name.
func sortedByName[T any, P interface {
	*T
	GetName() string
}](objs []T) []T {
	out := slices.Clone(objs)
	slices.SortFunc(out, func(a, b T) int { return cmp.Compare(P(&a).GetName(), P(&b).GetName()) })
	return out
}
