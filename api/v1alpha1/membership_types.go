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

package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Reserves are agents a member volunteers to be scaled up in defence of its allies.
type Reserves struct {
	// selector picks the volunteered agent workloads of this namespace by label.
	// +required
	// +kubebuilder:validation:XValidation:rule="!has(self.matchExpressions) || self.matchExpressions.all(e, e.operator in ['In', 'NotIn', 'Exists', 'DoesNotExist'])",message="label selector operators are In, NotIn, Exists and DoesNotExist"
	// +kubebuilder:validation:XValidation:rule="!has(self.matchExpressions) || self.matchExpressions.all(e, !(e.operator in ['In', 'NotIn']) || (has(e.values) && size(e.values) > 0))",message="In and NotIn take at least one value"
	// +kubebuilder:validation:XValidation:rule="!has(self.matchExpressions) || self.matchExpressions.all(e, !(e.operator in ['Exists', 'DoesNotExist']) || !has(e.values) || size(e.values) == 0)",message="Exists and DoesNotExist take no values"
	Selector metav1.LabelSelector `json:"selector"`

	// maxScaleBy is how many replicas a reserve may be scaled up by, at most.
	// +required
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100
	MaxScaleBy int32 `json:"maxScaleBy"`
}

// MembershipSpec is a namespace's consent to join a union, and its terms.
// +kubebuilder:validation:XValidation:rule="!has(self.reserves) || self.union.kind == 'Alliance'",message="reserves are only for Alliance memberships"
// +kubebuilder:validation:XValidation:rule="!has(self.overrides) || self.union.kind == 'Federation'",message="overrides are only for Federation memberships"
type MembershipSpec struct {
	// union this namespace joins. Immutable.
	// +required
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="union is immutable"
	Union UnionReference `json:"union"`

	// agents selects which agents of this namespace join, by label; omitted
	// means every agent in the namespace.
	// +optional
	// +kubebuilder:validation:XValidation:rule="!has(self.matchExpressions) || self.matchExpressions.all(e, e.operator in ['In', 'NotIn', 'Exists', 'DoesNotExist'])",message="label selector operators are In, NotIn, Exists and DoesNotExist"
	// +kubebuilder:validation:XValidation:rule="!has(self.matchExpressions) || self.matchExpressions.all(e, !(e.operator in ['In', 'NotIn']) || (has(e.values) && size(e.values) > 0))",message="In and NotIn take at least one value"
	// +kubebuilder:validation:XValidation:rule="!has(self.matchExpressions) || self.matchExpressions.all(e, !(e.operator in ['Exists', 'DoesNotExist']) || !has(e.values) || size(e.values) == 0)",message="Exists and DoesNotExist take no values"
	Agents *metav1.LabelSelector `json:"agents,omitempty"`

	// reserves (Alliance only) are agents that may be scaled up to defend allies.
	// +optional
	Reserves *Reserves `json:"reserves,omitempty"`

	// overrides (Federation only) set declared standard parameters locally,
	// keyed <standard>.<parameter>, within the bounds the constitution gives.
	// +optional
	// +kubebuilder:validation:MaxProperties=64
	// +kubebuilder:validation:XValidation:rule="self.all(k, k.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?\\\\.[A-Za-z][A-Za-z0-9_]*$'))",message="override keys must be <standard>.<parameter>"
	// +kubebuilder:validation:XValidation:rule="self.all(k, self[k].size() <= 256)",message="override values must be at most 256 characters"
	Overrides map[string]string `json:"overrides,omitempty"`

	// delegate is the member namespace that votes for this one when it files no
	// Ballot of its own.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	Delegate string `json:"delegate,omitempty"`

	// reintegrate asks to rejoin after a separation, once the wait is over.
	// +optional
	Reintegrate bool `json:"reintegrate,omitempty"`
}

// MembershipTerms are a Membership's terms as the union keeps them in force:
// the last terms it accepted. An edit the union refuses never lifts them.
type MembershipTerms struct {
	// generation of the Membership the terms were accepted from.
	Generation int64 `json:"generation"`
	// agents selects the agents that join (nil: every agent).
	// +optional
	Agents *metav1.LabelSelector `json:"agents,omitempty"`
	// reserves volunteered (Alliance only).
	// +optional
	Reserves *Reserves `json:"reserves,omitempty"`
	// overrides of the constitution's parameters (Federation only).
	// +optional
	Overrides map[string]string `json:"overrides,omitempty"`
}

// MembershipStatus is the observed state of a Membership.
type MembershipStatus struct {
	// observedGeneration is the generation the status was computed from.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// conditions: Ready, Reconciling, Stalled.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=16
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// standing of the membership.
	// +optional
	Standing Standing `json:"standing,omitempty"`

	// badge is the label (key=value) this membership puts on the namespace and its agents.
	// +optional
	Badge string `json:"badge,omitempty"`

	// agents names the badged agents (at most 100; see agentCount).
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=100
	Agents []string `json:"agents,omitempty"`

	// agentCount is the number of badged agents.
	// +optional
	AgentCount int32 `json:"agentCount"`

	// activeSince is when the membership last became Active.
	// +optional
	ActiveSince *metav1.Time `json:"activeSince,omitempty"`

	// reintegrationEligibleAt is the earliest time the namespace may rejoin
	// after a separation.
	// +optional
	ReintegrationEligibleAt *metav1.Time `json:"reintegrationEligibleAt,omitempty"`

	// terms are the terms in force while the membership is badged: those
	// the union last accepted. A later edit it refuses leaves them in force,
	// with a condition naming the refused edit.
	// +optional
	Terms *MembershipTerms `json:"terms,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=mbr,categories=union-operator
// +kubebuilder:printcolumn:name="Union",type=string,JSONPath=`.spec.union.name`
// +kubebuilder:printcolumn:name="Kind",type=string,JSONPath=`.spec.union.kind`
// +kubebuilder:printcolumn:name="Standing",type=string,JSONPath=`.status.standing`
// +kubebuilder:printcolumn:name="Agents",type=integer,JSONPath=`.status.agentCount`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// Membership is a namespace's consent to join a union and its terms. It lives
// in the member namespace, so Kubernetes RBAC proves who consented.
type Membership struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the consent and terms.
	// +required
	Spec MembershipSpec `json:"spec"`

	// status is the observed standing.
	// +optional
	Status MembershipStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// MembershipList is a list of Memberships.
type MembershipList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Membership `json:"items"`
}

func init() {
	register(&Membership{}, &MembershipList{})
}
