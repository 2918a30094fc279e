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
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

const (
	tlsMetricsPort  = 18093
	tlsProbePort    = 18094
	prometheusPort  = 19090
	scraperSA       = "e2e-prometheus"
	scraperNS       = "union-operator-system"
	metricsReader   = "union-operator-metrics-reader"
	shortenedFor    = "for: 2s"
	scrapeAndRuleIv = "1s"
)

// writeCertificates writes a CA and a serving certificate for 127.0.0.1 and
// localhost signed by it, as a cert-manager Secret would hold them.
func writeCertificates(dir string) {
	GinkgoHelper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	Expect(err).NotTo(HaveOccurred())
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "e2e metrics CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	Expect(err).NotTo(HaveOccurred())
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	Expect(err).NotTo(HaveOccurred())
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "union-operator metrics"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, caKey)
	Expect(err).NotTo(HaveOccurred())
	keyDER, err := x509.MarshalECPrivateKey(key)
	Expect(err).NotTo(HaveOccurred())
	for name, block := range map[string]*pem.Block{
		"ca.crt":  {Type: "CERTIFICATE", Bytes: caDER},
		"tls.crt": {Type: "CERTIFICATE", Bytes: leafDER},
		"tls.key": {Type: "EC PRIVATE KEY", Bytes: keyDER},
	} {
		Expect(os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(block), 0o600)).To(Succeed())
	}
}

// scraperToken makes a ServiceAccount bound to the metrics reader role (and
// nothing else) and returns a token of it.
func scraperToken() string {
	GinkgoHelper()
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: scraperNS, Name: scraperSA}}
	Expect(client.IgnoreAlreadyExists(k8sClient.Create(ctx, sa))).To(Succeed())
	crb := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: scraperSA},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: metricsReader},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Namespace: scraperNS, Name: scraperSA}},
	}
	Expect(client.IgnoreAlreadyExists(k8sClient.Create(ctx, crb))).To(Succeed())
	DeferCleanup(func() { _ = k8sClient.Delete(ctx, crb) })
	tr := &authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: ptr.To[int64](3600)}}
	Expect(k8sClient.SubResource("token").Create(ctx, sa, tr)).To(Succeed())
	return tr.Status.Token
}

// prometheusAPI reads one endpoint of the Prometheus HTTP API.
func prometheusAPI(path string, out any) error {
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d%s", prometheusPort, path))
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", path, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

type promAlerts struct {
	Data struct {
		Alerts []struct {
			Labels map[string]string `json:"labels"`
			State  string            `json:"state"`
		} `json:"alerts"`
	} `json:"data"`
}

// firing returns the labels of the firing alerts of a name.
func firing(g Gomega, name string) []map[string]string {
	var alerts promAlerts
	g.Expect(prometheusAPI("/api/v1/alerts", &alerts)).To(Succeed())
	var out []map[string]string
	for _, a := range alerts.Data.Alerts {
		if a.Labels["alertname"] == name && a.State == "firing" {
			out = append(out, a.Labels)
		}
	}
	return out
}

var _ = Describe("Monitoring with Prometheus", func() {
	It("scrapes the operator over verified TLS with a token, and fires and clears the shipped alert for a stalled union", func() {
		prometheus, err := exec.LookPath("prometheus")
		Expect(err).NotTo(HaveOccurred(), "prometheus is installed by hack/install-prometheus.sh (make test-e2e)")
		dir := GinkgoT().TempDir()
		certs := filepath.Join(dir, "certs")
		Expect(os.Mkdir(certs, 0o700)).To(Succeed())
		writeCertificates(certs)

		By("running the operator with HTTPS metrics from --metrics-cert-path, authorised through the API server")
		mainOperator.Stop()
		tlsOperator := startOperator("e2e-operator-tls", tlsProbePort, tlsMetricsPort,
			"--metrics-secure=true", "--metrics-cert-path="+certs)
		DeferCleanup(func() {
			tlsOperator.Stop()
			mainOperator = startOperator("e2e-operator", probePort, metricsPort)
		})

		By("an anonymous scrape is refused")
		pool := x509.NewCertPool()
		caPEM, err := os.ReadFile(filepath.Join(certs, "ca.crt"))
		Expect(err).NotTo(HaveOccurred())
		Expect(pool.AppendCertsFromPEM(caPEM)).To(BeTrue())
		anonymous := &http.Client{Transport: &http.Transport{TLSClientConfig: tlsConfigFor(pool)}}
		resp, err := anonymous.Get(fmt.Sprintf("https://127.0.0.1:%d/metrics", tlsMetricsPort))
		Expect(err).NotTo(HaveOccurred(), "the certificate from --metrics-cert-path verifies against its CA")
		_ = resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusUnauthorized))

		By("Prometheus with the shipped rules (their for: shortened to seconds) and the scraper's token")
		Expect(os.WriteFile(filepath.Join(dir, "token"), []byte(scraperToken()), 0o600)).To(Succeed())
		rules, err := os.ReadFile(filepath.Join(repoRoot, "config", "prometheus", "union-operator.rules.yaml"))
		Expect(err).NotTo(HaveOccurred())
		rules = regexp.MustCompile(`for: \S+`).ReplaceAll(rules, []byte(shortenedFor))
		Expect(os.WriteFile(filepath.Join(dir, "rules.yaml"), rules, 0o600)).To(Succeed())
		config := fmt.Sprintf(`global:
  scrape_interval: %[1]s
  evaluation_interval: %[1]s
rule_files: [%[2]s/rules.yaml]
scrape_configs:
- job_name: union-operator
  scheme: https
  authorization:
    credentials_file: %[2]s/token
  tls_config:
    ca_file: %[2]s/certs/ca.crt
    server_name: localhost
  static_configs:
  - targets: ['127.0.0.1:%[3]d']
`, scrapeAndRuleIv, dir, tlsMetricsPort)
		Expect(os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(config), 0o600)).To(Succeed())
		logs, err := os.Create(filepath.Join(repoRoot, ".dev", "logs", "e2e-prometheus.log"))
		Expect(err).NotTo(HaveOccurred())
		prom := exec.Command(prometheus, "--config.file="+filepath.Join(dir, "prometheus.yml"),
			"--storage.tsdb.path="+filepath.Join(dir, "data"), fmt.Sprintf("--web.listen-address=127.0.0.1:%d", prometheusPort))
		prom.Stdout, prom.Stderr = logs, logs
		Expect(prom.Start()).To(Succeed())
		DeferCleanup(func() {
			_ = prom.Process.Kill()
			_ = prom.Wait()
			_ = logs.Close()
		})

		Eventually(func(g Gomega) {
			var targets struct {
				Data struct {
					ActiveTargets []struct {
						Health    string `json:"health"`
						LastError string `json:"lastError"`
					} `json:"activeTargets"`
				} `json:"data"`
			}
			g.Expect(prometheusAPI("/api/v1/targets", &targets)).To(Succeed())
			g.Expect(targets.Data.ActiveTargets).To(HaveLen(1))
			g.Expect(targets.Data.ActiveTargets[0].Health).To(Equal("up"), targets.Data.ActiveTargets[0].LastError)
		}).WithTimeout(time.Minute).Should(Succeed(), "Prometheus scrapes the operator; see .dev/logs/e2e-prometheus.log")

		By("an alliance whose standard does not compile stalls, and UnionStalled fires for it")
		name := fmt.Sprintf("e2e-alerting-%d", time.Now().Unix()%100000)
		a := &unionsv1.Alliance{ObjectMeta: metav1.ObjectMeta{Name: name}}
		a.Spec.Admission.Policy = unionsv1.AdmissionOpen
		a.Spec.Standards = []unionsv1.Standard{{Name: "broken", Expression: "object.spec.replicas >", Action: unionsv1.StandardDeny}}
		Expect(k8sClient.Create(ctx, a)).To(Succeed())
		DeferCleanup(func() { _ = k8sClient.Delete(ctx, a) })
		Eventually(func(g Gomega) []map[string]string { return firing(g, "UnionStalled") }).WithTimeout(time.Minute).Should(
			ContainElement(And(HaveKeyWithValue("name", name), HaveKeyWithValue("kind", "Alliance"), HaveKeyWithValue("reason", "InvalidStandard"))))

		By("fixing the standard clears the alert")
		Eventually(func() error {
			cur := &unionsv1.Alliance{}
			if err := k8sClient.Get(ctx, client.ObjectKey{Name: name}, cur); err != nil {
				return err
			}
			cur.Spec.Standards[0].Expression = "object.spec.replicas > 0"
			return k8sClient.Update(ctx, cur)
		}).Should(Succeed())
		Eventually(func(g Gomega) []map[string]string { return firing(g, "UnionStalled") }).WithTimeout(time.Minute).ShouldNot(
			ContainElement(HaveKeyWithValue("name", name)))

		By("the per-object metrics are in Prometheus")
		var result struct {
			Data struct {
				Result []json.RawMessage `json:"result"`
			} `json:"data"`
		}
		q := url.QueryEscape(fmt.Sprintf(`union_operator_ready_status{kind="Alliance",name=%q,condition="True"} == 1`, name))
		Eventually(func(g Gomega) {
			g.Expect(prometheusAPI("/api/v1/query?query="+q, &result)).To(Succeed())
			g.Expect(result.Data.Result).To(HaveLen(1))
		}).WithTimeout(time.Minute).Should(Succeed())
	})
})

// tlsConfigFor trusts only pool.
func tlsConfigFor(pool *x509.CertPool) *tls.Config {
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
}
