//go:build tools

// Package tools pins helm, which renders and lints the chart in dist/chart.
package tools

import _ "helm.sh/helm/v4/cmd/helm"
