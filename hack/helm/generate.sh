#!/usr/bin/env bash
# Generates the Helm chart in dist/chart from the kustomize config: renders
# config/default and hands it to hack/helm/chartgen, which rewrites the whole
# chart. The chart is committed; CI fails when it is stale (make helm-chart,
# then git diff --exit-code -- dist/chart).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

KUBECTL=${KUBECTL:-bin/k8s/kubectl}
rendered=$(mktemp)
trap 'rm -f "$rendered"' EXIT

"$KUBECTL" kustomize config/default >"$rendered"
go run ./hack/helm/chartgen -in "$rendered" -out dist/chart
echo "Generated dist/chart from config/default"
