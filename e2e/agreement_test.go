package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	xreport "github.com/xcheck-dev/xcheck/report"
)

// realWorld are the modules of testdata/realworld: each is a small main
// package using one public library, pinned in its go.mod and go.sum.
var realWorld = []struct{ name, about string }{
	{"sqlite", "github.com/mattn/go-sqlite3: cgo database driver whose !cgo build is a stub"},
	{"term", "golang.org/x/term: golang.org/x/sys/unix and x/sys/windows user, stub elsewhere"},
	{"xxhash", "github.com/cespare/xxhash/v2: pure Go with amd64/arm64 assembly and a Go fallback"},
	{"ethtool", "github.com/safchain/ethtool: Linux-only library (x/sys/unix without build constraints)"},
	{"netns", "github.com/vishvananda/netns: Linux library with !linux stubs; the main package uses net"},
}

// secondaryTargets are checked besides the toolchain's first-class ports.
var secondaryTargets = []string{
	"linux/riscv64", "linux/s390x", "linux/mips", "freebsd/amd64",
	"js/wasm", "wasip1/wasm", "android/arm64", "ios/arm64",
}

// crossCC names the Debian cross compiler of a target. When it is on PATH,
// the target is also checked with CGO_ENABLED=1 and CC set to it (the way
// users cross-compile cgo code), besides the user's own CC.
var crossCC = map[string]string{
	"linux/386":     "i686-linux-gnu-gcc",
	"linux/arm":     "arm-linux-gnueabihf-gcc",
	"linux/arm64":   "aarch64-linux-gnu-gcc",
	"linux/riscv64": "riscv64-linux-gnu-gcc",
	"linux/s390x":   "s390x-linux-gnu-gcc",
	"windows/amd64": "x86_64-w64-mingw32-gcc",
	"windows/386":   "i686-w64-mingw32-gcc",
}

// crossCCModules are the modules checked with the cross compilers, to keep
// the test's run time in bounds: netns, whose build compiles C (the net
// package's cgo resolver and runtime/cgo), and term, whose build has no cgo
// code. (go-sqlite3's amalgamation costs ~100 s of C compilation per
// target; the cgo=1 cases pay it once, on the host.)
var crossCCModules = map[string]bool{"netns": true, "term": true}

// cgoSetting is one way of building: CGO_ENABLED and maybe CC.
type cgoSetting struct {
	name    string   // "cgo=0", "cgo=1", "cgo=1,CC=aarch64-linux-gnu-gcc"
	cgo     bool     // CGO_ENABLED=1
	env     []string // CGO_ENABLED=..., CC=...
	targets []string
}

// agreementCase is one module, cgo setting and target, once both xcheck
// and `go build` have run.
type agreementCase struct {
	module, setting, target string
	cgo                     bool
	rep                     *report
	xcheck, build           result
}

func (c *agreementCase) predictedFail() bool { return c.rep.verdict(c.target) == "fail" }

func (c *agreementCase) buildFailed() bool { return c.build.Code != 0 }

// describe explains a disagreement: xcheck's prediction and findings for
// the target, and what `go build` printed.
func (c *agreementCase) describe() string {
	var b strings.Builder
	build := "succeeds"
	if c.buildFailed() {
		build = "fails"
	}
	fmt.Fprintf(&b, "xcheck's verdict for %s is %q but `go build` %s (module testdata/realworld/%s, %s)\n",
		c.target, c.rep.verdict(c.target), build, c.module, c.setting)
	b.WriteString("xcheck's findings for the target (warning and above):\n")
	fs := c.rep.findingsFor(c.target)
	if len(fs) == 0 {
		b.WriteString("  (none)\n")
	}
	for _, f := range fs {
		fmt.Fprintf(&b, "  %s\n", f)
	}
	fmt.Fprintf(&b, "xcheck run:\n$ %s\n", strings.Join(c.xcheck.Args, " "))
	fmt.Fprintf(&b, "go build (GOOS/GOARCH=%s, %s):\n%s", c.target, c.setting, c.build)
	return b.String()
}

// TestAgreement checks, on real public modules fetched through the module
// proxy (testdata/realworld), that xcheck's per-target verdict agrees with
// `go build`: "fail" exactly when `go build -o /dev/null ./...` exits
// non-zero. Targets: every first-class port and secondaryTargets, each
// with CGO_ENABLED=0 and CGO_ENABLED=1 (with the machine's CC, usually
// unset: cross builds then use the host's gcc or a missing clang, which
// xcheck must predict), and CGO_ENABLED=1 with the matching Debian cross
// compiler where one is installed. xcheck and `go build` see the same
// environment. Builds use the user's GOCACHE: a cold cache costs a few
// minutes, a warm one well under a minute.
func TestAgreement(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: builds real modules for 16 targets; runs without -short")
	}
	bin := xcheckBinary(t)
	targets := append(firstClass(t), secondaryTargets...)
	var dirs []string
	for _, m := range realWorld {
		dirs = append(dirs, repoDir(t, "testdata/realworld/"+m.name))
	}
	downloadModules(t, dirs...)

	ctx := context.Background()
	if dl, ok := t.Deadline(); ok {
		// Stop in time to report what went wrong rather than panic.
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, dl.Add(-time.Minute))
		t.Cleanup(cancel)
	}
	xcache := t.TempDir()
	sem := make(chan struct{}, max(2, runtime.NumCPU()))
	limit := func() func() { sem <- struct{}{}; return func() { <-sem } }

	var (
		mu                    sync.Mutex
		total, agree, differs int
		start                 = time.Now()
	)
	t.Cleanup(func() {
		t.Logf("agreement: %d cases (module x cgo setting x target), %d agree, %d disagree; %s",
			total, agree, differs, time.Since(start).Round(time.Second))
	})
	count := func(n *int) { mu.Lock(); *n++; mu.Unlock() }

	for i, m := range realWorld {
		dir := dirs[i]
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			for _, cs := range cgoSettings(m.name, targets) {
				t.Run(cs.name, func(t *testing.T) {
					t.Parallel()
					env := baseEnv(t, dir, append([]string{"XCHECK_CACHE=" + xcache}, cs.env...)...)
					done := limit()
					xr := run(ctx, dir, env, bin, "-t", strings.Join(cs.targets, ","), "--format", "json", "--fail-on", "never", "./...")
					done()
					require.NoError(t, xr.Err, "%s", xr)
					require.Equal(t, 0, xr.Code, "xcheck failed:\n%s", xr)
					var rep report
					require.NoError(t, json.Unmarshal(xr.Stdout, &rep), "xcheck's JSON report:\n%s", xr)
					require.Equal(t, xreport.SchemaVersion, rep.Version, "JSON report version")
					t.Logf("xcheck %s: %s for %d targets", cs.name, xr.Wall.Round(time.Millisecond), len(cs.targets))

					for _, target := range cs.targets {
						t.Run(target, func(t *testing.T) {
							t.Parallel()
							require.NotEmpty(t, rep.verdict(target), "xcheck's report has no target %s:\n%s", target, xr)
							goos, goarch, _ := strings.Cut(target, "/")
							done := limit()
							br := run(ctx, dir, setEnv(env, "GOOS="+goos, "GOARCH="+goarch), "go", "build", "-o", os.DevNull, "./...")
							done()
							require.NoError(t, br.Err, "%s", br)
							t.Logf("go build: exit %d in %s", br.Code, br.Wall.Round(time.Millisecond))
							c := &agreementCase{module: m.name, setting: cs.name, target: target, cgo: cs.cgo, rep: &rep, xcheck: xr, build: br}
							count(&total)
							if c.predictedFail() == c.buildFailed() {
								count(&agree)
								return
							}
							count(&differs)
							t.Error(c.describe())
						})
					}
				})
			}
		})
	}
}

// cgoSettings returns the cgo settings module is checked with, and the
// targets of each.
func cgoSettings(module string, targets []string) []cgoSetting {
	ss := []cgoSetting{
		{name: "cgo=0", env: []string{"CGO_ENABLED=0"}, targets: targets},
		{name: "cgo=1", cgo: true, env: []string{"CGO_ENABLED=1"}, targets: targets},
	}
	if !crossCCModules[module] {
		return ss
	}
	for _, target := range targets {
		cc := crossCC[target]
		if cc == "" {
			continue
		}
		if !lookPath(cc) {
			continue
		}
		env := []string{"CGO_ENABLED=1", "CC=" + cc}
		if cxx := strings.TrimSuffix(cc, "gcc") + "g++"; lookPath(cxx) {
			env = append(env, "CXX="+cxx)
		}
		ss = append(ss, cgoSetting{name: "cgo=1,CC=" + cc, cgo: true, env: env, targets: []string{target}})
	}
	return ss
}

func lookPath(name string) bool {
	_, err := exec.LookPath(name)
	return err == nil
}
