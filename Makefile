# xcheck: cross-compilation preflight linter for Go.
GO      ?= go
PKGS    ?= ./...
FUZZTIME ?= 30s

.PHONY: all build test test-short setup lint bench fuzz demo docs clean

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

# fuzz runs every fuzz target for FUZZTIME each.
fuzz:
	@for pkg in $$($(GO) list $(PKGS)); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; \
	    $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

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

clean:
	rm -rf bin
