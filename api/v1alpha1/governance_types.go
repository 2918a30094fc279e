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

// ProposalActionType is what a proposal would do once Passed.
// +kubebuilder:validation:Enum=Admit;Expel;ElectCouncil;Dissolve;Amend
type ProposalActionType string

const (
	ActionAdmit        ProposalActionType = "Admit"
	ActionExpel        ProposalActionType = "Expel"
	ActionElectCouncil ProposalActionType = "ElectCouncil"
	ActionDissolve     ProposalActionType = "Dissolve"
	ActionAmend        ProposalActionType = "Amend"
)

// ProposalAction is the effect a proposal asks for.
// +kubebuilder:validation:XValidation:rule="!(self.type in ['Admit', 'Expel']) || has(self.namespace)",message="Admit and Expel proposals need a namespace"
// +kubebuilder:validation:XValidation:rule="self.type != 'ElectCouncil' || (has(self.candidates) && size(self.candidates) > 0)",message="ElectCouncil proposals need candidates"
// +kubebuilder:validation:XValidation:rule="self.type != 'Amend' || (has(self.text) && size(self.text) > 0)",message="Amend proposals need text"
type ProposalAction struct {
	// type of the action.
	// +required
	Type ProposalActionType `json:"type"`
	// namespace to admit or expel.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	Namespace string `json:"namespace,omitempty"`
	// text of an amendment, or the motivation of any proposal.
	// +optional
	// +kubebuilder:validation:MaxLength=4096
	Text string `json:"text,omitempty"`
	// candidates for council seats (ElectCouncil), in order of preference.
	// +optional
	// +kubebuilder:validation:MaxItems=16
	Candidates []CouncilSeat `json:"candidates,omitempty"`
}

// ProposalSpec is a motion filed by a member in its own namespace.
// +kubebuilder:validation:XValidation:rule="self.action.type != 'ElectCouncil' || self.union.kind == 'Coalition'",message="only coalitions have a council to elect"
// +kubebuilder:validation:XValidation:rule="self.action.type != 'Dissolve' || self.union.kind != 'Alliance'",message="alliances are durable: they end when they are deleted, not by a vote"
type ProposalSpec struct {
	// union the proposal is put to. Immutable.
	// +required
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="union is immutable"
	Union UnionReference `json:"union"`
	// action the proposal asks for. Immutable.
	// +required
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="action is immutable"
	Action ProposalAction `json:"action"`
	// closesAfter is how long the proposal stays open, at least the union's
	// governance.votingPeriod (72h unless a federation sets another):
	// closesAfter may lengthen the vote, never shorten it.
	// +optional
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:XValidation:rule="self.matches('^[-+]?(0|(([0-9]+([.][0-9]*)?|[.][0-9]+)(ns|us|ms|s|m|h))+)$')",message="closesAfter must be a duration such as 30s, 15m or 72h"
	// +kubebuilder:validation:XValidation:rule="!self.matches('^[-+]?(0|(([0-9]+([.][0-9]*)?|[.][0-9]+)(ns|us|ms|s|m|h))+)$') || duration(self) > duration('0s')",message="closesAfter must be positive"
	ClosesAfter *metav1.Duration `json:"closesAfter,omitempty"`
}

// ProposalPhase is the state of a proposal.
// +kubebuilder:validation:Enum=Open;Passed;Rejected;Expired
type ProposalPhase string

const (
	ProposalOpen     ProposalPhase = "Open"
	ProposalPassed   ProposalPhase = "Passed"
	ProposalRejected ProposalPhase = "Rejected"
	ProposalExpired  ProposalPhase = "Expired"
)

// Tally counts the votes on a proposal.
type Tally struct {
	// for counts the votes for the proposal, delegated ones included.
	For int32 `json:"for"`
	// against counts the votes against the proposal, delegated ones included.
	Against int32 `json:"against"`
	// abstentions, delegated ones and delegation cycles included.
	Abstain int32 `json:"abstain"`
	// eligible is the number of voters: Active members (and child
	// federations voting as a bloc).
	Eligible int32 `json:"eligible"`
	// delegated is how many of the votes were cast by a delegate.
	Delegated int32 `json:"delegated"`
}

// ProposalStatus is the observed state of a Proposal.
type ProposalStatus struct {
	// observedGeneration is the generation the status was computed from.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// conditions: Ready (True once decided), Reconciling while open, Stalled.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=16
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	// phase of the proposal.
	// +optional
	Phase ProposalPhase `json:"phase,omitempty"`
	// tally of the votes.
	// +optional
	Tally *Tally `json:"tally,omitempty"`
	// closesAt is when voting ends.
	// +optional
	ClosesAt *metav1.Time `json:"closesAt,omitempty"`
	// decidedAt is when the proposal was decided.
	// +optional
	DecidedAt *metav1.Time `json:"decidedAt,omitempty"`
	// unionUID identifies the union object the proposal was filed for: it
	// acts on that union only, never on one re-created under the same name.
	// +optional
	UnionUID types.UID `json:"unionUID,omitempty"`
	// record is the hash-chained trail of the vote (each digest is
	// sha256(previous digest + entry)): when it opened, who was eligible,
	// each counted ballot with its route (direct, or delegated through
	// whom), and the decision, so that anyone can check the tally from the
	// object alone.
	// +optional
	// +kubebuilder:validation:MaxItems=512
	Record []AuditEntry `json:"record,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=prop,categories=union-operator
// +kubebuilder:printcolumn:name="Union",type=string,JSONPath=`.spec.union.name`
// +kubebuilder:printcolumn:name="Action",type=string,JSONPath=`.spec.action.type`
// +kubebuilder:printcolumn:name="Phase",type=string,JSONPath=`.status.phase`
// +kubebuilder:printcolumn:name="For",type=integer,JSONPath=`.status.tally.for`
// +kubebuilder:printcolumn:name="Against",type=integer,JSONPath=`.status.tally.against`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// Proposal is a motion put to a union's members, filed in the proposer's namespace.
type Proposal struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the motion.
	// +required
	Spec ProposalSpec `json:"spec"`
	// status is the vote and its outcome.
	// +optional
	Status ProposalStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// ProposalList is a list of Proposals.
type ProposalList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Proposal `json:"items"`
}

// BallotSubjectKind is what a ballot votes on.
// +kubebuilder:validation:Enum=Proposal;ExitTreaty
type BallotSubjectKind string

const (
	SubjectProposal   BallotSubjectKind = "Proposal"
	SubjectExitTreaty BallotSubjectKind = "ExitTreaty"
)

// BallotSubject points at the Proposal or ExitTreaty voted on.
type BallotSubject struct {
	// kind of the subject: Proposal or ExitTreaty.
	// +required
	Kind BallotSubjectKind `json:"kind"`
	// namespace the subject was filed in.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	Namespace string `json:"namespace"`
	// name of the subject.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	Name string `json:"name"`
	// uid, when set, binds the ballot to that very object. Without it the
	// ballot binds to the subject that exists when it is cast (and is first
	// counted): a subject deleted and re-created under the same name starts
	// with no votes either way.
	// +optional
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=36
	UID types.UID `json:"uid,omitempty"`
}

// Choice is a vote. The words are safe to write unquoted in YAML 1.1, which
// kubectl reads manifests as (there, Yes and No would be booleans).
// +kubebuilder:validation:Enum=For;Against;Abstain
type Choice string

const (
	ChoiceFor     Choice = "For"
	ChoiceAgainst Choice = "Against"
	ChoiceAbstain Choice = "Abstain"
)

// BallotSpec is a member's vote, filed in its own namespace.
type BallotSpec struct {
	// subject is the Proposal or ExitTreaty voted on. Immutable.
	// +required
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="subject is immutable"
	Subject BallotSubject `json:"subject"`
	// choice is For, Against or Abstain; it may change while the vote is open.
	// +required
	Choice Choice `json:"choice"`
}

// BallotStatus is the observed state of a Ballot.
type BallotStatus struct {
	// observedGeneration is the generation the status was computed from.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// conditions: Ready (True when the ballot counts), Counted, Stalled.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=16
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	// counted is true when the ballot counts in the tally.
	// +optional
	Counted bool `json:"counted"`
	// subjectUID identifies the subject object the ballot counted for; a
	// subject of the same name with another UID never counts it.
	// +optional
	SubjectUID types.UID `json:"subjectUID,omitempty"`
}

// ConditionCounted is True when a Ballot counts for its subject, False with
// the reason it does not (SubjectReplaced, NotAMember, Closed, ...).
const ConditionCounted = "Counted"

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=ballot,categories=union-operator
// +kubebuilder:printcolumn:name="Subject",type=string,JSONPath=`.spec.subject.name`
// +kubebuilder:printcolumn:name="Choice",type=string,JSONPath=`.spec.choice`
// +kubebuilder:printcolumn:name="Counted",type=boolean,JSONPath=`.status.counted`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// Ballot is a member's vote on a Proposal or (for mediators) an ExitTreaty.
type Ballot struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the vote.
	// +required
	Spec BallotSpec `json:"spec"`
	// status says whether the vote counts.
	// +optional
	Status BallotStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// BallotList is a list of Ballots.
type BallotList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Ballot `json:"items"`
}

func init() {
	register(&Proposal{}, &ProposalList{}, &Ballot{}, &BallotList{})
}
