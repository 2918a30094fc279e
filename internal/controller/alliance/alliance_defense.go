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
	"k8s.io/apimachinery/pkg/types"
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

// ReservesFinalizer holds a deleted alliance until it has given back what
// it added to the reserves it raised.
const ReservesFinalizer = "unions.kos.dev/reserves"

// Finalizer implements union.Finalizing.
func (Kind) Finalizer() string { return ReservesFinalizer }

// Holds implements union.Finalizing: the alliance holds the reserves it
// raised and has not given back.
func (Kind) Holds(a *unionsv1.Alliance) bool { return len(a.Status.Reserves) > 0 }

// Finalize implements union.Finalizing: a deleted alliance gives back what
// it added to every reserve still at its count (one whose owner changed the
// count since keeps the owner's).
func (k Kind) Finalize(ctx context.Context, a *unionsv1.Alliance) (bool, error) {
	s := &defenseScope{objects: map[workloadKey]agentobjects.Object{}}
	if err := k.observeRecordedReserves(ctx, s, a.Status.Reserves); err != nil {
		return false, err
	}
	steps, _ := defense.Plan(s.reserves, nil)
	for _, step := range steps {
		if err := scaleReserve(ctx, k.Client, k.Recorder, s.objects[workloadKey{step.Namespace, step.Kind, step.Name}], step, a); err != nil {
			return false, err
		}
	}
	return true, nil
}

type workloadKey struct{ namespace, kind, name string }

// defenseScope is what reactive defence observed.
type defenseScope struct {
	// down are the member agents below their desired availability.
	down []defense.Agent
	// byAgent is a workload of each member agent, to address Events to.
	byAgent map[defense.Agent]agentobjects.Object
	// reserves are the volunteered reserves and those the alliance still
	// has to give back; objects holds their workloads.
	reserves []defense.Reserve
	objects  map[workloadKey]agentobjects.Object
}

// defend runs reactive defence: it tracks the member agent workloads below
// their desired availability, calls up the reserves other members
// volunteered for those down for unavailableFor, and gives back what it
// added to every reserve once nothing calls it up any more (see
// defense.Plan). Its record of what it raised is its own status, which no
// tenant can forge. It returns the next instant a disruption falls due.
func (k Kind) defend(ctx context.Context, a *unionsv1.Alliance, members []member, now time.Time) (time.Time, error) {
	var terms *unionsv1.ReactiveDefense
	if a.Spec.Defense != nil {
		terms = a.Spec.Defense.Reactive
	}
	s := &defenseScope{byAgent: map[defense.Agent]agentobjects.Object{}, objects: map[workloadKey]agentobjects.Object{}}
	if terms != nil {
		elsewhere, err := k.raisedElsewhere(ctx, a)
		if err != nil {
			return time.Time{}, err
		}
		s.observeMembers(ctx, members, a.Status.Reserves, elsewhere)
	}
	if err := k.observeRecordedReserves(ctx, s, a.Status.Reserves); err != nil {
		return time.Time{}, err
	}

	var tracked defense.Tracked
	if terms != nil {
		tracked = defense.Track(a.Status.Disruptions, s.down, now, terms.UnavailableFor.Duration)
	}
	steps, records := defense.Plan(s.reserves, tracked.Due)
	for _, step := range steps {
		if err := scaleReserve(ctx, k.Client, k.Recorder, s.objects[workloadKey{step.Namespace, step.Kind, step.Name}], step, a); err != nil {
			return time.Time{}, err
		}
	}
	k.announce(a, tracked, s.byAgent, terms)

	st := &a.Status
	st.Reserves = records
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
// down and the reserves volunteered; a reserve another alliance has raised
// is that alliance's until it gives it back.
func (s *defenseScope) observeMembers(ctx context.Context, members []member, records []unionsv1.ReserveRecord, elsewhere map[types.UID]bool) {
	for _, m := range members {
		terms := m.membership.TermsInForce()
		volunteered := volunteeredSelector(ctx, m.membership, terms.Reserves)
		for _, o := range m.objects {
			if !o.Scalable() {
				continue
			}
			rec := defense.RecordOf(records, m.namespace(), o.Kind(), o.Object.GetName())
			desired, available := o.Replicas()
			if m.isMember(o) {
				agent := defense.Agent{Namespace: m.namespace(), Agent: o.Agent()}
				if _, ok := s.byAgent[agent]; !ok {
					s.byAgent[agent] = o
				}
				if rec != nil && rec.UID == o.Object.GetUID() {
					desired = rec.OwnerReplicas // a reserve the alliance raised is judged by its owner's count
				}
				if defense.Unavailable(desired, available) {
					s.down = append(s.down, agent)
					s.byAgent[agent] = o
				}
			}
			if volunteered != nil && !elsewhere[o.Object.GetUID()] && volunteered.Matches(labels.Set(o.Object.GetLabels())) {
				key := workloadKey{m.namespace(), o.Kind(), o.Object.GetName()}
				s.objects[key] = o
				s.reserves = append(s.reserves, defense.Reserve{Namespace: key.namespace, Kind: key.kind, Name: key.name,
					UID: o.Object.GetUID(), Replicas: o.Desired(), MaxScaleBy: terms.Reserves.MaxScaleBy, Record: rec})
			}
		}
	}
}

// observeRecordedReserves adds the reserves the alliance raised that no
// Active member volunteers any more (the member left or changed its
// selector, or the alliance dropped reactive defence): found by the
// alliance's record, read in full, to give back what it added.
func (k Kind) observeRecordedReserves(ctx context.Context, s *defenseScope, records []unionsv1.ReserveRecord) error {
	for i := range records {
		rec := &records[i]
		key := workloadKey{rec.Namespace, rec.Kind, rec.Name}
		if _, ok := s.objects[key]; ok {
			continue
		}
		o, err := agentobjects.ReadWorkload(ctx, k.APIReader, rec.Kind, rec.Namespace, rec.Name)
		if err != nil {
			return err
		}
		if o == nil {
			continue // gone: the record goes with it
		}
		s.objects[key] = *o
		s.reserves = append(s.reserves, defense.Reserve{Namespace: rec.Namespace, Kind: rec.Kind, Name: rec.Name,
			UID: o.Object.GetUID(), Replicas: o.Desired(), Record: rec})
	}
	return nil
}

// raisedElsewhere are the reserves other alliances have raised, by UID.
func (k Kind) raisedElsewhere(ctx context.Context, a *unionsv1.Alliance) (map[types.UID]bool, error) {
	var list unionsv1.AllianceList
	if err := k.Client.List(ctx, &list); err != nil {
		return nil, err
	}
	out := map[types.UID]bool{}
	for _, other := range list.Items {
		if other.UID == a.UID {
			continue
		}
		for _, r := range other.Status.Reserves {
			out[r.UID] = true
		}
	}
	return out, nil
}

// volunteeredSelector is the selector of a member's volunteered reserves
// (nil when it volunteers none or the selector is invalid).
func volunteeredSelector(ctx context.Context, m *unionsv1.Membership, reserves *unionsv1.Reserves) labels.Selector {
	if reserves == nil {
		return nil
	}
	sel, err := metav1.LabelSelectorAsSelector(&reserves.Selector)
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
