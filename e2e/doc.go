// Package e2e holds xcheck's slow end-to-end tests and benchmarks, which
// run the xcheck binary and the go command on real, public modules fetched
// through the module proxy:
//
//   - TestAgreement (agreement_test.go) checks that xcheck's per-target
//     verdict agrees with the outcome of `go build` for the modules under
//     testdata/realworld, on every first-class target and a set of
//     secondary ports, with CGO_ENABLED=0 and 1. It is skipped with -short;
//     `go test ./...` (what CI runs) includes it.
//   - The benchmarks (bench_test.go) compare xcheck with what users run
//     today, `go build` and `go vet` per target, on testdata/bench; `make
//     bench` runs them. docs/performance.md has the method and the numbers.
//
// The package has no code of its own outside its tests.
package e2e
