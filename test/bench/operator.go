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
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// operatorProcess is one run of the operator binary under measurement.
type operatorProcess struct {
	cmd        *exec.Cmd
	exited     chan struct{}
	logPath    string
	readyURL   string
	metricsURL string
	// pprofURL is its net/http/pprof ("" when not served).
	pprofURL string
	// startedAt is when the process was started, readyAt when it had
	// synced its caches, reconciled every namespace and gone idle.
	startedAt, readyAt time.Time
	startup            time.Duration
	// namespaces is the number of namespaces when it started.
	namespaces int
}

// install puts the CRDs and the operator's RBAC in place as make dev does,
// and writes kubeconfigs for the operator's ServiceAccount and the bare
// convergence loop's.
func (b *bench) install(ctx context.Context) error {
	kubectl := filepath.Join(b.root, "bin", "k8s", "kubectl")
	steps := [][]string{
		{kubectl, "--kubeconfig", b.adminKubeconfig, "apply", "--server-side", "--force-conflicts", "-k", "config/crd"},
		{kubectl, "--kubeconfig", b.adminKubeconfig, "wait", "--for", "condition=Established", "--timeout=60s", "-f", "config/crd/bases"},
		{kubectl, "--kubeconfig", b.adminKubeconfig, "apply", "--server-side", "--force-conflicts", "-k", "config/dev"},
		{filepath.Join(b.root, "hack", "local-cluster", "serviceaccount-kubeconfig.sh"),
			"union-operator-system", "union-operator-controller-manager", b.operatorKubeconfig},
		{kubectl, "--kubeconfig", b.adminKubeconfig, "apply", "--server-side", "--force-conflicts", "-f", "test/bench/baseline-rbac.yaml"},
		{filepath.Join(b.root, "hack", "local-cluster", "serviceaccount-kubeconfig.sh"),
			"union-operator-system", "union-operator-bench-baseline", b.baselineKubeconfig},
	}
	for _, s := range steps {
		if err := b.command(ctx, s...); err != nil {
			return err
		}
	}
	return nil
}

// stopDevOperator stops an operator make dev left running (by its pid file,
// through the local cluster's own helper), so that only the operator under
// measurement acts.
func (b *bench) stopDevOperator(ctx context.Context) error {
	if _, err := os.Stat(filepath.Join(b.devDir, "pids", "operator.pid")); err != nil {
		return nil
	}
	log.Printf("Stopping the operator make dev left running")
	return b.command(ctx, "bash", "-c", `source hack/local-cluster/lib.sh && stop_components operator`)
}

func (b *bench) command(ctx context.Context, args ...string) error {
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Dir = b.root
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

// startOperator starts the operator binary as its ServiceAccount with the
// given client limits and the bench's settings (its defaults otherwise), and
// returns once it is ready, has reconciled every namespace once and is idle:
// its start-up is not part of any measurement.
func (b *bench) startOperator(ctx context.Context, l limits) (*operatorProcess, error) {
	addrs := []string{fmt.Sprintf("127.0.0.1:%d", b.opts.probePort), fmt.Sprintf("127.0.0.1:%d", b.opts.metricsPort)}
	if b.opts.opPprof != "" {
		addrs = append(addrs, b.opts.opPprof)
	}
	for _, addr := range addrs {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("%s is taken (an operator left over?): %w", addr, err)
		}
		_ = l.Close()
	}
	var nsList corev1.NamespaceList
	if err := b.admin.List(ctx, &nsList); err != nil {
		return nil, err
	}

	logPath := filepath.Join(b.devDir, "logs", "bench-operator.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	defer func() { _ = logFile.Close() }() // the child has its own descriptor
	args := []string{
		"--kubeconfig", b.operatorKubeconfig,
		fmt.Sprintf("--health-probe-bind-address=127.0.0.1:%d", b.opts.probePort),
		fmt.Sprintf("--metrics-bind-address=127.0.0.1:%d", b.opts.metricsPort),
		"--metrics-secure=false",
		fmt.Sprintf("--kube-api-qps=%g", l.qps),
		fmt.Sprintf("--kube-api-burst=%d", l.burst),
		fmt.Sprintf("--badge-writes=%d", b.opts.badgeWrites),
	}
	if b.opts.concurrency > 0 {
		args = append(args, fmt.Sprintf("--concurrency=%d", b.opts.concurrency))
	}
	if b.opts.opPprof != "" {
		args = append(args, "--pprof-bind-address="+b.opts.opPprof)
	}
	_, _ = fmt.Fprintf(logFile, "\n===== %s bench starting %s %s\n", time.Now().UTC().Format(time.RFC3339), b.opts.manager, strings.Join(args, " "))
	manager := b.opts.manager
	if !filepath.IsAbs(manager) {
		manager = filepath.Join(b.root, manager)
	}
	cmd := exec.Command(manager, args...)
	cmd.Dir = b.root
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// The operator dies with the bench, even if the bench is killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	op := &operatorProcess{
		cmd:        cmd,
		exited:     make(chan struct{}),
		logPath:    logPath,
		readyURL:   fmt.Sprintf("http://127.0.0.1:%d/readyz", b.opts.probePort),
		metricsURL: fmt.Sprintf("http://127.0.0.1:%d/metrics", b.opts.metricsPort),
		namespaces: len(nsList.Items),
	}
	if b.opts.opPprof != "" {
		op.pprofURL = "http://" + b.opts.opPprof + "/debug/pprof"
	}
	op.startedAt = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { _ = cmd.Wait(); close(op.exited) }()

	err = poll(ctx, 100*time.Millisecond, time.Minute, func(ctx context.Context) (bool, error) {
		select {
		case <-op.exited:
			return false, fmt.Errorf("the operator exited; see %s", logPath)
		default:
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, op.readyURL, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return false, nil
		}
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusOK, nil
	})
	if err == nil {
		err = op.waitIdle(ctx, op.namespaces)
	}
	if err != nil {
		op.stop()
		return nil, fmt.Errorf("starting the operator: %w", err)
	}
	op.readyAt = time.Now()
	op.startup = op.readyAt.Sub(op.startedAt)
	log.Printf("Operator started (pid %d), ready and idle after %s; logs in %s",
		cmd.Process.Pid, op.startup.Round(time.Millisecond), logPath)
	return op, nil
}

func (op *operatorProcess) pid() int { return op.cmd.Process.Pid }

func (op *operatorProcess) scrape(ctx context.Context) (metrics, error) {
	m, err := scrape(ctx, op.metricsURL)
	if err != nil {
		return nil, fmt.Errorf("reading the operator's metrics: %w", err)
	}
	return m, nil
}

// waitIdle waits until no controller has work queued or in progress for a
// whole second, and the badge engine has reconciled at least minBadging
// namespaces since the start.
func (op *operatorProcess) waitIdle(ctx context.Context, minBadging int) error {
	var idleSince time.Time
	return poll(ctx, 100*time.Millisecond, 10*time.Minute, func(ctx context.Context) (bool, error) {
		select {
		case <-op.exited:
			return false, fmt.Errorf("the operator exited; see %s", op.logPath)
		default:
		}
		m, err := op.scrape(ctx)
		if err != nil {
			return false, nil // not serving metrics yet
		}
		idle := m.sum("workqueue_depth", nil) == 0 &&
			m.sum("controller_runtime_active_workers", nil) == 0 &&
			int(m.sum("controller_runtime_reconcile_total", map[string]string{"controller": "badging"})) >= minBadging &&
			len(m.named("controller_runtime_active_workers")) > 0
		switch {
		case !idle:
			idleSince = time.Time{}
		case idleSince.IsZero():
			idleSince = time.Now()
		}
		return idle && time.Since(idleSince) >= time.Second, nil
	})
}

// stop ends the operator: SIGTERM, SIGKILL after 15 s.
func (op *operatorProcess) stop() {
	select {
	case <-op.exited:
		return
	default:
	}
	_ = op.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-op.exited:
	case <-time.After(15 * time.Second):
		log.Printf("The operator (pid %d) ignored SIGTERM for 15s; killing it", op.pid())
		_ = op.cmd.Process.Kill()
		<-op.exited
	}
}
