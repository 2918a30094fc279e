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

// Command bench measures the product's performance targets against the
// local cluster of make cluster: badge convergence against a bare client-go
// loop in the same run, with client-side rate limits off on both sides (the
// API server and etcd are the limit) and again at a fixed QPS; how time,
// writes and memory grow over three scales; writes on a resync; what a join
// costs the other members; and the lag of coalitions expiring at once and
// alone, against a bare loop making the same writes. Run it with make bench;
// it is never part of make test.
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
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"k8s.io/klog/v2"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
)

// Each bench namespace holds this many agent Deployments and bare agent
// Pods: a scale of n objects spreads over n/300 namespaces.
const (
	deploymentsPerNamespace = 50
	podsPerNamespace        = 250
	objectsPerNamespace     = deploymentsPerNamespace + podsPerNamespace
)

// options are the bench's flags.
type options struct {
	// scales are the numbers of agent objects measured, smallest first.
	scales      []int
	coalitions  int
	singles     int
	joinMembers int
	cappedQPS   float64
	burst       int
	concurrency int
	badgeWrites int
	runs        int
	// scaleBaselines times the bare loop at every scale, not only the
	// largest; cappedObjects picks the scale of the capped row.
	scaleBaselines bool
	cappedObjects  int

	resyncWindow time.Duration
	expiryLead   time.Duration

	manager     string
	results     string
	plot        string
	probePort   int
	metricsPort int
	pprofAddr   string
	opPprof     string
	cpuProfile  string
	heapProfile string
	keep        bool
	strict      bool
	// phases are the measurements to make (all by default).
	phases map[string]bool
}

func parseFlags() (options, error) {
	var o options
	scales := flag.String("scales", "1500,3000,6000", "Agent objects at each scale (comma-separated, smallest first), "+strconv.Itoa(objectsPerNamespace)+" per namespace: 1 in 6 a Deployment (replicas: 0), the others bare Pods.")
	flag.IntVar(&o.coalitions, "coalitions", 500, "Coalitions expiring at the same deadline, each with one member namespace.")
	flag.IntVar(&o.singles, "single-expiries", 20, "Coalitions expiring one at a time, a second apart.")
	flag.IntVar(&o.joinMembers, "join-members", 100, "Members of the union one more namespace joins, to count what a join costs the others.")
	flag.Float64Var(&o.cappedQPS, "qps", 200, "Client QPS of the operator and of the baseline loop alike in the capped row (the headline runs uncapped).")
	flag.IntVar(&o.burst, "burst", 400, "Client burst of both sides in the capped row.")
	flag.IntVar(&o.concurrency, "concurrency", 0, "The operator's --concurrency (0: its default).")
	flag.IntVar(&o.badgeWrites, "badge-writes", 32, "The operator's --badge-writes, and the writes the bare loops keep in flight.")
	flag.BoolVar(&o.scaleBaselines, "scale-baselines", false, "Time the bare loop at every scale, not only the largest (to compare time per object with the API server's own).")
	flag.IntVar(&o.cappedObjects, "capped-objects", 1500, "The capped row runs at the first scale of at least this many objects (else the largest).")
	flag.IntVar(&o.runs, "runs", 1, "Baseline and operator runs (alternating) at the largest scale; the better time of each counts.")
	flag.DurationVar(&o.resyncWindow, "resync-window", 5*time.Second, "How long a restarted operator is watched for writes after it is ready.")
	flag.DurationVar(&o.expiryLead, "expiry-lead", 20*time.Second, "How far in the future, at least, the coalitions' common deadline lies once they are all Active: time to move their deadlines and write their warnings (further if the warnings, a tenth of their life before it, would come later than 8s before it).")
	flag.StringVar(&o.manager, "manager", "bin/manager", "The operator binary.")
	flag.StringVar(&o.results, "results", "bench/results.json", "Where the results are written as JSON.")
	flag.StringVar(&o.plot, "plot", "bench/scaling.png", "Where the plot of time per object and RSS per agent against scale is written (PNG).")
	flag.IntVar(&o.probePort, "probe-port", 18101, "Health probe port of the operator the bench runs.")
	flag.IntVar(&o.metricsPort, "metrics-port", 18102, "Metrics port (plain HTTP) of the operator the bench runs.")
	flag.StringVar(&o.pprofAddr, "pprof", "", "Serve the bench's own net/http/pprof on this address (e.g. 127.0.0.1:6060).")
	flag.StringVar(&o.opPprof, "operator-pprof", "127.0.0.1:18103", "Where the operators the bench runs serve net/http/pprof (--pprof-bind-address): the bench asks it for a garbage collection before it reads their settled memory, and profiles can be taken from it.")
	flag.StringVar(&o.cpuProfile, "operator-cpu-profile", "", "Write a CPU profile of the operator's first 30 s of convergence at the largest scale to this file.")
	flag.StringVar(&o.heapProfile, "operator-heap-profile", "", "Write a heap profile of the operator at rest at the largest scale (after its settled memory is read) to this file.")
	flag.BoolVar(&o.keep, "keep", false, "Leave the namespaces and unions the bench made in place.")
	flag.BoolVar(&o.strict, "strict", false, "Exit 1 when a target is missed.")
	phases := flag.String("phases", strings.Join(allPhases, ","), "Measurements to make, comma-separated (for investigations; the targets need all).")
	flag.Parse()
	for _, f := range strings.Split(*scales, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < objectsPerNamespace || (len(o.scales) > 0 && n <= o.scales[len(o.scales)-1]) {
			return o, fmt.Errorf("-scales: %q is not an increasing list of object counts of at least %d", *scales, objectsPerNamespace)
		}
		o.scales = append(o.scales, n)
	}
	o.phases = map[string]bool{}
	for _, p := range strings.Split(*phases, ",") {
		if p = strings.TrimSpace(p); p != "" {
			o.phases[p] = true
		}
	}
	return o, nil
}

// allPhases are the measurements, in the order they run.
var allPhases = []string{"convergence", "capped", "resync", "join", "expiry"}

// scalePoint is what one scale measured.
type scalePoint struct {
	Objects    int `json:"objects"`
	Namespaces int `json:"namespaces"`
	// BaselineSeconds and OperatorSeconds are the best uncapped times.
	BaselineSeconds float64 `json:"baseline_seconds"`
	OperatorSeconds float64 `json:"operator_seconds"`
	// MillisPerObject is the operator's time per badged object.
	MillisPerObject float64 `json:"operator_ms_per_object"`
	Ratio           float64 `json:"convergence_ratio"`
	// RSSBytes is the operator's resident set at rest after badging
	// (settledMemoryOf), RSSBytesPerAgent that above the empty operator's
	// at rest, per cached agent object.
	RSSBytes         int64   `json:"rss_bytes"`
	PeakRSSBytes     int64   `json:"peak_rss_bytes"`
	RSSBytesPerAgent float64 `json:"rss_bytes_per_agent"`
	// AnonBytesPerAgent counts only the anonymous resident pages, and
	// HeapInuseBytesPerAgent the Go heap in use, the same way.
	AnonBytesPerAgent      float64 `json:"rss_anon_bytes_per_agent"`
	HeapInuseBytesPerAgent float64 `json:"heap_inuse_bytes_per_agent"`
	// AsFound... are the same read as the operator was found once idle,
	// before the collection: with the garbage of the run still held.
	AsFoundRSSBytesPerAgent  float64 `json:"as_found_rss_bytes_per_agent"`
	AsFoundAnonBytesPerAgent float64 `json:"as_found_rss_anon_bytes_per_agent"`
	// Memory is read once idle, MemorySettled after the collection.
	Memory         memory  `json:"memory"`
	MemorySettled  memory  `json:"memory_settled"`
	BadgeWritesPer float64 `json:"badge_writes_per_object"`
	// CPUPerObjectRatio is the operator's CPU seconds over the baseline's.
	CPUPerObjectRatio float64 `json:"cpu_per_object_ratio"`
	AllianceRecPerObj float64 `json:"alliance_reconciles_per_object"`
}

// settings are the knobs both sides ran with.
type settings struct {
	CappedQPS    float64 `json:"capped_qps"`
	Burst        int     `json:"burst"`
	Concurrency  int     `json:"concurrency"`
	BadgeWrites  int     `json:"badge_writes"`
	Runs         int     `json:"runs"`
	ResyncWindow float64 `json:"resync_window_seconds"`
	ExpiryLead   float64 `json:"expiry_lead_seconds"`
}

// results is what bench/results.json holds. The headline figures are those
// of the largest scale, client-side rate limits off on both sides.
type results struct {
	Scales   []scalePoint `json:"scales"`
	Settings settings     `json:"settings"`

	ConvergenceRatioUncapped float64 `json:"convergence_ratio_uncapped"`
	// ConvergenceRatio is the same ratio with both sides at -qps.
	ConvergenceRatio float64 `json:"convergence_ratio"`
	// WritesPerObject is the operator's own write requests during
	// convergence (rest_client_requests_total) over the objects it badged
	// (workloads, Pods and member Namespaces), largest scale.
	WritesPerObject float64 `json:"writes_per_object"`
	// BadgeWritesPerObject counts only the writes that reached the badged
	// objects (the API server's apiserver_request_total for APPLY and PATCH
	// on Pods, Deployments and Namespaces), worst scale.
	BadgeWritesPerObject float64 `json:"badge_writes_per_object"`
	// ResyncWrites is the restarted operator's write requests, from its
	// start to the end of the resync window.
	ResyncWrites int `json:"resync_writes"`
	// CPUPerObjectRatio is the operator's CPU seconds over the bare loop's
	// for the same objects, largest scale, uncapped.
	CPUPerObjectRatio float64 `json:"cpu_per_object_ratio"`
	// AllianceReconcilesPerObject is the Alliance controller's reconciles
	// during convergence over the objects badged, worst scale.
	AllianceReconcilesPerObject float64 `json:"alliance_reconciles_per_object"`
	// RSSBytesPerAgent is the resident set above the empty operator's, per
	// cached agent object, largest scale.
	RSSBytesPerAgent float64 `json:"rss_bytes_per_agent"`
	// EmptyRSSBytes is the idle operator's resident set with no agent.
	EmptyRSSBytes int64 `json:"empty_rss_bytes"`
	// PeakRSSBytes is the highest VmHWM of the operator processes.
	PeakRSSBytes int64 `json:"peak_rss_bytes"`
	// TimePerObjectSpread is the largest over the smallest time per object
	// across the scales.
	TimePerObjectSpread float64 `json:"time_per_object_spread"`

	// JoinReconcilesOfOthers are the reconciles of the other Memberships one
	// join into a union of -join-members members costs, and
	// JoinCharterWrites the charters it rewrote.
	JoinReconcilesOfOthers int `json:"join_reconciles_of_others"`
	JoinCharterWrites      int `json:"join_charter_writes"`

	ExpiryP50Seconds float64 `json:"expiry_p50_seconds"`
	ExpiryP99Seconds float64 `json:"expiry_p99_seconds"`
	ExpiryMaxSeconds float64 `json:"expiry_max_seconds"`
	// ExpiryP99Ratio is the operator's p99 over the bare loop's.
	ExpiryP99Ratio float64 `json:"expiry_p99_ratio"`
	// ExpiryWritesPerCoalition are the operator's write requests after the
	// deadline per expiring coalition (each with one member namespace).
	ExpiryWritesPerCoalition float64 `json:"expiry_writes_per_coalition"`
	ExpirySingleP99Seconds   float64 `json:"expiry_single_p99_seconds"`

	BenchSeconds float64 `json:"bench_seconds"`

	Raw raw `json:"raw"`
}

// raw are the measurements the figures come from.
type raw struct {
	CreateSeconds           float64                       `json:"create_seconds"`
	PhaseSeconds            map[string]float64            `json:"phase_seconds"`
	BaselineSeconds         map[string][]float64          `json:"baseline_seconds"`
	BaselineObservedSeconds map[string][]float64          `json:"baseline_observed_seconds"`
	OperatorSeconds         map[string][]float64          `json:"operator_seconds"`
	OperatorStartSeconds    []float64                     `json:"operator_start_seconds"`
	Writes                  map[string]writeCounts        `json:"writes"`
	Resync                  resyncResult                  `json:"resync"`
	EmptyMemory             memory                        `json:"empty_memory"`
	EmptyMemorySettled      memory                        `json:"empty_memory_settled"`
	PeakRSSPerProcess       []int64                       `json:"peak_rss_bytes_per_process"`
	Progress                map[string]map[string]float64 `json:"progress_seconds"`
	CPU                     map[string]cpuUsage           `json:"cpu"`
	// WatchEvents are the watch events the API server sent for Pods and
	// Deployments during each run, to all watchers.
	WatchEvents        map[string]int `json:"watch_events"`
	Join               *writeCounts   `json:"join,omitempty"`
	ExpirySetupSeconds float64        `json:"expiry_setup_seconds"`
	// ExpiryActivation are the API server's writes while the operator made
	// the expiry phase's Memberships Active (every writer's), by resource.
	ExpiryActivation         map[string]int `json:"expiry_activation_writes"`
	ExpiryLagsSeconds        []float64      `json:"expiry_lags_seconds"`
	ExpiryBareLoopP50Seconds float64        `json:"expiry_bare_loop_p50_seconds"`
	ExpiryBareLoopP99Seconds float64        `json:"expiry_bare_loop_p99_seconds"`
	ExpiryOperator           *writeCounts   `json:"expiry_operator,omitempty"`
	ExpirySingleLags         []float64      `json:"expiry_single_lags_seconds"`
}

func main() {
	log.SetFlags(log.Ltime | log.Lmicroseconds)
	log.SetPrefix("bench ")
	began := time.Now()
	opts, err := parseFlags()
	if err != nil {
		log.Fatal(err)
	}
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
	b.res.BenchSeconds = math.Round(time.Since(began).Seconds()*10) / 10

	missed := b.report(os.Stdout)
	if err := writeResults(opts.results, &b.res); err != nil {
		log.Fatalf("Writing %s: %v", opts.results, err)
	}
	log.Printf("Results written to %s", opts.results)
	if len(b.res.Scales) > 1 && opts.plot != "" {
		if err := writePlot(opts.plot, b.res.Scales); err != nil {
			log.Fatalf("Writing %s: %v", opts.plot, err)
		}
		log.Printf("Plot written to %s", opts.plot)
	}
	if missed && opts.strict {
		os.Exit(1)
	}
}

// row is one line of the table, shown when its phase ran.
type row struct {
	phase, metric, value, target string
	ok                           *bool
}

// report prints the tables and says whether a target was missed.
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
		if u.WallSeconds > 0 {
			noise = max(noise, u.Seconds["other"]/(u.WallSeconds*float64(runtime.NumCPU())))
			_ = name
		}
	}
	largest := scalePoint{}
	if len(r.Scales) > 0 {
		largest = r.Scales[len(r.Scales)-1]
	}
	rows := []row{
		{"convergence", "scale (largest)", fmt.Sprintf("%d agent objects in %d namespaces", largest.Objects, largest.Namespaces), "", nil},
		{"convergence", "baseline: bare client-go apply loop, uncapped", seconds(largest.BaselineSeconds), "", nil},
		{"convergence", "operator: Memberships created → all badged, uncapped", seconds(largest.OperatorSeconds), "", nil},
		{"convergence", "convergence ratio, uncapped (headline)", fmt.Sprintf("%.2f", r.ConvergenceRatioUncapped), "≤ 1.10", check(r.ConvergenceRatioUncapped <= 1.1)},
		{"capped", fmt.Sprintf("convergence ratio, both at %g QPS", b.opts.cappedQPS), fmt.Sprintf("%.2f", r.ConvergenceRatio), "≤ 1.20", check(r.ConvergenceRatio <= 1.2)},
		{"convergence", "operator CPU per object ÷ bare loop's", fmt.Sprintf("%.2f", r.CPUPerObjectRatio), "≤ 1.20", check(r.CPUPerObjectRatio <= 1.2)},
		{"convergence", "operator writes per badged object", fmt.Sprintf("%.3f", r.WritesPerObject), "report", nil},
		{"convergence", "badge writes per badged object (API server)", fmt.Sprintf("%.3f", r.BadgeWritesPerObject), "≤ 1", check(r.BadgeWritesPerObject <= 1)},
		{"convergence", "Alliance reconciles per badged object", fmt.Sprintf("%.4f", r.AllianceReconcilesPerObject), "≤ 0.01", check(r.AllianceReconcilesPerObject <= 0.01)},
		{"convergence", "time per object, largest ÷ smallest across scales", fmt.Sprintf("%.2f", r.TimePerObjectSpread), "≤ 1.20", check(len(r.Scales) < 2 || r.TimePerObjectSpread <= 1.2)},
		{"convergence", "RSS above the empty operator per cached agent", fmt.Sprintf("%.0f B", r.RSSBytesPerAgent), "≤ 2048 B", check(r.RSSBytesPerAgent <= 2048)},
		{"convergence", "operator RSS empty / peak (VmHWM)", fmt.Sprintf("%.0f / %.0f MiB", float64(r.EmptyRSSBytes)/(1<<20), float64(r.PeakRSSBytes)/(1<<20)), "report", nil},
		{"resync", "writes on a resync with nothing changed", fmt.Sprintf("%d", r.ResyncWrites), "0", check(r.ResyncWrites == 0)},
		{"join", fmt.Sprintf("reconciles of the other %d members per join", b.opts.joinMembers), fmt.Sprintf("%d (%d charters rewritten)", r.JoinReconcilesOfOthers, r.JoinCharterWrites), "report", nil},
		{"expiry", fmt.Sprintf("expiry lag p50 / max (%d at once)", b.opts.coalitions), seconds(r.ExpiryP50Seconds) + " / " + seconds(r.ExpiryMaxSeconds), "report", nil},
		{"expiry", fmt.Sprintf("expiry lag p99 (%d at once)", b.opts.coalitions), seconds(r.ExpiryP99Seconds), "≤ 1.000s", check(r.ExpiryP99Seconds <= 1)},
		{"expiry", fmt.Sprintf("expiry lag p99 of a bare loop making the same writes, %d in flight", b.opts.badgeWrites), seconds(r.Raw.ExpiryBareLoopP99Seconds), "", nil},
		{"expiry", "expiry lag p99, operator ÷ bare loop", fmt.Sprintf("%.2f", r.ExpiryP99Ratio), "≤ 1.10", check(r.ExpiryP99Ratio <= 1.1)},
		{"expiry", "operator writes per expiring coalition (one member)", fmt.Sprintf("%.2f", r.ExpiryWritesPerCoalition), "report", nil},
		{"expiry", fmt.Sprintf("expiry lag p99, one coalition alone (%d)", b.opts.singles), seconds(r.ExpirySingleP99Seconds), "≤ 0.100s", check(r.ExpirySingleP99Seconds <= 0.1)},
		{"", "bench wall time", fmt.Sprintf("%.0f s", r.BenchSeconds), "≤ 300 s", check(r.BenchSeconds <= 300)},
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

	if len(r.Scales) > 0 {
		_, _ = fmt.Fprintln(out)
		w = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		_, _ = fmt.Fprintln(w, "OBJECTS\tNAMESPACES\tBASELINE\tOPERATOR\tRATIO\tMS/OBJECT\tRSS\tRSS/AGENT\tANON/AGENT\tHEAP/AGENT\tCPU RATIO\tALLIANCE REC/OBJ")
		for _, p := range r.Scales {
			base, ratio, cpu := "-", "-", "-"
			if p.BaselineSeconds > 0 {
				base, ratio, cpu = seconds(p.BaselineSeconds), fmt.Sprintf("%.2f", p.Ratio), fmt.Sprintf("%.2f", p.CPUPerObjectRatio)
			}
			_, _ = fmt.Fprintf(w, "%d\t%d\t%s\t%s\t%s\t%.2f\t%.0f MiB\t%.0f B\t%.0f B\t%.0f B\t%s\t%.4f\n", p.Objects, p.Namespaces,
				base, seconds(p.OperatorSeconds), ratio, p.MillisPerObject,
				mib(p.RSSBytes), p.RSSBytesPerAgent, p.AnonBytesPerAgent, p.HeapInuseBytesPerAgent, cpu, p.AllianceRecPerObj)
		}
		_ = w.Flush()
	}
	return missed
}

func seconds(s float64) string { return fmt.Sprintf("%.3fs", s) }

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
