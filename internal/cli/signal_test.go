//go:build unix

package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buildXcheck builds the xcheck command into a temporary directory.
func buildXcheck(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "xcheck")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/xcheck")
	cmd.Dir = filepath.Join("..", "..")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// signalModule writes a module of n packages that import each other in a
// chain, for runs long enough to interrupt.
func signalModule(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name, content string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	write("go.mod", "module example.com/sig\n\ngo 1.22\n")
	for i := 0; i < n; i++ {
		imp, use := "", ""
		if i > 0 {
			imp = fmt.Sprintf("import \"example.com/sig/p%d\"\n\n", i-1)
			use = fmt.Sprintf("\n\nvar _ = p%d.V", i-1)
		}
		write(fmt.Sprintf("p%d/p.go", i), fmt.Sprintf("package p%d\n\n%svar V = %d%s\n", i, imp, i, use))
	}
	write("main.go", fmt.Sprintf("package main\n\nimport \"example.com/sig/p%d\"\n\nfunc main() { println(p%d.V) }\n", n-1, n-1))
	return dir
}

// TestInterruptLeavesNoPartialOutput is the fault test of --output: xcheck
// is interrupted (SIGINT, SIGTERM) at several points of a run over every
// port. A run the signal stopped (exit 3) writes no report: out.json
// still holds what it held before the run, out.sarif does not exist,
// stdout is empty and stderr says why. A run that ended before the
// signal took effect (exit 0) wrote complete reports. No temporary file
// is ever left. A run that is not interrupted is the control.
func TestInterruptLeavesNoPartialOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("builds xcheck and runs it over every port")
	}
	bin := buildXcheck(t)
	mod := signalModule(t, 12)
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOTOOLCHAIN=local", "NO_COLOR=1")
	interrupted := 0 // signals sent
	stopped := 0     // runs that exited 3 on them

	// What out.json holds before each interrupted run: a report of an
	// earlier run, that an interrupted one must not replace.
	const stale = `{"version": 2, "stale": true}`
	run := func(t *testing.T, sig os.Signal, after time.Duration) (outDir string, took time.Duration, stdout, stderr string, exitErr error) {
		t.Helper()
		outDir = t.TempDir()
		if sig != nil {
			require.NoError(t, os.WriteFile(filepath.Join(outDir, "out.json"), []byte(stale), 0o644))
		}
		cmd := exec.Command(bin, "--fail-on", "never", "-t", "all",
			"--output", filepath.Join(outDir, "out.json"), "--output", filepath.Join(outDir, "out.sarif"), "./...")
		cmd.Dir = mod
		// A cache of its own: a result cached by an earlier run would
		// end the run before the signal.
		cmd.Env = append(env, "XCHECK_CACHE="+filepath.Join(t.TempDir(), "cache"))
		var outBuf, errBuf strings.Builder
		cmd.Stdout, cmd.Stderr = &outBuf, &errBuf
		require.NoError(t, cmd.Start())
		start := time.Now()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		if sig != nil {
			select {
			case err := <-done:
				t.Logf("finished in %s, before the signal", time.Since(start).Round(time.Millisecond))
				return outDir, time.Since(start), outBuf.String(), errBuf.String(), err
			case <-time.After(after):
			}
			require.NoError(t, cmd.Process.Signal(sig))
			interrupted++
		}
		select {
		case err := <-done:
			t.Logf("exit: %v after %s; stderr: %s", err, time.Since(start).Round(time.Millisecond), strings.TrimSpace(errBuf.String()))
			return outDir, time.Since(start), outBuf.String(), errBuf.String(), err
		case <-time.After(3 * time.Minute):
			_ = cmd.Process.Kill()
			t.Fatalf("xcheck did not stop within 3 minutes of %v", sig)
		}
		return
	}

	// complete checks that the run wrote both reports, whole.
	complete := func(t *testing.T, dir string) {
		t.Helper()
		for _, name := range []string{"out.json", "out.sarif"} {
			data, err := os.ReadFile(filepath.Join(dir, name))
			require.NoError(t, err)
			t.Logf("%s: %d bytes", name, len(data))
			var v map[string]any
			require.NoError(t, json.Unmarshal(data, &v), "%s is not complete JSON (%d bytes)", name, len(data))
			assert.Contains(t, v, "version", name)
			assert.NotContains(t, v, "stale", name)
		}
	}
	// untouched checks that the run wrote no report.
	untouched := func(t *testing.T, dir string) {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(dir, "out.json"))
		require.NoError(t, err)
		assert.Equal(t, stale, string(data), "an interrupted run replaced out.json")
		_, err = os.Stat(filepath.Join(dir, "out.sarif"))
		assert.ErrorIs(t, err, os.ErrNotExist, "an interrupted run wrote out.sarif")
	}
	noTemp := func(t *testing.T, dir string) {
		t.Helper()
		left, err := filepath.Glob(filepath.Join(dir, ".*.tmp-*"))
		require.NoError(t, err)
		assert.Empty(t, left, "temporary files left behind")
	}

	t.Run("control", func(t *testing.T) {
		dir, took, stdout, _, err := run(t, nil, 0)
		require.NoError(t, err)
		t.Logf("a whole run takes %s", took.Round(time.Millisecond))
		complete(t, dir)
		noTemp(t, dir)
		assert.NotEmpty(t, stdout)
		fi, err := os.Stat(filepath.Join(dir, "out.json"))
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm())
	})
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		for _, after := range []time.Duration{0, 200 * time.Millisecond, time.Second, 3 * time.Second, 8 * time.Second} {
			t.Run(fmt.Sprintf("%v after %s", sig, after), func(t *testing.T) {
				dir, _, stdout, stderr, err := run(t, sig, after)
				noTemp(t, dir)
				var ee *exec.ExitError
				if err == nil {
					// It finished before the signal, or was
					// writing its reports when it came.
					complete(t, dir)
					return
				}
				require.True(t, errors.As(err, &ee), "%v", err)
				untouched(t, dir)
				if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
					// The signal came before xcheck started
					// catching it.
					t.Logf("killed by %v", ws.Signal())
					return
				}
				require.Equal(t, 3, ee.ExitCode(), "stderr: %s", stderr)
				assert.Empty(t, stdout, "an interrupted run printed a report")
				assert.Regexp(t, `(?m)^xcheck: interrupted by SIG(INT|TERM): no report written$`, stderr)
				stopped++
			})
		}
	}
	assert.GreaterOrEqual(t, interrupted, 8, "too few runs were interrupted before they ended")
	assert.GreaterOrEqual(t, stopped, 4, "too few runs were stopped by their signal")
}

// slowListGo writes a go command, first on PATH, that hands everything to
// the real go but `go list`, which it makes slow to stop: it notes that it
// runs, then waits and notes the SIGINT that go/packages sends it when
// the run is interrupted, without stopping; only the SIGKILL that follows
// 5 seconds later ends it, and a process it leaves behind, outside its
// process group, keeps its stderr open for 60 more, which go/packages
// waits for up to 30 seconds. A graceful shutdown of xcheck thus takes
// about 35 seconds. It returns the directory to put first on PATH and the
// directory of the marks (list.pid, holder.pid, list-running,
// list-interrupted).
func slowListGo(t *testing.T) (bin, marks string) {
	t.Helper()
	realGo, err := exec.LookPath("go")
	require.NoError(t, err)
	bin, marks = t.TempDir(), t.TempDir()
	holder := "sleep 60 </dev/null >/dev/null &"
	if _, err := exec.LookPath("setsid"); err == nil {
		holder = "setsid sleep 60 </dev/null >/dev/null &"
	}
	script := fmt.Sprintf(`#!/bin/sh
case "$1" in
list)
	echo $$ > %[1]s/list.pid
	trap 'touch %[1]s/list-interrupted' INT TERM
	%[3]s
	echo $! > %[1]s/holder.pid
	touch %[1]s/list-running
	while :; do sleep 0.05; done
	;;
esac
exec %[2]q "$@"
`, marks, realGo, holder)
	require.NoError(t, os.WriteFile(filepath.Join(bin, "go"), []byte(script), 0o755))
	t.Cleanup(func() {
		// The processes the fake go started, by their ids.
		for _, f := range []string{"holder.pid", "list.pid"} {
			data, err := os.ReadFile(filepath.Join(marks, f))
			if err != nil {
				continue
			}
			var pid int
			if _, err := fmt.Sscan(string(data), &pid); err == nil && pid > 0 {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	})
	return bin, marks
}

// waitFor polls for the file name until it exists or done is closed
// (the process ended); it reports whether the file appeared.
func waitFor(name string, done <-chan struct{}) bool {
	for {
		if _, err := os.Stat(name); err == nil {
			return true
		}
		select {
		case <-done:
			_, err := os.Stat(name)
			return err == nil
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// TestSecondInterruptQuitsAtOnce interrupts xcheck while go list runs,
// waits until the graceful shutdown is under way (go/packages has passed
// the interrupt on to go list, which takes no notice of it), and
// interrupts it again: xcheck quits at once, exit 3 (the exit code of an
// interrupted run, docs/exit-codes.md), saying so, without waiting for go
// list, and writes no report. Before, the second signal was swallowed and
// xcheck waited for go list to be killed and its output to close.
func TestSecondInterruptQuitsAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds xcheck")
	}
	xcheck := buildXcheck(t)
	mod := signalModule(t, 2)
	for _, sigs := range [][2]os.Signal{{os.Interrupt, os.Interrupt}, {syscall.SIGTERM, os.Interrupt}} {
		t.Run(fmt.Sprintf("%v then %v", sigs[0], sigs[1]), func(t *testing.T) {
			bin, marks := slowListGo(t)
			out := filepath.Join(t.TempDir(), "out.json")
			cmd := exec.Command(xcheck, "-t", "linux/amd64", "--output", out, "./...")
			cmd.Dir = mod
			cmd.Env = append(os.Environ(), "PATH="+bin+string(filepath.ListSeparator)+os.Getenv("PATH"),
				"GOFLAGS=-mod=mod", "GOPROXY=off", "GOTOOLCHAIN=local", "NO_COLOR=1",
				"XCHECK_CACHE="+filepath.Join(t.TempDir(), "cache"))
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			require.NoError(t, cmd.Start())
			done := make(chan struct{})
			var waitErr error
			go func() { waitErr = cmd.Wait(); close(done) }()
			defer func() {
				select {
				case <-done:
				default:
					_ = cmd.Process.Kill()
					<-done
				}
			}()

			require.True(t, waitFor(filepath.Join(marks, "list-running"), done), "go list never ran; stderr: %s", &stderr)
			require.NoError(t, cmd.Process.Signal(sigs[0]))
			require.True(t, waitFor(filepath.Join(marks, "list-interrupted"), done),
				"xcheck ended before it interrupted go list; stderr: %s", &stderr)
			// The shutdown is under way, and cannot end before go list
			// is killed.
			require.NoError(t, cmd.Process.Signal(sigs[1]))
			select {
			case <-done:
			case <-time.After(3 * time.Minute):
				t.Fatalf("xcheck did not stop within 3 minutes of the second signal; stderr: %s", &stderr)
			}
			var ee *exec.ExitError
			require.True(t, errors.As(waitErr, &ee), "%v", waitErr)
			assert.Equal(t, 3, ee.ExitCode())
			assert.Equal(t, "xcheck: SIGINT again: quit without waiting for the go commands to stop\n", stderr.String())
			assert.Empty(t, stdout.String())
			_, err := os.Stat(out)
			assert.ErrorIs(t, err, os.ErrNotExist, "a report was written")
			left, err := filepath.Glob(filepath.Join(filepath.Dir(out), ".*.tmp-*"))
			require.NoError(t, err)
			assert.Empty(t, left, "temporary files left behind")
		})
	}
}

// TestXcheckGoRunsTheListing runs the xcheck binary with a wrapper as
// $XCHECK_GO that logs its arguments and runs the real go, and a PATH
// without any go: the package listing (go list, started by go/packages)
// goes through the wrapper, like xcheck's own go commands. Before,
// go/packages looked for go in PATH, found none and the run failed. The
// private directory that makes XCHECK_GO the go of PATH is gone once
// xcheck exits.
func TestXcheckGoRunsTheListing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds xcheck")
	}
	xcheck := buildXcheck(t)
	mod := signalModule(t, 2)
	realGo, err := exec.LookPath("go")
	require.NoError(t, err)
	realGo, err = filepath.Abs(realGo)
	require.NoError(t, err)

	wrapDir, tmp := t.TempDir(), t.TempDir()
	log := filepath.Join(wrapDir, "log")
	wrapper := filepath.Join(wrapDir, "wrapped-go")
	require.NoError(t, os.WriteFile(wrapper, fmt.Appendf(nil, "#!/bin/sh\necho \"$*\" >> %s\nexec %s \"$@\"\n", log, realGo), 0o755))

	// PATH without any go command.
	var path []string
	for _, d := range filepath.SplitList(os.Getenv("PATH")) {
		if _, err := os.Stat(filepath.Join(d, "go")); err != nil && d != "" {
			path = append(path, d)
		}
	}
	env := func(extra ...string) []string {
		return append(os.Environ(), append([]string{"PATH=" + strings.Join(path, string(filepath.ListSeparator)),
			"GOFLAGS=-mod=mod", "GOPROXY=off", "GOTOOLCHAIN=local", "NO_COLOR=1", "TMPDIR=" + tmp,
			"GOROOT=", "XCHECK_CACHE=" + filepath.Join(t.TempDir(), "cache")}, extra...)...)
	}

	// The control: without XCHECK_GO there is no go to run.
	cmd := exec.Command(xcheck, "-t", "linux/amd64", "./...")
	cmd.Dir, cmd.Env = mod, env()
	out, err := cmd.CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(out), "no go command")

	cmd = exec.Command(xcheck, "-t", "linux/amd64,windows/arm64", "./...")
	cmd.Dir, cmd.Env = mod, env("XCHECK_GO="+wrapper)
	out, err = cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Regexp(t, `(?m)^linux/amd64 +\S+ +\S+ +ok`, string(out))
	assert.Regexp(t, `(?m)^windows/arm64 +\S+ +\S+ +ok`, string(out))

	data, err := os.ReadFile(log)
	require.NoError(t, err)
	t.Logf("the wrapper ran:\n%s", data)
	assert.Regexp(t, `(?m)^env -json`, string(data), "xcheck's own go commands")
	assert.Regexp(t, `(?m)^list .*-json.* -- \./\.\.\.$`, string(data), "the listing")

	left, err := filepath.Glob(filepath.Join(tmp, "xcheck-go-*"))
	require.NoError(t, err)
	assert.Empty(t, left, "the private go directory was not removed")
}
