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
	"cmp"
	"encoding/json"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/charter"
	"github.com/kos-dev/union-operator/internal/controller/coalition"
	"github.com/kos-dev/union-operator/internal/goalwatch"
	"github.com/kos-dev/union-operator/internal/operator"
)

var _ = Describe("Coalition", func() {
	It("reports its members Ended in the very status write that says it expired", func() {
		ns := newNamespace(nil)
		name := uniqueName("ended-view")
		ref := coalitionRefTo(name)
		agentDeployment(ns, "planner", nil)
		c := newCoalitionOf(name, []string{ns}, func(c *unionsv1.Coalition) {
			c.Spec.Duration = &metav1.Duration{Duration: lifetimeOnClock(time.Hour)}
		})
		m := newMembership(ns, "join", ref)
		Eventually(standing(m)).Should(Equal(unionsv1.StandingActive))
		Eventually(func(g Gomega) {
			g.Expect(getCoalition(g, name).Status.MemberCount).To(BeEquivalentTo(1))
		}).Should(Succeed())

		By("watching the coalition from before its deadline")
		wc, err := client.NewWithWatch(adminCfg, client.Options{Scheme: operator.NewScheme()})
		Expect(err).NotTo(HaveOccurred())
		w, err := wc.Watch(ctx, &unionsv1.CoalitionList{}, client.MatchingFields{"metadata.name": name})
		Expect(err).NotTo(HaveOccurred())
		defer w.Stop()

		By("stepping the clock past the deadline: the first Expired status already counts no member")
		clk.SetTo(c.CreationTimestamp.Add(c.Spec.Duration.Duration).Add(time.Second))
		var first *unionsv1.Coalition
		Eventually(func() bool {
			for {
				select {
				case e := <-w.ResultChan():
					if cur, ok := e.Object.(*unionsv1.Coalition); ok && cur.Status.Phase == unionsv1.CoalitionExpired {
						first = cur
						return true
					}
				default:
					return false
				}
			}
		}).Should(BeTrue())
		Expect(first.Status.MemberCount).To(BeZero())
		Expect(first.Status.AgentCount).To(BeZero())
		Expect(first.Status.Members).To(ConsistOf(And(
			HaveField("Namespace", ns), HaveField("Standing", unionsv1.StandingEnded))))
		Eventually(standing(m)).Should(Equal(unionsv1.StandingEnded))
	})

	It("expires exactly at its deadline after a warning, and renews when the deadline moves later", func() {
		nsA, nsB := newNamespace(nil), newNamespace(nil)
		name := uniqueName("expiry")
		ref := coalitionRefTo(name)
		d := agentDeployment(nsA, "planner", nil)
		p := agentPod(nsA, "planner-1", "planner", nil)
		dB := agentDeployment(nsB, "critic", nil)
		c := newCoalitionOf(name, []string{nsA, nsB}, func(c *unionsv1.Coalition) {
			c.Spec.Purpose = "ship the incident fix"
			c.Spec.Duration = &metav1.Duration{Duration: lifetimeOnClock(time.Hour)}
		})
		mA := newMembership(nsA, "join", ref)
		mB := newMembership(nsB, "join", ref)
		Eventually(standing(mA)).Should(Equal(unionsv1.StandingActive))
		Eventually(standing(mB)).Should(Equal(unionsv1.StandingActive))
		Eventually(labelsOf(d)).Should(HaveKeyWithValue(badgeKey(ref), "member"))
		Eventually(labelsOf(p)).Should(HaveKeyWithValue(badgeKey(ref), "member"))
		Eventually(labelsOf(dB)).Should(HaveKeyWithValue(badgeKey(ref), "member"))
		Eventually(namespaceLabels(nsA)).Should(HaveKeyWithValue(badgeKey(ref), "member"))
		Eventually(charterOf(nsA, ref)).ShouldNot(BeNil())

		By("the coalition is Active with its deadline in status")
		deadline := c.CreationTimestamp.Add(c.Spec.Duration.Duration)
		Eventually(func(g Gomega) {
			got := getCoalition(g, name)
			g.Expect(got.Status.Phase).To(Equal(unionsv1.CoalitionActive))
			g.Expect(got.Status.ExpiresAt).NotTo(BeNil())
			g.Expect(got.Status.ExpiresAt.Time).To(BeTemporally("==", deadline))
			g.Expect(got.Status.MemberCount).To(BeEquivalentTo(2))
			g.Expect(got.Status.ObservedGeneration).To(Equal(got.Generation))
			g.Expect(conditionOf(got, unionsv1.ConditionExpired)).To(And(
				HaveField("Status", metav1.ConditionFalse), HaveField("Reason", coalition.ReasonInForce)))
			g.Expect(conditionOf(got, unionsv1.ConditionReady)).To(HaveField("Status", metav1.ConditionTrue))
		}).Should(Succeed())
		Expect(coalitionEvents(name, coalition.ReasonExpiringSoon)()).To(BeEmpty(), "no warning before its time")

		By("stepping the clock past the warning time: a Warning Event ExpiringSoon")
		warnAt := coalition.WarningTime(c.CreationTimestamp.Time, deadline)
		Expect(deadline.Sub(warnAt)).To(BeNumerically("<=", time.Hour))
		clk.SetTo(warnAt.Add(time.Second))
		Eventually(coalitionEvents(name, coalition.ReasonExpiringSoon)).Should(ContainElement(
			HaveField("Type", corev1.EventTypeWarning)))
		Eventually(func(g Gomega) {
			got := getCoalition(g, name)
			g.Expect(conditionOf(got, unionsv1.ConditionExpired)).To(HaveField("Reason", coalition.ReasonExpiringSoon))
			g.Expect(got.Status.Phase).To(Equal(unionsv1.CoalitionActive))
		}).Should(Succeed())
		Expect(standing(mA)()).To(Equal(unionsv1.StandingActive), "a warning changes nothing for members")

		By("stepping the clock past the deadline: Expired, memberships Ended, every badge and the charter gone")
		clk.SetTo(deadline.Add(time.Second))
		Eventually(func(g Gomega) {
			got := getCoalition(g, name)
			g.Expect(got.Status.Phase).To(Equal(unionsv1.CoalitionExpired))
			g.Expect(conditionOf(got, unionsv1.ConditionExpired)).To(And(
				HaveField("Status", metav1.ConditionTrue), HaveField("Reason", coalition.ReasonExpired)))
		}).Should(Succeed())
		Eventually(standing(mA)).Should(Equal(unionsv1.StandingEnded))
		Eventually(standing(mB)).Should(Equal(unionsv1.StandingEnded))
		Expect(readyReason(mA)()).To(Equal("UnionExpired"))
		Eventually(labelsOf(d)).ShouldNot(HaveKey(badgeKey(ref)))
		Eventually(labelsOf(p)).ShouldNot(HaveKey(badgeKey(ref)))
		Eventually(labelsOf(dB)).ShouldNot(HaveKey(badgeKey(ref)))
		Eventually(namespaceLabels(nsA)).ShouldNot(HaveKey(badgeKey(ref)))
		Eventually(namespaceLabels(nsB)).ShouldNot(HaveKey(badgeKey(ref)))
		Eventually(charterOf(nsA, ref)).Should(BeNil())
		Eventually(charterOf(nsB, ref)).Should(BeNil())
		Eventually(coalitionEvents(name, coalition.ReasonExpired)).ShouldNot(BeEmpty())

		By("moving the deadline later renews it: Active again, memberships Active, badges back")
		Expect(mergePatchCoalition(name, map[string]any{"spec": map[string]any{
			"duration": (c.Spec.Duration.Duration + 2*time.Hour).String()}})).To(Succeed())
		Eventually(func(g Gomega) {
			got := getCoalition(g, name)
			g.Expect(got.Status.Phase).To(Equal(unionsv1.CoalitionActive))
			g.Expect(got.Status.ExpiresAt.Time).To(BeTemporally("==", deadline.Add(2*time.Hour)))
			g.Expect(conditionOf(got, unionsv1.ConditionExpired)).To(HaveField("Status", metav1.ConditionFalse))
		}).Should(Succeed())
		Eventually(standing(mA)).Should(Equal(unionsv1.StandingActive))
		Eventually(standing(mB)).Should(Equal(unionsv1.StandingActive))
		Eventually(labelsOf(d)).Should(HaveKeyWithValue(badgeKey(ref), "member"))
		Eventually(labelsOf(p)).Should(HaveKeyWithValue(badgeKey(ref), "member"))
		Eventually(labelsOf(dB)).Should(HaveKeyWithValue(badgeKey(ref), "member"))
		Eventually(namespaceLabels(nsA)).Should(HaveKeyWithValue(badgeKey(ref), "member"))
		Eventually(charterOf(nsA, ref)).ShouldNot(BeNil())
	})

	It("with onExpiry: Delete, is deleted at its deadline once its badges are gone", func() {
		ns := newNamespace(nil)
		name := uniqueName("ephemeral")
		ref := coalitionRefTo(name)
		d := agentDeployment(ns, "scout", nil)
		deadline := clk.Now().Add(30 * time.Minute).Truncate(time.Second)
		newCoalitionOf(name, []string{ns}, func(c *unionsv1.Coalition) {
			c.Spec.ExpiresAt = &metav1.Time{Time: deadline}
			c.Spec.OnExpiry = unionsv1.ExpiryDelete
		})
		m := newMembership(ns, "join", ref)
		Eventually(labelsOf(d)).Should(HaveKeyWithValue(badgeKey(ref), "member"))

		clk.SetTo(deadline.Add(time.Second))
		Eventually(standing(m)).ShouldNot(Equal(unionsv1.StandingActive))
		Eventually(labelsOf(d)).ShouldNot(HaveKey(badgeKey(ref)))
		Eventually(namespaceLabels(ns)).ShouldNot(HaveKey(badgeKey(ref)))
		Eventually(func() bool {
			return apierrors.IsNotFound(k8sClient.Get(ctx, client.ObjectKey{Name: name}, &unionsv1.Coalition{}))
		}).Should(BeTrue(), "the coalition is deleted")
		Eventually(charterOf(ns, ref)).Should(BeNil())
		Consistently(labelsOf(d)).ShouldNot(HaveKey(badgeKey(ref)))
	})

	It("meets a goal when the Job it names completes, keeps it met, and shows it in the charter", func() {
		ns := newNamespace(nil)
		name := uniqueName("goals")
		ref := coalitionRefTo(name)
		agentDeployment(ns, "analyst", nil)
		newCoalitionOf(name, []string{ns}, func(c *unionsv1.Coalition) {
			c.Spec.Purpose = "find the root cause of incident 42"
			c.Spec.ExpiresAt = &metav1.Time{Time: clk.Now().Add(48 * time.Hour).Truncate(time.Second)}
			c.Spec.Goals = []unionsv1.Goal{
				{Name: "root-cause", Description: "a written root cause", Completion: &unionsv1.GoalCompletion{
					ObjectRef:     unionsv1.ObjectReference{APIVersion: "batch/v1", Kind: "Job", Namespace: ns, Name: "rca"},
					ConditionType: "Complete",
				}},
				{Name: "postmortem", Description: "shared with every team"},
			}
		})
		m := newMembership(ns, "join", ref)
		Eventually(standing(m)).Should(Equal(unionsv1.StandingActive))

		By("goals are Pending and tracked while the Job does not exist")
		Eventually(func(g Gomega) {
			got := getCoalition(g, name)
			g.Expect(got.Status.Goals).To(ConsistOf(
				goalState("root-cause", unionsv1.GoalPending), goalState("postmortem", unionsv1.GoalPending)))
			g.Expect(conditionOf(got, coalition.ConditionGoalsTracked)).To(And(
				HaveField("Status", metav1.ConditionTrue), HaveField("Reason", coalition.ReasonWatching)))
		}).Should(Succeed())

		By("the Job runs: still Pending")
		job := newJob(ns, "rca")
		Consistently(func(g Gomega) {
			g.Expect(getCoalition(g, name).Status.Goals).To(ContainElement(goalState("root-cause", unionsv1.GoalPending)))
		}).Should(Succeed())

		By("the Job completes: the goal is Met, the manual goal stays Pending")
		completeJob(job)
		var metAt *metav1.Time
		Eventually(func(g Gomega) {
			got := getCoalition(g, name)
			g.Expect(got.Status.Goals).To(ConsistOf(
				goalState("root-cause", unionsv1.GoalMet), goalState("postmortem", unionsv1.GoalPending)))
			metAt = got.Status.Goals[0].MetAt
			g.Expect(metAt).NotTo(BeNil())
			g.Expect(got.Status.Phase).To(Equal(unionsv1.CoalitionActive), "a coalition that does not dissolve on its goals stays")
		}).Should(Succeed())

		By("the charter shows purpose, goals and their state, members and expiry")
		Eventually(func(g Gomega) {
			cm := charterOf(ns, ref)()
			g.Expect(cm).NotTo(BeNil())
			g.Expect(cm.Data).To(HaveKeyWithValue("purpose", "find the root cause of incident 42"))
			g.Expect(cm.Data).To(HaveKey("expiresAt"))
			doc := cm.Data["charter.yaml"]
			g.Expect(doc).To(ContainSubstring("name: root-cause"))
			g.Expect(doc).To(ContainSubstring("description: a written root cause"))
			g.Expect(doc).To(ContainSubstring("state: Met"))
			g.Expect(doc).To(ContainSubstring("state: Pending"))
			g.Expect(doc).To(ContainSubstring("completesOn: Complete of Job " + ns + "/rca"))
			g.Expect(doc).To(ContainSubstring("namespace: " + ns))
			g.Expect(doc).To(ContainSubstring("phase: Active"))
		}).Should(Succeed())

		By("a met goal stays Met when its Job goes away")
		Expect(k8sClient.Delete(ctx, job, client.PropagationPolicy(metav1.DeletePropagationBackground))).To(Succeed())
		Consistently(func(g Gomega) {
			got := getCoalition(g, name)
			g.Expect(got.Status.Goals).To(ContainElement(goalState("root-cause", unionsv1.GoalMet)))
			g.Expect(got.Status.Goals[0].MetAt.Time).To(BeTemporally("==", metAt.Time))
		}).Should(Succeed())
	})

	It("dissolves when every goal is met, if asked to, and stays dissolved", func() {
		ns := newNamespace(nil)
		name := uniqueName("dissolve")
		ref := coalitionRefTo(name)
		d := agentDeployment(ns, "fixer", nil)
		job := newJob(ns, "fix")
		newCoalitionOf(name, []string{ns}, func(c *unionsv1.Coalition) {
			c.Spec.ExpiresAt = &metav1.Time{Time: clk.Now().Add(48 * time.Hour).Truncate(time.Second)}
			c.Spec.DissolveWhenGoalsMet = true
			c.Spec.Goals = []unionsv1.Goal{{Name: "fixed", Completion: &unionsv1.GoalCompletion{
				ObjectRef:     unionsv1.ObjectReference{APIVersion: "batch/v1", Kind: "Job", Namespace: ns, Name: "fix"},
				ConditionType: "Complete",
			}}}
		})
		m := newMembership(ns, "join", ref)
		Eventually(labelsOf(d)).Should(HaveKeyWithValue(badgeKey(ref), "member"))
		Eventually(func(g Gomega) {
			g.Expect(getCoalition(g, name).Status.Phase).To(Equal(unionsv1.CoalitionActive))
		}).Should(Succeed())

		completeJob(job)
		Eventually(func(g Gomega) {
			got := getCoalition(g, name)
			g.Expect(got.Status.Phase).To(Equal(unionsv1.CoalitionDissolved))
			g.Expect(got.Status.Goals).To(ConsistOf(goalState("fixed", unionsv1.GoalMet)))
			g.Expect(conditionOf(got, coalition.ConditionDissolved)).To(And(
				HaveField("Status", metav1.ConditionTrue), HaveField("Reason", coalition.ReasonGoalsMet)))
		}).Should(Succeed())
		Eventually(coalitionEvents(name, coalition.ReasonDissolved)).ShouldNot(BeEmpty())
		Eventually(standing(m)).Should(Equal(unionsv1.StandingEnded))
		Expect(readyReason(m)()).To(Equal("UnionDissolved"))
		Eventually(labelsOf(d)).ShouldNot(HaveKey(badgeKey(ref)))
		Eventually(namespaceLabels(ns)).ShouldNot(HaveKey(badgeKey(ref)))
		Eventually(charterOf(ns, ref)).Should(BeNil())

		By("moving the deadline later does not revive a dissolved coalition")
		Expect(mergePatchCoalition(name, map[string]any{"spec": map[string]any{
			"expiresAt": clk.Now().Add(96 * time.Hour).UTC().Format(time.RFC3339)}})).To(Succeed())
		Consistently(func(g Gomega) {
			g.Expect(getCoalition(g, name).Status.Phase).To(Equal(unionsv1.CoalitionDissolved))
			g.Expect(standing(m)()).To(Equal(unionsv1.StandingEnded))
		}).Should(Succeed())
	})

	It("reports goals on kinds it may not read as Forbidden, and tracks them once access is granted", func() {
		ns := newNamespace(nil)
		name := uniqueName("forbidden")
		newCoalitionOf(name, []string{ns}, func(c *unionsv1.Coalition) {
			c.Spec.ExpiresAt = &metav1.Time{Time: clk.Now().Add(48 * time.Hour).Truncate(time.Second)}
			c.Spec.Goals = []unionsv1.Goal{{Name: "nightly", Completion: &unionsv1.GoalCompletion{
				ObjectRef:     unionsv1.ObjectReference{APIVersion: "batch/v1", Kind: "CronJob", Namespace: ns, Name: "nightly"},
				ConditionType: "Ready",
			}}}
		})
		Eventually(standing(newMembership(ns, "join", coalitionRefTo(name)))).Should(Equal(unionsv1.StandingActive))
		Eventually(func(g Gomega) {
			got := getCoalition(g, name)
			g.Expect(conditionOf(got, coalition.ConditionGoalsTracked)).To(And(
				HaveField("Status", metav1.ConditionFalse),
				HaveField("Reason", goalwatch.ReasonForbidden),
				HaveField("Message", ContainSubstring("cronjobs.batch in namespace "+ns)),
				HaveField("Message", ContainSubstring("platform team")),
				HaveField("Message", ContainSubstring(goalwatch.GoalReaderLabel)),
			))
			g.Expect(got.Status.Goals).To(ConsistOf(goalState("nightly", unionsv1.GoalPending)))
			g.Expect(got.Status.Phase).To(Equal(unionsv1.CoalitionActive), "an untracked goal does not stop the coalition")
		}).Should(Succeed())

		By("the platform team grants read access; the operator finds out at its next check")
		role := &rbacv1.ClusterRole{
			ObjectMeta: metav1.ObjectMeta{Name: "goal-reader-" + name, Labels: map[string]string{goalwatch.GoalReaderLabel: "true"}},
			Rules:      []rbacv1.PolicyRule{{APIGroups: []string{"batch"}, Resources: []string{"cronjobs"}, Verbs: []string{"get", "list", "watch"}}},
		}
		Expect(k8sClient.Create(ctx, role)).To(Succeed())
		DeferCleanup(func() { _ = k8sClient.Delete(ctx, role) })
		// envtest runs no ClusterRole aggregation, so the test binds the role
		// directly where a cluster would aggregate it into the goal reader.
		binding := &rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "goal-reader"},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role.Name},
			Subjects:   []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: OperatorUser}},
		}
		Expect(k8sClient.Create(ctx, binding)).To(Succeed())
		clk.Step(10*time.Minute + time.Second)
		Eventually(func(g Gomega) {
			g.Expect(conditionOf(getCoalition(g, name), coalition.ConditionGoalsTracked)).To(And(
				HaveField("Status", metav1.ConditionTrue), HaveField("Reason", coalition.ReasonWatching)))
		}).Should(Succeed())

		By("a kind the API server does not serve is reported as such")
		Expect(mergePatchCoalition(name, map[string]any{"spec": map[string]any{"goals": []any{map[string]any{
			"name": "widget", "completion": map[string]any{
				"objectRef":     map[string]any{"apiVersion": "example.com/v1", "kind": "Widget", "namespace": ns, "name": "w"},
				"conditionType": "Ready",
			}}}}})).To(Succeed())
		Eventually(func(g Gomega) {
			got := getCoalition(g, name)
			g.Expect(conditionOf(got, coalition.ConditionGoalsTracked)).To(And(
				HaveField("Status", metav1.ConditionFalse), HaveField("Reason", goalwatch.ReasonUnknownKind)))
			g.Expect(got.Status.Goals).To(ConsistOf(goalState("widget", unionsv1.GoalPending)))
		}).Should(Succeed())
	})

	It("rotates council seats round-robin over the badged agents at each term, with the council badge", func() {
		nsA, nsB := newNamespace(nil), newNamespace(nil)
		name := uniqueName("council")
		ref := coalitionRefTo(name)
		deployments := map[unionsv1.CouncilSeat]client.Object{
			{Namespace: nsA, Agent: "alpha"}: agentDeployment(nsA, "alpha", nil),
			{Namespace: nsA, Agent: "beta"}:  agentDeployment(nsA, "beta", nil),
			{Namespace: nsB, Agent: "gamma"}: agentDeployment(nsB, "gamma", nil),
		}
		alphaPod := agentPod(nsA, "alpha-1", "alpha", nil)
		term := time.Hour
		c := newCoalitionOf(name, []string{nsA, nsB}, func(c *unionsv1.Coalition) {
			c.Spec.Purpose = "keep the lights on"
			c.Spec.ExpiresAt = &metav1.Time{Time: clk.Now().Add(48 * time.Hour).Truncate(time.Second)}
			c.Spec.Council = &unionsv1.Council{Seats: 1, Term: metav1.Duration{Duration: term}, Selection: unionsv1.CouncilRotation}
		})
		newMembership(nsA, "join", ref)
		newMembership(nsB, "join", ref)
		agents := make([]unionsv1.CouncilSeat, 0, len(deployments))
		for seat := range deployments {
			agents = append(agents, seat)
		}
		slices.SortFunc(agents, func(a, b unionsv1.CouncilSeat) int {
			return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Agent, b.Agent))
		})
		Eventually(func(g Gomega) {
			g.Expect(getCoalition(g, name).Status.AgentCount).To(BeEquivalentTo(3))
		}).Should(Succeed())

		var seen []unionsv1.CouncilSeat
		for range 3 {
			var council *unionsv1.CouncilStatus
			Eventually(func(g Gomega) {
				got := getCoalition(g, name)
				council = got.Status.Council
				g.Expect(council).NotTo(BeNil())
				number, _ := councilTerm(c, term)
				g.Expect(council.Term).To(Equal(number))
				want := agents[int((number-1)%3)]
				g.Expect(council.Members).To(Equal([]unionsv1.CouncilSeat{want}))
				g.Expect(council.TermEndsAt.Time).To(BeTemporally("==", c.CreationTimestamp.Add(time.Duration(number)*term)))
				g.Expect(conditionOf(got, coalition.ConditionCouncilSeated)).To(HaveField("Status", metav1.ConditionTrue))
			}).Should(Succeed())
			seated := council.Members[0]
			seen = append(seen, seated)

			By("the seated agent carries the badge value council, the others member")
			for seat, obj := range deployments {
				want := "member"
				if seat == seated {
					want = "council"
				}
				Eventually(labelsOf(obj)).Should(HaveKeyWithValue(badgeKey(ref), want), "agent %v", seat)
			}
			wantPod := "member"
			if seated.Namespace == nsA && seated.Agent == "alpha" {
				wantPod = "council"
			}
			Eventually(labelsOf(alphaPod)).Should(HaveKeyWithValue(badgeKey(ref), wantPod))
			Eventually(func(g Gomega) {
				cm := charterOf(seated.Namespace, ref)()
				g.Expect(cm).NotTo(BeNil())
				g.Expect(cm.Data["charter.yaml"]).To(ContainSubstring("agent: " + seated.Agent))
			}).Should(Succeed(), "the charter names the council")

			By("stepping the clock to the end of the term")
			clk.SetTo(council.TermEndsAt.Add(time.Second))
		}
		Expect(seen).To(ConsistOf(agents), "three terms seat each of the three agents once")
	})

	It("seats an elected council from the latest Passed ElectCouncil proposal", func() {
		ns := newNamespace(nil)
		name := uniqueName("elected")
		ref := coalitionRefTo(name)
		alpha := agentDeployment(ns, "alpha", nil)
		beta := agentDeployment(ns, "beta", nil)
		newCoalitionOf(name, []string{ns}, func(c *unionsv1.Coalition) {
			c.Spec.ExpiresAt = &metav1.Time{Time: clk.Now().Add(48 * time.Hour).Truncate(time.Second)}
			c.Spec.Council = &unionsv1.Council{Seats: 1, Term: metav1.Duration{Duration: 24 * time.Hour}, Selection: unionsv1.CouncilElection}
		})
		newMembership(ns, "join", ref)
		Eventually(labelsOf(beta)).Should(HaveKeyWithValue(badgeKey(ref), "member"))

		By("until an election passes, the council is empty and says it awaits one")
		Eventually(func(g Gomega) {
			got := getCoalition(g, name)
			g.Expect(got.Status.Council).NotTo(BeNil())
			g.Expect(got.Status.Council.Members).To(BeEmpty())
			g.Expect(conditionOf(got, coalition.ConditionCouncilSeated)).To(And(
				HaveField("Status", metav1.ConditionFalse),
				HaveField("Reason", coalition.ReasonAwaitingElection),
				HaveField("Message", ContainSubstring("awaits an election"))))
		}).Should(Succeed())

		By("an ElectCouncil proposal passes")
		prop := &unionsv1.Proposal{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "elect-beta"}}
		prop.Spec.Union = ref
		prop.Spec.Action = unionsv1.ProposalAction{Type: unionsv1.ActionElectCouncil,
			Candidates: []unionsv1.CouncilSeat{{Namespace: ns, Agent: "beta"}}}
		prop.Spec.ClosesAfter = &metav1.Duration{Duration: time.Minute}
		Expect(k8sClient.Create(ctx, prop)).To(Succeed())
		ballot := &unionsv1.Ballot{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "yes"}}
		ballot.Spec.Subject = unionsv1.BallotSubject{Kind: unionsv1.SubjectProposal, Namespace: ns, Name: prop.Name}
		ballot.Spec.Choice = unionsv1.ChoiceFor
		Expect(k8sClient.Create(ctx, ballot)).To(Succeed())
		// The only member voted yes: the proposal passes (the status is
		// written here as the tally concludes it).
		clk.Step(2 * time.Minute)
		Eventually(func() error {
			if err := k8sClient.Get(ctx, client.ObjectKeyFromObject(prop), prop); err != nil {
				return err
			}
			if prop.Status.Phase == unionsv1.ProposalPassed {
				return nil
			}
			prop.Status.Phase = unionsv1.ProposalPassed
			prop.Status.DecidedAt = &metav1.Time{Time: clk.Now().Truncate(time.Second)}
			return k8sClient.Status().Update(ctx, prop)
		}).Should(Succeed())

		Eventually(func(g Gomega) {
			got := getCoalition(g, name)
			g.Expect(got.Status.Council.Members).To(Equal([]unionsv1.CouncilSeat{{Namespace: ns, Agent: "beta"}}))
			g.Expect(conditionOf(got, coalition.ConditionCouncilSeated)).To(And(
				HaveField("Status", metav1.ConditionTrue), HaveField("Reason", coalition.ReasonElected)))
		}).Should(Succeed())
		Eventually(labelsOf(beta)).Should(HaveKeyWithValue(badgeKey(ref), "council"))
		Consistently(labelsOf(alpha)).Should(HaveKeyWithValue(badgeKey(ref), "member"))
	})
})

func coalitionRefTo(name string) unionsv1.UnionReference {
	return unionsv1.UnionReference{Kind: unionsv1.KindCoalition, Name: name}
}

// newCoalitionOf creates a coalition inviting the given namespaces by name.
func newCoalitionOf(name string, invited []string, mutate func(*unionsv1.Coalition)) *unionsv1.Coalition {
	c := &unionsv1.Coalition{ObjectMeta: metav1.ObjectMeta{Name: name}}
	c.Spec.Admission.Namespaces = invited
	mutate(c)
	Expect(k8sClient.Create(ctx, c)).To(Succeed())
	DeferCleanup(func() { _ = k8sClient.Delete(ctx, c) })
	return c
}

// lifetimeOnClock returns the duration that puts a coalition created now
// (the API server stamps creation in real time) d ahead of the operator's
// clock, which earlier tests may have stepped forward.
func lifetimeOnClock(d time.Duration) time.Duration {
	return (time.Until(clk.Now()) + d).Round(time.Second)
}

// councilTerm is the council term running on the operator's clock.
func councilTerm(c *unionsv1.Coalition, term time.Duration) (int64, time.Time) {
	n := int64(clk.Now().Sub(c.CreationTimestamp.Time)/term) + 1
	return n, c.CreationTimestamp.Add(time.Duration(n) * term)
}

func getCoalition(g Gomega, name string) *unionsv1.Coalition {
	c := &unionsv1.Coalition{}
	g.Expect(k8sClient.Get(ctx, client.ObjectKey{Name: name}, c)).To(Succeed())
	return c
}

func mergePatchCoalition(name string, patch map[string]any) error {
	data, err := json.Marshal(patch)
	if err != nil {
		return err
	}
	c := &unionsv1.Coalition{ObjectMeta: metav1.ObjectMeta{Name: name}}
	return k8sClient.Patch(ctx, c, client.RawPatch(types.MergePatchType, data))
}

// conditionOf returns a condition of a coalition (an empty one when absent).
func conditionOf(c *unionsv1.Coalition, conditionType string) metav1.Condition {
	if cond := meta.FindStatusCondition(c.Status.Conditions, conditionType); cond != nil {
		return *cond
	}
	return metav1.Condition{}
}

func goalState(name string, state unionsv1.GoalState) any {
	return And(HaveField("Name", name), HaveField("State", state))
}

// coalitionEvents returns the Events of a coalition with a reason.
func coalitionEvents(name, reason string) func() []eventsv1.Event {
	return func() []eventsv1.Event {
		var list eventsv1.EventList
		if err := k8sClient.List(ctx, &list); err != nil {
			return nil
		}
		var out []eventsv1.Event
		for _, e := range list.Items {
			if e.Regarding.Kind == "Coalition" && e.Regarding.Name == name && e.Reason == reason {
				out = append(out, e)
			}
		}
		return out
	}
}

// charterOf returns the charter ConfigMap of a union in a namespace, or nil.
func charterOf(ns string, ref unionsv1.UnionReference) func() *corev1.ConfigMap {
	return func() *corev1.ConfigMap {
		cm := &corev1.ConfigMap{}
		if err := k8sClient.Get(ctx, client.ObjectKey{Namespace: ns, Name: charter.Name(ref)}, cm); err != nil {
			return nil
		}
		return cm
	}
}

// newJob creates a Job (no Job controller runs in envtest: it stays as created).
func newJob(ns, name string) *batchv1.Job {
	j := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever,
			Containers:    []corev1.Container{{Name: "work", Image: "registry.k8s.io/pause:3.10"}},
		}}},
	}
	Expect(k8sClient.Create(ctx, j)).To(Succeed())
	return j
}

// completeJob writes the status a Job controller writes when the Job succeeds.
func completeJob(j *batchv1.Job) {
	Eventually(func() error {
		if err := k8sClient.Get(ctx, client.ObjectKeyFromObject(j), j); err != nil {
			return err
		}
		now := metav1.NewTime(time.Now().Truncate(time.Second))
		j.Status.StartTime = &now
		j.Status.CompletionTime = &now
		j.Status.Succeeded = 1
		j.Status.Active = 0
		j.Status.Ready = ptr.To[int32](0)
		j.Status.Conditions = []batchv1.JobCondition{
			{Type: batchv1.JobSuccessCriteriaMet, Status: corev1.ConditionTrue, Reason: "CompletionsReached", LastTransitionTime: now, LastProbeTime: now},
			{Type: batchv1.JobComplete, Status: corev1.ConditionTrue, Reason: "CompletionsReached", LastTransitionTime: now, LastProbeTime: now},
		}
		return k8sClient.Status().Update(ctx, j)
	}).Should(Succeed())
}
