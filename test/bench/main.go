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

// Command bench measures the performance targets of DESIGN.md §3 against the
// local cluster of make cluster: badge convergence against a bare client-go
// loop in the same run, writes per badged object and on a resync, the
// operator's peak memory, and the lag of 500 coalitions expiring at once.
// Run it with make bench; it is never part of make test.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"math"
	"net/http"
	_ "net/http/pprof" // served only with -pprof
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"k8s.io/klog/v2"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
)

// options are the bench's flags.
type options struct {
	workloads   int
	pods        int
	namespaces  int
	coalitions  int
	qps         float64
	burst       int
	concurrency int
	badgeWrites int
	runs        int

	resyncWindow time.Duration
	expiryLead   time.Duration

	manager     string
	results     string
	probePort   int
	metricsPort int
	pprofAddr   string
	keep        bool
	strict      bool
	// phases are the measurements to make (all by default).
	phases map[string]bool
}

func parseFlags() options {
	var o options
	flag.IntVar(&o.workloads, "workloads", 1000, "Agent Deployments (replicas: 0) to badge.")
	flag.IntVar(&o.pods, "pods", 5000, "Agent Pods (bare, bound to the kwok node) to badge.")
	flag.IntVar(&o.namespaces, "namespaces", 20, "Namespaces the workloads and Pods are spread over; each joins with one Membership.")
	flag.IntVar(&o.coalitions, "coalitions", 500, "Coalitions expiring at the same deadline.")
	flag.Float64Var(&o.qps, "qps", 200, "Client QPS of the operator and of the baseline loop alike.")
	flag.IntVar(&o.burst, "burst", 400, "Client burst of the operator and of the baseline loop alike.")
	flag.IntVar(&o.concurrency, "concurrency", 4, "The operator's --concurrency.")
	flag.IntVar(&o.badgeWrites, "badge-writes", 32, "The operator's --badge-writes, and the writes the baseline keeps in flight.")
	flag.IntVar(&o.runs, "runs", 2, "Baseline and operator runs (alternating); the better time of each counts.")
	flag.DurationVar(&o.resyncWindow, "resync-window", 30*time.Second, "How long a restarted operator is watched for writes after it is ready.")
	flag.DurationVar(&o.expiryLead, "expiry-lead", time.Minute, "How far in the future the coalitions' common deadline lies when they are created (their expiry warning comes a tenth of it before).")
	flag.StringVar(&o.manager, "manager", "bin/manager", "The operator binary.")
	flag.StringVar(&o.results, "results", "bench/results.json", "Where the results are written as JSON.")
	flag.IntVar(&o.probePort, "probe-port", 18101, "Health probe port of the operator the bench runs.")
	flag.IntVar(&o.metricsPort, "metrics-port", 18102, "Metrics port (plain HTTP) of the operator the bench runs.")
	flag.StringVar(&o.pprofAddr, "pprof", "", "Serve the bench's own net/http/pprof on this address (e.g. 127.0.0.1:6060).")
	flag.BoolVar(&o.keep, "keep", false, "Leave the namespaces and unions the bench made in place.")
	flag.BoolVar(&o.strict, "strict", false, "Exit 1 when a target is missed.")
	phases := flag.String("phases", "convergence,resync,expiry", "Measurements to make, comma-separated (for investigations; the targets need all).")
	flag.Parse()
	o.phases = map[string]bool{}
	for _, p := range strings.Split(*phases, ",") {
		if p = strings.TrimSpace(p); p != "" {
			o.phases[p] = true
		}
	}
	return o
}

// scale is the size of the measured cluster.
type scale struct {
	Workloads  int `json:"workloads"`
	Pods       int `json:"pods"`
	Namespaces int `json:"namespaces"`
	Coalitions int `json:"coalitions"`
}

// settings are the knobs both sides ran with.
type settings struct {
	QPS          float64 `json:"qps"`
	Burst        int     `json:"burst"`
	Concurrency  int     `json:"concurrency"`
	BadgeWrites  int     `json:"badge_writes"`
	Runs         int     `json:"runs"`
	ResyncWindow float64 `json:"resync_window_seconds"`
	ExpiryLead   float64 `json:"expiry_lead_seconds"`
}

// results is what bench/results.json holds.
type results struct {
	Scale    scale    `json:"scale"`
	Settings settings `json:"settings"`

	// ConvergenceRatio is the operator's best time over the baseline's best time.
	ConvergenceRatio float64 `json:"convergence_ratio"`
	// WritesPerObject is the operator's own write requests during
	// convergence (rest_client_requests_total, worst run) over the objects
	// it badged (workloads, Pods and member Namespaces).
	WritesPerObject float64 `json:"writes_per_object"`
	// BadgeWritesPerObject counts only the writes that reached the badged
	// objects (the API server's apiserver_request_total for APPLY and PATCH
	// on Pods, Deployments and Namespaces, worst run) over the same objects.
	BadgeWritesPerObject float64 `json:"badge_writes_per_object"`
	// ResyncWrites is the restarted operator's write requests, from its
	// start to the end of the resync window.
	ResyncWrites int `json:"resync_writes"`
	// PeakRSSBytes is the highest VmHWM of the operator processes.
	PeakRSSBytes int64 `json:"peak_rss_bytes"`

	ExpiryP50Seconds float64 `json:"expiry_p50_seconds"`
	ExpiryP99Seconds float64 `json:"expiry_p99_seconds"`
	ExpiryMaxSeconds float64 `json:"expiry_max_seconds"`

	Raw raw `json:"raw"`
}

// raw are the measurements the figures come from.
type raw struct {
	CreateSeconds           float64              `json:"create_seconds"`
	BaselineSeconds         []float64            `json:"baseline_seconds"`
	BaselineObservedSeconds []float64            `json:"baseline_observed_seconds"`
	OperatorSeconds         []float64            `json:"operator_seconds"`
	OperatorStartSeconds    []float64            `json:"operator_start_seconds"`
	ObjectsBadged           int                  `json:"objects_badged"`
	Writes                  []writeCounts        `json:"writes"`
	Resync                  resyncResult         `json:"resync"`
	PeakRSSPerProcess       []int64              `json:"peak_rss_bytes_per_process"`
	BaselineProgress        []map[string]float64 `json:"baseline_progress_seconds"`
	OperatorProgress        []map[string]float64 `json:"operator_progress_seconds"`
	CPU                     map[string]cpuUsage  `json:"cpu"`
	// WatchEvents are the watch events the API server sent for Pods and
	// Deployments during each run, to all watchers.
	WatchEvents                       map[string]int `json:"watch_events"`
	ExpiryCreateSeconds               float64        `json:"expiry_create_seconds"`
	ExpiryWarnedBeforeDeadlineSeconds float64        `json:"expiry_warnings_done_before_deadline_seconds"`
	ExpiryLagsSeconds                 []float64      `json:"expiry_lags_seconds"`
	ExpiryBareLoopP50Seconds          float64        `json:"expiry_bare_loop_p50_seconds"`
	ExpiryBareLoopP99Seconds          float64        `json:"expiry_bare_loop_p99_seconds"`
	ExpiryOperator                    *writeCounts   `json:"expiry_operator,omitempty"`
}

func main() {
	log.SetFlags(log.Ltime | log.Lmicroseconds)
	log.SetPrefix("bench ")
	opts := parseFlags()
	// The bench's watches log through klog (errors only, at its default verbosity).
	ctrllog.SetLogger(klog.NewKlogr())
	if opts.pprofAddr != "" {
		go func() { log.Println(http.ListenAndServe(opts.pprofAddr, nil)) }()
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	b, err := newBench(opts)
	if err != nil {
		log.Fatalf("Setting up: %v", err)
	}
	runErr := b.run(ctx)
	if runErr != nil {
		log.Printf("Bench failed: %v", runErr)
	}
	// Clean up even after an interrupt, with a context of its own.
	cleanupCtx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	b.cleanup(cleanupCtx)
	cancel()
	if runErr != nil {
		os.Exit(1)
	}

	missed := b.report(os.Stdout)
	if err := writeResults(opts.results, &b.res); err != nil {
		log.Fatalf("Writing %s: %v", opts.results, err)
	}
	log.Printf("Results written to %s", opts.results)
	if missed && opts.strict {
		os.Exit(1)
	}
}

// row is one line of the table, shown when its phase ran.
type row struct {
	phase, metric, value, target string
	ok                           *bool
}

// report prints the table and says whether a target was missed.
func (b *bench) report(out *os.File) (missed bool) {
	r := &b.res
	check := func(ok bool) *bool {
		if !ok {
			missed = true
		}
		return &ok
	}
	noise := 0.0
	for name, u := range r.Raw.CPU {
		if !strings.HasPrefix(name, "expiry-before") && u.WallSeconds > 0 {
			noise = max(noise, u.Seconds["other"]/(u.WallSeconds*float64(runtime.NumCPU())))
		}
	}
	rows := []row{
		{"convergence", "scale", fmt.Sprintf("%d workloads + %d Pods in %d namespaces", r.Scale.Workloads, r.Scale.Pods, r.Scale.Namespaces), "", nil},
		{"convergence", "baseline: bare client-go apply loop (best)", seconds(minOf(r.Raw.BaselineSeconds)), "", nil},
		{"convergence", "operator: Memberships created → all badged (best)", seconds(minOf(r.Raw.OperatorSeconds)), "", nil},
		{"convergence", "convergence ratio operator/baseline", fmt.Sprintf("%.2f", r.ConvergenceRatio), "≤ 1.20", check(r.ConvergenceRatio <= 1.2)},
		{"convergence", "operator writes per badged object", fmt.Sprintf("%.3f", r.WritesPerObject), "report", nil},
		{"convergence", "badge writes per badged object (API server)", fmt.Sprintf("%.3f", r.BadgeWritesPerObject), "≤ 1", check(r.BadgeWritesPerObject <= 1)},
		{"resync", "writes on a resync with nothing changed", fmt.Sprintf("%d", r.ResyncWrites), "0", check(r.ResyncWrites == 0)},
		{"", "operator peak RSS (VmHWM)", fmt.Sprintf("%.0f MiB", float64(r.PeakRSSBytes)/(1<<20)), "report", nil},
		{"expiry", fmt.Sprintf("expiry lag p50 (%d coalitions)", r.Scale.Coalitions), seconds(r.ExpiryP50Seconds), "report", nil},
		{"expiry", fmt.Sprintf("expiry lag p99 (%d coalitions)", r.Scale.Coalitions), seconds(r.ExpiryP99Seconds), "≤ 1.000s", check(r.ExpiryP99Seconds <= 1)},
		{"expiry", "expiry lag max", seconds(r.ExpiryMaxSeconds), "report", nil},
		{"expiry", "expiry lag p99 of a bare status-write loop (reference)", seconds(r.Raw.ExpiryBareLoopP99Seconds), "", nil},
		{"", "CPU taken by other processes in a measured window (max)", fmt.Sprintf("%.0f%%", noise*100), "", nil},
	}
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	_, _ = fmt.Fprintln(w, "METRIC\tVALUE\tTARGET\tOK")
	for _, r := range rows {
		if r.phase != "" && !b.opts.phases[r.phase] {
			continue
		}
		ok := ""
		if r.ok != nil {
			ok = map[bool]string{true: "yes", false: "NO"}[*r.ok]
		}
		_, _ = fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", r.metric, r.value, r.target, ok)
	}
	_ = w.Flush()
	return missed
}

func seconds(s float64) string { return fmt.Sprintf("%.3fs", s) }

func minOf(xs []float64) float64 {
	m := math.Inf(1)
	for _, x := range xs {
		m = min(m, x)
	}
	if math.IsInf(m, 1) {
		return 0
	}
	return m
}

func writeResults(path string, r *results) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// errTimeout marks a wait that ran out of time.
var errTimeout = errors.New("timed out")
