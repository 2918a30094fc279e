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
	"slices"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// Union is implemented by the three union kinds, so that membership,
// badging and separation treat them alike.
// +kubebuilder:object:generate=false
type Union interface {
	StatusObject
	// UnionKind is Coalition, Alliance or Federation.
	UnionKind() UnionKind
	// Terms are the terms every union kind shares.
	Terms() *UnionSpec
	// Standing is the status every union kind shares.
	Standing() *UnionStatus
}

// DefaultCoolOff is the cool-off of alliances and federations that set none.
const DefaultCoolOff = 24 * time.Hour

// Reference returns the reference to a union.
func Reference(u Union) UnionReference {
	return UnionReference{Kind: u.UnionKind(), Name: u.GetName()}
}

// MinimumCoolOff is the union's minimum cool-off for an ExitTreaty: its
// separation.coolOff, defaulting to 0 for coalitions and 24h otherwise.
func MinimumCoolOff(u Union) time.Duration {
	if d := u.Terms().Separation.CoolOff; d != nil {
		return d.Duration
	}
	if u.UnionKind() == KindCoalition {
		return 0
	}
	return DefaultCoolOff
}

// NeedsTreaty reports whether leaving the union takes an ExitTreaty: any union
// with a cool-off or mediators.
func NeedsTreaty(u Union) bool {
	return MinimumCoolOff(u) > 0 || len(u.Terms().Separation.Mediators) > 0
}

// UnionKind implements Union.
func (c *Coalition) UnionKind() UnionKind { return KindCoalition }

// Terms implements Union.
func (c *Coalition) Terms() *UnionSpec { return &c.Spec.UnionSpec }

// Standing implements Union.
func (c *Coalition) Standing() *UnionStatus { return &c.Status.UnionStatus }

// Deadline is the coalition's expiry: spec.expiresAt, or its creation time plus
// spec.duration. The zero time means no deadline could be computed yet.
func (c *Coalition) Deadline() time.Time {
	switch {
	case c.Spec.ExpiresAt != nil:
		return c.Spec.ExpiresAt.Time
	case c.Spec.Duration != nil && !c.CreationTimestamp.IsZero():
		return c.CreationTimestamp.Add(c.Spec.Duration.Duration)
	}
	return time.Time{}
}

// UnionKind implements Union.
func (a *Alliance) UnionKind() UnionKind { return KindAlliance }

// Terms implements Union.
func (a *Alliance) Terms() *UnionSpec { return &a.Spec.UnionSpec }

// Standing implements Union.
func (a *Alliance) Standing() *UnionStatus { return &a.Status.UnionStatus }

// UnionKind implements Union.
func (f *Federation) UnionKind() UnionKind { return KindFederation }

// Terms implements Union.
func (f *Federation) Terms() *UnionSpec { return &f.Spec.UnionSpec }

// Standing implements Union.
func (f *Federation) Standing() *UnionStatus { return &f.Status.UnionStatus }

// NewUnion returns an empty object of the given union kind, or nil for an
// unknown kind.
func NewUnion(kind UnionKind) Union {
	switch kind {
	case KindCoalition:
		return &Coalition{}
	case KindAlliance:
		return &Alliance{}
	case KindFederation:
		return &Federation{}
	}
	return nil
}

// UnionKinds lists the union kinds.
var UnionKinds = []UnionKind{KindCoalition, KindAlliance, KindFederation}

// String renders a reference as Kind/name.
func (r UnionReference) String() string { return string(r.Kind) + "/" + r.Name }

// LabelValue is the value of the union label (UnionLabel) on the objects
// the operator makes for the union: <Kind>.<name>.
func (r UnionReference) LabelValue() string { return string(r.Kind) + "." + r.Name }

// ManagedLabels are the labels of every object the operator makes for the
// union: managed by the operator, belonging to the union.
func (r UnionReference) ManagedLabels() map[string]string {
	return map[string]string{ManagedByLabel: ManagedByValue, UnionLabel: r.LabelValue()}
}

// ParseUnionLabel reads the value of a union label back into the reference
// it names; ok is false when it names no union.
func ParseUnionLabel(value string) (ref UnionReference, ok bool) {
	kind, name, found := strings.Cut(value, ".")
	if !found || name == "" || !slices.Contains(UnionKinds, UnionKind(kind)) {
		return UnionReference{}, false
	}
	return UnionReference{Kind: UnionKind(kind), Name: name}, true
}

// UnionNamer is implemented by the kinds that name the union they act in:
// Memberships, ExitTreaties and Proposals.
// +kubebuilder:object:generate=false
type UnionNamer interface {
	metav1.Object
	runtime.Object
	// GetUnion is the union the object names.
	GetUnion() UnionReference
}

// GetUnion implements UnionNamer.
func (m *Membership) GetUnion() UnionReference { return m.Spec.Union }

// GetUnion implements UnionNamer.
func (t *ExitTreaty) GetUnion() UnionReference { return t.Spec.Union }

// GetUnion implements UnionNamer.
func (p *Proposal) GetUnion() UnionReference { return p.Spec.Union }

// Ended reports whether a membership standing no longer badges anything.
func (s Standing) Ended() bool {
	return s == StandingSeparated || s == StandingEnded
}

// Badged reports whether a membership in this standing carries badges:
// Active members, and members cooling off (nothing changes during cool-off).
func (s Standing) Badged() bool {
	return s == StandingActive || s == StandingCoolingOff
}

// Badged reports whether a Membership carries its union's badges as it
// last recorded: a badged standing, and not being deleted.
func (m *Membership) Badged() bool {
	return m.DeletionTimestamp == nil && m.Status.Standing.Badged()
}

// TimeOf returns the time of a metav1.Time pointer, or the zero time for nil.
func TimeOf(t *metav1.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.Time
}

// TimePtr returns a metav1.Time pointer, or nil for the zero time.
func TimePtr(t time.Time) *metav1.Time {
	if t.IsZero() {
		return nil
	}
	mt := metav1.NewTime(t)
	return &mt
}

// IsBadgeKey reports whether a label key is a badge key:
// <coalition|alliance|federation>.unions.kos.dev/<union-name>.
func IsBadgeKey(key string) bool {
	prefix, name, ok := strings.Cut(key, "/")
	if !ok || name == "" {
		return false
	}
	switch prefix {
	case "coalition." + BadgeDomain, "alliance." + BadgeDomain, "federation." + BadgeDomain:
		return true
	}
	return false
}

// SpecTerms are the terms a Membership asks for.
func (m *Membership) SpecTerms() MembershipTerms {
	return MembershipTerms{Generation: m.Generation, Agents: m.Spec.Agents, Reserves: m.Spec.Reserves, Overrides: m.Spec.Overrides}
}

// TermsInForce are the terms the union applies for a Membership: those it
// accepted last, while the Membership is badged; its spec otherwise.
func (m *Membership) TermsInForce() MembershipTerms {
	if m.Status.Terms != nil && m.Status.Standing.Badged() {
		return *m.Status.Terms
	}
	return m.SpecTerms()
}
