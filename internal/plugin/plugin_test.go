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

package plugin

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/audit"
	"github.com/kos-dev/union-operator/internal/governance"
	"github.com/kos-dev/union-operator/internal/tally"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata from the current output")

// golden compares got with testdata/<name>.golden, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/plugin -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test ./internal/plugin -update rewrites it)\n--- got\n%s--- want\n%s", path, got, want)
	}
}

func ready(status metav1.ConditionStatus, reason string) metav1.Condition {
	return metav1.Condition{Type: unionsv1.ConditionReady, Status: status, Reason: reason}
}

func stalled(reason string) []metav1.Condition {
	return []metav1.Condition{ready(metav1.ConditionFalse, reason),
		{Type: unionsv1.ConditionStalled, Status: metav1.ConditionTrue, Reason: reason}}
}

func member(ns string, standing unionsv1.Standing, agents int32) unionsv1.MemberStatus {
	return unionsv1.MemberStatus{Namespace: ns, Standing: standing, Agents: agents, Role: unionsv1.RoleMember}
}

func federation(name, parent string, phase unionsv1.FederationPhase, conds []metav1.Condition, members ...unionsv1.MemberStatus) unionsv1.Federation {
	f := unionsv1.Federation{ObjectMeta: metav1.ObjectMeta{Name: name}}
	f.Spec.Parent = parent
	f.Status.Phase = phase
	f.Status.Conditions = conds
	f.Status.Members = members
	for _, m := range members {
		if m.Standing == unionsv1.StandingActive {
			f.Status.MemberCount++
			f.Status.AgentCount += m.Agents
		}
	}
	return f
}

// sampleUnions is a cluster with every shape the renderers handle: nesting
// three deep, a missing parent, a cycle of parents, a Stalled union, one
// without status, and members in several standings.
func sampleUnions() Unions {
	readyTrue := []metav1.Condition{ready(metav1.ConditionTrue, unionsv1.ReasonActive)}
	coalition := func(name string, phase unionsv1.CoalitionPhase, conds []metav1.Condition, members ...unionsv1.MemberStatus) unionsv1.Coalition {
		c := unionsv1.Coalition{ObjectMeta: metav1.ObjectMeta{Name: name}}
		c.Status.Phase, c.Status.Conditions, c.Status.Members = phase, conds, members
		for _, m := range members {
			if m.Standing.Badged() {
				c.Status.MemberCount++
				c.Status.AgentCount += m.Agents
			}
		}
		return c
	}
	blue := unionsv1.Alliance{ObjectMeta: metav1.ObjectMeta{Name: "blue-pact"}}
	blue.Status.Phase = unionsv1.AllianceActive
	blue.Status.Conditions = readyTrue
	blue.Status.Members = []unionsv1.MemberStatus{member("team-c", unionsv1.StandingActive, 1),
		member("team-a", unionsv1.StandingActive, 4), member("team-b", unionsv1.StandingCoolingOff, 2)}
	blue.Status.MemberCount, blue.Status.AgentCount = 3, 7
	return Unions{
		// Deliberately unsorted: the renderers sort by name.
		Coalitions: []unionsv1.Coalition{
			coalition("incident-42", unionsv1.CoalitionActive, readyTrue,
				member("team-b", unionsv1.StandingPending, 0), member("team-a", unionsv1.StandingActive, 3)),
			coalition("incident-17", unionsv1.CoalitionExpired, []metav1.Condition{ready(metav1.ConditionTrue, "Expired")}),
		},
		Alliances: []unionsv1.Alliance{
			{ObjectMeta: metav1.ObjectMeta{Name: "new-pact"}},
			blue,
		},
		Federations: []unionsv1.Federation{
			federation("river-towns", "northern-league", unionsv1.FederationActive, readyTrue, member("team-b", unionsv1.StandingActive, 1)),
			federation("northern-league", "", unionsv1.FederationActive, readyTrue,
				member("team-d", unionsv1.StandingActive, 2), member("team-c", unionsv1.StandingActive, 3)),
			federation("harbours", "river-towns", unionsv1.FederationForming, []metav1.Condition{ready(metav1.ConditionTrue, "Forming")}),
			federation("lakes", "northern-league", unionsv1.FederationActive, readyTrue, member("team-e", unionsv1.StandingRejected, 0)),
			federation("atlantis-colony", "atlantis", unionsv1.FederationActive, stalled("ParentNotFound")),
			federation("loop-b", "loop-a", unionsv1.FederationActive, stalled("Cycle")),
			federation("loop-a", "loop-b", unionsv1.FederationActive, stalled("Cycle")),
		},
	}
}

func TestRenderStatus(t *testing.T) {
	var out bytes.Buffer
	if err := RenderStatus(&out, sampleUnions()); err != nil {
		t.Fatal(err)
	}
	golden(t, "status", out.Bytes())
}

func TestRenderTree(t *testing.T) {
	var out bytes.Buffer
	if err := RenderTree(&out, sampleUnions()); err != nil {
		t.Fatal(err)
	}
	golden(t, "tree", out.Bytes())
}

func TestRenderTreeOmitsEmptyKinds(t *testing.T) {
	u := Unions{Alliances: sampleUnions().Alliances}
	var out bytes.Buffer
	if err := RenderTree(&out, u); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.HasPrefix(s, "Alliances\n") || strings.Contains(s, "Federations") || strings.Contains(s, "Coalitions") {
		t.Errorf("tree of alliances only:\n%s", s)
	}
}

func TestRenderTreeBoundedMembers(t *testing.T) {
	var members []unionsv1.MemberStatus
	for i := range maxListedMembers {
		members = append(members, member(fmt.Sprintf("team-%03d", i), unionsv1.StandingActive, 1))
	}
	u := Unions{Federations: []unionsv1.Federation{federation("big", "", unionsv1.FederationActive, nil, members...)}}
	u.Federations[0].Status.MemberCount = 250
	var out bytes.Buffer
	if err := RenderTree(&out, u); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if got := lines[1]; got != "└── big (Active, 250 members, 100 agents; Ready=-)" {
		t.Errorf("union line = %q", got)
	}
	if last := lines[len(lines)-1]; last != "    └── … status lists the first 100 members only" {
		t.Errorf("last line = %q", last)
	}
}

// chain returns a valid audit trail of n entries as a treaty stores it.
func chain(t *testing.T, n int) []unionsv1.AuditEntry {
	t.Helper()
	events := []string{"Proposed", "Approved", "CoolingOff", "Effective"}
	var c []audit.Entry
	start := time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC)
	for i := range n {
		var err error
		c, err = audit.Append(c, start.Add(time.Duration(i)*time.Hour), events[i%len(events)], fmt.Sprintf("step %d", i+1))
		if err != nil {
			t.Fatal(err)
		}
	}
	entries := make([]unionsv1.AuditEntry, len(c))
	for i, e := range c {
		entries[i] = unionsv1.AuditEntry{Seq: e.Seq, Time: metav1.NewTime(e.Time), Event: e.Event, Detail: e.Detail, Digest: e.Digest}
	}
	return entries
}

func treaty(phase unionsv1.ExitTreatyPhase, entries []unionsv1.AuditEntry) *unionsv1.ExitTreaty {
	t := &unionsv1.ExitTreaty{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "leave-blue"}}
	t.Spec.Union = unionsv1.UnionReference{Kind: unionsv1.KindAlliance, Name: "blue-pact"}
	t.Status.Phase = phase
	t.Status.Audit = entries
	return t
}

func TestVerifyTreaty(t *testing.T) {
	intact := chain(t, 4)
	head := intact[3].Digest
	tampered := chain(t, 4)
	tampered[2].Detail = "step 3, quietly changed"
	gap := chain(t, 4)
	gap = append(gap[:1], gap[2:]...)

	tests := []struct {
		name       string
		treaty     *unionsv1.ExitTreaty
		pin        *Pin
		wantOK     bool
		wantBroken int64 // seq of the first broken entry, 0 for none
	}{
		{name: "intact", treaty: treaty(unionsv1.TreatyCoolingOff, intact), wantOK: true},
		{name: "intact-pinned", treaty: treaty(unionsv1.TreatyEffective, intact), pin: &Pin{Union: "Alliance/blue-pact", Digest: head}, wantOK: true},
		{name: "empty", treaty: treaty(unionsv1.TreatyProposed, nil), wantOK: true},
		{name: "tampered", treaty: treaty(unionsv1.TreatyCoolingOff, tampered), wantBroken: 3},
		{name: "gap", treaty: treaty(unionsv1.TreatyCoolingOff, gap), wantBroken: 3},
		{name: "truncated", treaty: treaty(unionsv1.TreatyEffective, intact[:3]), pin: &Pin{Union: "Alliance/blue-pact", Digest: head}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := VerifyTreaty(tt.treaty, tt.pin)
			if v.OK() != tt.wantOK {
				t.Errorf("OK() = %v, want %v", v.OK(), tt.wantOK)
			}
			var gotBroken int64
			if v.Broken != nil {
				gotBroken = v.Broken.Seq
			}
			if gotBroken != tt.wantBroken {
				t.Errorf("broken at seq %d, want %d", gotBroken, tt.wantBroken)
			}
			var out bytes.Buffer
			if err := RenderVerification(&out, v); err != nil {
				t.Fatal(err)
			}
			golden(t, "audit-"+tt.name, out.Bytes())
		})
	}
}

func TestVerifyProposal(t *testing.T) {
	body := governance.Body{Name: "Coalition/war-room", Rules: governance.Defaults,
		Members: []governance.Member{{Namespace: "team-a"}, {Namespace: "team-b", Delegate: "team-a"}, {Namespace: "team-c"}}}
	r := governance.Count(body, map[string]tally.Choice{"team-a": tally.For, "team-c": tally.Against}, true)
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	decided := func() *unionsv1.Proposal {
		p := &unionsv1.Proposal{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "expel-team-c", UID: "p1"}}
		p.Spec.Union = unionsv1.UnionReference{Kind: unionsv1.KindCoalition, Name: "war-room"}
		u := &unionsv1.Coalition{ObjectMeta: metav1.ObjectMeta{Name: "war-room", UID: "u1"}}
		events := append([]audit.Event{governance.Opened(p, u, at.Add(72*time.Hour), governance.Defaults)}, governance.Decision(r, tally.Passed)...)
		chain, err := audit.AppendAll(nil, at, events)
		if err != nil {
			t.Fatal(err)
		}
		p.Status.Record = audit.ToStatus(chain)
		p.Status.Phase, p.Status.DecidedAt = unionsv1.ProposalPassed, &metav1.Time{Time: at}
		p.Status.Tally = &unionsv1.Tally{For: 2, Against: 1, Eligible: 3, Delegated: 1}
		return p
	}
	intact := decided()
	forged := decided()
	forged.Status.Tally.For = 3
	pin := &Pin{Union: "Coalition/war-room", Digest: intact.Status.Record[len(intact.Status.Record)-1].Digest, In: "decisions"}
	for name, tt := range map[string]struct {
		p      *unionsv1.Proposal
		pin    *Pin
		wantOK bool
	}{
		"proposal-intact": {intact, pin, true},
		"proposal-forged": {forged, nil, false},
	} {
		t.Run(name, func(t *testing.T) {
			v := VerifyProposal(tt.p, tt.pin)
			if v.OK() != tt.wantOK {
				t.Errorf("OK() = %v, want %v (%v)", v.OK(), tt.wantOK, v.Tally)
			}
			var out bytes.Buffer
			if err := RenderVerification(&out, v); err != nil {
				t.Fatal(err)
			}
			golden(t, "audit-"+name, out.Bytes())
		})
	}
}

// fakeCluster serves a fake client and a fixed namespace: the commands'
// wiring is tested here; the renderers' output above.
type fakeCluster struct {
	c  client.Reader
	ns string
}

func (f fakeCluster) Client() (client.Reader, error) { return f.c, nil }
func (f fakeCluster) Namespace() (string, error)     { return f.ns, nil }

func run(t *testing.T, objs []client.Object, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	c := fake.NewClientBuilder().WithScheme(Scheme()).WithObjects(objs...).Build()
	streams, _, out, errOut := genericiooptions.NewTestIOStreams()
	cmd := newRootCommand(streams, fakeCluster{c: c, ns: "team-a"})
	cmd.SetArgs(args)
	err = cmd.ExecuteContext(t.Context())
	return out.String(), errOut.String(), err
}

func clusterObjects() []client.Object {
	u := sampleUnions()
	var objs []client.Object
	for i := range u.Coalitions {
		objs = append(objs, &u.Coalitions[i])
	}
	for i := range u.Alliances {
		objs = append(objs, &u.Alliances[i])
	}
	for i := range u.Federations {
		objs = append(objs, &u.Federations[i])
	}
	return objs
}

func TestStatusCommand(t *testing.T) {
	out, _, err := run(t, clusterObjects(), "status")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "status", []byte(out))

	out, errOut, err := run(t, nil, "status")
	if err != nil || out != "" || errOut != "No unions found.\n" {
		t.Errorf("empty cluster: out %q, err %q, %v", out, errOut, err)
	}
}

func TestTreeCommand(t *testing.T) {
	out, _, err := run(t, clusterObjects(), "tree")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "tree", []byte(out))
}

func TestAuditVerifyCommand(t *testing.T) {
	intact := chain(t, 4)
	tampered := chain(t, 4)
	tampered[1].Event = "Rejected"
	blue := &unionsv1.Alliance{ObjectMeta: metav1.ObjectMeta{Name: "blue-pact"}}
	blue.Status.FormerMembers = []unionsv1.FormerMember{{Namespace: "team-a", ExitTreaty: "leave-blue", Digest: intact[3].Digest}}

	t.Run("intact and pinned by the union", func(t *testing.T) {
		out, errOut, err := run(t, []client.Object{treaty(unionsv1.TreatyEffective, intact), blue}, "audit", "verify", "leave-blue")
		if err != nil || errOut != "" {
			t.Fatalf("err %v, stderr %q", err, errOut)
		}
		golden(t, "audit-intact-pinned", []byte(out))
	})
	t.Run("broken exits with ErrReported", func(t *testing.T) {
		out, _, err := run(t, []client.Object{treaty(unionsv1.TreatyCoolingOff, tampered)}, "audit", "verify", "leave-blue")
		if !errors.Is(err, ErrReported) {
			t.Fatalf("err = %v, want ErrReported", err)
		}
		if !strings.HasPrefix(out, "BROKEN: ExitTreaty team-a/leave-blue: first broken seq 2 of 4 entries: digest mismatch") {
			t.Errorf("out = %q", out)
		}
	})
	t.Run("truncated chain of an Effective treaty", func(t *testing.T) {
		out, _, err := run(t, []client.Object{treaty(unionsv1.TreatyEffective, intact[:2]), blue}, "audit", "verify", "leave-blue")
		if !errors.Is(err, ErrReported) || !strings.Contains(out, "entries are missing from the end") {
			t.Errorf("err %v, out %q", err, out)
		}
	})
	t.Run("union unreadable: verified, with a note", func(t *testing.T) {
		out, errOut, err := run(t, []client.Object{treaty(unionsv1.TreatyEffective, intact)}, "audit", "verify", "leave-blue")
		if err != nil || !strings.HasPrefix(out, "OK: ") || !strings.HasPrefix(errOut, "Note: the head digest is not compared") {
			t.Errorf("err %v, out %q, stderr %q", err, out, errOut)
		}
	})
	t.Run("treaty not found", func(t *testing.T) {
		_, _, err := run(t, nil, "audit", "verify", "leave-blue")
		if !apierrors.IsNotFound(err) {
			t.Errorf("err = %v, want NotFound", err)
		}
	})
	t.Run("needs a treaty name", func(t *testing.T) {
		if _, _, err := run(t, nil, "audit", "verify"); err == nil {
			t.Error("no error without a treaty name")
		}
	})
}

func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		out, _, err := run(t, nil, "completion", shell)
		if err != nil || !strings.Contains(out, "kubectl-unions") {
			t.Errorf("completion %s: err %v, %d bytes without the command's name", shell, err, len(out))
		}
	}
	other := treaty(unionsv1.TreatyProposed, nil)
	other.Name = "stay"
	objs := []client.Object{treaty(unionsv1.TreatyCoolingOff, nil), other}
	out, _, err := run(t, objs, "__complete", "audit", "verify", "lea")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "leave-blue\tCoolingOff\n") || strings.Contains(out, "stay") {
		t.Errorf("treaty completion = %q", out)
	}
}

func TestStatusCommandPrintsObjects(t *testing.T) {
	u := sampleUnions()
	objs := []client.Object{&u.Alliances[1], &u.Coalitions[0]}
	out, _, err := run(t, objs, "status", "-o", "yaml")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "status-yaml", []byte(out))

	out, _, err = run(t, objs, "tree", "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `"kind": "List"`) || !strings.Contains(out, `"name": "blue-pact"`) || !strings.Contains(out, `"kind": "Coalition"`) {
		t.Errorf("tree -o json printed:\n%s", out)
	}

	_, _, err = run(t, objs, "status", "-o", "wide")
	if err == nil || !strings.Contains(err.Error(), `unknown output format "wide"`) {
		t.Errorf("-o wide: %v", err)
	}
}

// runAs runs a command as a user who may read only namespace team-a: every
// list or get of a cluster-scoped union is refused, except the unions in
// readable.
func runAs(t *testing.T, objs []client.Object, readable map[string]bool, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	refuse := func(obj runtime.Object, name string) error {
		gvk, _ := apiutil.GVKForObject(obj, Scheme())
		return apierrors.NewForbidden(unionsv1.GroupVersion.WithResource(strings.ToLower(gvk.Kind)).GroupResource(), name, errors.New("no RBAC"))
	}
	c := fake.NewClientBuilder().WithScheme(Scheme()).WithObjects(objs...).WithInterceptorFuncs(interceptor.Funcs{
		List: func(ctx context.Context, c client.WithWatch, list client.ObjectList, opts ...client.ListOption) error {
			if _, ok := list.(*unionsv1.MembershipList); !ok {
				return refuse(list, "")
			}
			lo := (&client.ListOptions{}).ApplyOptions(opts)
			if lo.Namespace != "team-a" {
				return refuse(list, "")
			}
			return c.List(ctx, list, opts...)
		},
		Get: func(ctx context.Context, c client.WithWatch, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
			if !readable[key.Name] {
				return refuse(obj, key.Name)
			}
			return c.Get(ctx, key, obj, opts...)
		},
	}).Build()
	streams, _, out, errOut := genericiooptions.NewTestIOStreams()
	cmd := newRootCommand(streams, fakeCluster{c: c, ns: "team-a"})
	cmd.SetArgs(args)
	err = cmd.ExecuteContext(t.Context())
	return out.String(), errOut.String(), err
}

func TestTenantWithoutClusterReadSeesTheirMemberships(t *testing.T) {
	membership := func(ns, name string, ref unionsv1.UnionReference, standing unionsv1.Standing, agents int32, reason string) *unionsv1.Membership {
		m := &unionsv1.Membership{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
		m.Spec.Union = ref
		m.Status.Standing, m.Status.AgentCount = standing, agents
		m.Status.Conditions = []metav1.Condition{ready(metav1.ConditionTrue, reason)}
		return m
	}
	objs := append(clusterObjects(),
		membership("team-a", "join-blue", unionsv1.UnionReference{Kind: unionsv1.KindAlliance, Name: "blue-pact"}, unionsv1.StandingActive, 4, "Active"),
		membership("team-a", "join-incident", unionsv1.UnionReference{Kind: unionsv1.KindCoalition, Name: "incident-42"}, unionsv1.StandingActive, 3, "Active"),
		membership("team-b", "join-blue", unionsv1.UnionReference{Kind: unionsv1.KindAlliance, Name: "blue-pact"}, unionsv1.StandingCoolingOff, 2, "CoolingOff"),
	)
	for _, command := range []string{"status", "tree"} {
		out, _, err := runAs(t, objs, map[string]bool{"blue-pact": true}, command)
		if err != nil {
			t.Fatalf("%s: %v", command, err)
		}
		golden(t, "tenancy", []byte(out))
	}

	out, _, err := runAs(t, objs, nil, "status", "-o", "yaml")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(out, "\n  kind: Membership") != 2 || strings.Count(out, "\n- apiVersion:") != 2 || strings.Contains(out, "team-b") {
		t.Errorf("status -o yaml as a tenant printed:\n%s", out)
	}

	_, errOut, err := runAs(t, nil, nil, "tree")
	if err != nil || !strings.Contains(errOut, "namespace team-a has no Memberships") {
		t.Errorf("no Memberships: %q, %v", errOut, err)
	}
}

func TestVersion(t *testing.T) {
	out, _, err := run(t, nil, "--version")
	if err != nil || !strings.HasPrefix(out, "kubectl unions version ") {
		t.Errorf("--version printed %q, %v", out, err)
	}
}
