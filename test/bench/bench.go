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
	"os"
	"path/filepath"
	"slices"
	"strings"
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
	// baselineKubeconfig is the bare convergence loop's: a ServiceAccount
	// too, but not the operator's, whose fence lets it change only badges
	// on agent objects.
	baselineKubeconfig string

	admin     client.Client        // creates and deletes, unthrottled
	adminCS   kubernetes.Interface // raw requests (API server metrics)
	adminConf *rest.Config

	objects    []objectRef
	namespaces []string
	// unions counts the unions the operator runs made (each its own),
	// baselines the baseline runs.
	unions, baselines int
	// empty are the agent-less namespaces of the join and expiry phases.
	empty []string

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
		if !slices.Contains(allPhases, p) {
			return nil, fmt.Errorf("unknown phase %q in -phases (%s)", p, strings.Join(allPhases, ", "))
		}
	}
	if opts.coalitions < 1 || opts.singles < 1 || opts.joinMembers < 1 || opts.runs < 1 || opts.badgeWrites < 1 ||
		opts.burst < 1 || opts.cappedQPS <= 0 || opts.concurrency < 0 {
		return nil, fmt.Errorf("invalid settings: %+v", opts)
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
		baselineKubeconfig: filepath.Join(devDir, "bench-baseline.kubeconfig"),
		admin:              c,
		adminCS:            cs,
		adminConf:          conf,
	}
	b.res.Raw.CPU = map[string]cpuUsage{}
	b.res.Raw.WatchEvents = map[string]int{}
	b.res.Raw.PhaseSeconds = map[string]float64{}
	b.res.Raw.BaselineSeconds = map[string][]float64{}
	b.res.Raw.BaselineObservedSeconds = map[string][]float64{}
	b.res.Raw.OperatorSeconds = map[string][]float64{}
	b.res.Raw.Writes = map[string]writeCounts{}
	b.res.Raw.Progress = map[string]map[string]float64{}
	b.res.Settings = settings{CappedQPS: opts.cappedQPS, Burst: opts.burst, Concurrency: opts.concurrency, BadgeWrites: opts.badgeWrites,
		Runs: opts.runs, ResyncWindow: opts.resyncWindow.Seconds(), ExpiryLead: opts.expiryLead.Seconds()}
	return b, nil
}

// limits are a client's rate limits: uncapped (client-side limiting off)
// or a QPS and burst.
type limits struct {
	qps   float64
	burst int
}

// uncapped turns client-side rate limiting off: the API server is the limit.
var uncapped = limits{qps: -1, burst: 1}

func (l limits) String() string {
	if l.qps < 0 {
		return "uncapped"
	}
	return fmt.Sprintf("%gqps", l.qps)
}

// run measures everything, in this order: the empty operator's memory; at
// each scale, the objects grown to it, then a baseline and an operator run
// (uncapped), and both again at -qps on the smallest; a resync; a join;
// expiry.
// Each operator run adds a union of its own and leaves its badges: the
// next run's start-up finds them in place, as a resync would.
func (b *bench) run(ctx context.Context) error {
	if err := b.stopDevOperator(ctx); err != nil {
		return err
	}
	if err := b.install(ctx); err != nil {
		return err
	}
	if err := b.removeObjects(ctx, true); err != nil {
		return fmt.Errorf("removing what an earlier run left: %w", err)
	}
	// One watch of the bench's own, started before every run, loads the
	// API server alike in all of them.
	if err := b.startWatches(ctx); err != nil {
		return err
	}
	phase := func(name string, fn func() error) error {
		if !b.opts.phases[name] {
			return nil
		}
		start := time.Now()
		err := fn()
		b.res.Raw.PhaseSeconds[name] += math.Round(time.Since(start).Seconds()*10) / 10
		return err
	}
	err := phase("convergence", func() error {
		if err := b.measureEmpty(ctx); err != nil {
			return fmt.Errorf("the empty operator: %w", err)
		}
		for i, n := range b.opts.scales {
			if err := b.growTo(ctx, n); err != nil {
				return fmt.Errorf("growing to %d objects: %w", n, err)
			}
			largest := i == len(b.opts.scales)-1
			runs := 1
			if largest {
				runs = b.opts.runs
			}
			p, err := b.measureScale(ctx, runs, largest || b.opts.scaleBaselines)
			if err != nil {
				return fmt.Errorf("scale %d: %w", n, err)
			}
			b.res.Scales = append(b.res.Scales, p)
			// The capped row, at one scale only: it shows both sides under
			// the same client limit, not a second headline.
			if i == b.cappedScale() {
				if err := phase("capped", func() error { return b.measureCapped(ctx) }); err != nil {
					return fmt.Errorf("capped: %w", err)
				}
			}
		}
		b.summarizeScales()
		return nil
	})
	if err != nil {
		return err
	}
	if err := phase("resync", func() error { return b.resync(ctx) }); err != nil {
		return fmt.Errorf("resync: %w", err)
	}
	if err := phase("join", func() error { return b.join(ctx) }); err != nil {
		return fmt.Errorf("join: %w", err)
	}
	if err := phase("expiry", func() error { return b.expiry(ctx) }); err != nil {
		return fmt.Errorf("expiry: %w", err)
	}
	return nil
}

// cleanup stops the operator and removes everything the bench made; the
// cluster stays up. The bench's unions need no operator to go: they hold no
// finalizer, and their Memberships none (no cool-off).
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
	start := time.Now()
	if err := b.removeObjects(ctx, false); err != nil {
		log.Printf("Cleanup incomplete: %v", err)
	}
	b.res.Raw.PhaseSeconds["cleanup"] = math.Round(time.Since(start).Seconds()*10) / 10
}

// cappedScale is the index of the scale the capped row runs at: the first
// of at least -capped-objects objects, else the largest.
func (b *bench) cappedScale() int {
	for i, n := range b.opts.scales {
		if n >= b.opts.cappedObjects {
			return i
		}
	}
	return len(b.opts.scales) - 1
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
