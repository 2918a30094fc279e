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

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/admission"
	"github.com/kos-dev/union-operator/internal/audit"
	"github.com/kos-dev/union-operator/internal/charter"
	"github.com/kos-dev/union-operator/internal/controller/exittreaty"
	"github.com/kos-dev/union-operator/internal/separation"
)

var _ = Describe("ExitTreaty", func() {
	DescribeTable("leaves a union by treaty: Proposed, CoolingOff, then Effective at effectiveAt and not before",
		func(kind unionsv1.UnionKind) {
			ns := newNamespace(nil)
			ref := exitUnion(kind, []string{ns}, unionsv1.Separation{CoolOff: minutes(2), ReintegrationAfter: minutes(24)})
			d := agentDeployment(ns, "planner", nil)
			m := newMembership(ns, "join", ref)
			Eventually(standing(m)).Should(Equal(unionsv1.StandingActive))
			Eventually(labelsOf(d)).Should(HaveKeyWithValue(badgeKey(ref), "member"))
			Eventually(exitCharter(ns, ref)).ShouldNot(BeNil())

			t := fileTreaty(ns, "leave", ref, func(t *unionsv1.ExitTreaty) {
				t.Spec.CoolOff = minutes(3)
				t.Spec.Reason = "our paths diverge"
			})
			Eventually(treatyPhase(t)).Should(Equal(unionsv1.TreatyCoolingOff))
			Eventually(standing(m)).Should(Equal(unionsv1.StandingCoolingOff))

			got := getTreaty(t)
			effectiveAt := got.Status.EffectiveAt.Time
			Expect(got.Status.Audit).To(HaveLen(2))
			Expect(effectiveAt).To(BeTemporally("==", got.Status.Audit[1].Time.Add(3*time.Minute)), "effectiveAt = start of the cool-off + coolOff")
			Expect(got.Status.Conditions).To(ContainElements(
				exitCondition(unionsv1.ConditionReady, metav1.ConditionFalse, exittreaty.ReasonCoolingOff),
				And(exitCondition(unionsv1.ConditionReconciling, metav1.ConditionTrue, exittreaty.ReasonCoolingOff),
					HaveField("Message", ContainSubstring("until "+effectiveAt.UTC().Format(time.RFC3339)))),
				exitCondition(unionsv1.ConditionAuditIntact, metav1.ConditionTrue, exittreaty.ReasonChainVerified),
			))

			By("nothing changes for the member before effectiveAt")
			clk.SetTo(effectiveAt.Add(-time.Second))
			Consistently(treatyPhase(t), time.Second).Should(Equal(unionsv1.TreatyCoolingOff))
			Expect(standing(m)()).To(Equal(unionsv1.StandingCoolingOff))
			Expect(labelsOf(d)()).To(HaveKeyWithValue(badgeKey(ref), "member"))
			Expect(namespaceLabels(ns)()).To(HaveKeyWithValue(badgeKey(ref), "member"))
			Expect(exitCharter(ns, ref)()).NotTo(BeNil())

			By("at effectiveAt the membership is Separated, its badges go and the charter is released")
			clk.SetTo(effectiveAt.Add(time.Second)) // a second's grace: the work queue's deadline is a hair past effectiveAt
			Eventually(treatyPhase(t)).Should(Equal(unionsv1.TreatyEffective))
			Eventually(standing(m)).Should(Equal(unionsv1.StandingSeparated))
			Eventually(labelsOf(d)).ShouldNot(HaveKey(badgeKey(ref)))
			Eventually(namespaceLabels(ns)).ShouldNot(HaveKey(badgeKey(ref)))
			Eventually(exitCharter(ns, ref)).Should(BeNil())

			got = getTreaty(t)
			chain := audit.FromStatus(got.Status.Audit)
			Expect(audit.Verify(chain)).To(Succeed())
			Expect(auditEvents(got)).To(Equal([]string{exittreaty.EventProposed, exittreaty.EventCoolingOff, exittreaty.EventEffective}))
			Expect(got.Status.Audit[0].Detail).To(ContainSubstring("our paths diverge"))
			Expect(got.Status.EffectiveAt.Time).To(BeTemporally("==", effectiveAt))
			Expect(got.Status.ReintegrationEligibleAt.Time).To(BeTemporally("==", effectiveAt.Add(24*time.Minute)))
			Expect(got.Status.Conditions).To(ContainElements(
				exitCondition(unionsv1.ConditionReady, metav1.ConditionTrue, exittreaty.ReasonEffective),
				exitCondition(unionsv1.ConditionAuditIntact, metav1.ConditionTrue, exittreaty.ReasonChainVerified),
			))
			Expect(meta.FindStatusCondition(got.Status.Conditions, unionsv1.ConditionReconciling)).To(BeNil())

			mbr := getMembership(m)
			Expect(mbr.Status.ReintegrationEligibleAt.Time).To(BeTemporally("==", effectiveAt.Add(24*time.Minute)))
			Expect(mbr.Status.Badge).To(BeEmpty())

			By("the union records the former member with the chain's final digest")
			Eventually(formerMembers(ref)).Should(ContainElement(And(
				HaveField("Namespace", ns), HaveField("ExitTreaty", "leave"), HaveField("Unilateral", false), HaveField("MembershipUID", mbr.UID),
				HaveField("EffectiveAt.Time", BeTemporally("==", effectiveAt)), HaveField("Digest", audit.Head(chain)))))
			Eventually(exitEvents(ns, "ExitTreaty", "leave")).Should(ContainElements(
				exittreaty.EventProposed, exittreaty.EventCoolingOff, exittreaty.EventEffective, "AssetReleased"))
		},
		Entry("from a Coalition", unionsv1.KindCoalition),
		Entry("from an Alliance", unionsv1.KindAlliance),
		Entry("from a Federation", unionsv1.KindFederation),
	)

	It("is withdrawn during the cool-off, and the membership stays untouched", func() {
		ns := newNamespace(nil)
		ref := exitUnion(unionsv1.KindAlliance, []string{ns}, unionsv1.Separation{CoolOff: minutes(1)})
		d := agentDeployment(ns, "planner", nil)
		m := newMembership(ns, "join", ref)
		Eventually(standing(m)).Should(Equal(unionsv1.StandingActive))
		since := getMembership(m).Status.ActiveSince

		t := fileTreaty(ns, "leave", ref) // the union's minimum cool-off
		Eventually(standing(m)).Should(Equal(unionsv1.StandingCoolingOff))
		effectiveAt := getTreaty(t).Status.EffectiveAt.Time
		Expect(effectiveAt).To(BeTemporally("==", getTreaty(t).Status.Audit[1].Time.Add(time.Minute)))

		exitPatch(t, func(t *unionsv1.ExitTreaty) { t.Spec.Withdrawn = true })
		Eventually(treatyPhase(t)).Should(Equal(unionsv1.TreatyWithdrawn))
		Eventually(standing(m)).Should(Equal(unionsv1.StandingActive))
		got := getTreaty(t)
		Expect(auditEvents(got)).To(Equal([]string{exittreaty.EventProposed, exittreaty.EventCoolingOff, exittreaty.EventWithdrawn}))
		Expect(audit.Verify(audit.FromStatus(got.Status.Audit))).To(Succeed())
		Expect(got.Status.Conditions).To(ContainElement(exitCondition(unionsv1.ConditionReady, metav1.ConditionTrue, exittreaty.ReasonWithdrawn)))
		Expect(getMembership(m).Status.ActiveSince).To(Equal(since), "a withdrawn exit leaves the member as it was")

		By("effectiveAt passes without effect")
		clk.SetTo(effectiveAt.Add(time.Minute))
		Consistently(standing(m)).Should(Equal(unionsv1.StandingActive))
		Expect(treatyPhase(t)()).To(Equal(unionsv1.TreatyWithdrawn))
		Expect(labelsOf(d)()).To(HaveKeyWithValue(badgeKey(ref), "member"))
		Expect(exitCharter(ns, ref)()).NotTo(BeNil())
		Expect(getTreaty(t).Status.Audit).To(HaveLen(3))
	})

	It("waits in Mediation until a mediator approves, counting no one else's ballot", func() {
		ns, mediator, outsider := newNamespace(nil), newNamespace(nil), newNamespace(nil)
		ref := exitUnion(unionsv1.KindAlliance, []string{ns}, unionsv1.Separation{CoolOff: hours(1), Mediators: []string{mediator}})
		m := newMembership(ns, "join", ref)
		Eventually(standing(m)).Should(Equal(unionsv1.StandingActive))

		t := fileTreaty(ns, "leave", ref)
		Eventually(treatyPhase(t)).Should(Equal(unionsv1.TreatyMediation))
		Expect(getTreaty(t).Status.Conditions).To(ContainElement(And(
			exitCondition(unionsv1.ConditionReconciling, metav1.ConditionTrue, exittreaty.ReasonAwaitingMediation),
			HaveField("Message", ContainSubstring(mediator)))))
		Expect(standing(m)()).To(Equal(unionsv1.StandingActive))

		By("a ballot from a namespace that is not a mediator, and the departing namespace's own, change nothing")
		fileBallot(outsider, "yes", t, unionsv1.ChoiceFor)
		fileBallot(ns, "self", t, unionsv1.ChoiceFor)
		Consistently(treatyPhase(t)).Should(Equal(unionsv1.TreatyMediation))

		By("a mediator abstaining changes nothing")
		b := fileBallot(mediator, "verdict", t, unionsv1.ChoiceAbstain)
		Consistently(treatyPhase(t)).Should(Equal(unionsv1.TreatyMediation))

		By("the mediator approves: the cool-off starts")
		Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(b), b)).To(Succeed())
		b.Spec.Choice = unionsv1.ChoiceFor
		Expect(k8sClient.Update(ctx, b)).To(Succeed())
		Eventually(treatyPhase(t)).Should(Equal(unionsv1.TreatyCoolingOff))
		Eventually(standing(m)).Should(Equal(unionsv1.StandingCoolingOff))
		got := getTreaty(t)
		Expect(auditEvents(got)).To(Equal([]string{exittreaty.EventProposed, exittreaty.EventMediationRequested,
			exittreaty.EventApprovedByMediator, exittreaty.EventCoolingOff}))
		Expect(got.Status.Audit[2].Detail).To(ContainSubstring(mediator + "/verdict"))
		Expect(audit.Verify(audit.FromStatus(got.Status.Audit))).To(Succeed())
	})

	It("is Rejected when a mediator votes No", func() {
		ns, mediator := newNamespace(nil), newNamespace(nil)
		ref := exitUnion(unionsv1.KindFederation, []string{ns}, unionsv1.Separation{Mediators: []string{mediator}})
		m := newMembership(ns, "join", ref)
		Eventually(standing(m)).Should(Equal(unionsv1.StandingActive))
		t := fileTreaty(ns, "leave", ref)
		Eventually(treatyPhase(t)).Should(Equal(unionsv1.TreatyMediation))

		fileBallot(mediator, "verdict", t, unionsv1.ChoiceAgainst)
		Eventually(treatyPhase(t)).Should(Equal(unionsv1.TreatyRejected))
		got := getTreaty(t)
		Expect(got.Status.Conditions).To(ContainElements(
			exitCondition(unionsv1.ConditionStalled, metav1.ConditionTrue, exittreaty.EventRejectedByMediator),
			exitCondition(unionsv1.ConditionReady, metav1.ConditionFalse, exittreaty.EventRejectedByMediator),
		))
		Expect(auditEvents(got)).To(Equal([]string{exittreaty.EventProposed, exittreaty.EventMediationRequested, exittreaty.EventRejectedByMediator}))
		Consistently(standing(m)).Should(Equal(unionsv1.StandingActive))
		Eventually(exitEvents(ns, "ExitTreaty", "leave")).Should(ContainElement(exittreaty.EventRejectedByMediator))
	})

	It("rejects a cool-off below the union's minimum", func() {
		ns := newNamespace(nil)
		ref := exitUnion(unionsv1.KindAlliance, []string{ns}, unionsv1.Separation{CoolOff: hours(24)})
		m := newMembership(ns, "join", ref)
		Eventually(standing(m)).Should(Equal(unionsv1.StandingActive))

		t := fileTreaty(ns, "hasty", ref, func(t *unionsv1.ExitTreaty) { t.Spec.CoolOff = hours(1) })
		Eventually(treatyPhase(t)).Should(Equal(unionsv1.TreatyRejected))
		got := getTreaty(t)
		Expect(got.Status.Conditions).To(ContainElement(And(
			exitCondition(unionsv1.ConditionStalled, metav1.ConditionTrue, exittreaty.ReasonCoolOffTooShort),
			HaveField("Message", And(ContainSubstring("1h0m0s"), ContainSubstring("24h0m0s"))))))
		Expect(auditEvents(got)).To(Equal([]string{exittreaty.EventProposed, exittreaty.EventRejected}))
		Consistently(standing(m)).Should(Equal(unionsv1.StandingActive))
	})

	It("rejects a treaty of a namespace that is not a member, and a second treaty of one that is leaving", func() {
		outsider, ns := newNamespace(nil), newNamespace(nil)
		ref := exitUnion(unionsv1.KindAlliance, []string{ns, outsider}, unionsv1.Separation{CoolOff: hours(1)})
		t := fileTreaty(outsider, "leave", ref)
		Eventually(treatyPhase(t)).Should(Equal(unionsv1.TreatyRejected))
		Expect(getTreaty(t).Status.Conditions).To(ContainElement(And(
			exitCondition(unionsv1.ConditionStalled, metav1.ConditionTrue, exittreaty.ReasonNotAMember),
			HaveField("Message", ContainSubstring(outsider)))))

		m := newMembership(ns, "join", ref)
		Eventually(standing(m)).Should(Equal(unionsv1.StandingActive))
		first := fileTreaty(ns, "first", ref)
		Eventually(treatyPhase(first)).Should(Equal(unionsv1.TreatyCoolingOff))
		second := fileTreaty(ns, "second", ref)
		Eventually(treatyPhase(second)).Should(Equal(unionsv1.TreatyRejected))
		Expect(getTreaty(second).Status.Conditions).To(ContainElement(And(
			exitCondition(unionsv1.ConditionStalled, metav1.ConditionTrue, unionsv1.ReasonDuplicate),
			HaveField("Message", ContainSubstring(`"first"`)))))
		Expect(treatyPhase(first)()).To(Equal(unionsv1.TreatyCoolingOff))
	})

	It("retains or releases the union's objects as each treaty says", func() {
		keeper, leaver := newNamespace(nil), newNamespace(nil)
		ref := exitUnion(unionsv1.KindAlliance, []string{keeper, leaver}, unionsv1.Separation{CoolOff: minutes(1)})
		mk := newMembership(keeper, "join", ref)
		ml := newMembership(leaver, "join", ref)
		Eventually(exitCharter(keeper, ref)).ShouldNot(BeNil())
		Eventually(exitCharter(leaver, ref)).ShouldNot(BeNil())

		tk := fileTreaty(keeper, "leave", ref, func(t *unionsv1.ExitTreaty) {
			t.Spec.Assets = []unionsv1.Asset{{Kind: "ConfigMap", Disposition: unionsv1.AssetRetain}}
		})
		tl := fileTreaty(leaver, "leave", ref, func(t *unionsv1.ExitTreaty) {
			t.Spec.Assets = []unionsv1.Asset{{Kind: "ConfigMap", Disposition: unionsv1.AssetRelease}}
		})
		Eventually(treatyPhase(tk)).Should(Equal(unionsv1.TreatyCoolingOff))
		Eventually(treatyPhase(tl)).Should(Equal(unionsv1.TreatyCoolingOff))
		last := getTreaty(tk).Status.EffectiveAt.Time
		if at := getTreaty(tl).Status.EffectiveAt.Time; at.After(last) {
			last = at
		}
		clk.SetTo(last.Add(time.Second))
		Eventually(standing(mk)).Should(Equal(unionsv1.StandingSeparated))
		Eventually(standing(ml)).Should(Equal(unionsv1.StandingSeparated))

		By("Release removes the charter")
		Eventually(exitCharter(leaver, ref)).Should(BeNil())

		By("Retain hands the charter to the namespace: no owner, no management labels, content kept")
		Eventually(func(g Gomega) {
			cm := exitCharter(keeper, ref)()
			g.Expect(cm).NotTo(BeNil())
			g.Expect(cm.OwnerReferences).To(BeEmpty())
			g.Expect(cm.Labels).NotTo(HaveKey(unionsv1.ManagedByLabel))
			g.Expect(cm.Labels).NotTo(HaveKey(unionsv1.UnionLabel))
			g.Expect(cm.Data).To(HaveKeyWithValue("union", "Alliance/"+ref.Name))
		}).Should(Succeed())
		Consistently(func(g Gomega) {
			cm := exitCharter(keeper, ref)()
			g.Expect(cm).NotTo(BeNil(), "the operator forgets a retained object: it neither deletes nor re-takes it")
			g.Expect(cm.OwnerReferences).To(BeEmpty())
			g.Expect(cm.Labels).NotTo(HaveKey(unionsv1.ManagedByLabel))
		}).Should(Succeed())
		Eventually(exitEvents(keeper, "ExitTreaty", "leave")).Should(ContainElement("AssetRetained"))

		By("deleting an Effective treaty does not undo the exit: the union's record keeps the membership Separated")
		Eventually(formerMembers(ref)).Should(ContainElement(And(
			HaveField("ExitTreaty", "leave"), HaveField("MembershipUID", getMembership(ml).UID))))
		Expect(k8sClient.Delete(ctx, tl)).To(Succeed())
		Consistently(standing(ml)).Should(Equal(unionsv1.StandingSeparated))
		Expect(exitCharter(leaver, ref)()).To(BeNil())
	})

	It("detects a tampered audit entry and stops extending the chain until it is restored", func() {
		ns := newNamespace(nil)
		ref := exitUnion(unionsv1.KindAlliance, []string{ns}, unionsv1.Separation{CoolOff: minutes(1)})
		d := agentDeployment(ns, "planner", nil)
		m := newMembership(ns, "join", ref)
		Eventually(standing(m)).Should(Equal(unionsv1.StandingActive))
		t := fileTreaty(ns, "leave", ref)
		Eventually(standing(m)).Should(Equal(unionsv1.StandingCoolingOff))
		original := getTreaty(t)
		effectiveAt := original.Status.EffectiveAt.Time

		By("an administrator edits status.audit[0].detail through the status subresource")
		tampered := original.DeepCopy()
		tampered.Status.Audit[0].Detail = "we were never members"
		Expect(k8sClient.Status().Patch(ctx, tampered, client.MergeFrom(original))).To(Succeed())
		Eventually(func() []metav1.Condition { return getTreaty(t).Status.Conditions }).Should(ContainElements(
			And(exitCondition(unionsv1.ConditionAuditIntact, metav1.ConditionFalse, exittreaty.ReasonChainBroken),
				HaveField("Message", ContainSubstring("seq 1"))),
			exitCondition(unionsv1.ConditionStalled, metav1.ConditionTrue, exittreaty.ReasonChainBroken),
		))
		Eventually(exitEvents(ns, "ExitTreaty", "leave")).Should(ContainElement(exittreaty.ReasonChainBroken))

		By("effectiveAt passes: the chain is not extended and nothing takes effect")
		clk.SetTo(effectiveAt.Add(time.Second))
		Consistently(func(g Gomega) {
			got := getTreaty(t)
			g.Expect(got.Status.Audit).To(HaveLen(2))
			g.Expect(got.Status.Audit[0].Detail).To(Equal("we were never members"), "a broken chain is left as found")
			g.Expect(got.Status.Phase).To(Equal(unionsv1.TreatyCoolingOff))
		}).Should(Succeed())
		Expect(standing(m)()).To(Equal(unionsv1.StandingCoolingOff))
		Expect(labelsOf(d)()).To(HaveKeyWithValue(badgeKey(ref), "member"))

		By("restoring the entry lets the treaty take effect")
		current := getTreaty(t)
		restored := current.DeepCopy()
		restored.Status.Audit[0].Detail = original.Status.Audit[0].Detail
		Expect(k8sClient.Status().Patch(ctx, restored, client.MergeFrom(current))).To(Succeed())
		Eventually(treatyPhase(t)).Should(Equal(unionsv1.TreatyEffective))
		got := getTreaty(t)
		Expect(audit.Verify(audit.FromStatus(got.Status.Audit))).To(Succeed())
		Expect(got.Status.Conditions).To(ContainElement(exitCondition(unionsv1.ConditionAuditIntact, metav1.ConditionTrue, exittreaty.ReasonChainVerified)))
		Eventually(labelsOf(d)).ShouldNot(HaveKey(badgeKey(ref)))
	})

	It("refuses re-integration before reintegrationAfter and accepts it on time", func() {
		ns := newNamespace(nil)
		ref := exitUnion(unionsv1.KindAlliance, []string{ns}, unionsv1.Separation{CoolOff: minutes(1), ReintegrationAfter: minutes(48)})
		d := agentDeployment(ns, "planner", nil)
		m := newMembership(ns, "join", ref)
		Eventually(standing(m)).Should(Equal(unionsv1.StandingActive))
		t := fileTreaty(ns, "leave", ref)
		Eventually(treatyPhase(t)).Should(Equal(unionsv1.TreatyCoolingOff))
		clk.SetTo(getTreaty(t).Status.EffectiveAt.Add(time.Second))
		Eventually(standing(m)).Should(Equal(unionsv1.StandingSeparated))
		eligibleAt := getTreaty(t).Status.ReintegrationEligibleAt.Time
		Expect(eligibleAt).To(BeTemporally("==", getTreaty(t).Status.EffectiveAt.Add(48*time.Minute)))
		Expect(readyReason(m)()).To(Equal(admission.ReasonSeparated))

		By("asking to rejoin early is refused, saying when")
		Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(m), m)).To(Succeed())
		m.Spec.Reintegrate = true
		Expect(k8sClient.Update(ctx, m)).To(Succeed())
		Eventually(readyReason(m)).Should(Equal(admission.ReasonReintegrationWait))
		mbr := getMembership(m)
		Expect(mbr.Status.Standing).To(Equal(unionsv1.StandingSeparated))
		Expect(mbr.Status.ReintegrationEligibleAt.Time).To(BeTemporally("==", eligibleAt))
		Expect(mbr.Status.Conditions).To(ContainElement(And(
			exitCondition(unionsv1.ConditionReady, metav1.ConditionFalse, admission.ReasonReintegrationWait),
			HaveField("Message", ContainSubstring(eligibleAt.UTC().Format(time.RFC3339))))))
		clk.SetTo(eligibleAt.Add(-time.Second))
		Consistently(standing(m), time.Second).Should(Equal(unionsv1.StandingSeparated))
		Expect(labelsOf(d)()).NotTo(HaveKey(badgeKey(ref)))

		By("on time, the namespace is a member again")
		clk.SetTo(eligibleAt.Add(time.Second))
		Eventually(standing(m)).Should(Equal(unionsv1.StandingActive))
		Eventually(labelsOf(d)).Should(HaveKeyWithValue(badgeKey(ref), "member"))
		Eventually(exitCharter(ns, ref)).ShouldNot(BeNil())
		Expect(treatyPhase(t)()).To(Equal(unionsv1.TreatyEffective))
	})

	It("records a deletion without a treaty as a unilateral exit and doubles the wait to rejoin", func() {
		ns := newNamespace(nil)
		ref := exitUnion(unionsv1.KindAlliance, []string{ns}, unionsv1.Separation{CoolOff: minutes(1), ReintegrationAfter: minutes(10)})
		d := agentDeployment(ns, "planner", nil)
		m := newMembership(ns, "join", ref)
		Eventually(standing(m)).Should(Equal(unionsv1.StandingActive))
		Eventually(func() []string { return getMembership(m).Finalizers }).Should(ContainElement(separation.ExitFinalizer))
		uid := getMembership(m).UID

		Expect(k8sClient.Delete(ctx, m)).To(Succeed())
		Eventually(func() bool {
			return apierrors.IsNotFound(k8sClient.Get(ctx, client.ObjectKeyFromObject(m), &unionsv1.Membership{}))
		}).Should(BeTrue(), "the finalizer lets go once the exit is on record")
		Eventually(labelsOf(d)).ShouldNot(HaveKey(badgeKey(ref)))
		var exit unionsv1.FormerMember
		Eventually(func(g Gomega) {
			former := formerMembers(ref)()
			g.Expect(former).To(ContainElement(And(HaveField("Namespace", ns), HaveField("Unilateral", true),
				HaveField("MembershipUID", uid), HaveField("ExitTreaty", "")), &exit))
		}).Should(Succeed())
		Eventually(exitEvents("", string(ref.Kind), ref.Name)).Should(ContainElement("UnilateralExit"))
		Eventually(exitEvents(ns, "Membership", "join")).Should(ContainElement("UnilateralExit"))

		By("a new Membership of the namespace waits twice reintegrationAfter from the exit")
		again := newMembership(ns, "rejoin", ref)
		eligibleAt := exit.EffectiveAt.Add(20 * time.Minute)
		Eventually(readyReason(again)).Should(Equal(admission.ReasonReintegrationWait))
		Expect(standing(again)()).To(Equal(unionsv1.StandingPending))
		Expect(getMembership(again).Status.ReintegrationEligibleAt.Time).To(BeTemporally("==", eligibleAt))
		clk.SetTo(exit.EffectiveAt.Add(10*time.Minute + time.Second))
		Consistently(standing(again), time.Second).Should(Equal(unionsv1.StandingPending))
		Expect(labelsOf(d)()).NotTo(HaveKey(badgeKey(ref)))

		clk.SetTo(eligibleAt.Add(time.Second))
		Eventually(standing(again)).Should(Equal(unionsv1.StandingActive))
		Eventually(labelsOf(d)).Should(HaveKeyWithValue(badgeKey(ref), "member"))
		Expect(formerMembers(ref)()).To(HaveLen(1), "each deletion is recorded once")
	})
})

// hours and minutes are durations for the API. The tests step the shared
// clock by minutes, not hours, so that the clock stays close to real time for
// the tests that follow.
func hours(h int) *metav1.Duration { return &metav1.Duration{Duration: time.Duration(h) * time.Hour} }

func minutes(m int) *metav1.Duration {
	return &metav1.Duration{Duration: time.Duration(m) * time.Minute}
}

// exitUnion creates a union of any kind inviting the given namespaces, with
// the given separation terms.
func exitUnion(kind unionsv1.UnionKind, invited []string, sep unionsv1.Separation) unionsv1.UnionReference {
	u := unionsv1.NewUnion(kind)
	u.SetName(uniqueName("exit-" + strings.ToLower(string(kind))))
	u.Terms().Admission.Namespaces = invited
	u.Terms().Separation = sep
	if c, ok := u.(*unionsv1.Coalition); ok {
		c.Spec.ExpiresAt = &metav1.Time{Time: clk.Now().Add(1000 * time.Hour).Truncate(time.Second)}
	}
	Expect(k8sClient.Create(ctx, u)).To(Succeed())
	DeferCleanup(func() { _ = k8sClient.Delete(ctx, u) })
	return unionsv1.Reference(u)
}

// fileTreaty creates an ExitTreaty.
func fileTreaty(ns, name string, ref unionsv1.UnionReference, mutate ...func(*unionsv1.ExitTreaty)) *unionsv1.ExitTreaty {
	t := &unionsv1.ExitTreaty{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	t.Spec.Union = ref
	for _, f := range mutate {
		f(t)
	}
	Expect(k8sClient.Create(ctx, t)).To(Succeed())
	return t
}

// fileBallot creates a Ballot on a treaty.
func fileBallot(ns, name string, t *unionsv1.ExitTreaty, choice unionsv1.Choice) *unionsv1.Ballot {
	b := &unionsv1.Ballot{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	b.Spec.Subject = unionsv1.BallotSubject{Kind: unionsv1.SubjectExitTreaty, Namespace: t.Namespace, Name: t.Name}
	b.Spec.Choice = choice
	Expect(k8sClient.Create(ctx, b)).To(Succeed())
	return b
}

// exitPatch changes a treaty's spec.
func exitPatch(t *unionsv1.ExitTreaty, change func(*unionsv1.ExitTreaty)) {
	Eventually(func() error {
		got := &unionsv1.ExitTreaty{}
		if err := k8sClient.Get(ctx, client.ObjectKeyFromObject(t), got); err != nil {
			return err
		}
		change(got)
		return k8sClient.Update(ctx, got)
	}).Should(Succeed())
}

func getTreaty(t *unionsv1.ExitTreaty) *unionsv1.ExitTreaty {
	got := &unionsv1.ExitTreaty{}
	ExpectWithOffset(1, k8sClient.Get(ctx, client.ObjectKeyFromObject(t), got)).To(Succeed())
	return got
}

func getMembership(m *unionsv1.Membership) *unionsv1.Membership {
	got := &unionsv1.Membership{}
	ExpectWithOffset(1, k8sClient.Get(ctx, client.ObjectKeyFromObject(m), got)).To(Succeed())
	return got
}

func treatyPhase(t *unionsv1.ExitTreaty) func() unionsv1.ExitTreatyPhase {
	return func() unionsv1.ExitTreatyPhase {
		got := &unionsv1.ExitTreaty{}
		if err := k8sClient.Get(ctx, client.ObjectKeyFromObject(t), got); err != nil {
			return ""
		}
		return got.Status.Phase
	}
}

// auditEvents lists the events of a treaty's audit chain.
func auditEvents(t *unionsv1.ExitTreaty) []string {
	var out []string
	for _, e := range t.Status.Audit {
		out = append(out, e.Event)
	}
	return out
}

// exitCondition matches a condition by type, status and reason.
func exitCondition(conditionType string, status metav1.ConditionStatus, reason string) OmegaMatcher {
	return And(HaveField("Type", conditionType), HaveField("Status", status), HaveField("Reason", reason))
}

// exitCharter returns the charter ConfigMap of a union in a namespace, or nil.
func exitCharter(ns string, ref unionsv1.UnionReference) func() *corev1.ConfigMap {
	return func() *corev1.ConfigMap {
		cm := &corev1.ConfigMap{}
		if err := k8sClient.Get(ctx, client.ObjectKey{Namespace: ns, Name: charter.Name(ref)}, cm); err != nil {
			return nil
		}
		return cm
	}
}

// formerMembers returns a union's status.formerMembers.
func formerMembers(ref unionsv1.UnionReference) func() []unionsv1.FormerMember {
	return func() []unionsv1.FormerMember {
		u := unionsv1.NewUnion(ref.Kind)
		if err := k8sClient.Get(ctx, client.ObjectKey{Name: ref.Name}, u); err != nil {
			return nil
		}
		return u.Standing().FormerMembers
	}
}

// exitEvents returns the reasons of the Events regarding an object (a
// cluster-scoped one when ns is empty).
func exitEvents(ns, kind, name string) func() []string {
	return func() []string {
		var list eventsv1.EventList
		if err := k8sClient.List(ctx, &list, client.InNamespace(ns)); err != nil {
			return nil
		}
		var out []string
		for _, e := range list.Items {
			if e.Regarding.Kind == kind && e.Regarding.Name == name && e.Regarding.Namespace == ns {
				out = append(out, e.Reason)
			}
		}
		return out
	}
}
