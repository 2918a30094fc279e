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

// Package metrics exposes union-operator's own Prometheus metrics beside
// controller-runtime's: gauges computed from the cache at scrape time (so
// they can never drift from the objects) and counters of events that leave no
// object behind (expiries, badge writes).
package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

const namespace = "union_operator"

var (
	// Expiries counts coalitions that reached their deadline.
	Expiries = prometheus.NewCounter(prometheus.CounterOpts{
		Namespace: namespace, Name: "coalition_expiries_total",
		Help: "Coalitions that reached their deadline.",
	})
	// BadgeWrites counts badge writes by object kind.
	BadgeWrites = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "badge_writes_total",
		Help: "Server-side applies of badge labels, by object kind.",
	}, []string{"kind"})
	// BadgeWriteErrors counts badge writes the API server refused or that
	// failed, by object kind (a label another manager holds is not one).
	BadgeWriteErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "badge_write_errors_total",
		Help: "Badge writes that failed, by object kind.",
	}, []string{"kind"})

	unionsDesc       = desc("unions", "Unions by kind and phase.", "kind", "phase")
	membersDesc      = desc("union_members", "Active members, by union kind.", "kind")
	agentsDesc       = desc("badged_agents", "Badged agents of Active members, by union kind.", "kind")
	membershipsDesc  = desc("memberships", "Memberships by standing.", "standing")
	treatiesDesc     = desc("exit_treaties", "ExitTreaties by phase.", "phase")
	proposalsDesc    = desc("proposals", "Proposals by phase.", "phase")
	ballotsDesc      = desc("ballots", "Ballots by whether they count.", "counted")
	disruptionsDesc  = desc("disruptions", "Member agent workloads below their desired availability, by alliance.", "alliance")
	nonCompliantDesc = desc("noncompliant_agents", "Member agents failing a standard, by alliance or federation.", "kind", "name")

	// Per object, in the style of cert-manager's certificate metrics.
	readyDesc = desc("ready_status", "The Ready condition of each union, Membership and ExitTreaty: 1 for its status, 0 for the others.",
		"kind", "namespace", "name", "condition")
	stalledDesc = desc("stalled", "Objects whose Stalled condition is True, by reason: 1 while stalled (a spec the operator cannot act on).",
		"kind", "namespace", "name", "reason")
	phaseDesc    = desc("union_phase", "The phase of each union: 1 for its phase.", "kind", "name", "phase")
	standingDesc = desc("membership_standing", "The standing of each Membership: 1 for its standing.",
		"namespace", "name", "union_kind", "union", "standing")
	expirationDesc = desc("coalition_expiration_timestamp_seconds", "The deadline of each coalition, in seconds since the epoch.", "name")
)

// conditionStatuses are the values of a condition's status, in order.
var conditionStatuses = []metav1.ConditionStatus{metav1.ConditionTrue, metav1.ConditionFalse, metav1.ConditionUnknown}

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(prometheus.BuildFQName(namespace, "", name), help, labels, nil)
}

// Register adds the operator's metrics to controller-runtime's registry,
// served on the manager's metrics endpoint.
func Register(reader client.Reader) {
	ctrlmetrics.Registry.MustRegister(Expiries, BadgeWrites, BadgeWriteErrors, &collector{reader: reader})
}

// collector computes gauges from the cache when scraped.
type collector struct{ reader client.Reader }

func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{unionsDesc, membersDesc, agentsDesc, membershipsDesc, treatiesDesc, proposalsDesc, ballotsDesc,
		disruptionsDesc, nonCompliantDesc, readyDesc, stalledDesc, phaseDesc, standingDesc, expirationDesc} {
		ch <- d
	}
}

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	type count map[string]float64

	var coalitions unionsv1.CoalitionList
	if c.reader.List(ctx, &coalitions) == nil {
		phases, members, agents := count{}, 0.0, 0.0
		for _, u := range coalitions.Items {
			phases[known(string(u.Status.Phase))]++
			members += float64(u.Status.MemberCount)
			agents += float64(u.Status.AgentCount)
			emitObject(gauge, string(unionsv1.KindCoalition), &u, u.Status.Conditions)
			gauge(phaseDesc, 1, string(unionsv1.KindCoalition), u.Name, known(string(u.Status.Phase)))
			if u.Status.ExpiresAt != nil {
				gauge(expirationDesc, float64(u.Status.ExpiresAt.Unix()), u.Name)
			}
		}
		emitUnions(gauge, unionsv1.KindCoalition, phases, members, agents)
	}
	var alliances unionsv1.AllianceList
	if c.reader.List(ctx, &alliances) == nil {
		phases, members, agents := count{}, 0.0, 0.0
		for _, u := range alliances.Items {
			phases[known(string(u.Status.Phase))]++
			members += float64(u.Status.MemberCount)
			agents += float64(u.Status.AgentCount)
			gauge(disruptionsDesc, float64(len(u.Status.Disruptions)), u.Name)
			gauge(nonCompliantDesc, float64(u.Status.NonCompliantAgents), string(unionsv1.KindAlliance), u.Name)
			emitObject(gauge, string(unionsv1.KindAlliance), &u, u.Status.Conditions)
			gauge(phaseDesc, 1, string(unionsv1.KindAlliance), u.Name, known(string(u.Status.Phase)))
		}
		emitUnions(gauge, unionsv1.KindAlliance, phases, members, agents)
	}
	var federations unionsv1.FederationList
	if c.reader.List(ctx, &federations) == nil {
		phases, members, agents := count{}, 0.0, 0.0
		for _, u := range federations.Items {
			phases[known(string(u.Status.Phase))]++
			members += float64(u.Status.MemberCount)
			agents += float64(u.Status.AgentCount)
			if u.Status.Consensus != nil {
				gauge(nonCompliantDesc, float64(u.Status.Consensus.NonCompliantAgents), string(unionsv1.KindFederation), u.Name)
			}
			emitObject(gauge, string(unionsv1.KindFederation), &u, u.Status.Conditions)
			gauge(phaseDesc, 1, string(unionsv1.KindFederation), u.Name, known(string(u.Status.Phase)))
		}
		emitUnions(gauge, unionsv1.KindFederation, phases, members, agents)
	}
	var memberships unionsv1.MembershipList
	if c.reader.List(ctx, &memberships) == nil {
		by := count{}
		for _, m := range memberships.Items {
			by[known(string(m.Status.Standing))]++
			emitObject(gauge, "Membership", &m, m.Status.Conditions)
			gauge(standingDesc, 1, m.Namespace, m.Name, string(m.Spec.Union.Kind), m.Spec.Union.Name, known(string(m.Status.Standing)))
		}
		emit(gauge, membershipsDesc, by)
	}
	var treaties unionsv1.ExitTreatyList
	if c.reader.List(ctx, &treaties) == nil {
		by := count{}
		for _, t := range treaties.Items {
			by[known(string(t.Status.Phase))]++
			emitObject(gauge, "ExitTreaty", &t, t.Status.Conditions)
		}
		emit(gauge, treatiesDesc, by)
	}
	var proposals unionsv1.ProposalList
	if c.reader.List(ctx, &proposals) == nil {
		by := count{}
		for _, p := range proposals.Items {
			by[known(string(p.Status.Phase))]++
		}
		emit(gauge, proposalsDesc, by)
	}
	var ballots unionsv1.BallotList
	if c.reader.List(ctx, &ballots) == nil {
		by := count{"true": 0, "false": 0}
		for _, b := range ballots.Items {
			if b.Status.Counted {
				by["true"]++
			} else {
				by["false"]++
			}
		}
		emit(gauge, ballotsDesc, by)
	}
}

func emitUnions(gauge func(*prometheus.Desc, float64, ...string), kind unionsv1.UnionKind, phases map[string]float64, members, agents float64) {
	for phase, n := range phases {
		gauge(unionsDesc, n, string(kind), phase)
	}
	gauge(membersDesc, members, string(kind))
	gauge(agentsDesc, agents, string(kind))
}

// emitObject emits an object's Ready status, and its stall while it lasts.
// An object not reconciled yet has Ready Unknown.
func emitObject(gauge func(*prometheus.Desc, float64, ...string), kind string, o metav1.Object, conds []metav1.Condition) {
	ready := metav1.ConditionUnknown
	if c := meta.FindStatusCondition(conds, unionsv1.ConditionReady); c != nil {
		ready = c.Status
	}
	for _, s := range conditionStatuses {
		v := 0.0
		if s == ready {
			v = 1
		}
		gauge(readyDesc, v, kind, o.GetNamespace(), o.GetName(), string(s))
	}
	if c := meta.FindStatusCondition(conds, unionsv1.ConditionStalled); c != nil && c.Status == metav1.ConditionTrue {
		gauge(stalledDesc, 1, kind, o.GetNamespace(), o.GetName(), c.Reason)
	}
}

func emit(gauge func(*prometheus.Desc, float64, ...string), d *prometheus.Desc, by map[string]float64) {
	for label, n := range by {
		gauge(d, n, label)
	}
}

// known names the state of an object the operator has not reconciled yet.
func known(state string) string {
	if state == "" {
		return "Unknown"
	}
	return state
}
