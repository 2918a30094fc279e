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

package governance

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/tally"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func members(nss ...string) []Member {
	out := make([]Member, len(nss))
	for i, ns := range nss {
		out[i] = Member{Namespace: ns}
	}
	return out
}

func body(name string, strata unionsv1.Strata, ms []Member, children ...Body) Body {
	r := Defaults
	r.Strata = strata
	return Body{Name: "Federation/" + name, Rules: r, Members: ms, Children: children}
}

type counts struct{ yes, no, abstain, eligible, delegated int }

func TestCount(t *testing.T) {
	y, n := tally.For, tally.Against
	tests := []struct {
		name    string
		body    Body
		ballots map[string]tally.Choice
		closed  bool
		want    counts
		blocs   map[string]tally.Decision
		decide  tally.Decision
	}{
		{
			name:    "direct members only",
			body:    body("p", "", members("a", "b")),
			ballots: map[string]tally.Choice{"a": y, "b": y},
			want:    counts{yes: 2, eligible: 2},
			decide:  tally.Passed,
		},
		{
			name:    "a ballot from a namespace outside the electorate never counts",
			body:    body("p", "", members("a", "b")),
			ballots: map[string]tally.Choice{"a": y, "outsider": n},
			want:    counts{yes: 1, eligible: 2},
			decide:  tally.Pending,
		},
		{
			name:    "delegation",
			body:    body("p", "", []Member{{"a", ""}, {"b", ""}, {"c", "a"}}),
			ballots: map[string]tally.Choice{"a": y, "b": n},
			want:    counts{yes: 2, no: 1, eligible: 3, delegated: 1},
			decide:  tally.Passed,
		},
		{
			name:    "a direct ballot overrides delegation",
			body:    body("p", "", []Member{{"a", ""}, {"b", ""}, {"c", "a"}}),
			ballots: map[string]tally.Choice{"a": y, "b": n, "c": n},
			want:    counts{yes: 1, no: 2, eligible: 3},
			decide:  tally.Rejected,
		},
		{
			name:    "a delegation cycle abstains",
			body:    body("p", "", []Member{{"a", "b"}, {"b", "a"}, {"c", ""}}),
			ballots: map[string]tally.Choice{"c": y},
			want:    counts{yes: 1, abstain: 2, eligible: 3},
			decide:  tally.Passed,
		},
		{
			name:    "delegating to a non-member abstains",
			body:    body("p", "", []Member{{"a", "outsider"}, {"b", ""}}),
			ballots: map[string]tally.Choice{"outsider": y, "b": n},
			want:    counts{no: 1, abstain: 1, eligible: 2},
			decide:  tally.Rejected,
		},
		// The same ballots under both strata: a parent with one member p1
		// voting No, and a child whose three members vote Yes.
		{
			name:    "Bloc: the child is one voter, and a tie fails",
			body:    body("p", "", members("p1"), body("c", unionsv1.StrataBloc, members("c1", "c2", "c3"))),
			ballots: map[string]tally.Choice{"p1": n, "c1": y, "c2": y, "c3": y},
			want:    counts{yes: 1, no: 1, eligible: 2},
			blocs:   map[string]tally.Decision{"Federation/c": tally.Passed},
			decide:  tally.Rejected,
		},
		{
			name:    "Direct: the child's members vote individually and carry it",
			body:    body("p", "", members("p1"), body("c", unionsv1.StrataDirect, members("c1", "c2", "c3"))),
			ballots: map[string]tally.Choice{"p1": n, "c1": y, "c2": y, "c3": y},
			want:    counts{yes: 3, no: 1, eligible: 4},
			blocs:   map[string]tally.Decision{},
			decide:  tally.Passed,
		},
		{
			name:    "Bloc: the bloc has not voted while the child's members have not all voted",
			body:    body("p", "", members("p1"), body("c", unionsv1.StrataBloc, members("c1", "c2", "c3"))),
			ballots: map[string]tally.Choice{"p1": n, "c1": y},
			want:    counts{no: 1, eligible: 2},
			blocs:   map[string]tally.Decision{"Federation/c": tally.Pending},
			decide:  tally.Pending,
		},
		{
			name:    "Bloc: once closed, a child that missed its quorum abstains",
			body:    body("p", "", members("p1"), body("c", unionsv1.StrataBloc, members("c1", "c2", "c3"))),
			ballots: map[string]tally.Choice{"p1": y, "c1": n},
			closed:  true,
			want:    counts{yes: 1, abstain: 1, eligible: 2},
			blocs:   map[string]tally.Decision{"Federation/c": tally.Expired},
			decide:  tally.Passed,
		},
		{
			name:    "Bloc: a child that rejects votes No",
			body:    body("p", "", members("p1"), body("c", unionsv1.StrataBloc, members("c1", "c2"))),
			ballots: map[string]tally.Choice{"p1": y, "c1": n, "c2": y},
			want:    counts{yes: 1, no: 1, eligible: 2},
			blocs:   map[string]tally.Decision{"Federation/c": tally.Rejected},
			decide:  tally.Rejected,
		},
		{
			name:    "Bloc: a child without members abstains at once",
			body:    body("p", "", members("p1"), body("c", unionsv1.StrataBloc, nil)),
			ballots: map[string]tally.Choice{"p1": y},
			want:    counts{yes: 1, abstain: 1, eligible: 2},
			blocs:   map[string]tally.Decision{"Federation/c": tally.Expired},
			decide:  tally.Passed,
		},
		{
			name: "Bloc: the child decides by its own threshold",
			body: body("p", "", members("p1"), func() Body {
				c := body("c", unionsv1.StrataBloc, members("c1", "c2", "c3"))
				c.Rules.Threshold = 70
				return c
			}()),
			ballots: map[string]tally.Choice{"p1": y, "c1": y, "c2": y, "c3": n},
			want:    counts{yes: 1, no: 1, eligible: 2},
			blocs:   map[string]tally.Decision{"Federation/c": tally.Rejected},
			decide:  tally.Rejected,
		},
		{
			name:    "Bloc: delegation works inside the child",
			body:    body("p", "", members("p1"), body("c", unionsv1.StrataBloc, []Member{{"c1", ""}, {"c2", "c1"}})),
			ballots: map[string]tally.Choice{"p1": n, "c1": y},
			want:    counts{yes: 1, no: 1, eligible: 2},
			blocs:   map[string]tally.Decision{"Federation/c": tally.Passed},
			decide:  tally.Rejected,
		},
		{
			name:    "Direct: a parent member may delegate to a member lent by a Direct child",
			body:    body("p", "", []Member{{"p1", "c1"}}, body("c", unionsv1.StrataDirect, members("c1"))),
			ballots: map[string]tally.Choice{"c1": y},
			want:    counts{yes: 2, eligible: 2, delegated: 1},
			blocs:   map[string]tally.Decision{},
			decide:  tally.Passed,
		},
		{
			name:    "Bloc: a parent member delegating to a bloc member abstains",
			body:    body("p", "", []Member{{"p1", "c1"}}, body("c", unionsv1.StrataBloc, members("c1"))),
			ballots: map[string]tally.Choice{"c1": y},
			want:    counts{yes: 1, abstain: 1, eligible: 2},
			blocs:   map[string]tally.Decision{"Federation/c": tally.Passed},
			decide:  tally.Passed,
		},
		{
			name:    "Direct: a namespace in the parent and a Direct child votes once",
			body:    body("p", "", members("a"), body("c", unionsv1.StrataDirect, members("a", "b"))),
			ballots: map[string]tally.Choice{"a": y, "b": n},
			want:    counts{yes: 1, no: 1, eligible: 2},
			blocs:   map[string]tally.Decision{},
			decide:  tally.Rejected,
		},
		{
			name: "Direct child lends its own bloc grandchild",
			body: body("p", "", members("p1"),
				body("c", unionsv1.StrataDirect, members("c1"),
					body("g", unionsv1.StrataBloc, members("g1", "g2")))),
			ballots: map[string]tally.Choice{"p1": n, "c1": y, "g1": y, "g2": y},
			want:    counts{yes: 2, no: 1, eligible: 3},
			blocs:   map[string]tally.Decision{"Federation/g": tally.Passed},
			decide:  tally.Passed,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Count(tt.body, tt.ballots, tt.closed)
			got := counts{r.For, r.Against, r.Abstain, r.Eligible, r.Delegated}
			if got != tt.want {
				t.Errorf("counts = %+v, want %+v", got, tt.want)
			}
			if tt.blocs == nil {
				tt.blocs = map[string]tally.Decision{}
			}
			if !reflect.DeepEqual(r.Blocs, tt.blocs) {
				t.Errorf("blocs = %v, want %v", r.Blocs, tt.blocs)
			}
			if d := tally.Decide(r.Result, tt.body.Rules.Quorum, tt.body.Rules.Threshold, tt.closed); d != tt.decide {
				t.Errorf("decision = %s, want %s", d, tt.decide)
			}
		})
	}
}

func TestVoiceOf(t *testing.T) {
	b := body("p", "", members("p1"),
		body("bloc", unionsv1.StrataBloc, members("b1")),
		body("direct", unionsv1.StrataDirect, members("d1"),
			body("inner", unionsv1.StrataBloc, members("i1"))))
	tests := []struct {
		ns    string
		want  Voice
		voice bool
	}{
		{"p1", Voice{Via: "Federation/p"}, true},
		{"b1", Voice{Via: "Federation/bloc", Bloc: true}, true},
		{"d1", Voice{Via: "Federation/direct"}, true},
		{"i1", Voice{Via: "Federation/inner", Bloc: true}, true},
		{"outsider", Voice{}, false},
	}
	for _, tt := range tests {
		got, ok := VoiceOf(b, tt.ns)
		if got != tt.want || ok != tt.voice {
			t.Errorf("VoiceOf(%s) = %+v, %v; want %+v, %v", tt.ns, got, ok, tt.want, tt.voice)
		}
	}
}

func membership(ns, name string, standing unionsv1.Standing, created time.Time, delegate string) unionsv1.Membership {
	m := unionsv1.Membership{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, CreationTimestamp: metav1.NewTime(created)}}
	m.Spec.Delegate = delegate
	m.Status.Standing = standing
	return m
}

func TestNewBody(t *testing.T) {
	deleting := membership("gone", "m", unionsv1.StandingActive, t0, "")
	deleting.DeletionTimestamp = &metav1.Time{Time: t0}
	parent := &unionsv1.Federation{ObjectMeta: metav1.ObjectMeta{Name: "p"}}
	parent.Spec.Governance = unionsv1.Governance{Quorum: "60%", Threshold: "66%", VotingPeriod: &metav1.Duration{Duration: time.Hour}}
	child := &unionsv1.Federation{ObjectMeta: metav1.ObjectMeta{Name: "c"}}
	child.Spec.Governance.Strata = unionsv1.StrataDirect
	dissolved := &unionsv1.Federation{ObjectMeta: metav1.ObjectMeta{Name: "d"}}
	dissolved.Status.Phase = unionsv1.FederationDissolved

	got, err := NewBody(Observed{
		Union: parent,
		Memberships: []unionsv1.Membership{
			membership("b", "m", unionsv1.StandingActive, t0, "a"),
			membership("a", "m", unionsv1.StandingCoolingOff, t0, ""),
			membership("p", "m", unionsv1.StandingPending, t0, ""),
			membership("s", "m", unionsv1.StandingSeparated, t0, ""),
			membership("e", "m", unionsv1.StandingEnded, t0, ""),
			deleting,
			// A duplicate of b: the older Membership speaks for the namespace.
			membership("b", "later", unionsv1.StandingActive, t0.Add(time.Second), "z"),
		},
		Children: []Observed{
			{Union: child, Memberships: []unionsv1.Membership{membership("c1", "m", unionsv1.StandingActive, t0, "")}},
			{Union: dissolved, Memberships: []unionsv1.Membership{membership("d1", "m", unionsv1.StandingActive, t0, "")}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := Body{
		Name:    "Federation/p",
		Rules:   Rules{Quorum: 60, Threshold: 66, VotingPeriod: time.Hour, Strata: unionsv1.StrataBloc},
		Members: []Member{{"a", ""}, {"b", "a"}},
		Children: []Body{{
			Name:    "Federation/c",
			Rules:   Rules{Quorum: 50, Threshold: 50, VotingPeriod: 72 * time.Hour, Strata: unionsv1.StrataDirect},
			Members: []Member{{"c1", ""}},
		}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("NewBody =\n%+v\nwant\n%+v", got, want)
	}
}

func TestRulesOf(t *testing.T) {
	tests := []struct {
		name    string
		union   unionsv1.Union
		want    Rules
		wantErr bool
	}{
		{"a coalition has the defaults", &unionsv1.Coalition{}, Defaults, false},
		{"an alliance has the defaults", &unionsv1.Alliance{}, Defaults, false},
		{"a federation without governance has the defaults", &unionsv1.Federation{}, Defaults, false},
		{"a federation's governance", &unionsv1.Federation{Spec: unionsv1.FederationSpec{Governance: unionsv1.Governance{
			Quorum: "0%", Threshold: "100%", VotingPeriod: &metav1.Duration{Duration: time.Minute}, Strata: unionsv1.StrataDirect}}},
			Rules{Quorum: 0, Threshold: 100, VotingPeriod: time.Minute, Strata: unionsv1.StrataDirect}, false},
		{"an unparseable quorum", &unionsv1.Federation{Spec: unionsv1.FederationSpec{Governance: unionsv1.Governance{Quorum: "half"}}}, Defaults, true},
		{"an unparseable threshold", &unionsv1.Federation{Spec: unionsv1.FederationSpec{Governance: unionsv1.Governance{Threshold: "101%"}}}, Defaults, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := RulesOf(tt.union)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !tt.wantErr && got != tt.want {
				t.Errorf("RulesOf = %+v, want %+v", got, tt.want)
			}
		})
	}
}

type prop struct {
	name    string
	action  unionsv1.ProposalActionType
	ns      string
	phase   unionsv1.ProposalPhase
	decided time.Duration // after t0
	tally   bool
}

// unionUID is the union object the test proposals are put to.
const unionUID = types.UID("union-1")

// recordOf is the union's record of the decided proposals.
func recordOf(ps []unionsv1.Proposal) []unionsv1.DecisionRecord {
	r, _ := Record(nil, ps, unionUID)
	return r
}

func proposals(ps ...prop) []unionsv1.Proposal {
	out := make([]unionsv1.Proposal, len(ps))
	for i, p := range ps {
		out[i] = unionsv1.Proposal{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: p.name, UID: types.UID("uid-" + p.name), CreationTimestamp: metav1.NewTime(t0)}}
		out[i].Status.UnionUID = unionUID
		out[i].Spec.Action = unionsv1.ProposalAction{Type: p.action, Namespace: p.ns}
		if p.action == unionsv1.ActionAmend {
			out[i].Spec.Action.Text = "text of " + p.name
		}
		out[i].Status.Phase = p.phase
		if p.phase != unionsv1.ProposalOpen && p.phase != "" {
			out[i].Status.DecidedAt = &metav1.Time{Time: t0.Add(p.decided)}
		}
		if p.phase == unionsv1.ProposalOpen {
			out[i].Status.ClosesAt = &metav1.Time{Time: t0.Add(p.decided)}
		}
		if p.tally {
			out[i].Status.Tally = &unionsv1.Tally{}
		}
	}
	return out
}

func TestVerdict(t *testing.T) {
	admit, expel := unionsv1.ActionAdmit, unionsv1.ActionExpel
	passed, rejected := unionsv1.ProposalPassed, unionsv1.ProposalRejected
	tests := []struct {
		name string
		ps   []unionsv1.Proposal
		want string
	}{
		{"none", nil, ""},
		{"a rejected admission is no verdict", proposals(prop{"a", admit, "x", rejected, 0, true}), ""},
		{"an open admission is no verdict", proposals(prop{"a", admit, "x", unionsv1.ProposalOpen, 0, true}), ""},
		{"another namespace's verdict", proposals(prop{"a", admit, "y", passed, 0, true}), ""},
		{"admitted", proposals(prop{"a", admit, "x", passed, 0, true}), "team-a/a"},
		{"expelled after admission", proposals(prop{"a", admit, "x", passed, 0, true}, prop{"e", expel, "x", passed, time.Hour, true}), "team-a/e"},
		{"re-admitted after expulsion", proposals(prop{"a", admit, "x", passed, 2 * time.Hour, true}, prop{"e", expel, "x", passed, time.Hour, true}), "team-a/a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			if v := Verdict(recordOf(tt.ps), "x"); v != nil {
				got = v.Proposal
			}
			if got != tt.want {
				t.Errorf("Verdict = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDissolution(t *testing.T) {
	ps := proposals(
		prop{"rejected", unionsv1.ActionDissolve, "", unionsv1.ProposalRejected, 0, true},
		prop{"second", unionsv1.ActionDissolve, "", unionsv1.ProposalPassed, 2 * time.Hour, true},
		prop{"first", unionsv1.ActionDissolve, "", unionsv1.ProposalPassed, time.Hour, true},
		prop{"amend", unionsv1.ActionAmend, "", unionsv1.ProposalPassed, 0, true},
	)
	if d := Dissolution(recordOf(ps)); d == nil || d.Proposal != "team-a/first" {
		t.Errorf("Dissolution = %v, want team-a/first", d)
	}
	if d := Dissolution(recordOf(ps[:1])); d != nil {
		t.Errorf("Dissolution of a rejected proposal = %v, want nil", d.Proposal)
	}
}

func TestConsensus(t *testing.T) {
	t.Run("nothing to report", func(t *testing.T) {
		if got := Consensus(nil, nil, nil); got != nil {
			t.Errorf("Consensus = %+v, want nil", got)
		}
	})
	t.Run("other fields are kept and lists replaced", func(t *testing.T) {
		current := &unionsv1.Consensus{Members: 7, NonCompliantAgents: 2,
			Decisions: []unionsv1.Decision{{Namespace: "old", Name: "gone"}}}
		ps := proposals(
			prop{"late", unionsv1.ActionExpel, "x", unionsv1.ProposalOpen, 2 * time.Hour, true},
			prop{"soon", unionsv1.ActionAdmit, "y", unionsv1.ProposalOpen, time.Hour, true},
			prop{"amend", unionsv1.ActionAmend, "", unionsv1.ProposalPassed, 3 * time.Hour, true},
			prop{"expired", unionsv1.ActionDissolve, "", unionsv1.ProposalExpired, time.Hour, true},
			prop{"refused", unionsv1.ActionDissolve, "", unionsv1.ProposalRejected, 0, false},
		)
		got := Consensus(current, ps, recordOf(ps))
		want := &unionsv1.Consensus{Members: 7, NonCompliantAgents: 2,
			OpenProposals: []unionsv1.ProposalReference{
				{Namespace: "team-a", Name: "soon", Action: unionsv1.ActionAdmit, ClosesAt: &metav1.Time{Time: t0.Add(time.Hour)}},
				{Namespace: "team-a", Name: "late", Action: unionsv1.ActionExpel, ClosesAt: &metav1.Time{Time: t0.Add(2 * time.Hour)}},
			},
			Decisions: []unionsv1.Decision{
				{Namespace: "team-a", Name: "expired", Action: unionsv1.ActionDissolve, Outcome: unionsv1.ProposalExpired, DecidedAt: &metav1.Time{Time: t0.Add(time.Hour)}},
				{Namespace: "team-a", Name: "amend", Action: unionsv1.ActionAmend, Outcome: unionsv1.ProposalPassed, Text: "text of amend", DecidedAt: &metav1.Time{Time: t0.Add(3 * time.Hour)}},
			},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Consensus =\n%+v\nwant\n%+v", got, want)
		}
		if current.Decisions[0].Name != "gone" {
			t.Error("Consensus changed its argument")
		}
	})
	t.Run("bounded, newest decisions kept", func(t *testing.T) {
		var ps []prop
		for i := range 30 {
			ps = append(ps, prop{fmt.Sprintf("d%02d", i), unionsv1.ActionAmend, "", unionsv1.ProposalPassed, time.Duration(i) * time.Minute, true})
			ps = append(ps, prop{fmt.Sprintf("o%02d", i), unionsv1.ActionAmend, "", unionsv1.ProposalOpen, time.Duration(i) * time.Minute, true})
		}
		all := proposals(ps...)
		got := Consensus(nil, all, recordOf(all))
		if len(got.Decisions) != MaxConsensusDecisions || got.Decisions[0].Name != "d10" || got.Decisions[MaxConsensusDecisions-1].Name != "d29" {
			t.Errorf("decisions = %d, from %s to %s; want %d from d10 to d29", len(got.Decisions),
				got.Decisions[0].Name, got.Decisions[len(got.Decisions)-1].Name, MaxConsensusDecisions)
		}
		if len(got.OpenProposals) != MaxOpenProposals || got.OpenProposals[0].Name != "o00" || got.OpenProposals[MaxOpenProposals-1].Name != "o19" {
			t.Errorf("open proposals = %d, from %s to %s; want %d from o00 to o19", len(got.OpenProposals),
				got.OpenProposals[0].Name, got.OpenProposals[len(got.OpenProposals)-1].Name, MaxOpenProposals)
		}
	})
}

func TestRecord(t *testing.T) {
	passed := unionsv1.ProposalPassed
	ps := proposals(
		prop{"expel-b", unionsv1.ActionExpel, "team-b", passed, time.Hour, true},
		prop{"open", unionsv1.ActionAmend, "", unionsv1.ProposalOpen, 0, true},
		prop{"refused", unionsv1.ActionDissolve, "", unionsv1.ProposalRejected, 0, false},
	)
	elsewhere := proposals(prop{"dissolve", unionsv1.ActionDissolve, "", passed, 0, true})
	elsewhere[0].Status.UnionUID = "an-earlier-union-of-the-same-name"
	record, added := Record(nil, append(ps, elsewhere...), unionUID)
	if len(record) != 1 || len(added) != 1 || record[0].Proposal != "team-a/expel-b" || record[0].UID != "uid-expel-b" ||
		record[0].Namespace != "team-b" || record[0].Tally == nil {
		t.Fatalf("record = %+v; want only the Expel decided by a vote in this union", record)
	}

	t.Run("recorded once", func(t *testing.T) {
		again, added := Record(record, ps, unionUID)
		if len(again) != 1 || added != nil {
			t.Errorf("Record again = %+v, added %+v", again, added)
		}
	})
	t.Run("stands when the Proposal goes", func(t *testing.T) {
		kept, _ := Record(record, nil, unionUID)
		if v := Verdict(kept, "team-b"); v == nil || v.Action != unionsv1.ActionExpel {
			t.Errorf("the expulsion went with its Proposal: %+v", kept)
		}
	})
	t.Run("bounded, the decisions in force kept", func(t *testing.T) {
		var many []prop
		many = append(many, prop{"dissolve", unionsv1.ActionDissolve, "", passed, 0, true})
		for i := range MaxDecisions + 20 {
			many = append(many, prop{fmt.Sprintf("amend-%03d", i), unionsv1.ActionAmend, "", passed, time.Duration(i+1) * time.Minute, true})
		}
		full, _ := Record(record, proposals(many...), unionUID)
		if len(full) != MaxDecisions {
			t.Fatalf("%d decisions recorded, want %d", len(full), MaxDecisions)
		}
		if Dissolution(full) == nil || Verdict(full, "team-b") == nil {
			t.Errorf("a decision in force was dropped before spent ones")
		}
		if full[len(full)-1].Proposal != fmt.Sprintf("team-a/amend-%03d", MaxDecisions+19) {
			t.Errorf("the newest decision was dropped")
		}
	})
}

func TestBoundTo(t *testing.T) {
	created := metav1.NewTime(t0)
	ballot := func(createdAt time.Time, specUID, statusUID types.UID) *unionsv1.Ballot {
		b := &unionsv1.Ballot{ObjectMeta: metav1.ObjectMeta{CreationTimestamp: metav1.NewTime(createdAt)}}
		b.Spec.Subject.UID, b.Status.SubjectUID = specUID, statusUID
		return b
	}
	tests := []struct {
		name string
		b    *unionsv1.Ballot
		want bool
	}{
		{"cast on the subject", ballot(t0.Add(time.Minute), "", ""), true},
		{"cast in the second it was filed", ballot(t0, "", ""), true},
		{"cast before the subject existed", ballot(t0.Add(-time.Second), "", ""), false},
		{"naming its uid", ballot(t0.Add(time.Minute), "s1", ""), true},
		{"naming another uid", ballot(t0.Add(time.Minute), "s0", ""), false},
		{"counted for it", ballot(t0.Add(time.Minute), "", "s1"), true},
		{"counted for an earlier subject of the name", ballot(t0.Add(time.Minute), "", "s0"), false},
	}
	for _, tt := range tests {
		if got := BoundTo(tt.b, "s1", created); got != tt.want {
			t.Errorf("%s: BoundTo = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestCast(t *testing.T) {
	ballot := func(ns, name string, created time.Duration, c unionsv1.Choice) unionsv1.Ballot {
		b := unionsv1.Ballot{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, CreationTimestamp: metav1.NewTime(t0.Add(created))}}
		b.Spec.Choice = c
		return b
	}
	deleted := ballot("c", "deleted", 0, unionsv1.ChoiceAgainst)
	deleted.DeletionTimestamp = &metav1.Time{Time: t0}
	cast := Cast([]unionsv1.Ballot{
		ballot("a", "second", time.Second, unionsv1.ChoiceAgainst),
		ballot("a", "first", 0, unionsv1.ChoiceFor),
		ballot("b", "zz", 0, unionsv1.ChoiceAgainst),
		ballot("b", "aa", 0, unionsv1.ChoiceAbstain),
		deleted,
		ballot("c", "later", time.Second, unionsv1.ChoiceFor),
	})
	got := map[string]string{}
	for ns, b := range cast {
		got[ns] = b.Name
	}
	if want := map[string]string{"a": "first", "b": "aa", "c": "later"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Cast = %v, want %v", got, want)
	}
	if want := map[string]tally.Choice{"a": tally.For, "b": tally.Abstain, "c": tally.For}; !reflect.DeepEqual(Choices(cast), want) {
		t.Errorf("Choices = %v, want %v", Choices(cast), want)
	}
}
