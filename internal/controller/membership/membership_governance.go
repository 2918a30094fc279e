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

package membership

import (
	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/governance"
)

// +kubebuilder:rbac:groups=unions.kos.dev,resources=proposals,verbs=list;watch

// observeVerdict adds the union's standing decision on the namespace, from
// its record of decisions: a Passed Admit admits it (whatever the admission
// terms say), a Passed Expel ends its membership, whichever was decided
// last. The record is the union's own, so a decision stands whatever
// happens to its Proposal, and binds no union re-created under the name.
func (r *Reconciler) observeVerdict(s *scope) {
	switch v := governance.Verdict(s.union.Standing().Decisions, s.membership.Namespace); {
	case v == nil:
	case v.Action == unionsv1.ActionAdmit:
		s.facts.AdmittedBy = v.Proposal
	default:
		s.facts.ExpelledBy = v.Proposal
	}
}
