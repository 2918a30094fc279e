#!/usr/bin/env bash
# Runs the operator BINARY ARGS... in the background against the local cluster:
# stops the one it started before, logs to DEV_DIR/logs/operator.log, records
# DEV_DIR/pids/operator.pid and waits (60 s) for its /readyz on HEALTH_PORT.
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HEALTH_PORT=${HEALTH_PORT:-18081}
(($# >= 1)) || die "usage: $0 BINARY [ARGS...]"
command -v "$1" >/dev/null || die "$1: not found or not executable"
command -v curl >/dev/null || die "curl is required"

stop_components operator
start_component operator "$@"
pid=$(<"${PID_DIR}/operator.pid")
log "Operator started (pid ${pid}), logs in ${LOG_DIR}/operator.log"

ready_url="http://127.0.0.1:${HEALTH_PORT}/readyz"
deadline=$((SECONDS + 60))
until curl -sf --max-time 2 -o /dev/null "${ready_url}"; do
  if ! running "${pid}"; then
    echo "error: the operator exited; last lines of ${LOG_DIR}/operator.log:" >&2
    tail -n 40 "${LOG_DIR}/operator.log" >&2
    rm -f "${PID_DIR}/operator.pid"
    exit 1
  fi
  if ((SECONDS >= deadline)); then
    echo "error: ${ready_url} not ready after 60s; last lines of ${LOG_DIR}/operator.log:" >&2
    tail -n 40 "${LOG_DIR}/operator.log" >&2
    stop_components operator
    exit 1
  fi
  sleep 0.5
done
log "Operator ready (${ready_url})"
