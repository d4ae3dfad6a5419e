// Package e2e holds xcheck's slow end-to-end tests and benchmarks, which
// run the xcheck binary and the go command on real, public modules fetched
// through the module proxy:
//
//   - TestAgreement (agreement_test.go) checks that xcheck's per-target
//     verdict agrees with the outcome of `go build` for the modules under
//     testdata/realworld, on every first-class target and a set of
//     secondary ports, with CGO_ENABLED=0 and 1. It is skipped with -short;
//     `go test ./...` (what CI runs) includes it.
//   - TestConcurrentRunsShareCache (concurrent_test.go) runs 20
//     xcheck processes at once on one empty result cache, then 20 on the
//     warm cache, and requires identical reports and exit codes, no
//     temporary files left and every cache entry intact.
//   - TestLoad2000Packages20Targets (load_test.go) checks a generated
//     module of 2,001 packages (genmodule_test.go) for 20 targets, with a
//     bound on xcheck's peak resident memory, and that the one hazard
//     planted in it is reported on exactly the 32-bit targets.
//   - The benchmarks (bench_test.go) compare xcheck with what users run
//     today, `go build` and `go vet` per target, on testdata/bench; `make
//     bench` runs them. docs/performance.md has the method and the numbers.
//
// The package has no code of its own outside its tests.
package e2e
