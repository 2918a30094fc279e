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

package integration

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

// badCreate is a manifest the API server must refuse to create, and the part
// of its error message a user sees. Manifests omit apiVersion (always
// unions.kos.dev/v1alpha1) and, unless the name is the point, metadata.
type badCreate struct {
	name     string
	manifest string
	want     string
}

// badUpdate is an object the API server accepts as first filed (before),
// optionally given a status through the status subresource, followed by a
// change (a JSON merge patch, in YAML) the API server must refuse.
type badUpdate struct {
	name   string
	before string
	status string
	change string
	want   string
}

// Messages shared by several entries.
const (
	msgUnionName  = "union names must be DNS labels of at most 63 characters"
	msgDNSLabel   = "should match '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'"
	msgDuration   = "must be a duration such as 30s, 15m or 72h"
	msgExactlyOne = "exactly one of duration or expiresAt must be set"
	msgPDB        = "exactly one of minAvailable or maxUnavailable must be set"
	msgImmutable  = "the terms of an ExitTreaty are immutable once it is cooling off"
)

// long returns a string of n copies of c.
func long(c string, n int) string { return strings.Repeat(c, n) }

// yamlList returns a YAML flow list of n items made by format (with %d).
func yamlList(n int, format string) string {
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf(format, i)
	}
	return "[" + strings.Join(items, ", ") + "]"
}

var badCreates = []badCreate{
	// Coalition
	{"Coalition admitting child federations", `
kind: Coalition
spec:
  duration: 72h
  admission: {federations: [river-towns]}
`, "spec.admission.federations: Invalid value: only a federation admits child federations"},
	{"Coalition with a name longer than 63 characters", `
kind: Coalition
metadata: {name: ` + long("a", 64) + `}
spec: {duration: 72h}
`, "metadata: Invalid value: " + msgUnionName},
	{"Coalition whose name is not a DNS label", `
kind: Coalition
metadata: {name: war.room}
spec: {duration: 72h}
`, "metadata: Invalid value: " + msgUnionName},
	{"Coalition without a spec", `
kind: Coalition
`, "spec: Required value"},
	{"Coalition with both duration and expiresAt", `
kind: Coalition
spec:
  duration: 72h
  expiresAt: "2030-01-01T00:00:00Z"
`, msgExactlyOne},
	{"Coalition with neither duration nor expiresAt", `
kind: Coalition
spec:
  purpose: find the root cause
`, msgExactlyOne},
	{"Coalition with a zero duration", `
kind: Coalition
spec: {duration: 0s}
`, "duration must be positive"},
	{"Coalition with a negative duration", `
kind: Coalition
spec: {duration: -1h}
`, "duration must be positive"},
	{"Coalition with an unparseable duration", `
kind: Coalition
spec: {duration: soon}
`, "duration " + msgDuration},
	{"Coalition with an expiresAt that is not a timestamp", `
kind: Coalition
spec: {expiresAt: tomorrow}
`, "must be of type date-time"},
	{"Coalition with an unknown onExpiry", `
kind: Coalition
spec: {duration: 72h, onExpiry: Explode}
`, `Unsupported value: "Explode"`},
	{"Coalition with an unknown council selection", `
kind: Coalition
spec:
  duration: 72h
  council: {term: 24h, selection: Lottery}
`, `Unsupported value: "Lottery"`},
	{"Coalition with a council term under a minute", `
kind: Coalition
spec:
  duration: 72h
  council: {term: 30s}
`, "term must be at least 1m"},
	{"Coalition with an unparseable council term", `
kind: Coalition
spec:
  duration: 72h
  council: {term: daily}
`, "term " + msgDuration},
	{"Coalition with a council without a term", `
kind: Coalition
spec:
  duration: 72h
  council: {seats: 2}
`, "spec.council.term: Required value"},
	{"Coalition with a council of zero seats", `
kind: Coalition
spec:
  duration: 72h
  council: {seats: 0, term: 24h}
`, "should be greater than or equal to 1"},
	{"Coalition with a council of more than 16 seats", `
kind: Coalition
spec:
  duration: 72h
  council: {seats: 17, term: 24h}
`, "should be less than or equal to 16"},
	{"Coalition with a goal name that is not a DNS label", `
kind: Coalition
spec:
  duration: 72h
  goals: [{name: Root_Cause}]
`, msgDNSLabel},
	{"Coalition with two goals of the same name", `
kind: Coalition
spec:
  duration: 72h
  goals: [{name: rca}, {name: rca}]
`, "Duplicate value"},
	{"Coalition with an unparseable separation coolOff", `
kind: Coalition
spec:
  duration: 72h
  separation: {coolOff: a while}
`, "coolOff " + msgDuration},
	{"Coalition with a purpose longer than 1024 characters", `
kind: Coalition
spec:
  duration: 72h
  purpose: ` + long("x", 1025) + `
`, "Too long: may not be more than 1024"},

	// Alliance
	{"Alliance admitting child federations", `
kind: Alliance
spec:
  admission: {federations: [river-towns]}
`, "spec.admission.federations: Invalid value: only a federation admits child federations"},
	{"Alliance with a name longer than 63 characters", `
kind: Alliance
metadata: {name: ` + long("b", 64) + `}
spec: {}
`, "metadata: Invalid value: " + msgUnionName},
	{"Alliance whose name is not a DNS label", `
kind: Alliance
metadata: {name: blue.pact}
spec: {}
`, "metadata: Invalid value: " + msgUnionName},
	{"Alliance with an unknown admission policy", `
kind: Alliance
spec:
  admission: {policy: Closed}
`, `Unsupported value: "Closed"`},
	{"Alliance inviting a namespace that is not a DNS label", `
kind: Alliance
spec:
  admission: {namespaces: [Team_A]}
`, msgDNSLabel},
	{"Alliance with more than 16 mediators", `
kind: Alliance
spec:
  separation: {mediators: ` + yamlList(17, "ns-%d") + `}
`, "Too many: 17: must have at most 16 items"},
	{"Alliance with a negative reintegrationAfter", `
kind: Alliance
spec:
  separation: {reintegrationAfter: -1h}
`, "reintegrationAfter must not be negative"},
	{"Alliance with an unparseable reintegrationAfter", `
kind: Alliance
spec:
  separation: {reintegrationAfter: next week}
`, "reintegrationAfter " + msgDuration},
	{"Alliance with an unknown bridge mode", `
kind: Alliance
spec:
  bridge: {mode: Star}
`, `Unsupported value: "Star"`},
	{"Alliance with a Hub bridge and no interop selector", `
kind: Alliance
spec:
  bridge: {mode: Hub}
`, "a Hub bridge needs an interop selector"},
	{"Alliance with both minAvailable and maxUnavailable", `
kind: Alliance
spec:
  defense:
    preemptive: {minAvailable: 1, maxUnavailable: "50%"}
`, msgPDB},
	{"Alliance with neither minAvailable nor maxUnavailable", `
kind: Alliance
spec:
  defense:
    preemptive: {}
`, msgPDB},
	{"Alliance with a negative minAvailable", `
kind: Alliance
spec:
  defense:
    preemptive: {minAvailable: -1}
`, "minAvailable must be a non-negative number or a percentage from 0% to 100%"},
	{"Alliance with a maxUnavailable over 100%", `
kind: Alliance
spec:
  defense:
    preemptive: {maxUnavailable: "150%"}
`, "maxUnavailable must be a non-negative number or a percentage from 0% to 100%"},
	{"Alliance with a negative unavailableFor", `
kind: Alliance
spec:
  defense:
    reactive: {unavailableFor: -30s}
`, "unavailableFor must not be negative"},
	{"Alliance with an unparseable unavailableFor", `
kind: Alliance
spec:
  defense:
    reactive: {unavailableFor: briefly}
`, "unavailableFor " + msgDuration},
	{"Alliance with reactive defense without unavailableFor", `
kind: Alliance
spec:
  defense:
    reactive: {}
`, "spec.defense.reactive.unavailableFor: Required value"},
	{"Alliance with an unknown standard action", `
kind: Alliance
spec:
  standards:
  - {name: limits, expression: "true", action: Block}
`, `Unsupported value: "Block"`},
	{"Alliance with a standard without an expression", `
kind: Alliance
spec:
  standards:
  - {name: limits}
`, "spec.standards[0].expression: Required value"},
	{"Alliance with a description longer than 1024 characters", `
kind: Alliance
spec:
  description: ` + long("x", 1025) + `
`, "Too long: may not be more than 1024"},

	// Federation
	{"Federation with a name longer than 63 characters", `
kind: Federation
metadata: {name: ` + long("c", 64) + `}
spec: {}
`, "metadata: Invalid value: " + msgUnionName},
	{"Federation whose name is not a DNS label", `
kind: Federation
metadata: {name: northern.league}
spec: {}
`, "metadata: Invalid value: " + msgUnionName},
	{"Federation naming itself as parent", `
kind: Federation
metadata: {name: northern-league}
spec: {parent: northern-league}
`, "spec.parent: Invalid value: a federation cannot be its own parent"},
	{"Federation with a parent that is not a DNS label", `
kind: Federation
spec: {parent: Northern_League}
`, msgDNSLabel},
	{"Federation admitting more than 32 child federations", `
kind: Federation
spec:
  admission:
    federations: ` + yamlList(33, "town-%d") + `
`, "spec.admission.federations: Too many: 33: must have at most 32 items"},
	{"Federation admitting a child that is not a DNS label", `
kind: Federation
spec:
  admission: {federations: [River_Towns]}
`, msgDNSLabel},
	{"Federation with a quorum without a percent sign", `
kind: Federation
spec:
  governance: {quorum: "50"}
`, "should match '^(100|[1-9]?[0-9])%$'"},
	{"Federation with a threshold over 100%", `
kind: Federation
spec:
  governance: {threshold: "101%"}
`, "should match '^(100|[1-9]?[0-9])%$'"},
	{"Federation with an unknown strata", `
kind: Federation
spec:
  governance: {strata: Mixed}
`, `Unsupported value: "Mixed"`},
	{"Federation with a zero votingPeriod", `
kind: Federation
spec:
  governance: {votingPeriod: 0s}
`, "votingPeriod must be positive"},
	{"Federation with an unparseable votingPeriod", `
kind: Federation
spec:
  governance: {votingPeriod: 3d}
`, "votingPeriod " + msgDuration},
	{"Federation with a parameter name that is not an identifier", `
kind: Federation
spec:
  constitution:
    standards:
    - name: replicas
      expression: "true"
      parameters: {max-replicas: {default: "5"}}
`, "parameter names must be identifiers"},
	{"Federation with a parameter min that is not a number", `
kind: Federation
spec:
  constitution:
    standards:
    - name: replicas
      expression: "true"
      parameters: {maxReplicas: {default: "5", min: one}}
`, "min must be a number, such as 1 or 0.5"},
	{"Federation with a parameter min greater than its max", `
kind: Federation
spec:
  constitution:
    standards:
    - name: replicas
      expression: "true"
      parameters: {maxReplicas: {default: "5", min: "10", max: "1"}}
`, "min must not be greater than max"},
	{"Federation with a parameter default outside its bounds", `
kind: Federation
spec:
  constitution:
    standards:
    - name: replicas
      expression: "true"
      parameters: {maxReplicas: {default: "50", min: "1", max: "10"}}
`, "default must be a number between min and max"},
	{"Federation with a namespace label key that is not a label key", `
kind: Federation
spec:
  constitution:
    namespaceLabels: {"tier!": core}
`, "namespaceLabels keys must be label keys, such as example.com/tier"},
	{"Federation with a namespace label value longer than 63 characters", `
kind: Federation
spec:
  constitution:
    namespaceLabels: {tier: ` + long("v", 64) + `}
`, "namespaceLabels values must be at most 63 characters"},
	{"Federation with a constitution object without a template", `
kind: Federation
spec:
  constitution:
    objects: [{name: quota}]
`, "spec.constitution.objects[0].template: Required value"},
	{"Federation with a constitution object template without apiVersion", `
kind: Federation
spec:
  constitution:
    objects: [{name: quota, template: {kind: ResourceQuota}}]
`, "spec.constitution.objects[0].template.apiVersion: Required value"},

	// Membership
	{"Membership without a union", `
kind: Membership
spec: {delegate: team-b}
`, "spec.union: Required value"},
	{"Membership of an unknown union kind", `
kind: Membership
spec:
  union: {kind: Guild, name: blue-pact}
`, `Unsupported value: "Guild"`},
	{"Membership of a union whose name is longer than 63 characters", `
kind: Membership
spec:
  union: {kind: Alliance, name: ` + long("a", 64) + `}
`, "Too long: may not be more than 63"},
	{"Membership of a union whose name is not a DNS label", `
kind: Membership
spec:
  union: {kind: Alliance, name: blue.pact}
`, msgDNSLabel},
	{"Membership whose agents selector has an unknown operator", `
kind: Membership
spec:
  union: {kind: Alliance, name: blue-pact}
  agents: {matchExpressions: [{key: tier, operator: Bogus, values: [gold]}]}
`, "label selector operators are In, NotIn, Exists and DoesNotExist"},
	{"Membership whose agents selector has In without values", `
kind: Membership
spec:
  union: {kind: Alliance, name: blue-pact}
  agents: {matchExpressions: [{key: tier, operator: In}]}
`, "In and NotIn take at least one value"},
	{"Membership whose agents selector has Exists with values", `
kind: Membership
spec:
  union: {kind: Alliance, name: blue-pact}
  agents: {matchExpressions: [{key: tier, operator: Exists, values: [gold]}]}
`, "Exists and DoesNotExist take no values"},
	{"Membership whose reserves selector has an unknown operator", `
kind: Membership
spec:
  union: {kind: Alliance, name: blue-pact}
  reserves: {selector: {matchExpressions: [{key: tier, operator: Bogus, values: [x]}]}, maxScaleBy: 2}
`, "label selector operators are In, NotIn, Exists and DoesNotExist"},
	{"Alliance whose namespaceSelector has an unknown operator", `
kind: Alliance
metadata: {name: blue-pact}
spec:
  admission: {namespaceSelector: {matchExpressions: [{key: tier, operator: Bogus, values: [x]}]}}
`, "label selector operators are In, NotIn, Exists and DoesNotExist"},
	{"Membership with reserves in a Coalition", `
kind: Membership
spec:
  union: {kind: Coalition, name: war-room}
  reserves: {selector: {matchLabels: {tier: spare}}, maxScaleBy: 2}
`, "reserves are only for Alliance memberships"},
	{"Membership with reserves that may scale by 0", `
kind: Membership
spec:
  union: {kind: Alliance, name: blue-pact}
  reserves: {selector: {matchLabels: {tier: spare}}, maxScaleBy: 0}
`, "should be greater than or equal to 1"},
	{"Membership with reserves without a selector", `
kind: Membership
spec:
  union: {kind: Alliance, name: blue-pact}
  reserves: {maxScaleBy: 2}
`, "spec.reserves.selector: Required value"},
	{"Membership with overrides in an Alliance", `
kind: Membership
spec:
  union: {kind: Alliance, name: blue-pact}
  overrides: {replicas.maxReplicas: "3"}
`, "overrides are only for Federation memberships"},
	{"Membership with an override key that is not standard.parameter", `
kind: Membership
spec:
  union: {kind: Federation, name: northern-league}
  overrides: {maxReplicas: "3"}
`, "override keys must be <standard>.<parameter>"},
	{"Membership with an override value longer than 256 characters", `
kind: Membership
spec:
  union: {kind: Federation, name: northern-league}
  overrides: {replicas.maxReplicas: "` + long("9", 257) + `"}
`, "override values must be at most 256 characters"},
	{"Membership with an unquoted number as override value", `
kind: Membership
spec:
  union: {kind: Federation, name: northern-league}
  overrides: {replicas.maxReplicas: 3}
`, "spec.overrides.replicas.maxReplicas in body must be of type string"},
	{"Membership delegating to a namespace that is not a DNS label", `
kind: Membership
spec:
  union: {kind: Federation, name: northern-league}
  delegate: Team_B
`, msgDNSLabel},

	// ExitTreaty
	{"ExitTreaty without a union", `
kind: ExitTreaty
spec: {reason: moving on}
`, "spec.union: Required value"},
	{"ExitTreaty of a union whose name is longer than 63 characters", `
kind: ExitTreaty
spec:
  union: {kind: Alliance, name: ` + long("a", 64) + `}
`, "Too long: may not be more than 63"},
	{"ExitTreaty with a negative coolOff", `
kind: ExitTreaty
spec:
  union: {kind: Alliance, name: blue-pact}
  coolOff: -48h
`, "coolOff must not be negative"},
	{"ExitTreaty with an unparseable coolOff", `
kind: ExitTreaty
spec:
  union: {kind: Alliance, name: blue-pact}
  coolOff: two days
`, "coolOff " + msgDuration},
	{"ExitTreaty with an unknown asset disposition", `
kind: ExitTreaty
spec:
  union: {kind: Alliance, name: blue-pact}
  assets: [{kind: NetworkPolicy, disposition: Keep}]
`, `Unsupported value: "Keep"`},
	{"ExitTreaty with the same asset kind twice", `
kind: ExitTreaty
spec:
  union: {kind: Alliance, name: blue-pact}
  assets: [{kind: NetworkPolicy, disposition: Retain}, {kind: NetworkPolicy}]
`, "Duplicate value"},
	{"ExitTreaty with a responsibility without a name", `
kind: ExitTreaty
spec:
  union: {kind: Alliance, name: blue-pact}
  responsibilities: [{description: hand over the on-call rota}]
`, "spec.responsibilities[0].name: Required value"},
	{"ExitTreaty with more than 32 commitments", `
kind: ExitTreaty
spec:
  union: {kind: Alliance, name: blue-pact}
  commitments: ` + yamlList(33, "commitment %d") + `
`, "Too many: 33: must have at most 32 items"},

	// Proposal
	{"Proposal without an action", `
kind: Proposal
spec:
  union: {kind: Federation, name: northern-league}
`, "spec.action: Required value"},
	{"Proposal with an unknown action type", `
kind: Proposal
spec:
  union: {kind: Federation, name: northern-league}
  action: {type: Secede}
`, `Unsupported value: "Secede"`},
	{"Proposal to a union whose name is not a DNS label", `
kind: Proposal
spec:
  union: {kind: Federation, name: Northern_League}
  action: {type: Dissolve}
`, msgDNSLabel},
	{"Proposal to admit without a namespace", `
kind: Proposal
spec:
  union: {kind: Federation, name: northern-league}
  action: {type: Admit}
`, "Admit and Expel proposals need a namespace"},
	{"Proposal to expel without a namespace", `
kind: Proposal
spec:
  union: {kind: Federation, name: northern-league}
  action: {type: Expel, text: they broke the quota}
`, "Admit and Expel proposals need a namespace"},
	{"Proposal to elect a council without candidates", `
kind: Proposal
spec:
  union: {kind: Coalition, name: war-room}
  action: {type: ElectCouncil}
`, "ElectCouncil proposals need candidates"},
	{"Proposal to elect a council with an empty candidate list", `
kind: Proposal
spec:
  union: {kind: Coalition, name: war-room}
  action: {type: ElectCouncil, candidates: []}
`, "ElectCouncil proposals need candidates"},
	{"Proposal to elect a candidate whose agent name is not a label value", `
kind: Proposal
spec:
  union: {kind: Coalition, name: war-room}
  action:
    type: ElectCouncil
    candidates: [{namespace: team-a, agent: "the planner"}]
`, "should match '^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$'"},
	{"Proposal to elect more than 16 candidates", `
kind: Proposal
spec:
  union: {kind: Coalition, name: war-room}
  action:
    type: ElectCouncil
    candidates: ` + yamlList(17, "{namespace: team-a, agent: agent-%d}") + `
`, "Too many: 17: must have at most 16 items"},
	{"Proposal to amend without text", `
kind: Proposal
spec:
  union: {kind: Federation, name: northern-league}
  action: {type: Amend}
`, "Amend proposals need text"},
	{"Proposal with a zero closesAfter", `
kind: Proposal
spec:
  union: {kind: Federation, name: northern-league}
  action: {type: Dissolve}
  closesAfter: 0s
`, "closesAfter must be positive"},
	{"Proposal with an unparseable closesAfter", `
kind: Proposal
spec:
  union: {kind: Federation, name: northern-league}
  action: {type: Dissolve}
  closesAfter: friday
`, "closesAfter " + msgDuration},
	{"Proposal to elect the council of a Federation", `
kind: Proposal
spec:
  union: {kind: Federation, name: northern-league}
  action:
    type: ElectCouncil
    candidates: [{namespace: team-a, agent: planner}]
`, "only coalitions have a council to elect"},
	{"Proposal to dissolve an Alliance", `
kind: Proposal
spec:
  union: {kind: Alliance, name: blue-pact}
  action: {type: Dissolve}
`, "alliances are durable: they end when they are deleted, not by a vote"},

	// Ballot
	{"Ballot without a subject", `
kind: Ballot
spec: {choice: Against}
`, "spec.subject: Required value"},
	{"Ballot without a choice", `
kind: Ballot
spec:
  subject: {kind: Proposal, namespace: team-a, name: admit-team-c}
`, "spec.choice: Required value"},
	{"Ballot with an unknown choice", `
kind: Ballot
spec:
  subject: {kind: Proposal, namespace: team-a, name: admit-team-c}
  choice: Maybe
`, `Unsupported value: "Maybe"`},
	{"Ballot on an unknown subject kind", `
kind: Ballot
spec:
  subject: {kind: Membership, namespace: team-a, name: blue-pact}
  choice: For
`, `Unsupported value: "Membership"`},
	{"Ballot on a namespace that is not a DNS label", `
kind: Ballot
spec:
  subject: {kind: Proposal, namespace: Team_A, name: admit-team-c}
  choice: For
`, msgDNSLabel},
	{"Ballot on a name that is not an object name", `
kind: Ballot
spec:
  subject: {kind: Proposal, namespace: team-a, name: "Admit team C!"}
  choice: For
`, "should match '^[a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'"},
	{"Ballot naming a subject uid longer than a UID", `
kind: Ballot
spec:
  subject: {kind: Proposal, namespace: team-a, name: admit-team-c, uid: ` + long("a", 37) + `}
  choice: For
`, "spec.subject.uid: Too long: may not be more than 36 bytes"},
	{"Ballot with the key on, which YAML reads as true", `
kind: Ballot
spec:
  on: {kind: Proposal, namespace: team-a, name: admit-team-c}
  choice: For
`, "spec.subject: Required value"},
	{"Ballot with the choice Yes unquoted, which YAML reads as true", `
kind: Ballot
spec:
  subject: {kind: Proposal, namespace: team-a, name: admit-team-c}
  choice: Yes
`, "spec.choice in body must be of type string"},
	{"Ballot with the choice Yes quoted, which is no choice", `
kind: Ballot
spec:
  subject: {kind: Proposal, namespace: team-a, name: admit-team-c}
  choice: "Yes"
`, `Unsupported value: "Yes"`},
}

var badUpdates = []badUpdate{
	// Membership
	{name: "Membership whose union changes after it is filed", before: `
kind: Membership
spec:
  union: {kind: Alliance, name: blue-pact}
`, change: `
spec:
  union: {name: red-pact}
`, want: "union is immutable"},
	{name: "Membership whose union kind changes after it is filed", before: `
kind: Membership
spec:
  union: {kind: Alliance, name: blue-pact}
`, change: `
spec:
  union: {kind: Federation}
`, want: "union is immutable"},

	// ExitTreaty
	{name: "ExitTreaty whose union changes after it is filed", before: `
kind: ExitTreaty
spec:
  union: {kind: Alliance, name: blue-pact}
`, change: `
spec:
  union: {name: red-pact}
`, want: "union is immutable"},
	{name: "ExitTreaty whose reason changes while cooling off", before: `
kind: ExitTreaty
spec:
  union: {kind: Alliance, name: blue-pact}
  reason: our paths diverge
  coolOff: 48h
`, status: `phase: CoolingOff`, change: `
spec: {reason: we were pushed out}
`, want: "spec.reason: Invalid value: " + msgImmutable + ": reason cannot change"},
	{name: "ExitTreaty whose coolOff changes while cooling off", before: `
kind: ExitTreaty
spec:
  union: {kind: Alliance, name: blue-pact}
  coolOff: 48h
`, status: `phase: CoolingOff`, change: `
spec: {coolOff: 1h}
`, want: "spec.coolOff: Invalid value: " + msgImmutable + ": coolOff cannot change"},
	{name: "ExitTreaty whose assets change while cooling off", before: `
kind: ExitTreaty
spec:
  union: {kind: Alliance, name: blue-pact}
  assets: [{kind: NetworkPolicy, disposition: Release}]
`, status: `phase: CoolingOff`, change: `
spec:
  assets: [{kind: NetworkPolicy, disposition: Retain}]
`, want: "spec.assets: Invalid value: " + msgImmutable + ": assets cannot change"},
	{name: "ExitTreaty whose commitments are dropped while cooling off", before: `
kind: ExitTreaty
spec:
  union: {kind: Alliance, name: blue-pact}
  commitments: [keep serving the shared cache until March]
`, status: `phase: CoolingOff`, change: `
spec: {commitments: null}
`, want: "spec.commitments: Invalid value: " + msgImmutable + ": commitments cannot change"},
	{name: "ExitTreaty whose responsibilities change while cooling off", before: `
kind: ExitTreaty
spec:
  union: {kind: Alliance, name: blue-pact}
  responsibilities: [{name: on-call, description: hand over the rota}]
`, status: `phase: CoolingOff`, change: `
spec:
  responsibilities: [{name: on-call, description: keep it}]
`, want: "spec.responsibilities: Invalid value: " + msgImmutable + ": responsibilities cannot change"},
	{name: "ExitTreaty whose reason changes once Effective", before: `
kind: ExitTreaty
spec:
  union: {kind: Alliance, name: blue-pact}
  reason: our paths diverge
`, status: `phase: Effective`, change: `
spec: {reason: rewriting history}
`, want: "spec.reason: Invalid value: " + msgImmutable + ": reason cannot change"},
	{name: "ExitTreaty withdrawn once Effective", before: `
kind: ExitTreaty
spec:
  union: {kind: Alliance, name: blue-pact}
`, status: `phase: Effective`, change: `
spec: {withdrawn: true}
`, want: "spec.withdrawn: Invalid value: an Effective ExitTreaty can no longer be withdrawn"},

	// Proposal
	{name: "Proposal whose union changes after it is filed", before: `
kind: Proposal
spec:
  union: {kind: Federation, name: northern-league}
  action: {type: Dissolve}
`, change: `
spec:
  union: {name: southern-league}
`, want: "union is immutable"},
	{name: "Proposal whose action changes after it is filed", before: `
kind: Proposal
spec:
  union: {kind: Federation, name: northern-league}
  action: {type: Admit, namespace: team-c}
`, change: `
spec:
  action: {type: Expel}
`, want: "action is immutable"},

	// Ballot
	{name: "Ballot whose subject changes after it is cast", before: `
kind: Ballot
spec:
  subject: {kind: Proposal, namespace: team-a, name: admit-team-c}
  choice: For
`, change: `
spec:
  subject: {name: expel-team-b}
`, want: "subject is immutable"},
}

// validInputs are near neighbours of the bad entries that the API server must
// accept, so each bad entry fails for the reason it names and nothing else.
var validInputs = []badCreate{
	{name: "Coalition with a duration in Go's own format", manifest: `
kind: Coalition
spec:
  duration: 1h30m0s
  council: {seats: 16, term: 1m, selection: Election}
  separation: {coolOff: "0", reintegrationAfter: 1.5h}
  goals: [{name: rca}, {name: fix}]
`},
	{name: "Coalition with an expiresAt", manifest: `
kind: Coalition
spec: {expiresAt: "2030-01-01T00:00:00Z", onExpiry: Delete}
`},
	{name: "Alliance with a Hub bridge and both defences", manifest: `
kind: Alliance
spec:
  admission: {policy: Open, namespaces: [team-a]}
  bridge: {mode: Hub, interop: {matchLabels: {role: translator}}}
  defense:
    preemptive: {maxUnavailable: "100%"}
    reactive: {unavailableFor: 0s}
  standards:
  - {name: limits, expression: "true", action: Audit}
`},
	{name: "Alliance with a numeric minAvailable", manifest: `
kind: Alliance
spec:
  defense:
    preemptive: {minAvailable: 0}
`},
	{name: "Federation with bounded parameters and label clauses", manifest: `
kind: Federation
spec:
  parent: southern-league
  governance: {quorum: "0%", threshold: "100%", votingPeriod: 15m, strata: Direct}
  constitution:
    namespaceLabels: {pod-security.kubernetes.io/enforce: restricted, tier: ""}
    standards:
    - name: replicas
      expression: "true"
      parameters:
        maxReplicas: {default: "5", min: "1", max: "10"}
        ratio: {default: "0.5", min: "-1.5"}
        mode: {default: strict}
`},
	{name: "Membership with reserves in an Alliance", manifest: `
kind: Membership
spec:
  union: {kind: Alliance, name: blue-pact}
  reserves: {selector: {matchLabels: {tier: spare}}, maxScaleBy: 100}
  delegate: team-b
`},
	{name: "Membership with overrides in a Federation", manifest: `
kind: Membership
spec:
  union: {kind: Federation, name: northern-league}
  overrides: {replicas.maxReplicas: "3"}
`},
	{name: "ExitTreaty with every term", manifest: `
kind: ExitTreaty
spec:
  union: {kind: Alliance, name: blue-pact}
  reason: our paths diverge
  coolOff: 48h
  assets: [{kind: NetworkPolicy, disposition: Retain}, {kind: ConfigMap}]
  responsibilities: [{name: on-call}]
  commitments: [keep serving the shared cache until March]
`},
	{name: "Proposal to elect a council", manifest: `
kind: Proposal
spec:
  union: {kind: Coalition, name: war-room}
  action: {type: ElectCouncil, candidates: [{namespace: team-a, agent: planner.v2}]}
  closesAfter: 24h
`},
	{name: "Ballot on an ExitTreaty", manifest: `
kind: Ballot
spec:
  subject: {kind: ExitTreaty, namespace: team-a, name: leave.blue-pact}
  choice: Abstain
`},
}

// fromYAML reads a manifest, filling in the API version and, when missing, a
// name; namespaced kinds go into a namespace of the test's own.
func fromYAML(text string) *unstructured.Unstructured {
	GinkgoHelper()
	raw, err := yaml.YAMLToJSON([]byte(text))
	Expect(err).NotTo(HaveOccurred())
	u := &unstructured.Unstructured{}
	Expect(u.UnmarshalJSON(raw)).To(Succeed())
	u.SetAPIVersion(unionsv1.GroupVersion.String())
	if u.GetName() == "" {
		u.SetName(uniqueName("bad"))
	}
	namespaced, err := k8sClient.IsObjectNamespaced(u)
	Expect(err).NotTo(HaveOccurred())
	if namespaced {
		u.SetNamespace(newNamespace(nil))
	}
	return u
}

// mergePatch turns a YAML change into a JSON merge patch that only applies to
// the given resourceVersion, so a concurrent write is a Conflict, not a pass.
func mergePatch(change, resourceVersion string) client.Patch {
	GinkgoHelper()
	patch := map[string]any{}
	Expect(yaml.Unmarshal([]byte(change), &patch)).To(Succeed())
	meta, _ := patch["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
	}
	meta["resourceVersion"] = resourceVersion
	patch["metadata"] = meta
	raw, err := json.Marshal(patch)
	Expect(err).NotTo(HaveOccurred())
	return client.RawPatch(types.MergePatchType, raw)
}

// hasStatus tells whether every field of want is in the object's status.
func hasStatus(u *unstructured.Unstructured, want map[string]any) bool {
	have, _, _ := unstructured.NestedMap(u.Object, "status")
	for k, v := range want {
		a, _ := json.Marshal(v)
		b, _ := json.Marshal(have[k])
		if string(a) != string(b) {
			return false
		}
	}
	return true
}

// kindOf is the kind a manifest declares.
func kindOf(manifest string) string {
	var m struct {
		Kind string `json:"kind"`
	}
	_ = yaml.Unmarshal([]byte(manifest), &m)
	return m.Kind
}

func createEntries() []TableEntry {
	entries := make([]TableEntry, 0, len(badCreates))
	for _, c := range badCreates {
		entries = append(entries, Entry(c.name, c))
	}
	return entries
}

func updateEntries() []TableEntry {
	entries := make([]TableEntry, 0, len(badUpdates))
	for _, c := range badUpdates {
		entries = append(entries, Entry(c.name, c))
	}
	return entries
}

func validEntries() []TableEntry {
	entries := make([]TableEntry, 0, len(validInputs))
	for _, c := range validInputs {
		entries = append(entries, Entry(c.name, c.manifest))
	}
	return entries
}

var _ = Describe("Bad input", func() {
	DescribeTable("is refused at creation with a clear message",
		func(c badCreate) {
			obj := fromYAML(c.manifest)
			err := k8sClient.Create(ctx, obj)
			if err == nil {
				DeferCleanup(func() { _ = k8sClient.Delete(ctx, obj) })
			}
			Expect(err).To(HaveOccurred(), "the API server accepted %s", c.name)
			Expect(apierrors.IsInvalid(err)).To(BeTrue(), "not a validation error: %v", err)
			Expect(err.Error()).To(ContainSubstring(c.want))
		},
		createEntries(),
	)

	DescribeTable("is refused as a change with a clear message",
		func(c badUpdate) {
			obj := fromYAML(c.before)
			Expect(k8sClient.Create(ctx, obj)).To(Succeed())
			DeferCleanup(func() { _ = k8sClient.Delete(ctx, obj) })
			status := map[string]any{}
			Expect(yaml.Unmarshal([]byte(c.status), &status)).To(Succeed())

			// Controllers may write the object meanwhile: a Conflict means
			// "read again", never that the change went through.
			Eventually(func(g Gomega) {
				cur := &unstructured.Unstructured{}
				cur.SetGroupVersionKind(obj.GroupVersionKind())
				g.Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(obj), cur)).To(Succeed())
				if !hasStatus(cur, status) {
					st, _, _ := unstructured.NestedMap(cur.Object, "status")
					if st == nil {
						st = map[string]any{}
					}
					for k, v := range status {
						st[k] = v
					}
					cur.Object["status"] = st
					g.Expect(k8sClient.Status().Update(ctx, cur)).To(Succeed())
				}
				err := k8sClient.Patch(ctx, cur, mergePatch(c.change, cur.GetResourceVersion()))
				g.Expect(apierrors.IsConflict(err)).To(BeFalse(), "written meanwhile; retrying")
				g.Expect(err).To(HaveOccurred(), "the API server accepted %s", c.name)
				g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "not a validation error: %v", err)
				g.Expect(err.Error()).To(ContainSubstring(c.want))
			}).Should(Succeed())
		},
		updateEntries(),
	)

	DescribeTable("leaves the valid neighbours of the bad input alone",
		func(manifest string) {
			Expect(k8sClient.Create(ctx, fromYAML(manifest), client.DryRunAll)).To(Succeed())
		},
		validEntries(),
	)

	It("is documented, entry by entry, in docs/bad-input.md", func() {
		raw, err := os.ReadFile(filepath.Join(repoRoot, "docs", "bad-input.md"))
		Expect(err).NotTo(HaveOccurred())
		doc := string(raw)
		for _, c := range badCreates {
			Expect(doc).To(ContainSubstring("| "+c.name+" |"), "docs/bad-input.md misses %q", c.name)
		}
		for _, c := range badUpdates {
			Expect(doc).To(ContainSubstring("| "+c.name+" |"), "docs/bad-input.md misses %q", c.name)
		}
	})

	It("covers every kind with at least four entries", func() {
		perKind := map[string]int{}
		for _, c := range badCreates {
			perKind[kindOf(c.manifest)]++
		}
		for _, c := range badUpdates {
			perKind[kindOf(c.before)]++
		}
		for _, kind := range []string{"Coalition", "Alliance", "Federation", "Membership", "ExitTreaty", "Proposal", "Ballot"} {
			Expect(perKind[kind]).To(BeNumerically(">=", 4), "entries for %s", kind)
		}
	})
})
