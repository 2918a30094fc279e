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
	"bufio"
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// writeMethods are the HTTP methods of write requests.
var writeMethods = []string{"POST", "PUT", "PATCH", "DELETE"}

// writeCounts are the write requests of one measurement.
type writeCounts struct {
	// OperatorByMethod is the operator's own count
	// (rest_client_requests_total by method, every status code).
	OperatorByMethod map[string]int `json:"operator_by_method"`
	OperatorWrites   int            `json:"operator_writes"`
	// BadgeWrites is the API server's count of APPLY and PATCH requests on
	// Pods, Deployments and Namespaces (not their subresources): during a
	// run only the operator writes those.
	BadgeWrites       int     `json:"badge_writes"`
	OperatorPerObject float64 `json:"operator_writes_per_object"`
	BadgePerObject    float64 `json:"badge_writes_per_object"`
	// Reconciles counts the operator's reconciles per controller.
	Reconciles map[string]int `json:"reconciles"`
	// APIServerWrites are all write requests the API server served in the
	// window, by verb and resource: the operator's, and anything else that
	// wrote meanwhile.
	APIServerWrites map[string]int `json:"apiserver_writes"`
}

// counters are cumulative counts at one instant.
type counters struct {
	operator   map[string]int
	reconciles map[string]int
	apiserver  map[string]int
	badge      int
}

func (b *bench) countWrites(ctx context.Context, op *operatorProcess) (counters, error) {
	m, err := op.scrape(ctx)
	if err != nil {
		return counters{}, err
	}
	c := counters{operator: operatorWrites(m), reconciles: map[string]int{}}
	for _, s := range m.named("controller_runtime_reconcile_total") {
		c.reconciles[s.labels["controller"]] += int(s.value)
	}
	if c.apiserver, c.badge, err = b.apiserverWrites(ctx); err != nil {
		return counters{}, err
	}
	return c, nil
}

// apiserverWrites are the API server's write requests so far by verb and
// resource, and those that reached agent objects or Namespaces.
func (b *bench) apiserverWrites(ctx context.Context) (map[string]int, int, error) {
	api, err := b.apiserverMetrics(ctx)
	if err != nil {
		return nil, 0, err
	}
	writes, badge := map[string]int{}, 0
	for _, s := range api.named("apiserver_request_total") {
		l := s.labels
		switch l["verb"] {
		case "APPLY", "PATCH", "POST", "PUT", "CREATE", "UPDATE", "DELETE":
			key := l["verb"] + " " + l["resource"]
			if l["subresource"] != "" {
				key += "/" + l["subresource"]
			}
			writes[key] += int(s.value)
		}
		if (l["verb"] == "APPLY" || l["verb"] == "PATCH") && l["subresource"] == "" &&
			(l["resource"] == "pods" || l["resource"] == "deployments" || l["resource"] == "namespaces") {
			badge += int(s.value)
		}
	}
	return writes, badge, nil
}

// since is the difference of two counts, per badged object.
func (c counters) since(before counters, objects int) writeCounts {
	w := writeCounts{OperatorByMethod: map[string]int{}, BadgeWrites: c.badge - before.badge, Reconciles: map[string]int{}}
	w.APIServerWrites = map[string]int{}
	for k, n := range c.apiserver {
		if d := n - before.apiserver[k]; d != 0 {
			w.APIServerWrites[k] = d
		}
	}
	for name, n := range c.reconciles {
		if d := n - before.reconciles[name]; d != 0 {
			w.Reconciles[name] = d
		}
	}
	for _, m := range writeMethods {
		if n := c.operator[m] - before.operator[m]; n != 0 {
			w.OperatorByMethod[m] = n
			w.OperatorWrites += n
		}
	}
	w.OperatorPerObject = float64(w.OperatorWrites) / float64(objects)
	w.BadgePerObject = float64(w.BadgeWrites) / float64(objects)
	return w
}

// operatorWrites sums rest_client_requests_total by write method.
func operatorWrites(m metrics) map[string]int {
	out := map[string]int{}
	for _, s := range m.named("rest_client_requests_total") {
		out[s.labels["method"]] += int(s.value)
	}
	return out
}

// watchEvents is how many watch events the API server has sent for Pods and
// Deployments so far (to every watcher: the more watchers, the more events).
func (b *bench) watchEvents(ctx context.Context) int {
	m, err := b.apiserverMetrics(ctx)
	if err != nil {
		log.Printf("Reading watch events: %v", err)
		return 0
	}
	return int(m.sum("apiserver_watch_events_total", map[string]string{"resource": "pods"}) +
		m.sum("apiserver_watch_events_total", map[string]string{"resource": "deployments"}))
}

func (b *bench) apiserverMetrics(ctx context.Context) (metrics, error) {
	data, err := b.adminCS.CoreV1().RESTClient().Get().AbsPath("/metrics").DoRaw(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the API server's metrics: %w", err)
	}
	return parseMetrics(strings.NewReader(string(data)))
}

// resyncResult is what a restarted operator did with nothing changed.
type resyncResult struct {
	// Writes counts the write requests from the process start to the end of the window.
	Writes            int            `json:"writes"`
	ByMethod          map[string]int `json:"by_method"`
	WindowSeconds     float64        `json:"window_seconds"`
	StartupSeconds    float64        `json:"startup_seconds"`
	BadgingReconciles int            `json:"badging_reconciles"`
	Namespaces        int            `json:"namespaces"`
}

// resync restarts the operator with every badge in place: the new process
// lists everything again and reconciles every namespace, and must write
// nothing. Its writes are counted from its start to the end of the window
// after it is ready. The operator keeps running for the expiry measurement.
func (b *bench) resync(ctx context.Context) error {
	if b.op != nil {
		b.recordRSS(b.op)
		b.op.stop()
		b.op = nil
	}
	op, err := b.startOperator(ctx, uncapped)
	if err != nil {
		return err
	}
	b.op = op
	select {
	case <-time.After(time.Until(op.readyAt.Add(b.opts.resyncWindow))):
	case <-ctx.Done():
		return ctx.Err()
	}
	m, err := op.scrape(ctx)
	if err != nil {
		return err
	}
	r := resyncResult{ByMethod: map[string]int{}, WindowSeconds: b.opts.resyncWindow.Seconds(),
		StartupSeconds: op.startup.Seconds(), Namespaces: op.namespaces}
	all := operatorWrites(m)
	for _, method := range writeMethods {
		if n := all[method]; n != 0 {
			r.ByMethod[method] = n
			r.Writes += n
		}
	}
	r.BadgingReconciles = int(m.sum("controller_runtime_reconcile_total", map[string]string{"controller": "badging"}))
	b.res.Raw.Resync = r
	b.res.ResyncWrites = r.Writes
	log.Printf("Resync: %d write requests %v in %s after ready; %d badging reconciles for %d namespaces",
		r.Writes, r.ByMethod, b.opts.resyncWindow, r.BadgingReconciles, r.Namespaces)
	return nil
}

// sample is one line of the Prometheus text format.
type sample struct {
	name   string
	labels map[string]string
	value  float64
}

type metrics []sample

func (m metrics) named(name string) []sample {
	var out []sample
	for _, s := range m {
		if s.name == name {
			out = append(out, s)
		}
	}
	return out
}

// sum adds the samples of name whose labels include match.
func (m metrics) sum(name string, match map[string]string) float64 {
	var total float64
	for _, s := range m.named(name) {
		ok := true
		for k, v := range match {
			if s.labels[k] != v {
				ok = false
				break
			}
		}
		if ok {
			total += s.value
		}
	}
	return total
}

func scrape(ctx context.Context, url string) (metrics, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return parseMetrics(resp.Body)
}

// parseMetrics reads the samples of the Prometheus text format (comments,
// timestamps and exemplars aside).
func parseMetrics(r io.Reader) (metrics, error) {
	var out metrics
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		s := sample{labels: map[string]string{}}
		rest := line
		if i := strings.IndexAny(line, "{ "); i >= 0 && line[i] == '{' {
			s.name = line[:i]
			var err error
			if rest, err = parseLabels(line[i+1:], s.labels); err != nil {
				return nil, fmt.Errorf("%w in %q", err, line)
			}
		} else if i >= 0 {
			s.name, rest = line[:i], line[i:]
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			return nil, fmt.Errorf("no value in %q", line)
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			return nil, fmt.Errorf("value in %q: %w", line, err)
		}
		s.value = v
		out = append(out, s)
	}
	return out, sc.Err()
}

// parseLabels reads `k="v",...}` into into and returns what follows the brace.
func parseLabels(s string, into map[string]string) (string, error) {
	for {
		s = strings.TrimLeft(s, " ,")
		if strings.HasPrefix(s, "}") {
			return s[1:], nil
		}
		eq := strings.IndexByte(s, '=')
		if eq < 0 || eq+1 >= len(s) || s[eq+1] != '"' {
			return "", fmt.Errorf("malformed labels")
		}
		key := strings.TrimSpace(s[:eq])
		var val strings.Builder
		i := eq + 2
		for ; i < len(s) && s[i] != '"'; i++ {
			if s[i] == '\\' && i+1 < len(s) {
				i++
				switch s[i] {
				case 'n':
					val.WriteByte('\n')
				default:
					val.WriteByte(s[i])
				}
				continue
			}
			val.WriteByte(s[i])
		}
		if i >= len(s) {
			return "", fmt.Errorf("unterminated label value")
		}
		into[key] = val.String()
		s = s[i+1:]
	}
}
