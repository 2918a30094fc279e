#!/usr/bin/env bash
# Writes a kubeconfig for ServiceAccount NAME in NAMESPACE to OUT, with a 24h
# token from the TokenRequest API (kubectl create token), against the local
# apiserver. Creates the namespace and the ServiceAccount when missing.
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

(($# == 3)) || die "usage: $0 NAMESPACE NAME OUT"
namespace=$1 name=$2 out=$3
[[ -f ${ADMIN_KUBECONFIG} ]] || die "${ADMIN_KUBECONFIG} missing: run hack/local-cluster/up.sh first"

kubectl_admin get namespace "${namespace}" >/dev/null 2>&1 ||
  kubectl_admin create namespace "${namespace}" >/dev/null
kubectl_admin get serviceaccount "${name}" --namespace "${namespace}" >/dev/null 2>&1 ||
  kubectl_admin create serviceaccount "${name}" --namespace "${namespace}" >/dev/null
token=$(kubectl_admin create token "${name}" --namespace "${namespace}" --duration=24h)

mkdir -p "$(dirname "${out}")"
(
  umask 077
  cat >"${out}" <<EOT
apiVersion: v1
kind: Config
clusters:
- name: kos-local
  cluster:
    server: ${APISERVER_URL}
    certificate-authority-data: $(base64 -w0 "${PKI_DIR}/ca.crt")
users:
- name: system:serviceaccount:${namespace}:${name}
  user:
    token: ${token}
contexts:
- name: kos-local
  context:
    cluster: kos-local
    namespace: ${namespace}
    user: system:serviceaccount:${namespace}:${name}
current-context: kos-local
EOT
)
log "Wrote ${out} for system:serviceaccount:${namespace}:${name} (token valid 24h)"
