//go:build e2e

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

package e2e

import (
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/badge"
)

// agentDeployment returns an agent Deployment (not created) whose Pods the
// scheduler places on the kwok node. Rolling updates take down one Pod at a
// time and add none, so a new template that cannot be scheduled leaves the
// Deployment one replica short.
func agentDeployment(ns, agent string, replicas int32, labels map[string]string) *appsv1.Deployment {
	selector := map[string]string{unionsv1.AgentLabel: agent}
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: agent, Labels: map[string]string{unionsv1.AgentLabel: agent}},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(replicas),
			Selector: &metav1.LabelSelector{MatchLabels: selector},
			Strategy: appsv1.DeploymentStrategy{
				Type: appsv1.RollingUpdateDeploymentStrategyType,
				RollingUpdate: &appsv1.RollingUpdateDeployment{
					MaxUnavailable: ptr.To(intstr.FromInt32(1)),
					MaxSurge:       ptr.To(intstr.FromInt32(0)),
				},
			},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: selector},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "agent", Image: "registry.k8s.io/pause:3.10"}}},
			},
		},
	}
	for k, v := range labels {
		d.Labels[k] = v
	}
	return d
}

// deploymentOf reads a Deployment as it is now.
func deploymentOf(g Gomega, d *appsv1.Deployment) *appsv1.Deployment {
	cur := &appsv1.Deployment{}
	g.Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(d), cur)).To(Succeed())
	return cur
}

// fullyAvailable reports whether a Deployment's controller has rolled out
// its current spec and every desired replica is available.
func fullyAvailable(g Gomega, d *appsv1.Deployment) {
	cur := deploymentOf(g, d)
	g.Expect(cur.Status.ObservedGeneration).To(Equal(cur.Generation))
	g.Expect(cur.Status.UpdatedReplicas).To(Equal(*cur.Spec.Replicas))
	g.Expect(cur.Status.AvailableReplicas).To(Equal(*cur.Spec.Replicas))
	g.Expect(cur.Status.Replicas).To(Equal(*cur.Spec.Replicas))
}

// setNodeSelector changes the node selector of a Deployment's Pod template
// (nil removes it), starting a rollout.
func setNodeSelector(d *appsv1.Deployment, selector map[string]string) {
	GinkgoHelper()
	Eventually(func() error {
		cur := &appsv1.Deployment{}
		if err := k8sClient.Get(ctx, client.ObjectKeyFromObject(d), cur); err != nil {
			return err
		}
		cur.Spec.Template.Spec.NodeSelector = selector
		return k8sClient.Update(ctx, cur)
	}).Should(Succeed())
}

// disrupted returns the Disrupted condition and the disruptions of an alliance.
func disrupted(g Gomega, name string) (metav1.Condition, []unionsv1.Disruption) {
	a := &unionsv1.Alliance{}
	g.Expect(k8sClient.Get(ctx, client.ObjectKey{Name: name}, a)).To(Succeed())
	c := meta.FindStatusCondition(a.Status.Conditions, unionsv1.ConditionDisrupted)
	g.Expect(c).NotTo(BeNil(), "alliance %s has no Disrupted condition", name)
	return *c, a.Status.Disruptions
}

var _ = Describe("Alliance defence on the local cluster", func() {
	It("scales an ally's volunteered reserve while a member agent really loses replicas, and restores it exactly", func() {
		const unavailableFor = 5 * time.Second
		w := newWorld("defence", 2, 0, 0)
		nsA, nsB := w.namespaces[0], w.namespaces[1]
		name := w.prefix + "-ally"
		ref := unionsv1.UnionReference{Kind: unionsv1.KindAlliance, Name: name}
		reserveLabel := map[string]string{"role": "reserve"}

		web := agentDeployment(nsA, "web", 4, nil)
		// idle carries the reserve label too, but its namespace volunteers nothing.
		idle := agentDeployment(nsA, "idle", 1, reserveLabel)
		reserve := agentDeployment(nsB, "reserve", 1, reserveLabel)
		for _, d := range []*appsv1.Deployment{web, idle, reserve} {
			Expect(k8sClient.Create(ctx, d)).To(Succeed())
		}
		for _, d := range []*appsv1.Deployment{web, idle, reserve} {
			Eventually(func(g Gomega) { fullyAvailable(g, d) }).Should(Succeed(), "%s/%s never became available", d.Namespace, d.Name)
		}
		idleGeneration := deploymentOf(Default, idle).Generation

		a := &unionsv1.Alliance{ObjectMeta: metav1.ObjectMeta{Name: name}}
		a.Spec.Admission.Policy = unionsv1.AdmissionOpen
		a.Spec.Defense = &unionsv1.Defense{Reactive: &unionsv1.ReactiveDefense{UnavailableFor: metav1.Duration{Duration: unavailableFor}}}
		Expect(k8sClient.Create(ctx, a)).To(Succeed())
		DeferCleanup(func() { _ = k8sClient.Delete(ctx, a) })
		join(nsA, ref)
		m := &unionsv1.Membership{ObjectMeta: metav1.ObjectMeta{Namespace: nsB, Name: "alliance-" + name}}
		m.Spec.Union = ref
		m.Spec.Reserves = &unionsv1.Reserves{Selector: metav1.LabelSelector{MatchLabels: reserveLabel}, MaxScaleBy: 2}
		Expect(k8sClient.Create(ctx, m)).To(Succeed())
		Eventually(func() []string {
			return w.badgeDiff(func(string) badge.Set { return badge.Set{badge.Key(ref): unionsv1.RoleMember} })
		}).Should(BeEmpty())
		Eventually(func(g Gomega) {
			c, list := disrupted(g, name)
			g.Expect(c.Status).To(Equal(metav1.ConditionFalse))
			g.Expect(c.Reason).To(Equal("Available"))
			g.Expect(list).To(BeEmpty())
		}).Should(Succeed())

		By("web's new Pods cannot be scheduled: its rollout takes one of its 4 replicas down")
		brokeAt := time.Now()
		setNodeSelector(web, map[string]string{"type": "no-such-node"})
		Eventually(func(g Gomega) {
			cur := deploymentOf(g, web)
			g.Expect(cur.Status.AvailableReplicas).To(BeNumerically("<", 4))
		}).Should(Succeed())

		By("after unavailableFor the reserve of the other member is scaled by maxScaleBy")
		var since metav1.Time
		Eventually(func(g Gomega) {
			c, list := disrupted(g, name)
			g.Expect(c.Status).To(Equal(metav1.ConditionTrue))
			g.Expect(list).To(ConsistOf(And(HaveField("Namespace", nsA), HaveField("Agent", "web"))))
			since = list[0].Since
		}).Should(Succeed())
		Eventually(func(g Gomega) int32 { return *deploymentOf(g, reserve).Spec.Replicas }).
			WithTimeout(unavailableFor + time.Minute).Should(BeEquivalentTo(3))
		scaledAt := time.Now()
		Expect(scaledAt).To(BeTemporally(">=", since.Add(unavailableFor)), "the reserve was scaled before web had been down for %s", unavailableFor)
		Eventually(func(g Gomega) []unionsv1.ReserveRecord {
			a := &unionsv1.Alliance{}
			g.Expect(k8sClient.Get(ctx, client.ObjectKey{Name: name}, a)).To(Succeed())
			return a.Status.Reserves
		}).Should(ConsistOf(And(HaveField("Name", reserve.Name), HaveField("OwnerReplicas", BeEquivalentTo(1)), HaveField("Replicas", BeEquivalentTo(3)))))
		Eventually(func(g Gomega) {
			c, list := disrupted(g, name)
			g.Expect(c.Status).To(Equal(metav1.ConditionTrue))
			g.Expect(c.Reason).To(Equal("ReservesCalledUp"))
			g.Expect(list).To(ConsistOf(And(HaveField("Namespace", nsA), HaveField("Agent", "web"), HaveField("ReservesScaled", BeEquivalentTo(1)))))
		}).Should(Succeed())
		Eventually(func(g Gomega) { fullyAvailable(g, reserve) }).Should(Succeed(), "the scaled reserve's Pods run on the kwok node")
		Consistently(func(g Gomega) int32 { return *deploymentOf(g, idle).Spec.Replicas }, "2s").Should(BeEquivalentTo(1))

		By("web's node selector is reverted: it recovers and the reserve goes back to exactly its prior count")
		setNodeSelector(web, nil)
		Eventually(func(g Gomega) { fullyAvailable(g, web) }).Should(Succeed())
		recoveredAt := time.Now()
		Eventually(func(g Gomega) {
			cur := deploymentOf(g, reserve)
			g.Expect(*cur.Spec.Replicas).To(BeEquivalentTo(1))
		}).Should(Succeed())
		restoredAt := time.Now()
		Eventually(func(g Gomega) {
			c, list := disrupted(g, name)
			g.Expect(c.Status).To(Equal(metav1.ConditionFalse))
			g.Expect(c.Reason).To(Equal("Available"))
			g.Expect(list).To(BeEmpty())
		}).Should(Succeed())
		Eventually(func(g Gomega) { fullyAvailable(g, reserve) }).Should(Succeed())
		Consistently(func(g Gomega) int32 { return *deploymentOf(g, reserve).Spec.Replicas }, "2s").Should(BeEquivalentTo(1))

		By("the Deployment its namespace did not volunteer was never scaled")
		cur := deploymentOf(Default, idle)
		Expect(*cur.Spec.Replicas).To(BeEquivalentTo(1))
		Expect(cur.Generation).To(Equal(idleGeneration), "idle's spec changed")

		fmt.Fprintf(GinkgoWriter, "defence: reserve scaled %.1fs after web broke (unavailableFor %s), restored %.1fs after web recovered\n",
			scaledAt.Sub(brokeAt).Seconds(), unavailableFor, restoredAt.Sub(recoveredAt).Seconds())
		AddReportEntry("defence", fmt.Sprintf("scale_after_seconds=%.1f restore_after_seconds=%.1f",
			scaledAt.Sub(brokeAt).Seconds(), restoredAt.Sub(recoveredAt).Seconds()))
	})
})
