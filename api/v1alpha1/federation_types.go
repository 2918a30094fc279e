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
	"k8s.io/apimachinery/pkg/runtime"
)

// ConstitutionObject is an object propagated into every member namespace,
// named federation-<federation>-<name>.
type ConstitutionObject struct {
	// name of the clause, unique in the federation.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	Name string `json:"name"`
	// overridable objects may be replaced by a member's local override.
	// +optional
	Overridable bool `json:"overridable,omitempty"`
	// template of the object: apiVersion, kind and its content (metadata.name
	// and namespace are set by the operator).
	// +required
	// +kubebuilder:validation:EmbeddedResource
	// +kubebuilder:pruning:PreserveUnknownFields
	Template runtime.RawExtension `json:"template"`
}

// Parameter declares a standard's parameter members may override locally.
// With bounds, the parameter is a number and its default lies within them.
// +kubebuilder:validation:XValidation:rule="!has(self.min) || !has(self.max) || !self.min.matches('^-?[0-9]+([.][0-9]+)?$') || !self.max.matches('^-?[0-9]+([.][0-9]+)?$') || double(self.min) <= double(self.max)",message="min must not be greater than max"
// +kubebuilder:validation:XValidation:rule="(!has(self.min) || !self.min.matches('^-?[0-9]+([.][0-9]+)?$') || (self.default.matches('^-?[0-9]+([.][0-9]+)?$') && double(self.default) >= double(self.min))) && (!has(self.max) || !self.max.matches('^-?[0-9]+([.][0-9]+)?$') || (self.default.matches('^-?[0-9]+([.][0-9]+)?$') && double(self.default) <= double(self.max)))",message="default must be a number between min and max"
type Parameter struct {
	// default value.
	// +required
	// +kubebuilder:validation:MaxLength=256
	Default string `json:"default"`
	// min is the lowest value a member may set (numbers only).
	// +optional
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:XValidation:rule="self.matches('^-?[0-9]+([.][0-9]+)?$')",message="min must be a number, such as 1 or 0.5"
	Min string `json:"min,omitempty"`
	// max is the highest value a member may set (numbers only).
	// +optional
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:XValidation:rule="self.matches('^-?[0-9]+([.][0-9]+)?$')",message="max must be a number, such as 10 or 2.5"
	Max string `json:"max,omitempty"`
}

// FederationStandard is a Standard with parameters that members may override.
type FederationStandard struct {
	Standard `json:",inline"`
	// parameters the expression reads as params.data.<name>, with their bounds.
	// +optional
	// +kubebuilder:validation:MaxProperties=16
	// +kubebuilder:validation:XValidation:rule="self.all(k, k.matches('^[A-Za-z][A-Za-z0-9_]*$'))",message="parameter names must be identifiers"
	Parameters map[string]Parameter `json:"parameters,omitempty"`
}

// Constitution is what a federation imposes on every member namespace.
type Constitution struct {
	// principles of the federation, for the charter.
	// +optional
	// +kubebuilder:validation:MaxItems=32
	// +kubebuilder:validation:items:MaxLength=1024
	Principles []string `json:"principles,omitempty"`
	// namespaceLabels set on every member Namespace.
	// +optional
	// +kubebuilder:validation:MaxProperties=32
	// +kubebuilder:validation:XValidation:rule="self.all(k, k.size() <= 317 && k.matches('^([a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$'))",message="namespaceLabels keys must be label keys, such as example.com/tier"
	// +kubebuilder:validation:XValidation:rule="self.all(k, self[k].size() <= 63)",message="namespaceLabels values must be at most 63 characters"
	NamespaceLabels map[string]string `json:"namespaceLabels,omitempty"`
	// objects propagated into every member namespace.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=32
	Objects []ConstitutionObject `json:"objects,omitempty"`
	// standards every member agent must meet.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=32
	Standards []FederationStandard `json:"standards,omitempty"`
}

// Strata says how a child federation votes in its parent.
// +kubebuilder:validation:Enum=Bloc;Direct
type Strata string

const (
	// StrataBloc casts one vote per child federation, the outcome of its members' ballots.
	StrataBloc Strata = "Bloc"
	// StrataDirect lets the child's members vote in the parent individually.
	StrataDirect Strata = "Direct"
)

// Governance states how a federation decides.
type Governance struct {
	// quorum is the share of eligible members that must vote.
	// +optional
	// +kubebuilder:default="50%"
	// +kubebuilder:validation:Pattern=`^(100|[1-9]?[0-9])%$`
	Quorum string `json:"quorum,omitempty"`
	// threshold is the share of yes among yes and no votes a proposal must exceed.
	// +optional
	// +kubebuilder:default="50%"
	// +kubebuilder:validation:Pattern=`^(100|[1-9]?[0-9])%$`
	Threshold string `json:"threshold,omitempty"`
	// votingPeriod is the default time a proposal stays open.
	// +optional
	// +kubebuilder:default="72h"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:XValidation:rule="self.matches('^[-+]?(0|(([0-9]+([.][0-9]*)?|[.][0-9]+)(ns|us|ms|s|m|h))+)$')",message="votingPeriod must be a duration such as 30s, 15m or 72h"
	// +kubebuilder:validation:XValidation:rule="!self.matches('^[-+]?(0|(([0-9]+([.][0-9]*)?|[.][0-9]+)(ns|us|ms|s|m|h))+)$') || duration(self) > duration('0s')",message="votingPeriod must be positive"
	VotingPeriod *metav1.Duration `json:"votingPeriod,omitempty"`
	// strata is Bloc (a child federation casts one vote) or Direct.
	// +optional
	// +kubebuilder:default=Bloc
	Strata Strata `json:"strata,omitempty"`
}

// FederationSpec is a nested union with a constitution and governance.
type FederationSpec struct {
	UnionSpec `json:",inline"`

	// parent federation this one asks to nest in; it nests once the parent
	// admits it by name (the parent's spec.admission.federations), and is
	// standalone until then.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	Parent string `json:"parent,omitempty"`

	// constitution imposed on every member namespace.
	// +optional
	Constitution Constitution `json:"constitution,omitempty"`

	// governance states how the federation decides.
	// +optional
	// +kubebuilder:default={}
	Governance Governance `json:"governance,omitempty"`
}

// ConditionNested reports whether a federation is nested in its parent:
// True (reason Admitted) once the parent admits it, False with the reason
// otherwise (NotAdmitted, ParentNotFound, NoParent).
const ConditionNested = "Nested"

// Reasons of the Nested condition.
const (
	ReasonAdmitted    = "Admitted"
	ReasonNotAdmitted = "NotAdmitted"
	ReasonNoParent    = "NoParent"
)

// FederationPhase is the lifecycle phase of a federation.
// +kubebuilder:validation:Enum=Forming;Active;Dissolved
type FederationPhase string

const (
	FederationForming   FederationPhase = "Forming"
	FederationActive    FederationPhase = "Active"
	FederationDissolved FederationPhase = "Dissolved"
)

// ProposalReference names an open proposal.
type ProposalReference struct {
	// namespace the proposal was filed in.
	Namespace string `json:"namespace"`
	// name of the proposal.
	Name string `json:"name"`
	// action the proposal asks for.
	// +optional
	Action ProposalActionType `json:"action,omitempty"`
	// closesAt is when voting ends.
	// +optional
	ClosesAt *metav1.Time `json:"closesAt,omitempty"`
}

// Decision is a decided proposal.
type Decision struct {
	// namespace the proposal was filed in.
	Namespace string `json:"namespace"`
	// name of the proposal.
	Name string `json:"name"`
	// action the proposal asked for.
	Action ProposalActionType `json:"action"`
	// outcome of the vote: Passed, Rejected or Expired.
	Outcome ProposalPhase `json:"outcome"`
	// text of the proposal (the amendment, for Amend).
	// +optional
	Text string `json:"text,omitempty"`
	// decidedAt is when the proposal was decided.
	// +optional
	DecidedAt *metav1.Time `json:"decidedAt,omitempty"`
}

// Consensus is the Federation Sentience Agent's view of the federation.
type Consensus struct {
	// members is the number of Active members, child federations counted as their members.
	// +optional
	Members int32 `json:"members,omitempty"`
	// nonCompliantAgents across members.
	// +optional
	NonCompliantAgents int32 `json:"nonCompliantAgents,omitempty"`
	// openProposals (at most 20).
	// +optional
	// +kubebuilder:validation:MaxItems=20
	OpenProposals []ProposalReference `json:"openProposals,omitempty"`
	// decisions, newest last (at most 20).
	// +optional
	// +kubebuilder:validation:MaxItems=20
	Decisions []Decision `json:"decisions,omitempty"`
}

// FederationStatus is the observed state of a Federation.
type FederationStatus struct {
	UnionStatus `json:",inline"`

	// phase of the federation.
	// +optional
	Phase FederationPhase `json:"phase,omitempty"`

	// depth of the federation in its nesting: 0 for a root.
	// +optional
	Depth int32 `json:"depth"`

	// children are the federations nested in this one: they name it as
	// their parent and it admits them (spec.admission.federations).
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=100
	Children []string `json:"children,omitempty"`

	// consensus is the Federation Sentience Agent's view.
	// +optional
	Consensus *Consensus `json:"consensus,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,shortName=fed,categories={unions,union-operator}
// +kubebuilder:validation:XValidation:rule="self.metadata.name.size() <= 63 && self.metadata.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",message="union names must be DNS labels of at most 63 characters",fieldPath=".metadata"
// +kubebuilder:validation:XValidation:rule="!has(self.spec.parent) || self.spec.parent != self.metadata.name",message="a federation cannot be its own parent",fieldPath=".spec.parent"
// +kubebuilder:printcolumn:name="Phase",type=string,JSONPath=`.status.phase`
// +kubebuilder:printcolumn:name="Parent",type=string,JSONPath=`.spec.parent`
// +kubebuilder:printcolumn:name="Depth",type=integer,JSONPath=`.status.depth`
// +kubebuilder:printcolumn:name="Members",type=integer,JSONPath=`.status.memberCount`
// +kubebuilder:printcolumn:name="Agents",type=integer,JSONPath=`.status.agentCount`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// Federation is a nested union with a constitution, local override hooks and governance.
type Federation struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec states the federation's terms.
	// +required
	Spec FederationSpec `json:"spec"`

	// status is the observed state.
	// +optional
	Status FederationStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// FederationList is a list of Federations.
type FederationList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Federation `json:"items"`
}

func init() {
	register(&Federation{}, &FederationList{})
}
