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

package federation

import (
	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

// setConsensus updates the Federation Sentience Agent's view of the
// federation: its Active members, each child federation counted by its own
// members (recursively, through the child's consensus), and the member
// agents failing a standard, counted alike. Open proposals and decisions are
// governance's to report and are kept as they are. In a cycle the children's
// counts are left out: they would include this federation's own.
func setConsensus(f *unionsv1.Federation, memberships []unionsv1.Membership, children []unionsv1.Federation, nonCompliant int, cycle bool) {
	c := &unionsv1.Consensus{}
	if f.Status.Consensus != nil {
		c = f.Status.Consensus.DeepCopy()
	}
	active := map[string]bool{}
	for _, m := range memberships {
		if m.Status.Standing == unionsv1.StandingActive && m.DeletionTimestamp == nil {
			active[m.Namespace] = true
		}
	}
	c.Members = int32(len(active))
	c.NonCompliantAgents = int32(nonCompliant)
	if !cycle {
		for _, child := range children {
			if cc := child.Status.Consensus; cc != nil {
				c.Members += cc.Members
				c.NonCompliantAgents += cc.NonCompliantAgents
			}
		}
	}
	f.Status.Consensus = c
}
