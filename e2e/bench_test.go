package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The benchmarks below measure xcheck on testdata/bench (a module whose
// graph has over 500 packages, over 300 of them from popular public
// modules) for the toolchain's first-class ports, against what users run
// today. Each measures once, whatever b.N: run them with -benchtime=1x
// (`make bench` does). They report their numbers with b.ReportMetric:
//
//	xcheck-s, go-vet-s, go-build-s  wall time in seconds
//	xcheck/go-vet, xcheck/go-build  ratio of wall times (goal: <= 0.2 for go vet)
//	8/1-targets                     ratio of xcheck's wall times (goal: <= 3)
//	peak-MiB                        xcheck's peak resident memory (goal: <= 1536)
//
// docs/performance.md has the method and the numbers measured.

const (
	goalVsVet      = 0.2  // xcheck <= 1/5 of go vet
	goal8vs1       = 3.0  // 8 targets <= 3x 1 target
	goalPeakMiB    = 1536 // 1.5 GiB
	benchModuleDir = "testdata/bench"
)

// benchSetup builds xcheck, downloads the bench module's dependencies
// (downloads are not measured) and returns the binary, the module
// directory and the first-class targets.
func benchSetup(b *testing.B) (bin, dir string, targets []string) {
	b.Helper()
	bin = xcheckBinary(b)
	dir = repoDir(b, benchModuleDir)
	downloadModules(b, dir)
	if data, err := os.ReadFile("/proc/loadavg"); err == nil {
		// Other work on the machine skews wall times: say how busy it was.
		b.Logf("%d CPUs, load average %s", runtime.NumCPU(), strings.Join(strings.Fields(string(data))[:3], " "))
	}
	return bin, dir, firstClass(b)
}

// emptyDir returns a new empty directory, removed at the end of the
// benchmark (caches of cold builds are large: remove them sooner with
// os.RemoveAll).
func emptyDir(b *testing.B, pattern string) string {
	b.Helper()
	d, err := os.MkdirTemp("", pattern)
	require.NoError(b, err)
	b.Cleanup(func() { _ = os.RemoveAll(d) })
	return d
}

// runXcheck runs xcheck for targets in dir, with an empty XCHECK_CACHE and,
// when coldGo, an empty GOCACHE too; it fails the benchmark unless xcheck
// reports every target.
func runXcheck(b *testing.B, bin, dir string, targets []string, coldGo bool) result {
	b.Helper()
	extra := []string{"XCHECK_CACHE=" + emptyDir(b, "xcheck-cache-")}
	if coldGo {
		extra = append(extra, "GOCACHE="+emptyDir(b, "gocache-"))
	}
	r := run(context.Background(), dir, baseEnv(b, dir, extra...), bin,
		"-t", strings.Join(targets, ","), "--format", "json", "--fail-on", "never", "./...")
	require.NoError(b, r.Err, "%s", r)
	require.Equal(b, 0, r.Code, "xcheck failed:\n%s", r)
	var rep report
	require.NoError(b, json.Unmarshal(r.Stdout, &rep), "xcheck's JSON report:\n%s", r)
	var got []string
	for _, t := range rep.Targets {
		got = append(got, t.Target)
	}
	require.ElementsMatch(b, targets, got, "targets in xcheck's report")
	for _, t := range rep.Targets {
		if t.Verdict == "fail" {
			b.Logf("note: xcheck predicts the build fails for %s: %v", t.Target, rep.findingsFor(t.Target))
		}
	}
	return r
}

// runGoPerTarget runs `go <verb> ./...` in dir once per target, each with
// a new empty GOCACHE (a fresh CI job per target), one after the other, and
// returns the sum of the wall times.
func runGoPerTarget(b *testing.B, dir, verb string, targets []string) time.Duration {
	b.Helper()
	var (
		total time.Duration
		each  []string
	)
	for _, target := range targets {
		goos, goarch, _ := strings.Cut(target, "/")
		cache := emptyDir(b, "gocache-")
		r := run(context.Background(), dir, baseEnv(b, dir, "GOOS="+goos, "GOARCH="+goarch, "GOCACHE="+cache), "go", verb, "./...")
		_ = os.RemoveAll(cache)
		require.NoError(b, r.Err, "%s", r)
		require.Equal(b, 0, r.Code, "go %s for %s failed:\n%s", verb, target, r)
		each = append(each, fmt.Sprintf("%s %.1fs", target, r.Wall.Seconds()))
		total += r.Wall
	}
	// One log line: without -v, the testing package keeps only the first
	// ten lines of a benchmark's log.
	b.Logf("go %s ./... per target, each with an empty GOCACHE: %s", verb, strings.Join(each, ", "))
	return total
}

func metGoal(ok bool) string {
	if ok {
		return "goal met"
	}
	return "goal NOT met"
}

// BenchmarkColdVsGoVet compares xcheck for the first-class targets, with
// empty caches (XCHECK_CACHE and GOCACHE), with `go vet ./...` run for
// each target with an empty GOCACHE. Goal: xcheck <= 1/5 of go vet.
func BenchmarkColdVsGoVet(b *testing.B) { benchVsGo(b, "vet", goalVsVet) }

// BenchmarkColdVsGoBuild is BenchmarkColdVsGoVet with `go build ./...`
// (no goal of its own: `go vet` compiles the dependencies too, and more).
func BenchmarkColdVsGoBuild(b *testing.B) { benchVsGo(b, "build", 0) }

func benchVsGo(b *testing.B, verb string, goal float64) {
	bin, dir, targets := benchSetup(b)
	b.ResetTimer()
	x := runXcheck(b, bin, dir, targets, true)
	b.Logf("xcheck %d targets %7.1fs (empty XCHECK_CACHE and GOCACHE), peak RSS %d MiB", len(targets), x.Wall.Seconds(), x.MaxRSSKB/1024)
	g := runGoPerTarget(b, dir, verb, targets)
	b.StopTimer()
	ratio := x.Wall.Seconds() / g.Seconds()
	b.ReportMetric(float64(x.Wall.Nanoseconds()), "ns/op")
	b.ReportMetric(x.Wall.Seconds(), "xcheck-s")
	b.ReportMetric(g.Seconds(), "go-"+verb+"-s")
	b.ReportMetric(ratio, "xcheck/go-"+verb)
	b.ReportMetric(float64(x.MaxRSSKB)/1024, "peak-MiB")
	line := fmt.Sprintf("xcheck %.1fs vs go %s %.1fs for %d targets: xcheck/go-%s = %.3f (go %s takes %.1fx as long)",
		x.Wall.Seconds(), verb, g.Seconds(), len(targets), verb, ratio, verb, 1/ratio)
	if goal > 0 {
		line += fmt.Sprintf("; goal <= %.2f: %s", goal, metGoal(ratio <= goal))
	}
	b.Log(line)
}

// Benchmark8vs1Targets compares xcheck for the first-class targets with
// xcheck for linux/amd64 alone: three runs each, alternating, each with an
// empty XCHECK_CACHE and the user's GOCACHE (as in a pre-commit hook after
// a change); the medians are compared. Goal: <= 3x.
func Benchmark8vs1Targets(b *testing.B) {
	bin, dir, targets := benchSetup(b)
	one := []string{"linux/amd64"}
	if !slices.Contains(targets, one[0]) {
		one = targets[:1]
	}
	// Warm the go command's own caches (go list) for both runs alike.
	runXcheck(b, bin, dir, targets, false)
	b.ResetTimer()
	var w1, w8 []time.Duration
	var peak int64
	for range 3 {
		r1 := runXcheck(b, bin, dir, one, false)
		r8 := runXcheck(b, bin, dir, targets, false)
		w1, w8 = append(w1, r1.Wall), append(w8, r8.Wall)
		peak = max(peak, r8.MaxRSSKB)
	}
	b.StopTimer()
	m1, m8 := median(w1), median(w8)
	ratio := m8.Seconds() / m1.Seconds()
	b.ReportMetric(float64(m8.Nanoseconds()), "ns/op")
	b.ReportMetric(m1.Seconds(), "1-target-s")
	b.ReportMetric(m8.Seconds(), fmt.Sprintf("%d-targets-s", len(targets)))
	b.ReportMetric(ratio, fmt.Sprintf("%d/1-targets", len(targets)))
	b.ReportMetric(float64(peak)/1024, "peak-MiB")
	b.Logf("xcheck %d targets %.1fs (runs %v) vs 1 target (%s) %.1fs (runs %v): %.2fx; goal <= %.0fx: %s",
		len(targets), m8.Seconds(), secs(w8), one[0], m1.Seconds(), secs(w1), ratio, goal8vs1, metGoal(ratio <= goal8vs1))
}

// BenchmarkPeakMemory8 reads xcheck's peak resident memory for the
// first-class targets, with empty caches, from the child process's
// resource usage (ru_maxrss). Goal: <= 1.5 GiB.
func BenchmarkPeakMemory8(b *testing.B) {
	bin, dir, targets := benchSetup(b)
	b.ResetTimer()
	r := runXcheck(b, bin, dir, targets, true)
	b.StopTimer()
	if r.MaxRSSKB == 0 {
		b.Skip("peak memory is not available on " + runtime.GOOS)
	}
	mib := float64(r.MaxRSSKB) / 1024
	b.ReportMetric(float64(r.Wall.Nanoseconds()), "ns/op")
	b.ReportMetric(mib, "peak-MiB")
	b.Logf("xcheck %d targets: peak RSS %.0f MiB in %.1fs; goal <= %d MiB: %s",
		len(targets), mib, r.Wall.Seconds(), goalPeakMiB, metGoal(mib <= goalPeakMiB))
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func secs(ds []time.Duration) string {
	var parts []string
	for _, d := range ds {
		parts = append(parts, fmt.Sprintf("%.1fs", d.Seconds()))
	}
	return strings.Join(parts, " ")
}
