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

// ExpiryAction says what happens to a coalition at its deadline.
// +kubebuilder:validation:Enum=Dissolve;Delete
type ExpiryAction string

const (
	// ExpiryDissolve removes every badge and keeps the coalition, phase Expired.
	ExpiryDissolve ExpiryAction = "Dissolve"
	// ExpiryDelete removes every badge, then deletes the coalition.
	ExpiryDelete ExpiryAction = "Delete"
)

// ObjectReference points at any object by apiVersion, kind, namespace and name.
type ObjectReference struct {
	// apiVersion of the object, e.g. batch/v1.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	APIVersion string `json:"apiVersion"`
	// kind of the object, e.g. Job.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Kind string `json:"kind"`
	// namespace of the object; empty for cluster-scoped objects.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace,omitempty"`
	// name of the object.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
}

// GoalCompletion says when a goal is met: when an object has a condition True.
type GoalCompletion struct {
	// objectRef is the object to watch.
	// +required
	ObjectRef ObjectReference `json:"objectRef"`
	// conditionType is the condition that, once True, meets the goal.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=316
	ConditionType string `json:"conditionType"`
}

// Goal is an entry of a coalition's shared goals registry.
type Goal struct {
	// name of the goal, unique in the coalition.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	Name string `json:"name"`
	// description of the goal.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Description string `json:"description,omitempty"`
	// completion, when set, meets the goal automatically.
	// +optional
	Completion *GoalCompletion `json:"completion,omitempty"`
}

// CouncilSelection says how council seats are filled.
// +kubebuilder:validation:Enum=Rotation;Election
type CouncilSelection string

const (
	// CouncilRotation rotates seats round-robin over badged agents at each term.
	CouncilRotation CouncilSelection = "Rotation"
	// CouncilElection fills seats from Passed ElectCouncil proposals.
	CouncilElection CouncilSelection = "Election"
)

// Council is a coalition's small steering group of agents.
type Council struct {
	// seats on the council.
	// +optional
	// +kubebuilder:default=1
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=16
	Seats int32 `json:"seats,omitempty"`
	// term is how long a council sits before seats rotate.
	// +required
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:XValidation:rule="self.matches('^[-+]?(0|(([0-9]+([.][0-9]*)?|[.][0-9]+)(ns|us|ms|s|m|h))+)$')",message="term must be a duration such as 30s, 15m or 72h"
	// +kubebuilder:validation:XValidation:rule="!self.matches('^[-+]?(0|(([0-9]+([.][0-9]*)?|[.][0-9]+)(ns|us|ms|s|m|h))+)$') || duration(self) >= duration('1m')",message="term must be at least 1m"
	Term metav1.Duration `json:"term"`
	// selection is Rotation (round-robin) or Election (by Proposals).
	// +optional
	// +kubebuilder:default=Rotation
	Selection CouncilSelection `json:"selection,omitempty"`
}

// CoalitionSpec is a time-bound, purpose-driven union.
// +kubebuilder:validation:XValidation:rule="has(self.duration) != has(self.expiresAt)",message="exactly one of duration or expiresAt must be set"
type CoalitionSpec struct {
	UnionSpec `json:",inline"`

	// purpose of the coalition.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Purpose string `json:"purpose,omitempty"`

	// duration of the coalition from its creation; exclusive with expiresAt.
	// +optional
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:XValidation:rule="self.matches('^[-+]?(0|(([0-9]+([.][0-9]*)?|[.][0-9]+)(ns|us|ms|s|m|h))+)$')",message="duration must be a duration such as 30s, 15m or 72h"
	// +kubebuilder:validation:XValidation:rule="!self.matches('^[-+]?(0|(([0-9]+([.][0-9]*)?|[.][0-9]+)(ns|us|ms|s|m|h))+)$') || duration(self) > duration('0s')",message="duration must be positive"
	Duration *metav1.Duration `json:"duration,omitempty"`

	// expiresAt is the coalition's deadline; exclusive with duration.
	// +optional
	ExpiresAt *metav1.Time `json:"expiresAt,omitempty"`

	// onExpiry is Dissolve (badges removed, coalition kept with phase Expired)
	// or Delete (badges removed, then the coalition is deleted).
	// +optional
	// +kubebuilder:default=Dissolve
	OnExpiry ExpiryAction `json:"onExpiry,omitempty"`

	// goals is the shared goals registry.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=64
	Goals []Goal `json:"goals,omitempty"`

	// dissolveWhenGoalsMet dissolves the coalition once every goal is met.
	// +optional
	DissolveWhenGoalsMet bool `json:"dissolveWhenGoalsMet,omitempty"`

	// council, when set, seats agents of the coalition's members.
	// +optional
	Council *Council `json:"council,omitempty"`
}

// CoalitionPhase is the lifecycle phase of a coalition.
// +kubebuilder:validation:Enum=Forming;Active;Expired;Dissolved
type CoalitionPhase string

const (
	CoalitionForming   CoalitionPhase = "Forming"
	CoalitionActive    CoalitionPhase = "Active"
	CoalitionExpired   CoalitionPhase = "Expired"
	CoalitionDissolved CoalitionPhase = "Dissolved"
)

// GoalState is whether a goal is met.
// +kubebuilder:validation:Enum=Pending;Met;Unverifiable
type GoalState string

const (
	GoalPending GoalState = "Pending"
	GoalMet     GoalState = "Met"
	// GoalUnverifiable: the goal's object is not in an Active member
	// namespace (or cannot be watched), so the coalition does not look.
	GoalUnverifiable GoalState = "Unverifiable"
)

// GoalStatus is the state of one goal.
type GoalStatus struct {
	// name of the goal.
	Name string `json:"name"`
	// state of the goal.
	State GoalState `json:"state"`
	// metAt is when the goal was met.
	// +optional
	MetAt *metav1.Time `json:"metAt,omitempty"`
	// reason says why an Unverifiable goal is not verified, such as
	// NotAMemberNamespace; it never says anything of the object itself.
	// +optional
	Reason string `json:"reason,omitempty"`
}

// CouncilSeat is one agent on the council.
type CouncilSeat struct {
	// namespace of the agent.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	Namespace string `json:"namespace"`
	// agent is the agent's name: the value of its unions.kos.dev/agent label.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$`
	Agent string `json:"agent"`
}

// CouncilStatus is the sitting council.
type CouncilStatus struct {
	// members are the seated agents.
	// +optional
	// +kubebuilder:validation:MaxItems=16
	Members []CouncilSeat `json:"members,omitempty"`
	// term is the number of the current term, counted from 1.
	// +optional
	Term int64 `json:"term,omitempty"`
	// termEndsAt is when seats next rotate.
	// +optional
	TermEndsAt *metav1.Time `json:"termEndsAt,omitempty"`
}

// CoalitionStatus is the observed state of a Coalition.
type CoalitionStatus struct {
	UnionStatus `json:",inline"`

	// phase of the coalition.
	// +optional
	Phase CoalitionPhase `json:"phase,omitempty"`

	// expiresAt is the deadline, computed from duration or copied from expiresAt.
	// +optional
	ExpiresAt *metav1.Time `json:"expiresAt,omitempty"`

	// goals reports each goal's state.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=64
	Goals []GoalStatus `json:"goals,omitempty"`

	// council is the sitting council.
	// +optional
	Council *CouncilStatus `json:"council,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,shortName=coal,categories={unions,union-operator}
// +kubebuilder:validation:XValidation:rule="self.metadata.name.size() <= 63 && self.metadata.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",message="union names must be DNS labels of at most 63 characters",fieldPath=".metadata"
// +kubebuilder:validation:XValidation:rule="!has(self.spec.admission) || !has(self.spec.admission.federations)",message="only a federation admits child federations",fieldPath=".spec.admission.federations"
// +kubebuilder:printcolumn:name="Phase",type=string,JSONPath=`.status.phase`
// +kubebuilder:printcolumn:name="Members",type=integer,JSONPath=`.status.memberCount`
// +kubebuilder:printcolumn:name="Agents",type=integer,JSONPath=`.status.agentCount`
// +kubebuilder:printcolumn:name="Expires",type=string,JSONPath=`.status.expiresAt`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// Coalition is a time-bound, purpose-driven union of namespaces' agents.
type Coalition struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec states the coalition's terms.
	// +required
	Spec CoalitionSpec `json:"spec"`

	// status is the observed state.
	// +optional
	Status CoalitionStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// CoalitionList is a list of Coalitions.
type CoalitionList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Coalition `json:"items"`
}

func init() {
	register(&Coalition{}, &CoalitionList{})
}
