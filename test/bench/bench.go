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
	"os"
	"path/filepath"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kos-dev/union-operator/internal/operator"
)

// bench holds the clients, the objects made and the results of one run.
type bench struct {
	opts options
	// root is the repository (the working directory of make bench).
	root   string
	devDir string
	// adminKubeconfig is the cluster admin's (KUBECONFIG).
	adminKubeconfig string
	// operatorKubeconfig authenticates as the operator's ServiceAccount;
	// the operator and the baseline loop both use it, so that the API
	// server authorises and prioritises (APF) their writes alike.
	operatorKubeconfig string

	admin     client.Client        // creates and deletes, unthrottled
	adminCS   kubernetes.Interface // raw requests (API server metrics)
	adminConf *rest.Config

	objects    []objectRef
	namespaces []string

	track    *tracker
	expiries *expiryWatch
	op       *operatorProcess
	stopWt   context.CancelFunc

	res results
}

func newBench(opts options) (*bench, error) {
	root, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(root, "hack", "local-cluster", "lib.sh")); err != nil {
		return nil, fmt.Errorf("run from the repository root (make bench): %w", err)
	}
	kubeconfig := os.Getenv("KUBECONFIG")
	if kubeconfig == "" {
		return nil, fmt.Errorf("KUBECONFIG is not set: run through make bench, which starts the local cluster")
	}
	for p := range opts.phases {
		if p != "convergence" && p != "resync" && p != "expiry" {
			return nil, fmt.Errorf("unknown phase %q in -phases (convergence, resync, expiry)", p)
		}
	}
	if opts.workloads < 0 || opts.pods < 0 || opts.workloads+opts.pods == 0 || opts.namespaces < 1 ||
		opts.coalitions < 1 || opts.runs < 1 || opts.badgeWrites < 1 || opts.burst < 1 || opts.qps <= 0 {
		return nil, fmt.Errorf("invalid scale or settings: %+v", opts)
	}
	conf, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, err
	}
	// The admin's setup and teardown traffic is not measured: let it run.
	conf.QPS, conf.Burst = 2000, 4000
	conf.UserAgent = "union-operator-bench"
	c, err := client.New(conf, client.Options{Scheme: operator.NewScheme()})
	if err != nil {
		return nil, err
	}
	cs, err := kubernetes.NewForConfig(conf)
	if err != nil {
		return nil, err
	}
	devDir := filepath.Join(root, ".dev")
	b := &bench{
		opts:               opts,
		root:               root,
		devDir:             devDir,
		adminKubeconfig:    kubeconfig,
		operatorKubeconfig: filepath.Join(devDir, "bench-operator.kubeconfig"),
		admin:              c,
		adminCS:            cs,
		adminConf:          conf,
	}
	b.res.Raw.CPU = map[string]cpuUsage{}
	b.res.Raw.WatchEvents = map[string]int{}
	b.res.Scale = scale{Workloads: opts.workloads, Pods: opts.pods, Namespaces: opts.namespaces, Coalitions: opts.coalitions}
	b.res.Settings = settings{QPS: opts.qps, Burst: opts.burst, Concurrency: opts.concurrency, BadgeWrites: opts.badgeWrites,
		Runs: opts.runs, ResyncWindow: opts.resyncWindow.Seconds(), ExpiryLead: opts.expiryLead.Seconds()}
	return b, nil
}

// run measures everything, in this order: setup; baseline and operator runs
// alternating; a resync of the last run's state; expiry (a bare loop, then
// the operator).
func (b *bench) run(ctx context.Context) error {
	if err := b.stopDevOperator(ctx); err != nil {
		return err
	}
	if err := b.install(ctx); err != nil {
		return err
	}
	if err := b.removeObjects(ctx); err != nil {
		return fmt.Errorf("removing what an earlier run left: %w", err)
	}
	if b.opts.phases["convergence"] {
		start := time.Now()
		if err := b.createObjects(ctx); err != nil {
			return fmt.Errorf("creating the workload: %w", err)
		}
		if err := b.waitSettled(ctx); err != nil {
			return err
		}
		b.res.Raw.CreateSeconds = time.Since(start).Seconds()
		log.Printf("Created and settled %d objects in %d namespaces in %s", len(b.objects), len(b.namespaces), time.Since(start).Round(time.Millisecond))
	}

	// One watch of the bench's own, started before every run, loads the
	// API server alike in all of them.
	if err := b.startWatches(ctx); err != nil {
		return err
	}
	if b.opts.phases["convergence"] {
		b.res.Raw.ObjectsBadged = len(b.objects) + len(b.namespaces)
		for run := 1; run <= b.opts.runs; run++ {
			if err := b.baseline(ctx, run); err != nil {
				return fmt.Errorf("baseline run %d: %w", run, err)
			}
			if err := b.convergence(ctx, run, run == b.opts.runs); err != nil {
				return fmt.Errorf("operator run %d: %w", run, err)
			}
		}
		b.res.ConvergenceRatio = minOf(b.res.Raw.OperatorSeconds) / minOf(b.res.Raw.BaselineSeconds)
		for _, w := range b.res.Raw.Writes {
			b.res.WritesPerObject = max(b.res.WritesPerObject, w.OperatorPerObject)
			b.res.BadgeWritesPerObject = max(b.res.BadgeWritesPerObject, w.BadgePerObject)
		}
	}
	if b.opts.phases["resync"] {
		if err := b.resync(ctx); err != nil {
			return fmt.Errorf("resync: %w", err)
		}
	}
	if b.opts.phases["expiry"] {
		if err := b.expiry(ctx); err != nil {
			return fmt.Errorf("expiry: %w", err)
		}
	}
	return nil
}

// cleanup stops the operator and removes everything the bench made; the
// cluster stays up.
func (b *bench) cleanup(ctx context.Context) {
	if b.op != nil {
		b.recordRSS(b.op)
		b.op.stop()
		b.op = nil
	}
	if b.stopWt != nil {
		b.stopWt()
	}
	if b.opts.keep {
		log.Printf("Leaving the bench's namespaces and unions in place (-keep)")
		return
	}
	if err := b.removeObjects(ctx); err != nil {
		log.Printf("Cleanup incomplete: %v", err)
	}
}

// poll calls cond every interval until it reports done, fails, or timeout passes.
func poll(ctx context.Context, interval, timeout time.Duration, cond func(context.Context) (bool, error)) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		done, err := cond(ctx)
		if err != nil {
			return err
		}
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			if ctx.Err() == context.DeadlineExceeded {
				return errTimeout
			}
			return ctx.Err()
		case <-t.C:
		}
	}
}
