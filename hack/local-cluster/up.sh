#!/usr/bin/env bash
# Starts a local Kubernetes control plane from the binaries in bin/k8s (etcd,
# kube-apiserver, kube-controller-manager, kube-scheduler and kwok with one fake
# node), no containers. State, logs, pids and kubeconfigs live in DEV_DIR (.dev).
# Idempotent: returns at once when everything is already up.
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NODE_NAME=kwok-node-0
PKI_VERSION=2 # bump when generate_pki changes: forces new certificates
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

# issue NAME SUBJECT EXTENSIONS: EC key + certificate signed by the local CA
# (or by pki/${CA} when CA is set).
issue() {
  local ca=${CA:-ca}
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "${PKI_DIR}/$1.key" 2>/dev/null
  openssl req -new -key "${PKI_DIR}/$1.key" -subj "$2" 2>/dev/null |
    openssl x509 -req -CA "${PKI_DIR}/${ca}.crt" -CAkey "${PKI_DIR}/${ca}.key" \
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
  # Front proxy (aggregation layer) CA and client, so the requestheader
  # authentication of the controllers and of aggregated APIs is configured.
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "${PKI_DIR}/front-proxy-ca.key" 2>/dev/null
  openssl req -x509 -new -key "${PKI_DIR}/front-proxy-ca.key" -subj "/CN=kos-local-front-proxy-ca" -days 3650 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
    -out "${PKI_DIR}/front-proxy-ca.crt" 2>/dev/null
  CA=front-proxy-ca issue front-proxy-client "/CN=front-proxy-client" "${client_ext}"
  # Service account token signing key.
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "${PKI_DIR}/sa.key" 2>/dev/null
  openssl pkey -in "${PKI_DIR}/sa.key" -pubout -out "${PKI_DIR}/sa.pub" 2>/dev/null
  chmod 600 "${PKI_DIR}"/*.key
  echo "${PKI_VERSION}" >"${PKI_DIR}/.complete"
}

# write_kubeconfig FILE CERT_NAME: kubeconfig authenticating with pki/CERT_NAME.{crt,key}.
write_kubeconfig() {
  (
    umask 077
    cat >"$1.tmp" <<EOF
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
    mv "$1.tmp" "$1"
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
  addresses:
  - {type: InternalIP, address: 10.240.0.10}
  - {type: Hostname, address: ${NODE_NAME}}
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

# --- components ---------------------------------------------------------------

start_etcd() {
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
}

# --endpoint-reconciler-type=none: the "kubernetes" Service would get a loopback
# endpoint, which Endpoints validation rejects; nothing runs in-cluster anyway.
# ValidatingAdmissionPolicy is GA and on by default: no extra flag.
start_kube-apiserver() {
  start_component kube-apiserver "${BIN_DIR}/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:${ETCD_PORT}" \
    --bind-address=127.0.0.1 \
    --advertise-address=127.0.0.1 \
    --secure-port="${APISERVER_PORT}" \
    --tls-cert-file="${PKI_DIR}/apiserver.crt" \
    --tls-private-key-file="${PKI_DIR}/apiserver.key" \
    --client-ca-file="${PKI_DIR}/ca.crt" \
    --requestheader-client-ca-file="${PKI_DIR}/front-proxy-ca.crt" \
    --requestheader-allowed-names=front-proxy-client \
    --requestheader-username-headers=X-Remote-User \
    --requestheader-group-headers=X-Remote-Group \
    --requestheader-extra-headers-prefix=X-Remote-Extra- \
    --proxy-client-cert-file="${PKI_DIR}/front-proxy-client.crt" \
    --proxy-client-key-file="${PKI_DIR}/front-proxy-client.key" \
    --authorization-mode=Node,RBAC \
    --enable-admission-plugins=NodeRestriction \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="${PKI_DIR}/sa.pub" \
    --service-account-signing-key-file="${PKI_DIR}/sa.key" \
    --service-cluster-ip-range="${SERVICE_CIDR}" \
    --endpoint-reconciler-type=none \
    --allow-privileged=true \
    --profiling="${APISERVER_PROFILING:-false}"
}

# No node lifecycle controller: no kubelet runs, kwok fakes the node status.
# A client budget above the default 20 QPS, so that deleting namespaces of
# thousands of objects (make bench, make test-e2e) does not take minutes.
start_kube-controller-manager() {
  local kc="${DEV_DIR}/kube-controller-manager.kubeconfig"
  start_component kube-controller-manager "${BIN_DIR}/kube-controller-manager" \
    --kubeconfig="${kc}" \
    --authentication-kubeconfig="${kc}" \
    --authorization-kubeconfig="${kc}" \
    --bind-address=127.0.0.1 \
    --secure-port="${KCM_PORT}" \
    --controllers='*,-nodelifecycle' \
    --kube-api-qps=300 \
    --kube-api-burst=600 \
    --leader-elect=false \
    --use-service-account-credentials=true \
    --service-account-private-key-file="${PKI_DIR}/sa.key" \
    --root-ca-file="${PKI_DIR}/ca.crt" \
    --cluster-signing-cert-file="${PKI_DIR}/ca.crt" \
    --cluster-signing-key-file="${PKI_DIR}/ca.key" \
    --service-cluster-ip-range="${SERVICE_CIDR}" \
    --profiling=false
}

start_kube-scheduler() {
  local kc="${DEV_DIR}/kube-scheduler.kubeconfig"
  start_component kube-scheduler "${BIN_DIR}/kube-scheduler" \
    --kubeconfig="${kc}" \
    --authentication-kubeconfig="${kc}" \
    --authorization-kubeconfig="${kc}" \
    --bind-address=127.0.0.1 \
    --secure-port="${SCHEDULER_PORT}" \
    --leader-elect=false \
    --profiling=false
}

# kwok takes its Stage objects as config files (--config, repeatable); with no
# stage at all it refuses to start.
start_kwok() {
  local stage
  local -a stages=()
  for stage in "${BIN_DIR}"/kwok-stages/*.yaml; do
    if [[ -f ${stage} ]]; then stages+=("--config=${stage}"); fi
  done
  ((${#stages[@]} > 0)) || die "no kwok stages in ${BIN_DIR}/kwok-stages"
  start_component kwok "${BIN_DIR}/kwok" \
    --kubeconfig="${DEV_DIR}/kwok.kubeconfig" \
    --manage-all-nodes=false \
    --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --cidr="${POD_CIDR}" \
    "${stages[@]}"
}

# ensure NAME: start NAME unless it is already running.
started=()
ensure() {
  if ! owned_pid "$1" >/dev/null; then
    log "Starting $1"
    "start_$1"
    started+=("$1")
  fi
}

# ensure_healthy NAME GRACE TIMEOUT CHECK...: like ensure, then waits for CHECK.
# A running process that stays unhealthy for GRACE seconds is restarted: e.g. a
# kube-apiserver told to stop keeps its pid for up to 60 s while draining watches.
ensure_healthy() {
  local name=$1 grace=$2 timeout=$3
  shift 3
  if owned_pid "${name}" >/dev/null && ! wait_until "${grace}" "${name}" "$@" 2>/dev/null; then
    log "${name} is running but not healthy: restarting it"
    stop_components "${name}"
  fi
  ensure "${name}"
  wait_until "${timeout}" "${name}" "$@" || fail_with "${name}" "${name} is not healthy"
}

etcd_healthy() { curl -sf --max-time 2 "http://127.0.0.1:${ETCD_PORT}/health" | grep '"health":"true"' >/dev/null; }
default_sa() { kubectl_admin get serviceaccount default --namespace default; }

# --- main -----------------------------------------------------------------------

mkdir -p "${DEV_DIR}" "${LOG_DIR}" "${PID_DIR}" "${DEV_DIR}/etcd-data"
chmod 700 "${DEV_DIR}/etcd-data"
if [[ $(cat "${PKI_DIR}/.complete" 2>/dev/null) != "${PKI_VERSION}" ]]; then
  # New certificates: nothing still running from before can use them.
  stop_cluster
  generate_pki
fi
write_kubeconfig "${ADMIN_KUBECONFIG}" admin
for c in kube-controller-manager kube-scheduler kwok; do
  write_kubeconfig "${DEV_DIR}/${c}.kubeconfig" "${c}"
done

# Only what is not running gets (re)started, with one exception: controllers
# that outlived a kube-apiserver restart. Their informers reconnect by
# themselves but can stay minutes behind (a ReplicaSet controller whose pod
# informer lagged 2.5 min after a restart did not replace a deleted Pod), so
# the controller-manager and the scheduler start afresh with the apiserver.
# kwok keeps running: it forgets the pod IPs it handed out on restart.
ensure_healthy etcd 5 20 etcd_healthy
ensure_healthy kube-apiserver 10 60 apiserver_ready
if [[ " ${started[*]} " == *" kube-apiserver "* ]]; then
  for c in kube-controller-manager kube-scheduler; do
    if owned_pid "${c}" >/dev/null; then
      log "Restarting ${c}, which outlived the kube-apiserver"
      stop_components "${c}"
    fi
  done
fi
ensure kube-controller-manager
ensure kube-scheduler
ensure kwok
ensure_node
wait_until 30 "the default ServiceAccount" default_sa ||
  fail_with kube-controller-manager "no default ServiceAccount"
for c in "${COMPONENTS[@]}"; do
  owned_pid "${c}" >/dev/null || fail_with "${c}" "${c} exited"
done

if ((${#started[@]} == 0)); then
  log "Local cluster already running"
fi
log "Local cluster ready: ${APISERVER_URL}"
kubeconfig=${ADMIN_KUBECONFIG} kubectl=${BIN_DIR}/kubectl
if [[ ${PWD} == "${ROOT}" ]]; then
  kubeconfig=${kubeconfig#"${ROOT}/"} kubectl=${kubectl#"${ROOT}/"}
fi
echo "   export KUBECONFIG=${kubeconfig}; ${kubectl} get nodes"
