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
	"io"
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

var _ = Describe("Metrics", func() {
	scrape := func() string {
		resp, err := http.Get("http://" + metricsAddr + "/metrics")
		Expect(err).NotTo(HaveOccurred())
		defer func() { _ = resp.Body.Close() }()
		body, err := io.ReadAll(resp.Body)
		Expect(err).NotTo(HaveOccurred())
		return string(body)
	}

	It("serves unions by kind and phase, members, badged agents and memberships by standing", func() {
		ns := newNamespace(nil)
		name := uniqueName("metrics")
		newAlliance(name, ns)
		agentDeployment(ns, "planner", nil)
		m := newMembership(ns, "join", allianceRef(name))
		Eventually(standing(m)).Should(Equal(unionsv1.StandingActive))

		Eventually(scrape).Should(And(
			MatchRegexp(`union_operator_unions\{kind="Alliance",phase="Active"\} [1-9]`),
			MatchRegexp(`union_operator_union_members\{kind="Alliance"\} [1-9]`),
			MatchRegexp(`union_operator_badged_agents\{kind="Alliance"\} [1-9]`),
			MatchRegexp(`union_operator_memberships\{standing="Active"\} [1-9]`),
			ContainSubstring("union_operator_coalition_expiries_total"),
			MatchRegexp(`union_operator_badge_writes_total\{kind="Deployment"\} [1-9]`),
			ContainSubstring("controller_runtime_reconcile_total"),
		))
	})
})
