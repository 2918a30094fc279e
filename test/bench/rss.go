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
	"fmt"
	"log"
	"os"
	"strconv"
	"strings"
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

// residentSet is a process's resident set now (VmRSS), in bytes.
func residentSet(pid int) (int64, error) { return procStatus(pid, "VmRSS") }

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
