package matrix_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/internal/gocmd"
	"github.com/xcheck-dev/xcheck/matrix"
)

// The tests ask the real go command (the first "go" on PATH, as xcheck
// itself does) about itself. Nothing here is mocked.

// cleanEnv is os.Environ() without the variables that would change what
// the go command decides for a target, plus extra. GOENV=off keeps the
// user's `go env -w` settings out, GOTOOLCHAIN=local keeps the go command
// from switching toolchains.
func cleanEnv(extra ...string) []string {
	drop := map[string]bool{
		"GOOS": true, "GOARCH": true, "CGO_ENABLED": true, "CC": true, "CXX": true,
		"GOENV": true, "GOTOOLCHAIN": true, "GOFLAGS": true, "XCHECK_GO": true,
	}
	for _, vv := range matrix.VariantVars() {
		drop[vv.Name] = true
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !drop[k] {
			env = append(env, kv)
		}
	}
	env = append(env, "GOENV=off", "GOTOOLCHAIN=local", "GOFLAGS=")
	return append(env, extra...)
}

// cleanGo is the go command with cleanEnv.
func cleanGo(extra ...string) *gocmd.Go { return &gocmd.Go{BaseEnv: cleanEnv(extra...)} }

var liveToolchain = sync.OnceValues(func() (*matrix.Toolchain, error) {
	return matrix.DetectToolchain(context.Background(), cleanGo())
})

// live returns the toolchain in use and its port table, read through a
// fresh cache directory.
func live(t *testing.T) (*matrix.Toolchain, *matrix.Ports) {
	t.Helper()
	tc, err := liveToolchain()
	require.NoError(t, err, "no usable go command")
	ports, err := matrix.LoadPorts(t.Context(), cleanGo(), tc, t.TempDir())
	require.NoError(t, err)
	return tc, ports
}

var livePorts = sync.OnceValues(func() (*matrix.Ports, error) {
	tc, err := liveToolchain()
	if err != nil {
		return nil, err
	}
	return matrix.LoadPorts(context.Background(), cleanGo(), tc, "")
})

// shared is live without a cache, read once for all tests: the tests that
// only need a port table use it.
func shared(t *testing.T) (*matrix.Toolchain, *matrix.Ports) {
	t.Helper()
	tc, err := liveToolchain()
	require.NoError(t, err, "no usable go command")
	ports, err := livePorts()
	require.NoError(t, err)
	return tc, ports
}

// distList runs `go tool dist list -json [flags]` directly, without
// matrix, and returns the pairs and the parsed entries.
func distList(t *testing.T, flags ...string) ([]string, []matrix.Port) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "go", append([]string{"tool", "dist", "list", "-json"}, flags...)...)
	cmd.Env = cleanEnv()
	out, err := cmd.Output()
	require.NoError(t, err)
	var list []matrix.Port
	require.NoError(t, json.Unmarshal(out, &list))
	var pairs []string
	for _, p := range list {
		pairs = append(pairs, p.Pair())
	}
	slices.Sort(pairs)
	return pairs, list
}

func pairsOf(ts []matrix.Target) []string {
	var out []string
	for _, tg := range ts {
		out = append(out, tg.String())
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
