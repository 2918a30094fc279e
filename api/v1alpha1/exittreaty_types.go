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

// AssetDisposition says what happens to a union-made object on exit.
// +kubebuilder:validation:Enum=Retain;Release
type AssetDisposition string

const (
	// AssetRetain keeps the object and hands it to the namespace.
	AssetRetain AssetDisposition = "Retain"
	// AssetRelease removes the object (the default).
	AssetRelease AssetDisposition = "Release"
)

// Asset says what happens to the union-made objects of one kind.
type Asset struct {
	// kind of the union-made objects, e.g. NetworkPolicy, ConfigMap, PodDisruptionBudget.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Kind string `json:"kind"`
	// disposition is Retain or Release (the default).
	// +optional
	// +kubebuilder:default=Release
	Disposition AssetDisposition `json:"disposition,omitempty"`
}

// Responsibility is a duty the departing member keeps or hands over.
type Responsibility struct {
	// name of the responsibility.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Name string `json:"name"`
	// description of what is kept or handed over, and to whom.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Description string `json:"description,omitempty"`
}

// ExitTreatySpec states the terms on which a member leaves a union. The terms
// are immutable once the treaty is cooling off; only withdrawn may change.
type ExitTreatySpec struct {
	// union to leave. Immutable.
	// +required
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="union is immutable"
	Union UnionReference `json:"union"`

	// reason for leaving.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Reason string `json:"reason,omitempty"`

	// coolOff before the exit takes effect; at least the union's
	// separation.coolOff (which is also the default).
	// +optional
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:XValidation:rule="self.matches('^[-+]?(0|(([0-9]+([.][0-9]*)?|[.][0-9]+)(ns|us|ms|s|m|h))+)$')",message="coolOff must be a duration such as 30s, 15m or 72h"
	// +kubebuilder:validation:XValidation:rule="!self.matches('^[-+]?(0|(([0-9]+([.][0-9]*)?|[.][0-9]+)(ns|us|ms|s|m|h))+)$') || duration(self) >= duration('0s')",message="coolOff must not be negative"
	CoolOff *metav1.Duration `json:"coolOff,omitempty"`

	// assets says what happens to union-made objects in this namespace, by kind.
	// +optional
	// +listType=map
	// +listMapKey=kind
	// +kubebuilder:validation:MaxItems=16
	Assets []Asset `json:"assets,omitempty"`

	// responsibilities the member keeps or hands over.
	// +optional
	// +kubebuilder:validation:MaxItems=32
	Responsibilities []Responsibility `json:"responsibilities,omitempty"`

	// commitments are historical commitments that outlive the exit.
	// +optional
	// +kubebuilder:validation:MaxItems=32
	// +kubebuilder:validation:items:MaxLength=1024
	Commitments []string `json:"commitments,omitempty"`

	// withdrawn, set during mediation or cool-off, calls the exit off.
	// +optional
	Withdrawn bool `json:"withdrawn,omitempty"`
}

// ExitTreatyPhase is the phase of an exit.
// +kubebuilder:validation:Enum=Proposed;Mediation;CoolingOff;Effective;Withdrawn;Rejected
type ExitTreatyPhase string

const (
	TreatyProposed   ExitTreatyPhase = "Proposed"
	TreatyMediation  ExitTreatyPhase = "Mediation"
	TreatyCoolingOff ExitTreatyPhase = "CoolingOff"
	TreatyEffective  ExitTreatyPhase = "Effective"
	TreatyWithdrawn  ExitTreatyPhase = "Withdrawn"
	TreatyRejected   ExitTreatyPhase = "Rejected"
)

// AuditEntry is one link of a treaty's hash chain:
// digest = hex(sha256(previous digest + canonical entry)).
type AuditEntry struct {
	// seq counts entries from 1.
	Seq int64 `json:"seq"`
	// time of the event.
	Time metav1.Time `json:"time"`
	// event, e.g. Proposed, Approved, CoolingOff, Effective.
	Event string `json:"event"`
	// detail of the event.
	// +optional
	Detail string `json:"detail,omitempty"`
	// digest of this entry, chained to the previous one.
	Digest string `json:"digest"`
}

// ExitTreatyStatus is the observed state of an ExitTreaty.
type ExitTreatyStatus struct {
	// observedGeneration is the generation the status was computed from.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// conditions: Ready, Reconciling, Stalled, AuditIntact.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=16
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	// phase of the exit.
	// +optional
	Phase ExitTreatyPhase `json:"phase,omitempty"`
	// effectiveAt is when the exit takes (or took) effect.
	// +optional
	EffectiveAt *metav1.Time `json:"effectiveAt,omitempty"`
	// audit is the append-only, hash-chained record of the exit.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	Audit []AuditEntry `json:"audit,omitempty"`
	// reintegrationEligibleAt is the earliest time the namespace may rejoin.
	// +optional
	ReintegrationEligibleAt *metav1.Time `json:"reintegrationEligibleAt,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=exit,categories=union-operator
// +kubebuilder:validation:XValidation:rule="!has(oldSelf.status) || !has(oldSelf.status.phase) || !(oldSelf.status.phase in ['CoolingOff', 'Effective']) || (has(self.spec.reason) == has(oldSelf.spec.reason) && (!has(self.spec.reason) || self.spec.reason == oldSelf.spec.reason))",message="the terms of an ExitTreaty are immutable once it is cooling off: reason cannot change; only withdrawn may",fieldPath=".spec.reason"
// +kubebuilder:validation:XValidation:rule="!has(oldSelf.status) || !has(oldSelf.status.phase) || !(oldSelf.status.phase in ['CoolingOff', 'Effective']) || (has(self.spec.coolOff) == has(oldSelf.spec.coolOff) && (!has(self.spec.coolOff) || self.spec.coolOff == oldSelf.spec.coolOff))",message="the terms of an ExitTreaty are immutable once it is cooling off: coolOff cannot change; only withdrawn may",fieldPath=".spec.coolOff"
// +kubebuilder:validation:XValidation:rule="!has(oldSelf.status) || !has(oldSelf.status.phase) || !(oldSelf.status.phase in ['CoolingOff', 'Effective']) || (has(self.spec.assets) == has(oldSelf.spec.assets) && (!has(self.spec.assets) || self.spec.assets == oldSelf.spec.assets))",message="the terms of an ExitTreaty are immutable once it is cooling off: assets cannot change; only withdrawn may",fieldPath=".spec.assets"
// +kubebuilder:validation:XValidation:rule="!has(oldSelf.status) || !has(oldSelf.status.phase) || !(oldSelf.status.phase in ['CoolingOff', 'Effective']) || (has(self.spec.responsibilities) == has(oldSelf.spec.responsibilities) && (!has(self.spec.responsibilities) || self.spec.responsibilities == oldSelf.spec.responsibilities))",message="the terms of an ExitTreaty are immutable once it is cooling off: responsibilities cannot change; only withdrawn may",fieldPath=".spec.responsibilities"
// +kubebuilder:validation:XValidation:rule="!has(oldSelf.status) || !has(oldSelf.status.phase) || !(oldSelf.status.phase in ['CoolingOff', 'Effective']) || (has(self.spec.commitments) == has(oldSelf.spec.commitments) && (!has(self.spec.commitments) || self.spec.commitments == oldSelf.spec.commitments))",message="the terms of an ExitTreaty are immutable once it is cooling off: commitments cannot change; only withdrawn may",fieldPath=".spec.commitments"
// +kubebuilder:validation:XValidation:rule="!has(oldSelf.status) || !has(oldSelf.status.phase) || oldSelf.status.phase != 'Effective' || (has(self.spec.withdrawn) && self.spec.withdrawn) == (has(oldSelf.spec.withdrawn) && oldSelf.spec.withdrawn)",message="an Effective ExitTreaty can no longer be withdrawn",fieldPath=".spec.withdrawn"
// +kubebuilder:printcolumn:name="Union",type=string,JSONPath=`.spec.union.name`
// +kubebuilder:printcolumn:name="Kind",type=string,JSONPath=`.spec.union.kind`
// +kubebuilder:printcolumn:name="Phase",type=string,JSONPath=`.status.phase`
// +kubebuilder:printcolumn:name="Effective",type=string,JSONPath=`.status.effectiveAt`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// ExitTreaty is a member's negotiated separation from a union, filed in the
// departing namespace.
type ExitTreaty struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec states the terms of the exit.
	// +required
	Spec ExitTreatySpec `json:"spec"`

	// status is the observed state.
	// +optional
	Status ExitTreatyStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// ExitTreatyList is a list of ExitTreaties.
type ExitTreatyList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ExitTreaty `json:"items"`
}

func init() {
	register(&ExitTreaty{}, &ExitTreatyList{})
}
