#!/usr/bin/env bash
# Builds the local control plane (etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, kubectl, kwok) from source through the Go module proxy into
# bin/k8s, once: a version stamp records what was built and a second run with
# the same versions returns at once.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="${root}/bin/k8s"
KUBERNETES_VERSION=$(awk '$1=="k8s.io/kubernetes"{print $2}' "${root}/hack/tools/go.mod")
ETCD_VERSION=$(awk 'NF>=2 && $(NF-1)=="go.etcd.io/etcd/server/v3"{print $NF; exit}' "${root}/hack/tools/etcd/go.mod")
KWOK_VERSION=v0.8.0
# Bump recipe when the way the binaries are built changes.
stamp="kubernetes=${KUBERNETES_VERSION} etcd=${ETCD_VERSION} kwok=${KWOK_VERSION} recipe=2"

binaries=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok)
complete=true
for b in "${binaries[@]}"; do [[ -x "${out}/${b}" ]] || complete=false; done
if $complete && [[ "$(cat "${out}/.version" 2>/dev/null)" == "${stamp}" ]]; then
  exit 0
fi

mkdir -p "${out}"
export CGO_ENABLED=0
echo ">> Building the local control plane (${stamp}) into bin/k8s"
echo ">> The first build compiles Kubernetes from source: expect about 5-10 minutes on 2 cores; later builds are cached"
(
  cd "${root}/hack/tools"
  echo ">>   kube-apiserver, kube-controller-manager, kube-scheduler, kubectl"
  # Stamp the release into the binaries, as the Kubernetes build does, so
  # that the servers and kubectl report v1.37.x rather than a dev version.
  minor=$(echo "${KUBERNETES_VERSION}" | cut -d. -f2)
  version_pkgs=(k8s.io/component-base/version k8s.io/client-go/pkg/version)
  ldflags=""
  for p in "${version_pkgs[@]}"; do
    ldflags+=" -X ${p}.gitVersion=${KUBERNETES_VERSION} -X ${p}.gitMajor=1 -X ${p}.gitMinor=${minor} -X ${p}.gitTreeState=clean"
  done
  go build -trimpath -ldflags "${ldflags}" -o "${out}/" \
    k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler \
    k8s.io/kubernetes/cmd/kubectl
)
(
  cd "${root}/hack/tools/etcd"
  echo ">>   etcd"
  go build -trimpath -o "${out}/etcd" go.etcd.io/etcd/server/v3
)
echo ">>   kwok"
GOBIN="${out}" go install -trimpath "sigs.k8s.io/kwok/cmd/kwok@${KWOK_VERSION}"

# kwok's Stage objects (node and pod lifecycles) ship inside its module.
kwok_dir=$(cd "${TMPDIR:-/tmp}" && go mod download -json "sigs.k8s.io/kwok@${KWOK_VERSION}" | awk -F'"' '/"Dir"/{print $4}')
mkdir -p "${out}/kwok-stages"
cp "${kwok_dir}"/kustomize/stage/node/fast/node-*.yaml "${kwok_dir}"/kustomize/stage/pod/fast/pod-*.yaml "${out}/kwok-stages/"
chmod -R u+w "${out}/kwok-stages"

echo "${stamp}" > "${out}/.version"
echo ">> Control plane ready in bin/k8s"
