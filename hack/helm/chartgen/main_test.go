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
	"slices"
	"strings"
	"testing"
)

// rendered is a small kustomize output with every shape Generate handles.
const rendered = `apiVersion: v1
kind: Namespace
metadata:
  labels:
    app.kubernetes.io/managed-by: kustomize
  name: op-system
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  annotations:
    controller-gen.kubebuilder.io/version: v0.23.0
  name: things.example.dev
spec:
  group: example.dev
  versions:
  - name: v1
    schema:
      openAPIV3Schema:
        description: 'a template such as {{ .Name }} stays literal'
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  labels:
    app.kubernetes.io/managed-by: kustomize
  name: op-leader-election-role
  namespace: op-system
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: op-manager-rolebinding
subjects:
- kind: ServiceAccount
  name: op-controller-manager
  namespace: op-system
---
apiVersion: v1
kind: Service
metadata:
  name: op-controller-manager-metrics-service
  namespace: op-system
spec:
  ports:
  - name: https
    port: 8443
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: op-controller-manager
  namespace: op-system
spec:
  replicas: 3
  template:
    spec:
      securityContext:
        runAsNonRoot: true
      containers:
      - name: manager
        image: registry.example/op:v1.2.3
        args:
        - --leader-elect
        - --metrics-bind-address=:8443
        - --concurrency=9
        - --leader-election-retry-period=3s
        resources:
          limits:
            memory: 1Gi
`

func TestGenerate(t *testing.T) {
	files, err := Generate(strings.NewReader(rendered))
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for p := range files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	want := []string{
		"Chart.yaml",
		"templates/NOTES.txt",
		"templates/_helpers.tpl",
		"templates/crd/things.example.dev.yaml",
		"templates/deployment.yaml",
		"templates/grafana-dashboard.yaml",
		"templates/metrics-service.yaml",
		"templates/prometheusrule.yaml",
		"templates/rbac/leader-election-role.yaml",
		"templates/rbac/manager-rolebinding.yaml",
		"templates/rbac/metrics-scraper.yaml",
		"templates/servicemonitor.yaml",
		"templates/validate.yaml",
		"values.schema.json",
		"values.yaml",
	}
	if !slices.Equal(paths, want) {
		t.Fatalf("files = %q\nwant    %q", paths, want)
	}
	contains := map[string][]string{
		"Chart.yaml": {"version: 1.2.3\n", `appVersion: "v1.2.3"`},
		"values.yaml": {"replicaCount: 3\n", "repository: registry.example/op\n", "leaderElection:\n  # Must stay true with more than one replica.\n  enabled: true\n",
			"resources:\n  limits:\n    memory: 1Gi\n", "podSecurityContext:\n  runAsNonRoot: true\n"},
		"templates/crd/things.example.dev.yaml": {"{{- if .Values.crds.enabled }}\n", `a template such as {{ "{{" }} .Name }} stays literal`,
			"    {{- if .Values.crds.keep }}\n    helm.sh/resource-policy: keep\n    {{- end }}\n", `{{- include "union-operator.labels" . | nindent 4 }}`},
		"templates/rbac/leader-election-role.yaml": {"{{- if .Values.leaderElection.enabled }}\n", "namespace: {{ .Release.Namespace }}\n"},
		"templates/rbac/manager-rolebinding.yaml":  {"  namespace: {{ .Release.Namespace }}\n"},
		"templates/metrics-service.yaml":           {"{{- if .Values.metrics.enabled }}\n", `- name: {{ ternary "https" "http" .Values.metrics.secure }}`},
		"templates/deployment.yaml": {
			"  replicas: {{ .Values.replicaCount }}\n",
			`image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"`,
			"        {{- if .Values.leaderElection.enabled }}\n        - --leader-elect\n        {{- end }}\n",
			"        - --leader-election-retry-period=3s\n        - --metrics-secure={{ .Values.metrics.secure }}\n        - --concurrency={{ .Values.concurrency }}\n",
			"        {{- with .Values.resources }}\n        resources:\n          {{- toYaml . | nindent 10 }}\n        {{- end }}\n",
			"      {{- with .Values.podSecurityContext }}\n      securityContext:\n        {{- toYaml . | nindent 8 }}\n",
			"      {{- with .Values.tolerations }}\n",
		},
	}
	for path, parts := range contains {
		for _, part := range parts {
			if !strings.Contains(files[path], part) {
				t.Errorf("%s lacks %q:\n%s", path, part, files[path])
			}
		}
	}
	for path, content := range files {
		if strings.Contains(content, "__HELM_") || strings.Contains(content, "managed-by: kustomize") || strings.Contains(content, "op-system") {
			t.Errorf("%s keeps a placeholder, kustomize's label or its namespace:\n%s", path, content)
		}
	}
	if strings.Contains(files["templates/deployment.yaml"], "--concurrency=9") {
		t.Error("the Deployment keeps the kustomize --concurrency beside the value's")
	}
}

func TestGenerateNeedsTheManager(t *testing.T) {
	if _, err := Generate(strings.NewReader("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n")); err == nil {
		t.Error("no error for a config without the manager Deployment")
	}
}
