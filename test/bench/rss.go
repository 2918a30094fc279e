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
	"errors"
	"fmt"
	"io"
	"log"
	"math"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// recordRSS notes the peak resident set (VmHWM) of an operator process,
// read just before it is stopped so that it covers its whole life, and
// returns it.
func (b *bench) recordRSS(op *operatorProcess) int64 {
	hwm, err := procStatus(op.pid(), "VmHWM")
	if err != nil {
		log.Printf("Reading the operator's peak RSS: %v", err)
		return 0
	}
	b.res.Raw.PeakRSSPerProcess = append(b.res.Raw.PeakRSSPerProcess, hwm)
	b.res.PeakRSSBytes = max(b.res.PeakRSSBytes, hwm)
	return hwm
}

// memory is an operator process's memory at one moment: its resident set,
// split into anonymous pages (the heap, stacks) and file pages (the
// binary's code and data, which do not grow with the objects it holds), and
// the Go heap as the process reports it.
type memory struct {
	RSS  int64 `json:"rss_bytes"`
	Anon int64 `json:"rss_anon_bytes"`
	File int64 `json:"rss_file_bytes"`
	// HeapInuse is the heap's spans in use (live objects and garbage not
	// yet swept), HeapAlloc the bytes of allocated objects.
	HeapInuse int64 `json:"heap_inuse_bytes"`
	HeapAlloc int64 `json:"heap_alloc_bytes"`
}

// memoryOf reads an operator's memory now: /proc for the resident set, its
// metrics for the heap.
func memoryOf(ctx context.Context, op *operatorProcess) (memory, error) {
	var m memory
	var err error
	for field, into := range map[string]*int64{"VmRSS": &m.RSS, "RssAnon": &m.Anon, "RssFile": &m.File} {
		if *into, err = procStatus(op.pid(), field); err != nil {
			return m, err
		}
	}
	metrics, err := op.scrape(ctx)
	if err != nil {
		return m, err
	}
	m.HeapInuse = int64(metrics.sum("go_memstats_heap_inuse_bytes", nil))
	m.HeapAlloc = int64(metrics.sum("go_memstats_heap_alloc_bytes", nil))
	return m, nil
}

// settledMemoryOf reads an operator's memory at rest, as a long-running
// operator holds it: after a garbage collection (asked of its pprof,
// /debug/pprof/heap?gc=1, as the runtime itself forces one every two
// minutes), once the runtime has given back the pages it freed (the
// resident set has stopped falling for a second, 15 s at most). Reading at
// an arbitrary moment counts whatever garbage the last burst of writes left
// for the next collection, which is no cost of the objects cached.
func settledMemoryOf(ctx context.Context, op *operatorProcess) (memory, error) {
	if op.pprofURL == "" {
		return memory{}, fmt.Errorf("the operator serves no pprof (-operator-pprof is empty): its memory cannot be settled")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, op.pprofURL+"/heap?gc=1", nil)
	if err != nil {
		return memory{}, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return memory{}, fmt.Errorf("asking the operator for a garbage collection: %w", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return memory{}, fmt.Errorf("asking the operator for a garbage collection: %s", resp.Status)
	}
	const step, still, longest = 250 * time.Millisecond, time.Second, 15 * time.Second
	low, lowAt := int64(math.MaxInt64), time.Now()
	err = poll(ctx, step, longest, func(context.Context) (bool, error) {
		rss, err := procStatus(op.pid(), "VmRSS")
		if err != nil {
			return false, err
		}
		if rss < low-64<<10 {
			low, lowAt = rss, time.Now()
		}
		return time.Since(lowAt) >= still, nil
	})
	// Still falling after the longest wait: read it as it is.
	if err != nil && !errors.Is(err, errTimeout) {
		return memory{}, err
	}
	return memoryOf(ctx, op)
}

// profile writes the operator's pprof profile name (with its query, e.g.
// "profile?seconds=30" for CPU) to path; what names it in the log.
func (op *operatorProcess) profile(ctx context.Context, what, name, path string) {
	err := func() error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, op.pprofURL+"/"+name, nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer func() { _ = resp.Body.Close() }()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s: %s", name, resp.Status)
		}
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		_, err = io.Copy(f, resp.Body)
		return errors.Join(err, f.Close())
	}()
	if err != nil {
		log.Printf("%s profile: %v", what, err)
		return
	}
	log.Printf("%s profile of the operator written to %s", what, path)
}

func (m memory) String() string {
	return fmt.Sprintf("RSS %.1f MiB (anonymous %.1f, file %.1f), heap in use %.1f MiB, allocated %.1f MiB",
		mib(m.RSS), mib(m.Anon), mib(m.File), mib(m.HeapInuse), mib(m.HeapAlloc))
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

// procStatus reads a size field ("VmRSS", "VmHWM") of /proc/<pid>/status,
// in bytes.
func procStatus(pid int, field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), field+":")
		if !ok {
			continue
		}
		fields := strings.Fields(rest) // "123456 kB"
		if len(fields) != 2 || fields[1] != "kB" {
			return 0, fmt.Errorf("unexpected %s line %q", field, sc.Text())
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return 0, err
		}
		return kb << 10, nil
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}
