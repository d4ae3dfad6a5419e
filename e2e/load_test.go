package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// loadTargets are the 20 targets of TestLoad2000Packages20Targets: the 8
// first-class ports of Go 1.26 (`go tool dist list -json`, and xcheck's
// set first-class: windows/386, not windows/arm64), then 12 secondary
// ports of every other family xcheck knows about: big-endian (s390x,
// mips), the BSDs, the two wasm ports and android. All build with
// CGO_ENABLED=0 and no C compiler.
var loadTargets = []string{
	"darwin/amd64", "darwin/arm64", "linux/386", "linux/amd64",
	"linux/arm", "linux/arm64", "windows/386", "windows/amd64",
	"android/arm64", "freebsd/amd64", "js/wasm", "linux/mips",
	"linux/mipsle", "linux/mips64le", "linux/ppc64le", "linux/riscv64",
	"linux/s390x", "netbsd/arm64", "openbsd/amd64", "wasip1/wasm",
}

// loadTargets5 are the targets of the second run, which shows how peak
// memory grows with the number of targets.
var loadTargets5 = []string{"linux/386", "linux/amd64", "linux/arm64", "windows/amd64", "darwin/arm64"}

// loadPeakBoundMiB bounds xcheck's peak RSS on the 2,000-package module
// for 20 targets. It is a regression guard set from measurements, not a
// goal. "Bounded memory" means that the peak depends on how many targets
// hold a type-checked graph at once (loader.DefaultCheckConcurrency: one
// per four CPUs), not on how many targets are asked for: each target's
// graph is freed when its rules are done, and only the parsed syntax is
// shared by all. Measured on a 2-core VM (one graph at a time): 432 MiB
// for 1 target, 873 MiB for 5, 988 MiB for 20; and for 20 targets with 2
// and 4 graphs at once (XCHECK_EXP_CHECKS=2 and 4, as 8 and 16 CPUs
// would have), 1,233 and 1,263 MiB. So one more graph at once costs
// about 250 MiB, while 15 more targets one after the other cost 115 MiB
// (under 8 MiB each): the graphs are not kept. The bound is about twice
// the 20-target peak, above the 4-graph figure with room for the garbage
// collector's timing; were the graphs kept to the end, 20 targets would
// need several GiB.
const loadPeakBoundMiB = 2048

// loadReport is the part of the JSON report (docs/json.md) the load test
// reads.
type loadReport struct {
	Targets []struct {
		Target string `json:"target"`
		GOARCH string `json:"goarch"`
		// Verdict is ok, warn, fail or error.
		Verdict    string `json:"verdict"`
		Error      string `json:"error"`
		CgoEnabled bool   `json:"cgo_enabled"`
		Packages   int    `json:"packages"`
		Counts     struct {
			Errors     int `json:"errors"`
			Warnings   int `json:"warnings"`
			Info       int `json:"info"`
			Suppressed int `json:"suppressed"`
		} `json:"counts"`
	} `json:"targets"`
	Findings []reportFinding `json:"findings"`
	Summary  struct {
		Errors    int    `json:"errors"`
		Warnings  int    `json:"warnings"`
		Targets   int    `json:"targets"`
		Unchecked int    `json:"unchecked"`
		Failed    bool   `json:"failed"`
		FailOn    string `json:"fail_on"`
	} `json:"summary"`
}

// is32Bit reports whether XC2005 applies to goarch: int64 fields are
// 4-byte aligned there.
func is32Bit(goarch string) bool {
	switch goarch {
	case "386", "arm", "mips", "mipsle":
		return true
	}
	return false
}

// procLoadAvg returns the 1, 5 and 15 minute load averages, or "unknown".
func procLoadAvg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(data)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

// TestLoad2000Packages20Targets is hardening issue 7 ("Load"): xcheck on a
// generated module of 2,000 packages (40 layers of 50, each importing 2
// to 4 packages of earlier layers and a dozen standard packages, net/http
// in some) plus a root main package, for 20 targets, with an empty
// XCHECK_CACHE and CGO_ENABLED=0. The module builds for every target
// (checked by hand: `go build ./...` of the 2,000 packages for a few
// targets, and `go build` and `go vet` of a 100-package module of the
// same generator, which has every kind of file, for all 20), so xcheck
// must find no error; it
// has one planted XC2005 warning, which xcheck must report once, for
// exactly the 32-bit targets: findings must not be lost under load. Peak
// memory must stay under loadPeakBoundMiB. The same module is then checked
// for 5 targets, and both peaks are logged: memory must not grow with the
// number of targets. Finally `go list -deps` says what each target's
// import graph holds, to log packages per target and to check that every
// package of the module is in it.
//
// Wall times are logged, never asserted: the machines that run this are
// shared. The load average is logged with them.
func TestLoad2000Packages20Targets(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a module of 2,000 packages and checks it for 20 targets")
	}
	start := time.Now()
	bin := xcheckBinary(t)
	require.Len(t, loadTargets, 20)

	gen, err := generateModule(t.TempDir(), genConfig{Layers: 40, PerLayer: 50, Seed: 1})
	require.NoError(t, err)
	require.Len(t, gen.Packages, 2001)
	t.Logf("generated %d packages: %d files, %d lines, %.1f MiB, in %s; %d CPUs, load average %s",
		len(gen.Packages), gen.Files, gen.Lines, float64(gen.Bytes)/(1<<20), time.Since(start).Round(time.Millisecond),
		runtime.NumCPU(), procLoadAvg())

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute) // a hang guard, not a limit
	defer cancel()
	r20, pkgs20 := runLoad(ctx, t, bin, gen, loadTargets)
	r5, _ := runLoad(ctx, t, bin, gen, loadTargets5)

	if r20.MaxRSSKB == 0 {
		t.Logf("peak memory is not available on %s: not checked", runtime.GOOS)
	} else {
		mib5, mib20 := float64(r5.MaxRSSKB)/1024, float64(r20.MaxRSSKB)/1024
		t.Logf("peak RSS: %.0f MiB for 5 targets, %.0f MiB for 20 targets (%.2fx for 4x the targets)", mib5, mib20, mib20/mib5)
		assert.Less(t, mib20, float64(loadPeakBoundMiB), "peak RSS for 20 targets, MiB")
	}

	// What each target's import graph holds: go list, as xcheck runs it,
	// four targets at a time.
	listStart := time.Now()
	lists := make([]goListed, len(loadTargets))
	listEnv := baseEnv(t, gen.Dir, "CGO_ENABLED=0")
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i, target := range loadTargets {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			lists[i] = listLoadPackages(ctx, listEnv, gen.Dir, target)
		})
	}
	wg.Wait()
	var counts []string
	for i, target := range loadTargets {
		l := lists[i]
		if !assert.NoError(t, l.err, "go list for %s", target) {
			continue
		}
		assert.Equal(t, gen.Packages, l.module, "the module's packages in the graph of %s", target)
		assert.Equal(t, len(l.module)+l.std, pkgs20[target], "packages xcheck checked for %s vs go list -deps", target)
		counts = append(counts, fmt.Sprintf("%s %d", target, len(l.module)+l.std))
	}
	t.Logf("packages per target (go list -deps ./..., %d of them the module's; %s): %s",
		len(gen.Packages), time.Since(listStart).Round(time.Millisecond), strings.Join(counts, ", "))
	t.Logf("total %s, load average %s", time.Since(start).Round(time.Second), procLoadAvg())
}

// runLoad runs xcheck on the generated module for targets, with an empty
// XCHECK_CACHE and CGO_ENABLED=0, checks its report and logs its wall
// time and peak memory.
func runLoad(ctx context.Context, t *testing.T, bin string, gen *genModule, targets []string) (result, map[string]int) {
	t.Helper()
	env := baseEnv(t, gen.Dir, "XCHECK_CACHE="+t.TempDir(), "CGO_ENABLED=0")
	load0 := procLoadAvg()
	r := run(ctx, gen.Dir, env, bin, "check", "-v", "-t", strings.Join(targets, ","),
		"--format", "json", "--fail-on", "error", "./...")
	require.NoError(t, r.Err, "%s", r)
	// Exit 0: the planted finding is a warning, below --fail-on error.
	require.Equal(t, 0, r.Code, "xcheck's exit code:\n%s", r)
	var stats string
	for line := range strings.Lines(string(r.Stderr)) {
		if strings.HasPrefix(line, "xcheck: loaded ") {
			stats = strings.TrimSpace(strings.TrimPrefix(line, "xcheck: "))
		}
	}
	t.Logf("xcheck, %d targets: %.1fs, peak RSS %.0f MiB, load average %s before, %s after; %s",
		len(targets), r.Wall.Seconds(), float64(r.MaxRSSKB)/1024, load0, procLoadAvg(), stats)

	var rep loadReport
	require.NoError(t, json.Unmarshal(r.Stdout, &rep), "xcheck's JSON report:\n%s", r)
	var want32 []string
	for _, target := range targets {
		if _, goarch, _ := strings.Cut(target, "/"); is32Bit(goarch) {
			want32 = append(want32, target)
		}
	}
	slices.Sort(want32)

	// Every target, checked, with no error and the planted warning on
	// the 32-bit ones only.
	var got []string
	for _, tr := range rep.Targets {
		got = append(got, tr.Target)
		assert.Empty(t, tr.Error, "%s was not checked", tr.Target)
		assert.False(t, tr.CgoEnabled, "cgo for %s", tr.Target)
		assert.Zero(t, tr.Counts.Errors, "errors for %s: %v", tr.Target, rep.findingsFor(tr.Target))
		assert.Zero(t, tr.Counts.Suppressed, "suppressed findings for %s", tr.Target)
		if is32Bit(tr.GOARCH) {
			assert.Equal(t, 1, tr.Counts.Warnings, "warnings for %s: %v", tr.Target, rep.findingsFor(tr.Target))
			assert.Equal(t, "warn", tr.Verdict, "verdict for %s", tr.Target)
		} else {
			assert.Zero(t, tr.Counts.Warnings, "warnings for %s: %v", tr.Target, rep.findingsFor(tr.Target))
			assert.Equal(t, "ok", tr.Verdict, "verdict for %s", tr.Target)
		}
	}
	assert.ElementsMatch(t, targets, got, "targets in xcheck's report")
	assert.Equal(t, len(targets), rep.Summary.Targets)
	assert.Zero(t, rep.Summary.Unchecked, "targets not checked")
	assert.Zero(t, rep.Summary.Errors, "errors")
	assert.False(t, rep.Summary.Failed)
	assert.Equal(t, "error", rep.Summary.FailOn)

	// The planted hazard: one finding, merged across the 32-bit targets.
	var warnings []reportFinding
	for _, f := range rep.Findings {
		if f.Severity != "info" {
			warnings = append(warnings, f)
		}
	}
	if assert.Len(t, warnings, 1, "findings at warning or above: %v", warnings) {
		f := warnings[0]
		assert.Equal(t, "XC2005", f.Rule, "%s", f)
		assert.Equal(t, "warning", f.Severity, "%s", f)
		assert.Equal(t, gen.Hazard.File, f.File, "%s", f)
		assert.Equal(t, gen.Hazard.Line, f.Line, "%s", f)
		assert.Equal(t, gen.Hazard.Column, f.Column, "%s", f)
		assert.Equal(t, want32, f.Targets, "%s", f)
		assert.False(t, f.Suppressed, "%s", f)
	}
	pkgs := map[string]int{}
	for _, tr := range rep.Targets {
		pkgs[tr.Target] = tr.Packages
	}
	return r, pkgs
}

// findingsFor returns the unsuppressed findings at warning
// or above that name target.
func (r *loadReport) findingsFor(target string) []reportFinding {
	rep := report{Findings: r.Findings}
	return rep.findingsFor(target)
}

// goListed is what `go list -deps` said for one target.
type goListed struct {
	module []string // the module's packages, sorted
	std    int      // the number of standard packages
	err    error
}

// listLoadPackages runs `go list -deps ./...` in the generated module for
// target, with env plus the target's GOOS and GOARCH. A package the go
// command cannot load is an error.
func listLoadPackages(ctx context.Context, env []string, dir, target string) goListed {
	goos, goarch, _ := strings.Cut(target, "/")
	r := run(ctx, dir, setEnv(env, "GOOS="+goos, "GOARCH="+goarch), "go", "list", "-e", "-deps",
		"-f", "{{if .Error}}error {{.ImportPath}}: {{.Error}}{{else if .Standard}}std{{else}}module {{.ImportPath}}{{end}}", "./...")
	if r.Err != nil || r.Code != 0 {
		return goListed{err: fmt.Errorf("%s", r)}
	}
	var l goListed
	for line := range strings.Lines(string(r.Stdout)) {
		kind, path, _ := strings.Cut(strings.TrimSpace(line), " ")
		switch kind {
		case "std":
			l.std++
		case "module":
			l.module = append(l.module, path)
		default:
			return goListed{err: fmt.Errorf("go list: %s", line)}
		}
	}
	slices.Sort(l.module)
	return l
}
