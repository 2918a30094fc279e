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
	"context"
	"fmt"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/admission"
	"github.com/kos-dev/union-operator/internal/agents"
	"github.com/kos-dev/union-operator/internal/lineage"
)

// observeTerms judges the terms a Membership asks for (its spec) and picks
// the terms in force. Valid terms are in force. Invalid ones are refused:
// a Membership that was never in force is Rejected for them; one in force
// keeps the terms its union last accepted — an edit that would make its
// terms invalid never lifts its badges, quotas, admission scoping or
// objects — and says which edit was refused.
func (r *Reconciler) observeTerms(ctx context.Context, s *scope) error {
	m := s.membership
	spec := m.SpecTerms()
	message, reason := "", ""
	if _, err := agents.NewSelector(spec.Agents); err != nil {
		message, reason = "spec.agents is not a valid label selector: "+err.Error(), unionsv1.ReasonInvalidTerms
	}
	f, federation := s.union.(*unionsv1.Federation)
	if federation && message == "" {
		con, _, err := lineage.ConstitutionOf(ctx, r, f)
		if err != nil {
			return err
		}
		s.constitution = &con
		message, reason = lineage.OverridesRefused(con, spec.Overrides)
	}
	s.terms = spec
	switch accepted := m.Status.Terms; {
	case message == "":
	case accepted != nil && m.Status.Standing.Badged():
		s.terms = *accepted
		s.refusedEdit = &admission.Reason{Reason: reason, Message: fmt.Sprintf(
			"%s; the edit is refused and the terms accepted at generation %d stay in force", message, accepted.Generation)}
	default:
		s.facts.InvalidTerms, s.facts.InvalidTermsReason = message+"; the union's core stays in force", reason
	}
	if s.constitution != nil {
		s.parameters = s.constitution.EffectiveParameters(s.terms.Overrides)
	}
	return nil
}
