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
	"math/rand/v2"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	appsv1ac "k8s.io/client-go/applyconfigurations/apps/v1"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

const (
	// baselineKey has the shape and length class of a badge key. No operator
	// runs while it is on the objects (it would remove it as a stray badge).
	baselineKey   = "coalition.unions.kos.dev/bench-baseline"
	baselineValue = "member"
	// baselineManager is the baseline's field manager.
	baselineManager = "union-operator-bench"
)

// baseline times the bare loop the operator is compared with: client-go,
// as the operator's ServiceAccount, with the operator's QPS and burst per
// resource and as many writes in flight as its --badge-writes, writing one label to
// every workload and Pod by server-side apply (the operator's write type),
// from the first write to the last acknowledged one. The list of objects is
// given. The label is then removed again, untimed.
func (b *bench) baseline(ctx context.Context, run int) error {
	w, err := b.baselineWriter()
	if err != nil {
		return err
	}
	g := b.track.expect(baselineKey, baselineValue, true)
	labels := map[string]string{baselineKey: baselineValue}
	order := mixedOrder(len(b.objects))
	events0 := b.watchEvents(ctx)
	cpu0 := b.cpuSample()
	start := time.Now()
	err = parallel(ctx, len(b.objects), b.opts.badgeWrites, func(ctx context.Context, i int) error {
		return w.apply(ctx, b.objects[order[i]], labels)
	})
	if err != nil {
		return err
	}
	acked := time.Since(start)
	at, err := g.wait(ctx)
	if err != nil {
		return fmt.Errorf("waiting to see the baseline's labels: %w", err)
	}
	cpu := b.cpuSample().since(cpu0)
	b.res.Raw.BaselineSeconds = append(b.res.Raw.BaselineSeconds, acked.Seconds())
	b.res.Raw.BaselineObservedSeconds = append(b.res.Raw.BaselineObservedSeconds, at.Sub(start).Seconds())
	b.res.Raw.BaselineProgress = append(b.res.Raw.BaselineProgress, g.progress(start))
	b.res.Raw.CPU[fmt.Sprintf("baseline-%d", run)] = cpu
	b.res.Raw.WatchEvents[fmt.Sprintf("baseline-%d", run)] = b.watchEvents(ctx) - events0
	log.Printf("Baseline run %d: %d objects labelled in %s (all seen by the watch after %s); %s",
		run, len(b.objects), acked.Round(time.Millisecond), at.Sub(start).Round(time.Millisecond), cpu)
	log.Printf("Baseline run %d: progress %s", run, formatProgress(g.progress(start)))

	// The removal is not timed: the admin's unthrottled client does it.
	removeStart := time.Now()
	g = b.track.expect(baselineKey, "", false)
	err = parallel(ctx, len(b.objects), createWorkers, func(ctx context.Context, i int) error {
		return labelWriter{b.adminCS, b.adminCS}.apply(ctx, b.objects[i], nil)
	})
	if err != nil {
		return fmt.Errorf("removing the baseline's labels: %w", err)
	}
	if _, err := g.wait(ctx); err != nil {
		return fmt.Errorf("waiting to see the baseline's labels gone: %w", err)
	}
	log.Printf("Baseline run %d: labels removed in %s (untimed)", run, time.Since(removeStart).Round(time.Millisecond))
	return nil
}

// mixedOrder is a fixed shuffle of 0..n-1. The objects are made Deployments
// first; written in that order, the Pods' rate limiter would sit idle while
// the Deployments' is busy. The operator writes both kinds of a namespace at
// once, so the baseline mixes them too.
func mixedOrder(n int) []int {
	r := rand.New(rand.NewPCG(1, 2))
	return r.Perm(n)
}

// labelWriter writes labels to Pods with one client and to Deployments
// with another.
type labelWriter struct {
	pods, deployments kubernetes.Interface
}

// baselineWriter has the operator's identity and limits, and fresh rate
// limiters (full burst, as a freshly started operator has). The operator's
// controller-runtime client limits each resource on its own (one REST
// client, one token bucket per kind), where a client-go Clientset shares one
// bucket across all resources: the baseline uses one Clientset per resource
// so that both sides have the same client-side budget.
func (b *bench) baselineWriter() (labelWriter, error) {
	var w labelWriter
	for _, cs := range []*kubernetes.Interface{&w.pods, &w.deployments} {
		conf, err := clientcmd.BuildConfigFromFlags("", b.operatorKubeconfig)
		if err != nil {
			return w, err
		}
		conf.QPS, conf.Burst = float32(b.opts.qps), b.opts.burst
		conf.UserAgent = "union-operator-bench-baseline"
		if *cs, err = kubernetes.NewForConfig(conf); err != nil {
			return w, err
		}
	}
	return w, nil
}

// apply applies exactly labels as the object's labels under the baseline's
// field manager: with nil, the manager's labels are released.
func (w labelWriter) apply(ctx context.Context, ref objectRef, labels map[string]string) error {
	opts := metav1.ApplyOptions{FieldManager: baselineManager, Force: true}
	var err error
	switch ref.kind {
	case "Pod":
		ac := corev1ac.Pod(ref.name, ref.namespace)
		if labels != nil {
			ac.WithLabels(labels)
		}
		_, err = w.pods.CoreV1().Pods(ref.namespace).Apply(ctx, ac, opts)
	case "Deployment":
		ac := appsv1ac.Deployment(ref.name, ref.namespace)
		if labels != nil {
			ac.WithLabels(labels)
		}
		_, err = w.deployments.AppsV1().Deployments(ref.namespace).Apply(ctx, ac, opts)
	default:
		err = fmt.Errorf("unknown kind %q", ref.kind)
	}
	if err != nil {
		return fmt.Errorf("applying labels to %s %s/%s: %w", ref.kind, ref.namespace, ref.name, err)
	}
	return nil
}
