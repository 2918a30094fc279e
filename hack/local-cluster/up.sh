#!/usr/bin/env bash
# Starts a local Kubernetes control plane from the binaries in bin/k8s (etcd,
# kube-apiserver, kube-controller-manager, kube-scheduler and kwok with one fake
# node), no containers. State, logs, pids and kubeconfigs live in DEV_DIR (.dev).
# Idempotent: returns at once when everything is already up.
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NODE_NAME=kwok-node-0
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

for b in etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok; do
  [[ -x ${BIN_DIR}/${b} ]] || die "${BIN_DIR}/${b} missing: build it with hack/build-controlplane.sh"
done
command -v openssl >/dev/null || die "openssl is required"
command -v curl >/dev/null || die "curl is required"

# fail_with NAME MESSAGE: print the tail of a component's log and give up.
fail_with() {
  echo "error: $2; last lines of ${LOG_DIR}/$1.log:" >&2
  tail -n 30 "${LOG_DIR}/$1.log" >&2 || true
  exit 1
}

# --- PKI --------------------------------------------------------------------

# issue NAME SUBJECT EXTENSIONS: EC key + certificate signed by the local CA.
issue() {
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "${PKI_DIR}/$1.key" 2>/dev/null
  openssl req -new -key "${PKI_DIR}/$1.key" -subj "$2" 2>/dev/null |
    openssl x509 -req -CA "${PKI_DIR}/ca.crt" -CAkey "${PKI_DIR}/ca.key" \
      -set_serial "0x$(openssl rand -hex 16)" -days 3650 \
      -extfile <(printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n%s\n' "$3") \
      -out "${PKI_DIR}/$1.crt" 2>/dev/null
}

client_ext='extendedKeyUsage=clientAuth'

generate_pki() {
  log "Generating certificates in ${PKI_DIR}"
  rm -rf "${PKI_DIR}"
  mkdir -p "${PKI_DIR}"
  chmod 700 "${PKI_DIR}"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "${PKI_DIR}/ca.key" 2>/dev/null
  openssl req -x509 -new -key "${PKI_DIR}/ca.key" -subj "/CN=kos-local-cluster-ca" -days 3650 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
    -out "${PKI_DIR}/ca.crt" 2>/dev/null
  # Serving cert: loopback plus the in-cluster names and first service IP.
  issue apiserver "/CN=kube-apiserver" "extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:${SERVICE_CIDR%.*/*}.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  issue admin "/O=system:masters/CN=kubernetes-admin" "${client_ext}"
  issue kube-controller-manager "/CN=system:kube-controller-manager" "${client_ext}"
  issue kube-scheduler "/CN=system:kube-scheduler" "${client_ext}"
  # kwok rewrites node and pod status and deletes pods cluster-wide: keep it simple.
  issue kwok "/O=system:masters/CN=kwok" "${client_ext}"
  # Service account token signing key.
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "${PKI_DIR}/sa.key" 2>/dev/null
  openssl pkey -in "${PKI_DIR}/sa.key" -pubout -out "${PKI_DIR}/sa.pub" 2>/dev/null
  chmod 600 "${PKI_DIR}"/*.key
  touch "${PKI_DIR}/.complete"
}

# write_kubeconfig FILE CERT_NAME: kubeconfig authenticating with pki/CERT_NAME.{crt,key}.
write_kubeconfig() {
  (
    umask 077
    cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: kos-local
  cluster:
    server: ${APISERVER_URL}
    certificate-authority-data: $(base64 -w0 "${PKI_DIR}/ca.crt")
users:
- name: $2
  user:
    client-certificate-data: $(base64 -w0 "${PKI_DIR}/$2.crt")
    client-key-data: $(base64 -w0 "${PKI_DIR}/$2.key")
contexts:
- name: kos-local
  context:
    cluster: kos-local
    user: $2
current-context: kos-local
EOF
  )
}

# --- node -------------------------------------------------------------------

node_ok() {
  local state
  state=$(kubectl_admin get node "${NODE_NAME}" -o \
    jsonpath='{.status.conditions[?(@.type=="Ready")].status}|{.spec.taints[*].key}' 2>/dev/null) || return 1
  [[ ${state%%|*} == True && ${state#*|} != *node.kubernetes.io/not-ready* ]]
}

# ensure_node: create the fake node if missing; drop the not-ready taint that the
# TaintNodesByCondition admission plugin adds (no node lifecycle controller runs
# to remove it), until kwok has marked the node Ready.
ensure_node() {
  local deadline=$((SECONDS + 30))
  node_ok && return 0
  if ! kubectl_admin get node "${NODE_NAME}" >/dev/null 2>&1; then
    kubectl_admin create -f - >/dev/null <<EOF
apiVersion: v1
kind: Node
metadata:
  name: ${NODE_NAME}
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    type: kwok
    kubernetes.io/hostname: ${NODE_NAME}
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
status:
  allocatable: {cpu: "64", memory: 256Gi, pods: "1000"}
  capacity: {cpu: "64", memory: 256Gi, pods: "1000"}
EOF
  fi
  until node_ok; do
    kubectl_admin taint node "${NODE_NAME}" node.kubernetes.io/not-ready- >/dev/null 2>&1 || true
    ((SECONDS < deadline)) || fail_with kwok "node ${NODE_NAME} did not become Ready and untainted"
    sleep 0.3
  done
}

# --- fast path ----------------------------------------------------------------

all_running() {
  local c
  for c in "${COMPONENTS[@]}"; do owned_pid "${c}" >/dev/null || return 1; done
  [[ -f ${PKI_DIR}/.complete ]] && apiserver_ready
}

print_usage() {
  log "Local cluster ready: ${APISERVER_URL}"
  echo "   export KUBECONFIG=${ADMIN_KUBECONFIG#"${ROOT}/"}; ${BIN_DIR#"${ROOT}/"}/kubectl get nodes"
}

if all_running; then
  log "Local cluster already running"
  ensure_node
  print_usage
  exit 0
fi

# Something is missing: stop whatever is left over and start everything.
stop_components kwok kube-scheduler kube-controller-manager
stop_components kube-apiserver
stop_components etcd

mkdir -p "${DEV_DIR}" "${LOG_DIR}" "${PID_DIR}" "${DEV_DIR}/etcd-data"
chmod 700 "${DEV_DIR}/etcd-data"
[[ -f ${PKI_DIR}/.complete ]] || generate_pki
write_kubeconfig "${ADMIN_KUBECONFIG}" admin
for c in kube-controller-manager kube-scheduler kwok; do
  write_kubeconfig "${DEV_DIR}/${c}.kubeconfig" "${c}"
done

# --- etcd ---------------------------------------------------------------------

log "Starting etcd on 127.0.0.1:${ETCD_PORT}"
start_component etcd "${BIN_DIR}/etcd" \
  --name=kos-local \
  --data-dir="${DEV_DIR}/etcd-data" \
  --listen-client-urls="http://127.0.0.1:${ETCD_PORT}" \
  --advertise-client-urls="http://127.0.0.1:${ETCD_PORT}" \
  --listen-peer-urls="http://127.0.0.1:${ETCD_PEER_PORT}" \
  --initial-advertise-peer-urls="http://127.0.0.1:${ETCD_PEER_PORT}" \
  --initial-cluster="kos-local=http://127.0.0.1:${ETCD_PEER_PORT}" \
  --unsafe-no-fsync=true \
  --log-level=warn
etcd_healthy() { curl -sf --max-time 2 "http://127.0.0.1:${ETCD_PORT}/health" | grep -q '"health":"true"'; }
wait_until 20 etcd etcd_healthy || fail_with etcd "etcd did not become healthy"

# --- kube-apiserver -----------------------------------------------------------

log "Starting kube-apiserver on ${APISERVER_URL}"
# --endpoint-reconciler-type=none: the "kubernetes" Service would get a loopback
# endpoint, which Endpoints validation rejects; nothing runs in-cluster anyway.
start_component kube-apiserver "${BIN_DIR}/kube-apiserver" \
  --etcd-servers="http://127.0.0.1:${ETCD_PORT}" \
  --bind-address=127.0.0.1 \
  --advertise-address=127.0.0.1 \
  --secure-port="${APISERVER_PORT}" \
  --tls-cert-file="${PKI_DIR}/apiserver.crt" \
  --tls-private-key-file="${PKI_DIR}/apiserver.key" \
  --client-ca-file="${PKI_DIR}/ca.crt" \
  --authorization-mode=Node,RBAC \
  --enable-admission-plugins=NodeRestriction \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="${PKI_DIR}/sa.pub" \
  --service-account-signing-key-file="${PKI_DIR}/sa.key" \
  --service-cluster-ip-range="${SERVICE_CIDR}" \
  --endpoint-reconciler-type=none \
  --allow-privileged=true \
  --profiling=false
wait_until 60 "kube-apiserver /readyz" apiserver_ready || fail_with kube-apiserver "kube-apiserver did not become ready"

# --- controllers, scheduler, kwok -----------------------------------------------

log "Starting kube-controller-manager, kube-scheduler and kwok"
# No node lifecycle controller: nothing runs a kubelet, kwok fakes node status.
start_component kube-controller-manager "${BIN_DIR}/kube-controller-manager" \
  --kubeconfig="${DEV_DIR}/kube-controller-manager.kubeconfig" \
  --authentication-kubeconfig="${DEV_DIR}/kube-controller-manager.kubeconfig" \
  --authorization-kubeconfig="${DEV_DIR}/kube-controller-manager.kubeconfig" \
  --bind-address=127.0.0.1 \
  --secure-port="${KCM_PORT}" \
  --controllers='*,-nodelifecycle' \
  --leader-elect=false \
  --use-service-account-credentials=true \
  --service-account-private-key-file="${PKI_DIR}/sa.key" \
  --root-ca-file="${PKI_DIR}/ca.crt" \
  --cluster-signing-cert-file="${PKI_DIR}/ca.crt" \
  --cluster-signing-key-file="${PKI_DIR}/ca.key" \
  --service-cluster-ip-range="${SERVICE_CIDR}" \
  --profiling=false

start_component kube-scheduler "${BIN_DIR}/kube-scheduler" \
  --kubeconfig="${DEV_DIR}/kube-scheduler.kubeconfig" \
  --authentication-kubeconfig="${DEV_DIR}/kube-scheduler.kubeconfig" \
  --authorization-kubeconfig="${DEV_DIR}/kube-scheduler.kubeconfig" \
  --bind-address=127.0.0.1 \
  --secure-port="${SCHEDULER_PORT}" \
  --leader-elect=false \
  --profiling=false

# kwok reads Stage objects from --config (repeatable); without any it refuses to start.
kwok_args=()
for stage in "${BIN_DIR}"/kwok-stages/*.yaml; do
  [[ -f ${stage} ]] && kwok_args+=("--config=${stage}")
done
((${#kwok_args[@]} > 0)) || die "no kwok stages in ${BIN_DIR}/kwok-stages"
start_component kwok "${BIN_DIR}/kwok" \
  --kubeconfig="${DEV_DIR}/kwok.kubeconfig" \
  --manage-all-nodes=false \
  --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
  --cidr="${POD_CIDR}" \
  "${kwok_args[@]}"

ensure_node
default_sa() { kubectl_admin get serviceaccount default --namespace default; }
wait_until 30 "the default ServiceAccount" default_sa ||
  fail_with kube-controller-manager "no default ServiceAccount"
for c in "${COMPONENTS[@]}"; do
  owned_pid "${c}" >/dev/null || fail_with "${c}" "${c} exited"
done
print_usage
