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

package integration

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"

	. "github.com/onsi/gomega"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/sets"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/apiserver/pkg/admission/plugin/policy/validating"
	"k8s.io/apiserver/pkg/cel/openapi/resolver"
	"k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/client-go/discovery"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// shippedKinds are the kinds of config/default the suite installs besides
// CRDs and RBAC: the operator's ServiceAccount (the identity its admission
// policies name) and those policies.
var shippedKinds = []string{"Namespace", "ServiceAccount", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"}

// installShipped renders config/default as a user would install it
// (kubectl kustomize) and creates its admission policies, with the
// ServiceAccount they read the operator's identity from, and waits until the
// API server enforces them.
func installShipped(c client.Client, kubectl string) {
	out, err := exec.Command(kubectl, "kustomize", filepath.Join(repoRoot, "config", "default")).Output()
	Expect(err).NotTo(HaveOccurred(), "kubectl kustomize config/default")
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(out), 4096)
	var policies []string
	for {
		u := &unstructured.Unstructured{}
		if err := dec.Decode(&u.Object); errors.Is(err, io.EOF) {
			break
		} else {
			Expect(err).NotTo(HaveOccurred())
		}
		if !slices.Contains(shippedKinds, u.GetKind()) {
			continue
		}
		Expect(c.Create(ctx, u)).To(Succeed(), "%s %s", u.GetKind(), u.GetName())
		if u.GetKind() == "ValidatingAdmissionPolicy" {
			policies = append(policies, u.GetName())
		}
	}
	Expect(policies).To(HaveLen(2), "config/default ships the badge guard and the fence")
	typeCheck(c, policies)
}

// typeCheck checks the policies as the API server's status controller does
// (which envtest does not run), against the schemas the API server serves:
// an expression that does not type-check for every kind a policy matches
// would be refused, or fail closed, on those kinds.
func typeCheck(c client.Client, policies []string) {
	dc, err := discovery.NewDiscoveryClientForConfig(adminCfg)
	Expect(err).NotTo(HaveOccurred())
	checker := &validating.TypeChecker{
		SchemaResolver: &resolver.ClientDiscoveryResolver{Discovery: dc},
		RestMapper:     c.RESTMapper(),
	}
	for _, name := range policies {
		p := &admissionregistrationv1.ValidatingAdmissionPolicy{}
		Expect(c.Get(ctx, client.ObjectKey{Name: name}, p)).To(Succeed())
		Expect(checker.Check(p)).To(BeEmpty(), "policy %s type-checks for every kind it matches", name)
	}
}

// enforced waits until the API server enforces the shipped policies: a
// badge forged by an administrator, and a ConfigMap the operator did not
// name, are refused (dry run).
func enforced(admin, operator client.Client) {
	forged := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "probe-", Labels: map[string]string{"alliance.unions.kos.dev/probe": "member"}}}
	Eventually(func() error { return admin.Create(ctx, forged, client.DryRunAll) }).Should(MatchError(ContainSubstring("union badges are set by union-operator alone")))
	foreign := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "probe"}}
	Eventually(func() error { return operator.Create(ctx, foreign, client.DryRunAll) }).Should(MatchError(ContainSubstring("union-operator writes only the configmaps it named")))
}

// requestLog records which verbs the manager uses on which resources, as
// its RBAC names them (group/resource[/subresource] verb).
type requestLog struct {
	mu      sync.Mutex
	used    sets.Set[string]
	factory request.RequestInfoFactory
}

func newRequestLog() *requestLog {
	return &requestLog{used: sets.New[string](), factory: request.RequestInfoFactory{
		APIPrefixes: sets.NewString("api", "apis"), GrouplessAPIPrefixes: sets.NewString("api"),
	}}
}

func permission(group, resource, verb string) string { return group + "/" + resource + " " + verb }

// wrap records each request before sending it.
func (l *requestLog) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripperFunc(func(req *http.Request) (*http.Response, error) {
		if info, err := l.factory.NewRequestInfo(req); err == nil && info.IsResourceRequest {
			resource := info.Resource
			if info.Subresource != "" {
				resource += "/" + info.Subresource
			}
			used := []string{permission(info.APIGroup, resource, info.Verb)}
			// An informer lists by a watch that sends the initial objects
			// first; against a server without that, it lists.
			if info.Verb == "watch" && req.URL.Query().Get("sendInitialEvents") == "true" {
				used = append(used, permission(info.APIGroup, resource, "list"))
			}
			// Marking an owner reference blockOwnerDeletion takes update on
			// the owner's finalizers.
			used = append(used, ownerFinalizers(req)...)
			l.mu.Lock()
			l.used.Insert(used...)
			l.mu.Unlock()
		}
		return rt.RoundTrip(req)
	})
}

// ownerFinalizers returns the permissions on owners' finalizers a write
// takes: one for each owner reference it marks blockOwnerDeletion.
func ownerFinalizers(req *http.Request) []string {
	if req.GetBody == nil || req.Method == http.MethodGet || req.Method == http.MethodDelete {
		return nil
	}
	body, err := req.GetBody()
	if err != nil {
		return nil
	}
	defer func() { _ = body.Close() }()
	var obj struct {
		Metadata struct {
			OwnerReferences []metav1.OwnerReference `json:"ownerReferences"`
		} `json:"metadata"`
	}
	if json.NewDecoder(body).Decode(&obj) != nil {
		return nil
	}
	var out []string
	for _, ref := range obj.Metadata.OwnerReferences {
		if ref.BlockOwnerDeletion == nil || !*ref.BlockOwnerDeletion {
			continue
		}
		gv, err := schema.ParseGroupVersion(ref.APIVersion)
		if err != nil {
			continue
		}
		plural, _ := meta.UnsafeGuessKindToResource(gv.WithKind(ref.Kind))
		out = append(out, permission(gv.Group, plural.Resource+"/finalizers", "update"))
	}
	return out
}

// unused lists the permissions of the operator's ClusterRole the manager
// has not used.
func (l *requestLog) unused() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, rule := range operatorRole().Rules {
		for _, g := range rule.APIGroups {
			for _, r := range rule.Resources {
				for _, v := range rule.Verbs {
					if p := permission(g, r, v); !l.used.Has(p) {
						out = append(out, p)
					}
				}
			}
		}
	}
	return out
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }
