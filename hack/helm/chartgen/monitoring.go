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

// The chart's files that have no kustomize counterpart: monitoring behind
// values, and the schema of the values.
func init() {
	for name, text := range map[string]string{
		"templates/servicemonitor.yaml":       serviceMonitor,
		"templates/prometheusrule.yaml":       prometheusRule,
		"templates/grafana-dashboard.yaml":    grafanaDashboard,
		"templates/rbac/metrics-scraper.yaml": metricsScraper,
		"values.schema.json":                  valuesSchema,
	} {
		staticFiles[name] = text
	}
}

const serviceMonitor = header + `{{- if and .Values.metrics.enabled .Values.metrics.serviceMonitor.enabled }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: union-operator-controller-manager-metrics-monitor
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "union-operator.labels" . | nindent 4 }}
    app.kubernetes.io/name: union-operator
    {{- with .Values.metrics.serviceMonitor.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  endpoints:
  - path: /metrics
    port: {{ ternary "https" "http" .Values.metrics.secure }}
    scheme: {{ ternary "https" "http" .Values.metrics.secure }}
    interval: {{ .Values.metrics.serviceMonitor.interval }}
    {{- if .Values.metrics.secure }}
    authorization:
      type: Bearer
      credentials:
        name: union-operator-metrics-scraper-token
        key: token
    tlsConfig:
      {{- if .Values.metrics.certSecret }}
      ca:
        secret:
          name: {{ .Values.metrics.certSecret }}
          key: ca.crt
      serverName: union-operator-controller-manager-metrics-service.{{ .Release.Namespace }}.svc
      {{- else }}
      # No metrics.certSecret: the manager's certificate is self-signed and
      # cannot be verified. Set certSecret in production.
      insecureSkipVerify: true
      {{- end }}
    {{- end }}
  selector:
    matchLabels:
      app.kubernetes.io/name: union-operator
{{- end }}
`

const metricsScraper = header + `{{- if and .Values.metrics.enabled .Values.metrics.secure .Values.metrics.serviceMonitor.enabled }}
# The identity the ServiceMonitor scrapes with: its token is checked by the
# manager through the API server, and may read the metrics only.
apiVersion: v1
kind: ServiceAccount
metadata:
  name: union-operator-metrics-scraper
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "union-operator.labels" . | nindent 4 }}
    app.kubernetes.io/name: union-operator
---
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata:
  name: union-operator-metrics-scraper-token
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "union-operator.labels" . | nindent 4 }}
    app.kubernetes.io/name: union-operator
  annotations:
    kubernetes.io/service-account.name: union-operator-metrics-scraper
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: union-operator-metrics-scraper
  labels:
    {{- include "union-operator.labels" . | nindent 4 }}
    app.kubernetes.io/name: union-operator
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: union-operator-metrics-reader
subjects:
- kind: ServiceAccount
  name: union-operator-metrics-scraper
  namespace: {{ .Release.Namespace }}
{{- end }}
`

const prometheusRule = header + `{{- if .Values.prometheusRule.enabled }}
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: union-operator
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "union-operator.labels" . | nindent 4 }}
    app.kubernetes.io/name: union-operator
    {{- with .Values.prometheusRule.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
{{ .Files.Get "files/union-operator.rules.yaml" | indent 2 }}
{{- end }}
`

const grafanaDashboard = header + `{{- if .Values.grafanaDashboard.enabled }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: union-operator-dashboard
  namespace: {{ .Values.grafanaDashboard.namespace | default .Release.Namespace }}
  labels:
    {{- include "union-operator.labels" . | nindent 4 }}
    app.kubernetes.io/name: union-operator
    {{- with .Values.grafanaDashboard.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
data:
  union-operator.json: |-
{{ .Files.Get "files/union-operator-dashboard.json" | indent 4 }}
{{- end }}
`

// valuesSchema refuses values the chart does not know (a misspelt key is an
// error, not silently ignored) and values of the wrong type.
const valuesSchema = `{
  "$schema": "https://json-schema.org/draft-07/schema#",
  "title": "union-operator chart values",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "global": {"type": "object"},
    "replicaCount": {"type": "integer", "minimum": 1},
    "image": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "repository": {"type": "string", "minLength": 1},
        "tag": {"type": "string"},
        "pullPolicy": {"enum": ["Always", "IfNotPresent", "Never"]}
      }
    },
    "imagePullSecrets": {
      "type": "array",
      "items": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
    },
    "leaderElection": {
      "type": "object",
      "additionalProperties": false,
      "properties": {"enabled": {"type": "boolean"}}
    },
    "metrics": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "enabled": {"type": "boolean"},
        "secure": {"type": "boolean"},
        "certSecret": {"type": "string"},
        "serviceMonitor": {
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "enabled": {"type": "boolean"},
            "interval": {"type": "string", "pattern": "^([0-9]+(ms|s|m|h))+$"},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}}
          }
        }
      }
    },
    "prometheusRule": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "enabled": {"type": "boolean"},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}}
      }
    },
    "grafanaDashboard": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "enabled": {"type": "boolean"},
        "namespace": {"type": "string"},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}}
      }
    },
    "concurrency": {"type": "integer", "minimum": 1},
    "badgeWrites": {"type": "integer", "minimum": 1},
    "logLevel": {
      "oneOf": [
        {"enum": ["debug", "info", "error"]},
        {"type": "integer", "minimum": 0}
      ]
    },
    "kubeAPI": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "qps": {"type": "number", "minimum": -1},
        "burst": {"type": "integer", "minimum": 1}
      }
    },
    "extraArgs": {"type": "array", "items": {"type": "string", "pattern": "^--"}},
    "podAnnotations": {"type": "object", "additionalProperties": {"type": "string"}},
    "priorityClassName": {"type": "string"},
    "resources": {"type": "object"},
    "podSecurityContext": {"type": "object"},
    "nodeSelector": {"type": "object", "additionalProperties": {"type": "string"}},
    "tolerations": {"type": "array", "items": {"type": "object"}},
    "affinity": {"type": "object"},
    "crds": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "enabled": {"type": "boolean"},
        "keep": {"type": "boolean"}
      }
    }
  }
}
`
