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
	"maps"
	"slices"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	eventsv1 "k8s.io/api/events/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// eventsOf returns the Events regarding an object of a kind, by reason,
// counting a series as the occurrences it stands for.
func eventsOf(kind, namespace, name string) func() map[string]int32 {
	return func() map[string]int32 {
		var list eventsv1.EventList
		Expect(k8sClient.List(ctx, &list, client.InNamespace(""))).To(Succeed())
		out := map[string]int32{}
		for _, e := range list.Items {
			if e.Regarding.Kind != kind || e.Regarding.Namespace != namespace || e.Regarding.Name != name {
				continue
			}
			n := int32(1)
			if e.Series != nil {
				n = e.Series.Count
			}
			out[e.Reason] += n
		}
		return out
	}
}

var _ = Describe("Events", func() {
	It("records one Event per Membership transition, and the union's joins and leaves once each", func() {
		ns, other := newNamespace(nil), newNamespace(nil)
		name := uniqueName("herald")
		ref := allianceRef(name)
		newAlliance(name, ns, other)
		agentDeployment(ns, "planner", nil)
		m := newMembership(ns, "join", ref)
		joined(m, ref)
		// Further reconciles (a second member, agent changes) announce nothing new.
		joined(newMembership(other, "join", ref), ref)
		agentDeployment(ns, "scribe", nil)

		Eventually(eventsOf("Alliance", "", name)).Should(And(HaveKeyWithValue("MemberJoined", BeEquivalentTo(2))))
		// Pending to Active is one transition: one Event, whatever the
		// reason Ready gives at that moment.
		Consistently(func() []int32 { return slices.Collect(maps.Values(eventsOf("Membership", ns, "join")())) }, "2s").
			Should(Equal([]int32{1}))
		Expect(eventsOf("Alliance", "", name)()).To(HaveKeyWithValue("MemberJoined", BeEquivalentTo(2)))

		By("leaving is announced on the union once: deleted without a treaty, as a unilateral exit")
		Expect(k8sClient.Delete(ctx, m)).To(Succeed())
		Eventually(eventsOf("Alliance", "", name)).Should(HaveKeyWithValue("UnilateralExit", BeEquivalentTo(1)))
		Consistently(eventsOf("Alliance", "", name), "2s").Should(Equal(map[string]int32{"MemberJoined": 2, "UnilateralExit": 1}))
	})
})
