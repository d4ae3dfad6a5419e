package cli

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/internal/exitcode"
	"github.com/xcheck-dev/xcheck/loader/loadertest"
	"github.com/xcheck-dev/xcheck/report"
)

// cacheModule has a package of its own (dep), a local replacement (lib)
// and a file that does not compile for Windows, so that the report has a
// finding for one target.
const cacheModule = `
-- go.mod --
module example.com/m

go 1.22

require example.com/lib v0.0.0

replace example.com/lib => ./lib
-- main.go --
package main

import (
	"example.com/lib"
	"example.com/m/dep"
)

func main() { _ = dep.F(); lib.G() }
-- dep/dep.go --
package dep

import "errors"

func F() error { return errors.New("x") }
-- dep/dep_windows.go --
package dep

var broken int = "not an int"
-- lib/go.mod --
module example.com/lib

go 1.22
-- lib/lib.go --
package lib

func G() {}
`

// cacheEnv sets up a hermetic environment with an empty result cache and
// returns the module directory.
func cacheEnv(t *testing.T) string {
	t.Helper()
	t.Setenv("XCHECK_CACHE", filepath.Join(t.TempDir(), "cache"))
	t.Setenv("GOFLAGS", "-mod=mod")
	t.Setenv("GOWORK", "off")
	t.Setenv("GOPROXY", "off")
	t.Setenv("GOTOOLCHAIN", "local")
	t.Setenv("CGO_ENABLED", "")
	return loadertest.WriteModule(t, cacheModule)
}

// checkArgs are the arguments of the cache tests' check runs.
func checkArgs(dir string, extra ...string) []string {
	return append([]string{"check", "-v", "-C", dir, "--cgo", "off", "-t", "linux/amd64,windows/amd64", "--format", "json"}, extra...)
}

type cliRun struct {
	stdout, stderr string
	code           int
}

func check(t *testing.T, dir string, extra ...string) cliRun {
	t.Helper()
	stdout, stderr, code := runCLI(t, checkArgs(dir, extra...)...)
	require.Contains(t, []int{exitcode.OK, exitcode.Findings}, code, "stderr:\n%s", stderr)
	return cliRun{stdout, stderr, code}
}

// hit reports whether a run took its results from the cache: the loader
// did not run (no "loaded" line) and the cache said so.
func (r cliRun) hit() bool {
	return strings.Contains(r.stderr, "results of an identical earlier run") && !strings.Contains(r.stderr, "xcheck: loaded ")
}

func (r cliRun) loaded() bool { return strings.Contains(r.stderr, "xcheck: loaded 2 targets") }

func TestResultCacheHit(t *testing.T) {
	dir := cacheEnv(t)
	first := check(t, dir)
	require.False(t, first.hit())
	require.True(t, first.loaded())
	require.Equal(t, exitcode.Findings, first.code)
	require.Contains(t, first.stdout, "dep/dep_windows.go")

	second := check(t, dir)
	require.True(t, second.hit(), second.stderr)
	require.Equal(t, first.stdout, second.stdout)
	require.Equal(t, first.code, second.code)

	// What only changes the presentation or the verdict hits too.
	for _, extra := range [][]string{
		{"--format", "text", "--no-color"},
		{"-q", "--format", "sarif"},
		{"--show-suppressed"},
		{"--fail-on", "never"},
		{"--output", filepath.Join(t.TempDir(), "out.json")},
	} {
		r := check(t, dir, extra...)
		require.True(t, r.hit(), "%v:\n%s", extra, r.stderr)
		if slices.Contains(extra, "never") {
			require.Equal(t, exitcode.OK, r.code)
		}
	}
	// The same run from another directory, with a relative -C.
	t.Chdir(filepath.Dir(dir))
	r := check(t, filepath.Base(dir))
	require.False(t, r.hit(), "a different working directory and -C is another key")
	require.Equal(t, first.stdout, r.stdout)
}

// TestResultCacheMiss changes one input of the key at a time.
func TestResultCacheMiss(t *testing.T) {
	dir := cacheEnv(t)
	base := check(t, dir)
	write := func(t *testing.T, name, content string) {
		t.Helper()
		require.NoError(t, os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), []byte(content), 0o644))
	}
	for _, tc := range []struct {
		name   string
		change func(t *testing.T)
		extra  []string
		hit    bool
		want   string // in stdout after the change
	}{
		{name: "times only", hit: true, change: func(t *testing.T) {
			future := time.Now().Add(time.Hour)
			require.NoError(t, os.Chtimes(filepath.Join(dir, "dep", "dep.go"), future, future))
		}},
		{name: "a file of a dependency package", want: `"dep/dep.go"`, change: func(t *testing.T) {
			write(t, "dep/dep.go", "package dep\n\nimport \"errors\"\n\nfunc F() error { return errors.New(1) }\n")
		}},
		{name: "a file of a local replacement", want: "example.com/lib", change: func(t *testing.T) {
			write(t, "lib/lib.go", "package lib\n\nfunc G() { undefined() }\n")
		}},
		{name: "a new file", change: func(t *testing.T) { write(t, "dep/doc.go", "// Package dep.\npackage dep\n") }},
		{name: "the configuration file", change: func(t *testing.T) { write(t, ".xcheck.yaml", "fail-on: never\n") }},
		{name: "the targets", extra: []string{"-t", "linux/arm64"}},
		{name: "the build tags", extra: []string{"--tags", "extra"}},
		{name: "a policy flag", extra: []string{"--min-os", "windows=10"}},
		{name: "the package patterns", extra: []string{"./dep"}},
		{name: "GOFLAGS", change: func(t *testing.T) { t.Setenv("GOFLAGS", "-mod=mod -trimpath") }},
		{name: "CGO_ENABLED", change: func(t *testing.T) { t.Setenv("CGO_ENABLED", "0") }},
		{name: "GODEBUG", change: func(t *testing.T) { t.Setenv("GODEBUG", "http2client=0") }},
		{name: "the go command", change: func(t *testing.T) {
			// A wrapper around the same go: another go command as far
			// as the key is concerned.
			if runtime.GOOS == "windows" {
				t.Skip("a shell script")
			}
			gobin, err := exec.LookPath("go")
			require.NoError(t, err)
			wrapper := filepath.Join(t.TempDir(), "go")
			require.NoError(t, os.WriteFile(wrapper, []byte("#!/bin/sh\nexec "+gobin+" \"$@\"\n"), 0o755))
			t.Setenv("XCHECK_GO", wrapper)
		}},
		{name: "a go env -w setting", change: func(t *testing.T) {
			goenv := filepath.Join(t.TempDir(), "env")
			require.NoError(t, os.WriteFile(goenv, []byte("GOFLAGS=-mod=mod\n"), 0o644))
			t.Setenv("GOENV", goenv)
		}},
		{name: "a directory of PATH", change: func(t *testing.T) {
			bin := t.TempDir()
			t.Setenv("PATH", bin+string(filepath.ListSeparator)+os.Getenv("PATH"))
			check(t, dir) // store with the new directory on PATH
			// A C compiler appears in it.
			require.NoError(t, os.WriteFile(filepath.Join(bin, "x86_64-w64-mingw32-gcc"), []byte("#!/bin/sh\n"), 0o755))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.change != nil {
				tc.change(t)
			}
			r := check(t, dir, tc.extra...)
			require.Equal(t, tc.hit, r.hit(), r.stderr)
			if tc.want != "" {
				require.Contains(t, r.stdout, tc.want)
			}
			if !tc.hit {
				// Stored: the same run now hits, with the same report.
				again := check(t, dir, tc.extra...)
				require.True(t, again.hit(), again.stderr)
				require.Equal(t, r.stdout, again.stdout)
			}
		})
	}
	require.NotEmpty(t, base.stdout)
}

// TestResultCacheReuse checks that after a change to the module's own
// code, the loader restores the package lists and the dependencies of
// every target instead of running go list and type-checking them, and
// reports what a run without the cache reports.
func TestResultCacheReuse(t *testing.T) {
	dir := cacheEnv(t)
	check(t, dir)
	main := filepath.Join(dir, "main.go")
	require.NoError(t, os.WriteFile(main, []byte("package main\n\nimport (\n\t\"example.com/lib\"\n\t\"example.com/m/dep\"\n)\n\nfunc main() { _ = dep.F(); lib.G(); var s string = 1; _ = s }\n"), 0o644))
	r := check(t, dir)
	require.False(t, r.hit())
	require.Contains(t, r.stderr, "reused the checked dependencies of 2 of 2 targets")
	require.Contains(t, r.stderr, "reused the package lists of 2 of 2 targets")
	fresh := check(t, dir, "--no-cache")
	require.Contains(t, fresh.stderr, "cache: not used (--no-cache)")
	require.True(t, fresh.loaded())
	require.Equal(t, fresh.stdout, r.stdout)
	require.Contains(t, r.stdout, `"main.go"`)

	// A file-argument run (pre-commit) checks part of the graph: the
	// snapshots of the full run serve it too.
	t.Chdir(dir)
	r = check(t, dir, "dep/dep.go")
	require.Contains(t, r.stderr, "reused the checked dependencies of 2 of 2 targets", r.stderr)
	fresh = check(t, dir, "--no-cache", "dep/dep.go")
	require.Equal(t, fresh.stdout, r.stdout)
}

// TestResultCacheCorrupt damages every entry of the cache in turn: the
// run drops it, says so with -v, computes the same report, and stores
// the entry again.
func TestResultCacheCorrupt(t *testing.T) {
	dir := cacheEnv(t)
	want := check(t, dir)
	results := filepath.Join(os.Getenv("XCHECK_CACHE"), "results")
	var entries []string
	require.NoError(t, filepath.WalkDir(results, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && d.Name() != "trim.txt" {
			entries = append(entries, path)
		}
		return err
	}))
	require.GreaterOrEqual(t, len(entries), 3, "a run entry and an entry per target")
	damages := map[string]func([]byte) []byte{
		"truncated": func(b []byte) []byte { return b[:len(b)/2] },
		"garbled":   func(b []byte) []byte { b[len(b)/2] ^= 0x55; return b },
		"empty":     func([]byte) []byte { return nil },
	}
	for _, entry := range entries {
		for name, damage := range damages {
			data, err := os.ReadFile(entry)
			require.NoError(t, err, "the entry was not stored again")
			require.NoError(t, os.WriteFile(entry, damage(data), 0o644))
			// The run entry is read first; to reach a target entry, the
			// run must miss: damage it too.
			if !strings.Contains(entry, string(filepath.Separator)+"run"+string(filepath.Separator)) {
				require.NoError(t, os.WriteFile(runEntryFile(t, entries), nil, 0o644))
			}
			r := check(t, dir)
			require.False(t, r.hit(), "%s %s", name, entry)
			require.Contains(t, r.stderr, "corrupt cache entry", "%s %s", name, entry)
			require.Equal(t, want.stdout, r.stdout, "%s %s", name, entry)
			require.True(t, check(t, dir).hit(), "%s %s: not stored again", name, entry)
		}
	}
}

func runEntryFile(t *testing.T, entries []string) string {
	for _, e := range entries {
		if strings.Contains(e, string(filepath.Separator)+"run"+string(filepath.Separator)) {
			return e
		}
	}
	t.Fatal("no run entry")
	return ""
}

// TestResultCacheUnusable checks that a cache directory that cannot be
// created, is read-only or is full never breaks a run: the run reports
// what it would without a cache, and says why with -v.
func TestResultCacheUnusable(t *testing.T) {
	dir := cacheEnv(t)
	want := check(t, dir, "--no-cache")

	t.Run("cannot be created", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "file")
		require.NoError(t, os.WriteFile(file, nil, 0o644))
		t.Setenv("XCHECK_CACHE", filepath.Join(file, "cache"))
		r := check(t, dir)
		require.Contains(t, r.stderr, "cache: not used: not a directory")
		require.Equal(t, want.stdout, r.stdout)
	})
	t.Run("read-only", func(t *testing.T) {
		// Filled while writable, then read-only: runs read it.
		warm := filepath.Join(t.TempDir(), "cache")
		t.Setenv("XCHECK_CACHE", warm)
		check(t, dir)
		if !makeReadOnly(t, warm) {
			t.Skip("cannot make a directory read-only here")
		}
		r := check(t, dir)
		require.True(t, r.hit(), r.stderr)
		require.Equal(t, want.stdout, r.stdout)
		// A run that misses cannot store.
		r = check(t, dir, "--tags", "other")
		require.Contains(t, r.stderr, "results not stored")
		require.Equal(t, strings.Count(want.stdout, `"rule"`), strings.Count(r.stdout, `"rule"`))

		// Read-only and empty.
		empty := filepath.Join(t.TempDir(), "cache")
		require.NoError(t, os.MkdirAll(filepath.Join(empty, "results"), 0o755))
		require.True(t, makeReadOnly(t, empty))
		t.Setenv("XCHECK_CACHE", empty)
		r = check(t, dir)
		require.Contains(t, r.stderr, "results not stored")
		require.Equal(t, want.stdout, r.stdout)
	})
	t.Run("full", func(t *testing.T) {
		full := filepath.Join(t.TempDir(), "cache")
		if !makeFull(t, full) {
			t.Skip("cannot make a full file system here")
		}
		t.Setenv("XCHECK_CACHE", full)
		r := check(t, dir)
		require.Contains(t, r.stderr, "no space left on device")
		require.Equal(t, want.stdout, r.stdout)
	})
}

// TestResultCacheConcurrent runs many identical checks at once against
// one empty cache: all of them write the same entries; every run must
// succeed with the same report, and the cache must then hit.
func TestResultCacheConcurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("runs ten checks at once")
	}
	dir := cacheEnv(t)
	const n = 10
	runs := make([]cliRun, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stdout, stderr, code := runCLI(t, checkArgs(dir)...)
			runs[i] = cliRun{stdout, stderr, code}
		}()
	}
	wg.Wait()
	for i, r := range runs {
		require.Equal(t, exitcode.Findings, r.code, "run %d:\n%s", i, r.stderr)
		require.Equal(t, runs[0].stdout, r.stdout, "run %d", i)
		require.NotContains(t, r.stderr, "corrupt", "run %d", i)
	}
	r := check(t, dir)
	require.True(t, r.hit(), r.stderr)
	require.Equal(t, runs[0].stdout, r.stdout)
}

// TestCachedReportCoversReport fails when report.Report, TargetResult or
// finding.Finding gain a field: the run cache (cachedReport) must then
// learn to store it, or the field would be lost on every cache hit.
func TestCachedReportCoversReport(t *testing.T) {
	fields := func(v any) []string {
		var out []string
		rt := reflect.TypeOf(v)
		for i := range rt.NumField() {
			out = append(out, rt.Field(i).Name)
		}
		return out
	}
	require.Equal(t, []string{"Tool", "Toolchain", "Root", "Targets", "Findings", "Rules", "FailOn"}, fields(report.Report{}),
		"report.Report changed: update cachedReport in runcache.go")
	require.Equal(t, []string{"Rule", "Severity", "Targets", "Pos", "Message", "Why", "Fix", "Suppressed"}, fields(finding.Finding{}),
		"finding.Finding changed: update cachedFinding in runcache.go")
	require.Equal(t, []string{"Name", "GOOS", "GOARCH", "VariantVar", "Variant", "VariantFrom", "IsPort", "Native",
		"CgoEnabled", "CgoReason", "CC", "Sysroot", "Error", "Verdict", "Counts", "Packages"}, fields(report.TargetResult{}),
		"report.TargetResult changed: check that it still encodes as JSON in runcache.go")
}

// chmodReadOnly removes the write permission of every directory under
// dir, and restores it at the end of the test.
func chmodReadOnly(t *testing.T, dir string) bool {
	t.Helper()
	var dirs []string
	require.NoError(t, filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			dirs = append(dirs, path)
		}
		return err
	}))
	for _, d := range dirs {
		require.NoError(t, os.Chmod(d, 0o555))
	}
	t.Cleanup(func() {
		for _, d := range dirs {
			_ = os.Chmod(d, 0o755)
		}
	})
	return true
}
