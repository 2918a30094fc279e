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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/badge"
)

var _ = Describe("Badges on running agents", Ordered, func() {
	var (
		ns      string
		name    string
		ref     unionsv1.UnionReference
		deploy  *appsv1.Deployment
		initGen int64
	)

	BeforeAll(func() {
		ns = fmt.Sprintf("e2e-smoke-%d", time.Now().Unix())
		name = ns
		ref = unionsv1.UnionReference{Kind: unionsv1.KindAlliance, Name: name}
		Expect(k8sClient.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})).To(Succeed())
		DeferCleanup(func() {
			_ = k8sClient.Delete(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
			_ = k8sClient.Delete(ctx, &unionsv1.Alliance{ObjectMeta: metav1.ObjectMeta{Name: name}})
		})
		labels := map[string]string{unionsv1.AgentLabel: "planner"}
		deploy = &appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "planner", Labels: labels},
			Spec: appsv1.DeploymentSpec{
				Replicas: ptr.To[int32](3),
				Selector: &metav1.LabelSelector{MatchLabels: labels},
				Template: corev1.PodTemplateSpec{
					ObjectMeta: metav1.ObjectMeta{Labels: labels},
					Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "agent", Image: "registry.k8s.io/pause:3.10"}}},
				},
			},
		}
		Expect(k8sClient.Create(ctx, deploy)).To(Succeed())
	})

	runningPods := func(g Gomega) []corev1.Pod {
		var pods corev1.PodList
		g.Expect(k8sClient.List(ctx, &pods, client.InNamespace(ns), client.MatchingLabels{unionsv1.AgentLabel: "planner"})).To(Succeed())
		var running []corev1.Pod
		for _, p := range pods.Items {
			if p.Status.Phase == corev1.PodRunning && p.DeletionTimestamp == nil {
				running = append(running, p)
			}
		}
		return running
	}

	It("runs the agent's Pods on the local cluster", func() {
		Eventually(func(g Gomega) {
			g.Expect(runningPods(g)).To(HaveLen(3))
		}).Should(Succeed())
		Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(deploy), deploy)).To(Succeed())
		initGen = deploy.Generation
	})

	It("badges the namespace, the Deployment and its running Pods when the namespace joins", func() {
		a := &unionsv1.Alliance{ObjectMeta: metav1.ObjectMeta{Name: name}}
		a.Spec.Admission.Namespaces = []string{ns}
		Expect(k8sClient.Create(ctx, a)).To(Succeed())
		m := &unionsv1.Membership{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
		m.Spec.Union = ref
		Expect(k8sClient.Create(ctx, m)).To(Succeed())

		By("kubectl wait --for=condition=Ready succeeds for the accepted Membership")
		_, err := run(kubectl, "wait", "--for=condition=Ready", "--timeout=60s", "-n", ns, "membership/"+name)
		Expect(err).NotTo(HaveOccurred())

		key := badge.Key(ref)
		Eventually(func(g Gomega) {
			pods := runningPods(g)
			g.Expect(pods).To(HaveLen(3))
			for _, p := range pods {
				g.Expect(p.Labels).To(HaveKeyWithValue(key, "member"), "pod %s", p.Name)
			}
			g.Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(deploy), deploy)).To(Succeed())
			g.Expect(deploy.Labels).To(HaveKeyWithValue(key, "member"))
			nsObj := &corev1.Namespace{}
			g.Expect(k8sClient.Get(ctx, client.ObjectKey{Name: ns}, nsObj)).To(Succeed())
			g.Expect(nsObj.Labels).To(HaveKeyWithValue(key, "member"))
		}).Should(Succeed())
		Expect(deploy.Generation).To(Equal(initGen), "joining must not roll the Deployment out")
	})

	It("badges a Pod that replaces a deleted one", func() {
		pods := runningPods(Default)
		Expect(k8sClient.Delete(ctx, &pods[0])).To(Succeed())
		key := badge.Key(ref)
		Eventually(func(g Gomega) {
			running := runningPods(g)
			g.Expect(running).To(HaveLen(3))
			names := map[string]bool{}
			for _, p := range running {
				names[p.Name] = true
				g.Expect(p.Labels).To(HaveKeyWithValue(key, "member"), "pod %s", p.Name)
			}
			g.Expect(names).NotTo(HaveKey(pods[0].Name))
		}).Should(Succeed())
	})

	It("removes every badge when the namespace leaves", func() {
		Expect(k8sClient.Delete(ctx, &unionsv1.Membership{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}})).To(Succeed())
		key := badge.Key(ref)
		Eventually(func(g Gomega) {
			for _, p := range runningPods(g) {
				g.Expect(p.Labels).NotTo(HaveKey(key), "pod %s", p.Name)
			}
			g.Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(deploy), deploy)).To(Succeed())
			g.Expect(deploy.Labels).NotTo(HaveKey(key))
		}).Should(Succeed())
		Expect(deploy.Generation).To(Equal(initGen), "leaving must not roll the Deployment out")
	})
})
