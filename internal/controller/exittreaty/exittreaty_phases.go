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

package exittreaty

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/audit"
	"github.com/kos-dev/union-operator/internal/conditions"
	"github.com/kos-dev/union-operator/internal/mediation"
	"github.com/kos-dev/union-operator/internal/separation"
)

// Events of the audit chain, one per transition.
const (
	EventProposed           = "Proposed"
	EventMediationRequested = "MediationRequested"
	EventApprovedByMediator = "ApprovedByMediator"
	EventRejectedByMediator = "RejectedByMediator"
	EventCoolingOff         = "CoolingOff"
	EventWithdrawn          = "Withdrawn"
	EventEffective          = "Effective"
	EventRejected           = "Rejected"
)

// Reasons of the treaty's conditions.
const (
	ReasonNotAMember         = "NotAMember"
	ReasonCoolOffTooShort    = "CoolOffTooShort"
	ReasonUnknownAssetKind   = "UnknownAssetKind"
	ReasonAwaitingMembership = "AwaitingMembership"
	ReasonAwaitingMediation  = "AwaitingMediation"
	ReasonCoolingOff         = "CoolingOff"
	ReasonEffective          = "Effective"
	ReasonWithdrawn          = "Withdrawn"
	ReasonChainBroken        = "ChainBroken"
	ReasonChainVerified      = "Verified"
	// ReasonAssetsNotDisposed: the union's objects of a Separated member
	// could not be retained or released yet.
	ReasonAssetsNotDisposed = "AssetsNotDisposed"
)

// scope is what one reconcile of a treaty observed. It holds plain objects,
// so that the phases below are a pure function of it.
type scope struct {
	treaty *unionsv1.ExitTreaty
	// union left by the treaty; nil when it does not exist.
	union unionsv1.Union
	// membership is the namespace's Membership the treaty speaks for; nil
	// when there is none.
	membership *unionsv1.Membership
	// siblings are the treaties of the namespace for the same union, this
	// one included.
	siblings []unionsv1.ExitTreaty
	// holder names another live treaty of the namespace for the union that
	// takes precedence over this one (one exit at a time).
	holder string
	// verdict is a mediator's decisive Ballot, if any.
	verdict *mediation.Verdict
	now     time.Time
}

// treatyOutcome is what the phases concluded.
type treatyOutcome struct {
	// chain is the audit chain after this reconcile; appended are the
	// entries this reconcile added to it.
	chain    []audit.Entry
	appended []audit.Entry
	// broken is set when the recorded chain does not verify: nothing is
	// appended and the treaty does not progress.
	broken *audit.BrokenError

	phase       unionsv1.ExitTreatyPhase
	effectiveAt time.Time
	eligibleAt  time.Time
	summary     conditions.Summary
	// requeueAt is the next instant the treaty changes by time alone.
	requeueAt time.Time
	// err is set when a transition could not be recorded; nothing is written.
	err error
}

// record appends one entry to the chain, timed now.
func (o *treatyOutcome) record(now time.Time, event, detail string) {
	if o.err != nil {
		return
	}
	chain, err := audit.Append(o.chain, now, event, strings.ToValidUTF8(detail, "\uFFFD"))
	if err != nil { // the chain verified and the entry is well formed: only a clock at year zero gets here
		o.err = fmt.Errorf("recording %s: %w", event, err)
		return
	}
	o.chain = chain
	o.appended = append(o.appended, chain[len(chain)-1])
}

// advance runs the treaty through its phases as far as the facts allow,
// recording every transition once: the phase is read from the chain itself,
// so a transition already on record is never recorded again.
func advance(s *scope) treatyOutcome {
	t := s.treaty
	o := treatyOutcome{
		chain:       audit.FromStatus(t.Status.Audit),
		phase:       t.Status.Phase,
		effectiveAt: unionsv1.TimeOf(t.Status.EffectiveAt),
		eligibleAt:  unionsv1.TimeOf(t.Status.ReintegrationEligibleAt),
	}
	if err := audit.Verify(o.chain); err != nil {
		var broken *audit.BrokenError
		if !errors.As(err, &broken) {
			broken = &audit.BrokenError{Reason: err.Error()}
		}
		o.broken = broken
		o.summary = conditions.Summary{State: conditions.Stalled, Reason: ReasonChainBroken,
			Message: fmt.Sprintf("the audit chain does not verify (%s); the treaty does not progress until the chain is restored", broken.Error())}
		return o
	}
	// Each pass records one transition and a treaty makes at most six, so
	// the bound is never reached.
	for range 8 {
		phase, last := phaseOf(o.chain)
		o.phase = phase
		if done := s.step(&o, phase, last); done || o.err != nil {
			return o
		}
	}
	o.err = errors.New("the treaty's phases did not settle")
	return o
}

// step takes one transition from phase and reports whether the treaty has
// gone as far as it can for now.
func (s *scope) step(o *treatyOutcome, phase unionsv1.ExitTreatyPhase, last audit.Entry) (done bool) {
	t := s.treaty
	switch phase {
	case "":
		o.record(s.now, EventProposed, s.proposal())
	case unionsv1.TreatyProposed, unionsv1.TreatyMediation:
		switch reject, wait := s.check(phase); {
		case t.Spec.Withdrawn:
			o.record(s.now, EventWithdrawn, "withdrawn by namespace "+t.Namespace+" before the cool-off")
		case reject != nil:
			o.record(s.now, EventRejected, reject.Reason+": "+reject.Message)
		case wait != "":
			o.summary = conditions.Summary{State: conditions.Progressing, Reason: ReasonAwaitingMembership, Message: wait}
			return true
		case last.Event == EventApprovedByMediator:
			s.startCoolingOff(o, "approved by a mediator")
		case phase == unionsv1.TreatyProposed && len(s.mediators()) > 0:
			o.record(s.now, EventMediationRequested, "awaiting a Ballot on the treaty from a mediator: "+strings.Join(s.mediators(), ", "))
		case phase == unionsv1.TreatyProposed:
			s.startCoolingOff(o, "the union names no mediators")
		case len(s.mediators()) == 0:
			s.startCoolingOff(o, "the union no longer names mediators")
		case s.verdict == nil:
			o.summary = conditions.Summary{State: conditions.Progressing, Reason: ReasonAwaitingMediation,
				Message: fmt.Sprintf("waiting, without deadline, until a mediator (%s) approves or rejects the exit with a Ballot on ExitTreaty %s/%s",
					strings.Join(s.mediators(), ", "), t.Namespace, t.Name)}
			return true
		case s.verdict.Approve:
			o.record(s.now, EventApprovedByMediator, "Ballot "+s.verdict.Ballot+" voted For")
		default:
			o.record(s.now, EventRejectedByMediator, "Ballot "+s.verdict.Ballot+" voted Against")
		}
	case unionsv1.TreatyCoolingOff:
		if o.effectiveAt.IsZero() { // lost from status: the terms give it back
			o.effectiveAt = last.Time.Add(s.coolOff())
		}
		switch reject := s.checkMember(unionsv1.TreatyCoolingOff); {
		case t.Spec.Withdrawn:
			o.record(s.now, EventWithdrawn, "withdrawn by namespace "+t.Namespace+" during the cool-off; the membership stays as it was")
		case reject != nil:
			o.record(s.now, EventRejected, reject.Reason+": "+reject.Message)
		case s.now.Before(o.effectiveAt):
			o.summary = conditions.Summary{State: conditions.Progressing, Reason: ReasonCoolingOff,
				Message: fmt.Sprintf("cooling off until %s; nothing changes for the member until then; set spec.withdrawn to call the exit off", rfc3339(o.effectiveAt))}
			o.requeueAt = o.effectiveAt
			return true
		default:
			o.eligibleAt = o.effectiveAt.Add(separation.ReintegrationAfter(s.union))
			o.record(s.now, EventEffective, fmt.Sprintf("Membership %q is Separated from %s; assets: %s; the namespace may rejoin from %s",
				s.membership.Name, t.Spec.Union, assetTerms(t), rfc3339(o.eligibleAt)))
		}
	case unionsv1.TreatyEffective:
		o.summary = conditions.Summary{State: conditions.Ready, Reason: ReasonEffective,
			Message: fmt.Sprintf("separated from %s at %s; the namespace may rejoin from %s", t.Spec.Union, rfc3339(o.effectiveAt), rfc3339(o.eligibleAt))}
		return true
	case unionsv1.TreatyWithdrawn:
		o.summary = conditions.Summary{State: conditions.Ready, Reason: ReasonWithdrawn,
			Message: fmt.Sprintf("withdrawn at %s; the namespace stays in %s", rfc3339(last.Time), t.Spec.Union)}
		return true
	case unionsv1.TreatyRejected:
		reason, message := ReasonFromDetail(last)
		o.summary = conditions.Summary{State: conditions.Stalled, Reason: reason,
			Message: message + "; a Rejected treaty is final: file a new ExitTreaty to leave"}
		return true
	}
	return false
}

// startCoolingOff records the start of the cool-off and when it ends.
func (s *scope) startCoolingOff(o *treatyOutcome, why string) {
	coolOff := s.coolOff()
	o.effectiveAt = s.now.UTC().Truncate(time.Second).Add(coolOff)
	o.record(s.now, EventCoolingOff, fmt.Sprintf("%s; cooling off for %s until %s", why, coolOff, rfc3339(o.effectiveAt)))
}

// check says whether a treaty not yet cooling off must be rejected, and, if
// not, what it waits for (empty: nothing).
func (s *scope) check(phase unionsv1.ExitTreatyPhase) (reject *reason, wait string) {
	t := s.treaty
	ref := t.Spec.Union.String()
	switch {
	case s.union == nil && s.membership != nil && s.membership.DeletionTimestamp == nil && s.membership.Status.Standing.Badged():
		// The member was admitted, so the union exists: this view of it lags.
		return nil, "waiting to observe " + ref + ", in which Membership " + s.membership.Name + " is " + string(s.membership.Status.Standing)
	case s.union == nil && s.membership == nil:
		return &reason{ReasonNotAMember, fmt.Sprintf("namespace %s holds no Membership in %s, which does not exist; only a member can leave", t.Namespace, ref)}, ""
	case s.union == nil:
		return &reason{unionsv1.ReasonUnionNotFound, "the union " + ref + " does not exist"}, ""
	case s.holder != "":
		return &reason{unionsv1.ReasonDuplicate, fmt.Sprintf("namespace %s already leaves %s by ExitTreaty %q: one exit at a time", t.Namespace, ref, s.holder)}, ""
	}
	if unknown := unknownAssetKinds(t); len(unknown) > 0 {
		return &reason{ReasonUnknownAssetKind, fmt.Sprintf("spec.assets names %s; the union makes only %s", strings.Join(unknown, ", "), strings.Join(AssetKinds(), ", "))}, ""
	}
	if minimum := unionsv1.MinimumCoolOff(s.union); s.coolOff() < minimum {
		return &reason{ReasonCoolOffTooShort, fmt.Sprintf("coolOff %s is below the minimum cool-off of %s, %s", s.coolOff(), ref, minimum)}, ""
	}
	if m := s.membership; m != nil && m.DeletionTimestamp == nil && m.Status.Standing == "" {
		return nil, fmt.Sprintf("waiting for Membership %q to be admitted to %s", m.Name, ref)
	}
	if m := s.membership; m != nil && m.DeletionTimestamp == nil && m.Status.Standing == unionsv1.StandingCoolingOff && phase != unionsv1.TreatyCoolingOff {
		// No treaty holds the exit (s.holder is empty): the one the
		// Membership cools off by was withdrawn, and its standing lags.
		return nil, fmt.Sprintf("waiting for Membership %q to end the cool-off of a withdrawn treaty", m.Name)
	}
	return s.checkMember(phase), ""
}

// checkMember says why the namespace cannot leave by this treaty in this
// phase, or nil when it can: it must be an Active member (or, once the
// treaty cools off, a member cooling off by it).
func (s *scope) checkMember(phase unionsv1.ExitTreatyPhase) *reason {
	t := s.treaty
	ref := t.Spec.Union.String()
	m := s.membership
	switch {
	case s.union == nil:
		return &reason{unionsv1.ReasonUnionNotFound, "the union " + ref + " no longer exists"}
	case m == nil:
		return &reason{ReasonNotAMember, fmt.Sprintf("namespace %s holds no Membership in %s filed before this treaty; only a member can leave", t.Namespace, ref)}
	case m.DeletionTimestamp != nil:
		return &reason{ReasonNotAMember, fmt.Sprintf("Membership %q of namespace %s in %s was deleted: the namespace left without this treaty", m.Name, t.Namespace, ref)}
	case m.Status.Standing == unionsv1.StandingActive,
		m.Status.Standing == unionsv1.StandingCoolingOff && phase == unionsv1.TreatyCoolingOff:
		return nil
	}
	return &reason{ReasonNotAMember, fmt.Sprintf("namespace %s is not an Active member of %s: Membership %q is %s", t.Namespace, ref, m.Name, m.Status.Standing)}
}

// reason is a CamelCase reason with a human message.
type reason struct{ Reason, Message string }

// mediators are the namespaces whose Ballot decides the treaty.
func (s *scope) mediators() []string {
	if s.union == nil {
		return nil
	}
	return s.union.Terms().Separation.Mediators
}

// coolOff is the treaty's cool-off: its own, or the union's minimum.
func (s *scope) coolOff() time.Duration {
	if c := s.treaty.Spec.CoolOff; c != nil {
		return c.Duration
	}
	if s.union == nil {
		return 0
	}
	return unionsv1.MinimumCoolOff(s.union)
}

// proposal is the detail of the first entry: the terms as proposed.
func (s *scope) proposal() string {
	t := s.treaty
	coolOff := "the union's minimum cool-off"
	if t.Spec.CoolOff != nil {
		coolOff = "a cool-off of " + t.Spec.CoolOff.Duration.String()
	}
	detail := fmt.Sprintf("namespace %s proposes to leave %s with %s; assets: %s", t.Namespace, t.Spec.Union, coolOff, assetTerms(t))
	if t.Spec.Reason != "" {
		detail += "; reason: " + t.Spec.Reason
	}
	if n := len(t.Spec.Commitments); n > 0 {
		detail += fmt.Sprintf("; %d commitments outlive the exit", n)
	}
	return detail
}

// phaseOf reads the phase from the chain: the phase its latest transition
// led to, and that entry. An approval that was recorded without the start
// of the cool-off reads as Mediation with the approval as latest entry.
func phaseOf(chain []audit.Entry) (unionsv1.ExitTreatyPhase, audit.Entry) {
	for _, e := range slices.Backward(chain) {
		switch e.Event {
		case EventProposed:
			return unionsv1.TreatyProposed, e
		case EventMediationRequested, EventApprovedByMediator:
			return unionsv1.TreatyMediation, e
		case EventCoolingOff:
			return unionsv1.TreatyCoolingOff, e
		case EventWithdrawn:
			return unionsv1.TreatyWithdrawn, e
		case EventEffective:
			return unionsv1.TreatyEffective, e
		case EventRejected, EventRejectedByMediator:
			return unionsv1.TreatyRejected, e
		}
	}
	return "", audit.Entry{}
}

// ReasonFromDetail returns the reason and message of a rejection entry:
// Rejected entries read "<Reason>: <message>"; a mediator's rejection is its
// own reason.
func ReasonFromDetail(e audit.Entry) (string, string) {
	if e.Event == EventRejectedByMediator {
		return EventRejectedByMediator, "rejected by a mediator: " + e.Detail
	}
	if r, msg, ok := strings.Cut(e.Detail, ": "); ok && r != "" && !strings.ContainsAny(r, " \t") {
		return r, msg
	}
	return EventRejected, e.Detail
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }
