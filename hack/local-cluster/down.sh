#!/usr/bin/env bash
# Stops everything up.sh and run-operator.sh started (by the pids in DEV_DIR/pids):
# SIGTERM, then SIGKILL after 10 s. Logs stay; --purge removes DEV_DIR entirely.
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

purge=false
case "${1:-}" in
  "") ;;
  --purge) purge=true ;;
  *) die "usage: $0 [--purge]" ;;
esac

# The operator, the control plane (clients first), then anything else with a pid file.
stop_components operator
stop_cluster
others=()
for f in "${PID_DIR}"/*.pid; do
  if [[ -f ${f} ]]; then
    f=${f##*/}
    others+=("${f%.pid}")
  fi
done
if ((${#others[@]} > 0)); then stop_components "${others[@]}"; fi

if ${purge}; then
  rm -rf -- "${DEV_DIR:?}"
  log "Local cluster stopped, ${DEV_DIR} removed"
else
  log "Local cluster stopped (logs in ${LOG_DIR})"
fi
