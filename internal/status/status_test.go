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

package status

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/conditions"
)

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// fixture is a Membership at generation 2 whose status last saw generation 1.
func fixture(t *testing.T, funcs interceptor.Funcs) (client.Client, *unionsv1.Membership, *int) {
	t.Helper()
	scheme := runtime.NewScheme()
	if err := unionsv1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	m := &unionsv1.Membership{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "m", Generation: 2}}
	m.Status.ObservedGeneration = 1
	m.Status.Standing = unionsv1.StandingPending
	writes := 0
	count := funcs.SubResourcePatch
	funcs.SubResourcePatch = func(ctx context.Context, c client.Client, sub string, obj client.Object, patch client.Patch, opts ...client.SubResourcePatchOption) error {
		writes++
		if count != nil {
			return count(ctx, c, sub, obj, patch, opts...)
		}
		return c.SubResource(sub).Patch(ctx, obj, patch, opts...)
	}
	c := fake.NewClientBuilder().WithScheme(scheme).WithObjects(m).WithStatusSubresource(m).WithInterceptorFuncs(funcs).Build()
	got := &unionsv1.Membership{}
	if err := c.Get(context.Background(), client.ObjectKeyFromObject(m), got); err != nil {
		t.Fatal(err)
	}
	return c, got, &writes
}

func read(t *testing.T, c client.Client, m *unionsv1.Membership) *unionsv1.Membership {
	t.Helper()
	got := &unionsv1.Membership{}
	if err := c.Get(context.Background(), client.ObjectKeyFromObject(m), got); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestFinishWritesTheOutcomeAndTheGenerationSeen(t *testing.T) {
	c, m, writes := fixture(t, interceptor.Funcs{})
	p := NewPatcher(c, m)
	m.Status.Standing = unionsv1.StandingActive
	res, err := p.Finish(context.Background(), m, now, Outcome{
		Summary:   conditions.Summary{State: conditions.Ready, Reason: "Active", Message: "member"},
		RequeueAt: now.Add(time.Hour),
	}, nil)
	if err != nil || res.RequeueAfter != time.Hour {
		t.Fatalf("Finish = %+v, %v; want a requeue in 1h", res, err)
	}
	got := read(t, c, m)
	if got.Status.Standing != unionsv1.StandingActive || got.Status.ObservedGeneration != 2 ||
		!meta.IsStatusConditionTrue(got.Status.Conditions, unionsv1.ConditionReady) || !p.Written || *writes != 1 {
		t.Errorf("status %+v after %d writes", got.Status, *writes)
	}

	// The same outcome again writes nothing.
	p = NewPatcher(c, got)
	if _, err := p.Finish(context.Background(), got, now.Add(time.Minute), Outcome{
		Summary: conditions.Summary{State: conditions.Ready, Reason: "Active", Message: "member"},
	}, nil); err != nil || p.Written || *writes != 1 {
		t.Errorf("an unchanged status was written (%d writes, err %v)", *writes, err)
	}
}

func TestFinishReportsATransientErrorAndNothingElse(t *testing.T) {
	c, m, _ := fixture(t, interceptor.Funcs{})
	p := NewPatcher(c, m)
	m.Status.Standing = unionsv1.StandingActive // computed before the failure: not written
	quota := apierrors.NewForbidden(schema.GroupResource{Resource: "configmaps"}, "union-alliance-blue", errors.New("exceeded quota"))
	cause := Wrap("CharterNotWritten", fmt.Errorf("writing the charter: %w", quota))
	_, err := p.Finish(context.Background(), m, now, Outcome{}, cause)
	if !errors.Is(err, cause) || errors.Is(err, reconcile.TerminalError(nil)) {
		t.Fatalf("Finish returned %v, want the transient error back", err)
	}
	got := read(t, c, m)
	ready := meta.FindStatusCondition(got.Status.Conditions, unionsv1.ConditionReady)
	reconciling := meta.FindStatusCondition(got.Status.Conditions, unionsv1.ConditionReconciling)
	if ready == nil || ready.Status != metav1.ConditionFalse || reconciling == nil || reconciling.Status != metav1.ConditionTrue ||
		reconciling.Reason != "CharterNotWritten" || !strings.Contains(reconciling.Message, "exceeded quota") {
		t.Errorf("conditions %+v", got.Status.Conditions)
	}
	if got.Status.Standing != unionsv1.StandingPending || got.Status.ObservedGeneration != 1 {
		t.Errorf("a failed reconcile wrote standing %q and observedGeneration %d", got.Status.Standing, got.Status.ObservedGeneration)
	}
}

func TestFinishStallsTerminally(t *testing.T) {
	stalled := Outcome{Summary: conditions.Summary{State: conditions.Stalled, Reason: "InvalidTerms", Message: strings.Repeat("x", 40<<10)}}
	c, m, _ := fixture(t, interceptor.Funcs{})
	_, err := NewPatcher(c, m).Finish(context.Background(), m, now, stalled, nil)
	if !errors.Is(err, reconcile.TerminalError(nil)) || len(err.Error()) > 2*conditions.MaxMessage {
		t.Fatalf("Finish returned %v, want a bounded terminal error", err)
	}
	got := read(t, c, m)
	st := meta.FindStatusCondition(got.Status.Conditions, unionsv1.ConditionStalled)
	if st == nil || st.Status != metav1.ConditionTrue || len(st.Message) > conditions.MaxMessage || got.Status.ObservedGeneration != 2 {
		t.Errorf("status %+v", got.Status)
	}

	// Stalled but changing by time later (an alliance's reactive defence):
	// called back then, not dropped.
	stalled.RequeueAt = now.Add(30 * time.Second)
	c, m, _ = fixture(t, interceptor.Funcs{})
	res, err := NewPatcher(c, m).Finish(context.Background(), m, now, stalled, nil)
	if err != nil || res.RequeueAfter != 30*time.Second {
		t.Errorf("Finish = %+v, %v; want a requeue in 30s", res, err)
	}
}

func TestFinishUnderOptimisticLock(t *testing.T) {
	conflict := interceptor.Funcs{SubResourcePatch: func(context.Context, client.Client, string, client.Object, client.Patch, ...client.SubResourcePatchOption) error {
		return apierrors.NewConflict(schema.GroupResource{Resource: "memberships"}, "m", errors.New("changed"))
	}}
	c, m, _ := fixture(t, conflict)
	p := NewPatcher(c, m, WithOptimisticLock())
	m.Status.Standing = unionsv1.StandingActive
	if _, err := p.Finish(context.Background(), m, now, Outcome{Summary: conditions.Summary{State: conditions.Ready, Reason: "Active"}}, nil); err != nil || p.Written {
		t.Errorf("a conflict under the lock gave %v (written %v); want no error, nothing written", err, p.Written)
	}
	c, m, _ = fixture(t, conflict)
	p = NewPatcher(c, m)
	m.Status.Standing = unionsv1.StandingActive
	if _, err := p.Finish(context.Background(), m, now, Outcome{Summary: conditions.Summary{State: conditions.Ready, Reason: "Active"}}, nil); !apierrors.IsConflict(err) {
		t.Errorf("a conflict without the lock gave %v, want it back", err)
	}
}

func TestReasonOf(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{Wrap("CharterNotWritten", errors.New("boom")), "CharterNotWritten"},
		{fmt.Errorf("outer: %w", Wrap("Inner", errors.New("boom"))), "Inner"},
		{apierrors.NewForbidden(schema.GroupResource{Resource: "configmaps"}, "x", errors.New("no")), "Forbidden"},
		{errors.New("boom"), ReasonReconcileFailed},
	}
	for _, tt := range tests {
		if got := ReasonOf(tt.err); got != tt.want {
			t.Errorf("ReasonOf(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
	if Wrap("X", nil) != nil {
		t.Error("Wrap(nil) is not nil")
	}
}

func TestRequeueAt(t *testing.T) {
	if got := RequeueAt(now, time.Time{}); !got.IsZero() {
		t.Errorf("no deadline gave %+v", got)
	}
	if got := RequeueAt(now, now.Add(-time.Second)); got.RequeueAfter != time.Millisecond {
		t.Errorf("a passed deadline gave %+v, want 1ms", got)
	}
	if got := Earliest(time.Time{}, now.Add(time.Hour), now.Add(time.Minute)); !got.Equal(now.Add(time.Minute)) {
		t.Errorf("Earliest = %v", got)
	}
}

func TestExpected(t *testing.T) {
	gr := schema.GroupResource{Group: "apps", Resource: "deployments"}
	terminating := apierrors.NewForbidden(schema.GroupResource{Resource: "configmaps"}, "charter", errors.New("namespace team-a is being terminated"))
	terminating.ErrStatus.Details.Causes = []metav1.StatusCause{{Type: corev1.NamespaceTerminatingCause, Message: "namespace team-a is being terminated"}}
	cases := []struct {
		name     string
		err      error
		expected bool
		requeue  time.Duration
	}{
		{"none", nil, false, 0},
		{"conflict", apierrors.NewConflict(gr, "planner", errors.New("the object has been modified")), true, conflictRetry},
		{"wrapped conflict", fmt.Errorf("writing: %w", apierrors.NewConflict(gr, "planner", errors.New("modified"))), true, conflictRetry},
		{"namespace terminating", terminating, true, 0},
		{"forbidden", apierrors.NewForbidden(gr, "planner", errors.New("no RBAC")), false, 0},
		{"other", errors.New("connection refused"), false, 0},
	}
	for _, tc := range cases {
		expected, requeue := Expected(tc.err)
		if expected != tc.expected || requeue != tc.requeue {
			t.Errorf("%s: Expected = %v, %v; want %v, %v", tc.name, expected, requeue, tc.expected, tc.requeue)
		}
	}
}
