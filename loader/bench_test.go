package loader_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/internal/gocmd"
	"github.com/xcheck-dev/xcheck/loader"
	"github.com/xcheck-dev/xcheck/matrix"
)

const demoDir = "../testdata/demo"

// firstClassBuilds resolves the first-class targets as the CLI does
// (matrix.ResolveBuild, cgo auto) for the demo module.
func firstClassBuilds(tb testing.TB) []*matrix.Build {
	tb.Helper()
	ctx := context.Background()
	g := &gocmd.Go{Dir: demoDir}
	tc, err := matrix.DetectToolchain(ctx, g)
	require.NoError(tb, err)
	ports, err := matrix.LoadPorts(ctx, g, tc, "")
	require.NoError(tb, err)
	targets, err := matrix.Expand([]string{"first-class"}, ports)
	require.NoError(tb, err)
	builds := make([]*matrix.Build, len(targets))
	var wg sync.WaitGroup
	errs := make([]error, len(targets))
	for i, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			builds[i], errs[i] = matrix.ResolveBuild(ctx, g, tc, ports, t, matrix.CgoAuto)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(tb, err)
	}
	return builds
}

// BenchmarkLoad loads and checks testdata/demo for the 8 first-class
// targets, as `xcheck check` does, with a fresh parse cache each time.
func BenchmarkLoad(b *testing.B) {
	builds := firstClassBuilds(b)
	cfg := loader.Config{Dir: demoDir}
	b.ResetTimer()
	for b.Loop() {
		fs, stats, err := loader.Load(context.Background(), cfg, builds, nil)
		require.NoError(b, err)
		require.NotEmpty(b, fs)
		b.ReportMetric(float64(stats.ParsedFiles), "files-parsed/op")
	}
}

// BenchmarkLoadWarm reuses the parse cache across Loads (a watch mode).
func BenchmarkLoadWarm(b *testing.B) {
	builds := firstClassBuilds(b)
	cfg := loader.Config{Dir: demoDir, Cache: loader.NewCache()}
	_, _, err := loader.Load(context.Background(), cfg, builds, nil)
	require.NoError(b, err)
	b.ResetTimer()
	for b.Loop() {
		_, _, err := loader.Load(context.Background(), cfg, builds, nil)
		require.NoError(b, err)
	}
}
