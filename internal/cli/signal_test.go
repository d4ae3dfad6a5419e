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
// port, and each time the --output files either do not exist or are
// complete reports, and no temporary file is left. A run that is not
// interrupted is the control.
func TestInterruptLeavesNoPartialOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("builds xcheck and runs it over every port")
	}
	bin := buildXcheck(t)
	mod := signalModule(t, 12)
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOTOOLCHAIN=local", "NO_COLOR=1")
	interrupted := 0

	run := func(t *testing.T, sig os.Signal, after time.Duration) (outDir string, took time.Duration, exitErr error) {
		t.Helper()
		outDir = t.TempDir()
		cmd := exec.Command(bin, "--fail-on", "never", "-t", "all",
			"--output", filepath.Join(outDir, "out.json"), "--output", filepath.Join(outDir, "out.sarif"), "./...")
		cmd.Dir = mod
		// A cache of its own: a result cached by an earlier run would
		// end the run before the signal.
		cmd.Env = append(env, "XCHECK_CACHE="+filepath.Join(t.TempDir(), "cache"))
		var stderr strings.Builder
		cmd.Stderr = &stderr
		require.NoError(t, cmd.Start())
		start := time.Now()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		if sig != nil {
			select {
			case err := <-done:
				t.Logf("finished in %s, before the signal", time.Since(start).Round(time.Millisecond))
				return outDir, time.Since(start), err
			case <-time.After(after):
			}
			require.NoError(t, cmd.Process.Signal(sig))
			interrupted++
		}
		select {
		case err := <-done:
			t.Logf("exit: %v after %s; stderr: %s", err, time.Since(start).Round(time.Millisecond), strings.TrimSpace(stderr.String()))
			return outDir, time.Since(start), err
		case <-time.After(3 * time.Minute):
			_ = cmd.Process.Kill()
			t.Fatalf("xcheck did not stop within 3 minutes of %v", sig)
		}
		return
	}

	check := func(t *testing.T, dir string, mustExist bool) {
		t.Helper()
		for _, name := range []string{"out.json", "out.sarif"} {
			data, err := os.ReadFile(filepath.Join(dir, name))
			if errors.Is(err, os.ErrNotExist) && !mustExist {
				t.Logf("no %s", name)
				continue
			}
			t.Logf("%s: %d bytes", name, len(data))
			require.NoError(t, err)
			var v map[string]any
			require.NoError(t, json.Unmarshal(data, &v), "%s is not complete JSON (%d bytes)", name, len(data))
			assert.Contains(t, v, "version", name)
		}
		left, err := filepath.Glob(filepath.Join(dir, ".*.tmp-*"))
		require.NoError(t, err)
		assert.Empty(t, left, "temporary files left behind")
	}

	t.Run("control", func(t *testing.T) {
		dir, took, err := run(t, nil, 0)
		require.NoError(t, err)
		t.Logf("a whole run takes %s", took.Round(time.Millisecond))
		check(t, dir, true)
		fi, err := os.Stat(filepath.Join(dir, "out.json"))
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm())
	})
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		for _, after := range []time.Duration{0, 200 * time.Millisecond, time.Second, 3 * time.Second, 8 * time.Second} {
			t.Run(fmt.Sprintf("%v after %s", sig, after), func(t *testing.T) {
				dir, _, err := run(t, sig, after)
				var ee *exec.ExitError
				if err != nil && !errors.As(err, &ee) {
					t.Fatal(err)
				}
				check(t, dir, false)
			})
		}
	}
	assert.GreaterOrEqual(t, interrupted, 8, "too few runs were interrupted before they ended")
}
