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
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/controller/proposal"
)

// attack is one hostile input: what a tenant (who owns only its namespaces)
// or a founder (who may only create unions) tries, written from the
// attacker's side, and the assertions that it fails. Each is a row of the
// hostile-input table of docs/security.md.
type attack struct {
	name string
	run  func()
}

// harmless is a motion no member minds.
var harmless = unionsv1.ProposalAction{Type: unionsv1.ActionAmend, Text: "meet on Mondays"}

// deleteAndWait deletes an object and waits until it is gone.
func deleteAndWait(obj client.Object) {
	GinkgoHelper()
	Expect(k8sClient.Delete(ctx, obj)).To(Succeed())
	Eventually(gone(obj)).Should(BeTrue())
}

var governanceAttacks = []attack{
	{"Ballot replay: a member collects votes on a harmless Amend, deletes it and files an Expel under the same name", func() {
		attacker, ally, victim := newNamespace(nil), newNamespace(nil), newNamespace(nil)
		ref := governedFederation("", []string{attacker, ally, victim}, nil)
		joinAll(ref, attacker, ally, victim)
		p := propose(attacker, "motion", ref, harmless)
		b1 := vote(attacker, "motion", p, unionsv1.ChoiceFor)
		b2 := vote(ally, "motion", p, unionsv1.ChoiceFor)
		Eventually(ballotStatus(b1)).Should(countedAs(true, proposal.ReasonCounted))
		Eventually(ballotStatus(b2)).Should(countedAs(true, proposal.ReasonCounted))

		deleteAndWait(p)
		expel := propose(attacker, "motion", ref, unionsv1.ProposalAction{Type: unionsv1.ActionExpel, Namespace: victim})
		Eventually(proposalStatus(expel)).Should(And(HaveField("Phase", unionsv1.ProposalOpen),
			HaveField("Tally", HaveValue(Equal(unionsv1.Tally{Eligible: 3})))), "the old ballots count for nothing")
		Eventually(ballotStatus(b2)).Should(countedAs(false, proposal.ReasonSubjectReplaced))
		Consistently(proposalStatus(expel)).Should(HaveField("Tally", HaveValue(HaveField("For", BeZero()))))
	}},
	{"Mediator replay: an approval of a withdrawn, deleted treaty approves a new treaty of the same name", func() {
		member, mediator := newNamespace(nil), newNamespace(nil)
		ref := exitUnion(unionsv1.KindAlliance, []string{member, mediator}, unionsv1.Separation{CoolOff: hours(24), Mediators: []string{mediator}})
		joinAll(ref, member, mediator)
		t := fileTreaty(member, "leave", ref, func(t *unionsv1.ExitTreaty) { t.Spec.CoolOff = hours(48) })
		Eventually(treatyPhase(t)).Should(Equal(unionsv1.TreatyMediation))
		approval := fileBallot(mediator, "approve", t, unionsv1.ChoiceFor)
		Eventually(treatyPhase(t)).Should(Equal(unionsv1.TreatyCoolingOff))
		exitPatch(t, func(t *unionsv1.ExitTreaty) { t.Spec.Withdrawn = true })
		Eventually(treatyPhase(t)).Should(Equal(unionsv1.TreatyWithdrawn))

		deleteAndWait(t)
		renewed := fileTreaty(member, "leave", ref, func(t *unionsv1.ExitTreaty) {
			t.Spec.CoolOff = hours(24)
			t.Spec.Assets = []unionsv1.Asset{{Kind: "ConfigMap", Disposition: unionsv1.AssetRetain}}
		})
		Eventually(treatyPhase(renewed)).Should(Equal(unionsv1.TreatyMediation))
		Consistently(treatyPhase(renewed)).Should(Equal(unionsv1.TreatyMediation), "the old approval does not approve new terms")
		Eventually(ballotStatus(approval)).Should(countedAs(false, proposal.ReasonSubjectReplaced))
	}},
	{"Decisions of a dead union: a Dissolve and an Expel passed in a deleted coalition bind a new coalition of the same name", func() {
		a, b := newNamespace(nil), newNamespace(nil)
		name := uniqueName("reborn")
		lifetime := func(c *unionsv1.Coalition) {
			c.Spec.Duration = &metav1.Duration{Duration: lifetimeOnClock(72 * time.Hour)}
		}
		old := newCoalitionOf(name, []string{a, b}, lifetime)
		ms := joinAll(coalitionRefTo(name), a, b)
		expel := propose(a, "expel", coalitionRefTo(name), unionsv1.ProposalAction{Type: unionsv1.ActionExpel, Namespace: b})
		vote(a, "expel", expel, unionsv1.ChoiceFor)
		vote(b, "expel", expel, unionsv1.ChoiceFor)
		dissolve := propose(a, "dissolve", coalitionRefTo(name), unionsv1.ProposalAction{Type: unionsv1.ActionDissolve})
		vote(a, "dissolve", dissolve, unionsv1.ChoiceFor)
		vote(b, "dissolve", dissolve, unionsv1.ChoiceFor)
		Eventually(proposalStatus(dissolve)).Should(HaveField("Phase", unionsv1.ProposalPassed))
		Eventually(proposalStatus(expel)).Should(HaveField("Phase", unionsv1.ProposalPassed))
		Eventually(func(g Gomega) { g.Expect(getCoalition(g, name).Status.Phase).To(Equal(unionsv1.CoalitionDissolved)) }).Should(Succeed())

		deleteAndWait(old)
		for _, m := range ms {
			deleteAndWait(m)
		}
		newCoalitionOf(name, []string{a, b}, lifetime)
		again := joinAll(coalitionRefTo(name), a, b)
		Consistently(func(g Gomega) {
			c := getCoalition(g, name)
			g.Expect(c.Status.Phase).NotTo(Equal(unionsv1.CoalitionDissolved))
			g.Expect(c.Status.Decisions).To(BeEmpty())
		}).Should(Succeed())
		Expect(standing(again[1])()).To(Equal(unionsv1.StandingActive), "the expulsion was decided in another union")
	}},
	{"Nesting without consent: children a parent never admitted outvote its members and bind its standards", func() {
		p1, p2 := newNamespace(nil), newNamespace(nil)
		parent := governedFederation("", []string{p1, p2}, func(f *unionsv1.Federation) {
			f.Spec.Constitution.Standards = []unionsv1.FederationStandard{{Standard: unionsv1.Standard{
				Name: "small", Expression: "true", Action: unionsv1.StandardDeny}}}
		})
		joinAll(parent, p1, p2)
		var intruders []string
		var children []unionsv1.UnionReference
		for range 3 {
			ns := newNamespace(nil)
			child := &unionsv1.Federation{ObjectMeta: metav1.ObjectMeta{Name: uniqueName("intruder")}}
			child.Spec.Parent = parent.Name
			child.Spec.Admission.Namespaces = []string{ns}
			Expect(k8sClient.Create(ctx, child)).To(Succeed())
			DeferCleanup(func() { _ = k8sClient.Delete(ctx, child) })
			joinAll(unionsv1.Reference(child), ns)
			intruders, children = append(intruders, ns), append(children, unionsv1.Reference(child))
		}
		expel := propose(intruders[0], "expel", parent, unionsv1.ProposalAction{Type: unionsv1.ActionExpel, Namespace: p2})
		Eventually(proposalStatus(expel)).Should(And(HaveField("Phase", unionsv1.ProposalRejected),
			HaveField("Conditions", ContainElement(HaveField("Reason", proposal.ReasonNotAMember)))))
		for _, c := range children {
			Eventually(federationCondition(c.Name, unionsv1.ConditionNested)).Should(HaveField("Reason", unionsv1.ReasonNotAdmitted))
		}
		Consistently(func() []string { return governedFederationStatus(parent)().Children }).Should(BeEmpty())
		var bindings admissionregistrationv1.ValidatingAdmissionPolicyBindingList
		Expect(k8sClient.List(ctx, &bindings, client.MatchingLabels{unionsv1.UnionLabel: parent.LabelValue()})).To(Succeed())
		Expect(bindings.Items).NotTo(BeEmpty())
		for _, b := range bindings.Items {
			for _, c := range children {
				Expect(b.Spec.MatchResources.NamespaceSelector.String()).NotTo(ContainSubstring(c.Name),
					"the parent's policy binds the members of a child it never admitted")
			}
		}
	}},
	{"Snap vote: a proposer closes an Expel after 5 seconds with its own vote", func() {
		attacker, victim := newNamespace(nil), newNamespace(nil)
		period := lifetimeOnClock(72 * time.Hour)
		ref := governedFederation("", []string{attacker, victim}, func(f *unionsv1.Federation) {
			f.Spec.Governance.VotingPeriod = &metav1.Duration{Duration: period}
		})
		ms := joinAll(ref, attacker, victim)
		expel := propose(attacker, "snap", ref, unionsv1.ProposalAction{Type: unionsv1.ActionExpel, Namespace: victim},
			func(p *unionsv1.Proposal) { p.Spec.ClosesAfter = &metav1.Duration{Duration: 5 * time.Second} })
		vote(attacker, "snap", expel, unionsv1.ChoiceFor)
		Eventually(proposalStatus(expel)).Should(HaveField("Tally", HaveValue(HaveField("For", BeEquivalentTo(1)))))
		clk.Step(10 * time.Second)
		Consistently(proposalStatus(expel)).Should(HaveField("Phase", unionsv1.ProposalOpen))
		Expect(standing(ms[1])()).To(Equal(unionsv1.StandingActive))
		Expect(proposalStatus(expel)().ClosesAt.Time).To(BeTemporally(">=", getProposal(expel).CreationTimestamp.Add(period)))

		By("the member has the voting period to vote, and does")
		vote(victim, "snap", expel, unionsv1.ChoiceAgainst)
		Eventually(proposalStatus(expel)).Should(HaveField("Phase", unionsv1.ProposalRejected))
		Expect(standing(ms[1])()).To(Equal(unionsv1.StandingActive))
	}},
	{"Decisions undone: the proposer deletes a Passed Expel to re-admit, or a Passed Admit to un-admit", func() {
		a, b, c, newcomer := newNamespace(nil), newNamespace(nil), newNamespace(nil), newNamespace(nil)
		ref := governedFederation("", []string{a, b, c}, nil)
		ms := joinAll(ref, a, b, c)
		expel := propose(a, "expel", ref, unionsv1.ProposalAction{Type: unionsv1.ActionExpel, Namespace: c})
		admit := propose(a, "admit", ref, unionsv1.ProposalAction{Type: unionsv1.ActionAdmit, Namespace: newcomer})
		for _, ns := range []string{a, b, c} {
			vote(ns, "expel", expel, unionsv1.ChoiceFor)
			vote(ns, "admit", admit, unionsv1.ChoiceFor)
		}
		Eventually(standing(ms[2])).Should(Equal(unionsv1.StandingEnded))
		joiner := newMembership(newcomer, "join", ref)
		Eventually(standing(joiner)).Should(Equal(unionsv1.StandingActive))

		deleteAndWait(expel)
		deleteAndWait(admit)
		Consistently(standing(ms[2])).Should(Equal(unionsv1.StandingEnded), "the expulsion stands")
		Expect(standing(joiner)()).To(Equal(unionsv1.StandingActive), "the admission stands")
		Expect(governedFederationStatus(ref)().Decisions).To(ContainElements(
			HaveField("Proposal", a+"/expel"), HaveField("Proposal", a+"/admit")))
	}},
}

func attackEntries(attacks []attack) []TableEntry {
	out := make([]TableEntry, len(attacks))
	for i, a := range attacks {
		out[i] = Entry(a.name, a.run)
	}
	return out
}

// hostileInputs are every attack of the table.
func hostileInputs() []attack {
	return slices.Concat(governanceAttacks, sovereigntyAttacks)
}

var _ = Describe("Hostile input", func() {
	DescribeTable("fails, tried from the attacker's side", func(run func()) { run() }, attackEntries(hostileInputs()))

	It("is documented, attack by attack, in docs/security.md", func() {
		raw, err := os.ReadFile(filepath.Join(repoRoot, "docs", "security.md"))
		Expect(err).NotTo(HaveOccurred())
		for _, a := range hostileInputs() {
			Expect(string(raw)).To(ContainSubstring("| "+a.name+" |"), "docs/security.md misses %q", a.name)
		}
		Expect(strings.Count(string(raw), "\n| ")).To(BeNumerically(">=", len(hostileInputs())))
	})
})
