#!/usr/bin/env bash
# Generates docs/api-reference.md from the Go types and doc comments in
# api/v1alpha1 with crd-ref-docs (built by make into bin/crd-ref-docs from
# hack/tools/docs), the configuration hack/docs/crd-ref-docs.yaml and the
# markdown templates in hack/docs/templates. Runs of blank lines and trailing
# spaces left by the templates are squeezed out, so the output is stable.
# The page is committed; CI fails when it is stale (make docs, then
# git status --porcelain -- docs/api-reference.md must print nothing).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

CRD_REF_DOCS=${CRD_REF_DOCS:-bin/crd-ref-docs}
out=docs/api-reference.md
rendered=$(mktemp)
trap 'rm -f "$rendered"' EXIT

"$CRD_REF_DOCS" \
  --source-path=api/v1alpha1 \
  --config=hack/docs/crd-ref-docs.yaml \
  --renderer=markdown \
  --templates-dir=hack/docs/templates \
  --output-path="$rendered" \
  --log-level=WARN
sed -e 's/[[:space:]]*$//' "$rendered" | cat -s | sed -e '${/^$/d;}' >"$out"
echo "Generated $out from api/v1alpha1"
