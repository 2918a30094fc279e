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
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/charter"
	"github.com/kos-dev/union-operator/internal/standards"
)

const limitsExpression = "object.spec.template.spec.containers.all(c, has(c.resources.limits))"

var limitsStandard = unionsv1.Standard{Name: "limits", Expression: limitsExpression,
	Message: "agents must declare resource limits", Action: unionsv1.StandardDeny}

// createAlliance creates an alliance inviting the given namespaces, with its
// terms set by mutate.
func createAlliance(name string, mutate func(*unionsv1.Alliance), invited ...string) *unionsv1.Alliance {
	a := &unionsv1.Alliance{ObjectMeta: metav1.ObjectMeta{Name: name}}
	a.Spec.Admission.Namespaces = invited
	mutate(a)
	Expect(k8sClient.Create(ctx, a)).To(Succeed())
	DeferCleanup(func() { _ = k8sClient.Delete(ctx, a) })
	return a
}

// updateAlliance changes an alliance's terms.
func updateAlliance(name string, mutate func(*unionsv1.Alliance)) {
	Eventually(func() error {
		a := &unionsv1.Alliance{}
		if err := k8sClient.Get(ctx, client.ObjectKey{Name: name}, a); err != nil {
			return err
		}
		mutate(a)
		return k8sClient.Update(ctx, a)
	}).Should(Succeed())
}

// allianceStatus returns an alliance's status.
func allianceStatus(name string) func() unionsv1.AllianceStatus {
	return func() unionsv1.AllianceStatus {
		a := &unionsv1.Alliance{}
		if err := k8sClient.Get(ctx, client.ObjectKey{Name: name}, a); err != nil {
			return unionsv1.AllianceStatus{}
		}
		return a.Status
	}
}

// allianceCondition returns one condition of an alliance (zero when absent).
func allianceCondition(name, conditionType string) func() metav1.Condition {
	return func() metav1.Condition {
		if c := meta.FindStatusCondition(allianceStatus(name)().Conditions, conditionType); c != nil {
			return *c
		}
		return metav1.Condition{}
	}
}

// workload returns an agent Deployment (not created) whose one container
// declares resource limits or not.
func workload(ns, agent string, replicas int32, limits bool, labels map[string]string) *appsv1.Deployment {
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: agent, Labels: map[string]string{unionsv1.AgentLabel: agent}},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(replicas),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{unionsv1.AgentLabel: agent}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{unionsv1.AgentLabel: agent}},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "agent", Image: "registry.k8s.io/pause:3.10"}}},
			},
		},
	}
	for k, v := range labels {
		d.Labels[k] = v
	}
	if limits {
		d.Spec.Template.Spec.Containers[0].Resources.Limits = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m")}
	}
	return d
}

// setAvailable reports, as a Deployment controller would, how many of a
// Deployment's replicas are available.
func setAvailable(d *appsv1.Deployment, available int32) {
	Eventually(func() error {
		cur := &appsv1.Deployment{}
		if err := k8sClient.Get(ctx, client.ObjectKeyFromObject(d), cur); err != nil {
			return err
		}
		cur.Status.ObservedGeneration = cur.Generation
		cur.Status.Replicas = *cur.Spec.Replicas
		cur.Status.UpdatedReplicas = *cur.Spec.Replicas
		cur.Status.ReadyReplicas = available
		cur.Status.AvailableReplicas = available
		cur.Status.UnavailableReplicas = max(*cur.Spec.Replicas-available, 0)
		return k8sClient.Status().Update(ctx, cur)
	}).Should(Succeed())
}

// replicasOf returns a Deployment's spec.replicas and annotations.
func replicasOf(d *appsv1.Deployment) func() int32 {
	return func() int32 {
		cur := &appsv1.Deployment{}
		if err := k8sClient.Get(ctx, client.ObjectKeyFromObject(d), cur); err != nil {
			return -1
		}
		return *cur.Spec.Replicas
	}
}

func annotationsOf(d *appsv1.Deployment) func() map[string]string {
	return func() map[string]string {
		cur := &appsv1.Deployment{}
		if err := k8sClient.Get(ctx, client.ObjectKeyFromObject(d), cur); err != nil {
			return nil
		}
		return cur.Annotations
	}
}

// eventReasons lists the reasons of the Events regarding an object.
func eventReasons(ns, name string) func() []string {
	return func() []string {
		var list eventsv1.EventList
		if err := k8sClient.List(ctx, &list, client.InNamespace(ns)); err != nil {
			return nil
		}
		var out []string
		for _, e := range list.Items {
			if e.Regarding.Name == name {
				out = append(out, e.Reason)
			}
		}
		return out
	}
}

// joined waits for a Membership to be Active and the namespace badged.
func joined(m *unionsv1.Membership, ref unionsv1.UnionReference) {
	Eventually(standing(m)).Should(Equal(unionsv1.StandingActive))
	Eventually(namespaceLabels(m.Namespace)).Should(HaveKey(badgeKey(ref)))
}

var _ = Describe("Alliance", func() {
	It("has the API server enforce its standards in member namespaces, and only there", func() {
		member, outsider := newNamespace(nil), newNamespace(nil)
		name := uniqueName("dna")
		ref := allianceRef(name)
		createAlliance(name, func(a *unionsv1.Alliance) { a.Spec.Standards = []unionsv1.Standard{limitsStandard} }, member)
		joined(newMembership(member, "join", ref), ref)

		By("the policy and its binding, owned by the alliance, select member namespaces by their badge")
		policyName := "union-alliance-" + name + "-deny"
		policy := &admissionregistrationv1.ValidatingAdmissionPolicy{}
		binding := &admissionregistrationv1.ValidatingAdmissionPolicyBinding{}
		Eventually(func() error { return k8sClient.Get(ctx, client.ObjectKey{Name: policyName}, binding) }).Should(Succeed())
		Expect(k8sClient.Get(ctx, client.ObjectKey{Name: policyName}, policy)).To(Succeed())
		Expect(policy.OwnerReferences).To(ContainElement(And(HaveField("Kind", "Alliance"), HaveField("Name", name))))
		Expect(binding.OwnerReferences).To(ContainElement(And(HaveField("Kind", "Alliance"), HaveField("Name", name))))
		Expect(*policy.Spec.FailurePolicy).To(Equal(admissionregistrationv1.Fail))
		Expect(policy.Spec.Validations).To(ConsistOf(HaveField("Message", "limits: agents must declare resource limits")))
		Expect(binding.Spec.ValidationActions).To(Equal([]admissionregistrationv1.ValidationAction{admissionregistrationv1.Deny}))
		Expect(binding.Spec.MatchResources.NamespaceSelector.MatchExpressions).To(ConsistOf(metav1.LabelSelectorRequirement{
			Key: badgeKey(ref), Operator: metav1.LabelSelectorOpExists}))

		By("a Deployment without resource limits is denied in the member namespace, once the API server has the policy")
		Eventually(func() error {
			return k8sClient.Create(ctx, workload(member, "probe", 1, false, nil), client.DryRunAll)
		}).Should(MatchError(ContainSubstring("limits: agents must declare resource limits")))
		err := k8sClient.Create(ctx, workload(member, "reckless", 1, false, nil))
		Expect(apierrors.IsInvalid(err) || apierrors.IsForbidden(err)).To(BeTrue(), "denied: %v", err)
		Expect(err).To(MatchError(ContainSubstring(policyName)))

		By("the same Deployment is admitted in a namespace that is no member")
		Expect(k8sClient.Create(ctx, workload(outsider, "reckless", 1, false, nil))).To(Succeed())

		By("a Deployment meeting the standard is admitted in the member namespace")
		Expect(k8sClient.Create(ctx, workload(member, "careful", 1, true, nil))).To(Succeed())

		By("what the API server stores is what the operator renders, defaults included, so a resync writes nothing")
		Expect(k8sClient.Get(ctx, client.ObjectKey{Name: policyName}, policy)).To(Succeed())
		rendered := standards.Policies(ref, []unionsv1.Standard{limitsStandard}, standards.PolicyOptions{})
		Expect(rendered).To(HaveLen(1))
		Expect(equality.Semantic.DeepEqual(policy.Spec, rendered[0].Policy.Spec)).To(BeTrue(), "stored %+v", policy.Spec)
		Expect(equality.Semantic.DeepEqual(binding.Spec, rendered[0].Binding.Spec)).To(BeTrue(), "stored %+v", binding.Spec)

		By("the alliance dropping its standards removes the binding, then the policy")
		updateAlliance(name, func(a *unionsv1.Alliance) { a.Spec.Standards = nil })
		Eventually(gone(binding)).Should(BeTrue())
		Eventually(gone(policy)).Should(BeTrue())
		Eventually(func() error {
			return k8sClient.Create(ctx, workload(member, "relaxed", 1, false, nil), client.DryRunAll)
		}).Should(Succeed(), "once the API server has dropped the policy")
	})

	It("reports the compliance of agents that predate its standards, and lists the failing ones", func() {
		ns := newNamespace(nil)
		name := uniqueName("audit")
		ref := allianceRef(name)
		legacy := workload(ns, "legacy", 1, false, nil)
		Expect(k8sClient.Create(ctx, legacy)).To(Succeed())
		Expect(k8sClient.Create(ctx, workload(ns, "modern", 1, true, nil))).To(Succeed())
		solo := agentPod(ns, "solo", "solo", nil) // a bare Pod, judged as admission would: the expression reads no template of it
		createAlliance(name, func(a *unionsv1.Alliance) {
			a.Spec.Principles = []string{"declare what you consume"}
			a.Spec.Standards = []unionsv1.Standard{limitsStandard}
		}, ns)
		joined(newMembership(ns, "join", ref), ref)

		By("joining badges the violating agent all the same: a metadata-only write is not judged")
		Eventually(labelsOf(legacy)).Should(HaveKeyWithValue(badgeKey(ref), "member"))

		By("the status lists the violating agent with the standard's message, and counts both")
		Eventually(func(g Gomega) {
			st := allianceStatus(name)()
			g.Expect(st.Compliance).To(ConsistOf(
				unionsv1.ComplianceStatus{Namespace: ns, Agent: "legacy", Standard: "limits",
					Compliant: false, Reason: unionsv1.ComplianceNotMet, Message: "agents must declare resource limits"},
				HaveField("Reason", unionsv1.ComplianceEvaluationError)))
			g.Expect(st.NonCompliantAgents).To(BeEquivalentTo(2))
			g.Expect(st.CompliantAgents).To(BeEquivalentTo(1))
		}).Should(Succeed())
		Expect(allianceCondition(name, unionsv1.ConditionCompliant)()).To(And(
			HaveField("Status", metav1.ConditionFalse), HaveField("Reason", "NonCompliant"),
			HaveField("Message", ContainSubstring(ns+"/legacy fails limits"))))

		By("the charter lists the members, principles and standards")
		Eventually(func() string {
			cm := &corev1.ConfigMap{}
			_ = k8sClient.Get(ctx, client.ObjectKey{Namespace: ns, Name: charter.Name(ref)}, cm)
			return cm.Data["charter.yaml"]
		}).Should(And(ContainSubstring("namespace: "+ns), ContainSubstring("declare what you consume"), ContainSubstring("name: limits")))

		By("fixing the agent, and removing the bare Pod, makes the alliance compliant")
		Expect(k8sClient.Delete(ctx, solo)).To(Succeed())
		Eventually(func() error {
			cur := &appsv1.Deployment{}
			if err := k8sClient.Get(ctx, client.ObjectKeyFromObject(legacy), cur); err != nil {
				return err
			}
			cur.Spec.Template.Spec.Containers[0].Resources.Limits = corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("64Mi")}
			return k8sClient.Update(ctx, cur)
		}).Should(Succeed())
		// One status read carries the condition, the list and the counts.
		Eventually(func(g Gomega) {
			st := allianceStatus(name)()
			c := meta.FindStatusCondition(st.Conditions, unionsv1.ConditionCompliant)
			g.Expect(c).NotTo(BeNil())
			g.Expect(c.Status).To(Equal(metav1.ConditionTrue))
			g.Expect(c.Reason).To(Equal("AllCompliant"))
			g.Expect(st.Compliance).To(BeEmpty())
			g.Expect(st.CompliantAgents).To(BeEquivalentTo(2))
			g.Expect(st.NonCompliantAgents).To(BeZero())
		}).Should(Succeed())
	})

	It("stalls on a standard that does not compile, with the compiler's message, and writes no policy for it", func() {
		ns := newNamespace(nil)
		name := uniqueName("typo")
		ref := allianceRef(name)
		createAlliance(name, func(a *unionsv1.Alliance) {
			a.Spec.Standards = []unionsv1.Standard{
				{Name: "broken", Expression: "object.spec.replicas >", Action: unionsv1.StandardDeny},
				{Name: "small", Expression: "object.spec.replicas <= 5", Action: unionsv1.StandardWarn},
			}
		}, ns)
		joined(newMembership(ns, "join", ref), ref)

		Eventually(allianceCondition(name, unionsv1.ConditionStalled)).Should(And(
			HaveField("Status", metav1.ConditionTrue), HaveField("Reason", "InvalidStandard"),
			HaveField("Message", And(ContainSubstring(`standard "broken"`), ContainSubstring("compilation failed"), ContainSubstring("Syntax error")))))
		Expect(allianceCondition(name, unionsv1.ConditionReady)()).To(HaveField("Status", metav1.ConditionFalse))

		By("the standards that compile stay in force; none is written for the broken one")
		Eventually(func() error {
			return k8sClient.Get(ctx, client.ObjectKey{Name: "union-alliance-" + name + "-warn"}, &admissionregistrationv1.ValidatingAdmissionPolicy{})
		}).Should(Succeed())
		err := k8sClient.Get(ctx, client.ObjectKey{Name: "union-alliance-" + name + "-deny"}, &admissionregistrationv1.ValidatingAdmissionPolicy{})
		Expect(apierrors.IsNotFound(err)).To(BeTrue(), "no policy for the broken standard: %v", err)

		By("fixing the expression clears the stall and writes its policy")
		updateAlliance(name, func(a *unionsv1.Alliance) { a.Spec.Standards[0].Expression = "object.spec.replicas > 0" })
		Eventually(allianceCondition(name, unionsv1.ConditionReady)).Should(HaveField("Status", metav1.ConditionTrue))
		Expect(allianceCondition(name, unionsv1.ConditionStalled)()).To(BeZero())
		Eventually(func() error {
			return k8sClient.Get(ctx, client.ObjectKey{Name: "union-alliance-" + name + "-deny"}, &admissionregistrationv1.ValidatingAdmissionPolicy{})
		}).Should(Succeed())
	})

	It("keeps a PodDisruptionBudget per member agent workload that never blocks a drain, and one budget per workload across alliances", func() {
		ns := newNamespace(nil)
		name := uniqueName("shield")
		ref := allianceRef(name)
		planner := workload(ns, "planner", 2, true, nil)
		Expect(k8sClient.Create(ctx, planner)).To(Succeed())
		scout := workload(ns, "scout", 1, true, nil) // one replica: any budget would allow it no disruption
		Expect(k8sClient.Create(ctx, scout)).To(Succeed())
		memory := &appsv1.StatefulSet{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "memory", Labels: map[string]string{unionsv1.AgentLabel: "memory"}},
			Spec: appsv1.StatefulSetSpec{
				Replicas: ptr.To[int32](3),
				Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "memory"}},
				Template: corev1.PodTemplateSpec{
					ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "memory"}},
					Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "db", Image: "registry.k8s.io/pause:3.10"}}},
				},
			},
		}
		Expect(k8sClient.Create(ctx, memory)).To(Succeed())
		logger := &appsv1.DaemonSet{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "logger", Labels: map[string]string{unionsv1.AgentLabel: "logger"}},
			Spec: appsv1.DaemonSetSpec{
				Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "logger"}},
				Template: corev1.PodTemplateSpec{
					ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "logger"}},
					Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "log", Image: "registry.k8s.io/pause:3.10"}}},
				},
			},
		}
		Expect(k8sClient.Create(ctx, logger)).To(Succeed())
		createAlliance(name, func(a *unionsv1.Alliance) {
			a.Spec.Defense = &unionsv1.Defense{Preemptive: &unionsv1.PreemptiveDefense{MinAvailable: ptr.To(intstr.FromInt32(2))}}
		}, ns)
		m := newMembership(ns, "join", ref)
		joined(m, ref)

		budgets := func() []policyv1.PodDisruptionBudget {
			var list policyv1.PodDisruptionBudgetList
			Expect(k8sClient.List(ctx, &list, client.InNamespace(ns))).To(Succeed())
			return list.Items
		}
		spec := func(selector *metav1.LabelSelector, maxUnavailable intstr.IntOrString) policyv1.PodDisruptionBudgetSpec {
			return policyv1.PodDisruptionBudgetSpec{
				Selector: selector, MaxUnavailable: &maxUnavailable, UnhealthyPodEvictionPolicy: ptr.To(policyv1.AlwaysAllow),
			}
		}
		plannerBudget := "union-alliance-" + name + "-planner"
		memoryBudget := "union-alliance-" + name + "-memory"
		Eventually(budgets).Should(HaveLen(2))
		got := &unionsv1.Membership{}
		Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(m), got)).To(Succeed())
		for _, b := range budgets() {
			Expect(metav1.IsControlledBy(&b, got)).To(BeTrue(), "%s owned by the Membership", b.Name)
			Expect(b.Labels).To(And(HaveKeyWithValue(unionsv1.ManagedByLabel, unionsv1.ManagedByValue), HaveKeyWithValue(unionsv1.UnionLabel, "Alliance."+name)))
			switch b.Name {
			case plannerBudget:
				// minAvailable 2 of 2 would allow nothing: one may always go.
				Expect(b.Spec).To(Equal(spec(planner.Spec.Selector, intstr.FromInt32(1))))
			case memoryBudget:
				Expect(b.Spec).To(Equal(spec(memory.Spec.Selector, intstr.FromInt32(1))))
			default:
				Fail("unexpected budget " + b.Name + " (single replicas and DaemonSets get none)")
			}
		}

		By("a deleted budget is put back")
		old := &policyv1.PodDisruptionBudget{}
		Expect(k8sClient.Get(ctx, client.ObjectKey{Namespace: ns, Name: plannerBudget}, old)).To(Succeed())
		Expect(k8sClient.Delete(ctx, old)).To(Succeed())
		Eventually(func() bool {
			b := &policyv1.PodDisruptionBudget{}
			return k8sClient.Get(ctx, client.ObjectKey{Namespace: ns, Name: plannerBudget}, b) == nil && b.UID != old.UID
		}).Should(BeTrue())

		By("the alliance moving to maxUnavailable changes every budget")
		updateAlliance(name, func(a *unionsv1.Alliance) {
			a.Spec.Defense.Preemptive = &unionsv1.PreemptiveDefense{MaxUnavailable: ptr.To(intstr.FromString("50%"))}
		})
		Eventually(func(g Gomega) {
			for _, b := range budgets() {
				want := map[string]int32{plannerBudget: 1, memoryBudget: 2}[b.Name]
				g.Expect(b.Spec.MaxUnavailable).To(Equal(ptr.To(intstr.FromInt32(want))), b.Name)
			}
		}).Should(Succeed())

		By("scaling a workload to one replica drops its budget")
		Eventually(func() error {
			cur := &appsv1.Deployment{}
			if err := k8sClient.Get(ctx, client.ObjectKeyFromObject(planner), cur); err != nil {
				return err
			}
			cur.Spec.Replicas = ptr.To[int32](1)
			return k8sClient.Update(ctx, cur)
		}).Should(Succeed())
		Eventually(func() []string {
			var names []string
			for _, b := range budgets() {
				names = append(names, b.Name)
			}
			return names
		}).Should(ConsistOf(memoryBudget))

		By("a second alliance over the same Pods makes no second budget: the eviction API would refuse them")
		second := uniqueName("aegis")
		secondRef := allianceRef(second)
		createAlliance(second, func(a *unionsv1.Alliance) {
			a.Spec.Defense = &unionsv1.Defense{Preemptive: &unionsv1.PreemptiveDefense{MaxUnavailable: ptr.To(intstr.FromInt32(1))}}
		}, ns)
		m2 := newMembership(ns, "join-"+second, secondRef)
		joined(m2, secondRef)
		Consistently(func() []string {
			var names []string
			for _, b := range budgets() {
				names = append(names, b.Name)
			}
			return names
		}, "2s").Should(ConsistOf(memoryBudget))

		By("leaving removes them; the other alliance's budget then serves the workload")
		Expect(k8sClient.Delete(ctx, m)).To(Succeed())
		Eventually(func() []string {
			var names []string
			for _, b := range budgets() {
				names = append(names, b.Name)
			}
			return names
		}).Should(ConsistOf("union-alliance-" + second + "-memory"))
		Expect(k8sClient.Delete(ctx, m2)).To(Succeed())
		Eventually(budgets).Should(BeEmpty())
	})

	It("scales the reserves other members volunteered while a member agent is down, and restores them exactly", func() {
		nsA, nsB, nsC, outsider := newNamespace(nil), newNamespace(nil), newNamespace(nil), newNamespace(nil)
		name := uniqueName("pact")
		ref := allianceRef(name)
		reserveLabel := map[string]string{"role": "reserve"}
		planner := workload(nsA, "planner", 1, true, nil)
		backup := workload(nsB, "backup", 2, true, reserveLabel)
		idle := workload(nsB, "idle", 1, true, nil)                       // not volunteered by its namespace
		spare := workload(nsC, "spare", 1, true, reserveLabel)            // its namespace volunteers nothing
		stranger := workload(outsider, "stranger", 1, true, reserveLabel) // no member at all
		for _, d := range []*appsv1.Deployment{planner, backup, idle, spare, stranger} {
			Expect(k8sClient.Create(ctx, d)).To(Succeed())
			setAvailable(d, *d.Spec.Replicas)
		}
		createAlliance(name, func(a *unionsv1.Alliance) {
			a.Spec.Defense = &unionsv1.Defense{Reactive: &unionsv1.ReactiveDefense{UnavailableFor: metav1.Duration{Duration: 30 * time.Second}}}
		}, nsA, nsB, nsC, outsider)
		joined(newMembership(nsA, "join", ref), ref)
		volunteer := newMembership(nsB, "join", ref, func(m *unionsv1.Membership) {
			m.Spec.Reserves = &unionsv1.Reserves{Selector: metav1.LabelSelector{MatchLabels: reserveLabel}, MaxScaleBy: 2}
		})
		joined(volunteer, ref)
		joined(newMembership(nsC, "join", ref), ref)
		Eventually(allianceCondition(name, unionsv1.ConditionDisrupted)).Should(And(
			HaveField("Status", metav1.ConditionFalse), HaveField("Reason", "Available")))

		By("a member agent goes down: the disruption is timed, nothing is scaled yet")
		setAvailable(planner, 0)
		Eventually(func(g Gomega) {
			st := allianceStatus(name)()
			g.Expect(st.Disruptions).To(ConsistOf(And(HaveField("Namespace", nsA), HaveField("Agent", "planner"), HaveField("ReservesScaled", BeZero()))))
		}).Should(Succeed())
		Expect(allianceCondition(name, unionsv1.ConditionDisrupted)()).To(And(
			HaveField("Status", metav1.ConditionTrue), HaveField("Reason", "Unavailable")))
		Consistently(replicasOf(backup), "1s").Should(BeEquivalentTo(2))
		Eventually(eventReasons(nsA, "planner")).Should(ContainElement("AgentUnavailable"))

		By("after unavailableFor the volunteered reserve of another member is scaled by maxScaleBy, its owner's count recorded in the alliance's status")
		clk.Step(30 * time.Second)
		Eventually(replicasOf(backup)).Should(BeEquivalentTo(4))
		Expect(allianceStatus(name)().Reserves).To(ConsistOf(And(HaveField("Namespace", nsB), HaveField("Name", "backup"),
			HaveField("OwnerReplicas", BeEquivalentTo(2)), HaveField("Replicas", BeEquivalentTo(4)))))
		Expect(annotationsOf(backup)()).NotTo(HaveKey(ContainSubstring("unions.kos.dev")), "nothing of the record lives where its tenant could forge it")
		Eventually(func(g Gomega) {
			st := allianceStatus(name)()
			g.Expect(st.Disruptions).To(ConsistOf(And(HaveField("Agent", "planner"), HaveField("ReservesScaled", BeEquivalentTo(1)))))
		}).Should(Succeed())
		Expect(allianceCondition(name, unionsv1.ConditionDisrupted)()).To(And(
			HaveField("Status", metav1.ConditionTrue), HaveField("Reason", "ReservesCalledUp")))
		Eventually(eventReasons(nsB, "backup")).Should(ContainElement("ReserveScaled"))

		By("no agent whose namespace did not volunteer it is scaled")
		Consistently(func() []int32 {
			return []int32{replicasOf(idle)(), replicasOf(spare)(), replicasOf(stranger)()}
		}).Should(Equal([]int32{1, 1, 1}))

		By("the agent recovers: the reserve goes back to its exact prior count and the record goes")
		setAvailable(planner, 1)
		Eventually(replicasOf(backup)).Should(BeEquivalentTo(2))
		Eventually(func() []unionsv1.ReserveRecord { return allianceStatus(name)().Reserves }).Should(BeEmpty())
		Eventually(allianceCondition(name, unionsv1.ConditionDisrupted)).Should(And(
			HaveField("Status", metav1.ConditionFalse), HaveField("Reason", "Available")))
		Expect(allianceStatus(name)().Disruptions).To(BeEmpty())
		Eventually(eventReasons(nsB, "backup")).Should(ContainElement("ReserveRestored"))
		Eventually(eventReasons(nsA, "planner")).Should(ContainElement("AgentRecovered"))
		Expect([]int32{replicasOf(idle)(), replicasOf(spare)(), replicasOf(stranger)()}).To(Equal([]int32{1, 1, 1}))

		By("called up again, then its namespace leaves: the reserve is given back all the same")
		setAvailable(planner, 0)
		Eventually(func() []unionsv1.Disruption { return allianceStatus(name)().Disruptions }).Should(HaveLen(1))
		clk.Step(30 * time.Second)
		Eventually(replicasOf(backup)).Should(BeEquivalentTo(4))
		deleteAndWait(volunteer)
		Eventually(replicasOf(backup)).Should(BeEquivalentTo(2))
		Eventually(func() []unionsv1.ReserveRecord { return allianceStatus(name)().Reserves }).Should(BeEmpty())
	})

	It("bridges members with a NetworkPolicy: any allied agent in Mesh, only interop agents in Hub", func() {
		ns := newNamespace(nil)
		name := uniqueName("bridge")
		ref := allianceRef(name)
		translator := workload(ns, "translator", 1, true, map[string]string{"role": "translator"})
		Expect(k8sClient.Create(ctx, translator)).To(Succeed())
		createAlliance(name, func(a *unionsv1.Alliance) { a.Spec.Bridge = &unionsv1.Bridge{Mode: unionsv1.BridgeMesh} }, ns)
		m := newMembership(ns, "join", ref)
		joined(m, ref)

		exists := metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: badgeKey(ref), Operator: metav1.LabelSelectorOpExists}}}
		bridgeName := "union-alliance-" + name + "-bridge"
		bridge := func() *networkingv1.NetworkPolicy {
			np := &networkingv1.NetworkPolicy{}
			if err := k8sClient.Get(ctx, client.ObjectKey{Namespace: ns, Name: bridgeName}, np); err != nil {
				return nil
			}
			return np
		}
		Eventually(bridge).ShouldNot(BeNil())
		np := bridge()
		got := &unionsv1.Membership{}
		Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(m), got)).To(Succeed())
		Expect(metav1.IsControlledBy(np, got)).To(BeTrue())
		Expect(np.Labels).To(HaveKeyWithValue(unionsv1.UnionLabel, "Alliance."+name))
		Expect(np.Spec).To(Equal(networkingv1.NetworkPolicySpec{
			PodSelector: exists,
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
			Ingress: []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{
				NamespaceSelector: &exists, PodSelector: &exists}}}},
		}), "stored as rendered, so a resync writes nothing")

		By("Hub admits only the interop agents, which carry the badge value interop")
		updateAlliance(name, func(a *unionsv1.Alliance) {
			a.Spec.Bridge = &unionsv1.Bridge{Mode: unionsv1.BridgeHub, Interop: &metav1.LabelSelector{MatchLabels: map[string]string{"role": "translator"}}}
		})
		Eventually(func() []networkingv1.NetworkPolicyIngressRule {
			if np := bridge(); np != nil {
				return np.Spec.Ingress
			}
			return nil
		}).Should(Equal([]networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{
			NamespaceSelector: &exists,
			PodSelector:       &metav1.LabelSelector{MatchLabels: map[string]string{badgeKey(ref): "interop"}},
		}}}}))
		Eventually(labelsOf(translator)).Should(HaveKeyWithValue(badgeKey(ref), "interop"))

		By("None removes the bridge")
		updateAlliance(name, func(a *unionsv1.Alliance) { a.Spec.Bridge = &unionsv1.Bridge{Mode: unionsv1.BridgeNone} })
		Eventually(bridge).Should(BeNil())
	})
})
