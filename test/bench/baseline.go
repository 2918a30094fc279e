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
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

const (
	// baselineKey is as long as a badge key of the bench's unions; it is no
	// badge, so no operator removes it and the runs need no clean-up.
	baselineKey = "bench.union-operator.dev/baseline-labels"
	// baselineManager is the baseline's field manager.
	baselineManager = "union-operator-bench"
)

// baselineRun is what one baseline run measured.
type baselineRun struct {
	seconds float64
	cpu     cpuUsage
}

// baseline times the bare loop the operator is compared with: client-go,
// as a ServiceAccount of its own, with the given client limits per
// resource and as many writes in flight as the operator's --badge-writes,
// writing one label to every workload and Pod by server-side apply (the
// operator's write type), from the first write to the last acknowledged
// one. Each run writes a value of its own, so that every write changes the
// object, as a badge does.
func (b *bench) baseline(ctx context.Context, key string, l limits) (*baselineRun, error) {
	w, err := b.baselineWriter(l)
	if err != nil {
		return nil, err
	}
	b.baselines++
	value := fmt.Sprintf("run-%d", b.baselines)
	g := b.track.expect(baselineKey, value, true)
	labels := map[string]string{baselineKey: value}
	order := mixedOrder(len(b.objects))
	events0 := b.watchEvents(ctx)
	cpu0 := b.cpuSample()
	start := time.Now()
	err = parallel(ctx, len(b.objects), b.opts.badgeWrites, func(ctx context.Context, i int) error {
		return w.apply(ctx, b.objects[order[i]], labels)
	})
	if err != nil {
		return nil, err
	}
	acked := time.Since(start)
	at, err := g.wait(ctx)
	if err != nil {
		return nil, fmt.Errorf("waiting to see the baseline's labels: %w", err)
	}
	cpu := b.cpuSample().since(cpu0)
	run := &baselineRun{seconds: round(acked.Seconds(), 3), cpu: cpu}
	runKey := "baseline-" + key
	b.res.Raw.BaselineSeconds[key] = append(b.res.Raw.BaselineSeconds[key], run.seconds)
	b.res.Raw.BaselineObservedSeconds[key] = append(b.res.Raw.BaselineObservedSeconds[key], round(at.Sub(start).Seconds(), 3))
	b.res.Raw.Progress[runKey] = g.progress(start)
	b.res.Raw.CPU[runKey] = cpu
	b.res.Raw.WatchEvents[runKey] = b.watchEvents(ctx) - events0
	log.Printf("Baseline %s: %d objects labelled in %s (all seen by the watch after %s); %s",
		key, len(b.objects), acked.Round(time.Millisecond), at.Sub(start).Round(time.Millisecond), cpu)
	return run, nil
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

// baselineWriter has the operator's identity and the given limits, and
// fresh rate limiters (full burst, as a freshly started operator has). The
// operator's controller-runtime client limits each resource on its own (one
// REST client, one token bucket per kind), where a client-go Clientset
// shares one bucket across all resources: the baseline uses one Clientset
// per resource so that both sides have the same client-side budget.
func (b *bench) baselineWriter(l limits) (labelWriter, error) {
	var w labelWriter
	for _, cs := range []*kubernetes.Interface{&w.pods, &w.deployments} {
		conf, err := clientConfig(b.baselineKubeconfig, l)
		if err != nil {
			return w, err
		}
		if *cs, err = kubernetes.NewForConfig(conf); err != nil {
			return w, err
		}
	}
	return w, nil
}

// operatorConfig is a client config of the operator's identity, with the
// given limits.
func (b *bench) operatorConfig(l limits) (*rest.Config, error) {
	return clientConfig(b.operatorKubeconfig, l)
}

// clientConfig is the client config of a kubeconfig, with the given limits.
func clientConfig(kubeconfig string, l limits) (*rest.Config, error) {
	conf, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, err
	}
	conf.QPS, conf.Burst = float32(l.qps), l.burst
	conf.UserAgent = "union-operator-bench-baseline"
	return conf, nil
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
