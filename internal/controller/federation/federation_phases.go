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

// Package federation holds the phases of a Federation — a nested union with
// a constitution — plugged into the shared union reconciler: nesting (a
// federation names its parent; cycles, missing parents and nesting deeper
// than MaxDepth stall it), the admission policies of its standards, the
// compliance of member agents and the Federation Sentience Agent's
// consensus; and the controller of what federations put in each member
// namespace (propagated objects, params and consensus ConfigMaps).
package federation

import (
	"context"
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/compliance"
	"github.com/kos-dev/union-operator/internal/conditions"
	"github.com/kos-dev/union-operator/internal/constitution"
	"github.com/kos-dev/union-operator/internal/controller/union"
	"github.com/kos-dev/union-operator/internal/governance"
	"github.com/kos-dev/union-operator/internal/lineage"
	"github.com/kos-dev/union-operator/internal/standards"
	"github.com/kos-dev/union-operator/internal/status"
)

// Reasons a federation's nesting stalls.
const (
	ReasonCycle          = "NestingCycle"
	ReasonParentNotFound = "ParentNotFound"
	ReasonTooDeep        = "NestingTooDeep"
)

// Kind is the Federation kind of the union reconciler.
type Kind struct {
	// Client reads from the cache and writes.
	Client client.Client
	// APIReader reads agents in full, uncached: the cache holds them
	// metadata-only.
	APIReader client.Reader
}

// +kubebuilder:rbac:groups=unions.kos.dev,resources=federations,verbs=list;watch
// +kubebuilder:rbac:groups=unions.kos.dev,resources=federations/status,verbs=patch
// +kubebuilder:rbac:groups=unions.kos.dev,resources=federations/finalizers,verbs=update
// +kubebuilder:rbac:groups=admissionregistration.k8s.io,resources=validatingadmissionpolicies;validatingadmissionpolicybindings,verbs=get;list;watch;create;patch;delete

// New implements union.Kind.
func (Kind) New() *unionsv1.Federation { return &unionsv1.Federation{} }

// Reconcile implements union.Kind: nesting, the constitution in force, the
// admission policies of its standards, compliance, the consensus and the
// phase.
func (k Kind) Reconcile(ctx context.Context, f *unionsv1.Federation, s *union.Scope) (status.Outcome, error) {
	now := metav1.NewTime(s.Now)
	children, err := lineage.Children(ctx, k.Client, f)
	if err != nil {
		return status.Outcome{}, err
	}
	f.Status.Children = nil
	for _, c := range children {
		f.Status.Children = append(f.Status.Children, c.Name)
	}
	slices.Sort(f.Status.Children)
	f.Status.Children = f.Status.Children[:min(len(f.Status.Children), union.MaxListed)]

	con, chain, err := lineage.ConstitutionOf(ctx, k.Client, f)
	if err != nil {
		return status.Outcome{}, err
	}
	nesting := checkNesting(f.Name, chain)
	f.Status.Depth = 0
	if nesting == nil {
		f.Status.Depth = int32(len(chain.Names))
	}
	markNested(f, chain, now)

	set, err := k.reconcilePolicies(ctx, f, con)
	if err != nil {
		return status.Outcome{}, err
	}
	members := badgedMembers(s.Memberships)
	nonCompliant, err := k.reportCompliance(ctx, f, con, members, now)
	if err != nil {
		return status.Outcome{}, err
	}
	if err := k.reportLabels(ctx, f, con, members, now); err != nil {
		return status.Outcome{}, err
	}
	// In a cycle, children's counts would include this federation's own.
	setConsensus(f, s.Memberships, children, nonCompliant, chain.Cycle)
	// Governance: open proposals and decisions; a Passed Dissolve dissolves.
	f.Status.Consensus = governance.Consensus(f.Status.Consensus, s.Proposals, f.Status.Decisions)
	if governance.Dissolution(f.Status.Decisions) != nil {
		f.Status.Phase = unionsv1.FederationDissolved
	}

	if nesting != nil {
		return status.Outcome{Summary: *nesting}, nil
	}
	if stalled := problems(f.Name, set, con); stalled != nil {
		return status.Outcome{Summary: *stalled}, nil
	}
	if f.Status.Phase == unionsv1.FederationDissolved {
		return status.Outcome{Summary: conditions.Summary{State: conditions.Ready, Reason: "Dissolved", Message: "the federation was dissolved"}}, nil
	}
	if f.Status.MemberCount == 0 && len(f.Status.Children) == 0 {
		f.Status.Phase = unionsv1.FederationForming
		return status.Outcome{Summary: conditions.Summary{State: conditions.Ready, Reason: "Forming", Message: "no member has joined yet"}}, nil
	}
	f.Status.Phase = unionsv1.FederationActive
	return status.Outcome{Summary: conditions.Summary{State: conditions.Ready, Reason: unionsv1.ReasonActive,
		Message: fmt.Sprintf("%d members, %d agents, %d child federations, depth %d", f.Status.MemberCount, f.Status.AgentCount, len(f.Status.Children), f.Status.Depth)}}, nil
}

// problems stalls a federation whose own clauses are not all in force:
// standards that do not compile, then the constitution's problems (clauses
// clashing with an ancestor's, kinds it may not propagate, invalid objects).
// The clauses in force stay in force.
func problems(name string, set *standards.Set, con constitution.Constitution) *conditions.Summary {
	if len(set.Invalid) > 0 {
		return &conditions.Summary{State: conditions.Stalled, Reason: compliance.ReasonInvalidStandard,
			Message: set.Message() + "; fix the expression: the other standards stay in force"}
	}
	if reason, message := constitution.Condition(con.ProblemsOf(name)); reason != "" {
		return &conditions.Summary{State: conditions.Stalled, Reason: reason,
			Message: message + "; the clauses in force stay in force"}
	}
	return nil
}

// badgedMembers returns the badged Memberships, one per namespace.
func badgedMembers(ms []unionsv1.Membership) []*unionsv1.Membership {
	seen := map[string]bool{}
	var out []*unionsv1.Membership
	for i := range ms {
		m := &ms[i]
		if !m.Status.Standing.Badged() || m.DeletionTimestamp != nil || seen[m.Namespace] {
			continue
		}
		seen[m.Namespace] = true
		out = append(out, m)
	}
	return out
}

// markNested sets the Nested condition: a federation is nested once the
// parent it names admits it; until then it is standalone, depth 0.
func markNested(f *unionsv1.Federation, chain lineage.Chain, now metav1.Time) {
	mark := func(nested bool, reason, message string) {
		conditions.Mark(&f.Status.Conditions, f.Generation, now, unionsv1.ConditionNested, nested, reason, message)
	}
	switch parent := f.Spec.Parent; {
	case parent == "":
		mark(false, unionsv1.ReasonNoParent, "a root federation: it names no parent")
	case chain.Missing == parent:
		mark(false, ReasonParentNotFound, "parent federation "+parent+" does not exist")
	case chain.NotAdmitted == parent:
		mark(false, unionsv1.ReasonNotAdmitted, fmt.Sprintf("federation %s does not admit %s (its spec.admission.federations): %s is standalone, inherits nothing from it and takes no part in its decisions until it does",
			parent, f.Name, f.Name))
	case chain.Cycle:
		mark(false, ReasonCycle, "federation parents form a cycle")
	default:
		mark(true, unionsv1.ReasonAdmitted, fmt.Sprintf("nested in %s, admitted by it, at depth %d", parent, len(chain.Names)))
	}
}

// checkNesting returns a Stalled summary when the chain is not a valid nesting.
func checkNesting(name string, chain lineage.Chain) *conditions.Summary {
	switch {
	case chain.Cycle:
		return &conditions.Summary{State: conditions.Stalled, Reason: ReasonCycle,
			Message: "federation parents form a cycle: " + name + " -> " + strings.Join(chain.Names, " -> ")}
	case chain.Missing != "":
		return &conditions.Summary{State: conditions.Stalled, Reason: ReasonParentNotFound,
			Message: "parent federation " + chain.Missing + " does not exist"}
	case chain.TooDeep():
		return &conditions.Summary{State: conditions.Stalled, Reason: ReasonTooDeep,
			Message: fmt.Sprintf("federations nest at most %d deep: %s -> %s", lineage.MaxDepth, name, strings.Join(chain.Names, " -> "))}
	}
	return nil
}
