# shellcheck shell=bash
# Settings and helpers shared by the local-cluster scripts. Source it, do not run it.

ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BIN_DIR=${BIN_DIR:-${ROOT}/bin/k8s}
DEV_DIR=${DEV_DIR:-${ROOT}/.dev}

# Fixed, non-default ports, all on 127.0.0.1.
ETCD_PORT=${ETCD_PORT:-22379}
ETCD_PEER_PORT=${ETCD_PEER_PORT:-22380}
APISERVER_PORT=${APISERVER_PORT:-16443}
KCM_PORT=${KCM_PORT:-16257}
SCHEDULER_PORT=${SCHEDULER_PORT:-16259}
SERVICE_CIDR=${SERVICE_CIDR:-10.96.0.0/16}
POD_CIDR=${POD_CIDR:-10.244.0.0/16}

PKI_DIR=${DEV_DIR}/pki
PID_DIR=${DEV_DIR}/pids
LOG_DIR=${DEV_DIR}/logs
ADMIN_KUBECONFIG=${DEV_DIR}/kubeconfig
APISERVER_URL=https://127.0.0.1:${APISERVER_PORT}

# Every process we start carries this variable; a pid only counts as ours if its
# environment has it, so a stale pid file can never make us signal a stranger.
MARKER="KOS_LOCAL_CLUSTER_DIR=${DEV_DIR}"

log() { echo ">> $*"; }
die() {
  echo "error: $*" >&2
  exit 1
}

kubectl_admin() {
  "${BIN_DIR}/kubectl" --kubeconfig="${ADMIN_KUBECONFIG}" --cache-dir="${DEV_DIR}/cache" "$@"
}

# running PID: the process exists and is not a zombie.
running() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]]
}

# owned_pid NAME: prints the recorded pid of NAME if that process is alive and ours.
owned_pid() {
  local file="${PID_DIR}/$1.pid" pid
  [[ -s ${file} ]] || return 1
  pid=$(<"${file}")
  [[ ${pid} =~ ^[0-9]+$ ]] && running "${pid}" || return 1
  tr '\0' '\n' <"/proc/${pid}/environ" 2>/dev/null | grep -xF "${MARKER}" >/dev/null || return 1
  echo "${pid}"
}

# start_component NAME CMD...: runs CMD detached (own session, immune to SIGHUP),
# appending to logs/NAME.log, and records its pid in pids/NAME.pid.
start_component() {
  local name=$1
  shift
  mkdir -p "${PID_DIR}" "${LOG_DIR}"
  printf '\n===== %s starting %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >>"${LOG_DIR}/${name}.log"
  env "${MARKER}" setsid nohup "$@" >>"${LOG_DIR}/${name}.log" 2>&1 </dev/null &
  echo "$!" >"${PID_DIR}/${name}.pid"
}

# stop_components NAME...: SIGTERM the recorded processes, SIGKILL whatever is
# left after 10 s, then remove their pid files.
stop_components() {
  local name pid
  local -a pids=()
  for name in "$@"; do
    if pid=$(owned_pid "${name}"); then
      kill -TERM "${pid}" 2>/dev/null || true
      pids+=("${pid}")
    fi
  done
  if ((${#pids[@]} > 0)) && ! wait_gone 100 "${pids[@]}"; then
    for pid in "${pids[@]}"; do
      if running "${pid}"; then
        echo "warning: pid ${pid} still up 10s after SIGTERM, sending SIGKILL" >&2
        kill -KILL "${pid}" 2>/dev/null || true
      fi
    done
    wait_gone 50 "${pids[@]}" || true
  fi
  for name in "$@"; do rm -f "${PID_DIR}/${name}.pid"; done
}

# stop_cluster: stops the control plane, clients first: a kube-apiserver with
# open watches takes up to 60 s to drain them.
stop_cluster() {
  stop_components kwok kube-scheduler kube-controller-manager
  stop_components kube-apiserver
  stop_components etcd
}

# wait_gone TENTHS PID...: waits up to TENTHS/10 s for all PIDs to exit.
wait_gone() {
  local tries=$1 pid alive
  shift
  while ((tries-- > 0)); do
    alive=false
    for pid in "$@"; do
      if running "${pid}"; then alive=true; fi
    done
    if ! ${alive}; then return 0; fi
    sleep 0.1
  done
  return 1
}

# wait_until SECONDS DESCRIPTION CMD...: polls CMD until it succeeds.
wait_until() {
  local timeout=$1 what=$2 deadline
  shift 2
  deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      echo "error: timed out after ${timeout}s waiting for ${what}" >&2
      return 1
    fi
    sleep 0.2
  done
}

apiserver_ready() {
  curl -sf --max-time 2 --cacert "${PKI_DIR}/ca.crt" \
    --cert "${PKI_DIR}/admin.crt" --key "${PKI_DIR}/admin.key" \
    "${APISERVER_URL}/readyz" >/dev/null
}
