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
})
