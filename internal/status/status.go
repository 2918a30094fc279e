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

// Package status is the one status path of every kind: a reconcile takes a
// Patcher when it starts and finishes through it, deferred, so that status
// is written however the reconcile ends.
//
//   - The reconcile concluded (nil error): the conditions its phases set,
//     Ready/Reconciling/Stalled from its Outcome, and observedGeneration
//     advanced to the generation it saw.
//   - It failed transiently: Ready=False and Reconciling=True with the
//     error's reason and message; nothing else of the status changes (a
//     half-computed status is never written) and observedGeneration stays,
//     so kstatus reads the object as InProgress; the error goes back to the
//     work queue, which retries with backoff.
//   - Its outcome is Stalled (the spec cannot be satisfied as written): the
//     error returned is a reconcile.TerminalError, so the work queue does
//     not retry what only a change of spec (or of what it watches) can fix;
//     unless time itself changes the object later (Outcome.RequeueAt), when
//     it is called back then instead.
//
// The status is written by one merge patch against the status the reconcile
// started from, and only when it changed: a resync with nothing changed
// writes nothing. Each kind has one writer of its status (its own
// reconciler), so no three-way merge of conditions is needed; the patch
// helpers of Cluster API and Flux, which do that merge, spend a read and a
// second write per reconcile on it, which the expiry path cannot afford.
package status

import (
	"context"
	"errors"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/conditions"
)

// Outcome is what a reconcile's phases concluded.
type Outcome struct {
	// Summary sets Ready, Reconciling and Stalled.
	Summary conditions.Summary
	// RequeueAt is the next instant the object changes by time alone
	// (zero: none).
	RequeueAt time.Time
}

// ReasonReconcileFailed is the reason of a transient error that names none.
const ReasonReconcileFailed = "ReconcileFailed"

// reasonedError is an error with the CamelCase reason it is reported under.
type reasonedError struct {
	reason string
	err    error
}

func (e *reasonedError) Error() string { return e.err.Error() }
func (e *reasonedError) Unwrap() error { return e.err }

// Wrap gives a transient error the reason its Reconciling condition shows,
// such as CharterNotWritten; nil stays nil.
func Wrap(reason string, err error) error {
	if err == nil {
		return nil
	}
	return &reasonedError{reason: reason, err: err}
}

// ReasonOf is the reason an error is reported under: the one Wrap gave it,
// else the API server's (Forbidden, Conflict, Invalid, ...), else
// ReconcileFailed.
func ReasonOf(err error) string {
	var r *reasonedError
	if errors.As(err, &r) {
		return r.reason
	}
	if reason := apierrors.ReasonForError(err); reason != metav1.StatusReasonUnknown {
		return string(reason)
	}
	return ReasonReconcileFailed
}

// Option tunes how a Patcher writes.
type Option func(*Patcher)

// WithOptimisticLock makes the status patch fail on a conflict rather than
// overwrite a status written since the object was read: for a status that
// records decisions (an audit chain, a vote), which a reconcile working
// from a stale cache must never undo. The conflict is not an error: the
// newer object is on its way to be reconciled.
func WithOptimisticLock() Option { return func(p *Patcher) { p.lock = true } }

// Patcher writes the status of one object at the end of a reconcile.
type Patcher struct {
	client client.Client
	before unionsv1.StatusObject
	lock   bool
	// Written reports, after Finish, whether the status was written.
	Written bool
}

// NewPatcher snapshots obj, whose status the reconcile is about to compute.
func NewPatcher(c client.Client, obj unionsv1.StatusObject, opts ...Option) *Patcher {
	p := &Patcher{client: c, before: obj.DeepCopyObject().(unionsv1.StatusObject)}
	for _, o := range opts {
		o(p)
	}
	return p
}

// MetadataPatched tells the patcher that the reconcile wrote the object's
// metadata (a finalizer) and that the object is now at resourceVersion: the
// status patch, under an optimistic lock, builds on that write instead of
// conflicting with it.
func (p *Patcher) MetadataPatched(obj unionsv1.StatusObject, resourceVersion string) {
	p.before.SetResourceVersion(resourceVersion)
	obj.SetResourceVersion(resourceVersion)
}

// Finish ends a reconcile of obj that concluded outcome, or failed with
// reconcileErr, at now: it sets the kstatus conditions and observedGeneration
// as the package documentation says, writes the status when it changed,
// and returns what controller-runtime is to do next.
func (p *Patcher) Finish(ctx context.Context, obj unionsv1.StatusObject, now time.Time, outcome Outcome, reconcileErr error) (ctrl.Result, error) {
	if expected, requeue := Expected(reconcileErr); expected {
		// Nothing to report: a newer version of an object, or a namespace
		// on its way out, is not the object's failure.
		ctrl.LoggerFrom(ctx).V(1).Info("Reconcile ended early", "reason", ReasonOf(reconcileErr), "error", reconcileErr.Error())
		return ctrl.Result{RequeueAfter: requeue}, nil
	}
	at := metav1.NewTime(now)
	target := obj
	if reconcileErr != nil {
		// Only the kstatus conditions say what happened; the rest of the
		// status stays as it was read.
		target = p.before.DeepCopyObject().(unionsv1.StatusObject)
		summary := conditions.Summary{State: conditions.Progressing, Reason: ReasonOf(reconcileErr), Message: reconcileErr.Error()}
		if errors.Is(reconcileErr, reconcile.TerminalError(nil)) {
			summary.State = conditions.Stalled
		}
		conditions.Set(target.StatusConditions(), target.GetGeneration(), at, summary)
	} else {
		conditions.Set(target.StatusConditions(), target.GetGeneration(), at, outcome.Summary)
		*target.StatusObservedGeneration() = target.GetGeneration()
	}
	if err := p.patch(ctx, target); err != nil {
		ctrl.LoggerFrom(ctx).V(1).Info("Status not written", "reason", ReasonOf(err), "error", err.Error())
		if reconcileErr == nil {
			return ctrl.Result{}, err
		}
	}
	switch {
	case reconcileErr != nil:
		return ctrl.Result{}, reconcileErr
	case outcome.Summary.State == conditions.Stalled && outcome.RequeueAt.IsZero():
		return ctrl.Result{}, reconcile.TerminalError(&stalledError{outcome.Summary})
	}
	return RequeueAt(now, outcome.RequeueAt), nil
}

// patch writes target's status against the snapshot, when it changed. A
// conflict under the optimistic lock, or an object gone meanwhile, is no
// error: a newer event brings the object back, or there is nothing left.
func (p *Patcher) patch(ctx context.Context, target unionsv1.StatusObject) error {
	data, err := client.MergeFrom(p.before).Data(target)
	if err != nil {
		return err
	}
	if string(data) == "{}" {
		return nil
	}
	patch := client.MergeFrom(p.before)
	if p.lock {
		patch = client.MergeFromWithOptions(p.before, client.MergeFromWithOptimisticLock{})
	}
	err = p.client.Status().Patch(ctx, target, patch)
	switch {
	case err == nil:
		p.Written = true
		return nil
	case apierrors.IsNotFound(err), p.lock && apierrors.IsConflict(err):
		return nil
	}
	return err
}

// conflictRetry is how soon a reconcile that lost a write to a newer
// version of an object tries again (the newer version's event usually
// brings it back sooner).
const conflictRetry = time.Second

// Expected reports whether a reconcile error is a condition of a live
// cluster rather than a failure, to be retried quietly (after requeue) or
// not at all: an update conflict (another writer was first), or a write
// into a namespace being deleted (whose objects go with it).
func Expected(err error) (expected bool, requeue time.Duration) {
	switch {
	case err == nil:
		return false, 0
	case apierrors.IsConflict(err):
		return true, conflictRetry
	case apierrors.HasStatusCause(err, corev1.NamespaceTerminatingCause):
		return true, 0
	}
	return false, 0
}

// stalledError is the terminal error of a Stalled outcome.
type stalledError struct{ summary conditions.Summary }

func (e *stalledError) Error() string {
	return e.summary.Reason + ": " + conditions.Bound(e.summary.Message)
}

// RequeueAt asks to be called back at a deadline, if there is one: never
// less than a millisecond from now, so a deadline just passed still comes
// back through the work queue rather than being lost.
func RequeueAt(now, at time.Time) ctrl.Result {
	if at.IsZero() {
		return ctrl.Result{}
	}
	return ctrl.Result{RequeueAfter: max(at.Sub(now), time.Millisecond)}
}

// Earliest returns the earliest non-zero instant of ts (zero when none is).
func Earliest(ts ...time.Time) time.Time {
	var out time.Time
	for _, t := range ts {
		if !t.IsZero() && (out.IsZero() || t.Before(out)) {
			out = t
		}
	}
	return out
}
