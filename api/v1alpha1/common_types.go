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
)

// Label keys and values shared by every union kind.
const (
	// AgentLabel marks a workload or Pod as an agent; its value is the agent's name.
	AgentLabel = "unions.kos.dev/agent"
	// BadgeDomain is the suffix of every badge key: <kind>.unions.kos.dev/<union-name>.
	BadgeDomain = "unions.kos.dev"
	// FieldManager is the server-side apply field manager of everything the operator writes.
	FieldManager = "union-operator"
	// ManagedByLabel marks objects the operator created in member namespaces.
	ManagedByLabel = "app.kubernetes.io/managed-by"
	// ManagedByValue is the value of ManagedByLabel on objects the operator created.
	ManagedByValue = "union-operator"
	// UnionLabel names the union (as <kind>.<name>) an operator-made object belongs to.
	UnionLabel = "unions.kos.dev/union"
)

// UnionKind names one of the three union kinds.
// +kubebuilder:validation:Enum=Coalition;Alliance;Federation
type UnionKind string

const (
	KindCoalition  UnionKind = "Coalition"
	KindAlliance   UnionKind = "Alliance"
	KindFederation UnionKind = "Federation"
)

// Role is the value of a badge: the part an agent plays in a union.
// +kubebuilder:validation:Enum=member;council;interop
type Role string

const (
	// RoleMember is the badge value of every badged agent and member Namespace.
	RoleMember Role = "member"
	// RoleCouncil is the badge value of a coalition's council agents.
	RoleCouncil Role = "council"
	// RoleInterop is the badge value of an alliance's interop agents (Hub bridges).
	RoleInterop Role = "interop"
)

// UnionReference points at a cluster-scoped union.
type UnionReference struct {
	// kind of the union.
	// +required
	Kind UnionKind `json:"kind"`

	// name of the union: a DNS label of at most 63 characters.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	Name string `json:"name"`
}

// AdmissionPolicy says who may join a union.
// +kubebuilder:validation:Enum=InviteOnly;Open
type AdmissionPolicy string

const (
	// AdmissionInviteOnly admits only invited namespaces (by name or label).
	AdmissionInviteOnly AdmissionPolicy = "InviteOnly"
	// AdmissionOpen admits every namespace that files a Membership.
	AdmissionOpen AdmissionPolicy = "Open"
)

// Admission says which namespaces may join a union.
type Admission struct {
	// policy is InviteOnly (the default: only invited namespaces may join) or
	// Open (any namespace may join by filing a Membership).
	// +optional
	// +kubebuilder:default=InviteOnly
	Policy AdmissionPolicy `json:"policy,omitempty"`

	// namespaces invited by name.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=256
	// +kubebuilder:validation:items:MaxLength=63
	// +kubebuilder:validation:items:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	Namespaces []string `json:"namespaces,omitempty"`

	// namespaceSelector invites the namespaces whose labels it matches.
	// +optional
	// +kubebuilder:validation:XValidation:rule="!has(self.matchExpressions) || self.matchExpressions.all(e, e.operator in ['In', 'NotIn', 'Exists', 'DoesNotExist'])",message="label selector operators are In, NotIn, Exists and DoesNotExist"
	// +kubebuilder:validation:XValidation:rule="!has(self.matchExpressions) || self.matchExpressions.all(e, !(e.operator in ['In', 'NotIn']) || (has(e.values) && size(e.values) > 0))",message="In and NotIn take at least one value"
	// +kubebuilder:validation:XValidation:rule="!has(self.matchExpressions) || self.matchExpressions.all(e, !(e.operator in ['Exists', 'DoesNotExist']) || !has(e.values) || size(e.values) == 0)",message="Exists and DoesNotExist take no values"
	NamespaceSelector *metav1.LabelSelector `json:"namespaceSelector,omitempty"`

	// federations (Federation only) are the child federations this one
	// admits, by name. Nesting is two-sided, like a Membership: a child
	// names its parent in spec.parent, and the parent admits it here; until
	// both hold the child is standalone.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=32
	// +kubebuilder:validation:items:MaxLength=63
	// +kubebuilder:validation:items:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	Federations []string `json:"federations,omitempty"`
}

// Separation states the terms on which members leave a union.
type Separation struct {
	// coolOff is the minimum cool-off of an ExitTreaty with this union.
	// Defaults to 0 for coalitions and 24h for alliances and federations.
	// +optional
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:XValidation:rule="self.matches('^[-+]?(0|(([0-9]+([.][0-9]*)?|[.][0-9]+)(ns|us|ms|s|m|h))+)$')",message="coolOff must be a duration such as 30s, 15m or 72h"
	// +kubebuilder:validation:XValidation:rule="!self.matches('^[-+]?(0|(([0-9]+([.][0-9]*)?|[.][0-9]+)(ns|us|ms|s|m|h))+)$') || duration(self) >= duration('0s')",message="coolOff must not be negative"
	CoolOff *metav1.Duration `json:"coolOff,omitempty"`

	// mediators are namespaces whose approval (a Ballot on the treaty) an
	// ExitTreaty needs before its cool-off starts. Empty: none.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=16
	// +kubebuilder:validation:items:MaxLength=63
	// +kubebuilder:validation:items:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	Mediators []string `json:"mediators,omitempty"`

	// reintegrationAfter is how long after an exit a namespace must wait
	// before it may rejoin. Defaults to 0.
	// +optional
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:XValidation:rule="self.matches('^[-+]?(0|(([0-9]+([.][0-9]*)?|[.][0-9]+)(ns|us|ms|s|m|h))+)$')",message="reintegrationAfter must be a duration such as 30s, 15m or 72h"
	// +kubebuilder:validation:XValidation:rule="!self.matches('^[-+]?(0|(([0-9]+([.][0-9]*)?|[.][0-9]+)(ns|us|ms|s|m|h))+)$') || duration(self) >= duration('0s')",message="reintegrationAfter must not be negative"
	ReintegrationAfter *metav1.Duration `json:"reintegrationAfter,omitempty"`
}

// UnionSpec holds the terms every union kind shares.
type UnionSpec struct {
	// description of the union, for humans and for the charter.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Description string `json:"description,omitempty"`

	// admission says which namespaces may join.
	// +optional
	// +kubebuilder:default={}
	Admission Admission `json:"admission,omitempty"`

	// separation states how members leave.
	// +optional
	Separation Separation `json:"separation,omitempty"`
}

// Standing is the state of a Membership.
// +kubebuilder:validation:Enum=Pending;Active;Rejected;CoolingOff;Separated;Ended
type Standing string

const (
	// StandingPending waits for an invitation or for the union to exist and be live.
	StandingPending Standing = "Pending"
	// StandingActive is a member in good standing: its agents carry the badge.
	StandingActive Standing = "Active"
	// StandingRejected cannot be admitted as written; a condition says why.
	StandingRejected Standing = "Rejected"
	// StandingCoolingOff is a member whose ExitTreaty is cooling off; nothing changes yet.
	StandingCoolingOff Standing = "CoolingOff"
	// StandingSeparated left by an Effective ExitTreaty.
	StandingSeparated Standing = "Separated"
	// StandingEnded belongs to a union that expired, dissolved or expelled it.
	StandingEnded Standing = "Ended"
)

// MemberStatus is a union's view of one Membership that names it.
type MemberStatus struct {
	// namespace of the Membership.
	Namespace string `json:"namespace"`
	// standing of the Membership.
	// +optional
	Standing Standing `json:"standing,omitempty"`
	// agents is the number of the member's badged agents.
	// +optional
	Agents int32 `json:"agents,omitempty"`
	// role of the member Namespace in the union.
	// +optional
	Role Role `json:"role,omitempty"`
	// since is when the member became Active.
	// +optional
	Since *metav1.Time `json:"since,omitempty"`
}

// FormerMember records a namespace that left the union.
type FormerMember struct {
	// namespace that left.
	Namespace string `json:"namespace"`
	// exitTreaty is the name of the treaty it left by; empty for a unilateral exit.
	// +optional
	ExitTreaty string `json:"exitTreaty,omitempty"`
	// effectiveAt is when the exit took effect.
	// +optional
	EffectiveAt *metav1.Time `json:"effectiveAt,omitempty"`
	// digest is the final digest of the treaty's audit chain.
	// +optional
	Digest string `json:"digest,omitempty"`
	// unilateral is true when the member left without an Effective treaty.
	// +optional
	Unilateral bool `json:"unilateral,omitempty"`
	// membershipUID identifies the Membership that left: the one the treaty
	// separated (it stays Separated even if the treaty is deleted), or the
	// deleted one of a unilateral exit (recorded exactly once).
	// +optional
	MembershipUID types.UID `json:"membershipUID,omitempty"`
	// proposal is namespace/name of the Passed Expel proposal that expelled
	// the member; empty for an exit the member chose.
	// +optional
	Proposal string `json:"proposal,omitempty"`
}

// UnionStatus is the status every union kind shares.
type UnionStatus struct {
	// observedGeneration is the generation the status was computed from.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// conditions: Ready, Reconciling, Stalled and kind-specific ones.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=16
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// members lists the Memberships that name this union (at most 100; see memberCount).
	// Once the union has ended (a coalition's deadline or dissolution, a
	// federation's dissolution), each but a Rejected one is listed Ended at
	// once, as its Membership is about to record.
	// +optional
	// +listType=map
	// +listMapKey=namespace
	// +kubebuilder:validation:MaxItems=100
	Members []MemberStatus `json:"members,omitempty"`

	// memberCount is the number of Active members.
	// +optional
	MemberCount int32 `json:"memberCount"`

	// agentCount is the number of badged agents across Active members.
	// +optional
	AgentCount int32 `json:"agentCount"`

	// formerMembers records exits, newest last (at most 100).
	// +optional
	// +kubebuilder:validation:MaxItems=100
	FormerMembers []FormerMember `json:"formerMembers,omitempty"`

	// decisions records the proposals this union decided, oldest first (at
	// most 100; the standing verdicts — the latest Admit or Expel of each
	// namespace, the latest election, a dissolution — are kept before
	// others). It is what the union's phases read: a decision stands
	// whatever happens to its Proposal afterwards.
	// +optional
	// +kubebuilder:validation:MaxItems=100
	Decisions []DecisionRecord `json:"decisions,omitempty"`
}

// DecisionRecord is a union's record of one decided proposal.
type DecisionRecord struct {
	// proposal is namespace/name of the Proposal.
	Proposal string `json:"proposal"`
	// uid of the Proposal decided.
	UID types.UID `json:"uid"`
	// action the proposal asked for.
	Action ProposalActionType `json:"action"`
	// namespace admitted or expelled (Admit and Expel).
	// +optional
	Namespace string `json:"namespace,omitempty"`
	// candidates to seat, in order of preference (ElectCouncil).
	// +optional
	// +kubebuilder:validation:MaxItems=16
	Candidates []CouncilSeat `json:"candidates,omitempty"`
	// outcome of the vote: Passed, Rejected or Expired.
	Outcome ProposalPhase `json:"outcome"`
	// tally the outcome was decided on.
	// +optional
	Tally *Tally `json:"tally,omitempty"`
	// decidedAt is when the proposal was decided.
	DecidedAt metav1.Time `json:"decidedAt"`
	// digest is the head of the proposal's record, which anyone can check
	// the tally against (kubectl unions audit verify proposal/<name>).
	// +optional
	Digest string `json:"digest,omitempty"`
}

// Condition types and reasons shared by every kind (kstatus conventions).
const (
	// ConditionReady is True when the object is reconciled and in force.
	ConditionReady = "Ready"
	// ConditionReconciling is True while the operator works towards the spec.
	ConditionReconciling = "Reconciling"
	// ConditionStalled is True when the spec cannot be satisfied as written.
	ConditionStalled = "Stalled"
	// ConditionExpired is True when a coalition passed its deadline.
	ConditionExpired = "Expired"
	// ConditionCompliant reports whether member agents meet the standards.
	ConditionCompliant = "Compliant"
	// ConditionDisrupted is True while a member agent is below its desired availability.
	ConditionDisrupted = "Disrupted"
	// ConditionAuditIntact reports whether an ExitTreaty's audit chain verifies.
	ConditionAuditIntact = "AuditIntact"
)

// Reasons used across kinds.
const (
	// ReasonUnionReplaced: the object names a union that was deleted and
	// re-created under the same name since it was filed.
	ReasonUnionReplaced = "UnionReplaced"
	ReasonUnionNotFound = "UnionNotFound"
	ReasonNotInvited    = "NotInvited"
	ReasonDuplicate     = "Duplicate"
	ReasonInvalidTerms  = "InvalidTerms"
	ReasonActive        = "Active"
)
