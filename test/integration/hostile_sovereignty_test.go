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
	"encoding/json"
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/admission"
	"github.com/kos-dev/union-operator/internal/charter"
	"github.com/kos-dev/union-operator/internal/conditions"
	"github.com/kos-dev/union-operator/internal/constitution"
	"github.com/kos-dev/union-operator/internal/controller/federation"
	"github.com/kos-dev/union-operator/internal/controller/membership"
	"github.com/kos-dev/union-operator/internal/goals"
)

// tenant returns a client acting as the owner of ns: it may do anything
// with the workloads, Pods and ConfigMaps there, and nothing elsewhere.
func tenant(ns string) client.Client {
	GinkgoHelper()
	name := "tenant-of-" + ns
	user, err := testEnv.AddUser(envtest.User{Name: name, Groups: []string{"system:authenticated"}}, nil)
	Expect(err).NotTo(HaveOccurred())
	Expect(k8sClient.Create(ctx, &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "tenant"},
		Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{""}, Resources: []string{"pods", "configmaps"}, Verbs: []string{"*"}},
			{APIGroups: []string{"apps"}, Resources: []string{"deployments", "statefulsets", "daemonsets"}, Verbs: []string{"*"}},
		},
	})).To(Succeed())
	Expect(k8sClient.Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "tenant"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "tenant"},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: name}},
	})).To(Succeed())
	c, err := client.New(user.Config(), client.Options{Scheme: k8sClient.Scheme()})
	Expect(err).NotTo(HaveOccurred())
	return c
}

// operatorIdentity returns a client acting as the operator's own
// ServiceAccount, as a compromised operator would.
func operatorIdentity() client.Client {
	GinkgoHelper()
	c, err := client.New(operatorCfg, client.Options{Scheme: k8sClient.Scheme()})
	Expect(err).NotTo(HaveOccurred())
	return c
}

// membershipCondition returns a condition of a Membership (zero when absent).
func membershipCondition(m *unionsv1.Membership, conditionType string) func() metav1.Condition {
	return func() metav1.Condition {
		for _, c := range getMembership(m).Status.Conditions {
			if c.Type == conditionType {
				return c
			}
		}
		return metav1.Condition{}
	}
}

// statefulSetReplicas returns a StatefulSet's spec.replicas.
func statefulSetReplicas(ns, name string) func() int32 {
	return func() int32 {
		s := &appsv1.StatefulSet{}
		if err := k8sClient.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, s); err != nil {
			return -1
		}
		return ptr.Deref(s.Spec.Replicas, 1)
	}
}

// scaleStatefulSet sets a StatefulSet's replicas as its owner does, and
// reports them all available (no StatefulSet controller runs here).
func scaleStatefulSet(ns, name string, replicas int32) {
	GinkgoHelper()
	s := &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	Expect(k8sClient.Patch(ctx, s, client.RawPatch(types.MergePatchType, fmt.Appendf(nil, `{"spec":{"replicas":%d}}`, replicas)),
		client.FieldOwner("owner"))).To(Succeed())
	Expect(k8sClient.Status().Patch(ctx, s, client.RawPatch(types.MergePatchType,
		fmt.Appendf(nil, `{"status":{"replicas":%d,"readyReplicas":%[1]d,"availableReplicas":%[1]d}}`, replicas)))).To(Succeed())
}

// refusedBy matches an error of the API server that quotes a message.
func refusedBy(message string) OmegaMatcher { return MatchError(ContainSubstring(message)) }

const (
	badgeGuardMessage = "union badges are set by union-operator alone"
	pssKey            = "pod-security.kubernetes.io/enforce"
)

var sovereigntyAttacks = []attack{
	{"Pod security weakened: a federation imposes pod-security enforce=privileged on a member namespace that enforces restricted", func() {
		ns := newNamespace(map[string]string{pssKey: "restricted"})
		name := uniqueName("lax")
		createFederation(name, "", func(f *unionsv1.Federation) {
			f.Spec.Constitution.NamespaceLabels = map[string]string{pssKey: "privileged", "example.com/lax": "yes"}
		})
		m := newMembership(ns, "join", federationRef(name))
		joined(m, federationRef(name))
		Eventually(membershipCondition(m, membership.ConditionLabelsInForce)).Should(And(
			HaveField("Status", metav1.ConditionFalse), HaveField("Reason", membership.ReasonLabelConflict),
			HaveField("Message", ContainSubstring(pssKey))))
		Expect(membershipCondition(m, unionsv1.ConditionReady)()).To(HaveField("Status", metav1.ConditionFalse))
		Expect(namespaceLabels(ns)()).To(HaveKeyWithValue("example.com/lax", "yes"), "the clauses that do not conflict are in force")
		Eventually(federationCondition(name, federation.ConditionLabelsInForce)).Should(And(
			HaveField("Status", metav1.ConditionFalse), HaveField("Reason", federation.ReasonLabelConflict),
			HaveField("Message", ContainSubstring(ns+" keeps "+pssKey+"=restricted"))), "the founder sees it too")
		Consistently(namespaceLabels(ns)).Should(HaveKeyWithValue(pssKey, "restricted"))

		By("leaving releases only what the operator set")
		deleteAndWait(m)
		Eventually(namespaceLabels(ns)).ShouldNot(HaveKey("example.com/lax"))
		Expect(namespaceLabels(ns)()).To(HaveKeyWithValue(pssKey, "restricted"))
	}},
	{"Name collision: a child federation's object renders the name of its parent's params ConfigMap, and a tenant's own ConfigMap holds the charter's", func() {
		base := uniqueName("twin")
		parent, child := base+"-a", base
		createFederation(parent, "", func(f *unionsv1.Federation) {
			f.Spec.Constitution.Standards = []unionsv1.FederationStandard{replicasStandard}
		})
		createFederation(child, parent, func(f *unionsv1.Federation) {
			f.Spec.Constitution.Objects = []unionsv1.ConstitutionObject{{Name: "a-params", Template: runtime.RawExtension{Raw: []byte(
				`{"apiVersion":"v1","kind":"ConfigMap","data":{"maxReplicas":"1000"}}`)}}}
		})
		Expect(constitution.ObjectName(child, "a-params")).To(Equal(constitution.ParamsName(parent)), "the names do collide")
		ns := newNamespace(nil)
		own := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: charter.Name(federationRef(child))}, Data: map[string]string{"mine": "yes"}}
		Expect(k8sClient.Create(ctx, own)).To(Succeed())
		m := newMembership(ns, "join", federationRef(child))
		Eventually(standing(m)).Should(Equal(unionsv1.StandingActive))

		Eventually(configMapData(ns, constitution.ParamsName(parent))).Should(HaveKeyWithValue("maxReplicas", "5"))
		Eventually(membershipCondition(m, membership.ConditionObjectsInForce)).Should(And(
			HaveField("Status", metav1.ConditionFalse), HaveField("Reason", membership.ReasonNameClash),
			HaveField("Message", ContainSubstring(constitution.ParamsName(parent)))))
		Expect(membershipCondition(m, membership.ConditionObjectsInForce)().Message).To(ContainSubstring(own.Name))
		Consistently(configMapData(ns, constitution.ParamsName(parent))).Should(HaveKeyWithValue("maxReplicas", "5"))
		Expect(configMapData(ns, own.Name)()).To(Equal(map[string]string{"mine": "yes"}))
		Expect(propagated(own)().GetOwnerReferences()).To(BeEmpty(), "the tenant's ConfigMap is not taken over")

		By("leaving deletes nothing the operator did not make")
		deleteAndWait(m)
		Eventually(gone(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: constitution.ParamsName(parent)}})).Should(BeTrue())
		Consistently(configMapData(ns, own.Name)).Should(Equal(map[string]string{"mine": "yes"}))
	}},
	{"Reserves fought their owner: the alliance lowers a volunteered reserve its owner set to 6, or keeps writing it after the member left", func() {
		nsA, nsB := newNamespace(nil), newNamespace(nil)
		name := uniqueName("guard")
		ref := allianceRef(name)
		reserveLabel := map[string]string{"role": "reserve"}
		planner := workload(nsA, "planner", 1, true, nil)
		Expect(k8sClient.Create(ctx, planner)).To(Succeed())
		setAvailable(planner, 1)
		backup := &appsv1.StatefulSet{
			ObjectMeta: metav1.ObjectMeta{Namespace: nsB, Name: "backup", Labels: map[string]string{unionsv1.AgentLabel: "backup", "role": "reserve"}},
			Spec: appsv1.StatefulSetSpec{
				Replicas: ptr.To[int32](6),
				Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "backup"}},
				Template: corev1.PodTemplateSpec{
					ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "backup"}},
					Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "db", Image: "registry.k8s.io/pause:3.10"}}},
				},
			},
		}
		Expect(k8sClient.Create(ctx, backup)).To(Succeed())
		scaleStatefulSet(nsB, "backup", 6)
		createAlliance(name, func(a *unionsv1.Alliance) {
			a.Spec.Defense = &unionsv1.Defense{Reactive: &unionsv1.ReactiveDefense{UnavailableFor: metav1.Duration{Duration: 30 * time.Second}}}
		}, nsA, nsB)
		joined(newMembership(nsA, "join", ref), ref)
		volunteer := newMembership(nsB, "join", ref, func(m *unionsv1.Membership) {
			m.Spec.Reserves = &unionsv1.Reserves{Selector: metav1.LabelSelector{MatchLabels: reserveLabel}, MaxScaleBy: 2}
		})
		joined(volunteer, ref)

		By("called up: raised by maxScaleBy above its owner's 6, never lowered")
		setAvailable(planner, 0)
		Eventually(func() []unionsv1.Disruption { return allianceStatus(name)().Disruptions }).Should(HaveLen(1))
		clk.Step(30 * time.Second)
		Eventually(statefulSetReplicas(nsB, "backup")).Should(BeEquivalentTo(8))
		Expect(allianceStatus(name)().Reserves).To(ConsistOf(And(HaveField("Kind", "StatefulSet"), HaveField("OwnerReplicas", BeEquivalentTo(6)))))

		By("the owner changes its count meanwhile: on recovery the owner's count stands")
		scaleStatefulSet(nsB, "backup", 7)
		setAvailable(planner, 1)
		Eventually(func() []unionsv1.ReserveRecord { return allianceStatus(name)().Reserves }).Should(BeEmpty())
		Consistently(statefulSetReplicas(nsB, "backup")).Should(BeEquivalentTo(7))

		By("called up again, then the member leaves: exactly the addition is given back, and nothing more is written")
		setAvailable(planner, 0)
		Eventually(func() []unionsv1.Disruption { return allianceStatus(name)().Disruptions }).Should(HaveLen(1))
		clk.Step(30 * time.Second)
		Eventually(statefulSetReplicas(nsB, "backup")).Should(BeEquivalentTo(9))
		deleteAndWait(volunteer)
		Eventually(statefulSetReplicas(nsB, "backup")).Should(BeEquivalentTo(7))
		Eventually(func() []unionsv1.ReserveRecord { return allianceStatus(name)().Reserves }).Should(BeEmpty())
		clk.Step(30 * time.Second)
		Consistently(statefulSetReplicas(nsB, "backup")).Should(BeEquivalentTo(7))
	}},
	{"Exit without a record: a member of a treaty-bound union breaks its own terms to lose its badges, quotas and policies, then leaves unrecorded", func() {
		ns := newNamespace(nil)
		name := uniqueName("bound")
		ref := federationRef(name)
		createFederation(name, "", func(f *unionsv1.Federation) {
			f.Spec.Separation.CoolOff = hours(1)
			f.Spec.Separation.ReintegrationAfter = hours(2)
			f.Spec.Constitution.Standards = []unionsv1.FederationStandard{replicasStandard}
			f.Spec.Constitution.Objects = []unionsv1.ConstitutionObject{quotaObject("20")}
		})
		m := newMembership(ns, "join", ref, func(m *unionsv1.Membership) {
			m.Spec.Overrides = map[string]string{"replicas.maxReplicas": "3"}
		})
		joined(m, ref)
		Eventually(createReplicas(ns, 4)).Should(refusedBy("replicas:"))

		By("a selector operator the API server cannot read is refused at admission")
		err := k8sClient.Patch(ctx, getMembership(m), client.RawPatch(types.MergePatchType,
			[]byte(`{"spec":{"agents":{"matchExpressions":[{"key":"tier","operator":"Bogus","values":["x"]}]}}}`)))
		Expect(err).To(refusedBy("operator"))

		By("an override out of bounds is refused, and the terms accepted before stay in force")
		Expect(k8sClient.Patch(ctx, getMembership(m), client.RawPatch(types.MergePatchType,
			[]byte(`{"spec":{"overrides":{"replicas.maxReplicas":"11"}}}`)))).To(Succeed())
		Eventually(membershipCondition(m, unionsv1.ConditionReady)).Should(And(
			HaveField("Status", metav1.ConditionFalse), HaveField("Message", ContainSubstring("the edit is refused"))))
		Consistently(standing(m)).Should(Equal(unionsv1.StandingActive))
		Expect(namespaceLabels(ns)()).To(HaveKey(badgeKey(ref)))
		Expect(quotaPods(ns, constitution.ObjectName(name, "quota"))()).To(Equal("20"))
		Expect(configMapData(ns, constitution.ParamsName(name))()).To(HaveKeyWithValue("maxReplicas", "3"))
		Expect(createReplicas(ns, 4)()).To(refusedBy("replicas:"))

		By("deleting the Membership without a treaty is recorded as a unilateral exit, and the wait is doubled")
		deleteAndWait(m)
		Eventually(formerMembers(ref)).Should(ContainElement(And(HaveField("Namespace", ns), HaveField("Unilateral", true))))
		left := unionsv1.TimeOf(formerMembers(ref)()[0].EffectiveAt)
		again := newMembership(ns, "again", ref)
		Eventually(readyReason(again)).Should(Equal(admission.ReasonReintegrationWait))
		Expect(getMembership(again).Status.ReintegrationEligibleAt.Time).To(BeTemporally("==", left.Add(4*time.Hour)), "twice reintegrationAfter")
	}},
	{"Active while not in force: a ResourceQuota keeps the params ConfigMap out, so the badge is withheld and no policy applies, yet the member reads Active and in force", func() {
		ns := newNamespace(nil)
		quota := &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "one-configmap"}}
		quota.Spec.Hard = corev1.ResourceList{corev1.ResourceConfigMaps: resource.MustParse("1")}
		Expect(k8sClient.Create(ctx, quota)).To(Succeed())
		// No quota controller runs here: the administrator reports its usage.
		quota.Status.Hard = quota.Spec.Hard
		quota.Status.Used = corev1.ResourceList{corev1.ResourceConfigMaps: resource.MustParse("0")}
		Expect(k8sClient.Status().Update(ctx, quota)).To(Succeed())

		name := uniqueName("starved")
		createFederation(name, "", func(f *unionsv1.Federation) {
			f.Spec.Constitution.Standards = []unionsv1.FederationStandard{replicasStandard}
		})
		m := newMembership(ns, "join", federationRef(name))
		Eventually(standing(m)).Should(Equal(unionsv1.StandingActive))
		Eventually(membershipCondition(m, membership.ConditionLabelsInForce)).Should(And(
			HaveField("Status", metav1.ConditionFalse), HaveField("Reason", membership.ReasonBadgeWithheld),
			HaveField("Message", ContainSubstring(constitution.ParamsName(name)))))
		Consistently(membershipCondition(m, unionsv1.ConditionReady)).Should(HaveField("Status", metav1.ConditionFalse))
		Expect(namespaceLabels(ns)()).NotTo(HaveKey(badgeKey(federationRef(name))))

		By("the quota goes: everything is in force, and then only")
		Expect(k8sClient.Delete(ctx, quota)).To(Succeed())
		Eventually(membershipCondition(m, unionsv1.ConditionReady)).Should(HaveField("Status", metav1.ConditionTrue))
		Expect(membershipCondition(m, membership.ConditionLabelsInForce)()).To(HaveField("Status", metav1.ConditionTrue))
		Expect(namespaceLabels(ns)()).To(HaveKey(badgeKey(federationRef(name))))
	}},
	{"Goals as an oracle: a founder's goal names a Pod in a namespace that never joined, to learn whether it exists and is Ready", func() {
		member, outsider := newNamespace(nil), newNamespace(nil)
		secret := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Namespace: outsider, Name: "secret"},
			Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "registry.k8s.io/pause:3.10"}}},
		}
		Expect(k8sClient.Create(ctx, secret)).To(Succeed())
		secret.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}
		Expect(k8sClient.Status().Update(ctx, secret)).To(Succeed())

		name := uniqueName("oracle")
		goal := func(goalName, pod string) unionsv1.Goal {
			return unionsv1.Goal{Name: goalName, Completion: &unionsv1.GoalCompletion{
				ObjectRef:     unionsv1.ObjectReference{APIVersion: "v1", Kind: "Pod", Namespace: outsider, Name: pod},
				ConditionType: "Ready",
			}}
		}
		newCoalitionOf(name, []string{member}, func(c *unionsv1.Coalition) {
			c.Spec.Duration = &metav1.Duration{Duration: lifetimeOnClock(48 * time.Hour)}
			c.Spec.Goals = []unionsv1.Goal{goal("exists", "secret"), goal("absent", "nothing")}
		})
		Eventually(standing(newMembership(member, "join", coalitionRefTo(name)))).Should(Equal(unionsv1.StandingActive))
		unverifiable := func(goalName string) unionsv1.GoalStatus {
			return unionsv1.GoalStatus{Name: goalName, State: unionsv1.GoalUnverifiable, Reason: goals.ReasonNotAMemberNamespace}
		}
		Eventually(func(g Gomega) {
			g.Expect(getCoalition(g, name).Status.Goals).To(ConsistOf(unverifiable("exists"), unverifiable("absent")))
		}).Should(Succeed())
		Consistently(func(g Gomega) {
			g.Expect(getCoalition(g, name).Status.Goals).To(ConsistOf(unverifiable("exists"), unverifiable("absent")))
		}).Should(Succeed(), "an existing, Ready object and a missing one read the same")
	}},
	{"Status leaks: a standard indexes the labels by a member's env value, so the evaluation error puts its DB_PASSWORD in the alliance's status", func() {
		ns := newNamespace(nil)
		const password = "hunter2-s3cr3t"
		leaky := workload(ns, "leaky", 1, true, nil)
		leaky.Spec.Template.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "DB_PASSWORD", Value: password}}
		Expect(k8sClient.Create(ctx, leaky)).To(Succeed())
		name := uniqueName("leak")
		createAlliance(name, func(a *unionsv1.Alliance) {
			a.Spec.Standards = []unionsv1.Standard{{Name: "probe", Action: unionsv1.StandardAudit,
				Expression: "object.metadata.labels[object.spec.template.spec.containers[0].env[0].value] == 'x'",
				Message:    "probing"}}
		}, ns)
		joined(newMembership(ns, "join", allianceRef(name)), allianceRef(name))
		Eventually(func() []unionsv1.ComplianceStatus { return allianceStatus(name)().Compliance }).Should(ConsistOf(And(
			HaveField("Agent", "leaky"), HaveField("Reason", unionsv1.ComplianceEvaluationError))))
		a := &unionsv1.Alliance{}
		Expect(k8sClient.Get(ctx, client.ObjectKey{Name: name}, a)).To(Succeed())
		raw, err := json.Marshal(a.Status)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(raw)).NotTo(ContainSubstring(password))
	}},
	{"Status that cannot be written: the most and longest legal, uncompilable standards join into a message too large for any status patch", func() {
		name := uniqueName("flood")
		broken := make([]unionsv1.Standard, 32)
		for i := range broken {
			broken[i] = unionsv1.Standard{Name: "broken-" + strings.Repeat("x", 40) + string(rune('a'+i%26)) + string(rune('a'+i/26)),
				Action: unionsv1.StandardDeny, Expression: strings.Repeat("object.", 580) + "(", Message: strings.Repeat("m", 1024)}
		}
		createAlliance(name, func(a *unionsv1.Alliance) { a.Spec.Standards = broken })
		Eventually(allianceCondition(name, unionsv1.ConditionStalled)).Should(HaveField("Status", metav1.ConditionTrue))
		for _, c := range []string{unionsv1.ConditionStalled, unionsv1.ConditionReady} {
			Expect(len(allianceCondition(name, c)().Message)).To(BeNumerically("<=", conditions.MaxMessage))
		}
	}},
	{"Forged badges: a tenant hand-writes an interop badge on a bare Pod to pass a Hub bridge, and a union's imposed label invites a namespace to another InviteOnly union", func() {
		ns := newNamespace(nil)
		hub := uniqueName("hub")
		createAlliance(hub, func(a *unionsv1.Alliance) {
			a.Spec.Bridge = &unionsv1.Bridge{Mode: unionsv1.BridgeHub, Interop: &metav1.LabelSelector{MatchLabels: map[string]string{"gateway": "yes"}}}
		}, ns)
		joined(newMembership(ns, "join", allianceRef(hub)), allianceRef(hub))
		owner := tenant(ns)
		forged := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "intruder", Labels: map[string]string{badgeKey(allianceRef(hub)): string(unionsv1.RoleInterop)}},
			Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "registry.k8s.io/pause:3.10"}}},
		}
		Expect(owner.Create(ctx, forged)).To(refusedBy(badgeGuardMessage))
		templated := workload(ns, "sneaky", 1, true, nil)
		templated.Spec.Template.Labels[badgeKey(allianceRef(hub))] = string(unionsv1.RoleInterop)
		Expect(owner.Create(ctx, templated)).To(refusedBy("pod templates carry no union badge"))
		own := workload(ns, "own", 1, true, nil)
		Expect(owner.Create(ctx, own)).To(Succeed())
		Eventually(labelsOf(own)).Should(HaveKeyWithValue(badgeKey(allianceRef(hub)), "member"))
		Expect(owner.Patch(ctx, own, client.RawPatch(types.MergePatchType,
			[]byte(`{"metadata":{"labels":{"`+badgeKey(allianceRef(hub))+`":null}}}`)))).To(refusedBy(badgeGuardMessage), "nor removed")

		By("a label a federation imposes does not invite the namespace to an InviteOnly alliance")
		imposer, exclusive := uniqueName("imposer"), uniqueName("exclusive")
		createFederation(imposer, "", func(f *unionsv1.Federation) {
			f.Spec.Constitution.NamespaceLabels = map[string]string{"example.com/tier": "gold"}
		})
		joined(newMembership(ns, "federate", federationRef(imposer)), federationRef(imposer))
		Eventually(namespaceLabels(ns)).Should(HaveKeyWithValue("example.com/tier", "gold"))
		createAlliance(exclusive, func(a *unionsv1.Alliance) {
			a.Spec.Admission.NamespaceSelector = &metav1.LabelSelector{MatchLabels: map[string]string{"example.com/tier": "gold"}}
		})
		m := newMembership(ns, "exclusive", allianceRef(exclusive))
		Eventually(readyReason(m)).Should(Equal(unionsv1.ReasonNotInvited))
		Consistently(standing(m)).Should(Equal(unionsv1.StandingPending))
	}},
	{"Authority beyond need: a compromised operator rewrites a member's pod template, scales up any workload, and writes in kube-system", func() {
		ns := newNamespace(nil)
		name := uniqueName("fenced")
		createFederation(name, "", nil)
		d := agentDeployment(ns, "planner", nil)
		joined(newMembership(ns, "join", federationRef(name)), federationRef(name))
		Eventually(labelsOf(d)).Should(HaveKey(badgeKey(federationRef(name))))
		operator := operatorIdentity()

		Expect(operator.Patch(ctx, d, client.RawPatch(types.MergePatchType,
			[]byte(`{"spec":{"template":{"spec":{"containers":[{"name":"agent","image":"evil.example/miner"}]}}}}`)))).
			To(refusedBy("union-operator changes no spec, pod template"))
		Expect(operator.Patch(ctx, d, client.RawPatch(types.MergePatchType,
			[]byte(`{"metadata":{"labels":{"app":"hijacked"}}}`)))).To(refusedBy("only union badges"))
		Expect(operator.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "union-alliance-x",
			Labels: map[string]string{unionsv1.ManagedByLabel: unionsv1.ManagedByValue}}})).To(refusedBy("writes nothing in kube-system"))
		tenantMap := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "settings"}, Data: map[string]string{"k": "v"}}
		Expect(k8sClient.Create(ctx, tenantMap)).To(Succeed())
		Expect(operator.Delete(ctx, tenantMap)).To(refusedBy("writes only the configmaps it named"))
		Expect(operator.SubResource("scale").Patch(ctx, d, client.RawPatch(types.MergePatchType, []byte(`{"spec":{"replicas":50}}`)))).
			To(refusedBy("raises only reserves"), "a Deployment in a namespace that is in no alliance")
		Expect(operator.Patch(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "kube-system"}}, client.RawPatch(types.MergePatchType,
			[]byte(`{"metadata":{"labels":{"`+pssKey+`":"privileged"}}}`)))).To(refusedBy("writes nothing in kube-system"))

		By("no union joins kube-system")
		sys := newMembership("kube-system", uniqueName("join"), federationRef(name))
		DeferCleanup(func() { _ = k8sClient.Delete(ctx, sys) })
		Eventually(readyReason(sys)).Should(Equal(admission.ReasonSystemNamespace))
	}},
}
