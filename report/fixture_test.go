package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/finding"
)

var update = flag.Bool("update", false, "rewrite testdata/golden files")

// Rules of the shared fixture. They are test data, not xcheck's rules.
var (
	ruleSecondaryPort = &finding.Rule{
		ID:       "XC1005",
		Name:     "secondary-port",
		Severity: finding.Info,
		Title:    "target is a secondary port",
		Why:      "Secondary ports are not required to pass the Go team's builders, so a release may ship broken on them.",
		Fix:      "test the binary on the target before releasing it",
	}
	ruleTypeError = &finding.Rule{
		ID:       "XC2001",
		Name:     "type-error-on-target",
		Severity: finding.Error,
		Title:    "code does not type-check for the target",
		Why:      "Files, constants and type sizes depend on GOOS and GOARCH. Code that compiles on the host can fail for another target, for example a constant that overflows `int` on a 32-bit GOARCH.",
		Example:  "```go\nconst big = 1 << 32\nvar n int = big // overflows on GOARCH=386 and arm\n```",
		Fix:      "make the code valid for the target, or exclude it with a build constraint",
	}
	ruleCgoStub = &finding.Rule{
		ID:       "XC3001",
		Name:     "cgo-stub-at-runtime",
		Severity: finding.Warning,
		Title:    "package builds as a stub without cgo and fails at run time",
		Why:      "Some packages have a `!cgo` file that compiles but returns an error at run time. With CGO_ENABLED=0 the build succeeds and the program fails in production.",
		Fix:      "build with CGO_ENABLED=1 and a C compiler for the target, or use a pure-Go alternative",
	}
	fixtureRules = []*finding.Rule{ruleSecondaryPort, ruleTypeError, ruleCgoStub}
)

// fixtureReport returns a realistic report: four targets (one with a GOARM
// variant, one failing, one native), findings of three rules: one without
// a position, one merged across two targets, one suppressed.
func fixtureReport() *Report {
	raw := []finding.Finding{
		finding.New(ruleSecondaryPort, "js/wasm", finding.Position{},
			"secondary port: the Go team does not block releases on it"),
		{
			Rule: ruleTypeError, Severity: finding.Error, Targets: []string{"linux/arm/v6"},
			Pos:     finding.Position{File: "internal/mem/size.go", Line: 14, Column: 9},
			Message: "cannot use 1 << 32 (untyped int constant 4294967296) as int value in variable declaration (overflows)",
			Why:     []string{"int is 32 bits wide when GOARCH=arm"},
			Fix:     "declare the value as int64",
		},
		{
			Rule: ruleCgoStub, Severity: finding.Warning, Targets: []string{"windows/386"},
			Pos:     finding.Position{File: "db/open.go", Line: 9, Column: 2},
			Message: `"github.com/mattn/go-sqlite3" builds as a stub without cgo`,
			Why: []string{
				`example.com/app imports example.com/app/db`,
				`example.com/app/db imports github.com/mattn/go-sqlite3 (sqlite3_other.go needs cgo)`,
			},
			Fix: ruleCgoStub.Fix,
		},
		{
			Rule: ruleCgoStub, Severity: finding.Warning, Targets: []string{"js/wasm"},
			Pos:     finding.Position{File: "db/open.go", Line: 9, Column: 2},
			Message: `"github.com/mattn/go-sqlite3" builds as a stub without cgo`,
			Why: []string{
				`example.com/app imports example.com/app/db`,
				`example.com/app/db imports github.com/mattn/go-sqlite3 (sqlite3_other.go needs cgo)`,
			},
			Fix: ruleCgoStub.Fix,
		},
		{
			Rule: ruleCgoStub, Severity: finding.Warning, Targets: []string{"js/wasm"},
			Pos:        finding.Position{File: "cmd/wasmdemo/main.go", Line: 5, Column: 2},
			Message:    `"os/user" builds as a stub without cgo`,
			Fix:        ruleCgoStub.Fix,
			Suppressed: true,
		},
	}
	r := &Report{
		Tool: Tool{Name: "xcheck", Version: "v0.3.0"},
		Toolchain: Toolchain{
			GoVersion: "go1.26.0", GOROOT: "/usr/local/go",
			GOHOSTOS: "linux", GOHOSTARCH: "amd64",
		},
		Root: "/home/dev/app",
		Targets: []TargetResult{
			{
				Name: "js/wasm", GOOS: "js", GOARCH: "wasm", IsPort: true,
				CgoReason: "cross-compiling: cgo is off unless CGO_ENABLED=1",
			},
			{
				Name: "linux/amd64", GOOS: "linux", GOARCH: "amd64",
				VariantVar: "GOAMD64", Variant: "v1", VariantFrom: "default",
				IsPort: true, Native: true,
				CgoEnabled: true, CgoReason: `native build and C compiler "gcc" found`, CC: "gcc",
				Packages: 78,
			},
			{
				Name: "linux/arm/v6", GOOS: "linux", GOARCH: "arm",
				VariantVar: "GOARM", Variant: "6", VariantFrom: "target",
				IsPort: true, CgoEnabled: true, CgoReason: "CGO_ENABLED=1 in the environment",
				CC: "arm-linux-gnueabi-gcc", Sysroot: "/opt/sysroots/armel",
			},
			{
				Name: "windows/386", GOOS: "windows", GOARCH: "386",
				VariantVar: "GO386", Variant: "sse2", VariantFrom: "default", IsPort: true,
				CgoReason: "cross-compiling: cgo is off unless CGO_ENABLED=1",
			},
		},
		Findings: finding.Merge(raw),
		Rules:    fixtureRules,
		FailOn:   finding.FailOnError,
	}
	r.Finalize()
	return r
}

// emptyReport is a clean run over two targets.
func emptyReport() *Report {
	r := &Report{
		Tool:      Tool{Name: "xcheck", Version: "v0.3.0"},
		Toolchain: Toolchain{GoVersion: "go1.26.0", GOROOT: "/usr/local/go", GOHOSTOS: "linux", GOHOSTARCH: "amd64"},
		Targets: []TargetResult{
			{Name: "darwin/arm64", GOOS: "darwin", GOARCH: "arm64", IsPort: true, CgoReason: "cross-compiling: cgo is off unless CGO_ENABLED=1"},
			{Name: "linux/amd64", GOOS: "linux", GOARCH: "amd64", VariantVar: "GOAMD64", Variant: "v1", VariantFrom: "default",
				IsPort: true, Native: true, CgoEnabled: true, CC: "gcc"},
		},
		Rules:  fixtureRules,
		FailOn: finding.FailOnError,
	}
	r.Finalize()
	return r
}

// uncheckedReport is a run over three targets in which the go command
// could not list the packages of linux/arm64 (the run exits 3): its
// verdict is "error" although it has a finding from before the failure,
// linux/amd64 is ok and windows/amd64 fails. The reason has two lines and
// characters that markdown and workflow commands escape.
func uncheckedReport() *Report {
	raw := []finding.Finding{
		{
			Rule: ruleTypeError, Severity: finding.Error, Targets: []string{"windows/amd64"},
			Pos:     finding.Position{File: "main.go", Line: 5, Column: 10},
			Message: "undefined: syscall.SIGUSR1",
			Fix:     ruleTypeError.Fix,
		},
		{
			Rule: ruleCgoStub, Severity: finding.Warning, Targets: []string{"linux/arm64", "windows/amd64"},
			Pos:     finding.Position{File: "db/open.go", Line: 9, Column: 2},
			Message: `"github.com/mattn/go-sqlite3" builds as a stub without cgo`,
			Fix:     ruleCgoStub.Fix,
		},
	}
	r := &Report{
		Tool:      Tool{Name: "xcheck", Version: "v0.3.0"},
		Toolchain: Toolchain{GoVersion: "go1.26.0", GOROOT: "/usr/local/go", GOHOSTOS: "linux", GOHOSTARCH: "amd64"},
		Root:      "/home/dev/app",
		Targets: []TargetResult{
			{Name: "linux/amd64", GOOS: "linux", GOARCH: "amd64", VariantVar: "GOAMD64", Variant: "v1", VariantFrom: "default",
				IsPort: true, Native: true, CgoEnabled: true, CC: "gcc"},
			{Name: "linux/arm64", GOOS: "linux", GOARCH: "arm64", VariantVar: "GOARM64", Variant: "v8.0", VariantFrom: "default",
				IsPort: true, CgoReason: "cross-compiling: cgo is off unless CGO_ENABLED=1",
				Error: "loading packages: go: simulated go list failure\n\tgo.mod: 50% | <broken>, see: go help"},
			{Name: "windows/amd64", GOOS: "windows", GOARCH: "amd64", VariantVar: "GOAMD64", Variant: "v1", VariantFrom: "default",
				IsPort: true, CgoReason: "cross-compiling: cgo is off unless CGO_ENABLED=1"},
		},
		Findings: finding.Merge(raw),
		Rules:    fixtureRules,
		FailOn:   finding.FailOnError,
	}
	r.Finalize()
	return r
}

// render renders r in the given format and returns the output.
func render(t *testing.T, rd Renderer, r *Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, rd.Render(&buf, r))
	return buf.Bytes()
}

// golden compares got with testdata/golden/name, or rewrites the file
// with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run `go test ./report -update` to create it")
	require.Equal(t, string(want), string(got), "output differs from %s; if the change is intended, run `go test ./report -update`", path)
}
