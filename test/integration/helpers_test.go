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
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/badge"
)

// newNamespace creates a namespace of the test's own.
func newNamespace(labels map[string]string) string {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "it-", Labels: labels}}
	Expect(k8sClient.Create(ctx, ns)).To(Succeed())
	return ns.Name
}

// uniqueName returns a union name no other test uses.
func uniqueName(prefix string) string {
	return fmt.Sprintf("%s-%d", prefix, time.Now().UnixNano()%1_000_000_000)
}

// agentDeployment creates an agent Deployment.
func agentDeployment(ns, agent string, labels map[string]string) *appsv1.Deployment {
	l := map[string]string{unionsv1.AgentLabel: agent}
	for k, v := range labels {
		l[k] = v
	}
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: agent, Labels: l},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](1),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{unionsv1.AgentLabel: agent}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{unionsv1.AgentLabel: agent}},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "agent", Image: "registry.k8s.io/pause:3.10"}}},
			},
		},
	}
	Expect(k8sClient.Create(ctx, d)).To(Succeed())
	return d
}

// agentPod creates a Pod of an agent.
func agentPod(ns, name, agent string, labels map[string]string) *corev1.Pod {
	l := map[string]string{unionsv1.AgentLabel: agent}
	for k, v := range labels {
		l[k] = v
	}
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: l},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "agent", Image: "registry.k8s.io/pause:3.10"}}},
	}
	Expect(k8sClient.Create(ctx, p)).To(Succeed())
	return p
}

func allianceRef(name string) unionsv1.UnionReference {
	return unionsv1.UnionReference{Kind: unionsv1.KindAlliance, Name: name}
}

// newAlliance creates an alliance inviting the given namespaces by name.
func newAlliance(name string, invited ...string) *unionsv1.Alliance {
	a := &unionsv1.Alliance{ObjectMeta: metav1.ObjectMeta{Name: name}}
	a.Spec.Admission.Namespaces = invited
	Expect(k8sClient.Create(ctx, a)).To(Succeed())
	DeferCleanup(func() { _ = k8sClient.Delete(ctx, a) })
	return a
}

// newMembership creates a Membership of ns in a union.
func newMembership(ns, name string, ref unionsv1.UnionReference, mutate ...func(*unionsv1.Membership)) *unionsv1.Membership {
	m := &unionsv1.Membership{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	m.Spec.Union = ref
	for _, f := range mutate {
		f(m)
	}
	Expect(k8sClient.Create(ctx, m)).To(Succeed())
	return m
}

// standing returns a Membership's standing (and "" if it cannot be read).
func standing(m *unionsv1.Membership) func() unionsv1.Standing {
	return func() unionsv1.Standing {
		got := &unionsv1.Membership{}
		if err := k8sClient.Get(ctx, client.ObjectKeyFromObject(m), got); err != nil {
			return ""
		}
		return got.Status.Standing
	}
}

// readyReason returns the reason of a Membership's Ready condition.
func readyReason(m *unionsv1.Membership) func() string {
	return func() string {
		got := &unionsv1.Membership{}
		if err := k8sClient.Get(ctx, client.ObjectKeyFromObject(m), got); err != nil {
			return ""
		}
		if c := meta.FindStatusCondition(got.Status.Conditions, unionsv1.ConditionReady); c != nil {
			return c.Reason
		}
		return ""
	}
}

// labelsOf returns the current labels of an object.
func labelsOf(obj client.Object) func() map[string]string {
	return func() map[string]string {
		fresh := obj.DeepCopyObject().(client.Object)
		if err := k8sClient.Get(ctx, client.ObjectKeyFromObject(obj), fresh); err != nil {
			return nil
		}
		return fresh.GetLabels()
	}
}

// namespaceLabels returns the current labels of a Namespace.
func namespaceLabels(ns string) func() map[string]string {
	return labelsOf(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
}

// badgeKey is the badge key of a union.
func badgeKey(ref unionsv1.UnionReference) string { return badge.Key(ref) }
