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
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/charter"
	"github.com/kos-dev/union-operator/internal/constitution"
	"github.com/kos-dev/union-operator/internal/controller/federation"
	"github.com/kos-dev/union-operator/internal/standards"
)

// replicasStandard lets agents run at most maxReplicas replicas, 5 unless a
// member overrides it between 1 and 10.
var replicasStandard = unionsv1.FederationStandard{
	Standard: unionsv1.Standard{Name: "replicas", Action: unionsv1.StandardDeny,
		Expression: "!has(object.spec.replicas) || object.spec.replicas <= int(params.data.maxReplicas)",
		Message:    "agents run at most maxReplicas replicas"},
	Parameters: map[string]unionsv1.Parameter{"maxReplicas": {Default: "5", Min: "1", Max: "10"}},
}

func federationRef(name string) unionsv1.UnionReference {
	return unionsv1.UnionReference{Kind: unionsv1.KindFederation, Name: name}
}

// createFederation creates an Open federation nested in parent ("" for a
// root): it names the parent, and the parent admits it.
func createFederation(name, parent string, mutate func(*unionsv1.Federation)) *unionsv1.Federation {
	f := &unionsv1.Federation{ObjectMeta: metav1.ObjectMeta{Name: name}}
	f.Spec.Parent = parent
	f.Spec.Admission.Policy = unionsv1.AdmissionOpen
	if mutate != nil {
		mutate(f)
	}
	Expect(k8sClient.Create(ctx, f)).To(Succeed())
	DeferCleanup(func() { _ = k8sClient.Delete(ctx, f) })
	if parent != "" {
		admitChild(parent, name)
	}
	return f
}

// admitChild makes a parent federation admit a child by name.
func admitChild(parent, child string) {
	GinkgoHelper()
	updateFederation(parent, func(f *unionsv1.Federation) {
		if !slices.Contains(f.Spec.Admission.Federations, child) {
			f.Spec.Admission.Federations = append(f.Spec.Admission.Federations, child)
		}
	})
}

// updateFederation changes a federation's terms.
func updateFederation(name string, mutate func(*unionsv1.Federation)) {
	Eventually(func() error {
		f := &unionsv1.Federation{}
		if err := k8sClient.Get(ctx, client.ObjectKey{Name: name}, f); err != nil {
			return err
		}
		mutate(f)
		return k8sClient.Update(ctx, f)
	}).Should(Succeed())
}

// federationStatus returns a federation's status.
func federationStatus(name string) func() unionsv1.FederationStatus {
	return func() unionsv1.FederationStatus {
		f := &unionsv1.Federation{}
		if err := k8sClient.Get(ctx, client.ObjectKey{Name: name}, f); err != nil {
			return unionsv1.FederationStatus{}
		}
		return f.Status
	}
}

// federationCondition returns one condition of a federation (zero when absent).
func federationCondition(name, conditionType string) func() metav1.Condition {
	return func() metav1.Condition {
		if c := meta.FindStatusCondition(federationStatus(name)().Conditions, conditionType); c != nil {
			return *c
		}
		return metav1.Condition{}
	}
}

// stalledWith matches a Stalled=True condition with a reason and part of a message.
func stalledWith(reason, message string) OmegaMatcher {
	return And(HaveField("Status", metav1.ConditionTrue), HaveField("Reason", reason), HaveField("Message", ContainSubstring(message)))
}

// quotaObject is a constitution clause propagating a ResourceQuota of pods.
func quotaObject(pods string) unionsv1.ConstitutionObject {
	return unionsv1.ConstitutionObject{Name: "quota", Template: runtime.RawExtension{Raw: []byte(
		`{"apiVersion":"v1","kind":"ResourceQuota","spec":{"hard":{"pods":"` + pods + `"}}}`)}}
}

// propagated returns an object a federation put in a namespace (nil when absent).
func propagated(obj client.Object) func() client.Object {
	return func() client.Object {
		fresh := obj.DeepCopyObject().(client.Object)
		if err := k8sClient.Get(ctx, client.ObjectKeyFromObject(obj), fresh); err != nil {
			return nil
		}
		return fresh
	}
}

func quotaPods(ns, name string) func() string {
	return func() string {
		q := &corev1.ResourceQuota{}
		if err := k8sClient.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, q); err != nil {
			return ""
		}
		v := q.Spec.Hard[corev1.ResourcePods]
		return v.String()
	}
}

func configMapData(ns, name string) func() map[string]string {
	return func() map[string]string {
		cm := &corev1.ConfigMap{}
		if err := k8sClient.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, cm); err != nil {
			return nil
		}
		return cm.Data
	}
}

func gone(obj client.Object) func() bool {
	return func() bool {
		return apierrors.IsNotFound(k8sClient.Get(ctx, client.ObjectKeyFromObject(obj), obj.DeepCopyObject().(client.Object)))
	}
}

// createReplicas tries to create (dry-run) an agent Deployment of n replicas.
func createReplicas(ns string, n int32) func() error {
	return func() error {
		return k8sClient.Create(ctx, workload(ns, fmt.Sprintf("probe-%d", n), n, true, nil), client.DryRunAll)
	}
}

var _ = Describe("Federation", func() {
	It("reports its nesting: children and depth; cycles, missing parents and nesting deeper than 8 stall", func() {
		root, child := uniqueName("root"), uniqueName("child")
		createFederation(root, "", nil)
		createFederation(child, root, nil)
		Eventually(func() []string { return federationStatus(root)().Children }).Should(Equal([]string{child}))
		Eventually(func() int32 { return federationStatus(child)().Depth }).Should(BeEquivalentTo(1))
		Expect(federationStatus(root)().Depth).To(BeEquivalentTo(0))
		Eventually(federationCondition(child, unionsv1.ConditionNested)).Should(And(
			HaveField("Status", metav1.ConditionTrue), HaveField("Reason", unionsv1.ReasonAdmitted)))

		By("a missing parent stalls the federation until the parent appears, admitting it")
		orphan, later := uniqueName("orphan"), uniqueName("later")
		createFederation(orphan, "", func(f *unionsv1.Federation) { f.Spec.Parent = later })
		Eventually(federationCondition(orphan, unionsv1.ConditionStalled)).Should(stalledWith(federation.ReasonParentNotFound, later))
		createFederation(later, "", func(f *unionsv1.Federation) { f.Spec.Admission.Federations = []string{orphan} })
		Eventually(federationCondition(orphan, unionsv1.ConditionReady)).Should(HaveField("Status", metav1.ConditionTrue))
		Expect(federationCondition(orphan, unionsv1.ConditionStalled)().Status).To(BeEmpty())
		Expect(federationStatus(orphan)().Depth).To(BeEquivalentTo(1))

		By("a cycle, both sides admitting, stalls both federations, naming the cycle")
		a, b := uniqueName("cyc-a"), uniqueName("cyc-b")
		createFederation(a, "", func(f *unionsv1.Federation) { f.Spec.Parent, f.Spec.Admission.Federations = b, []string{b} })
		createFederation(b, "", func(f *unionsv1.Federation) { f.Spec.Parent, f.Spec.Admission.Federations = a, []string{a} })
		Eventually(federationCondition(a, unionsv1.ConditionStalled)).Should(stalledWith(federation.ReasonCycle, a+" -> "+b+" -> "+a))
		Eventually(federationCondition(b, unionsv1.ConditionStalled)).Should(stalledWith(federation.ReasonCycle, b+" -> "+a+" -> "+b))

		By("nesting deeper than 8 stalls the deepest federation only")
		names := make([]string, 10)
		for i := range names {
			names[i] = uniqueName(fmt.Sprintf("deep%d", i))
			parent := ""
			if i > 0 {
				parent = names[i-1]
			}
			createFederation(names[i], parent, nil)
		}
		Eventually(federationCondition(names[9], unionsv1.ConditionStalled)).Should(stalledWith(federation.ReasonTooDeep, "at most 8 deep"))
		Eventually(func() int32 { return federationStatus(names[8])().Depth }).Should(BeEquivalentTo(8))
		Expect(federationCondition(names[8], unionsv1.ConditionStalled)().Status).To(BeEmpty())
	})

	It("nests a child only when its parent admits it: until then, and once un-admitted, it is standalone", func() {
		parent, child := uniqueName("host"), uniqueName("claimant")
		createFederation(parent, "", func(f *unionsv1.Federation) {
			f.Spec.Constitution.NamespaceLabels = map[string]string{"example.com/host": "yes-host"}
		})
		member := newNamespace(nil)
		createFederation(child, "", func(f *unionsv1.Federation) { f.Spec.Parent = parent })
		newMembership(member, "join", federationRef(child))
		Eventually(federationCondition(child, unionsv1.ConditionNested)).Should(And(
			HaveField("Status", metav1.ConditionFalse), HaveField("Reason", unionsv1.ReasonNotAdmitted)))
		Expect(federationCondition(child, unionsv1.ConditionReady)().Status).To(Equal(metav1.ConditionTrue), "standalone is no failure")
		Expect(federationStatus(child)().Depth).To(BeEquivalentTo(0))
		Consistently(func() []string { return federationStatus(parent)().Children }).Should(BeEmpty())
		Consistently(namespaceLabels(member)).ShouldNot(HaveKey("example.com/host"), "a child inherits nothing from a parent that has not admitted it")

		By("the parent admits it: nested, and its members are governed by the parent's constitution")
		admitChild(parent, child)
		Eventually(func() int32 { return federationStatus(child)().Depth }).Should(BeEquivalentTo(1))
		Eventually(func() []string { return federationStatus(parent)().Children }).Should(Equal([]string{child}))
		Eventually(namespaceLabels(member)).Should(HaveKeyWithValue("example.com/host", "yes-host"))

		By("the parent drops it from its list: un-nested at once")
		updateFederation(parent, func(f *unionsv1.Federation) { f.Spec.Admission.Federations = nil })
		Eventually(federationCondition(child, unionsv1.ConditionNested)).Should(HaveField("Reason", unionsv1.ReasonNotAdmitted))
		Eventually(func() int32 { return federationStatus(child)().Depth }).Should(BeEquivalentTo(0))
		Eventually(namespaceLabels(member)).ShouldNot(HaveKey("example.com/host"))
	})

	It("governs the members of a child federation by its ancestors' constitution too, puts back what is edited, and takes it all back on leaving", func() {
		parentMember, childMember := newNamespace(nil), newNamespace(nil)
		parent, child := uniqueName("league"), uniqueName("towns")
		limits := unionsv1.ConstitutionObject{Name: "limits", Template: runtime.RawExtension{Raw: []byte(
			`{"apiVersion":"v1","kind":"LimitRange","spec":{"limits":[{"type":"Container","max":{"cpu":"2"}}]}}`)}}
		createFederation(parent, "", func(f *unionsv1.Federation) {
			f.Spec.Constitution.NamespaceLabels = map[string]string{"example.com/tier": "gold"}
			f.Spec.Constitution.Objects = []unionsv1.ConstitutionObject{quotaObject("50")}
			f.Spec.Constitution.Standards = []unionsv1.FederationStandard{replicasStandard}
		})
		createFederation(child, parent, func(f *unionsv1.Federation) {
			f.Spec.Separation.CoolOff = minutes(2)
			f.Spec.Constitution.NamespaceLabels = map[string]string{"example.com/region": "river"}
			f.Spec.Constitution.Objects = []unionsv1.ConstitutionObject{limits}
		})
		joined(newMembership(parentMember, "join", federationRef(parent)), federationRef(parent))
		m := newMembership(childMember, "join", federationRef(child))
		joined(m, federationRef(child))

		By("the child's member carries both constitutions' labels, and only its own federation's badge")
		Eventually(namespaceLabels(childMember)).Should(And(
			HaveKeyWithValue("example.com/tier", "gold"), HaveKeyWithValue("example.com/region", "river"),
			HaveKeyWithValue(badgeKey(federationRef(child)), "member")))
		Expect(namespaceLabels(childMember)()).NotTo(HaveKey(badgeKey(federationRef(parent))))
		Eventually(namespaceLabels(parentMember)).Should(HaveKeyWithValue("example.com/tier", "gold"))
		Expect(namespaceLabels(parentMember)()).NotTo(HaveKey("example.com/region"))

		By("the parent's quota and the child's limits are in the child's member namespace, owned by its Membership")
		quota := &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Namespace: childMember, Name: constitution.ObjectName(parent, "quota")}}
		limitRange := &corev1.LimitRange{ObjectMeta: metav1.ObjectMeta{Namespace: childMember, Name: constitution.ObjectName(child, "limits")}}
		Eventually(propagated(quota)).ShouldNot(BeNil())
		Eventually(propagated(limitRange)).ShouldNot(BeNil())
		got := propagated(quota)()
		Expect(got.GetLabels()).To(And(HaveKeyWithValue(unionsv1.ManagedByLabel, unionsv1.ManagedByValue),
			HaveKeyWithValue(unionsv1.UnionLabel, "Federation."+child)))
		Expect(got.GetOwnerReferences()).To(ConsistOf(And(HaveField("Kind", "Membership"), HaveField("Name", "join"),
			HaveField("Controller", HaveValue(BeTrue())))))
		Expect(quotaPods(childMember, quota.Name)()).To(Equal("50"))
		Eventually(quotaPods(parentMember, quota.Name)).Should(Equal("50"))

		By("the params ConfigMap of the parent holds the default; both federations publish their consensus")
		params := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: childMember, Name: constitution.ParamsName(parent)}}
		Eventually(configMapData(childMember, params.Name)).Should(HaveKeyWithValue("maxReplicas", "5"))
		parentConsensus := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: childMember, Name: constitution.ConsensusName(parent)}}
		childConsensus := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: childMember, Name: constitution.ConsensusName(child)}}
		Eventually(configMapData(childMember, parentConsensus.Name)).Should(HaveKeyWithValue("consensus.yaml", ContainSubstring("members: 2")))
		Eventually(configMapData(childMember, childConsensus.Name)).Should(HaveKeyWithValue("consensus.yaml", ContainSubstring("members: 1")))

		By("the Federation Sentience Agent counts the child's members in the parent's consensus")
		Eventually(func() *unionsv1.Consensus { return federationStatus(parent)().Consensus }).Should(HaveField("Members", BeEquivalentTo(2)))
		Expect(federationStatus(child)().Consensus).To(HaveField("Members", BeEquivalentTo(1)))

		By("the parent's standard binds the child's members through a binding of their own")
		policyName := standards.PolicyName(federationRef(parent), unionsv1.StandardDeny)
		inherited := &admissionregistrationv1.ValidatingAdmissionPolicyBinding{}
		Eventually(func() error {
			return k8sClient.Get(ctx, client.ObjectKey{Name: standards.InheritedName(policyName, federationRef(child))}, inherited)
		}).Should(Succeed())
		Expect(inherited.Spec.ParamRef.Name).To(Equal(constitution.ParamsName(parent)))
		Eventually(createReplicas(childMember, 6)).Should(MatchError(ContainSubstring("replicas: agents run at most maxReplicas replicas")))
		Expect(createReplicas(childMember, 5)()).To(Succeed())

		By("the charter carries the constitution and the member's parameters")
		Eventually(configMapData(childMember, charter.Name(federationRef(child)))).Should(HaveKeyWithValue("charter.yaml",
			And(ContainSubstring("parent: "+parent), ContainSubstring("replicas.maxReplicas: \"5\""))))

		By("a member's edit of the quota is undone")
		Eventually(func() error {
			q := &corev1.ResourceQuota{}
			if err := k8sClient.Get(ctx, client.ObjectKeyFromObject(quota), q); err != nil {
				return err
			}
			q.Spec.Hard[corev1.ResourcePods] = resource.MustParse("500")
			return k8sClient.Update(ctx, q)
		}).Should(Succeed())
		Eventually(quotaPods(childMember, quota.Name)).Should(Equal("50"))

		By("a deleted quota comes back")
		Expect(k8sClient.Delete(ctx, quota)).To(Succeed())
		Eventually(func() string {
			q := propagated(quota)()
			if q == nil {
				return ""
			}
			return string(q.GetUID())
		}).Should(And(Not(BeEmpty()), Not(Equal(string(got.GetUID())))))

		By("a child clause that would change a parent's label stalls the child; the parent's value stays in force")
		updateFederation(child, func(f *unionsv1.Federation) {
			f.Spec.Constitution.NamespaceLabels["example.com/tier"] = "silver"
		})
		Eventually(federationCondition(child, unionsv1.ConditionStalled)).Should(stalledWith(constitution.ReasonConflictingClause,
			`namespaceLabels[example.com/tier]: sets "silver", but federation `+parent+` sets "gold"`))
		Consistently(namespaceLabels(childMember), time.Second).Should(HaveKeyWithValue("example.com/tier", "gold"))

		By("an object of a kind outside the allow-list stalls the child, naming the clause; the rest stays in force")
		updateFederation(child, func(f *unionsv1.Federation) {
			delete(f.Spec.Constitution.NamespaceLabels, "example.com/tier")
			f.Spec.Constitution.Objects = append(f.Spec.Constitution.Objects, unionsv1.ConstitutionObject{Name: "admin",
				Template: runtime.RawExtension{Raw: []byte(`{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"admin"}}`)}})
		})
		Eventually(federationCondition(child, unionsv1.ConditionStalled)).Should(stalledWith(constitution.ReasonUnsupportedObjectKind,
			"objects[admin]: rbac.authorization.k8s.io/v1 RoleBinding is not a kind the operator propagates"))
		Expect(propagated(limitRange)()).NotTo(BeNil())

		By("a child object named like a parent's stalls the child")
		updateFederation(child, func(f *unionsv1.Federation) {
			f.Spec.Constitution.Objects = []unionsv1.ConstitutionObject{limits, quotaObject("500")}
		})
		Eventually(federationCondition(child, unionsv1.ConditionStalled)).Should(stalledWith(constitution.ReasonConflictingClause,
			"objects[quota]: federation "+parent+" declares an object quota already"))
		Expect(propagated(&corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Namespace: childMember, Name: constitution.ObjectName(child, "quota")}})()).To(BeNil())
		Expect(quotaPods(childMember, quota.Name)()).To(Equal("50"))

		By("leaving by treaty takes back the labels, the objects, the params, the consensus and the charter")
		t := fileTreaty(childMember, "leave", federationRef(child), func(t *unionsv1.ExitTreaty) { t.Spec.CoolOff = minutes(2) })
		Eventually(treatyPhase(t)).Should(Equal(unionsv1.TreatyCoolingOff))
		clk.SetTo(getTreaty(t).Status.EffectiveAt.Add(time.Second))
		Eventually(standing(m)).Should(Equal(unionsv1.StandingSeparated))
		Eventually(namespaceLabels(childMember)).ShouldNot(Or(HaveKey("example.com/tier"), HaveKey("example.com/region"),
			HaveKey(badgeKey(federationRef(child)))))
		for _, obj := range []client.Object{quota, limitRange, params, parentConsensus, childConsensus,
			&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: childMember, Name: charter.Name(federationRef(child))}}} {
			Eventually(gone(obj)).Should(BeTrue(), "%T %s is left behind", obj, obj.GetName())
		}
		Expect(namespaceLabels(parentMember)()).To(HaveKeyWithValue("example.com/tier", "gold"))
		Expect(quotaPods(parentMember, quota.Name)()).To(Equal("50"))
	})

	It("lets members override declared parameters within bounds, and rejects every other override", func() {
		strict, lenient, overreaching := newNamespace(nil), newNamespace(nil), newNamespace(nil)
		name := uniqueName("params")
		ref := federationRef(name)
		By("an agent that predates the standard runs 7 replicas in the lenient namespace")
		legacy := workload(lenient, "legacy", 7, true, nil)
		Expect(k8sClient.Create(ctx, legacy)).To(Succeed())
		createFederation(name, "", func(f *unionsv1.Federation) {
			f.Spec.Constitution.Standards = []unionsv1.FederationStandard{replicasStandard}
			f.Spec.Constitution.Objects = []unionsv1.ConstitutionObject{quotaObject("20")}
		})
		joined(newMembership(strict, "join", ref, func(m *unionsv1.Membership) {
			m.Spec.Overrides = map[string]string{"replicas.maxReplicas": "3"}
		}), ref)
		joined(newMembership(lenient, "join", ref), ref)

		By("each member's params ConfigMap holds its effective parameters")
		Eventually(configMapData(strict, constitution.ParamsName(name))).Should(HaveKeyWithValue("maxReplicas", "3"))
		Eventually(configMapData(lenient, constitution.ParamsName(name))).Should(HaveKeyWithValue("maxReplicas", "5"))

		By("the API server admits 4 replicas in the lenient namespace only")
		Eventually(createReplicas(strict, 4)).Should(MatchError(ContainSubstring("replicas: agents run at most maxReplicas replicas")))
		Eventually(createReplicas(lenient, 4)).Should(Succeed())
		Eventually(createReplicas(lenient, 6)).Should(MatchError(ContainSubstring("replicas:")))
		Expect(createReplicas(strict, 3)()).To(Succeed())

		By("compliance of existing agents is judged with each member's parameters")
		Eventually(federationCondition(name, unionsv1.ConditionCompliant)).Should(And(HaveField("Message", ContainSubstring(lenient+"/legacy fails replicas")),
			HaveField("Status", metav1.ConditionFalse), HaveField("Reason", "NonCompliant")))
		Expect(federationStatus(name)().Consensus).To(HaveField("NonCompliantAgents", BeEquivalentTo(1)))

		By("an override out of bounds rejects the Membership, naming the key")
		bad := newMembership(overreaching, "join", ref, func(m *unionsv1.Membership) {
			m.Spec.Overrides = map[string]string{"replicas.maxReplicas": "11"}
		})
		Eventually(standing(bad)).Should(Equal(unionsv1.StandingRejected))
		Expect(readyReason(bad)()).To(Equal("InvalidOverride"))
		Expect(getMembership(bad).Status.Conditions).To(ContainElement(And(HaveField("Type", unionsv1.ConditionStalled),
			HaveField("Message", ContainSubstring(`override "replicas.maxReplicas": 11 is above the maximum 10`)))))

		By("a Rejected namespace is no member: no badge, nothing written there, so the federation's policy does not bind it")
		Consistently(namespaceLabels(overreaching), time.Second).ShouldNot(HaveKey(badgeKey(ref)))
		Expect(configMapData(overreaching, constitution.ParamsName(name))()).To(BeNil())
		Expect(quotaPods(overreaching, constitution.ObjectName(name, "quota"))()).To(BeEmpty())
		Expect(createReplicas(overreaching, 11)()).To(Succeed())

		By("the core stays in force for the members")
		Expect(createReplicas(strict, 4)()).To(MatchError(ContainSubstring("replicas:")))
		Expect(configMapData(strict, constitution.ParamsName(name))()).To(HaveKeyWithValue("maxReplicas", "3"))

		By("overriding a core object, or an undeclared parameter, is refused too")
		unknown := newMembership(newNamespace(nil), "join", ref, func(m *unionsv1.Membership) {
			m.Spec.Overrides = map[string]string{"quota.replacedBy": "mine", "replicas.minReplicas": "2"}
		})
		Eventually(readyReason(unknown)).Should(Equal("InvalidOverride"))
		Expect(getMembership(unknown).Status.Conditions).To(ContainElement(HaveField("Message", And(
			ContainSubstring(`override "quota.replacedBy": object quota of federation `+name+` is not overridable`),
			ContainSubstring(`override "replicas.minReplicas": standard replicas declares no parameter minReplicas`)))))
	})
})
