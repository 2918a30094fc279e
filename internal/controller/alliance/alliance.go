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

// Package alliance holds the phases of an Alliance: a durable union.
package alliance

import (
	"context"
	"fmt"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/conditions"
	"github.com/kos-dev/union-operator/internal/controller/union"
)

// Kind is the Alliance kind of the union reconciler.
type Kind struct {
	Client client.Client
}

// +kubebuilder:rbac:groups=unions.kos.dev,resources=alliances,verbs=get;list;watch
// +kubebuilder:rbac:groups=unions.kos.dev,resources=alliances/status,verbs=get;update;patch

// New implements union.Kind.
func (Kind) New() *unionsv1.Alliance { return &unionsv1.Alliance{} }

// Watches implements union.Kind.
func (Kind) Watches(b *ctrl.Builder) *ctrl.Builder { return b }

// Reconcile implements union.Kind.
func (Kind) Reconcile(_ context.Context, a *unionsv1.Alliance, _ *union.Scope) (union.Outcome, error) {
	if a.Status.MemberCount == 0 {
		a.Status.Phase = unionsv1.AllianceForming
		return union.Outcome{Summary: conditions.Summary{State: conditions.Ready, Reason: "Forming", Message: "no member has joined yet"}}, nil
	}
	a.Status.Phase = unionsv1.AllianceActive
	return union.Outcome{Summary: conditions.Summary{State: conditions.Ready, Reason: unionsv1.ReasonActive,
		Message: fmt.Sprintf("%d members, %d agents", a.Status.MemberCount, a.Status.AgentCount)}}, nil
}
