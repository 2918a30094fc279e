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
	"fmt"
	"log"
	"math"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/badge"
	"github.com/kos-dev/union-operator/internal/operator"
)

// startWatches starts the bench's own watches: agent Deployments and Pods
// metadata-only (the tracker), and Coalitions (the expiry measurement).
func (b *bench) startWatches(ctx context.Context) error {
	conf := *b.adminConf
	c, err := cache.New(&conf, cache.Options{
		Scheme:               operator.NewScheme(),
		DefaultLabelSelector: labels.SelectorFromSet(labels.Set{benchLabel: benchValue}),
		DefaultTransform:     cache.TransformStripManagedFields(),
	})
	if err != nil {
		return err
	}
	b.track = newTracker(0)
	handler := toolscache.ResourceEventHandlerFuncs{
		AddFunc:    b.track.observe,
		UpdateFunc: func(_, obj any) { b.track.observe(obj) },
		DeleteFunc: b.track.forget,
	}
	for _, gvk := range []schema.GroupVersionKind{
		appsv1.SchemeGroupVersion.WithKind("Deployment"),
		corev1.SchemeGroupVersion.WithKind("Pod"),
	} {
		obj := &metav1.PartialObjectMetadata{}
		obj.SetGroupVersionKind(gvk)
		inf, err := c.GetInformer(ctx, obj)
		if err != nil {
			return err
		}
		if _, err := inf.AddEventHandler(handler); err != nil {
			return err
		}
	}
	b.expiries = newExpiryWatch()
	inf, err := c.GetInformer(ctx, &unionsv1.Coalition{})
	if err != nil {
		return err
	}
	if _, err := inf.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc:    b.expiries.observe,
		UpdateFunc: func(_, obj any) { b.expiries.observe(obj) },
	}); err != nil {
		return err
	}

	wctx, cancel := context.WithCancel(ctx)
	b.stopWt = cancel
	go func() {
		if err := c.Start(wctx); err != nil {
			log.Printf("The bench's watches stopped: %v", err)
		}
	}()
	if !c.WaitForCacheSync(ctx) {
		return fmt.Errorf("the bench's watches did not sync")
	}
	return nil
}

// measureEmpty reads the resident set of an operator with no agent in
// the cluster, once it is idle: the base that RSS per agent is counted from.
func (b *bench) measureEmpty(ctx context.Context) error {
	op, err := b.startOperator(ctx, uncapped)
	if err != nil {
		return err
	}
	defer op.stop()
	mem, err := memoryOf(ctx, op)
	if err != nil {
		return err
	}
	settled, err := settledMemoryOf(ctx, op)
	if err != nil {
		return err
	}
	b.res.EmptyRSSBytes, b.res.Raw.EmptyMemory, b.res.Raw.EmptyMemorySettled = settled.RSS, mem, settled
	log.Printf("Empty operator: %s; settled: %s", mem, settled)
	return nil
}

// uncappedKey names the uncapped convergence runs of a scale of objects in
// the raw results.
func uncappedKey(objects int) string { return fmt.Sprintf("%d-uncapped", objects) }

// measureScale runs the operator (uncapped) at the current scale, and the
// baseline too when withBaseline, runs times each, alternating; the best
// of each counts.
func (b *bench) measureScale(ctx context.Context, runs int, withBaseline bool) (scalePoint, error) {
	p := scalePoint{Objects: len(b.objects), Namespaces: len(b.namespaces)}
	key := uncappedKey(p.Objects)
	var bestOp *convergenceRun
	var bestBase *baselineRun
	for run := 1; run <= runs; run++ {
		if withBaseline {
			base, err := b.baseline(ctx, key, uncapped)
			if err != nil {
				return p, fmt.Errorf("baseline: %w", err)
			}
			if bestBase == nil || base.seconds < bestBase.seconds {
				bestBase = base
			}
		}
		op, err := b.convergence(ctx, key, uncapped)
		if err != nil {
			return p, fmt.Errorf("operator: %w", err)
		}
		if bestOp == nil || op.seconds < bestOp.seconds {
			bestOp = op
		}
	}
	badged := len(b.objects) + len(b.namespaces)
	p.OperatorSeconds = bestOp.seconds
	p.MillisPerObject = round(p.OperatorSeconds*1000/float64(len(b.objects)), 3)
	p.RSSBytes, p.PeakRSSBytes, p.Memory, p.MemorySettled = bestOp.settled.RSS, bestOp.peakRSS, bestOp.mem, bestOp.settled
	perAgent := func(now, empty int64) float64 { return round(float64(now-empty)/float64(len(b.objects)), 0) }
	empty, settled := b.res.Raw.EmptyMemory, b.res.Raw.EmptyMemorySettled
	p.RSSBytesPerAgent = perAgent(p.MemorySettled.RSS, settled.RSS)
	p.AnonBytesPerAgent = perAgent(p.MemorySettled.Anon, settled.Anon)
	p.HeapInuseBytesPerAgent = perAgent(p.MemorySettled.HeapInuse, settled.HeapInuse)
	p.AsFoundRSSBytesPerAgent = perAgent(p.Memory.RSS, empty.RSS)
	p.AsFoundAnonBytesPerAgent = perAgent(p.Memory.Anon, empty.Anon)
	p.BadgeWritesPer = bestOp.writes.BadgePerObject
	p.AllianceRecPerObj = round(float64(bestOp.writes.Reconciles["Alliance"])/float64(badged), 4)
	if bestBase != nil {
		p.BaselineSeconds = bestBase.seconds
		p.Ratio = round(p.OperatorSeconds/p.BaselineSeconds, 3)
		// The bench process runs the loop, and its watch: the watch's share
		// is what the bench used during the operator's run.
		loop := max(bestBase.cpu.Seconds["bench"]-bestOp.cpu.Seconds["bench"], 0.01)
		p.CPUPerObjectRatio = round(bestOp.cpu.Seconds["operator"]/loop, 3)
	}
	log.Printf("Scale %d: baseline %.3fs, operator %.3fs (ratio %.2f), %.2f ms/object, RSS %.1f MiB (%.0f B per agent above empty, %.0f B anonymous), CPU ratio %.2f",
		p.Objects, p.BaselineSeconds, p.OperatorSeconds, p.Ratio, p.MillisPerObject, mib(p.RSSBytes), p.RSSBytesPerAgent, p.AnonBytesPerAgent, p.CPUPerObjectRatio)
	return p, nil
}

// summarizeScales derives the headline figures from the scales.
func (b *bench) summarizeScales() {
	r := &b.res
	if len(r.Scales) == 0 {
		return
	}
	largest := r.Scales[len(r.Scales)-1]
	r.ConvergenceRatioUncapped = largest.Ratio
	r.CPUPerObjectRatio = largest.CPUPerObjectRatio
	r.RSSBytesPerAgent = largest.RSSBytesPerAgent
	lo, hi := math.Inf(1), 0.0
	for _, p := range r.Scales {
		lo, hi = min(lo, p.MillisPerObject), max(hi, p.MillisPerObject)
		r.BadgeWritesPerObject = max(r.BadgeWritesPerObject, p.BadgeWritesPer)
		r.AllianceReconcilesPerObject = max(r.AllianceReconcilesPerObject, p.AllianceRecPerObj)
	}
	r.TimePerObjectSpread = round(hi/lo, 3)
	r.WritesPerObject = r.Raw.Writes["operator-"+uncappedKey(largest.Objects)].OperatorPerObject
}

// measureCapped runs the baseline and the operator once more at the current
// scale, both at -qps.
func (b *bench) measureCapped(ctx context.Context) error {
	l := limits{qps: b.opts.cappedQPS, burst: b.opts.burst}
	key := fmt.Sprintf("%d-%s", len(b.objects), l)
	base, err := b.baseline(ctx, key, l)
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	op, err := b.convergence(ctx, key, l)
	if err != nil {
		return fmt.Errorf("operator: %w", err)
	}
	b.res.ConvergenceRatio = round(op.seconds/base.seconds, 3)
	return nil
}

// round rounds x to digits decimals.
func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}

// convergenceRun is what one operator run measured.
type convergenceRun struct {
	seconds float64
	// mem is the memory once idle after the run, settled that after a
	// collection (settledMemoryOf).
	mem, settled memory
	peakRSS      int64
	writes       writeCounts
	cpu          cpuUsage
}

// convergence times one operator run: a fresh operator process with the
// given client limits is started and idle; at t0 an Open Alliance (no
// cool-off) and one Membership per namespace are created; the run ends when
// the bench's watch has seen the badge on every workload and Pod. Once the
// operator is idle again its writes and resident set are read, and it is
// stopped; the union and its badges stay.
func (b *bench) convergence(ctx context.Context, key string, l limits) (*convergenceRun, error) {
	op, err := b.startOperator(ctx, l)
	if err != nil {
		return nil, err
	}
	defer op.stop()
	b.op = op
	defer func() { b.op = nil }()
	b.res.Raw.OperatorStartSeconds = append(b.res.Raw.OperatorStartSeconds, round(op.startup.Seconds(), 3))

	b.unions++
	name := fmt.Sprintf("bench-convergence-%d", b.unions)
	ref := unionsv1.UnionReference{Kind: unionsv1.KindAlliance, Name: name}
	before, err := b.countWrites(ctx, op)
	if err != nil {
		return nil, err
	}

	g := b.track.expect(badge.Key(ref), string(unionsv1.RoleMember), true)
	events0 := b.watchEvents(ctx)
	largest := key == uncappedKey(b.opts.scales[len(b.opts.scales)-1])
	if b.opts.cpuProfile != "" && largest {
		go op.profile(ctx, "CPU", "profile?seconds=30", b.opts.cpuProfile)
	}
	cpu0 := b.cpuSample()
	t0 := time.Now()
	alliance := &unionsv1.Alliance{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{benchLabel: benchValue}}}
	alliance.Spec.Admission.Policy = unionsv1.AdmissionOpen
	alliance.Spec.Separation.CoolOff = &metav1.Duration{}
	if err := b.admin.Create(ctx, alliance); err != nil {
		return nil, err
	}
	memberships := make([]*unionsv1.Membership, len(b.namespaces))
	for i, ns := range b.namespaces {
		memberships[i] = &unionsv1.Membership{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Spec: unionsv1.MembershipSpec{Union: ref}}
	}
	err = parallel(ctx, len(memberships), createWorkers, func(ctx context.Context, i int) error {
		return b.admin.Create(ctx, memberships[i])
	})
	if err != nil {
		return nil, err
	}
	at, err := g.wait(ctx)
	if err != nil {
		return nil, fmt.Errorf("waiting for the operator's badges: %w", err)
	}
	cpu := b.cpuSample().since(cpu0)
	run := &convergenceRun{seconds: round(at.Sub(t0).Seconds(), 3), cpu: cpu}
	runKey := "operator-" + key
	b.res.Raw.OperatorSeconds[key] = append(b.res.Raw.OperatorSeconds[key], run.seconds)
	b.res.Raw.Progress[runKey] = g.progress(t0)
	b.res.Raw.CPU[runKey] = cpu
	b.res.Raw.WatchEvents[runKey] = b.watchEvents(ctx) - events0
	log.Printf("Operator %s: %d objects badged in %.3fs; %s", key, len(b.objects), run.seconds, cpu)

	// Writes are counted once the operator has nothing left to do: the
	// reconciles its own badge writes trigger must write nothing.
	if err := op.waitIdle(ctx, 0); err != nil {
		return nil, err
	}
	after, err := b.countWrites(ctx, op)
	if err != nil {
		return nil, err
	}
	run.writes = after.since(before, len(b.objects)+len(b.namespaces))
	b.res.Raw.Writes[runKey] = run.writes
	log.Printf("Operator %s: %d write requests (%v), %d reached badged objects; %.3f and %.3f per object; reconciles %v",
		key, run.writes.OperatorWrites, run.writes.OperatorByMethod, run.writes.BadgeWrites, run.writes.OperatorPerObject, run.writes.BadgePerObject, run.writes.Reconciles)
	if run.mem, err = memoryOf(ctx, op); err != nil {
		return nil, err
	}
	if run.settled, err = settledMemoryOf(ctx, op); err != nil {
		return nil, err
	}
	log.Printf("Operator %s: %s; settled: %s", key, run.mem, run.settled)
	if b.opts.heapProfile != "" && largest {
		op.profile(ctx, "Heap", "heap", b.opts.heapProfile)
	}
	run.peakRSS = b.recordRSS(op)
	return run, nil
}
