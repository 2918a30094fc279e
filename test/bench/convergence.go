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
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

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
	b.track = newTracker(len(b.objects))
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
	err = poll(ctx, 100*time.Millisecond, time.Minute, func(context.Context) (bool, error) {
		return b.track.size() == len(b.objects), nil
	})
	if err != nil {
		return fmt.Errorf("the watch sees %d of %d objects: %w", b.track.size(), len(b.objects), err)
	}
	return nil
}

// convergence times one operator run: a fresh operator process is started
// and idle; at t0 an Open Alliance and one Membership per namespace are
// created; the run ends when the bench's watch has seen the badge on every
// workload and Pod. Unless keep is set, the namespaces then leave again
// (untimed) and the operator is stopped.
func (b *bench) convergence(ctx context.Context, run int, keep bool) error {
	op, err := b.startOperator(ctx)
	if err != nil {
		return err
	}
	b.op = op
	b.res.Raw.OperatorStartSeconds = append(b.res.Raw.OperatorStartSeconds, op.startup.Seconds())

	name := fmt.Sprintf("bench-convergence-%d", run)
	ref := unionsv1.UnionReference{Kind: unionsv1.KindAlliance, Name: name}
	before, err := b.countWrites(ctx, op)
	if err != nil {
		return err
	}

	g := b.track.expect(badge.Key(ref), string(unionsv1.RoleMember), true)
	events0 := b.watchEvents(ctx)
	cpu0 := b.cpuSample()
	t0 := time.Now()
	alliance := &unionsv1.Alliance{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{benchLabel: benchValue}}}
	alliance.Spec.Admission.Policy = unionsv1.AdmissionOpen
	if err := b.admin.Create(ctx, alliance); err != nil {
		return err
	}
	memberships := make([]*unionsv1.Membership, len(b.namespaces))
	for i, ns := range b.namespaces {
		memberships[i] = &unionsv1.Membership{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Spec: unionsv1.MembershipSpec{Union: ref}}
	}
	err = parallel(ctx, len(memberships), createWorkers, func(ctx context.Context, i int) error {
		return b.admin.Create(ctx, memberships[i])
	})
	if err != nil {
		return err
	}
	at, err := g.wait(ctx)
	if err != nil {
		return fmt.Errorf("waiting for the operator's badges: %w", err)
	}
	cpu := b.cpuSample().since(cpu0)
	took := at.Sub(t0)
	b.res.Raw.OperatorSeconds = append(b.res.Raw.OperatorSeconds, took.Seconds())
	b.res.Raw.OperatorProgress = append(b.res.Raw.OperatorProgress, g.progress(t0))
	b.res.Raw.CPU[fmt.Sprintf("operator-%d", run)] = cpu
	b.res.Raw.WatchEvents[fmt.Sprintf("operator-%d", run)] = b.watchEvents(ctx) - events0
	log.Printf("Operator run %d: %d objects badged in %s; %s", run, len(b.objects), took.Round(time.Millisecond), cpu)
	log.Printf("Operator run %d: progress %s", run, formatProgress(g.progress(t0)))

	// Writes are counted once the operator has nothing left to do: the
	// reconciles its own badge writes trigger must write nothing.
	if err := op.waitIdle(ctx, 0); err != nil {
		return err
	}
	after, err := b.countWrites(ctx, op)
	if err != nil {
		return err
	}
	w := after.since(before, run, b.res.Raw.ObjectsBadged)
	b.res.Raw.Writes = append(b.res.Raw.Writes, w)
	log.Printf("Operator run %d: %d write requests (%v), %d reached badged objects; %.3f and %.3f per object; reconciles %v",
		run, w.OperatorWrites, w.OperatorByMethod, w.BadgeWrites, w.OperatorPerObject, w.BadgePerObject, w.Reconciles)
	log.Printf("Operator run %d: API server writes %v", run, w.APIServerWrites)

	if !keep {
		if err := b.leave(ctx, op, ref, memberships); err != nil {
			return err
		}
		b.recordRSS(op)
		op.stop()
		b.op = nil
	}
	return nil
}

// leave deletes the Memberships and the Alliance of a run and waits until
// the operator has removed every badge (untimed).
func (b *bench) leave(ctx context.Context, op *operatorProcess, ref unionsv1.UnionReference, memberships []*unionsv1.Membership) error {
	start := time.Now()
	g := b.track.expect(badge.Key(ref), "", false)
	err := parallel(ctx, len(memberships), createWorkers, func(ctx context.Context, i int) error {
		return client.IgnoreNotFound(b.admin.Delete(ctx, memberships[i]))
	})
	if err != nil {
		return err
	}
	if _, err := g.wait(ctx); err != nil {
		return fmt.Errorf("waiting for the operator to remove its badges: %w", err)
	}
	alliance := &unionsv1.Alliance{ObjectMeta: metav1.ObjectMeta{Name: ref.Name}}
	if err := client.IgnoreNotFound(b.admin.Delete(ctx, alliance)); err != nil {
		return err
	}
	if err := op.waitIdle(ctx, 0); err != nil {
		return err
	}
	log.Printf("Badges of %s removed by the operator in %s (untimed)", ref.Name, time.Since(start).Round(time.Millisecond))
	return nil
}
