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
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

var _ = Describe("What tenants see", func() {
	It("shows a user with only edit in a namespace its Memberships in kubectl unions, and kubectl get unions lists unions only", func() {
		w := newWorld("tenant", 1, 0, 0)
		ns := w.namespaces[0]
		name := w.prefix + "-pact"
		a := &unionsv1.Alliance{ObjectMeta: metav1.ObjectMeta{Name: name}}
		a.Spec.Admission.Policy = unionsv1.AdmissionOpen
		Expect(k8sClient.Create(ctx, a)).To(Succeed())
		DeferCleanup(func() { _ = k8sClient.Delete(ctx, a) })
		join(ns, unionsv1.UnionReference{Kind: unionsv1.KindAlliance, Name: name})
		user := w.prefix + "-owner"
		rb := &rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "owner-edit"},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "edit"},
			Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: user}},
		}
		Expect(k8sClient.Create(ctx, rb)).To(Succeed())

		plugin := filepath.Join(repoRoot, "bin", "kubectl-unions")
		By("the tenant may not list unions, and is shown its namespace's Memberships instead")
		Eventually(func(g Gomega) {
			out, err := run(plugin, "tree", "--as", user, "-n", ns)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(out).To(ContainSubstring("the Memberships of namespace " + ns))
			g.Expect(out).To(MatchRegexp(`alliance-` + name + `\s+Alliance/` + name + `\s+Active`))
		}).Should(Succeed())
		out, err := run(plugin, "status", "--as", user, "-n", ns, "-o", "yaml")
		Expect(err).NotTo(HaveOccurred())
		Expect(out).To(ContainSubstring("kind: Membership"))

		By("a cluster-wide viewer reads the unions themselves")
		out, err = run(plugin, "status", "-o", "json")
		Expect(err).NotTo(HaveOccurred())
		Expect(out).To(ContainSubstring(`"name": "` + name + `"`))

		By("kubectl get unions lists the three union kinds; the category union-operator all seven")
		out, err = run(kubectl, "api-resources", "--categories=unions", "-o", "name")
		Expect(err).NotTo(HaveOccurred())
		Expect(strings.Fields(out)).To(ConsistOf("alliances.unions.kos.dev", "coalitions.unions.kos.dev", "federations.unions.kos.dev"))
		out, err = run(kubectl, "api-resources", "--categories=union-operator", "-o", "name")
		Expect(err).NotTo(HaveOccurred())
		Expect(strings.Fields(out)).To(HaveLen(7))
		out, err = run(kubectl, "get", "memberships", "-n", ns)
		Expect(err).NotTo(HaveOccurred())
		Expect(out).To(ContainSubstring("REASON"))
	})
})
