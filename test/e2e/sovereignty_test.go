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

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/badge"
)

// membershipCondition returns a Membership's condition of a type.
func membershipCondition(g Gomega, ns, name, conditionType string) metav1.Condition {
	m := &unionsv1.Membership{}
	g.Expect(k8sClient.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, m)).To(Succeed())
	c := meta.FindStatusCondition(m.Status.Conditions, conditionType)
	g.Expect(c).NotTo(BeNil(), "Membership %s/%s has no %s condition", ns, name, conditionType)
	return *c
}

// namespaceLabels reads a Namespace's labels.
func namespaceLabels(g Gomega, ns string) map[string]string {
	n := &corev1.Namespace{}
	g.Expect(k8sClient.Get(ctx, client.ObjectKey{Name: ns}, n)).To(Succeed())
	return n.Labels
}

var _ = Describe("Sovereignty on the local cluster", func() {
	It("ships admission policies the API server type-checks without a warning", func() {
		for _, name := range []string{"union-operator-badge-guard", "union-operator-fence"} {
			Eventually(func(g Gomega) {
				p := &admissionregistrationv1.ValidatingAdmissionPolicy{}
				g.Expect(k8sClient.Get(ctx, client.ObjectKey{Name: name}, p)).To(Succeed())
				g.Expect(p.Status.ObservedGeneration).To(Equal(p.Generation))
				g.Expect(p.Status.TypeChecking).NotTo(BeNil())
				g.Expect(p.Status.TypeChecking.ExpressionWarnings).To(BeEmpty())
			}).Should(Succeed(), "policy %s", name)
		}
	})

	It("keeps a member namespace's restricted Pod Security when a federation asks for privileged", func() {
		const pss = "pod-security.kubernetes.io/enforce"
		ns := newNamespaces("pss", 1)[0]
		Expect(k8sClient.Patch(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, client.RawPatch(types.MergePatchType,
			[]byte(`{"metadata":{"labels":{"`+pss+`":"restricted"}}}`)), client.FieldOwner("platform"))).To(Succeed())
		f := &unionsv1.Federation{ObjectMeta: metav1.ObjectMeta{Name: ns + "-lax"}}
		f.Spec.Admission.Policy = unionsv1.AdmissionOpen
		f.Spec.Constitution.NamespaceLabels = map[string]string{pss: "privileged"}
		Expect(k8sClient.Create(ctx, f)).To(Succeed())
		DeferCleanup(func() { _ = k8sClient.Delete(ctx, f) })
		ref := unionsv1.Reference(f)
		join(ns, ref)
		name := "federation-" + f.Name

		Eventually(func(g Gomega) {
			c := membershipCondition(g, ns, name, "LabelsInForce")
			g.Expect(c.Status).To(Equal(metav1.ConditionFalse))
			g.Expect(c.Reason).To(Equal("LabelConflict"))
			g.Expect(c.Message).To(ContainSubstring(pss))
			g.Expect(namespaceLabels(g, ns)).To(HaveKey(badge.Key(ref)))
		}).Should(Succeed())
		Expect(namespaceLabels(Default, ns)).To(HaveKeyWithValue(pss, "restricted"))

		By("the API server still enforces restricted: a privileged Pod is refused")
		privileged := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "privileged"},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "registry.k8s.io/pause:3.10",
				SecurityContext: &corev1.SecurityContext{Privileged: ptr.To(true)}}}},
		}
		Expect(k8sClient.Create(ctx, privileged)).To(MatchError(ContainSubstring("violates PodSecurity")))
	})

	It("refuses a badge written by hand, with a message that says why", func() {
		ns := newNamespaces("forge", 1)[0]
		d := agentDeployment(ns, "planner", 0, nil)
		Expect(k8sClient.Create(ctx, d)).To(Succeed())
		out, err := run(kubectl, "label", "-n", ns, "deployment", "planner", "alliance.unions.kos.dev/anything=member")
		Expect(err).To(HaveOccurred())
		Expect(out).To(ContainSubstring("union badges are set by union-operator alone"))
		Expect(deploymentOf(Default, d).Labels).NotTo(HaveKey("alliance.unions.kos.dev/anything"))
	})

	It("gives a reserve back to the count its owner set meanwhile, not to the one it found", func() {
		const unavailableFor = 5 * time.Second
		w := newWorld("owner", 2, 0, 0)
		nsA, nsB := w.namespaces[0], w.namespaces[1]
		name := w.prefix + "-ally"
		ref := unionsv1.UnionReference{Kind: unionsv1.KindAlliance, Name: name}
		reserveLabel := map[string]string{"role": "reserve"}
		web := agentDeployment(nsA, "web", 2, nil)
		reserve := agentDeployment(nsB, "reserve", 2, reserveLabel)
		for _, d := range []*appsv1.Deployment{web, reserve} {
			Expect(k8sClient.Create(ctx, d)).To(Succeed())
			Eventually(func(g Gomega) { fullyAvailable(g, d) }).Should(Succeed())
		}
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

		By("web loses a replica: the reserve is raised from its owner's 2 to 4")
		setNodeSelector(web, map[string]string{"type": "no-such-node"})
		Eventually(func(g Gomega) int32 { return *deploymentOf(g, reserve).Spec.Replicas }).
			WithTimeout(unavailableFor + time.Minute).Should(BeEquivalentTo(4))

		By("the owner scales its reserve to 5 meanwhile, with kubectl")
		out, err := run(kubectl, "scale", "-n", nsB, "deployment/reserve", "--replicas=5")
		Expect(err).NotTo(HaveOccurred(), out)

		By("web recovers: the alliance gives back nothing, the owner's 5 stands")
		setNodeSelector(web, nil)
		Eventually(func(g Gomega) { fullyAvailable(g, web) }).Should(Succeed())
		Eventually(func(g Gomega) []unionsv1.ReserveRecord {
			cur := &unionsv1.Alliance{}
			g.Expect(k8sClient.Get(ctx, client.ObjectKey{Name: name}, cur)).To(Succeed())
			return cur.Status.Reserves
		}).Should(BeEmpty())
		Consistently(func(g Gomega) int32 { return *deploymentOf(g, reserve).Spec.Replicas }, "3s").Should(BeEquivalentTo(5))
		fmt.Fprintf(GinkgoWriter, "reserve kept at its owner's count: %d\n", *deploymentOf(Default, reserve).Spec.Replicas)
	})
})
