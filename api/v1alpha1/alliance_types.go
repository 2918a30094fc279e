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
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// StandardAction is how the API server enforces a standard.
// +kubebuilder:validation:Enum=Audit;Warn;Deny
type StandardAction string

const (
	StandardAudit StandardAction = "Audit"
	StandardWarn  StandardAction = "Warn"
	StandardDeny  StandardAction = "Deny"
)

// Standard is a rule every member agent must meet: a CEL expression (the
// Kubernetes CEL dialect) over the agent object, enforced by the API server
// through a ValidatingAdmissionPolicy.
type Standard struct {
	// name of the standard, unique in the union.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	Name string `json:"name"`
	// expression is a CEL expression over `object` (the agent workload or Pod)
	// that must evaluate to true.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=4096
	Expression string `json:"expression"`
	// message shown when the expression is false.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Message string `json:"message,omitempty"`
	// action is Audit, Warn or Deny (the default).
	// +optional
	// +kubebuilder:default=Deny
	Action StandardAction `json:"action,omitempty"`
}

// PreemptiveDefense keeps member agents available through PodDisruptionBudgets.
// A budget never blocks a node drain by itself: member workloads of two or
// more replicas get one, written as maxUnavailable (at least one Pod may
// always go, and unhealthy Pods may always be evicted); single replicas,
// DaemonSets and bare Pods get none. Where another alliance already keeps a
// budget over a workload, that one serves both.
// +kubebuilder:validation:XValidation:rule="has(self.minAvailable) != has(self.maxUnavailable)",message="exactly one of minAvailable or maxUnavailable must be set"
type PreemptiveDefense struct {
	// minAvailable of each member agent workload: a number of Pods or a
	// percentage. The budget allows what it leaves of the workload's
	// replicas to go, and at least one.
	// +optional
	// +kubebuilder:validation:XValidation:rule="type(self) == int ? self >= 0 : self.matches('^(100|[1-9]?[0-9])%$')",message="minAvailable must be a non-negative number or a percentage from 0% to 100%"
	MinAvailable *intstr.IntOrString `json:"minAvailable,omitempty"`
	// maxUnavailable of each member agent workload's PodDisruptionBudget: a
	// number of Pods or a percentage (rounded up, and at least one).
	// +optional
	// +kubebuilder:validation:XValidation:rule="type(self) == int ? self >= 0 : self.matches('^(100|[1-9]?[0-9])%$')",message="maxUnavailable must be a non-negative number or a percentage from 0% to 100%"
	MaxUnavailable *intstr.IntOrString `json:"maxUnavailable,omitempty"`
}

// ReactiveDefense scales allies' volunteered reserves while a member agent is down.
type ReactiveDefense struct {
	// unavailableFor is how long a member agent workload must stay below its
	// desired available replicas before reserves are scaled.
	// +required
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:XValidation:rule="self.matches('^[-+]?(0|(([0-9]+([.][0-9]*)?|[.][0-9]+)(ns|us|ms|s|m|h))+)$')",message="unavailableFor must be a duration such as 30s, 15m or 72h"
	// +kubebuilder:validation:XValidation:rule="!self.matches('^[-+]?(0|(([0-9]+([.][0-9]*)?|[.][0-9]+)(ns|us|ms|s|m|h))+)$') || duration(self) >= duration('0s')",message="unavailableFor must not be negative"
	UnavailableFor metav1.Duration `json:"unavailableFor"`
}

// Defense is an alliance's mutual defence pact.
type Defense struct {
	// preemptive defence: a PodDisruptionBudget per member agent workload.
	// +optional
	Preemptive *PreemptiveDefense `json:"preemptive,omitempty"`
	// reactive defence: scale allies' reserves during a disruption.
	// +optional
	Reactive *ReactiveDefense `json:"reactive,omitempty"`
}

// BridgeMode says which allied agents may reach a member's agents.
// +kubebuilder:validation:Enum=None;Mesh;Hub
type BridgeMode string

const (
	BridgeNone BridgeMode = "None"
	BridgeMesh BridgeMode = "Mesh"
	BridgeHub  BridgeMode = "Hub"
)

// Bridge admits network traffic between allies.
// +kubebuilder:validation:XValidation:rule="self.mode != 'Hub' || has(self.interop)",message="a Hub bridge needs an interop selector"
type Bridge struct {
	// mode is None, Mesh (every allied agent) or Hub (only interop agents).
	// +optional
	// +kubebuilder:default=None
	Mode BridgeMode `json:"mode,omitempty"`
	// interop selects the agents that bridge members in Hub mode; they carry
	// the badge value interop.
	// +optional
	// +kubebuilder:validation:XValidation:rule="!has(self.matchExpressions) || self.matchExpressions.all(e, e.operator in ['In', 'NotIn', 'Exists', 'DoesNotExist'])",message="label selector operators are In, NotIn, Exists and DoesNotExist"
	// +kubebuilder:validation:XValidation:rule="!has(self.matchExpressions) || self.matchExpressions.all(e, !(e.operator in ['In', 'NotIn']) || (has(e.values) && size(e.values) > 0))",message="In and NotIn take at least one value"
	// +kubebuilder:validation:XValidation:rule="!has(self.matchExpressions) || self.matchExpressions.all(e, !(e.operator in ['Exists', 'DoesNotExist']) || !has(e.values) || size(e.values) == 0)",message="Exists and DoesNotExist take no values"
	Interop *metav1.LabelSelector `json:"interop,omitempty"`
}

// AllianceSpec is a durable union: shared DNA, a defence pact, badges and bridges.
type AllianceSpec struct {
	UnionSpec `json:",inline"`

	// principles of the alliance, for the charter.
	// +optional
	// +kubebuilder:validation:MaxItems=32
	// +kubebuilder:validation:items:MaxLength=1024
	Principles []string `json:"principles,omitempty"`

	// standards every member agent must meet.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=32
	Standards []Standard `json:"standards,omitempty"`

	// defense is the mutual defence pact.
	// +optional
	Defense *Defense `json:"defense,omitempty"`

	// bridge admits traffic between allies.
	// +optional
	Bridge *Bridge `json:"bridge,omitempty"`
}

// AlliancePhase is the lifecycle phase of an alliance.
// +kubebuilder:validation:Enum=Forming;Active
type AlliancePhase string

const (
	AllianceForming AlliancePhase = "Forming"
	AllianceActive  AlliancePhase = "Active"
)

// ComplianceStatus reports one agent against one standard.
type ComplianceStatus struct {
	// namespace of the agent.
	Namespace string `json:"namespace"`
	// agent is the agent's name.
	Agent string `json:"agent"`
	// standard the agent was judged against.
	Standard string `json:"standard"`
	// compliant is whether the agent meets the standard.
	Compliant bool `json:"compliant"`
	// reason is the verdict: NotMet, or EvaluationError when the expression
	// could not be evaluated on the agent. Status carries verdicts only,
	// never evaluated values or evaluation error text.
	// +optional
	Reason ComplianceReason `json:"reason,omitempty"`
	// message is the standard's own message (as its union declares it).
	// +optional
	Message string `json:"message,omitempty"`
}

// ComplianceReason is the verdict on an agent that fails a standard.
// +kubebuilder:validation:Enum=NotMet;EvaluationError
type ComplianceReason string

const (
	// ComplianceNotMet: the standard's expression is false for the agent.
	ComplianceNotMet ComplianceReason = "NotMet"
	// ComplianceEvaluationError: the expression could not be evaluated.
	ComplianceEvaluationError ComplianceReason = "EvaluationError"
)

// ReserveRecord is an alliance's record of a volunteered reserve it raised:
// what its owner had set and what the alliance set, so that it gives back
// exactly what it added. It lives in the alliance's status, where no
// tenant can forge it.
type ReserveRecord struct {
	// namespace of the reserve workload.
	Namespace string `json:"namespace"`
	// kind of the reserve workload: Deployment or StatefulSet.
	Kind string `json:"kind"`
	// name of the reserve workload.
	Name string `json:"name"`
	// uid of the reserve workload: a workload re-created under its name is
	// another, which the alliance never touches.
	UID types.UID `json:"uid"`
	// ownerReplicas is the count its owner had set when the alliance raised it.
	OwnerReplicas int32 `json:"ownerReplicas"`
	// replicas is the count the alliance set.
	Replicas int32 `json:"replicas"`
}

// Disruption is a member agent workload below its desired availability.
type Disruption struct {
	// namespace of the disrupted agent workload.
	Namespace string `json:"namespace"`
	// agent is the disrupted agent's name.
	Agent string `json:"agent"`
	// since is when the workload fell below its desired availability.
	Since metav1.Time `json:"since"`
	// reservesScaled is the number of allied reserves scaled up for it.
	// +optional
	ReservesScaled int32 `json:"reservesScaled,omitempty"`
}

// AllianceStatus is the observed state of an Alliance.
type AllianceStatus struct {
	UnionStatus `json:",inline"`

	// phase of the alliance.
	// +optional
	Phase AlliancePhase `json:"phase,omitempty"`

	// compliance lists failing agents (at most 100; counts beside it).
	// +optional
	// +kubebuilder:validation:MaxItems=100
	Compliance []ComplianceStatus `json:"compliance,omitempty"`

	// compliantAgents is the number of member agents meeting every standard.
	// +optional
	CompliantAgents int32 `json:"compliantAgents,omitempty"`

	// nonCompliantAgents is the number of member agents failing a standard.
	// +optional
	NonCompliantAgents int32 `json:"nonCompliantAgents,omitempty"`

	// disruptions lists member agents below their desired availability.
	// +optional
	// +kubebuilder:validation:MaxItems=100
	Disruptions []Disruption `json:"disruptions,omitempty"`

	// reserves records the volunteered reserves the alliance has raised
	// and must give back (at most 100).
	// +optional
	// +kubebuilder:validation:MaxItems=100
	Reserves []ReserveRecord `json:"reserves,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,shortName=ally,categories={unions,union-operator}
// +kubebuilder:validation:XValidation:rule="self.metadata.name.size() <= 63 && self.metadata.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",message="union names must be DNS labels of at most 63 characters",fieldPath=".metadata"
// +kubebuilder:validation:XValidation:rule="!has(self.spec.admission) || !has(self.spec.admission.federations)",message="only a federation admits child federations",fieldPath=".spec.admission.federations"
// +kubebuilder:printcolumn:name="Phase",type=string,JSONPath=`.status.phase`
// +kubebuilder:printcolumn:name="Members",type=integer,JSONPath=`.status.memberCount`
// +kubebuilder:printcolumn:name="Agents",type=integer,JSONPath=`.status.agentCount`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// Alliance is a durable union with shared standards, a defence pact and bridges.
type Alliance struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec states the alliance's terms.
	// +required
	Spec AllianceSpec `json:"spec"`

	// status is the observed state.
	// +optional
	Status AllianceStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// AllianceList is a list of Alliances.
type AllianceList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Alliance `json:"items"`
}

func init() {
	register(&Alliance{}, &AllianceList{})
}
