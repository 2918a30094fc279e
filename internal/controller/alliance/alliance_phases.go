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

// Package alliance holds an Alliance's phases, plugged into the shared union
// reconciler: its standards (admission policies and compliance), its
// reactive defence (disruptions and allies' reserves); and the controllers of
// what an alliance puts in each member namespace (PodDisruptionBudgets and
// the bridge NetworkPolicy).
package alliance

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/agentobjects"
	"github.com/kos-dev/union-operator/internal/agents"
	"github.com/kos-dev/union-operator/internal/compliance"
	"github.com/kos-dev/union-operator/internal/conditions"
	"github.com/kos-dev/union-operator/internal/controller/union"
	"github.com/kos-dev/union-operator/internal/standards"
	"github.com/kos-dev/union-operator/internal/status"
)

// Kind is the Alliance kind of the union reconciler.
type Kind struct {
	// Client reads from the cache and writes.
	Client client.Client
	// APIReader reads agents in full, uncached: the cache holds them
	// metadata-only.
	APIReader client.Reader
	Recorder  events.EventRecorder
}

// +kubebuilder:rbac:groups=unions.kos.dev,resources=alliances,verbs=list;watch;patch
// +kubebuilder:rbac:groups=unions.kos.dev,resources=alliances/status,verbs=patch

// New implements union.Kind.
func (Kind) New() *unionsv1.Alliance { return &unionsv1.Alliance{} }

// member is a badged member namespace with the agents read for this reconcile.
type member struct {
	membership *unionsv1.Membership
	// agents are the member agents: those its terms in force select, which
	// are the ones the badge engine badges. Judging by the terms rather
	// than by the badges lets badges come and go without waking the
	// alliance.
	agents  map[string]bool
	objects []agentobjects.Object
}

func (m member) namespace() string { return m.membership.Namespace }

// isMember reports whether an agent object belongs to a member agent.
func (m member) isMember(o agentobjects.Object) bool { return m.agents[o.Agent()] }

// Reconcile implements union.Kind: the phase, the standards (admission
// policies and compliance) and reactive defence.
func (k Kind) Reconcile(ctx context.Context, a *unionsv1.Alliance, s *union.Scope) (status.Outcome, error) {
	now := metav1.NewTime(s.Now)
	set := standards.Compile(a.Spec.Standards, standards.Options{})
	if err := k.reconcilePolicies(ctx, a, set); err != nil {
		return status.Outcome{}, err
	}
	members, err := k.observeMembers(ctx, a, s.Memberships, len(set.Compiled) > 0)
	if err != nil {
		return status.Outcome{}, err
	}
	if err := k.reportCompliance(ctx, a, set, members, now); err != nil {
		return status.Outcome{}, err
	}
	next, err := k.defend(ctx, a, members, s.Now)
	if err != nil {
		return status.Outcome{}, err
	}

	outcome := status.Outcome{RequeueAt: next}
	if a.Status.MemberCount == 0 {
		a.Status.Phase = unionsv1.AllianceForming
		outcome.Summary = conditions.Summary{State: conditions.Ready, Reason: "Forming", Message: "no member has joined yet"}
	} else {
		a.Status.Phase = unionsv1.AllianceActive
		outcome.Summary = conditions.Summary{State: conditions.Ready, Reason: unionsv1.ReasonActive,
			Message: fmt.Sprintf("%d members, %d agents", a.Status.MemberCount, a.Status.AgentCount)}
	}
	if len(set.Invalid) > 0 {
		outcome.Summary = conditions.Summary{State: conditions.Stalled, Reason: compliance.ReasonInvalidStandard,
			Message: set.Message() + "; fix the expression: the other standards stay in force"}
	}
	return outcome, nil
}

// observeMembers reads, for each badged member, the agents the phases need:
// badged workloads and bare Pods when there are standards to evaluate, and
// Deployments and StatefulSets (members' and volunteered reserves) under
// reactive defence.
func (k Kind) observeMembers(ctx context.Context, a *unionsv1.Alliance, memberships []unionsv1.Membership, judge bool) ([]member, error) {
	reactive := a.Spec.Defense != nil && a.Spec.Defense.Reactive != nil
	seen := map[string]bool{}
	var out []member
	for i := range memberships {
		m := &memberships[i]
		if !m.Status.Standing.Badged() || m.DeletionTimestamp != nil || seen[m.Namespace] {
			continue
		}
		seen[m.Namespace] = true
		terms := m.TermsInForce()
		volunteers := terms.Reserves != nil
		selected := map[string]bool{}
		var objects []agentobjects.Object
		if judge || reactive {
			var err error
			if selected, err = agentobjects.MemberAgents(ctx, k.Client, m.Namespace, terms); err != nil {
				return nil, err
			}
			want := func(kind string, meta *metav1.PartialObjectMetadata) bool {
				member := selected[agents.Name(meta)]
				switch kind {
				case "Deployment", "StatefulSet":
					return member && (judge || reactive) || volunteers && reactive
				default:
					return member && judge && standards.Judged(kind, meta)
				}
			}
			if objects, err = agentobjects.Read(ctx, k.Client, k.APIReader, m.Namespace, want); err != nil {
				return nil, err
			}
		}
		out = append(out, member{membership: m, agents: selected, objects: objects})
	}
	return out, nil
}
