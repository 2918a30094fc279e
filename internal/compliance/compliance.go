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

// Package compliance tallies how a union's member agents fare against its
// standards — which agents fail which standard, how many comply — and words
// the Compliant condition. Alliances and federations share it. It is pure.
package compliance

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/standards"
)

// Reasons of the Compliant condition, and of a stall on a standard.
const (
	ReasonNoStandards     = "NoStandards"
	ReasonAllCompliant    = "AllCompliant"
	ReasonNonCompliant    = "NonCompliant"
	ReasonInvalidStandard = "InvalidStandard"
)

// MaxListed bounds the failures a status lists.
const MaxListed = 100

type agentKey struct{ namespace, agent string }

// Tally collects the verdicts on member agents. An agent is made of several
// objects (a Deployment, its bare Pods): it fails when any of them fails.
type Tally struct {
	seen, failed map[agentKey]bool
	listed       map[string]bool
	failures     []unionsv1.ComplianceStatus
}

// NewTally returns an empty tally.
func NewTally() *Tally {
	return &Tally{seen: map[agentKey]bool{}, failed: map[agentKey]bool{}, listed: map[string]bool{}}
}

// Add records the results of one object of an agent.
func (t *Tally) Add(namespace, agent string, results []standards.Result) {
	key := agentKey{namespace, agent}
	t.seen[key] = true
	for _, r := range results {
		if r.Compliant {
			continue
		}
		t.failed[key] = true
		if id := namespace + "/" + agent + "/" + r.Standard; !t.listed[id] {
			t.listed[id] = true
			t.failures = append(t.failures, unionsv1.ComplianceStatus{Namespace: namespace, Agent: agent, Standard: r.Standard, Reason: r.Reason, Message: r.Message})
		}
	}
}

// Failures returns every failure, sorted by namespace, agent and standard.
func (t *Tally) Failures() []unionsv1.ComplianceStatus {
	slices.SortFunc(t.failures, func(x, y unionsv1.ComplianceStatus) int {
		return cmp.Or(cmp.Compare(x.Namespace, y.Namespace), cmp.Compare(x.Agent, y.Agent), cmp.Compare(x.Standard, y.Standard))
	})
	return t.failures
}

// Listed returns the failures a status lists: the first MaxListed.
func (t *Tally) Listed() []unionsv1.ComplianceStatus {
	f := t.Failures()
	return f[:min(len(f), MaxListed)]
}

// Compliant counts the agents that meet every standard.
func (t *Tally) Compliant() int { return len(t.seen) - len(t.failed) }

// NonCompliant counts the agents that fail a standard.
func (t *Tally) NonCompliant() int { return len(t.failed) }

// Summary is the Compliant condition of a union (named by kind, as in "the
// alliance") for the number of standards declared and compiled, the
// compliant agents and the failures (sorted).
func Summary(union string, declared, compiled, compliant int, failures []unionsv1.ComplianceStatus) (bool, string, string) {
	if declared == 0 {
		return true, ReasonNoStandards, "the " + union + " declares no standards"
	}
	if compiled == 0 {
		return false, ReasonInvalidStandard, "no standard of the " + union + " compiles, so none is evaluated"
	}
	if len(failures) == 0 {
		return true, ReasonAllCompliant, fmt.Sprintf("all %d member agents meet every standard", compliant)
	}
	const named = 3
	var agents []string
	byAgent := map[string][]string{}
	for _, f := range failures {
		id := f.Namespace + "/" + f.Agent
		if _, ok := byAgent[id]; !ok {
			agents = append(agents, id)
		}
		byAgent[id] = append(byAgent[id], f.Standard)
	}
	parts := make([]string, 0, named)
	for _, id := range agents[:min(len(agents), named)] {
		parts = append(parts, fmt.Sprintf("%s fails %s", id, strings.Join(byAgent[id], ", ")))
	}
	msg := fmt.Sprintf("%d of %d member agents fail a standard: %s", len(agents), len(agents)+compliant, strings.Join(parts, "; "))
	if len(agents) > named {
		msg += fmt.Sprintf("; and %d more", len(agents)-named)
	}
	return false, ReasonNonCompliant, msg
}
