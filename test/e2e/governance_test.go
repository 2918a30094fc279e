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
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

// kubectlApply applies a manifest with kubectl, as a user writes it.
func kubectlApply(manifest string) {
	GinkgoHelper()
	path := filepath.Join(GinkgoT().TempDir(), "manifest.yaml")
	Expect(os.WriteFile(path, []byte(manifest), 0o600)).To(Succeed())
	out, err := run(kubectl, "apply", "-f", path)
	Expect(err).NotTo(HaveOccurred(), out)
}

// newNamespaces creates namespaces of the spec's own.
func newNamespaces(prefix string, n int) []string {
	GinkgoHelper()
	var out []string
	for i := range n {
		ns := fmt.Sprintf("%s-%d-%d", prefix, time.Now().UnixNano()%1e6, i)
		Expect(k8sClient.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})).To(Succeed())
		DeferCleanup(func() { _ = k8sClient.Delete(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}) })
		out = append(out, ns)
	}
	return out
}

var _ = Describe("Governance on the local cluster", func() {
	It("takes Ballots applied with kubectl exactly as the docs write them, unquoted", func() {
		nss := newNamespaces("e2e-vote", 2)
		name := fmt.Sprintf("e2e-vote-%d", time.Now().UnixNano()%1e6)
		kubectlApply(fmt.Sprintf(`apiVersion: unions.kos.dev/v1alpha1
kind: Coalition
metadata:
  name: %[1]s
spec:
  purpose: vote from YAML
  duration: 1h
  admission:
    policy: Open
---
apiVersion: unions.kos.dev/v1alpha1
kind: Membership
metadata: {name: %[1]s, namespace: %[2]s}
spec:
  union: {kind: Coalition, name: %[1]s}
---
apiVersion: unions.kos.dev/v1alpha1
kind: Membership
metadata: {name: %[1]s, namespace: %[3]s}
spec:
  union: {kind: Coalition, name: %[1]s}
`, name, nss[0], nss[1]))
		DeferCleanup(func() { _ = k8sClient.Delete(ctx, &unionsv1.Coalition{ObjectMeta: metav1.ObjectMeta{Name: name}}) })
		for _, ns := range nss {
			_, err := run(kubectl, "wait", "--for=condition=Ready", "--timeout=60s", "-n", ns, "membership/"+name)
			Expect(err).NotTo(HaveOccurred())
		}

		kubectlApply(fmt.Sprintf(`apiVersion: unions.kos.dev/v1alpha1
kind: Proposal
metadata: {name: note, namespace: %[1]s}
spec:
  union: {kind: Coalition, name: %[2]s}
  action: {type: Amend, text: meet on Mondays}
---
apiVersion: unions.kos.dev/v1alpha1
kind: Ballot
metadata: {name: note, namespace: %[1]s}
spec:
  subject: {kind: Proposal, namespace: %[1]s, name: note}
  choice: For
---
apiVersion: unions.kos.dev/v1alpha1
kind: Ballot
metadata: {name: note, namespace: %[3]s}
spec:
  subject: {kind: Proposal, namespace: %[1]s, name: note}
  choice: Against
`, nss[0], name, nss[1]))
		Eventually(func(g Gomega) {
			p := &unionsv1.Proposal{}
			g.Expect(k8sClient.Get(ctx, client.ObjectKey{Namespace: nss[0], Name: "note"}, p)).To(Succeed())
			g.Expect(p.Status.Tally).To(HaveValue(Equal(unionsv1.Tally{For: 1, Against: 1, Eligible: 2})))
			g.Expect(p.Status.Phase).To(Equal(unionsv1.ProposalRejected), "a tie fails")
		}).Should(Succeed())
		out, err := run(kubectl, "get", "ballot", "note", "-n", nss[1], "-o", "jsonpath={.spec.choice}")
		Expect(err).NotTo(HaveOccurred())
		Expect(out).To(Equal("Against"))
	})

	It("counts no replayed Ballot, binds no reincarnated union, and gives an un-admitted child no vote", func() {
		nss := newNamespaces("e2e-trust", 4)
		a, b, c, intruder := nss[0], nss[1], nss[2], nss[3]
		suffix := fmt.Sprintf("%d", time.Now().UnixNano()%1e6)
		parent, child := "e2e-league-"+suffix, "e2e-claimant-"+suffix
		kubectlApply(fmt.Sprintf(`apiVersion: unions.kos.dev/v1alpha1
kind: Federation
metadata: {name: %[1]s}
spec:
  admission: {namespaces: [%[3]s, %[4]s, %[5]s]}
  separation: {coolOff: 0s}
---
apiVersion: unions.kos.dev/v1alpha1
kind: Federation
metadata: {name: %[2]s}
spec:
  parent: %[1]s
  admission: {namespaces: [%[6]s]}
  separation: {coolOff: 0s}
`, parent, child, a, b, c, intruder))
		DeferCleanup(func() {
			for _, n := range []string{parent, child} {
				_ = k8sClient.Delete(ctx, &unionsv1.Federation{ObjectMeta: metav1.ObjectMeta{Name: n}})
			}
		})
		for ns, union := range map[string]string{a: parent, b: parent, c: parent, intruder: child} {
			kubectlApply(fmt.Sprintf("apiVersion: unions.kos.dev/v1alpha1\nkind: Membership\nmetadata: {name: join, namespace: %s}\nspec:\n  union: {kind: Federation, name: %s}\n", ns, union))
		}
		for _, ns := range nss {
			_, err := run(kubectl, "wait", "--for=condition=Ready", "--timeout=60s", "-n", ns, "membership/join")
			Expect(err).NotTo(HaveOccurred())
		}

		By("an un-admitted child's member has no voice in the parent")
		Eventually(func(g Gomega) {
			f := &unionsv1.Federation{}
			g.Expect(k8sClient.Get(ctx, client.ObjectKey{Name: child}, f)).To(Succeed())
			nested := meta.FindStatusCondition(f.Status.Conditions, unionsv1.ConditionNested)
			g.Expect(nested).NotTo(BeNil())
			g.Expect(nested.Reason).To(Equal(unionsv1.ReasonNotAdmitted))
		}).Should(Succeed())
		ballot := func(ns, name, proposal, choice string) {
			kubectlApply(fmt.Sprintf("apiVersion: unions.kos.dev/v1alpha1\nkind: Ballot\nmetadata: {name: %s, namespace: %s}\nspec:\n  subject: {kind: Proposal, namespace: %s, name: %s}\n  choice: %s\n", name, ns, a, proposal, choice))
		}
		motion := func(name, action string) {
			kubectlApply(fmt.Sprintf("apiVersion: unions.kos.dev/v1alpha1\nkind: Proposal\nmetadata: {name: %s, namespace: %s}\nspec:\n  union: {kind: Federation, name: %s}\n  action: %s\n", name, a, parent, action))
		}
		motion("note", "{type: Amend, text: meet on Mondays}")
		ballot(intruder, "note", "note", "For")
		ballot(a, "note", "note", "For")
		ballot(b, "note", "note", "For")
		proposalOf := func(g Gomega, name string) *unionsv1.Proposal {
			p := &unionsv1.Proposal{}
			g.Expect(k8sClient.Get(ctx, client.ObjectKey{Namespace: a, Name: name}, p)).To(Succeed())
			return p
		}
		ballotOf := func(g Gomega, ns, name string) *unionsv1.Ballot {
			bl := &unionsv1.Ballot{}
			g.Expect(k8sClient.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, bl)).To(Succeed())
			return bl
		}
		Eventually(func(g Gomega) {
			g.Expect(proposalOf(g, "note").Status.Tally).To(HaveValue(Equal(unionsv1.Tally{For: 2, Eligible: 3})))
			g.Expect(ballotOf(g, intruder, "note").Status.Counted).To(BeFalse())
			g.Expect(ballotOf(g, b, "note").Status.Counted).To(BeTrue())
		}).Should(Succeed())

		By("replay: the motion is deleted and filed again as an Expel under the same name")
		Expect(k8sClient.Delete(ctx, &unionsv1.Proposal{ObjectMeta: metav1.ObjectMeta{Namespace: a, Name: "note"}})).To(Succeed())
		Eventually(func() bool {
			return apierrors.IsNotFound(k8sClient.Get(ctx, client.ObjectKey{Namespace: a, Name: "note"}, &unionsv1.Proposal{}))
		}).Should(BeTrue())
		motion("note", fmt.Sprintf("{type: Expel, namespace: %s}", c))
		Eventually(func(g Gomega) {
			p := proposalOf(g, "note")
			g.Expect(p.Spec.Action.Type).To(Equal(unionsv1.ActionExpel))
			g.Expect(p.Status.Tally).To(HaveValue(Equal(unionsv1.Tally{Eligible: 3})))
			counted := meta.FindStatusCondition(ballotOf(g, b, "note").Status.Conditions, unionsv1.ConditionCounted)
			g.Expect(counted).NotTo(BeNil())
			g.Expect(counted.Reason).To(Equal("SubjectReplaced"))
		}).Should(Succeed())

		By("reincarnation: a Dissolve passed in a deleted federation does not dissolve a new one of the same name")
		motion("dissolve", "{type: Dissolve}")
		for _, ns := range []string{a, b, c} {
			ballot(ns, "dissolve", "dissolve", "For")
		}
		Eventually(func(g Gomega) {
			f := &unionsv1.Federation{}
			g.Expect(k8sClient.Get(ctx, client.ObjectKey{Name: parent}, f)).To(Succeed())
			g.Expect(f.Status.Phase).To(Equal(unionsv1.FederationDissolved))
		}).Should(Succeed())
		Expect(k8sClient.Delete(ctx, &unionsv1.Federation{ObjectMeta: metav1.ObjectMeta{Name: parent}})).To(Succeed())
		Eventually(func() bool {
			return apierrors.IsNotFound(k8sClient.Get(ctx, client.ObjectKey{Name: parent}, &unionsv1.Federation{}))
		}).Should(BeTrue())
		kubectlApply(fmt.Sprintf(`apiVersion: unions.kos.dev/v1alpha1
kind: Federation
metadata: {name: %[1]s}
spec:
  admission: {namespaces: [%[2]s, %[3]s, %[4]s]}
  separation: {coolOff: 0s}
`, parent, a, b, c))
		Eventually(func(g Gomega) {
			f := &unionsv1.Federation{}
			g.Expect(k8sClient.Get(ctx, client.ObjectKey{Name: parent}, f)).To(Succeed())
			g.Expect(f.Status.Phase).To(Equal(unionsv1.FederationActive))
			g.Expect(f.Status.MemberCount).To(BeEquivalentTo(3))
		}).Should(Succeed())
		Consistently(func(g Gomega) {
			f := &unionsv1.Federation{}
			g.Expect(k8sClient.Get(ctx, client.ObjectKey{Name: parent}, f)).To(Succeed())
			g.Expect(f.Status.Phase).NotTo(Equal(unionsv1.FederationDissolved))
			g.Expect(f.Status.Decisions).To(BeEmpty())
		}, 5*time.Second).Should(Succeed())
	})
})
