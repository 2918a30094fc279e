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

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"math"
	"slices"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

// expiryWatch notes when the bench's watch first sees each coalition with
// Expired=True. Condition times are metav1 times (whole seconds), too coarse
// for a lag of a fraction of a second, so the watch's clock is used.
type expiryWatch struct {
	mu   sync.Mutex
	seen map[string]time.Time
	// warned is when each coalition was first seen warning of its expiry.
	warned map[string]time.Time
	want   int
	done   chan struct{}
}

func newExpiryWatch() *expiryWatch {
	return &expiryWatch{seen: map[string]time.Time{}, warned: map[string]time.Time{}}
}

func (e *expiryWatch) observe(obj any) {
	c, ok := obj.(*unionsv1.Coalition)
	if !ok {
		return
	}
	cond := meta.FindStatusCondition(c.Status.Conditions, unionsv1.ConditionExpired)
	if cond == nil {
		return
	}
	now := time.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	if cond.Status != metav1.ConditionTrue {
		if _, dup := e.warned[c.Name]; !dup && cond.Reason == "ExpiringSoon" {
			e.warned[c.Name] = now
		}
		return
	}
	if _, dup := e.seen[c.Name]; dup {
		return
	}
	e.seen[c.Name] = now
	if e.done != nil && len(e.seen) == e.want {
		close(e.done)
		e.done = nil
	}
}

// expect starts a measurement of want coalitions.
func (e *expiryWatch) expect(want int) <-chan struct{} {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seen, e.warned, e.want = map[string]time.Time{}, map[string]time.Time{}, want
	done := make(chan struct{})
	e.done = done
	return done
}

func (e *expiryWatch) times() map[string]time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make(map[string]time.Time, len(e.seen))
	for k, v := range e.seen {
		out[k] = v
	}
	return out
}

// lastWarning is when the last warning was seen, and how many were.
func (e *expiryWatch) lastWarning() (time.Time, int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var last time.Time
	for _, at := range e.warned {
		if at.After(last) {
			last = at
		}
	}
	return last, len(e.warned)
}

// expiry creates the coalitions, all with one deadline a little in the
// future (a whole second, as expiresAt holds no less), and measures for each
// the time from the deadline to the watch seeing Expired=True. The operator
// is a fresh one, with the whole workload in its cache. A bare loop writing
// the same number of Expired conditions runs first, for reference.
func (b *bench) expiry(ctx context.Context) error {
	n := b.opts.coalitions
	if b.op != nil {
		b.recordRSS(b.op)
		b.op.stop()
		b.op = nil
	}
	if err := b.expiryBaseline(ctx); err != nil {
		return fmt.Errorf("bare loop: %w", err)
	}
	op, err := b.startOperator(ctx)
	if err != nil {
		return err
	}
	b.op = op
	deadline := time.Now().Add(b.opts.expiryLead).Truncate(time.Second).Add(time.Second)
	done := b.expiries.expect(n)
	before, err := b.countWrites(ctx, op)
	if err != nil {
		return err
	}
	start := time.Now()
	err = parallel(ctx, n, createWorkers, func(ctx context.Context, i int) error {
		c := &unionsv1.Coalition{ObjectMeta: metav1.ObjectMeta{
			Name:   fmt.Sprintf("bench-expiry-%04d", i),
			Labels: map[string]string{benchLabel: benchValue},
		}}
		c.Spec.Purpose = "expiry lag benchmark"
		c.Spec.ExpiresAt = &metav1.Time{Time: deadline}
		return b.admin.Create(ctx, c)
	})
	if err != nil {
		return err
	}
	created := time.Since(start)
	b.res.Raw.ExpiryCreateSeconds = created.Seconds()
	if time.Until(deadline) < 5*time.Second {
		return fmt.Errorf("creating %d coalitions took %s, too close to their deadline: raise -expiry-lead", n, created.Round(time.Millisecond))
	}
	log.Printf("Created %d coalitions in %s; all expire at %s (in %s)", n, created.Round(time.Millisecond),
		deadline.Format(time.TimeOnly), time.Until(deadline).Round(time.Millisecond))

	// Where the CPU goes before the deadline (the warnings due 10% of the
	// lifetime before it) and after it.
	cpu0 := b.cpuSample()
	select {
	case <-time.After(time.Until(deadline)):
	case <-ctx.Done():
		return ctx.Err()
	}
	cpu1 := b.cpuSample()
	select {
	case <-done:
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(5 * time.Minute):
		return fmt.Errorf("%w: %d of %d coalitions seen expired 5m after the deadline", errTimeout, len(b.expiries.times()), n)
	}
	cpu2 := b.cpuSample()
	b.res.Raw.CPU["expiry-before-deadline"] = cpu1.since(cpu0)
	b.res.Raw.CPU["expiry-after-deadline"] = cpu2.since(cpu1)
	if last, warned := b.expiries.lastWarning(); warned > 0 {
		b.res.Raw.ExpiryWarnedBeforeDeadlineSeconds = deadline.Sub(last).Seconds()
		log.Printf("Expiry warnings: %d seen, the last %.3fs before the deadline; %s", warned, deadline.Sub(last).Seconds(), cpu1.since(cpu0))
	}
	log.Printf("After the deadline: %s", cpu2.since(cpu1))
	if after, err := b.countWrites(ctx, op); err == nil {
		w := after.since(before, 0, n)
		b.res.Raw.ExpiryOperator = &w
		log.Printf("Operator during expiry: %d write requests %v, reconciles %v", w.OperatorWrites, w.OperatorByMethod, w.Reconciles)
	}
	lags := lagsSince(deadline, b.expiries.times())
	b.res.Raw.ExpiryLagsSeconds = lags
	b.res.ExpiryP50Seconds = quantile(lags, 0.50)
	b.res.ExpiryP99Seconds = quantile(lags, 0.99)
	b.res.ExpiryMaxSeconds = lags[len(lags)-1]
	log.Printf("Expiry lag of %d coalitions: min %.3fs p50 %.3fs p99 %.3fs max %.3fs",
		n, lags[0], b.res.ExpiryP50Seconds, b.res.ExpiryP99Seconds, b.res.ExpiryMaxSeconds)

	err = b.admin.DeleteAllOf(ctx, &unionsv1.Coalition{}, client.MatchingLabels{benchLabel: benchValue})
	return client.IgnoreNotFound(err)
}

// quantile is the nearest-rank quantile of sorted xs.
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// expiryBaseline times the bare loop the expiry lag is compared with. With
// no operator running, coalitions (deadline an hour away) are created; at t0
// a client-go loop as the operator's ServiceAccount, with its QPS and burst
// and as many writes in flight as its --concurrency (one status write per
// worker at a time, as the operator's workers do), writes each one's
// Expired condition with a status merge patch; each lag runs from t0 to the
// watch seeing Expired=True. The coalitions are deleted again.
func (b *bench) expiryBaseline(ctx context.Context) error {
	n := b.opts.coalitions
	names := make([]string, n)
	err := parallel(ctx, n, createWorkers, func(ctx context.Context, i int) error {
		names[i] = fmt.Sprintf("bench-expiry-bare-%04d", i)
		c := &unionsv1.Coalition{ObjectMeta: metav1.ObjectMeta{Name: names[i], Labels: map[string]string{benchLabel: benchValue}}}
		c.Spec.Purpose = "expiry lag benchmark, bare loop"
		c.Spec.ExpiresAt = &metav1.Time{Time: time.Now().Add(time.Hour)}
		return b.admin.Create(ctx, c)
	})
	if err != nil {
		return err
	}
	conf, err := clientcmd.BuildConfigFromFlags("", b.operatorKubeconfig)
	if err != nil {
		return err
	}
	conf.QPS, conf.Burst = float32(b.opts.qps), b.opts.burst
	conf.UserAgent = "union-operator-bench-baseline"
	dyn, err := dynamic.NewForConfig(conf)
	if err != nil {
		return err
	}
	coalitions := dyn.Resource(unionsv1.GroupVersion.WithResource("coalitions"))

	done := b.expiries.expect(n)
	t0 := time.Now()
	now := metav1.NewTime(t0).Rfc3339Copy()
	err = parallel(ctx, n, max(b.opts.concurrency, 1), func(ctx context.Context, i int) error {
		msg := "expired at " + now.UTC().Format(time.RFC3339)
		patch, err := json.Marshal(map[string]any{"status": map[string]any{
			"observedGeneration": 1,
			"phase":              unionsv1.CoalitionExpired,
			"expiresAt":          now,
			"conditions": []metav1.Condition{
				{Type: unionsv1.ConditionReady, Status: metav1.ConditionTrue, Reason: "Expired", Message: msg, LastTransitionTime: now, ObservedGeneration: 1},
				{Type: unionsv1.ConditionExpired, Status: metav1.ConditionTrue, Reason: "Expired", Message: msg, LastTransitionTime: now, ObservedGeneration: 1},
			},
		}})
		if err != nil {
			return err
		}
		_, err = coalitions.Patch(ctx, names[i], types.MergePatchType, patch, metav1.PatchOptions{FieldManager: baselineManager}, "status")
		return err
	})
	if err != nil {
		return err
	}
	select {
	case <-done:
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(5 * time.Minute):
		return fmt.Errorf("%w: %d of %d Expired conditions seen", errTimeout, len(b.expiries.times()), n)
	}
	lags := lagsSince(t0, b.expiries.times())
	b.res.Raw.ExpiryBareLoopP50Seconds = quantile(lags, 0.50)
	b.res.Raw.ExpiryBareLoopP99Seconds = quantile(lags, 0.99)
	log.Printf("Bare loop: %d Expired conditions written, lag p50 %.3fs p99 %.3fs max %.3fs",
		n, b.res.Raw.ExpiryBareLoopP50Seconds, b.res.Raw.ExpiryBareLoopP99Seconds, lags[len(lags)-1])

	if err := b.admin.DeleteAllOf(ctx, &unionsv1.Coalition{}, client.MatchingLabels{benchLabel: benchValue}); client.IgnoreNotFound(err) != nil {
		return err
	}
	return poll(ctx, 200*time.Millisecond, time.Minute, func(ctx context.Context) (bool, error) {
		var left unionsv1.CoalitionList
		err := b.admin.List(ctx, &left, client.MatchingLabels{benchLabel: benchValue}, client.Limit(1))
		return err == nil && len(left.Items) == 0, err
	})
}

// lagsSince is each time's distance from t0, sorted, in seconds.
func lagsSince(t0 time.Time, times map[string]time.Time) []float64 {
	lags := make([]float64, 0, len(times))
	for _, at := range times {
		lags = append(lags, at.Sub(t0).Seconds())
	}
	slices.Sort(lags)
	return lags
}
