# xcheck: cross-compilation preflight linter for Go.
GO      ?= go
PKGS    ?= ./...
FUZZTIME ?= 30s
FUZZ_CI_TIME ?= 3s

.PHONY: all build test test-short setup lint bench fuzz fuzz-ci demo docs release clean

all: lint test

build:
	$(GO) build -o bin/xcheck ./cmd/xcheck

# setup installs the Debian cross sysroots, compilers and tools the tests
# use (as root, idempotent); see scripts/setup.sh.
setup:
	bash scripts/setup.sh

# test runs every test, the slow real-world ones included (CI runs this).
test: setup
	CI=$${CI:-true} $(GO) test -count=1 -timeout 30m $(PKGS)

# test-short skips the slow tests, for quick local loops.
test-short:
	$(GO) test -short $(PKGS)

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '/testdata/')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) tool staticcheck $(PKGS)

# bench runs the micro-benchmarks of every package, then the end-to-end
# benchmarks of ./e2e on testdata/bench, which measure once each
# (-benchtime=1x) and print the ratios of docs/performance.md: xcheck vs
# go vet and go build per target with empty caches, 8 targets vs 1, and
# xcheck's peak memory. The cold go vet and go build runs take long (tens
# of minutes on 2 cores).
bench:
	$(GO) test -run '^$$' -bench . -benchmem $$($(GO) list $(PKGS) | grep -v '/e2e$$')
	$(GO) test -v -run '^$$' -bench . -benchtime 1x -timeout 240m ./e2e

# fuzz runs every fuzz target of every package (found by its declaration:
# func FuzzXxx(f *testing.F)) for FUZZTIME each and prints the executions
# per target; fuzz-ci is the short run CI does (a few seconds each, about
# two minutes in all). See scripts/fuzz.sh.
fuzz:
	GO=$(GO) bash scripts/fuzz.sh $(FUZZTIME) $(PKGS)

fuzz-ci:
	GO=$(GO) bash scripts/fuzz.sh $(FUZZ_CI_TIME) $(PKGS)

# demo checks the demo module shipped in testdata/demo. xcheck exits 1
# there because the demo has findings; only exit codes 2 and 3 fail.
demo:
	@$(GO) run ./cmd/xcheck -C testdata/demo \
	  --target linux/arm64,linux/arm/v7,windows/amd64,windows/arm,android/arm,wasip1/wasm \
	  --min-os windows=7 ./... ; rc=$$?; \
	echo "xcheck exit code: $$rc (1 = findings, as expected for the demo)"; \
	[ $$rc -le 1 ]

docs:
	$(GO) run ./internal/gendocs -dir docs/rules

# release cross-builds xcheck for the first-class ports of the Go toolchain
# in use (as `xcheck targets -t first-class` lists them) into dist/:
# pure Go (CGO_ENABLED=0), -trimpath, the version set at link time, and
# dist/SHA256SUMS. Then it dogfoods: the build for this host checks this
# module for the same targets as they were built (CGO_ENABLED=0), which
# must exit 0 (no finding at or above error). VERSION defaults to
# `git describe`.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
RELEASE_LDFLAGS = -s -w -X github.com/xcheck-dev/xcheck/internal/cli.version=$(VERSION)

release: build
	rm -rf dist
	mkdir -p dist
	@set -e; \
	targets=$$(bin/xcheck targets -t first-class | awk 'NR > 1 && $$2 == "yes" { print $$1 }'); \
	[ -n "$$targets" ] || { echo "no first-class ports listed"; exit 1; }; \
	for t in $$targets; do \
	  os=$${t%/*}; arch=$${t#*/}; ext=; [ "$$os" = windows ] && ext=.exe; \
	  out=dist/xcheck_$(VERSION)_$${os}_$${arch}$$ext; \
	  echo "build $$out"; \
	  CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags '$(RELEASE_LDFLAGS)' -o $$out ./cmd/xcheck; \
	done; \
	(cd dist && sha256sum xcheck_* > SHA256SUMS); \
	host=dist/xcheck_$(VERSION)_$$($(GO) env GOHOSTOS)_$$($(GO) env GOHOSTARCH); \
	[ -x "$$host" ] || host=bin/xcheck; \
	echo "dogfood: CGO_ENABLED=0 $$host -t first-class ./..."; \
	$$host version; \
	CGO_ENABLED=0 $$host -t first-class ./...

clean:
	rm -rf bin dist
