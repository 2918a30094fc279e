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

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/charter"
	"github.com/kos-dev/union-operator/internal/controller/membership"
)

// kstatusOf computes the kstatus (as kubectl wait, Flux and Argo CD's
// kstatus-based checks see it) of an object as stored.
func kstatusOf(obj client.Object) func() status.Status {
	return func() status.Status {
		fresh := obj.DeepCopyObject().(client.Object)
		if err := k8sClient.Get(ctx, client.ObjectKeyFromObject(obj), fresh); err != nil {
			return status.UnknownStatus
		}
		gvk, err := apiutil.GVKForObject(fresh, k8sClient.Scheme())
		Expect(err).NotTo(HaveOccurred())
		raw, err := runtime.DefaultUnstructuredConverter.ToUnstructured(fresh)
		Expect(err).NotTo(HaveOccurred())
		u := &unstructured.Unstructured{Object: raw}
		u.SetGroupVersionKind(gvk)
		// kstatus calls an object without status Current: judge only what
		// the operator has reconciled.
		if observed, _, _ := unstructured.NestedInt64(raw, "status", "observedGeneration"); observed < u.GetGeneration() {
			return status.UnknownStatus
		}
		res, err := status.Compute(u)
		Expect(err).NotTo(HaveOccurred())
		return res.Status
	}
}

var _ = Describe("kstatus", func() {
	It("computes Current for healthy objects of every kind, InProgress and Failed where they should", func() {
		ns := newNamespace(nil)
		other := newNamespace(nil)
		outsider := newNamespace(nil)

		By("Alliance and Membership: Current when in force")
		allyName := uniqueName("kstatus")
		ally := newAlliance(allyName, ns, other)
		agentDeployment(ns, "planner", nil)
		m := newMembership(ns, "join", allianceRef(allyName))
		m2 := newMembership(other, "join", allianceRef(allyName))
		Eventually(kstatusOf(m)).Should(Equal(status.CurrentStatus))
		Eventually(kstatusOf(m2)).Should(Equal(status.CurrentStatus))
		Eventually(kstatusOf(ally)).Should(Equal(status.CurrentStatus))

		By("Membership: InProgress while waiting for an invitation, Failed when Rejected")
		waiting := newMembership(outsider, "join", allianceRef(allyName))
		Eventually(readyReason(waiting)).Should(Equal(unionsv1.ReasonNotInvited))
		Expect(kstatusOf(waiting)()).To(Equal(status.InProgressStatus))
		dup := newMembership(ns, "zz-again", allianceRef(allyName))
		Eventually(standing(dup)).Should(Equal(unionsv1.StandingRejected))
		Eventually(kstatusOf(dup)).Should(Equal(status.FailedStatus))

		By("Alliance: Failed on a standard that does not compile")
		broken := createAlliance(uniqueName("kstatus-broken"), func(a *unionsv1.Alliance) {
			a.Spec.Standards = []unionsv1.Standard{{Name: "typo", Expression: "object.spec.(", Action: unionsv1.StandardDeny}}
		})
		Eventually(kstatusOf(broken)).Should(Equal(status.FailedStatus))

		By("Coalition: Current while in force")
		coal := &unionsv1.Coalition{ObjectMeta: metav1.ObjectMeta{Name: uniqueName("kstatus-coal")}}
		coal.Spec.Admission.Policy = unionsv1.AdmissionOpen
		coal.Spec.Duration = &metav1.Duration{Duration: lifetimeOnClock(72 * time.Hour)}
		Expect(k8sClient.Create(ctx, coal)).To(Succeed())
		DeferCleanup(func() { _ = k8sClient.Delete(ctx, coal) })
		Eventually(kstatusOf(coal)).Should(Equal(status.CurrentStatus))

		By("Federation: Current as a root, Failed under a missing parent")
		root := &unionsv1.Federation{ObjectMeta: metav1.ObjectMeta{Name: uniqueName("kstatus-root")}}
		Expect(k8sClient.Create(ctx, root)).To(Succeed())
		DeferCleanup(func() { _ = k8sClient.Delete(ctx, root) })
		orphan := &unionsv1.Federation{ObjectMeta: metav1.ObjectMeta{Name: uniqueName("kstatus-orphan")}}
		orphan.Spec.Parent = "no-such-federation"
		Expect(k8sClient.Create(ctx, orphan)).To(Succeed())
		DeferCleanup(func() { _ = k8sClient.Delete(ctx, orphan) })
		Eventually(kstatusOf(root)).Should(Equal(status.CurrentStatus))
		Eventually(kstatusOf(orphan)).Should(Equal(status.FailedStatus))

		By("Proposal and Ballot: InProgress while open, Current once decided; a counted Ballot is Current")
		p := propose(ns, "admit", allianceRef(allyName), unionsv1.ProposalAction{Type: unionsv1.ActionAdmit, Namespace: outsider})
		Eventually(kstatusOf(p)).Should(Equal(status.InProgressStatus))
		b1 := vote(ns, "yes", p, unionsv1.ChoiceFor)
		vote(other, "yes", p, unionsv1.ChoiceFor)
		Eventually(kstatusOf(p)).Should(Equal(status.CurrentStatus))
		Eventually(kstatusOf(b1)).Should(Equal(status.CurrentStatus))

		By("ExitTreaty: InProgress while cooling off, Failed when Rejected")
		t := &unionsv1.ExitTreaty{ObjectMeta: metav1.ObjectMeta{Namespace: other, Name: "leave"}}
		t.Spec.Union = allianceRef(allyName)
		t.Spec.CoolOff = &metav1.Duration{Duration: 48 * time.Hour}
		Expect(k8sClient.Create(ctx, t)).To(Succeed())
		Eventually(func() unionsv1.ExitTreatyPhase {
			got := &unionsv1.ExitTreaty{}
			_ = k8sClient.Get(ctx, client.ObjectKeyFromObject(t), got)
			return got.Status.Phase
		}).Should(Equal(unionsv1.TreatyCoolingOff))
		Expect(kstatusOf(t)()).To(Equal(status.InProgressStatus))
		short := &unionsv1.ExitTreaty{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "too-short"}}
		short.Spec.Union = allianceRef(allyName)
		short.Spec.CoolOff = &metav1.Duration{Duration: time.Minute}
		Expect(k8sClient.Create(ctx, short)).To(Succeed())
		Eventually(kstatusOf(short)).Should(Equal(status.FailedStatus))
	})
})

var _ = Describe("A reconcile that fails", func() {
	// kstatusAsStored computes kstatus of the object as stored, whatever
	// generation its status observed.
	kstatusAsStored := func(obj client.Object) func() status.Status {
		return func() status.Status {
			fresh := obj.DeepCopyObject().(client.Object)
			if err := k8sClient.Get(ctx, client.ObjectKeyFromObject(obj), fresh); err != nil {
				return status.UnknownStatus
			}
			raw, err := runtime.DefaultUnstructuredConverter.ToUnstructured(fresh)
			Expect(err).NotTo(HaveOccurred())
			res, err := status.Compute(&unstructured.Unstructured{Object: raw})
			Expect(err).NotTo(HaveOccurred())
			return res.Status
		}
	}

	It("reports Ready=False and Reconciling=True with its reason, and is Ready once the cause goes", func() {
		ns := newNamespace(nil)
		By("a ResourceQuota that refuses every ConfigMap, the charter among them")
		quota := &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "no-configmaps"}}
		quota.Spec.Hard = corev1.ResourceList{corev1.ResourceConfigMaps: resource.MustParse("0")}
		Expect(k8sClient.Create(ctx, quota)).To(Succeed())
		// No quota controller runs here: the administrator reports its usage.
		quota.Status.Hard = quota.Spec.Hard
		quota.Status.Used = corev1.ResourceList{corev1.ResourceConfigMaps: resource.MustParse("0")}
		Expect(k8sClient.Status().Update(ctx, quota)).To(Succeed())

		name := uniqueName("transient")
		newAlliance(name, ns)
		m := newMembership(ns, "join", allianceRef(name))
		Eventually(func(g Gomega) {
			got := &unionsv1.Membership{}
			g.Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(m), got)).To(Succeed())
			g.Expect(got.Status.Conditions).To(ContainElements(
				And(HaveField("Type", unionsv1.ConditionReady), HaveField("Status", metav1.ConditionFalse),
					HaveField("Reason", membership.ReasonCharterNotWritten), HaveField("Message", ContainSubstring("exceeded quota"))),
				And(HaveField("Type", unionsv1.ConditionReconciling), HaveField("Status", metav1.ConditionTrue),
					HaveField("Reason", membership.ReasonCharterNotWritten)),
			))
			g.Expect(got.Status.ObservedGeneration).To(BeZero(), "observedGeneration advanced by a reconcile that failed")
			g.Expect(got.Status.Standing).To(BeEmpty(), "a failed reconcile wrote the standing it computed")
		}).Should(Succeed())
		Expect(kstatusAsStored(m)()).To(Equal(status.InProgressStatus))

		By("removing the quota: the retry succeeds")
		Expect(k8sClient.Delete(ctx, quota)).To(Succeed())
		Eventually(readyReason(m)).Should(Equal(unionsv1.ReasonActive))
		Eventually(kstatusAsStored(m)).Should(Equal(status.CurrentStatus))
		Expect(k8sClient.Get(ctx, client.ObjectKey{Namespace: ns, Name: charter.Name(allianceRef(name))}, &corev1.ConfigMap{})).To(Succeed())
	})
})
