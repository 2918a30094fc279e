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

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/governance"
	"github.com/kos-dev/union-operator/internal/index"
	"github.com/kos-dev/union-operator/internal/watches"
)

// +kubebuilder:rbac:groups=unions.kos.dev,resources=proposals,verbs=get;list;watch

// observeVerdict adds the union's latest decision on the namespace: a Passed
// Admit proposal admits it (whatever the admission terms say), a Passed
// Expel proposal ends its membership, whichever was decided last.
func (r *Reconciler) observeVerdict(ctx context.Context, s *scope) error {
	m := s.membership
	proposals, err := index.ProposalsOn(ctx, r, m.Spec.Union, m.Namespace)
	if err != nil {
		return err
	}
	switch v := governance.Verdict(proposals, m.Namespace); {
	case v == nil:
	case v.Spec.Action.Type == unionsv1.ActionAdmit:
		s.facts.AdmittedBy = governance.Key(v)
	default:
		s.facts.ExpelledBy = governance.Key(v)
	}
	return nil
}

// ofTarget maps an Admit or Expel proposal to the Memberships of the
// namespace it names in its union.
func (r *Reconciler) ofTarget(ctx context.Context, o client.Object) []reconcile.Request {
	p := o.(*unionsv1.Proposal)
	if t := p.Spec.Action.Type; t != unionsv1.ActionAdmit && t != unionsv1.ActionExpel || p.Spec.Action.Namespace == "" {
		return nil
	}
	var list unionsv1.MembershipList
	if err := r.List(ctx, &list, client.InNamespace(p.Spec.Action.Namespace),
		client.MatchingFields{index.MembershipUnion: index.UnionKey(p.Spec.Union)}); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Listing memberships a proposal names")
		return nil
	}
	return watches.ObjectRequests(list.Items)
}
