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

// Package admission decides a Membership's standing from observed facts: is
// the union there and live, does it admit the namespace, is this the one
// Membership of the namespace for that union, does an ExitTreaty cool it off
// or separate it, may it rejoin yet. It is pure and table-tested.
package admission

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

// Facts are what the membership controller observed.
type Facts struct {
	// Union is the union named by the Membership; nil when it does not exist.
	Union unionsv1.Union
	// Ended is non-empty when the union no longer takes members (expired,
	// dissolved, being deleted): the reason and message of the end.
	Ended *Reason
	// Namespace is the Membership's namespace and NamespaceLabels its labels.
	Namespace       string
	NamespaceLabels map[string]string
	// DuplicateOf names an older Membership of the same namespace for the same
	// union, when there is one.
	DuplicateOf string
	// InvalidTerms is non-empty when the Membership's terms are not acceptable
	// to the union (for example an override out of bounds).
	InvalidTerms string
	// InvalidTermsReason is the reason of the rejection for invalid terms
	// (InvalidTerms when empty), such as InvalidOverride.
	InvalidTermsReason string
	// EligibleAt is the earliest time the namespace may rejoin after an exit;
	// zero when it has not left.
	EligibleAt time.Time
	// Exit is the ExitTreaty that governs this Membership (cooling off, or
	// the Effective one that separated it); nil when none does.
	Exit *Exit
	// Reintegrate is the Membership's request to rejoin after a separation.
	Reintegrate bool
	// Member is set for a Membership already badged in a union that takes
	// a treaty to leave: it stays a member whatever becomes of its
	// invitation; only a treaty, an expulsion or the union's end end it.
	Member bool
	// AdmittedBy names (namespace/name) the Passed Admit proposal that
	// admits the namespace, when it is the union's latest decision on it:
	// the namespace is invited whatever the admission terms say.
	AdmittedBy string
	// ExpelledBy names (namespace/name) the Passed Expel proposal that
	// expelled the namespace, when it is the union's latest decision on it:
	// its Membership ends until a later Admit proposal passes.
	ExpelledBy string
	// Now is the current time.
	Now time.Time
}

// Exit is an ExitTreaty as far as a Membership's standing is concerned.
type Exit struct {
	// Treaty names the ExitTreaty.
	Treaty string
	// Effective is true once the exit took effect, false while it cools off.
	Effective bool
	// EffectiveAt is when the exit takes (or took) effect.
	EffectiveAt time.Time
}

// Reason is a CamelCase reason with a human message.
type Reason struct {
	Reason  string
	Message string
}

// Decision is the standing a Membership should have.
type Decision struct {
	Standing unionsv1.Standing
	Reason
	// RecheckAt is when the decision may change by the passage of time alone
	// (zero: only a change of facts changes it).
	RecheckAt time.Time
}

// Reasons specific to admission.
const (
	ReasonReintegrationWait = "ReintegrationWait"
	ReasonInvalidSelector   = "InvalidSelector"
	ReasonSeparated         = "Separated"
	ReasonCoolingOff        = "CoolingOff"
	ReasonExpelled          = "Expelled"
	ReasonSystemNamespace   = "SystemNamespace"
)

// SystemNamespaces are the namespaces of the cluster itself: no union joins
// them, and the operator's fence (config/policy) forbids it to write there.
var SystemNamespaces = []string{"kube-system", "kube-public", "kube-node-lease"}

// Decide returns the standing for the facts.
func Decide(f Facts) Decision {
	switch {
	case slices.Contains(SystemNamespaces, f.Namespace):
		return Decision{Standing: unionsv1.StandingRejected, Reason: Reason{ReasonSystemNamespace,
			f.Namespace + " is a namespace of the cluster itself: unions join tenant namespaces only"}}
	case f.Union == nil:
		return Decision{Standing: unionsv1.StandingPending, Reason: Reason{unionsv1.ReasonUnionNotFound, "the union does not exist (yet)"}}
	case f.DuplicateOf != "":
		return Decision{Standing: unionsv1.StandingRejected, Reason: Reason{unionsv1.ReasonDuplicate,
			fmt.Sprintf("namespace %s already joins %s through Membership %q", f.Namespace, unionsv1.Reference(f.Union), f.DuplicateOf)}}
	case f.InvalidTerms != "":
		return Decision{Standing: unionsv1.StandingRejected, Reason: Reason{cmp.Or(f.InvalidTermsReason, unionsv1.ReasonInvalidTerms), f.InvalidTerms}}
	case f.Ended != nil:
		return Decision{Standing: unionsv1.StandingEnded, Reason: *f.Ended}
	case f.ExpelledBy != "":
		return Decision{Standing: unionsv1.StandingEnded, Reason: Reason{ReasonExpelled,
			fmt.Sprintf("expelled from %s by Proposal %s; only a later Admit proposal re-admits the namespace", unionsv1.Reference(f.Union), f.ExpelledBy)}}
	}
	ref := unionsv1.Reference(f.Union).String()
	waiting := !f.EligibleAt.IsZero() && f.Now.Before(f.EligibleAt)
	if x := f.Exit; x != nil && x.Effective && (!f.Reintegrate || waiting) {
		return separated(f, ref, waiting)
	}
	if ok, why := Invited(f.Union.Terms().Admission, f.Namespace, f.NamespaceLabels); !ok && f.AdmittedBy == "" && !f.Member {
		return Decision{Standing: unionsv1.StandingPending, Reason: why}
	}
	if waiting {
		return Decision{
			Standing:  unionsv1.StandingPending,
			Reason:    Reason{ReasonReintegrationWait, "the namespace may rejoin at " + f.EligibleAt.UTC().Format(time.RFC3339)},
			RecheckAt: f.EligibleAt,
		}
	}
	if x := f.Exit; x != nil && !x.Effective {
		return Decision{Standing: unionsv1.StandingCoolingOff, Reason: Reason{ReasonCoolingOff,
			fmt.Sprintf("member of %s, cooling off under ExitTreaty %q until %s; nothing changes until then", ref, x.Treaty, x.EffectiveAt.UTC().Format(time.RFC3339))}}
	}
	return Decision{Standing: unionsv1.StandingActive, Reason: Reason{unionsv1.ReasonActive, "member of " + ref}}
}

// separated is the decision for a Membership an Effective treaty separated,
// which has not (yet) been re-integrated.
func separated(f Facts, ref string, waiting bool) Decision {
	x := f.Exit
	left := fmt.Sprintf("separated from %s by ExitTreaty %q at %s", ref, x.Treaty, x.EffectiveAt.UTC().Format(time.RFC3339))
	eligible := f.EligibleAt.UTC().Format(time.RFC3339)
	switch {
	case f.Reintegrate: // and still waiting
		return Decision{Standing: unionsv1.StandingSeparated, RecheckAt: f.EligibleAt,
			Reason: Reason{ReasonReintegrationWait, left + "; re-integration is refused until " + eligible}}
	case waiting:
		return Decision{Standing: unionsv1.StandingSeparated,
			Reason: Reason{ReasonSeparated, left + "; set spec.reintegrate to rejoin from " + eligible}}
	}
	return Decision{Standing: unionsv1.StandingSeparated,
		Reason: Reason{ReasonSeparated, left + "; set spec.reintegrate to rejoin"}}
}

// Invited reports whether a union's admission terms admit a namespace, and
// if not, why.
func Invited(a unionsv1.Admission, namespace string, nsLabels map[string]string) (bool, Reason) {
	if a.Policy == unionsv1.AdmissionOpen || slices.Contains(a.Namespaces, namespace) {
		return true, Reason{}
	}
	if a.NamespaceSelector != nil {
		sel, err := metav1.LabelSelectorAsSelector(a.NamespaceSelector)
		if err != nil {
			return false, Reason{ReasonInvalidSelector, "the union's namespaceSelector is invalid: " + err.Error()}
		}
		// An empty selector would match every namespace: it invites no one,
		// so that an accidental {} does not open an InviteOnly union.
		if !sel.Empty() && sel.Matches(labels.Set(nsLabels)) {
			return true, Reason{}
		}
	}
	return false, Reason{unionsv1.ReasonNotInvited, "waiting for an invitation: the union is InviteOnly and does not name namespace " + namespace}
}
