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

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/badge"
	"github.com/kos-dev/union-operator/internal/charter"
)

// expiryWatch notes when the bench's watch first sees each coalition with
// Expired=True. Condition times are metav1 times (whole seconds), too coarse
// for a lag of a fraction of a second, so the watch's clock is used.
type expiryWatch struct {
	mu   sync.Mutex
	seen map[string]time.Time
	want int
	done chan struct{}
}

func newExpiryWatch() *expiryWatch {
	return &expiryWatch{seen: map[string]time.Time{}}
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
	e.seen, e.want = map[string]time.Time{}, want
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

// expiryNamespaces are the empty namespaces the join and expiry phases use.
func (b *bench) expiryNamespaces(ctx context.Context) ([]string, error) {
	if len(b.empty) == 0 {
		for i := range b.opts.joinMembers + 1 {
			b.empty = append(b.empty, fmt.Sprintf("union-bench-member-%03d", i))
		}
		if err := b.createNamespaces(ctx, b.empty); err != nil {
			return nil, err
		}
	}
	return b.empty, nil
}

// batch is a set of coalitions, each with one member namespace.
type batch struct {
	prefix     string
	coalitions []*unionsv1.Coalition
	members    []*unionsv1.Membership
}

// newBatch makes n coalitions expiring at deadline(i), the i-th joined by
// namespaces[i % len(namespaces)].
func (b *bench) newBatch(ctx context.Context, prefix string, n int, namespaces []string, deadline func(i int) time.Time) (*batch, error) {
	bt := &batch{prefix: prefix}
	for i := range n {
		name := fmt.Sprintf("%s-%04d", prefix, i)
		c := &unionsv1.Coalition{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{benchLabel: benchValue}}}
		c.Spec.Purpose = "expiry lag benchmark"
		c.Spec.Admission.Policy = unionsv1.AdmissionOpen
		c.Spec.ExpiresAt = &metav1.Time{Time: deadline(i)}
		m := &unionsv1.Membership{ObjectMeta: metav1.ObjectMeta{Namespace: namespaces[i%len(namespaces)], Name: name},
			Spec: unionsv1.MembershipSpec{Union: unionsv1.Reference(c)}}
		bt.coalitions, bt.members = append(bt.coalitions, c), append(bt.members, m)
	}
	err := parallel(ctx, n, createWorkers, func(ctx context.Context, i int) error {
		if err := b.admin.Create(ctx, bt.coalitions[i]); err != nil && !apierrors.IsAlreadyExists(err) {
			return err
		}
		return b.admin.Create(ctx, bt.members[i])
	})
	return bt, err
}

// setDeadlines moves the deadline of every coalition of a batch.
func (b *bench) setDeadlines(ctx context.Context, bt *batch, deadline func(i int) time.Time) error {
	return parallel(ctx, len(bt.coalitions), createWorkers, func(ctx context.Context, i int) error {
		patch := fmt.Appendf(nil, `{"spec":{"expiresAt":%q}}`, deadline(i).UTC().Format(time.RFC3339))
		return b.admin.Patch(ctx, bt.coalitions[i], client.RawPatch(types.MergePatchType, patch))
	})
}

// active waits until every Membership of the batches is Active, listing
// them all at once every half second.
func (b *bench) active(ctx context.Context, batches ...*batch) error {
	want := map[client.ObjectKey]bool{}
	for _, bt := range batches {
		for _, m := range bt.members {
			want[client.ObjectKeyFromObject(m)] = true
		}
	}
	return poll(ctx, 500*time.Millisecond, 2*time.Minute, func(ctx context.Context) (bool, error) {
		var list unionsv1.MembershipList
		if err := b.admin.List(ctx, &list); err != nil {
			return false, err
		}
		n := 0
		for i := range list.Items {
			m := &list.Items[i]
			if want[client.ObjectKeyFromObject(m)] && m.Status.Standing == unionsv1.StandingActive {
				n++
			}
		}
		return n == len(want), nil
	})
}

// warningsClear is how long before its deadline the batch's warnings must
// be due so that all are written before it (500 take 5 to 7 s here): a
// coalition warns of its end a tenth of its life before it (a status write
// and an Event), so the deadline lies at least ten times this after the
// coalitions were made.
const warningsClear = 8 * time.Second

// expiry measures the lag from a coalition's deadline to the bench's watch
// seeing it Expired=True: first a bare loop making the writes an expiry
// takes, then the operator with -coalitions coalitions expiring at once
// (each with one member namespace) and -single-expiries expiring one at a
// time, a second apart, once the operator is idle after them.
func (b *bench) expiry(ctx context.Context) error {
	namespaces, err := b.expiryNamespaces(ctx)
	if err != nil {
		return err
	}
	namespaces = namespaces[:min(len(namespaces), 100)]
	if b.op != nil {
		b.recordRSS(b.op)
		b.op.stop()
		b.op = nil
	}
	// The operator's coalitions are made first, with a deadline an hour
	// away, while no operator runs; then the bare loop measures; then the
	// operator starts and makes them Active. Once they are, the deadlines
	// measured are set: the batch first; once the operator is idle after
	// it, the singles, a second apart, so that each expires alone.
	setupStart := time.Now()
	far := func(int) time.Time { return setupStart.Add(time.Hour).Truncate(time.Second) }
	singles, err := b.newBatch(ctx, "bench-single", b.opts.singles, namespaces, far)
	if err != nil {
		return err
	}
	all, err := b.newBatch(ctx, "bench-expiry", b.opts.coalitions, namespaces, far)
	if err != nil {
		return err
	}
	if err := b.expiryBaseline(ctx, namespaces); err != nil {
		return fmt.Errorf("bare loop: %w", err)
	}
	activationStart, _, err := b.apiserverWrites(ctx)
	if err != nil {
		return err
	}
	op, err := b.startOperator(ctx, uncapped)
	if err != nil {
		return err
	}
	b.op = op
	if err := b.active(ctx, singles, all); err != nil {
		return fmt.Errorf("waiting for the Memberships to be Active: %w", err)
	}
	if after, _, err := b.apiserverWrites(ctx); err == nil {
		// What making them Active took: a report, not a target.
		w := counters{apiserver: after}.since(counters{apiserver: activationStart}, len(singles.members)+len(all.members))
		b.res.Raw.ExpiryActivation = w.APIServerWrites
		log.Printf("Making %d Memberships Active took the API server %v", len(singles.members)+len(all.members), w.APIServerWrites)
	}
	batchAt := time.Now().Add(b.opts.expiryLead)
	batchAt = latest(batchAt, setupStart.Add(10*warningsClear)).Truncate(time.Second).Add(time.Second)
	if err := b.setDeadlines(ctx, all, func(int) time.Time { return batchAt }); err != nil {
		return err
	}
	b.res.Raw.ExpirySetupSeconds = round(time.Since(setupStart).Seconds(), 3)
	if left := time.Until(batchAt); left < warningsClear {
		return fmt.Errorf("setting the deadlines of %d coalitions left %s before the deadline, too little for their warnings: raise -expiry-lead",
			b.opts.coalitions, left.Round(time.Millisecond))
	}
	log.Printf("Set up %d + %d coalitions with a member each in %s (the bare loop's run included); %d expire at once at %s",
		b.opts.singles, b.opts.coalitions, time.Since(setupStart).Round(time.Millisecond), b.opts.coalitions, batchAt.Format(time.TimeOnly))

	// Writes are counted from just before the batch's deadline.
	select {
	case <-time.After(time.Until(batchAt.Add(-200 * time.Millisecond))):
	case <-ctx.Done():
		return ctx.Err()
	}
	done := b.expiries.expect(b.opts.coalitions)
	before, err := b.countWrites(ctx, op)
	if err != nil {
		return err
	}
	cpu0 := b.cpuSample()
	select {
	case <-done:
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(time.Until(batchAt) + 2*time.Minute):
		return fmt.Errorf("%w: %d of %d coalitions seen expired 2m after the deadline", errTimeout, len(b.expiries.times()), b.opts.coalitions)
	}
	b.res.Raw.CPU["expiry"] = b.cpuSample().since(cpu0)
	lags := lagsSince(batchAt, b.expiries.times())
	if err := op.waitIdle(ctx, 0); err != nil {
		return err
	}
	if after, err := b.countWrites(ctx, op); err == nil {
		w := after.since(before, b.opts.coalitions)
		b.res.Raw.ExpiryOperator = &w
		b.res.ExpiryWritesPerCoalition = round(w.OperatorPerObject, 3)
		log.Printf("Operator during expiry: %d write requests %v, reconciles %v", w.OperatorWrites, w.OperatorByMethod, w.Reconciles)
	}
	b.res.Raw.ExpiryLagsSeconds = lags
	b.res.ExpiryP50Seconds = quantile(lags, 0.50)
	b.res.ExpiryP99Seconds = quantile(lags, 0.99)
	b.res.ExpiryMaxSeconds = lags[len(lags)-1]
	if bare := b.res.Raw.ExpiryBareLoopP99Seconds; bare > 0 {
		b.res.ExpiryP99Ratio = round(b.res.ExpiryP99Seconds/bare, 3)
	}
	log.Printf("Expiry lag of %d coalitions: min %.3fs p50 %.3fs p99 %.3fs max %.3fs",
		b.opts.coalitions, lags[0], b.res.ExpiryP50Seconds, b.res.ExpiryP99Seconds, b.res.ExpiryMaxSeconds)
	// The singles, once the operator is idle after the batch: their
	// warnings are due at once (their deadlines are moved near), and are
	// written before the first deadline.
	done = b.expiries.expect(b.opts.singles)
	base := time.Now().Truncate(time.Second).Add(singlesLead)
	singleAt := func(i int) time.Time { return base.Add(time.Duration(i) * time.Second) }
	if err := b.setDeadlines(ctx, singles, singleAt); err != nil {
		return err
	}
	if time.Until(base) < time.Second {
		return fmt.Errorf("setting the deadlines of %d single coalitions ran to within a second of the first (%s)", b.opts.singles, base.Format(time.TimeOnly))
	}
	log.Printf("%d single coalitions expire a second apart from %s", b.opts.singles, base.Format(time.TimeOnly))
	select {
	case <-done:
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(time.Until(singleAt(b.opts.singles-1)) + time.Minute):
		return fmt.Errorf("%w: %d of %d single coalitions seen expired", errTimeout, len(b.expiries.times()), b.opts.singles)
	}
	var singleLags []float64
	for i, c := range singles.coalitions {
		if at, ok := b.expiries.times()[c.Name]; ok {
			singleLags = append(singleLags, round(at.Sub(singleAt(i)).Seconds(), 4))
		}
	}
	slices.Sort(singleLags)
	b.res.Raw.ExpirySingleLags = singleLags
	b.res.ExpirySingleP99Seconds = quantile(singleLags, 0.99)
	log.Printf("Single expiries: lag p50 %.3fs p99 %.3fs", quantile(singleLags, 0.5), b.res.ExpirySingleP99Seconds)

	return client.IgnoreNotFound(b.admin.DeleteAllOf(ctx, &unionsv1.Coalition{}, client.MatchingLabels{benchLabel: benchValue}))
}

// latest is the later of two instants.
func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// singlesLead is how far ahead of the moment their deadlines are set the
// first single coalition expires: long enough for their warnings.
const singlesLead = 3 * time.Second

// quantile is the nearest-rank quantile of sorted xs.
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// expiryBaseline times the bare loop the expiry lag is compared with. With
// no operator running, coalitions of its own (deadline an hour away) and a
// Membership and a charter of each are created, and the member namespaces
// carry their badges. At t0 a client-go loop as the operator's
// ServiceAccount, uncapped, with -badge-writes writes in flight, makes for
// each coalition the writes its expiry takes: its status (Expired), its
// Membership's status (Ended), its badge off the namespace, one Event, its
// charter deleted. Each lag runs from t0 to the watch seeing Expired=True.
// The coalitions and Memberships are deleted again.
func (b *bench) expiryBaseline(ctx context.Context, namespaces []string) error {
	n := b.opts.coalitions
	bt, err := b.newBatch(ctx, "bench-expiry-bare", n, namespaces, func(int) time.Time { return time.Now().Add(time.Hour) })
	if err != nil {
		return err
	}
	conf, err := b.operatorConfig(uncapped)
	if err != nil {
		return err
	}
	dyn, err := dynamic.NewForConfig(conf)
	if err != nil {
		return err
	}
	cs, err := kubernetes.NewForConfig(conf)
	if err != nil {
		return err
	}
	coalitions := dyn.Resource(unionsv1.GroupVersion.WithResource("coalitions"))
	memberships := dyn.Resource(unionsv1.GroupVersion.WithResource("memberships"))
	// The badges the expiry takes off, put on as the operator would (untimed).
	keys := map[string]map[string]any{}
	for i, m := range bt.members {
		if keys[m.Namespace] == nil {
			keys[m.Namespace] = map[string]any{}
		}
		keys[m.Namespace][badge.Key(unionsv1.Reference(bt.coalitions[i]))] = string(unionsv1.RoleMember)
	}
	for ns, labels := range keys {
		patch, _ := json.Marshal(map[string]any{"metadata": map[string]any{"labels": labels}})
		if _, err := cs.CoreV1().Namespaces().Patch(ctx, ns, types.MergePatchType, patch, metav1.PatchOptions{FieldManager: baselineManager}); err != nil {
			return err
		}
	}

	// And the charter each Membership has, which its end deletes.
	charterOf := func(i int) *corev1.ConfigMap {
		return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: bt.members[i].Namespace,
			Name:   charter.Name(unionsv1.Reference(bt.coalitions[i])),
			Labels: map[string]string{unionsv1.ManagedByLabel: unionsv1.ManagedByValue, benchLabel: benchValue}}}
	}
	err = parallel(ctx, n, createWorkers, func(ctx context.Context, i int) error {
		return b.admin.Create(ctx, charterOf(i))
	})
	if err != nil {
		return err
	}

	done := b.expiries.expect(n)
	t0 := time.Now()
	now := metav1.NewTime(t0).Rfc3339Copy()
	err = parallel(ctx, n, b.opts.badgeWrites, func(ctx context.Context, i int) error {
		c, m := bt.coalitions[i], bt.members[i]
		msg := "expired at " + now.UTC().Format(time.RFC3339)
		patch, _ := json.Marshal(map[string]any{"status": map[string]any{
			"observedGeneration": 1,
			"phase":              unionsv1.CoalitionExpired,
			"expiresAt":          now,
			"conditions": []metav1.Condition{
				{Type: unionsv1.ConditionReady, Status: metav1.ConditionTrue, Reason: "Expired", Message: msg, LastTransitionTime: now, ObservedGeneration: 1},
				{Type: unionsv1.ConditionExpired, Status: metav1.ConditionTrue, Reason: "Expired", Message: msg, LastTransitionTime: now, ObservedGeneration: 1},
			},
		}})
		if _, err := coalitions.Patch(ctx, c.Name, types.MergePatchType, patch, metav1.PatchOptions{FieldManager: baselineManager}, "status"); err != nil {
			return err
		}
		patch, _ = json.Marshal(map[string]any{"status": map[string]any{
			"observedGeneration": 1,
			"standing":           unionsv1.StandingEnded,
			"conditions": []metav1.Condition{
				{Type: unionsv1.ConditionReady, Status: metav1.ConditionTrue, Reason: "UnionExpired", Message: msg, LastTransitionTime: now, ObservedGeneration: 1},
			},
		}})
		if _, err := memberships.Namespace(m.Namespace).Patch(ctx, m.Name, types.MergePatchType, patch, metav1.PatchOptions{FieldManager: baselineManager}, "status"); err != nil {
			return err
		}
		patch, _ = json.Marshal(map[string]any{"metadata": map[string]any{"labels": map[string]any{badge.Key(unionsv1.Reference(c)): nil}}})
		if _, err := cs.CoreV1().Namespaces().Patch(ctx, m.Namespace, types.MergePatchType, patch, metav1.PatchOptions{FieldManager: baselineManager}); err != nil {
			return err
		}
		_, err := cs.EventsV1().Events(metav1.NamespaceDefault).Create(ctx, &eventsv1.Event{
			ObjectMeta:          metav1.ObjectMeta{GenerateName: c.Name + "-"},
			EventTime:           metav1.NewMicroTime(time.Now()),
			ReportingController: "union-operator-bench",
			ReportingInstance:   "union-operator-bench",
			Action:              "Expire",
			Reason:              "Expired",
			Regarding:           corev1.ObjectReference{APIVersion: unionsv1.GroupVersion.String(), Kind: "Coalition", Name: c.Name, UID: c.UID},
			Note:                msg,
			Type:                corev1.EventTypeNormal,
		}, metav1.CreateOptions{})
		if err != nil {
			return err
		}
		cm := charterOf(i)
		return cs.CoreV1().ConfigMaps(cm.Namespace).Delete(ctx, cm.Name, metav1.DeleteOptions{})
	})
	if err != nil {
		return err
	}
	select {
	case <-done:
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(2 * time.Minute):
		return fmt.Errorf("%w: %d of %d Expired conditions seen", errTimeout, len(b.expiries.times()), n)
	}
	lags := lagsSince(t0, b.expiries.times())
	b.res.Raw.ExpiryBareLoopP50Seconds = quantile(lags, 0.50)
	b.res.Raw.ExpiryBareLoopP99Seconds = quantile(lags, 0.99)
	log.Printf("Bare loop: %d expiries written (5 writes each), lag p50 %.3fs p99 %.3fs max %.3fs",
		n, b.res.Raw.ExpiryBareLoopP50Seconds, b.res.Raw.ExpiryBareLoopP99Seconds, lags[len(lags)-1])

	// Nothing holds a finalizer without an operator: each is gone once deleted.
	return parallel(ctx, n, createWorkers, func(ctx context.Context, i int) error {
		if err := b.admin.Delete(ctx, bt.members[i]); client.IgnoreNotFound(err) != nil {
			return err
		}
		return client.IgnoreNotFound(b.admin.Delete(ctx, bt.coalitions[i]))
	})
}

// lagsSince is each time's distance from t0, sorted, in seconds.
func lagsSince(t0 time.Time, times map[string]time.Time) []float64 {
	lags := make([]float64, 0, len(times))
	for _, at := range times {
		lags = append(lags, round(at.Sub(t0).Seconds(), 4))
	}
	slices.Sort(lags)
	return lags
}

// join counts what one more member costs the others: a union of
// -join-members empty member namespaces, all Active, and the operator idle;
// then one namespace more joins.
func (b *bench) join(ctx context.Context) error {
	namespaces, err := b.expiryNamespaces(ctx)
	if err != nil {
		return err
	}
	if b.op == nil {
		op, err := b.startOperator(ctx, uncapped)
		if err != nil {
			return err
		}
		b.op = op
	}
	op := b.op
	a := &unionsv1.Alliance{ObjectMeta: metav1.ObjectMeta{Name: "bench-join", Labels: map[string]string{benchLabel: benchValue}}}
	a.Spec.Admission.Policy = unionsv1.AdmissionOpen
	a.Spec.Separation.CoolOff = &metav1.Duration{}
	if err := b.admin.Create(ctx, a); err != nil {
		return err
	}
	member := func(ns string) *unionsv1.Membership {
		return &unionsv1.Membership{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: a.Name}, Spec: unionsv1.MembershipSpec{Union: unionsv1.Reference(a)}}
	}
	first := &batch{}
	for _, ns := range namespaces[:b.opts.joinMembers] {
		first.members = append(first.members, member(ns))
	}
	err = parallel(ctx, len(first.members), createWorkers, func(ctx context.Context, i int) error {
		return b.admin.Create(ctx, first.members[i])
	})
	if err != nil {
		return err
	}
	if err := b.active(ctx, first); err != nil {
		return err
	}
	if err := op.waitIdle(ctx, 0); err != nil {
		return err
	}
	before, err := b.countWrites(ctx, op)
	if err != nil {
		return err
	}
	last := &batch{members: []*unionsv1.Membership{member(namespaces[b.opts.joinMembers])}}
	if err := b.admin.Create(ctx, last.members[0]); err != nil {
		return err
	}
	if err := b.active(ctx, last); err != nil {
		return err
	}
	if err := op.waitIdle(ctx, 0); err != nil {
		return err
	}
	after, err := b.countWrites(ctx, op)
	if err != nil {
		return err
	}
	w := after.since(before, 1)
	b.res.Raw.Join = &w
	// The newcomer's own reconciles (its admission, its charter, its
	// status) are not the others'.
	b.res.JoinReconcilesOfOthers = max(w.Reconciles["membership"]-3, 0)
	b.res.JoinCharterWrites = max(w.APIServerWrites["APPLY configmaps"]+w.APIServerWrites["PATCH configmaps"]-1, 0)
	log.Printf("Join into a union of %d: %d write requests %v, reconciles %v", b.opts.joinMembers, w.OperatorWrites, w.OperatorByMethod, w.Reconciles)
	return nil
}
