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

package alliance

import (
	"context"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/apply"
	"github.com/kos-dev/union-operator/internal/bridge"
)

// reconcileBridge keeps the bridge NetworkPolicy of the member namespace
// while the alliance builds one (Mesh or Hub), and removes it otherwise.
func (r *MembershipReconciler) reconcileBridge(ctx context.Context, req ctrl.Request, m *unionsv1.Membership, a *unionsv1.Alliance) error {
	var want *networkingv1.NetworkPolicy
	if a != nil {
		want = bridge.NetworkPolicy(unionsv1.Reference(a), m.Namespace, bridge.Mode(a.Spec.Bridge))
	}

	if want != nil {
		apply.ControlledBy(want, m, "Membership")
	}
	var list networkingv1.NetworkPolicyList
	if err := r.List(ctx, &list, client.InNamespace(req.Namespace), operatorMade); err != nil {
		return err
	}
	current := false
	var known client.Object
	for i := range list.Items {
		cur := &list.Items[i]
		switch {
		case !ownedBy(cur, req):
		case want != nil && cur.Name == want.Name:
			known = cur
			current = apply.UpToDate(cur, want, func() bool { return equality.Semantic.DeepEqual(cur.Spec, want.Spec) })
		default:
			if err := client.IgnoreNotFound(r.Delete(ctx, cur)); err != nil {
				return err
			}
		}
	}
	if want == nil || current {
		return nil
	}
	return r.write(ctx, m, want, known)
}
