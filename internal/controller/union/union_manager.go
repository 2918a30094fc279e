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

package union

import (
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/watches"
)

// SetupWithManager registers the reconciler for its kind, following the
// Memberships, ExitTreaties and Proposals that name each union (members,
// exits, decisions), and the kind's own watches.
func (r *Reconciler[T]) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	kind := r.Kind.New().UnionKind()
	toUnion := handler.EnqueueRequestsFromMapFunc(watches.ToUnion(kind))
	b := ctrl.NewControllerManagedBy(mgr).
		Named(string(kind)).
		For(r.Kind.New()).
		Watches(&unionsv1.Membership{}, toUnion, builder.WithPredicates(watches.MemberFactsChanged())).
		Watches(&unionsv1.ExitTreaty{}, toUnion).
		Watches(&unionsv1.Proposal{}, toUnion).
		WithOptions(opts)
	return r.Kind.Watches(b).Complete(r)
}
