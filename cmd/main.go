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

// Command manager runs union-operator.
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/certwatcher"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/metrics/filters"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/kos-dev/union-operator/internal/operator"
	"github.com/kos-dev/union-operator/internal/version"
)

func main() {
	var (
		metricsAddr   string
		secureMetrics bool
		enableHTTP2   bool
		probeAddr     string
		leaderElect   bool
		leaderNS      string
		qps           float64
		burst         int
		concurrency   int
		badgeWrites   int
		leaseDuration time.Duration
		renewDeadline time.Duration
		retryPeriod   time.Duration
		certPath      string
		certName      string
		certKey       string
		showVersion   bool
		pprofAddr     string
	)
	flag.StringVar(&metricsAddr, "metrics-bind-address", ":8443", "Address the metrics endpoint binds to (:8443 for HTTPS, :8080 for HTTP, 0 to disable).")
	flag.BoolVar(&secureMetrics, "metrics-secure", true, "Serve metrics over HTTPS, authenticated and authorised through the API server.")
	flag.BoolVar(&enableHTTP2, "enable-http2", false, "Enable HTTP/2 for the metrics server (off by default: HTTP/2 Rapid Reset).")
	flag.StringVar(&probeAddr, "health-probe-bind-address", ":8081", "Address the health and readiness probes bind to.")
	flag.BoolVar(&leaderElect, "leader-elect", false, "Elect a leader, so that only one of several managers acts.")
	flag.StringVar(&leaderNS, "leader-election-namespace", "", "Namespace of the leader election lease (default: the manager's own namespace).")
	flag.DurationVar(&leaseDuration, "leader-election-lease-duration", 15*time.Second, "How long a leader's lease lasts without renewal: a follower takes over at most this long (plus a retry period) after the leader dies.")
	flag.DurationVar(&renewDeadline, "leader-election-renew-deadline", 10*time.Second, "How long the leader keeps trying to renew its lease before it gives up leading (less than the lease duration).")
	flag.DurationVar(&retryPeriod, "leader-election-retry-period", 2*time.Second, "How often candidates try to acquire or renew the lease.")
	flag.Float64Var(&qps, "kube-api-qps", -1, "Requests per second to the API server, sustained; -1 turns client-side rate limiting off, leaving it to the API server's Priority and Fairness (controller-runtime's default).")
	flag.IntVar(&burst, "kube-api-burst", 100, "Requests to the API server in a burst.")
	flag.IntVar(&concurrency, "concurrency", 16, "Objects each controller reconciles at once: enough that the deadlines of many coalitions falling at once are met at the API server's pace.")
	flag.IntVar(&badgeWrites, "badge-writes", 32, "Badge writes in flight at once.")
	zapOpts := zap.Options{}
	flag.StringVar(&certPath, "metrics-cert-path", "", "Directory of the metrics server's certificate (for instance a cert-manager Secret mounted as a volume); empty: a self-signed certificate, made at start.")
	flag.StringVar(&certName, "metrics-cert-name", "tls.crt", "File name of the metrics server's certificate in --metrics-cert-path.")
	flag.StringVar(&certKey, "metrics-cert-key", "tls.key", "File name of the metrics server's private key in --metrics-cert-path.")
	flag.BoolVar(&showVersion, "version", false, "Print the version and exit.")
	flag.StringVar(&pprofAddr, "pprof-bind-address", "", "Address to serve Go's net/http/pprof profiles on (e.g. 127.0.0.1:6060); empty: off.")
	zapOpts.BindFlags(flag.CommandLine)
	flag.Parse()
	if showVersion {
		fmt.Println("union-operator", version.Get())
		return
	}
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&zapOpts)))
	log := ctrl.Log.WithName("setup")
	log.Info("Version", "build", version.Get())

	var tlsOpts []func(*tls.Config)
	if !enableHTTP2 {
		tlsOpts = append(tlsOpts, func(c *tls.Config) { c.NextProtos = []string{"http/1.1"} })
	}
	// A certificate from files is reloaded when it is renewed.
	var certWatcher *certwatcher.CertWatcher
	if certPath != "" {
		var err error
		certWatcher, err = certwatcher.New(filepath.Join(certPath, certName), filepath.Join(certPath, certKey))
		if err != nil {
			log.Error(err, "Unable to read the metrics certificate", "path", certPath)
			os.Exit(1)
		}
		tlsOpts = append(tlsOpts, func(c *tls.Config) { c.GetCertificate = certWatcher.GetCertificate })
	}
	metricsOpts := metricsserver.Options{BindAddress: metricsAddr, SecureServing: secureMetrics, TLSOpts: tlsOpts}
	if secureMetrics {
		metricsOpts.FilterProvider = filters.WithAuthenticationAndAuthorization
	}

	restConfig := ctrl.GetConfigOrDie()
	restConfig.QPS = float32(qps)
	restConfig.Burst = burst
	restConfig.UserAgent = "union-operator"

	mgr, err := ctrl.NewManager(restConfig, ctrl.Options{
		Scheme:                        operator.NewScheme(),
		Cache:                         operator.CacheOptions(),
		Metrics:                       metricsOpts,
		HealthProbeBindAddress:        probeAddr,
		PprofBindAddress:              pprofAddr,
		LeaderElection:                leaderElect,
		LeaderElectionID:              "union-operator.unions.kos.dev",
		LeaderElectionNamespace:       leaderNS,
		LeaseDuration:                 &leaseDuration,
		RenewDeadline:                 &renewDeadline,
		RetryPeriod:                   &retryPeriod,
		LeaderElectionReleaseOnCancel: true,
	})
	if err != nil {
		log.Error(err, "Unable to create manager")
		os.Exit(1)
	}
	if certWatcher != nil {
		if err := mgr.Add(certWatcher); err != nil {
			log.Error(err, "Unable to watch the metrics certificate")
			os.Exit(1)
		}
	}
	ctx := ctrl.SetupSignalHandler()
	if err := operator.Setup(ctx, mgr, operator.Config{
		Clock:       clock.RealClock{},
		Concurrency: concurrency,
		BadgeWrites: badgeWrites,
	}); err != nil {
		log.Error(err, "Unable to set up controllers")
		os.Exit(1)
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		log.Error(err, "Unable to set up health check")
		os.Exit(1)
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		log.Error(err, "Unable to set up ready check")
		os.Exit(1)
	}
	log.Info("Starting manager")
	if err := mgr.Start(ctx); err != nil {
		log.Error(err, "Manager exited with an error")
		os.Exit(1)
	}
}
