package loader_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/cache"
	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/internal/gocmd"
	"github.com/xcheck-dev/xcheck/loader"
	"github.com/xcheck-dev/xcheck/loader/loadertest"
	"github.com/xcheck-dev/xcheck/matrix"
)

// memResults is loader.Results in memory.
type memResults struct {
	mu sync.Mutex
	m  map[cache.Key][]byte
}

func (r *memResults) Get(_ cache.Kind, k cache.Key) ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if d, ok := r.m[k]; ok {
		return d, nil
	}
	return nil, cache.ErrMiss
}

func (r *memResults) Put(_ cache.Kind, k cache.Key, data []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = map[cache.Key][]byte{}
	}
	r.m[k] = data
	return nil
}

// copyDir copies the module at src into a new temporary directory.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	require.NoError(t, err)
	return dst
}

// reuseBuilds resolves the targets of the reuse tests as the CLI does
// (go env with each target's environment): cgo on and off, Unix, Windows,
// macOS, wasm and a 32-bit port.
func reuseBuilds(t *testing.T, dir string) []*matrix.Build {
	t.Helper()
	ctx := context.Background()
	g := &gocmd.Go{Dir: dir, BaseEnv: loadertest.Env()}
	tc, err := matrix.DetectToolchain(ctx, g)
	require.NoError(t, err)
	ports, err := matrix.LoadPorts(ctx, g, tc, "")
	require.NoError(t, err)
	var builds []*matrix.Build
	for _, spec := range []struct {
		target string
		mode   matrix.CgoMode
	}{
		{"linux/amd64", matrix.CgoOn}, {"linux/arm/v7", matrix.CgoOff}, {"windows/amd64", matrix.CgoOff},
		{"darwin/arm64", matrix.CgoOff}, {"js/wasm", matrix.CgoOff},
	} {
		tg, err := matrix.Parse(spec.target)
		require.NoError(t, err)
		b, err := matrix.ResolveBuild(ctx, g, tc, ports, tg, spec.mode)
		require.NoError(t, err)
		builds = append(builds, b)
	}
	return builds
}

// TestReuseRealWorld checks, on modules that use real dependencies (cgo,
// assembly, per-OS files, type errors on some targets), that a Load that
// restores the dependencies and the package lists from Results finds
// exactly what a full Load finds: on the same module, after a change to
// the body of a function, and after a change to the imports.
func TestReuseRealWorld(t *testing.T) {
	if testing.Short() {
		t.Skip("loads five real modules for five targets, several times")
	}
	for _, name := range []string{"sqlite", "term", "xxhash", "ethtool", "netns"} {
		t.Run(name, func(t *testing.T) {
			dir := copyDir(t, filepath.Join("..", "testdata", "realworld", name))
			loadertest.Download(t, dir)
			builds := reuseBuilds(t, dir)
			res := &memResults{}
			cfg := loader.Config{Dir: dir, Root: dir, BaseEnv: loadertest.Env(), Results: res, ResultsKey: "test"}
			full, s1, err := loader.Load(context.Background(), cfg, builds, nil)
			require.NoError(t, err)
			stored := 0
			for _, ts := range s1.Targets {
				require.Zero(t, ts.Reused, ts.Target)
				if ts.ReuseErr == nil {
					stored++
				} else {
					t.Logf("%s: %v", ts.Target, ts.ReuseErr)
				}
			}
			require.NotZero(t, stored, "no target stored its dependencies")

			again, s2, err := loader.Load(context.Background(), cfg, builds, nil)
			require.NoError(t, err)
			requireSame(t, full, again)
			for i, ts := range s2.Targets {
				if s1.Targets[i].ReuseErr == nil {
					require.NotZero(t, ts.Reused, "%s: stored, but not reused", ts.Target)
				}
				require.True(t, ts.Listed, "%s: package list not reused", ts.Target)
			}

			// Change the module's own code: a new use of the dependency's
			// API, and a type error.
			main := filepath.Join(dir, "main.go")
			src, err := os.ReadFile(main)
			require.NoError(t, err)
			src = append(src, "\nfunc touched() { var x int = \"not an int\"; _ = x; main() }\n"...)
			require.NoError(t, os.WriteFile(main, src, 0o644))
			restored, s3, err := loader.Load(context.Background(), cfg, builds, nil)
			require.NoError(t, err)
			fresh, _, err := loader.Load(context.Background(), loader.Config{Dir: dir, Root: dir, BaseEnv: loadertest.Env()}, builds, nil)
			require.NoError(t, err)
			requireSame(t, fresh, restored)
			require.NotEqual(t, loadertest.Dump(full), loadertest.Dump(fresh), "the change made no difference")
			reused := 0
			for _, ts := range s3.Targets {
				reused += ts.Reused
				require.True(t, ts.Listed, "%s: the body of a function changed, but the package list was not reused", ts.Target)
			}
			require.NotZero(t, reused, "nothing reused after a change to the module")

			// A new file with an import: listed again.
			require.NoError(t, os.WriteFile(filepath.Join(dir, "extra.go"), []byte("package main\n\nimport \"encoding/hex\"\n\nvar _ = hex.EncodeToString\n"), 0o644))
			restored, s4, err := loader.Load(context.Background(), cfg, builds, nil)
			require.NoError(t, err)
			fresh, _, err = loader.Load(context.Background(), loader.Config{Dir: dir, Root: dir, BaseEnv: loadertest.Env()}, builds, nil)
			require.NoError(t, err)
			requireSame(t, fresh, restored)
			for _, ts := range s4.Targets {
				require.False(t, ts.Listed, "%s: a new file, but the old package list", ts.Target)
			}
		})
	}
}

func requireSame(t *testing.T, want, got []finding.Finding) {
	t.Helper()
	require.Equal(t, loadertest.Dump(finding.Merge(want)), loadertest.Dump(finding.Merge(got)))
}

// TestReuseCorrupt checks that a snapshot that does not decode is
// ignored: the target is checked in full, with the same findings. (The
// cache's checksums catch damaged bytes before they get here.)
func TestReuseCorrupt(t *testing.T) {
	builds := []*matrix.Build{loadertest.Build(t, "windows/amd64", false)}
	res := &memResults{}
	cfg := loader.Config{Dir: demoDir, BaseEnv: loadertest.Env(), Results: res, ResultsKey: "test"}
	want, _, err := loader.Load(context.Background(), cfg, builds, nil)
	require.NoError(t, err)
	require.NotEmpty(t, res.m)
	for k, v := range res.m {
		for _, garble := range []func([]byte) []byte{
			func(b []byte) []byte { return b[:len(b)/2] },
			func(b []byte) []byte { return append([]byte("garbage"), b...) },
			func(b []byte) []byte { return []byte("xcheck-target-snapshot-v1\n\x00\x00\x00\x00\x00\x00\x00\x02{}") },
			func(b []byte) []byte { return nil },
		} {
			res.m[k] = garble(v)
			got, stats, err := loader.Load(context.Background(), cfg, builds, nil)
			require.NoError(t, err)
			requireSame(t, want, got)
			require.Zero(t, stats.Targets[0].Reused)
		}
	}
	_, _, err = loader.Load(context.Background(), loader.Config{Dir: demoDir, BaseEnv: loadertest.Env(), Results: errResults{}}, builds, nil)
	require.NoError(t, err)
}

// errResults fails every call.
type errResults struct{}

func (errResults) Get(cache.Kind, cache.Key) ([]byte, error) { return nil, errors.New("broken") }
func (errResults) Put(cache.Kind, cache.Key, []byte) error   { return errors.New("broken") }
