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
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTicks is USER_HZ, the unit of the CPU times in /proc (100 on Linux).
const clockTicks = 100

// cpuSnapshot is the CPU time each process of interest has used so far, and
// the machine's busy and total time.
type cpuSnapshot struct {
	at        time.Time
	processes map[string]float64
	busy      float64
	total     float64
}

// cpuUsage is where the CPU went during a window: seconds per process, and
// how busy the machine's cores were.
type cpuUsage struct {
	WallSeconds float64            `json:"wall_seconds"`
	Seconds     map[string]float64 `json:"seconds"`
	// MachineBusy is the fraction of all cores' time that was not idle.
	MachineBusy float64 `json:"machine_busy"`
}

// cpuSample reads the CPU times of the local cluster's components, the
// operator (when one runs) and the bench itself.
func (b *bench) cpuSample() cpuSnapshot {
	s := cpuSnapshot{at: time.Now(), processes: map[string]float64{}}
	pids := map[string]int{"bench": os.Getpid()}
	for _, name := range []string{"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"} {
		if data, err := os.ReadFile(filepath.Join(b.devDir, "pids", name+".pid")); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil {
				pids[name] = pid
			}
		}
	}
	if b.op != nil {
		pids["operator"] = b.op.pid()
	}
	for name, pid := range pids {
		if t, err := processCPU(pid); err == nil {
			s.processes[name] = t
		}
	}
	s.busy, s.total = machineCPU()
	return s
}

// since is the usage between two snapshots.
func (s cpuSnapshot) since(before cpuSnapshot) cpuUsage {
	u := cpuUsage{WallSeconds: s.at.Sub(before.at).Seconds(), Seconds: map[string]float64{}}
	for name, t := range s.processes {
		if t0, ok := before.processes[name]; ok {
			u.Seconds[name] = math.Round((t-t0)*100) / 100
		}
	}
	if d := s.total - before.total; d > 0 {
		u.MachineBusy = math.Round((s.busy-before.busy)/d*1000) / 1000
	}
	// What the machine's cores did besides the processes above (the
	// kernel, other users of a shared machine).
	other := (s.busy - before.busy) / clockTicks
	for _, t := range u.Seconds {
		other -= t
	}
	u.Seconds["other"] = math.Round(max(other, 0)*100) / 100
	return u
}

func (u cpuUsage) String() string {
	return fmt.Sprintf("CPU s: apiserver %.1f, etcd %.1f, operator %.1f, bench %.1f, kcm %.1f, kwok %.1f, other %.1f; cores %.0f%% busy",
		u.Seconds["kube-apiserver"], u.Seconds["etcd"], u.Seconds["operator"], u.Seconds["bench"],
		u.Seconds["kube-controller-manager"], u.Seconds["kwok"], u.Seconds["other"], u.MachineBusy*100)
}

// processCPU is a process's user plus system time, in seconds.
func processCPU(pid int) (float64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command may hold spaces; the fields after it start past ") ".
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("malformed /proc/%d/stat", pid)
	}
	f := strings.Fields(s[i+1:])
	// f[0] is field 3 (state); utime and stime are fields 14 and 15.
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	utime, err1 := strconv.ParseFloat(f[11], 64)
	stime, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("malformed /proc/%d/stat", pid)
	}
	return (utime + stime) / clockTicks, nil
}

// machineCPU is the busy and total time of all cores, from /proc/stat.
func machineCPU() (busy, total float64) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := strings.Cut(string(data), "\n")
	f := strings.Fields(line)
	if len(f) < 5 || f[0] != "cpu" {
		return 0, 0
	}
	for i, v := range f[1:] {
		x, _ := strconv.ParseFloat(v, 64)
		total += x
		if i != 3 && i != 4 { // idle and iowait
			busy += x
		}
	}
	return busy, total
}
