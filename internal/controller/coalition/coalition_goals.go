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

package coalition

import (
	"context"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/conditions"
	"github.com/kos-dev/union-operator/internal/goals"
)

// Conditions of the goals registry and their reasons.
const (
	// ConditionGoalsTracked is True when the operator watches the object of
	// every goal that has a completion.
	ConditionGoalsTracked = "GoalsTracked"
	// ConditionDissolved is True once the coalition dissolved on meeting its goals.
	ConditionDissolved = "Dissolved"

	ReasonWatching  = "Watching"
	ReasonGoalsMet  = "GoalsMet"
	ReasonDissolved = "Dissolved"
)

// reconcileGoals reports the state of every goal. While the coalition is
// live, the objects its goals complete on are watched and a goal is Met once
// its object has the completion condition True; a met goal stays Met. When
// every goal is met and spec.dissolveWhenGoalsMet is set, the coalition
// dissolves. An ended coalition's goals are frozen and no longer watched.
func (k Kind) reconcileGoals(ctx context.Context, sc *scope) error {
	c := sc.coalition
	conds := &c.Status.Conditions
	members := activeNamespaces(sc.Memberships)
	// Only objects in Active member namespaces are looked at: the rest are
	// Unverifiable, and nothing of them — not even whether they exist — is
	// read or reported.
	unverifiable := map[string]string{}
	var refs []unionsv1.ObjectReference
	seen := map[string]bool{}
	for _, g := range c.Spec.Goals {
		if g.Completion == nil {
			continue
		}
		ref := g.Completion.ObjectRef
		if !goals.Verifiable(ref, members) {
			unverifiable[g.Name] = goals.ReasonNotAMemberNamespace
			continue
		}
		if key := goals.Key(ref); !seen[key] {
			seen[key] = true
			refs = append(refs, ref)
		}
	}
	if !sc.live() || len(refs) == 0 || k.goals == nil {
		if k.goals != nil {
			k.goals.Release(c.Name)
		}
		c.Status.Goals = goals.Evaluate(c.Spec.Goals, c.Status.Goals, nil, unverifiable, sc.Now)
		meta.RemoveStatusCondition(conds, ConditionGoalsTracked)
		k.dissolveIfMet(sc)
		return nil
	}

	tracking, err := k.goals.Track(ctx, c.Name, refs, sc.Now)
	if err != nil {
		return err
	}
	met := map[string]bool{}
	reason := ""
	var problems []string
	for _, g := range c.Spec.Goals {
		if g.Completion == nil || unverifiable[g.Name] != "" {
			continue
		}
		t := tracking[goals.Key(g.Completion.ObjectRef)]
		if t.Reason != "" {
			if reason == "" {
				reason = t.Reason
			}
			problems = append(problems, fmt.Sprintf("goal %s: %s", g.Name, t.Message))
			sc.requeueAt(t.RecheckAt)
			continue
		}
		if t.Object != nil && goals.ConditionTrue(t.Object.Object, g.Completion.ConditionType) {
			met[g.Name] = true
		}
	}
	c.Status.Goals = goals.Evaluate(c.Spec.Goals, c.Status.Goals, met, unverifiable, sc.Now)

	now := metav1.NewTime(sc.Now)
	if reason != "" {
		conditions.Mark(conds, c.Generation, now, ConditionGoalsTracked, false, reason, strings.Join(problems, "; "))
	} else {
		conditions.Mark(conds, c.Generation, now, ConditionGoalsTracked, true, ReasonWatching,
			fmt.Sprintf("watching the objects of %d goals; %d of %d goals met", len(refs), goals.Count(c.Status.Goals), len(c.Status.Goals)))
	}
	k.dissolveIfMet(sc)
	return nil
}

// activeNamespaces are the namespaces of the badged Memberships.
func activeNamespaces(ms []unionsv1.Membership) map[string]bool {
	out := map[string]bool{}
	for _, m := range ms {
		if m.Badged() {
			out[m.Namespace] = true
		}
	}
	return out
}

// dissolveIfMet dissolves a live coalition that asked to dissolve once every
// goal is met, when every goal is.
func (k Kind) dissolveIfMet(sc *scope) {
	c := sc.coalition
	if sc.live() && c.Spec.DissolveWhenGoalsMet && goals.AllMet(c.Status.Goals) {
		sc.dissolved = true
		if k.goals != nil {
			k.goals.Release(c.Name)
		}
		meta.RemoveStatusCondition(&c.Status.Conditions, ConditionGoalsTracked)
	}
}
