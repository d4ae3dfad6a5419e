package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// BenchmarkCheckDemo runs `xcheck check` in-process on the demo module for
// the first-class targets (8), with a warm port-table cache and without
// the result cache: what a pre-commit hook pays for a full check.
func BenchmarkCheckDemo(b *testing.B) {
	b.Setenv("XCHECK_CACHE", b.TempDir())
	demo := filepath.Join("..", "..", "testdata", "demo")
	args := []string{"-C", demo, "-t", "first-class", "--format", "json", "--fail-on", "never", "--no-cache", "./..."}
	if code := Run(context.Background(), args, io.Discard, io.Discard); code != 0 {
		b.Fatalf("exit %d", code)
	}
	b.ResetTimer()
	for b.Loop() {
		Run(context.Background(), args, io.Discard, io.Discard)
	}
}

// Goals of the result cache (issue 6, docs/cache.md) on testdata/bench for
// the first-class targets (8).
const (
	goalWarm      = 300 * time.Millisecond // a re-run on the unchanged module
	goalTouchLeaf = 0.2                    // a re-run after a change to one leaf package, over the cold run
)

// BenchmarkResultCache measures `xcheck check` in-process on a copy of
// testdata/bench (a module with over 500 packages in its graph) for the
// first-class targets: a cold run with an empty result cache, a warm
// re-run on the unchanged module (the median of 5), and a re-run after
// a change to the code of one leaf package of the module,
// internal/config, which imports no other package of the module (the
// median of 3, each after another change). It measures once, whatever
// b.N: run it with -benchtime=1x (`make bench` does). The go command's
// own build cache is the user's, as in daily use.
//
// Metrics: cold-s, warm-s, touch-leaf-s (wall seconds) and touch/cold.
func BenchmarkResultCache(b *testing.B) {
	src := filepath.Join("..", "..", "testdata", "bench")
	download := exec.Command("go", "mod", "download")
	download.Dir = src
	download.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := download.CombinedOutput(); err != nil {
		b.Skipf("the bench module's dependencies cannot be downloaded: %v\n%s", err, out)
	}
	dir := copyTree(b, src)
	b.Setenv("GOFLAGS", "-mod=mod")
	b.Setenv("GOWORK", "off")
	b.Setenv("XCHECK_CACHE", filepath.Join(b.TempDir(), "cache"))
	args := []string{"-v", "-C", dir, "-t", "first-class", "--format", "json", "--fail-on", "never", "./..."}
	run := func(want string) (time.Duration, []byte) {
		b.Helper()
		var stdout, stderr bytes.Buffer
		t0 := time.Now()
		code := Run(context.Background(), args, &stdout, &stderr)
		d := time.Since(t0)
		if code != 0 {
			b.Fatalf("exit %d:\n%s", code, stderr.String())
		}
		if !strings.Contains(stderr.String(), want) {
			b.Fatalf("stderr does not say %q:\n%s", want, stderr.String())
		}
		return d, stdout.Bytes()
	}

	b.ResetTimer()
	cold, report := run("no results of an identical run")
	var warm, touch []time.Duration
	for range 5 {
		d, r := run("results of an identical earlier run")
		if !bytes.Equal(r, report) {
			b.Fatal("the cached report differs")
		}
		warm = append(warm, d)
	}
	leaf := filepath.Join(dir, "internal", "config", "config.go")
	for i := range 3 {
		f, err := os.OpenFile(leaf, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(f, "\n// Touched%d is a change to the leaf package.\nfunc Touched%d() int { return %d }\n", i, i, i)
		f.Close()
		d, _ := run("reused the checked dependencies of 8 of 8 targets")
		touch = append(touch, d)
	}
	b.StopTimer()

	w, tl := median(warm), median(touch)
	ratio := tl.Seconds() / cold.Seconds()
	b.ReportMetric(cold.Seconds(), "cold-s")
	b.ReportMetric(w.Seconds(), "warm-s")
	b.ReportMetric(tl.Seconds(), "touch-leaf-s")
	b.ReportMetric(ratio, "touch/cold")
	b.Logf("cold %.2fs; warm %.3fs (runs %v; goal < %s: %s); touch one leaf %.2fs (runs %v) = %.3f of cold (goal < %.2f: %s)",
		cold.Seconds(), w.Seconds(), warm, goalWarm, met(w < goalWarm), tl.Seconds(), touch, ratio, goalTouchLeaf, met(ratio < goalTouchLeaf))
}

func met(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// copyTree copies the directory tree at src into a new temporary
// directory.
func copyTree(tb testing.TB, src string) string {
	tb.Helper()
	dst := tb.TempDir()
	err := filepath.Walk(src, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		tb.Fatal(err)
	}
	return dst
}
