#!/usr/bin/env bash
# Installs Prometheus and promtool from Debian's prometheus package, for
# `make prometheus-check` (promtool check/test rules) and the e2e test that
# scrapes the operator and fires an alert. Once: nothing to do when promtool
# and prometheus are on PATH. The package's service is never started.
set -euo pipefail

if command -v promtool >/dev/null && command -v prometheus >/dev/null; then
  exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# policy-rc.d keeps the package's service from being started on install.
$sudo sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d'
trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends prometheus >/dev/null
promtool --version | head -1
