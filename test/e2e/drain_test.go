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
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

var _ = Describe("Alliance budgets and node drains", func() {
	It("lets the eviction API take every member Pod, as a drain does, with two alliances defending the namespace", func() {
		w := newWorld("drain", 1, 0, 0)
		ns := w.namespaces[0]
		web := agentDeployment(ns, "web", 3, nil)
		solo := agentDeployment(ns, "solo", 1, nil)
		for _, d := range []*appsv1.Deployment{web, solo} {
			Expect(k8sClient.Create(ctx, d)).To(Succeed())
		}
		for _, d := range []*appsv1.Deployment{web, solo} {
			Eventually(func(g Gomega) { fullyAvailable(g, d) }).Should(Succeed(), "%s/%s never became available", d.Namespace, d.Name)
		}
		// The defence users write first: keep one replica up.
		for _, name := range []string{w.prefix + "-shield", w.prefix + "-aegis"} {
			a := &unionsv1.Alliance{ObjectMeta: metav1.ObjectMeta{Name: name}}
			a.Spec.Admission.Policy = unionsv1.AdmissionOpen
			a.Spec.Defense = &unionsv1.Defense{Preemptive: &unionsv1.PreemptiveDefense{MinAvailable: ptr.To(intstr.FromInt32(1))}}
			Expect(k8sClient.Create(ctx, a)).To(Succeed())
			DeferCleanup(func() { _ = k8sClient.Delete(ctx, a) })
			join(ns, unionsv1.UnionReference{Kind: unionsv1.KindAlliance, Name: name})
		}

		By("one budget covers web, none covers solo, and it allows disruptions")
		Eventually(func(g Gomega) {
			var list policyv1.PodDisruptionBudgetList
			g.Expect(k8sClient.List(ctx, &list, client.InNamespace(ns))).To(Succeed())
			g.Expect(list.Items).To(HaveLen(1))
			b := list.Items[0]
			g.Expect(b.Spec.Selector).To(Equal(web.Spec.Selector))
			g.Expect(b.Status.ObservedGeneration).To(Equal(b.Generation))
			g.Expect(b.Status.DisruptionsAllowed).To(BeNumerically(">=", 1))
		}).WithTimeout(time.Minute).Should(Succeed())
		Consistently(func(g Gomega) {
			var list policyv1.PodDisruptionBudgetList
			g.Expect(k8sClient.List(ctx, &list, client.InNamespace(ns))).To(Succeed())
			g.Expect(list.Items).To(HaveLen(1), "a second budget over the same Pods makes every eviction fail")
		}, "3s").Should(Succeed())

		By("evicting every Pod of the namespace, retrying while a budget says wait, as kubectl drain does")
		var pods corev1.PodList
		Expect(k8sClient.List(ctx, &pods, client.InNamespace(ns))).To(Succeed())
		Expect(pods.Items).To(HaveLen(4))
		for i := range pods.Items {
			pod := &pods.Items[i]
			Eventually(func() error {
				return k8sClient.SubResource("eviction").Create(ctx, pod, &policyv1.Eviction{
					ObjectMeta: metav1.ObjectMeta{Namespace: pod.Namespace, Name: pod.Name},
				})
			}).WithTimeout(time.Minute).Should(Succeed(), "Pod %s could not be evicted", pod.Name)
		}
	})
})
