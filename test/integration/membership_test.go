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
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/charter"
)

var _ = Describe("Membership and badges", func() {
	It("writes nothing into an invited namespace until it consents", func() {
		ns := newNamespace(nil)
		name := uniqueName("consent")
		ref := allianceRef(name)
		newAlliance(name, ns)
		d := agentDeployment(ns, "planner", nil)
		p := agentPod(ns, "planner-1", "planner", nil)

		By("an invitation alone badges nothing and creates nothing")
		Consistently(labelsOf(d)).ShouldNot(HaveKey(badgeKey(ref)))
		Expect(labelsOf(p)()).NotTo(HaveKey(badgeKey(ref)))
		Expect(namespaceLabels(ns)()).NotTo(HaveKey(badgeKey(ref)))
		var cms corev1.ConfigMapList
		Expect(k8sClient.List(ctx, &cms, client.InNamespace(ns))).To(Succeed())
		Expect(cms.Items).To(BeEmpty())

		By("a Membership joins: the namespace, the workload and its Pod carry the badge")
		m := newMembership(ns, "join", ref)
		Eventually(standing(m)).Should(Equal(unionsv1.StandingActive))
		Eventually(labelsOf(d)).Should(HaveKeyWithValue(badgeKey(ref), "member"))
		Eventually(labelsOf(p)).Should(HaveKeyWithValue(badgeKey(ref), "member"))
		Eventually(namespaceLabels(ns)).Should(HaveKeyWithValue(badgeKey(ref), "member"))

		By("the Membership is Ready once it has seen its badges land, as kubectl wait --for=condition=Ready expects")
		got := &unionsv1.Membership{}
		Eventually(func(g Gomega) {
			g.Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(m), got)).To(Succeed())
			g.Expect(got.Status.Badge).To(Equal(badgeKey(ref) + "=member"))
			g.Expect(got.Status.Agents).To(Equal([]string{"planner"}))
			g.Expect(got.Status.ObservedGeneration).To(Equal(got.Generation))
			g.Expect(got.Status.Conditions).To(ContainElement(And(
				HaveField("Type", unionsv1.ConditionReady),
				HaveField("Status", metav1.ConditionTrue),
				HaveField("ObservedGeneration", got.Generation),
			)))
		}).Should(Succeed())

		By("the charter is in the namespace, owned by the Membership")
		cm := &corev1.ConfigMap{}
		Eventually(func() error {
			return k8sClient.Get(ctx, client.ObjectKey{Namespace: ns, Name: charter.Name(ref)}, cm)
		}).Should(Succeed())
		Expect(metav1.IsControlledBy(cm, got)).To(BeTrue())
		Expect(cm.Data).To(HaveKeyWithValue("union", "Alliance/"+name))
		Expect(cm.Data["charter.yaml"]).To(ContainSubstring("badge: " + badgeKey(ref) + "=member"))

		By("the union reports its member and agent counts")
		Eventually(func(g Gomega) {
			a := &unionsv1.Alliance{}
			g.Expect(k8sClient.Get(ctx, client.ObjectKey{Name: name}, a)).To(Succeed())
			g.Expect(a.Status.MemberCount).To(BeEquivalentTo(1))
			g.Expect(a.Status.AgentCount).To(BeEquivalentTo(1))
			g.Expect(a.Status.Phase).To(Equal(unionsv1.AllianceActive))
			g.Expect(a.Status.Members).To(ConsistOf(And(
				HaveField("Namespace", ns), HaveField("Standing", unionsv1.StandingActive), HaveField("Agents", BeEquivalentTo(1)))))
		}).Should(Succeed())
	})

	It("joins and leaves without rolling out anything, and leaves no badge behind", func() {
		ns := newNamespace(nil)
		name := uniqueName("flex")
		ref := allianceRef(name)
		newAlliance(name, ns)
		d := agentDeployment(ns, "critic", map[string]string{"team": "reviewers"})
		generation := d.Generation

		m := newMembership(ns, "join", ref)
		Eventually(labelsOf(d)).Should(HaveKeyWithValue(badgeKey(ref), "member"))
		Expect(labelsOf(d)()).To(HaveKeyWithValue("team", "reviewers"), "labels of other writers stay")

		Expect(k8sClient.Delete(ctx, m)).To(Succeed())
		Eventually(labelsOf(d)).ShouldNot(HaveKey(badgeKey(ref)))
		Eventually(namespaceLabels(ns)).ShouldNot(HaveKey(badgeKey(ref)))
		Expect(labelsOf(d)()).To(HaveKeyWithValue("team", "reviewers"))

		after := &appsv1.Deployment{}
		Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(d), after)).To(Succeed())
		Expect(after.Generation).To(Equal(generation), "joining and leaving must not change the pod template")
		Expect(after.Spec.Template.Labels).NotTo(HaveKey(badgeKey(ref)))
	})

	It("badges new Pods of a badged agent", func() {
		ns := newNamespace(nil)
		name := uniqueName("newpods")
		ref := allianceRef(name)
		newAlliance(name, ns)
		m := newMembership(ns, "join", ref)
		Eventually(standing(m)).Should(Equal(unionsv1.StandingActive))

		p := agentPod(ns, "scout-1", "scout", nil)
		Eventually(labelsOf(p)).Should(HaveKeyWithValue(badgeKey(ref), "member"))
		other := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "not-an-agent"},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "registry.k8s.io/pause:3.10"}}}}
		Expect(k8sClient.Create(ctx, other)).To(Succeed())
		Consistently(labelsOf(other)).ShouldNot(HaveKey(badgeKey(ref)))
	})

	It("badges only the agents the Membership selects", func() {
		ns := newNamespace(nil)
		name := uniqueName("select")
		ref := allianceRef(name)
		newAlliance(name, ns)
		core := agentDeployment(ns, "core", map[string]string{"tier": "core"})
		corePod := agentPod(ns, "core-1", "core", nil) // its Pod, without the tier label
		edge := agentDeployment(ns, "edge", map[string]string{"tier": "edge"})
		m := newMembership(ns, "join", ref, func(m *unionsv1.Membership) {
			m.Spec.Agents = &metav1.LabelSelector{MatchLabels: map[string]string{"tier": "core"}}
		})
		Eventually(labelsOf(core)).Should(HaveKeyWithValue(badgeKey(ref), "member"))
		Eventually(labelsOf(corePod)).Should(HaveKeyWithValue(badgeKey(ref), "member"))
		Consistently(labelsOf(edge)).ShouldNot(HaveKey(badgeKey(ref)))
		got := &unionsv1.Membership{}
		Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(m), got)).To(Succeed())
		Expect(got.Status.Agents).To(Equal([]string{"core"}))
		Expect(got.Status.AgentCount).To(BeEquivalentTo(1))
	})

	It("rejects a second Membership of the same namespace as a Duplicate", func() {
		ns := newNamespace(nil)
		name := uniqueName("dup")
		ref := allianceRef(name)
		newAlliance(name, ns)
		first := newMembership(ns, "first", ref)
		Eventually(standing(first)).Should(Equal(unionsv1.StandingActive))
		second := newMembership(ns, "second", ref)
		Eventually(standing(second)).Should(Equal(unionsv1.StandingRejected))
		Expect(readyReason(second)()).To(Equal(unionsv1.ReasonDuplicate))
		got := &unionsv1.Membership{}
		Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(second), got)).To(Succeed())
		Expect(got.Status.Conditions).To(ContainElement(And(
			HaveField("Type", unionsv1.ConditionStalled), HaveField("Status", metav1.ConditionTrue),
			HaveField("Message", ContainSubstring(`"first"`)))))
		Consistently(standing(first)).Should(Equal(unionsv1.StandingActive))
	})

	It("waits for an invitation, by name or by label", func() {
		ns := newNamespace(map[string]string{"tier": "gold"})
		name := uniqueName("invite")
		ref := allianceRef(name)
		// Leaving without a treaty: the label decides the membership.
		a := createAlliance(name, func(a *unionsv1.Alliance) { a.Spec.Separation.CoolOff = &metav1.Duration{} })
		d := agentDeployment(ns, "planner", nil)
		m := newMembership(ns, "join", ref)
		Eventually(readyReason(m)).Should(Equal(unionsv1.ReasonNotInvited))
		Expect(standing(m)()).To(Equal(unionsv1.StandingPending))
		Consistently(labelsOf(d)).ShouldNot(HaveKey(badgeKey(ref)))

		By("inviting by label")
		Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(a), a)).To(Succeed())
		a.Spec.Admission.NamespaceSelector = &metav1.LabelSelector{MatchLabels: map[string]string{"tier": "gold"}}
		Expect(k8sClient.Update(ctx, a)).To(Succeed())
		Eventually(standing(m)).Should(Equal(unionsv1.StandingActive))
		Eventually(labelsOf(d)).Should(HaveKeyWithValue(badgeKey(ref), "member"))

		By("the namespace losing the label loses the membership")
		nsObj := &corev1.Namespace{}
		Expect(k8sClient.Get(ctx, client.ObjectKey{Name: ns}, nsObj)).To(Succeed())
		delete(nsObj.Labels, "tier")
		Expect(k8sClient.Update(ctx, nsObj)).To(Succeed())
		Eventually(standing(m)).Should(Equal(unionsv1.StandingPending))
		Eventually(labelsOf(d)).ShouldNot(HaveKey(badgeKey(ref)))
		Eventually(func() bool {
			err := k8sClient.Get(ctx, client.ObjectKey{Namespace: ns, Name: charter.Name(ref)}, &corev1.ConfigMap{})
			return apierrors.IsNotFound(err)
		}).Should(BeTrue(), "the charter goes with the standing")
	})

	It("keeps a member of a union that takes a treaty to leave when the invitation changes", func() {
		ns := newNamespace(map[string]string{"tier": "gold"})
		name := uniqueName("bound")
		ref := allianceRef(name)
		createAlliance(name, func(a *unionsv1.Alliance) {
			a.Spec.Admission.NamespaceSelector = &metav1.LabelSelector{MatchLabels: map[string]string{"tier": "gold"}}
		})
		d := agentDeployment(ns, "planner", nil)
		m := newMembership(ns, "join", ref)
		joined(m, ref)

		By("the label goes: only a treaty, an expulsion or the union's end ends the standing")
		nsObj := &corev1.Namespace{}
		Expect(k8sClient.Get(ctx, client.ObjectKey{Name: ns}, nsObj)).To(Succeed())
		delete(nsObj.Labels, "tier")
		Expect(k8sClient.Update(ctx, nsObj)).To(Succeed())
		Consistently(standing(m), "2s").Should(Equal(unionsv1.StandingActive))
		Expect(labelsOf(d)()).To(HaveKeyWithValue(badgeKey(ref), "member"))
	})

	It("waits for a union that does not exist yet, and lets go when it is deleted", func() {
		ns := newNamespace(nil)
		name := uniqueName("later")
		ref := allianceRef(name)
		d := agentDeployment(ns, "planner", nil)
		m := newMembership(ns, "join", ref)
		Eventually(readyReason(m)).Should(Equal(unionsv1.ReasonUnionNotFound))

		a := newAlliance(name, ns)
		Eventually(standing(m)).Should(Equal(unionsv1.StandingActive))
		Eventually(labelsOf(d)).Should(HaveKeyWithValue(badgeKey(ref), "member"))

		Expect(k8sClient.Delete(ctx, a)).To(Succeed())
		Eventually(readyReason(m)).Should(Equal(unionsv1.ReasonUnionNotFound))
		Eventually(labelsOf(d)).ShouldNot(HaveKey(badgeKey(ref)))
		Eventually(namespaceLabels(ns)).ShouldNot(HaveKey(badgeKey(ref)))
	})

	It("keeps other writers' labels, refuses their badges, and removes badges no Membership grants", func() {
		ns := newNamespace(nil)
		name := uniqueName("forged")
		ref := allianceRef(name)
		newAlliance(name, ns)
		d := agentDeployment(ns, "planner", nil)
		m := newMembership(ns, "join", ref)
		Eventually(labelsOf(d)).Should(HaveKeyWithValue(badgeKey(ref), "member"))

		stray := badgeKey(unionsv1.UnionReference{Kind: unionsv1.KindCoalition, Name: "not-joined"})
		labels := func(l map[string]string) *unstructured.Unstructured {
			u := &unstructured.Unstructured{}
			u.SetAPIVersion("apps/v1")
			u.SetKind("Deployment")
			u.SetNamespace(ns)
			u.SetName(d.Name)
			u.SetLabels(l)
			return u
		}
		By("another field manager's badge is refused by the API server; its own labels are its own")
		err := k8sClient.Apply(ctx, client.ApplyConfigurationFromUnstructured(labels(map[string]string{"gitops": "yes", stray: "member"})), client.FieldOwner("gitops"))
		Expect(err).To(MatchError(ContainSubstring("union badges are set by union-operator alone")))
		Expect(k8sClient.Apply(ctx, client.ApplyConfigurationFromUnstructured(labels(map[string]string{"gitops": "yes"})), client.FieldOwner("gitops"))).To(Succeed())

		By("a badge no Membership grants (left by the operator itself, say before a crash) is removed")
		operator, err := client.New(operatorCfg, client.Options{Scheme: k8sClient.Scheme()})
		Expect(err).NotTo(HaveOccurred())
		Expect(operator.Apply(ctx, client.ApplyConfigurationFromUnstructured(labels(map[string]string{badgeKey(ref): "member", stray: "member"})),
			client.FieldOwner(unionsv1.FieldManager), client.ForceOwnership)).To(Succeed())
		Eventually(labelsOf(d)).ShouldNot(HaveKey(stray))
		Expect(labelsOf(d)()).To(And(HaveKeyWithValue("gitops", "yes"), HaveKeyWithValue(badgeKey(ref), "member")))
		Expect(standing(m)()).To(Equal(unionsv1.StandingActive))
	})
})
