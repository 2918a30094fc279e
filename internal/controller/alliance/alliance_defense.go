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

package alliance

import (
	"context"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/agentobjects"
	"github.com/kos-dev/union-operator/internal/conditions"
	"github.com/kos-dev/union-operator/internal/defense"
)

// Reasons of the Disrupted condition.
const (
	ReasonAvailable        = "Available"
	ReasonUnavailable      = "Unavailable"
	ReasonReservesCalledUp = "ReservesCalledUp"
)

// holderOf names an alliance as the holder of the reserves it scales.
func holderOf(a *unionsv1.Alliance) string { return unionsv1.Reference(a).LabelValue() }

type workloadKey struct{ namespace, kind, name string }

// defenseScope is what reactive defence observed.
type defenseScope struct {
	// down are the member agents below their desired availability.
	down []defense.Agent
	// byAgent is a workload of each member agent, to address Events to.
	byAgent map[defense.Agent]agentobjects.Object
	// reserves are the volunteered reserves and those the alliance still
	// has to restore; objects holds their workloads.
	reserves []defense.Reserve
	objects  map[workloadKey]agentobjects.Object
}

// defend runs reactive defence: it tracks the member agent workloads below
// their desired availability, calls up the reserves other members
// volunteered for those down for unavailableFor, and restores every reserve
// the alliance scaled once nothing calls it up any more. It returns the next
// instant a disruption falls due.
func (k Kind) defend(ctx context.Context, a *unionsv1.Alliance, members []member, now time.Time) (time.Time, error) {
	holder := holderOf(a)
	var terms *unionsv1.ReactiveDefense
	if a.Spec.Defense != nil {
		terms = a.Spec.Defense.Reactive
	}
	s := &defenseScope{byAgent: map[defense.Agent]agentobjects.Object{}, objects: map[workloadKey]agentobjects.Object{}}
	if terms != nil {
		s.observeMembers(ctx, members, holder)
	}
	if err := k.observeHeldReserves(ctx, s, holder); err != nil {
		return time.Time{}, err
	}

	var tracked defense.Tracked
	if terms != nil {
		tracked = defense.Track(a.Status.Disruptions, s.down, now, terms.UnavailableFor.Duration)
	}
	for _, step := range defense.Plan(s.reserves, tracked.Due) {
		if err := writeReserve(ctx, k.Client, k.Recorder, s.objects[workloadKey{step.Namespace, step.Kind, step.Name}], step, holder); err != nil {
			return time.Time{}, err
		}
	}
	k.announce(a, tracked, s.byAgent, terms)

	st := &a.Status
	called := 0
	for _, r := range s.reserves {
		if defense.Called(r, tracked.Due) {
			called++
		}
	}
	due := map[defense.Agent]bool{}
	for _, d := range tracked.Due {
		due[d] = true
	}
	for i := range tracked.Disruptions {
		d := &tracked.Disruptions[i]
		if agent := (defense.Agent{Namespace: d.Namespace, Agent: d.Agent}); due[agent] {
			d.ReservesScaled = defense.ReservesFor(s.reserves, agent)
		}
	}
	st.Disruptions = tracked.Disruptions
	if terms == nil {
		meta.RemoveStatusCondition(&st.Conditions, unionsv1.ConditionDisrupted)
		return time.Time{}, nil
	}
	status, reason, message := disruptedSummary(tracked, terms.UnavailableFor.Duration, called)
	conditions.Mark(&st.Conditions, a.Generation, metav1.NewTime(now), unionsv1.ConditionDisrupted, status, reason, message)
	return tracked.Next, nil
}

// observeMembers gathers, from the members' workloads, the member agents
// down and the reserves volunteered.
func (s *defenseScope) observeMembers(ctx context.Context, members []member, holder string) {
	for _, m := range members {
		volunteered := volunteeredSelector(ctx, m.membership)
		for _, o := range m.objects {
			if !o.Scalable() {
				continue
			}
			prior, heldByOther := defense.Recorded(o.Object.GetAnnotations(), holder)
			desired, available := o.Replicas()
			if m.badged(o) {
				agent := defense.Agent{Namespace: m.namespace(), Agent: o.Agent()}
				if _, ok := s.byAgent[agent]; !ok {
					s.byAgent[agent] = o
				}
				if prior != nil {
					desired = *prior // a reserve the alliance scaled is judged by its own count
				}
				if defense.Unavailable(desired, available) {
					s.down = append(s.down, agent)
					s.byAgent[agent] = o
				}
			}
			if volunteered != nil && !heldByOther && volunteered.Matches(labels.Set(o.Object.GetLabels())) {
				key := workloadKey{m.namespace(), o.Kind(), o.Object.GetName()}
				s.objects[key] = o
				s.reserves = append(s.reserves, defense.Reserve{Namespace: key.namespace, Kind: key.kind, Name: key.name,
					Replicas: o.Desired(), Prior: prior, MaxScaleBy: m.membership.Spec.Reserves.MaxScaleBy})
			}
		}
	}
}

// observeHeldReserves adds the reserves the alliance scaled that nothing
// volunteers any more (the member left or changed its selector, or the
// alliance dropped reactive defence): found by their record, to be restored.
func (k Kind) observeHeldReserves(ctx context.Context, s *defenseScope, holder string) error {
	held, err := k.heldReserves(ctx, holder)
	if err != nil {
		return err
	}
	for _, key := range held {
		if _, ok := s.objects[key]; ok {
			continue
		}
		o, err := agentobjects.ReadWorkload(ctx, k.APIReader, key.kind, key.namespace, key.name)
		if err != nil {
			return err
		}
		if o == nil {
			continue
		}
		if prior, _ := defense.Recorded(o.Object.GetAnnotations(), holder); prior != nil {
			s.objects[key] = *o
			s.reserves = append(s.reserves, defense.Reserve{Namespace: key.namespace, Kind: key.kind, Name: key.name,
				Replicas: o.Desired(), Prior: prior})
		}
	}
	return nil
}

// volunteeredSelector is the selector of a member's volunteered reserves
// (nil when it volunteers none or the selector is invalid).
func volunteeredSelector(ctx context.Context, m *unionsv1.Membership) labels.Selector {
	if m.Spec.Reserves == nil {
		return nil
	}
	sel, err := metav1.LabelSelectorAsSelector(&m.Spec.Reserves.Selector)
	if err != nil {
		ctrl.LoggerFrom(ctx).Info("Ignoring reserves with an invalid selector", "membership", client.ObjectKeyFromObject(m), "error", err.Error())
		return nil
	}
	return sel
}

// announce emits Events on the disrupted workloads: when one is first seen
// down, and when it recovers.
func (k Kind) announce(a *unionsv1.Alliance, tracked defense.Tracked, byAgent map[defense.Agent]agentobjects.Object, terms *unionsv1.ReactiveDefense) {
	now := map[defense.Agent]bool{}
	for _, d := range tracked.Disruptions {
		agent := defense.Agent{Namespace: d.Namespace, Agent: d.Agent}
		now[agent] = true
		if o, ok := byAgent[agent]; ok && defense.IsNew(a.Status.Disruptions, agent) {
			k.Recorder.Eventf(o.Object, nil, corev1.EventTypeWarning, "AgentUnavailable", "Defend",
				"Below its desired availability since %s; alliance %s calls up allies' reserves if it stays down for %s",
				d.Since.UTC().Format(time.RFC3339), a.Name, terms.UnavailableFor.Duration)
		}
	}
	for _, d := range a.Status.Disruptions {
		agent := defense.Agent{Namespace: d.Namespace, Agent: d.Agent}
		if o, ok := byAgent[agent]; ok && !now[agent] {
			k.Recorder.Eventf(o.Object, nil, corev1.EventTypeNormal, "AgentRecovered", "Defend",
				"Back at its desired availability; alliance %s stands its reserves down", a.Name)
		}
	}
}

// disruptedSummary is the Disrupted condition for the tracked disruptions.
func disruptedSummary(t defense.Tracked, unavailableFor time.Duration, called int) (bool, string, string) {
	if len(t.Disruptions) == 0 {
		return false, ReasonAvailable, "no member agent is below its desired availability"
	}
	var names []string
	for _, d := range t.Disruptions[:min(len(t.Disruptions), 3)] {
		names = append(names, fmt.Sprintf("%s/%s since %s", d.Namespace, d.Agent, d.Since.UTC().Format(time.RFC3339)))
	}
	list := strings.Join(names, ", ")
	if more := len(t.Disruptions) - len(names); more > 0 {
		list += fmt.Sprintf(" and %d more", more)
	}
	if len(t.Due) == 0 {
		return true, ReasonUnavailable, fmt.Sprintf("%d member agents below their desired availability (%s); allies' reserves are called up at %s",
			len(t.Disruptions), list, t.Next.UTC().Format(time.RFC3339))
	}
	return true, ReasonReservesCalledUp, fmt.Sprintf("%d member agents below their desired availability (%s), %d for at least %s; %d reserves called up",
		len(t.Disruptions), list, len(t.Due), unavailableFor, called)
}
