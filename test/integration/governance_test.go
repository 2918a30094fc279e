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
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/admission"
	"github.com/kos-dev/union-operator/internal/controller/coalition"
	"github.com/kos-dev/union-operator/internal/controller/proposal"
)

var _ = Describe("Governance", func() {
	amend := unionsv1.ProposalAction{Type: unionsv1.ActionAmend, Text: "members publish their agents' runbooks"}

	It("counts direct votes, passes a proposal once every member has voted, and never re-tallies it", func() {
		a, b := newNamespace(nil), newNamespace(nil)
		ref := governedFederation("", []string{a, b}, nil)
		joinAll(ref, a, b)

		p := propose(a, "runbooks", ref, amend)
		Eventually(proposalStatus(p)).Should(And(
			HaveField("Phase", unionsv1.ProposalOpen),
			HaveField("Tally", HaveValue(Equal(unionsv1.Tally{Eligible: 2}))),
			HaveField("ClosesAt", Not(BeNil())),
			HaveField("Conditions", ContainElement(And(
				HaveField("Type", unionsv1.ConditionReconciling), HaveField("Status", metav1.ConditionTrue),
				HaveField("Message", HavePrefix("0 of 2 voted; closes at "))))),
		))
		got := getProposal(p)
		Expect(got.Status.ClosesAt.Time).To(BeTemporally("==", got.CreationTimestamp.Add(got.Spec.ClosesAfter.Duration)), "closesAt = creation + closesAfter")

		yesA := vote(a, "yes", p, unionsv1.ChoiceFor)
		Eventually(proposalStatus(p)).Should(And(HaveField("Phase", unionsv1.ProposalOpen),
			HaveField("Tally", HaveValue(Equal(unionsv1.Tally{For: 1, Eligible: 2})))))
		Eventually(ballotStatus(yesA)).Should(countedAs(true, proposal.ReasonCounted))

		yesB := vote(b, "yes", p, unionsv1.ChoiceFor)
		Eventually(proposalStatus(p)).Should(And(
			HaveField("Phase", unionsv1.ProposalPassed),
			HaveField("Tally", HaveValue(Equal(unionsv1.Tally{For: 2, Eligible: 2}))),
			HaveField("DecidedAt", Not(BeNil())),
			HaveField("Conditions", ContainElement(And(
				HaveField("Type", unionsv1.ConditionReady), HaveField("Status", metav1.ConditionTrue), HaveField("Reason", "Passed")))),
		))
		Eventually(ballotStatus(yesB)).Should(countedAs(true, proposal.ReasonCounted))

		By("the federation's consensus records the decision")
		Eventually(func() *unionsv1.Consensus { return governedFederationStatus(ref)().Consensus }).Should(And(
			Not(BeNil()),
			HaveField("OpenProposals", BeEmpty()),
			HaveField("Decisions", ContainElement(And(HaveField("Name", p.Name), HaveField("Outcome", unionsv1.ProposalPassed),
				HaveField("Action", unionsv1.ActionAmend), HaveField("Text", amend.Text)))),
		))

		By("a ballot changed after the decision is Closed, and the decision stands")
		changeChoice(yesB, unionsv1.ChoiceAgainst)
		Eventually(ballotStatus(yesB)).Should(countedAs(false, proposal.ReasonClosed))
		Consistently(proposalStatus(p)).Should(And(HaveField("Phase", unionsv1.ProposalPassed),
			HaveField("Tally", HaveValue(Equal(unionsv1.Tally{For: 2, Eligible: 2})))))
		Expect(ballotStatus(yesA)()).To(countedAs(true, proposal.ReasonCounted), "a ballot the decision was made with stays counted")
	})

	It("counts a delegated vote, and a member's own ballot overrides its delegate", func() {
		a, b, c := newNamespace(nil), newNamespace(nil), newNamespace(nil)
		ref := governedFederation("", []string{a, b, c}, nil)
		joinAll(ref, a, b)
		joinWith(ref, func(m *unionsv1.Membership) { m.Spec.Delegate = a }, c)

		p := propose(a, "delegation", ref, amend)
		vote(a, "yes", p, unionsv1.ChoiceFor)
		By("c is represented by its delegate a")
		Eventually(proposalStatus(p)).Should(And(HaveField("Phase", unionsv1.ProposalOpen),
			HaveField("Tally", HaveValue(Equal(unionsv1.Tally{For: 2, Eligible: 3, Delegated: 1})))))

		By("c's own ballot overrides the delegation")
		own := vote(c, "no", p, unionsv1.ChoiceAgainst)
		Eventually(proposalStatus(p)).Should(And(HaveField("Phase", unionsv1.ProposalOpen),
			HaveField("Tally", HaveValue(Equal(unionsv1.Tally{For: 1, Against: 1, Eligible: 3})))))
		Eventually(ballotStatus(own)).Should(countedAs(true, proposal.ReasonCounted))

		vote(b, "no", p, unionsv1.ChoiceAgainst)
		Eventually(proposalStatus(p)).Should(And(HaveField("Phase", unionsv1.ProposalRejected),
			HaveField("Tally", HaveValue(Equal(unionsv1.Tally{For: 1, Against: 2, Eligible: 3})))))
	})

	It("counts a delegation cycle as abstention", func() {
		a, b, c := newNamespace(nil), newNamespace(nil), newNamespace(nil)
		ref := governedFederation("", []string{a, b, c}, nil)
		joinWith(ref, func(m *unionsv1.Membership) { m.Spec.Delegate = b }, a)
		joinWith(ref, func(m *unionsv1.Membership) { m.Spec.Delegate = a }, b)
		joinAll(ref, c)

		p := propose(c, "cycle", ref, amend)
		vote(c, "yes", p, unionsv1.ChoiceFor)
		Eventually(proposalStatus(p)).Should(And(HaveField("Phase", unionsv1.ProposalPassed),
			HaveField("Tally", HaveValue(Equal(unionsv1.Tally{For: 1, Abstain: 2, Eligible: 3})))))
	})

	It("ignores ballots and proposals from namespaces that are not members, and duplicate ballots", func() {
		a, b, outsider := newNamespace(nil), newNamespace(nil), newNamespace(nil)
		ref := governedFederation("", []string{a, b}, nil)
		joinAll(ref, a, b)

		p := propose(a, "outsiders", ref, amend)
		stranger := vote(outsider, "yes", p, unionsv1.ChoiceFor)
		Eventually(ballotStatus(stranger)).Should(countedAs(false, proposal.ReasonNotAMember))
		first := vote(a, "first", p, unionsv1.ChoiceFor)
		Eventually(ballotStatus(first)).Should(countedAs(true, proposal.ReasonCounted))
		second := vote(a, "second", p, unionsv1.ChoiceAgainst)
		Eventually(ballotStatus(second)).Should(countedAs(false, proposal.ReasonDuplicate))
		Consistently(proposalStatus(p)).Should(And(HaveField("Phase", unionsv1.ProposalOpen),
			HaveField("Tally", HaveValue(Equal(unionsv1.Tally{For: 1, Eligible: 2})))))

		By("a proposal filed outside the union is rejected without a vote")
		refused := propose(outsider, "takeover", ref, unionsv1.ProposalAction{Type: unionsv1.ActionDissolve})
		Eventually(proposalStatus(refused)).Should(And(
			HaveField("Phase", unionsv1.ProposalRejected),
			HaveField("Tally", BeNil()),
			HaveField("Conditions", ContainElement(And(HaveField("Type", unionsv1.ConditionStalled),
				HaveField("Status", metav1.ConditionTrue), HaveField("Reason", proposal.ReasonNotAMember)))),
		))
		late := vote(a, "late", refused, unionsv1.ChoiceFor)
		Eventually(ballotStatus(late)).Should(countedAs(false, proposal.ReasonClosed))
		Consistently(governedFederationStatus(ref)).ShouldNot(HaveField("Phase", unionsv1.FederationDissolved))
	})

	It("expires a proposal that misses its quorum when it closes, at closesAt and not before", func() {
		a, b, c := newNamespace(nil), newNamespace(nil), newNamespace(nil)
		period := lifetimeOnClock(time.Hour)
		ref := governedFederation("", []string{a, b, c}, func(f *unionsv1.Federation) {
			f.Spec.Governance.VotingPeriod = &metav1.Duration{Duration: period}
		})
		joinAll(ref, a, b, c)

		p := propose(a, "quorum", ref, amend, func(p *unionsv1.Proposal) { p.Spec.ClosesAfter = nil })
		vote(a, "yes", p, unionsv1.ChoiceFor)
		Eventually(proposalStatus(p)).Should(HaveField("Tally", HaveValue(Equal(unionsv1.Tally{For: 1, Eligible: 3}))))
		closesAt := proposalStatus(p)().ClosesAt.Time
		Expect(closesAt).To(BeTemporally("==", getProposal(p).CreationTimestamp.Add(period)), "closesAt = creation + the federation's votingPeriod")

		// The clock keeps running in real time: stay clear of closesAt while
		// checking that nothing happens before it.
		clk.SetTo(closesAt.Add(-5 * time.Second))
		Consistently(proposalStatus(p), 2*time.Second).Should(HaveField("Phase", unionsv1.ProposalOpen))
		clk.SetTo(closesAt.Add(time.Second)) // a second's grace: the work queue's deadline is a hair past closesAt
		Eventually(proposalStatus(p)).Should(And(
			HaveField("Phase", unionsv1.ProposalExpired),
			HaveField("Tally", HaveValue(Equal(unionsv1.Tally{For: 1, Eligible: 3}))),
			HaveField("Conditions", ContainElement(And(HaveField("Type", unionsv1.ConditionReady),
				HaveField("Status", metav1.ConditionTrue), HaveField("Reason", "Expired")))),
		))
	})

	It("rejects a proposal that misses the federation's threshold", func() {
		a, b, c := newNamespace(nil), newNamespace(nil), newNamespace(nil)
		ref := governedFederation("", []string{a, b, c}, func(f *unionsv1.Federation) {
			f.Spec.Governance.Threshold = "70%"
		})
		joinAll(ref, a, b, c)

		p := propose(a, "threshold", ref, amend)
		vote(a, "yes", p, unionsv1.ChoiceFor)
		vote(b, "yes", p, unionsv1.ChoiceFor)
		vote(c, "no", p, unionsv1.ChoiceAgainst)
		Eventually(proposalStatus(p)).Should(And(
			HaveField("Phase", unionsv1.ProposalRejected),
			HaveField("Tally", HaveValue(Equal(unionsv1.Tally{For: 2, Against: 1, Eligible: 3}))),
			HaveField("Conditions", ContainElement(And(HaveField("Type", unionsv1.ConditionReady),
				HaveField("Status", metav1.ConditionTrue), HaveField("Reason", "Rejected"),
				HaveField("Message", ContainSubstring("more than 70% for"))))),
		))
	})

	It("counts a child federation as one Bloc vote or its members as Direct voters: the same ballots, different outcomes", func() {
		p1, c1, c2, c3 := newNamespace(nil), newNamespace(nil), newNamespace(nil), newNamespace(nil)
		children := []string{c1, c2, c3}
		outcome := map[unionsv1.Strata]*unionsv1.Proposal{}
		for _, strata := range []unionsv1.Strata{unionsv1.StrataBloc, unionsv1.StrataDirect} {
			parent := governedFederation("", []string{p1}, nil)
			child := governedFederation(parent.Name, children, func(f *unionsv1.Federation) { f.Spec.Governance.Strata = strata })
			joinAll(parent, p1)
			joinAll(child, children...)

			p := propose(p1, "amend-"+strings.ToLower(string(strata)), parent, amend)
			vote(p1, "no-"+p.Name, p, unionsv1.ChoiceAgainst)
			for _, ns := range children {
				b := vote(ns, "yes-"+p.Name, p, unionsv1.ChoiceFor)
				Eventually(ballotStatus(b)).Should(countedAs(true, proposal.ReasonCounted), "a child member's ballot counts under %s", strata)
			}
			outcome[strata] = p
		}
		By("Bloc: the child votes Yes as one voter against the parent's member's No: a tie fails")
		Eventually(proposalStatus(outcome[unionsv1.StrataBloc])).Should(And(
			HaveField("Phase", unionsv1.ProposalRejected),
			HaveField("Tally", HaveValue(Equal(unionsv1.Tally{For: 1, Against: 1, Eligible: 2})))))
		By("Direct: the child's three members vote Yes individually and carry it")
		Eventually(proposalStatus(outcome[unionsv1.StrataDirect])).Should(And(
			HaveField("Phase", unionsv1.ProposalPassed),
			HaveField("Tally", HaveValue(Equal(unionsv1.Tally{For: 3, Against: 1, Eligible: 4})))))
	})

	It("admits a namespace that is not invited once an Admit proposal passes", func() {
		a, b, newcomer := newNamespace(nil), newNamespace(nil), newNamespace(nil)
		ref := governedFederation("", []string{a, b}, nil)
		joinAll(ref, a, b)
		m := newMembership(newcomer, "join", ref)
		Eventually(readyReason(m)).Should(Equal(unionsv1.ReasonNotInvited))

		p := propose(a, "admit", ref, unionsv1.ProposalAction{Type: unionsv1.ActionAdmit, Namespace: newcomer})
		Consistently(standing(m), time.Second).Should(Equal(unionsv1.StandingPending), "an open proposal admits no one")
		vote(a, "yes", p, unionsv1.ChoiceFor)
		vote(b, "yes", p, unionsv1.ChoiceFor)
		Eventually(proposalStatus(p)).Should(HaveField("Phase", unionsv1.ProposalPassed))
		Eventually(standing(m)).Should(Equal(unionsv1.StandingActive))
	})

	It("expels a member once an Expel proposal passes, records it, and re-admits it by a later Admit", func() {
		a, b, c := newNamespace(nil), newNamespace(nil), newNamespace(nil)
		ref := governedFederation("", []string{a, b, c}, nil)
		agent := agentDeployment(c, "planner", nil)
		joinAll(ref, a, b)
		m := joinAll(ref, c)[0]
		Eventually(labelsOf(agent)).Should(HaveKeyWithValue(badgeKey(ref), "member"))
		Eventually(namespaceLabels(c)).Should(HaveKey(badgeKey(ref)))

		p := propose(a, "expel", ref, unionsv1.ProposalAction{Type: unionsv1.ActionExpel, Namespace: c, Text: "broke the quota"})
		vote(a, "yes", p, unionsv1.ChoiceFor)
		vote(b, "yes", p, unionsv1.ChoiceFor)
		vote(c, "no", p, unionsv1.ChoiceAgainst)
		Eventually(proposalStatus(p)).Should(And(HaveField("Phase", unionsv1.ProposalPassed),
			HaveField("Tally", HaveValue(Equal(unionsv1.Tally{For: 2, Against: 1, Eligible: 3})))))

		Eventually(standing(m)).Should(Equal(unionsv1.StandingEnded))
		Expect(readyReason(m)()).To(Equal(admission.ReasonExpelled))
		Eventually(labelsOf(agent)).ShouldNot(HaveKey(badgeKey(ref)))
		Eventually(namespaceLabels(c)).ShouldNot(HaveKey(badgeKey(ref)))
		Eventually(formerMembers(ref)).Should(ConsistOf(And(
			HaveField("Namespace", c), HaveField("Proposal", a+"/expel"), HaveField("ExitTreaty", ""),
			HaveField("Unilateral", false), HaveField("MembershipUID", getMembership(m).UID))))
		Consistently(formerMembers(ref), time.Second).Should(HaveLen(1), "an expulsion is recorded once")

		By("a later Admit proposal re-admits the expelled namespace")
		back := propose(a, "readmit", ref, unionsv1.ProposalAction{Type: unionsv1.ActionAdmit, Namespace: c})
		Eventually(proposalStatus(back)).Should(HaveField("Tally", HaveValue(HaveField("Eligible", int32(2)))), "the expelled namespace no longer votes")
		vote(a, "readmit", back, unionsv1.ChoiceFor)
		vote(b, "readmit", back, unionsv1.ChoiceFor)
		Eventually(standing(m)).Should(Equal(unionsv1.StandingActive))
		Eventually(labelsOf(agent)).Should(HaveKeyWithValue(badgeKey(ref), "member"))
		Expect(formerMembers(ref)()).To(HaveLen(1), "the record of the expulsion stays")
	})

	It("dissolves a federation and a coalition once a Dissolve proposal passes", func() {
		a, b := newNamespace(nil), newNamespace(nil)
		fed := governedFederation("", []string{a, b}, nil)
		coal := unionsv1.UnionReference{Kind: unionsv1.KindCoalition, Name: uniqueName("gov-coal")}
		newCoalitionOf(coal.Name, []string{a, b}, func(c *unionsv1.Coalition) {
			c.Spec.ExpiresAt = &metav1.Time{Time: clk.Now().Add(1000 * time.Hour).Truncate(time.Second)}
		})
		fm := joinAll(fed, a, b)
		cm := joinAll(coal, a, b)

		for _, ref := range []unionsv1.UnionReference{fed, coal} {
			p := propose(a, "dissolve-"+strings.ToLower(string(ref.Kind)), ref, unionsv1.ProposalAction{Type: unionsv1.ActionDissolve})
			vote(a, "dissolve-"+strings.ToLower(string(ref.Kind)), p, unionsv1.ChoiceFor)
			vote(b, "dissolve-"+strings.ToLower(string(ref.Kind)), p, unionsv1.ChoiceFor)
			Eventually(proposalStatus(p)).Should(HaveField("Phase", unionsv1.ProposalPassed))
		}
		Eventually(governedFederationStatus(fed)).Should(HaveField("Phase", unionsv1.FederationDissolved))
		Eventually(func(g Gomega) {
			c := getCoalition(g, coal.Name)
			g.Expect(c.Status.Phase).To(Equal(unionsv1.CoalitionDissolved))
			g.Expect(conditionOf(c, coalition.ConditionDissolved)).To(And(HaveField("Status", metav1.ConditionTrue),
				HaveField("Reason", coalition.ReasonVoted), HaveField("Message", ContainSubstring(a+"/dissolve-coalition"))))
		}).Should(Succeed())
		for _, m := range append(fm, cm...) {
			Eventually(standing(m)).Should(Equal(unionsv1.StandingEnded))
		}
	})

	It("reports whether a ballot on an ExitTreaty counts: a mediator's does, anyone else's does not", func() {
		member, mediator, outsider := newNamespace(nil), newNamespace(nil), newNamespace(nil)
		u := &unionsv1.Alliance{ObjectMeta: metav1.ObjectMeta{Name: uniqueName("gov-ally")}}
		u.Spec.Admission.Namespaces = []string{member}
		u.Spec.Separation = unionsv1.Separation{CoolOff: &metav1.Duration{Duration: time.Hour}, Mediators: []string{mediator}}
		Expect(k8sClient.Create(ctx, u)).To(Succeed())
		DeferCleanup(func() { _ = k8sClient.Delete(ctx, u) })
		ref := unionsv1.Reference(u)
		joinAll(ref, member)

		t := fileTreaty(member, "leave", ref)
		Eventually(treatyPhase(t)).Should(Equal(unionsv1.TreatyMediation))
		own := fileBallot(member, "self", t, unionsv1.ChoiceFor)
		stranger := fileBallot(outsider, "stranger", t, unionsv1.ChoiceFor)
		Eventually(ballotStatus(own)).Should(countedAs(false, proposal.ReasonNotAMember))
		Eventually(ballotStatus(stranger)).Should(countedAs(false, proposal.ReasonNotAMember))
		Consistently(treatyPhase(t), time.Second).Should(Equal(unionsv1.TreatyMediation))

		approval := fileBallot(mediator, "approve", t, unionsv1.ChoiceFor)
		Eventually(ballotStatus(approval)).Should(countedAs(true, proposal.ReasonCounted))
		Eventually(treatyPhase(t)).Should(Equal(unionsv1.TreatyCoolingOff))
		Consistently(ballotStatus(approval), time.Second).Should(countedAs(true, proposal.ReasonCounted))
	})
})

// governedFederation creates an InviteOnly federation inviting the given
// namespaces, nested in parent ("" for a root).
func governedFederation(parent string, invited []string, mutate func(*unionsv1.Federation)) unionsv1.UnionReference {
	f := &unionsv1.Federation{ObjectMeta: metav1.ObjectMeta{Name: uniqueName("gov")}}
	f.Spec.Parent = parent
	f.Spec.Admission.Namespaces = invited
	if mutate != nil {
		mutate(f)
	}
	Expect(k8sClient.Create(ctx, f)).To(Succeed())
	DeferCleanup(func() { _ = k8sClient.Delete(ctx, f) })
	if parent != "" {
		admitChild(parent, f.Name)
	}
	return unionsv1.Reference(f)
}

// governedFederationStatus returns a federation's status.
func governedFederationStatus(ref unionsv1.UnionReference) func() unionsv1.FederationStatus {
	return func() unionsv1.FederationStatus {
		f := &unionsv1.Federation{}
		if err := k8sClient.Get(ctx, client.ObjectKey{Name: ref.Name}, f); err != nil {
			return unionsv1.FederationStatus{}
		}
		return f.Status
	}
}

// joinAll files a Membership of each namespace in a union and waits until
// they are Active.
func joinAll(ref unionsv1.UnionReference, namespaces ...string) []*unionsv1.Membership {
	return joinWith(ref, nil, namespaces...)
}

func joinWith(ref unionsv1.UnionReference, mutate func(*unionsv1.Membership), namespaces ...string) []*unionsv1.Membership {
	var out []*unionsv1.Membership
	for _, ns := range namespaces {
		var ms []func(*unionsv1.Membership)
		if mutate != nil {
			ms = append(ms, mutate)
		}
		out = append(out, newMembership(ns, "join-"+ref.Name, ref, ms...))
	}
	for _, m := range out {
		Eventually(standing(m)).Should(Equal(unionsv1.StandingActive))
	}
	return out
}

// propose files a Proposal in a namespace. It closes 72h ahead of the
// operator's clock, which earlier tests may have stepped forward past the
// default voting period after its creation.
func propose(ns, name string, ref unionsv1.UnionReference, action unionsv1.ProposalAction, mutate ...func(*unionsv1.Proposal)) *unionsv1.Proposal {
	p := &unionsv1.Proposal{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	p.Spec.Union = ref
	p.Spec.Action = action
	p.Spec.ClosesAfter = &metav1.Duration{Duration: lifetimeOnClock(72 * time.Hour)}
	for _, f := range mutate {
		f(p)
	}
	Expect(k8sClient.Create(ctx, p)).To(Succeed())
	return p
}

// vote files a Ballot on a Proposal in a namespace.
func vote(ns, name string, p *unionsv1.Proposal, choice unionsv1.Choice) *unionsv1.Ballot {
	b := &unionsv1.Ballot{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	b.Spec.Subject = unionsv1.BallotSubject{Kind: unionsv1.SubjectProposal, Namespace: p.Namespace, Name: p.Name}
	b.Spec.Choice = choice
	Expect(k8sClient.Create(ctx, b)).To(Succeed())
	return b
}

// changeChoice changes a Ballot's choice.
func changeChoice(b *unionsv1.Ballot, choice unionsv1.Choice) {
	Eventually(func() error {
		got := &unionsv1.Ballot{}
		if err := k8sClient.Get(ctx, client.ObjectKeyFromObject(b), got); err != nil {
			return err
		}
		got.Spec.Choice = choice
		return k8sClient.Update(ctx, got)
	}).Should(Succeed())
}

func getProposal(p *unionsv1.Proposal) *unionsv1.Proposal {
	got := &unionsv1.Proposal{}
	ExpectWithOffset(1, k8sClient.Get(ctx, client.ObjectKeyFromObject(p), got)).To(Succeed())
	return got
}

// proposalStatus returns a Proposal's status.
func proposalStatus(p *unionsv1.Proposal) func() unionsv1.ProposalStatus {
	return func() unionsv1.ProposalStatus {
		got := &unionsv1.Proposal{}
		if err := k8sClient.Get(ctx, client.ObjectKeyFromObject(p), got); err != nil {
			return unionsv1.ProposalStatus{}
		}
		return got.Status
	}
}

// ballotStatus returns a Ballot's status.
func ballotStatus(b *unionsv1.Ballot) func() unionsv1.BallotStatus {
	return func() unionsv1.BallotStatus {
		got := &unionsv1.Ballot{}
		if err := k8sClient.Get(ctx, client.ObjectKeyFromObject(b), got); err != nil {
			return unionsv1.BallotStatus{}
		}
		return got.Status
	}
}

// countedAs matches a Ballot's status: counted, and the reason of its Ready
// condition (True exactly when counted).
func countedAs(counted bool, reason string) OmegaMatcher {
	ready := metav1.ConditionFalse
	if counted {
		ready = metav1.ConditionTrue
	}
	return And(HaveField("Counted", counted), WithTransform(func(s unionsv1.BallotStatus) *metav1.Condition {
		return meta.FindStatusCondition(s.Conditions, unionsv1.ConditionReady)
	}, And(Not(BeNil()), HaveField("Status", ready), HaveField("Reason", reason), HaveField("Message", Not(BeEmpty())))))
}
