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

	unionsDesc       = desc("unions", "Unions by kind and phase.", "kind", "phase")
	membersDesc      = desc("union_members", "Active members, by union kind.", "kind")
	agentsDesc       = desc("badged_agents", "Badged agents of Active members, by union kind.", "kind")
	membershipsDesc  = desc("memberships", "Memberships by standing.", "standing")
	treatiesDesc     = desc("exit_treaties", "ExitTreaties by phase.", "phase")
	proposalsDesc    = desc("proposals", "Proposals by phase.", "phase")
	ballotsDesc      = desc("ballots", "Ballots by whether they count.", "counted")
	disruptionsDesc  = desc("disruptions", "Member agent workloads below their desired availability, by alliance.", "alliance")
	nonCompliantDesc = desc("noncompliant_agents", "Member agents failing a standard, by alliance.", "alliance")
)

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(prometheus.BuildFQName(namespace, "", name), help, labels, nil)
}

// Register adds the operator's metrics to controller-runtime's registry,
// served on the manager's metrics endpoint.
func Register(reader client.Reader) {
	ctrlmetrics.Registry.MustRegister(Expiries, BadgeWrites, &collector{reader: reader})
}

// collector computes gauges from the cache when scraped.
type collector struct{ reader client.Reader }

func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{unionsDesc, membersDesc, agentsDesc, membershipsDesc, treatiesDesc, proposalsDesc, ballotsDesc, disruptionsDesc, nonCompliantDesc} {
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
			gauge(nonCompliantDesc, float64(u.Status.NonCompliantAgents), u.Name)
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
		}
		emitUnions(gauge, unionsv1.KindFederation, phases, members, agents)
	}
	var memberships unionsv1.MembershipList
	if c.reader.List(ctx, &memberships) == nil {
		by := count{}
		for _, m := range memberships.Items {
			by[known(string(m.Status.Standing))]++
		}
		emit(gauge, membershipsDesc, by)
	}
	var treaties unionsv1.ExitTreatyList
	if c.reader.List(ctx, &treaties) == nil {
		by := count{}
		for _, t := range treaties.Items {
			by[known(string(t.Status.Phase))]++
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
