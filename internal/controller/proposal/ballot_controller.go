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

package proposal

import (
	"context"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/conditions"
	"github.com/kos-dev/union-operator/internal/governance"
	"github.com/kos-dev/union-operator/internal/index"
	"github.com/kos-dev/union-operator/internal/mediation"
	"github.com/kos-dev/union-operator/internal/status"
)

// BallotReconciler reconciles Ballots: it is the one writer of their status.
type BallotReconciler struct {
	client.Client
	Clock clock.PassiveClock
}

// +kubebuilder:rbac:groups=unions.kos.dev,resources=ballots,verbs=list;watch
// +kubebuilder:rbac:groups=unions.kos.dev,resources=ballots/status,verbs=patch
// +kubebuilder:rbac:groups=unions.kos.dev,resources=proposals,verbs=list;watch
// +kubebuilder:rbac:groups=unions.kos.dev,resources=exittreaties,verbs=list;watch

// Reconcile says whether a Ballot counts, and why. The status is written
// once, at the end, under an optimistic lock: the verdict a decision was
// made with must not be overwritten from a stale read.
func (r *BallotReconciler) Reconcile(ctx context.Context, req ctrl.Request) (res ctrl.Result, retErr error) {
	b := &unionsv1.Ballot{}
	if err := r.Get(ctx, req.NamespacedName, b); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if b.DeletionTimestamp != nil {
		return ctrl.Result{}, nil
	}
	patcher := status.NewPatcher(r.Client, b, status.WithOptimisticLock())
	var outcome status.Outcome
	defer func() { res, retErr = patcher.Finish(ctx, b, r.Clock.Now(), outcome, retErr) }()

	var f ballotFacts
	var err error
	switch b.Spec.Subject.Kind {
	case unionsv1.SubjectExitTreaty:
		f, err = r.onTreaty(ctx, b)
	default:
		f, err = r.onProposal(ctx, b)
	}
	if err != nil {
		return ctrl.Result{}, err
	}
	v := judge(f)
	b.Status.Counted = v.counted
	if v.counted {
		b.Status.SubjectUID = f.uid
	}
	conditions.Mark(&b.Status.Conditions, b.Generation, metav1.NewTime(r.Clock.Now()), unionsv1.ConditionCounted, v.counted, v.summary.Reason, v.summary.Message)
	outcome.Summary = v.summary
	return ctrl.Result{}, nil
}

// onProposal gathers the facts of a ballot on a Proposal: it counts for
// the namespace that holds it, once, if that namespace has a voice in the
// union the proposal is put to, while the proposal is undecided.
func (r *BallotReconciler) onProposal(ctx context.Context, b *unionsv1.Ballot) (ballotFacts, error) {
	on := b.Spec.Subject
	f := ballotFacts{ballot: b, subject: "Proposal " + on.Namespace + "/" + on.Name}
	p := &unionsv1.Proposal{}
	switch err := r.Get(ctx, client.ObjectKey{Namespace: on.Namespace, Name: on.Name}, p); {
	case apierrors.IsNotFound(err):
		return f, nil
	case err != nil:
		return f, err
	}
	f.found, f.uid = true, p.UID
	f.replaced = replaced(b, f.subject, p.UID, p.CreationTimestamp)
	switch {
	case governance.Decided(p) && !governance.Voted(p):
		f.closed, f.void = fmt.Sprintf("%s was refused without a vote (%s)", f.subject, p.Status.Phase), true
	case governance.Decided(p):
		f.closed = fmt.Sprintf("%s was decided (%s)", f.subject, p.Status.Phase)
	}

	ballots, err := index.BallotsOn(ctx, r, unionsv1.SubjectProposal, on.Namespace, on.Name)
	if err != nil {
		return f, err
	}
	if first := governance.Cast(governance.Bound(ballots, p.UID, p.CreationTimestamp))[b.Namespace]; first != nil && first.Name != b.Name {
		f.duplicateOf = first.Name
	}

	ref := p.Spec.Union.String()
	u, observed, err := observeUnion(ctx, r, p.Spec.Union)
	if err != nil {
		return f, err
	}
	if u == nil {
		f.notVoter = ref + " does not exist"
		return f, nil
	}
	body, err := governance.NewBody(observed)
	if err != nil {
		f.notVoter = "the governance of " + ref + " is invalid: " + err.Error()
		return f, nil
	}
	voice, ok := governance.VoiceOf(body, b.Namespace)
	switch {
	case !ok:
		f.notVoter = fmt.Sprintf("namespace %s is not a member of %s (nor of a child federation that votes in it): its ballot does not count", b.Namespace, ref)
	case voice.Bloc:
		f.voice = fmt.Sprintf("for namespace %s within the bloc vote of %s in %s", b.Namespace, voice.Via, ref)
	case voice.Via != body.Name:
		f.voice = fmt.Sprintf("for namespace %s, a member of %s voting directly in %s", b.Namespace, voice.Via, ref)
	default:
		f.voice = fmt.Sprintf("for namespace %s, a member of %s", b.Namespace, ref)
	}
	return f, nil
}

// onTreaty gathers the facts of a ballot on an ExitTreaty, by the rule the
// ExitTreaty controller applies: it counts when its namespace is one of the
// mediators of the union the treaty leaves, and not the departing namespace,
// while the treaty is in mediation. Every mediator's ballot is read there (a
// No from any of them rejects the treaty), so there are no duplicates.
func (r *BallotReconciler) onTreaty(ctx context.Context, b *unionsv1.Ballot) (ballotFacts, error) {
	on := b.Spec.Subject
	f := ballotFacts{ballot: b, subject: "ExitTreaty " + on.Namespace + "/" + on.Name}
	t := &unionsv1.ExitTreaty{}
	switch err := r.Get(ctx, client.ObjectKey{Namespace: on.Namespace, Name: on.Name}, t); {
	case apierrors.IsNotFound(err):
		return f, nil
	case err != nil:
		return f, err
	}
	f.found, f.uid = true, t.UID
	f.replaced = replaced(b, f.subject, t.UID, t.CreationTimestamp)
	if !mediation.Open(t) {
		f.closed = fmt.Sprintf("%s is past mediation (%s)", f.subject, t.Status.Phase)
	}

	ref := t.Spec.Union.String()
	u := unionsv1.NewUnion(t.Spec.Union.Kind)
	switch err := r.Get(ctx, client.ObjectKey{Name: t.Spec.Union.Name}, u); {
	case apierrors.IsNotFound(err):
		f.notVoter = ref + " does not exist"
		return f, nil
	case err != nil:
		return f, err
	}
	if ok, why := mediation.Mediates(b.Namespace, t, u.Terms().Separation.Mediators); ok {
		f.voice = fmt.Sprintf("namespace %s mediates exits from %s", b.Namespace, ref)
	} else {
		f.notVoter = why
	}
	return f, nil
}

// replaced says why the subject found is not the object a ballot was cast
// on, or "" when it is (governance.BoundTo).
func replaced(b *unionsv1.Ballot, subject string, uid types.UID, created metav1.Time) string {
	switch {
	case governance.BoundTo(b, uid, created):
		return ""
	case b.Spec.Subject.UID != "" && b.Spec.Subject.UID != uid:
		return fmt.Sprintf("the ballot names %s with uid %s, and the one of that name now is another (uid %s): it counts for no other", subject, b.Spec.Subject.UID, uid)
	case b.Status.SubjectUID != "" && b.Status.SubjectUID != uid:
		return fmt.Sprintf("the ballot counted for %s with uid %s, which was deleted; the one of that name now (uid %s) starts with no votes", subject, b.Status.SubjectUID, uid)
	}
	return fmt.Sprintf("the ballot was cast at %s, before %s was filed at %s: it was cast on an earlier one of that name and counts for no other",
		b.CreationTimestamp.UTC().Format(time.RFC3339), subject, created.UTC().Format(time.RFC3339))
}
