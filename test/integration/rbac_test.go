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
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	authorizationv1 "k8s.io/api/authorization/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/yaml"
)

// operatorRole is the operator's generated ClusterRole.
func operatorRole() *rbacv1.ClusterRole {
	r := &rbacv1.ClusterRole{}
	raw, err := os.ReadFile(filepath.Join(repoRoot, "config", "rbac", "role.yaml"))
	Expect(err).NotTo(HaveOccurred())
	Expect(yaml.Unmarshal(raw, r)).To(Succeed())
	return r
}

var _ = Describe("Least privilege", func() {
	It("generates a ClusterRole without wildcards and without Secrets", func() {
		for _, rule := range operatorRole().Rules {
			Expect(rule.APIGroups).NotTo(ContainElement("*"), "rule %v", rule)
			Expect(rule.Resources).NotTo(ContainElement("*"), "rule %v", rule)
			Expect(rule.Verbs).NotTo(ContainElement("*"), "rule %v", rule)
			Expect(rule.Resources).NotTo(ContainElement("secrets"), "rule %v", rule)
			Expect(rule.NonResourceURLs).To(BeEmpty(), "rule %v", rule)
		}
	})

	It("runs the manager as an identity that cannot read Secrets", func() {
		for _, verb := range []string{"get", "list", "watch"} {
			review := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
				User:               OperatorUser,
				ResourceAttributes: &authorizationv1.ResourceAttributes{Verb: verb, Resource: "secrets"},
			}}
			Expect(k8sClient.Create(ctx, review)).To(Succeed())
			Expect(review.Status.Allowed).To(BeFalse(), "the operator may %s secrets", verb)
		}
		review := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
			User:               OperatorUser,
			ResourceAttributes: &authorizationv1.ResourceAttributes{Verb: "patch", Group: "apps", Resource: "deployments"},
		}}
		Expect(k8sClient.Create(ctx, review)).To(Succeed())
		Expect(review.Status.Allowed).To(BeTrue(), "the check above would pass for any identity without this control")
	})
})
