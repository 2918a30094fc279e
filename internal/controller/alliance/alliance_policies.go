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

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/admissionpolicy"
	"github.com/kos-dev/union-operator/internal/standards"
)

// +kubebuilder:rbac:groups=admissionregistration.k8s.io,resources=validatingadmissionpolicies;validatingadmissionpolicybindings,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=unions.kos.dev,resources=alliances/finalizers,verbs=update

// reconcilePolicies keeps the alliance's admission policies: one policy and
// binding per action its standards use, built from the standards that
// compiled (a standard that does not compile is left out, and the others
// stay in force), and no other policy of the alliance.
func (k Kind) reconcilePolicies(ctx context.Context, a *unionsv1.Alliance, set *standards.Set) error {
	return admissionpolicy.Sync(ctx, k.Client, k.APIReader, a, standards.Policies(unionsv1.Reference(a), set.Standards(), standards.PolicyOptions{}))
}
