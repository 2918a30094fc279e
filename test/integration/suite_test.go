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

// Package integration runs the real manager, with every controller, against a
// real API server (envtest), as a user bound only to the operator's generated
// ClusterRole. Each test works in namespaces of its own.
package integration

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/kos-dev/union-operator/internal/operator"
	"github.com/kos-dev/union-operator/test/utils/stepclock"
)

// OperatorUser is the identity the manager runs as in these tests.
const OperatorUser = "system:serviceaccount:union-operator-system:union-operator-controller-manager"

var (
	testEnv   *envtest.Environment
	adminCfg  *rest.Config
	k8sClient client.Client // an administrator, acting as users and members do
	clk       *stepclock.Clock
	ctx       context.Context
	cancel    context.CancelFunc
	repoRoot  string
	// metricsAddr is where the manager serves metrics (plain HTTP in tests).
	metricsAddr string
	// operatorRequests records what the manager asks of the API server.
	operatorRequests = newRequestLog()
	// operatorCfg is the manager's own identity.
	operatorCfg *rest.Config
	// managerStarted is set once the manager runs.
	managerStarted bool
)

// freeAddress returns a loopback address with a port nothing listens on.
func freeAddress() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	defer func() { _ = l.Close() }()
	return l.Addr().String()
}

func TestIntegration(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Integration Suite")
}

var _ = BeforeSuite(func() {
	logf.SetLogger(zap.New(zap.WriteTo(GinkgoWriter), zap.UseDevMode(true)))
	ctx, cancel = context.WithCancel(context.Background())
	SetDefaultEventuallyTimeout(20 * time.Second)
	SetDefaultEventuallyPollingInterval(100 * time.Millisecond)
	SetDefaultConsistentlyDuration(2 * time.Second)

	_, file, _, _ := runtime.Caller(0)
	repoRoot = filepath.Join(filepath.Dir(file), "..", "..")
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		assets = filepath.Join(repoRoot, "bin", "k8s")
	}
	testEnv = &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join(repoRoot, "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
		BinaryAssetsDirectory: assets,
	}
	// As in clusters that enforce it: an owner reference that blocks the
	// owner's deletion takes update on the owner's finalizers.
	testEnv.ControlPlane.GetAPIServer().Configure().Append("enable-admission-plugins", "OwnerReferencesPermissionEnforcement")
	var err error
	adminCfg, err = testEnv.Start()
	Expect(err).NotTo(HaveOccurred())

	scheme := operator.NewScheme()
	k8sClient, err = client.New(adminCfg, client.Options{Scheme: scheme})
	Expect(err).NotTo(HaveOccurred())

	By("binding the operator's identity to its generated ClusterRole, and nothing else")
	role := operatorRole()
	Expect(k8sClient.Create(ctx, role)).To(Succeed())
	Expect(k8sClient.Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "union-operator-manager"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role.Name},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: OperatorUser}},
	})).To(Succeed())
	user, err := testEnv.AddUser(envtest.User{Name: OperatorUser, Groups: []string{"system:authenticated"}}, nil)
	Expect(err).NotTo(HaveOccurred())

	By("installing the admission policies config/default ships")
	installShipped(k8sClient, filepath.Join(assets, "kubectl"))

	By("starting the real manager")
	metricsAddr = freeAddress()
	clk = stepclock.New()
	operatorCfg = user.Config()
	operatorClient, err := client.New(operatorCfg, client.Options{Scheme: scheme})
	Expect(err).NotTo(HaveOccurred())
	enforced(k8sClient, operatorClient)
	managerCfg := rest.CopyConfig(operatorCfg)
	managerCfg.Wrap(operatorRequests.wrap)
	mgr, err := ctrl.NewManager(managerCfg, ctrl.Options{
		Scheme:                 scheme,
		Cache:                  operator.CacheOptions(),
		Metrics:                metricsserver.Options{BindAddress: metricsAddr},
		HealthProbeBindAddress: "0",
	})
	Expect(err).NotTo(HaveOccurred())
	Expect(operator.Setup(ctx, mgr, operator.Config{Clock: clk, Concurrency: 4, BadgeWrites: 16})).To(Succeed())
	go func() {
		defer GinkgoRecover()
		Expect(mgr.Start(ctx)).To(Succeed())
	}()
	managerStarted = true
})

var _ = AfterSuite(func() {
	if suite, _ := GinkgoConfiguration(); len(suite.FocusStrings)+len(suite.SkipStrings)+len(suite.FocusFiles) == 0 && suite.LabelFilter == "" && managerStarted {
		By("every verb of the operator's ClusterRole was used by the manager")
		Expect(operatorRequests.unused()).To(BeEmpty(), "granted in config/rbac/role.yaml and never used: drop the +kubebuilder:rbac marker")
	}
	if cancel != nil {
		cancel()
	}
	if testEnv != nil {
		Expect(testEnv.Stop()).To(Succeed())
	}
})
