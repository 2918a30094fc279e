#!/usr/bin/env bash
# Waits until the sample Memberships of make dev are Ready, then says how to
# use the local cluster.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kubectl="${root}/bin/k8s/kubectl --kubeconfig ${root}/.dev/kubeconfig"

echo ">> Waiting for the sample agents' Pods and Memberships"
for ns in team-a team-b team-c; do
  $kubectl -n "$ns" wait --for=condition=Available --timeout=120s deployment --all >/dev/null
done
# Memberships the samples expect to be accepted.
for m in team-a/incident-42 team-b/incident-42 team-a/blue-pact team-b/blue-pact team-c/blue-pact team-c/northern-league team-b/river-towns; do
  $kubectl -n "${m%%/*}" wait --for=condition=Ready --timeout=120s "membership/${m##*/}" >/dev/null
done

$kubectl get unions
echo
$kubectl get memberships -A
cat <<TXT

union-operator is running against the local cluster (logs: .dev/logs/operator.log).

  export KUBECONFIG=${root}/.dev/kubeconfig
  export PATH=${root}/bin/k8s:\$PATH
  kubectl get unions
  kubectl get pods -n team-a --show-labels
  kubectl get configmap union-coalition-incident-42 -n team-a -o yaml

Run 'make dev' again to rebuild and restart the operator; 'make dev-down' stops everything.
TXT
