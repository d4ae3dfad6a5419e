package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// binDir holds the xcheck binary built for this test run.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "xcheck-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

var (
	buildOnce sync.Once
	xcheckBin string
	buildErr  error
)

// xcheckBinary builds cmd/xcheck from this repository once per test run and
// returns its path. xcheck runs as a child process so that every run gets
// exactly the environment the go command it is compared with gets, and so
// that its peak memory can be read from the process's resource usage.
func xcheckBinary(tb testing.TB) string {
	tb.Helper()
	buildOnce.Do(func() {
		bin := filepath.Join(binDir, "xcheck")
		if runtime.GOOS == "windows" {
			bin += ".exe"
		}
		cmd := exec.Command("go", "build", "-o", bin, "github.com/xcheck-dev/xcheck/cmd/xcheck")
		cmd.Dir = ".."
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build cmd/xcheck: %v\n%s", err, out)
			return
		}
		xcheckBin = bin
	})
	if buildErr != nil {
		tb.Fatal(buildErr)
	}
	return xcheckBin
}

// repoDir returns the absolute path of a directory of this repository,
// given relative to its root.
func repoDir(tb testing.TB, rel string) string {
	tb.Helper()
	dir, err := filepath.Abs(filepath.Join("..", filepath.FromSlash(rel)))
	if err != nil {
		tb.Fatal(err)
	}
	return dir
}

// setEnv returns env with the KEY=VALUE pairs of kvs set (replacing earlier
// values of the same keys) and the keys listed without "=" removed.
func setEnv(env []string, kvs ...string) []string {
	drop := map[string]bool{}
	for _, kv := range kvs {
		k, _, _ := strings.Cut(kv, "=")
		drop[k] = true
	}
	out := make([]string, 0, len(env)+len(kvs))
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if !drop[k] {
			out = append(out, kv)
		}
	}
	for _, kv := range kvs {
		if strings.Contains(kv, "=") {
			out = append(out, kv)
		}
	}
	return out
}

// goEnvVar returns `go env NAME` in dir.
func goEnvVar(tb testing.TB, dir, name string) string {
	tb.Helper()
	cmd := exec.Command("go", "env", name)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("go env %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}

// baseEnv is the environment every command of these tests runs with: the
// user's, without the target settings the tests choose (GOOS, GOARCH,
// CGO_ENABLED, CC and CXX come from the case), with GOWORK=off (a go.work
// above the testdata must not apply) and GOFLAGS plus -mod=mod (the
// testdata modules pin their go.sum; -mod=mod lets the go command fetch
// what it needs). extra is applied last.
func baseEnv(tb testing.TB, dir string, extra ...string) []string {
	tb.Helper()
	flags := strings.TrimSpace(goEnvVar(tb, dir, "GOFLAGS") + " -mod=mod")
	env := setEnv(os.Environ(), "GOOS", "GOARCH", "CGO_ENABLED", "GOWORK=off", "GOFLAGS="+flags)
	return setEnv(env, extra...)
}

// result is one finished command.
type result struct {
	Args     []string
	Code     int // exit code; -1 when it did not start or was killed
	Stdout   []byte
	Stderr   []byte
	Wall     time.Duration
	MaxRSSKB int64 // peak resident set size of the process, in KiB (Linux)
	Err      error // set when the command did not start or was killed
}

// run runs name args in dir with env.
func run(ctx context.Context, dir string, env []string, name string, args ...string) result {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 10 * time.Second
	start := time.Now()
	err := cmd.Run()
	r := result{Args: append([]string{name}, args...), Wall: time.Since(start), Stdout: stdout.Bytes(), Stderr: stderr.Bytes(), Code: -1}
	if cmd.ProcessState != nil {
		r.Code = cmd.ProcessState.ExitCode()
		r.MaxRSSKB = maxRSSKB(cmd.ProcessState)
	}
	var exit *exec.ExitError
	if err != nil && (!errors.As(err, &exit) || ctx.Err() != nil) {
		r.Err = err
		if ctx.Err() != nil {
			r.Err = fmt.Errorf("%v (%v)", err, ctx.Err())
		}
	}
	return r
}

// String describes the command and its output, for failure messages.
func (r result) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "$ %s\nexit %d", strings.Join(r.Args, " "), r.Code)
	if r.Err != nil {
		fmt.Fprintf(&b, " (%v)", r.Err)
	}
	b.WriteString("\n")
	for _, out := range [][]byte{r.Stderr, r.Stdout} {
		if s := strings.TrimSpace(string(out)); s != "" {
			b.WriteString(firstLines(s, 40))
			b.WriteString("\n")
		}
	}
	return b.String()
}

func firstLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) <= n {
		return s
	}
	return strings.Join(lines[:n], "\n") + fmt.Sprintf("\n... (%d more lines)", len(lines)-n)
}

// downloadModules runs `go mod download` in each module directory, so that
// the tests that follow (run in parallel) find every dependency in the
// module cache. Without network access the tests cannot run: they skip,
// except on CI (CI=true), where the proxy must be reachable.
func downloadModules(tb testing.TB, dirs ...string) {
	tb.Helper()
	for _, dir := range dirs {
		r := run(context.Background(), dir, baseEnv(tb, dir), "go", "mod", "download")
		if r.Code == 0 {
			continue
		}
		msg := fmt.Sprintf("downloading the dependencies of %s through the module proxy failed:\n%s", dir, r)
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
}

// firstClass returns the first-class ports of the go command in use, in
// `go tool dist list` order.
func firstClass(tb testing.TB) []string {
	tb.Helper()
	out, err := exec.Command("go", "tool", "dist", "list", "-json").Output()
	if err != nil {
		tb.Fatalf("go tool dist list -json: %v", err)
	}
	var ports []struct {
		GOOS, GOARCH string
		FirstClass   bool
	}
	if err := json.Unmarshal(out, &ports); err != nil {
		tb.Fatalf("go tool dist list -json: %v", err)
	}
	var names []string
	for _, p := range ports {
		if p.FirstClass {
			names = append(names, p.GOOS+"/"+p.GOARCH)
		}
	}
	if len(names) == 0 {
		tb.Fatal("go tool dist list -json lists no first-class port")
	}
	return names
}

// report is the part of xcheck's JSON report (docs/json.md) these tests
// read.
type report struct {
	Version int `json:"version"`
	Targets []struct {
		Target     string `json:"target"`
		Verdict    string `json:"verdict"`
		CgoEnabled bool   `json:"cgo_enabled"`
		CC         string `json:"cc"`
	} `json:"targets"`
	Findings []reportFinding `json:"findings"`
}

type reportFinding struct {
	Rule       string   `json:"rule"`
	Severity   string   `json:"severity"`
	Targets    []string `json:"targets"`
	File       string   `json:"file"`
	Line       int      `json:"line"`
	Column     int      `json:"column"`
	Message    string   `json:"message"`
	Why        []string `json:"why"`
	Suppressed bool     `json:"suppressed"`
}

func (f reportFinding) String() string {
	pos := ""
	if f.File != "" {
		pos = fmt.Sprintf("%s:%d:%d: ", f.File, f.Line, f.Column)
	}
	s := fmt.Sprintf("%s %s %s%s", f.Rule, f.Severity, pos, f.Message)
	if len(f.Why) > 0 {
		s += " (" + strings.Join(f.Why, "; ") + ")"
	}
	return s
}

// verdict returns the verdict of target in r, "" if r does not list it.
func (r *report) verdict(target string) string {
	for _, t := range r.Targets {
		if t.Target == target {
			return t.Verdict
		}
	}
	return ""
}

// findingsFor returns the unsuppressed findings of r that name target, at
// severity warning or above.
func (r *report) findingsFor(target string) []reportFinding {
	var out []reportFinding
	for _, f := range r.Findings {
		if f.Suppressed || f.Severity == "info" {
			continue
		}
		for _, t := range f.Targets {
			if t == target {
				out = append(out, f)
				break
			}
		}
	}
	return out
}
