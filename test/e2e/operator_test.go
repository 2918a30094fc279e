//go:build e2e

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

package e2e

import (
	"bufio"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// Operator is one running operator binary.
type Operator struct {
	Name        string
	ProbePort   int
	MetricsPort int
	cmd         *exec.Cmd
	done        chan struct{}
}

// startOperator starts the operator binary as its ServiceAccount, with plain
// HTTP metrics on loopback so the suite can count its API writes, and waits
// until it is ready.
func startOperator(name string, probe, metrics int, extra ...string) *Operator {
	GinkgoHelper()
	logs, err := os.OpenFile(filepath.Join(repoRoot, ".dev", "logs", name+".log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	Expect(err).NotTo(HaveOccurred())
	args := append([]string{
		"--kubeconfig", operatorKubeconfig,
		fmt.Sprintf("--health-probe-bind-address=127.0.0.1:%d", probe),
		fmt.Sprintf("--metrics-bind-address=127.0.0.1:%d", metrics),
		"--metrics-secure=false",
		"--kube-api-qps=200", "--kube-api-burst=400",
	}, extra...)
	o := &Operator{Name: name, ProbePort: probe, MetricsPort: metrics, done: make(chan struct{})}
	o.cmd = exec.Command(filepath.Join(repoRoot, "bin", "manager"), args...)
	o.cmd.Stdout, o.cmd.Stderr = logs, logs
	Expect(o.cmd.Start()).To(Succeed())
	go func() {
		_ = o.cmd.Wait()
		_ = logs.Close()
		close(o.done)
	}()
	Eventually(o.Ready).Should(BeTrue(), "operator %s did not become ready; see .dev/logs/%s.log", name, name)
	return o
}

// Ready reports whether the operator answers its readiness probe.
func (o *Operator) Ready() bool {
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/readyz", o.ProbePort))
	if err != nil {
		return false
	}
	defer func() { _ = resp.Body.Close() }()
	return resp.StatusCode == http.StatusOK
}

// Pid is the operator's process id.
func (o *Operator) Pid() int { return o.cmd.Process.Pid }

// Running reports whether the process is still alive.
func (o *Operator) Running() bool {
	select {
	case <-o.done:
		return false
	default:
		return true
	}
}

// Kill ends the operator with SIGKILL, at whatever moment it is in.
func (o *Operator) Kill() {
	_ = o.cmd.Process.Signal(syscall.SIGKILL)
	<-o.done
}

// Stop ends the operator gracefully.
func (o *Operator) Stop() {
	_ = o.cmd.Process.Signal(syscall.SIGTERM)
	<-o.done
}

// Writes is the number of write requests (POST, PUT, PATCH, DELETE) the
// operator has sent to the API server, from its client metrics.
func (o *Operator) Writes() int {
	GinkgoHelper()
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", o.MetricsPort))
	Expect(err).NotTo(HaveOccurred())
	defer func() { _ = resp.Body.Close() }()
	total := 0.0
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1024*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "rest_client_requests_total{") {
			continue
		}
		for _, m := range []string{`method="POST"`, `method="PUT"`, `method="PATCH"`, `method="DELETE"`} {
			if strings.Contains(line, m) {
				v, err := strconv.ParseFloat(line[strings.LastIndex(line, " ")+1:], 64)
				Expect(err).NotTo(HaveOccurred())
				total += v
			}
		}
	}
	return int(total)
}
