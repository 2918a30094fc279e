# union-operator — see README.md. `make help` lists the targets.

SHELL := /usr/bin/env bash -o pipefail
.SHELLFLAGS := -ec
.DEFAULT_GOAL := help

ROOT := $(shell pwd)
BIN := $(ROOT)/bin
KUBEBUILDER_ASSETS ?= $(BIN)/k8s
export KUBEBUILDER_ASSETS
DEV_DIR := $(ROOT)/.dev
KUBECTL := $(BIN)/k8s/kubectl
CONTROLLER_GEN := $(BIN)/controller-gen
GOLANGCI_LINT := $(BIN)/golangci-lint
HELM := $(BIN)/helm
CRD_REF_DOCS := $(BIN)/crd-ref-docs
IMG ?= ghcr.io/kos-dev/union-operator:v0.1.0
# The release a build says it is (--version, the image's labels).
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
REVISION ?= $(shell git rev-parse HEAD 2>/dev/null)
VERSION_LDFLAGS := -X github.com/kos-dev/union-operator/internal/version.Version=$(VERSION) -X github.com/kos-dev/union-operator/internal/version.Revision=$(REVISION)
IMAGE_ARCH ?= $(shell go env GOARCH)
IMAGE_ARCHIVE ?= $(BIN)/union-operator-image.tar

# Flags of the operator when make dev runs it as a local process.
DEV_OPERATOR_FLAGS ?= --health-probe-bind-address=127.0.0.1:18081 --metrics-bind-address=127.0.0.1:18443 --kube-api-qps=200 --kube-api-burst=400

##@ General

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*##"; printf "Usage: make <target>\n"} /^[a-zA-Z_0-9-]+:.*?##/ { printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2 } /^##@/ { printf "\n\033[1m%s\033[0m\n", substr($$0, 5) }' $(MAKEFILE_LIST)

##@ Development

.PHONY: manifests
manifests: $(CONTROLLER_GEN) ## Generate CRDs and the manager's ClusterRole from the markers in the code.
	$(CONTROLLER_GEN) rbac:roleName=manager-role crd paths="./..." output:crd:artifacts:config=config/crd/bases

.PHONY: generate
generate: $(CONTROLLER_GEN) ## Generate DeepCopy methods.
	$(CONTROLLER_GEN) object:headerFile="hack/boilerplate.go.txt" paths="./api/..."

.PHONY: argocd
argocd: ## Generate the Argo CD health checks in config/argocd from config/argocd/src.
	go run ./hack/argocd -dir config/argocd

.PHONY: fmt
fmt: ## go fmt.
	go fmt ./...

.PHONY: vet
vet: ## go vet (including the e2e and bench packages).
	go vet ./...
	go vet -tags e2e ./test/e2e/...

.PHONY: lint
lint: $(GOLANGCI_LINT) ## Run golangci-lint.
	$(GOLANGCI_LINT) run ./...

.PHONY: verify
verify: manifests generate argocd ## Fail when generated files are stale.
	@git diff --exit-code -- api config || { echo "Generated files are stale: run 'make manifests generate argocd' and commit the result."; exit 1; }
	@test -z "$$(git status --porcelain -- api config)" || { git status --porcelain -- api config; echo "Untracked generated files: commit them."; exit 1; }

.PHONY: test
test: controlplane manifests generate fmt vet ## Unit and envtest integration tests against a real API server.
	go test ./... -coverprofile cover.out

.PHONY: test-e2e
test-e2e: controlplane build cluster ## End-to-end tests: the built binary against the local cluster.
	@hack/install-prometheus.sh
	KUBECONFIG=$(DEV_DIR)/kubeconfig go test -tags e2e -count=1 -timeout 30m -v ./test/e2e/... -ginkgo.v

.PHONY: fuzz
fuzz: ## Run each fuzz target for a short while.
	go test ./internal/audit -run '^$$' -fuzz FuzzAppendVerify -fuzztime 20000x
	go test ./internal/tally -run '^$$' -fuzz FuzzCountMatchesReference -fuzztime 20000x
	go test ./internal/tally -run '^$$' -fuzz FuzzParsePercent -fuzztime 20000x
	go test ./internal/overrides -run '^$$' -fuzz FuzzBounds -fuzztime 20000x
	go test ./internal/controller/coalition -run '^$$' -fuzz FuzzWarningTime -fuzztime 20000x

.PHONY: bench
bench: controlplane build cluster ## Measure badge convergence, writes, memory and expiry lag against a baseline in the same run.
	KUBECONFIG=$(DEV_DIR)/kubeconfig go run ./test/bench $(BENCH_FLAGS)

##@ Build

.PHONY: build
build: manifests generate fmt vet ## Build the manager binary and the kubectl plugin.
	go build -ldflags "$(VERSION_LDFLAGS)" -o $(BIN)/manager ./cmd
	go build -ldflags "$(VERSION_LDFLAGS)" -o $(BIN)/kubectl-unions ./cmd/kubectl-unions

.PHONY: run
run: manifests generate ## Run the manager against the cluster in $KUBECONFIG.
	go run ./cmd

.PHONY: image
image: ## Build the container image as an OCI archive in bin/, without a Docker engine.
	CGO_ENABLED=0 GOOS=linux GOARCH=$(IMAGE_ARCH) go build -trimpath \
		-ldflags "-s -w $(VERSION_LDFLAGS)" \
		-o $(BIN)/linux-$(IMAGE_ARCH)/manager ./cmd
	cd hack/tools/image && go run . build -binary $(BIN)/linux-$(IMAGE_ARCH)/manager \
		-version $(VERSION) -revision $(REVISION) -arch $(IMAGE_ARCH) -out $(IMAGE_ARCHIVE)

.PHONY: image-check
image-check: image ## Check the image archive's config and files, and run its /manager --version.
	cd hack/tools/image && go test ./... && go run . check -in $(IMAGE_ARCHIVE) -extract $(BIN)/image-manager
	$(BIN)/image-manager --version | grep -F -- "$(VERSION)"

.PHONY: docker-build
docker-build: ## Build the container image with a Docker engine (make image needs none).
	docker build -t $(IMG) .

##@ Local cluster

.PHONY: controlplane
controlplane: ## Build the local control plane from source into bin/k8s (once).
	@hack/build-controlplane.sh

.PHONY: cluster
cluster: controlplane ## Start the local control plane (etcd, apiserver, controller-manager, scheduler, kwok).
	@hack/local-cluster/up.sh

.PHONY: dev
dev: controlplane build cluster ## Local cluster + CRDs + the operator + sample unions, left running.
	$(KUBECTL) --kubeconfig $(DEV_DIR)/kubeconfig apply --server-side --force-conflicts -k config/crd
	$(KUBECTL) --kubeconfig $(DEV_DIR)/kubeconfig wait --for condition=Established --timeout=60s -f config/crd/bases >/dev/null
	$(KUBECTL) --kubeconfig $(DEV_DIR)/kubeconfig apply --server-side --force-conflicts -k config/dev
	@hack/local-cluster/serviceaccount-kubeconfig.sh union-operator-system union-operator-controller-manager $(DEV_DIR)/operator.kubeconfig
	@hack/local-cluster/run-operator.sh $(BIN)/manager --kubeconfig $(DEV_DIR)/operator.kubeconfig $(DEV_OPERATOR_FLAGS)
	$(KUBECTL) --kubeconfig $(DEV_DIR)/kubeconfig apply --server-side --force-conflicts -k config/samples
	@hack/dev-ready.sh

.PHONY: dev-down
dev-down: ## Stop everything make dev started.
	@hack/local-cluster/down.sh

##@ Deployment

.PHONY: install
install: manifests ## Install the CRDs into the cluster in $KUBECONFIG.
	$(KUBECTL) apply --server-side -k config/crd

.PHONY: uninstall
uninstall: manifests ## Remove the CRDs (and every union) from the cluster in $KUBECONFIG.
	$(KUBECTL) delete --ignore-not-found -k config/crd

.PHONY: deploy
deploy: manifests ## Deploy the operator (image $IMG) to the cluster in $KUBECONFIG.
	cd config/manager && $(KUBECTL) kustomize . >/dev/null
	$(KUBECTL) kustomize config/default | sed 's|ghcr.io/kos-dev/union-operator:v0.1.0|$(IMG)|' | $(KUBECTL) apply --server-side -f -

.PHONY: undeploy
undeploy: ## Remove the operator from the cluster in $KUBECONFIG.
	$(KUBECTL) kustomize config/default | $(KUBECTL) delete --ignore-not-found -f -

.PHONY: helm-chart
helm-chart: manifests ## Generate the Helm chart in dist/chart from config/default.
	@hack/helm/generate.sh

.PHONY: docs
docs: $(CRD_REF_DOCS) ## Generate docs/api-reference.md from the doc comments in api/v1alpha1.
	@CRD_REF_DOCS=$(CRD_REF_DOCS) hack/docs/generate.sh

.PHONY: prometheus-check
prometheus-check: ## Check and unit-test the alert rules with promtool (installs Debian's prometheus package once).
	@hack/install-prometheus.sh
	promtool check rules config/prometheus/union-operator.rules.yaml
	promtool test rules config/prometheus/union-operator.rules.test.yaml

.PHONY: helm-lint
helm-lint: $(HELM) ## Lint and render the Helm chart; dry-run it against make dev's cluster when that runs.
	$(HELM) lint --strict dist/chart
	$(HELM) lint --strict dist/chart --set metrics.serviceMonitor.enabled=true,metrics.certSecret=metrics-cert,prometheusRule.enabled=true,grafanaDashboard.enabled=true,priorityClassName=high,imagePullSecrets[0].name=registry,podAnnotations.team=platform,extraArgs[0]=--zap-devel
	$(HELM) template union-operator dist/chart --namespace union-operator-system >/dev/null
	@if $(HELM) template union-operator dist/chart --set image.tagg=1 >/dev/null 2>&1; then \
		echo "values.schema.json accepted the misspelt value image.tagg"; exit 1; \
	else echo ">> values.schema.json refuses the misspelt value image.tagg"; fi
	@if [[ -f $(DEV_DIR)/kubeconfig ]] && $(KUBECTL) --kubeconfig $(DEV_DIR)/kubeconfig get --raw /readyz --request-timeout=5s >/dev/null 2>&1; then \
		echo ">> Server-side dry-run of the chart against the local cluster (writes nothing)"; \
		$(HELM) template union-operator dist/chart --namespace default \
			| $(KUBECTL) --kubeconfig $(DEV_DIR)/kubeconfig apply --server-side --force-conflicts --field-manager=helm-lint --dry-run=server -f -; \
	else echo ">> Skipping the server-side dry-run: the local cluster is not running (make cluster)"; fi

##@ Tools

$(CONTROLLER_GEN): hack/tools/go.mod
	cd hack/tools && go build -o $(CONTROLLER_GEN) sigs.k8s.io/controller-tools/cmd/controller-gen

$(HELM): hack/tools/helm/go.mod
	@echo ">> Building helm from source (first time: a few minutes)"
	cd hack/tools/helm && go build -ldflags "-X helm.sh/helm/v4/internal/version.version=$$(awk '$$1=="require" && $$2=="helm.sh/helm/v4" {print $$3}' go.mod)" -o $(HELM) helm.sh/helm/v4/cmd/helm

$(CRD_REF_DOCS): hack/tools/docs/go.mod
	cd hack/tools/docs && go build -o $(CRD_REF_DOCS) github.com/elastic/crd-ref-docs

$(GOLANGCI_LINT): hack/tools/lint/go.mod
	@echo ">> Building golangci-lint from source (first time: a few minutes)"
	cd hack/tools/lint && go build -o $(GOLANGCI_LINT) github.com/golangci/golangci-lint/v2/cmd/golangci-lint
