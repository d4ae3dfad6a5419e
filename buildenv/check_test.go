package buildenv_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/abi/cc"
	"github.com/xcheck-dev/xcheck/buildenv"
	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/internal/gocmd"
	"github.com/xcheck-dev/xcheck/matrix"
)

// goEnv is this process's environment without what would change the go
// command's decisions for a target, with PATH and extra set.
func goEnv(path string, extra ...string) []string {
	drop := map[string]bool{
		"GOOS": true, "GOARCH": true, "CGO_ENABLED": true, "CC": true, "CXX": true, "PATH": true,
		"GOENV": true, "GOTOOLCHAIN": true, "GOFLAGS": true, "XCHECK_GO": true,
	}
	for _, vv := range matrix.VariantVars() {
		drop[vv.Name] = true
	}
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !drop[k] {
			env = append(env, kv)
		}
	}
	env = append(env, "PATH="+path, "GOENV=off", "GOTOOLCHAIN=local", "GOFLAGS=")
	return append(env, extra...)
}

// ccFindings resolves spec with the real go command and returns the
// XC3004 findings of CheckTarget.
func ccFindings(t *testing.T, g *gocmd.Go, spec string) []finding.Finding {
	t.Helper()
	tc, err := matrix.DetectToolchain(t.Context(), g)
	require.NoError(t, err)
	ports, err := matrix.LoadPorts(t.Context(), g, tc, t.TempDir())
	require.NoError(t, err)
	tg, err := matrix.Parse(spec)
	require.NoError(t, err)
	b, err := matrix.ResolveBuild(t.Context(), g, tc, ports, tg, matrix.CgoAuto)
	require.NoError(t, err)
	require.True(t, b.CgoEnabled, "%s: cgo is off", spec)
	var out []finding.Finding
	for _, f := range buildenv.CheckTarget(t.Context(), &cc.Prober{}, g, tc, b) {
		if f.Rule == buildenv.RuleCCMissing {
			out = append(out, f)
		}
	}
	return out
}

// TestCCFoundThroughRelativePATHEntry: a C compiler found only through a
// relative PATH entry (the module's own ./gcc, with "." in PATH) is not
// run, and XC3004 says so instead of "is not installed", which sent users
// looking for a compiler that is right there.
func TestCCFoundThroughRelativePATHEntry(t *testing.T) {
	goBin, err := exec.LookPath("go")
	require.NoError(t, err)
	goBin, err = filepath.Abs(goBin)
	require.NoError(t, err)

	dir := t.TempDir()
	marker := filepath.Join(t.TempDir(), "ran")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "gcc"),
		[]byte("#!/bin/sh\necho \"$0 $*\" >> "+marker+"\necho x86_64-linux-gnu\n"), 0o755))
	t.Chdir(dir)

	g := &gocmd.Go{Bin: goBin, Dir: dir, BaseEnv: goEnv(".:/usr/bin", "CGO_ENABLED=1")}
	for _, spec := range []string{"linux/amd64", "linux/arm64"} {
		fs := ccFindings(t, g, spec)
		require.Len(t, fs, 1, "%s: %v", spec, fs)
		assert.Equal(t, `cgo is on (CGO_ENABLED=1 in the environment) but the C compiler "gcc" was found only through a relative PATH entry (./gcc) and was not run`, fs[0].Message, spec)
		assert.Equal(t, "remove the relative entry from PATH or set CC to an absolute path", fs[0].Fix, spec)
		assert.NotContains(t, fs[0].Message, "not installed")
	}
	_, err = os.Stat(marker)
	assert.ErrorIs(t, err, os.ErrNotExist, "./gcc found through a relative PATH entry ran")

	// A compiler that is nowhere is still "not installed".
	g.BaseEnv = goEnv(".:/usr/bin", "CGO_ENABLED=1", "CC=xcheck-no-such-gcc")
	fs := ccFindings(t, g, "linux/amd64")
	require.Len(t, fs, 1)
	assert.Contains(t, fs[0].Message, `the C compiler "xcheck-no-such-gcc" is not installed`)

	// The control: through an absolute entry the same script runs (and
	// answers for linux/amd64), so the missing marker above means it was
	// not run.
	g.BaseEnv = goEnv(dir+":/usr/bin", "CGO_ENABLED=1")
	assert.Empty(t, ccFindings(t, g, "linux/amd64"))
	assert.FileExists(t, marker)
}
