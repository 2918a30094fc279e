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

// Package e2e runs the built operator binary against the local cluster of
// make dev (real scheduler, controller-manager and kwok-simulated Pods).
package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/config"

	"github.com/kos-dev/union-operator/internal/operator"
)

var (
	ctx       = context.Background()
	repoRoot  string
	kubectl   string
	k8sClient client.Client
	// mainOperator is the operator binary under test; specs that kill it
	// start it again before they end.
	mainOperator       *Operator
	operatorKubeconfig string
)

// Ports of the operator this suite runs (apart from make dev's).
const (
	probePort   = 18091
	metricsPort = 18092
)

func TestE2E(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "e2e Suite")
}

// run runs a command from the repository root and returns its output.
func run(name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = repoRoot
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

var _ = BeforeSuite(func() {
	SetDefaultEventuallyTimeout(2 * time.Minute)
	SetDefaultEventuallyPollingInterval(250 * time.Millisecond)
	_, file, _, _ := runtime.Caller(0)
	repoRoot = filepath.Join(filepath.Dir(file), "..", "..")
	kubectl = filepath.Join(repoRoot, "bin", "k8s", "kubectl")
	Expect(os.Getenv("KUBECONFIG")).NotTo(BeEmpty(), "run through make test-e2e: it starts the local cluster and sets KUBECONFIG")

	By("stopping an operator make dev left running, so that only the binary under test acts")
	if pid, err := os.ReadFile(filepath.Join(repoRoot, ".dev", "pids", "operator.pid")); err == nil {
		var p int
		if _, err := fmt.Sscan(string(pid), &p); err == nil {
			_ = syscall.Kill(p, syscall.SIGTERM)
		}
		_ = os.Remove(filepath.Join(repoRoot, ".dev", "pids", "operator.pid"))
	}

	By("installing the CRDs and the operator's RBAC")
	_, err := run(kubectl, "apply", "--server-side", "--force-conflicts", "-k", "config/crd")
	Expect(err).NotTo(HaveOccurred())
	_, err = run(kubectl, "wait", "--for", "condition=Established", "--timeout=60s", "-f", "config/crd/bases")
	Expect(err).NotTo(HaveOccurred())
	_, err = run(kubectl, "apply", "--server-side", "--force-conflicts", "-k", "config/dev")
	Expect(err).NotTo(HaveOccurred())
	saKubeconfig := filepath.Join(repoRoot, ".dev", "e2e-operator.kubeconfig")
	_, err = run(filepath.Join(repoRoot, "hack", "local-cluster", "serviceaccount-kubeconfig.sh"),
		"union-operator-system", "union-operator-controller-manager", saKubeconfig)
	Expect(err).NotTo(HaveOccurred())

	cfg, err := config.GetConfig()
	Expect(err).NotTo(HaveOccurred())
	cfg.QPS, cfg.Burst = 200, 400
	k8sClient, err = client.New(cfg, client.Options{Scheme: operator.NewScheme()})
	Expect(err).NotTo(HaveOccurred())

	By("starting the operator binary as its ServiceAccount")
	operatorKubeconfig = saKubeconfig
	mainOperator = startOperator("e2e-operator", probePort, metricsPort)
})

var _ = AfterSuite(func() {
	if mainOperator != nil {
		mainOperator.Stop()
	}
})
