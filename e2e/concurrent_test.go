package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// concurrentRuns is how many xcheck processes run at once in each wave.
const concurrentRuns = 20

// concurrentTargets are checked by every run: the host with cgo, a cross
// target with cgo off, and a 32-bit one, so that each run stores a run
// entry, and a package list and a dependency snapshot per target.
const concurrentTargets = "linux/amd64,windows/amd64,linux/arm"

// TestConcurrentRunsShareCache runs 20 xcheck processes at once against
// one empty cache directory (all racing to fill it: the port table, the
// package lists, the dependency snapshots and the run entry are each
// written by every process), then 20 more on the warm cache. Every run
// must exit as a run without a cache does and print the same report; the
// cache must hold no temporary file afterwards and only entries that pass
// their checks, and the warm runs must all be served from it.
//
// The JSON report has no timings, durations or cache statistics
// (docs/json.md), so reports are compared whole; -v, which says what the
// cache did, writes to stderr.
func TestConcurrentRunsShareCache(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 41 xcheck processes")
	}
	bin := xcheckBinary(t)
	start := time.Now()

	// A copy of the demo module: its findings are on purpose (exit 1),
	// and it has no dependency outside the standard library.
	mod := t.TempDir()
	require.NoError(t, os.CopyFS(mod, os.DirFS(repoDir(t, "testdata/demo"))))
	cacheDir := filepath.Join(t.TempDir(), "cache")
	env := baseEnv(t, mod, "XCHECK_CACHE="+cacheDir)
	args := []string{"check", "-v", "-t", concurrentTargets, "--format", "json"}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute) // a hang guard, not a limit
	defer cancel()

	// The reference: one run without any cache (XCHECK_CACHE=off; with
	// --no-cache the port table would still be cached).
	ref := run(ctx, mod, setEnv(env, "XCHECK_CACHE=off"), bin, append(args, "./...")...)
	require.NoError(t, ref.Err, ref.String())
	require.Contains(t, []int{0, 1}, ref.Code, ref.String())
	refReport := canonicalJSON(t, ref.Stdout)
	var rep report
	require.NoError(t, json.Unmarshal(ref.Stdout, &rep))
	require.Len(t, rep.Targets, 3, ref.String())
	_, err := os.Stat(cacheDir)
	require.ErrorIs(t, err, fs.ErrNotExist, "XCHECK_CACHE=off wrote the cache")
	t.Logf("reference run (XCHECK_CACHE=off): exit %d, %d findings, %s", ref.Code, len(rep.Findings), ref.Wall.Round(time.Millisecond))

	wave := func(name string) []result {
		outDir := t.TempDir()
		results := make([]result, concurrentRuns)
		var wg sync.WaitGroup
		ready := make(chan struct{})
		waveStart := time.Now()
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-ready
				out := filepath.Join(outDir, fmt.Sprintf("report-%02d.json", i))
				results[i] = run(ctx, mod, env, bin, append(args, "--output", out, "./...")...)
			}()
		}
		close(ready)
		wg.Wait()
		var slowest time.Duration
		for i, r := range results {
			slowest = max(slowest, r.Wall)
			require.NoError(t, r.Err, "%s wave, run %d:\n%s", name, i, r)
			assert.Equal(t, ref.Code, r.Code, "%s wave, run %d:\n%s", name, i, r)
			assert.Equal(t, refReport, canonicalJSON(t, r.Stdout), "%s wave, run %d: the report differs from the reference", name, i)
			file, err := os.ReadFile(filepath.Join(outDir, fmt.Sprintf("report-%02d.json", i)))
			if assert.NoError(t, err, "%s wave, run %d: --output", name, i) {
				assert.Equal(t, refReport, canonicalJSON(t, file), "%s wave, run %d: the --output report differs from the reference", name, i)
			}
			assert.NotContains(t, string(r.Stderr), "corrupt cache entry", "%s wave, run %d", name, i)
		}
		assertNoTempFiles(t, outDir)
		t.Logf("%s wave: %d processes at once in %s (slowest %s)", name, concurrentRuns,
			time.Since(waveStart).Round(time.Millisecond), slowest.Round(time.Millisecond))
		return results
	}

	wave("cold")
	assertNoTempFiles(t, cacheDir)
	counts := verifyCacheEntries(t, cacheDir)
	t.Logf("cache after the cold wave: %v", counts)
	for _, kind := range []string{"run", "list", "target"} {
		assert.Positive(t, counts[kind], "no %s entry stored", kind)
	}

	for i, r := range wave("warm") {
		assert.Contains(t, string(r.Stderr), "results of an identical earlier run", "warm wave, run %d was not served from the cache:\n%s", i, r)
	}
	assertNoTempFiles(t, cacheDir)
	assert.Equal(t, counts, verifyCacheEntries(t, cacheDir), "the warm wave changed the cache")

	// What xcheck itself says of the cache afterwards.
	info := run(ctx, mod, env, bin, "cache", "info", "--format", "json")
	require.NoError(t, info.Err, info.String())
	require.Equal(t, 0, info.Code, info.String())
	var ci struct {
		Dir     string `json:"dir"`
		Entries int    `json:"entries"`
		ByKind  map[string]struct {
			Entries int `json:"entries"`
		} `json:"by_kind"`
		PortTables int `json:"port_tables"`
	}
	require.NoError(t, json.Unmarshal(info.Stdout, &ci), info.String())
	assert.Equal(t, cacheDir, ci.Dir)
	total := 0
	for kind, n := range counts {
		assert.Equal(t, n, ci.ByKind[kind].Entries, "cache info: %s entries", kind)
		total += n
	}
	assert.Equal(t, total, ci.Entries, "cache info: entries")
	assert.Equal(t, 1, ci.PortTables, "cache info: port tables")

	// The entries the racing runs left are used: after a change to a
	// function body the package lists and dependency snapshots are read
	// (and would be reported corrupt, with -v, if they were).
	mainGo := filepath.Join(mod, "main.go")
	src, err := os.ReadFile(mainGo)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(mainGo, append(src, []byte("\nfunc unusedAfterTheWaves() int { return 42 }\n")...), 0o644))
	after := run(ctx, mod, env, bin, args...)
	require.NoError(t, after.Err, after.String())
	assert.Equal(t, ref.Code, after.Code, after.String())
	assert.Equal(t, refReport, canonicalJSON(t, after.Stdout))
	assert.NotContains(t, string(after.Stderr), "corrupt cache entry", after.String())
	assert.NotContains(t, string(after.Stderr), "results of an identical earlier run", after.String())
	assertNoTempFiles(t, cacheDir)
	verifyCacheEntries(t, cacheDir)
	t.Logf("whole test: %s", time.Since(start).Round(time.Millisecond))
}

// canonicalJSON re-encodes a JSON document, so that reports compare by
// content.
func canonicalJSON(t *testing.T, data []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, firstLines(string(data), 20))
	}
	out, err := json.MarshalIndent(v, "", " ")
	require.NoError(t, err)
	return string(out)
}

// assertNoTempFiles fails when a file being written (the cache's
// ".tmp-*", an --output file's ".NAME.tmp-*") is left in dir.
func assertNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.Contains(d.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", path)
		}
		return nil
	})
	require.NoError(t, err)
}

// verifyCacheEntries checks every entry of the results cache in root the
// way the cache reads one (cache/cache.go: magic, format version, the key
// of its file name, the payload size and its SHA-256; `xcheck cache info`
// counts entries without reading them), and returns the number of entries
// of each kind.
func verifyCacheEntries(t *testing.T, root string) map[string]int {
	t.Helper()
	const magic = "XCKCACHE"
	headerSize := len(magic) + 4 + sha256.Size + 8 + sha256.Size
	counts := map[string]int{}
	results := filepath.Join(root, "results")
	err := filepath.WalkDir(results, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(results, path)
		parts := strings.Split(filepath.ToSlash(rel), "/")
		if len(parts) == 1 && parts[0] == "trim.txt" {
			return nil
		}
		if !assert.Len(t, parts, 3, "unexpected file in the cache: %s", rel) {
			return nil
		}
		kind, name := parts[0], parts[2]
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		key, err := hex.DecodeString(name)
		ok := assert.NoError(t, err, "%s: not named by a key", rel) &&
			assert.Len(t, key, sha256.Size, rel) &&
			assert.Equal(t, name[:2], parts[1], rel) &&
			assert.GreaterOrEqual(t, len(data), headerSize, "%s: shorter than the header", rel)
		if !ok {
			return nil
		}
		h := data[:headerSize]
		payload := data[headerSize:]
		sum := sha256.Sum256(payload)
		if assert.Equal(t, magic, string(h[:8]), "%s: magic", rel) &&
			assert.Equal(t, uint32(1), binary.BigEndian.Uint32(h[8:12]), "%s: format version", rel) &&
			assert.True(t, bytes.Equal(key, h[12:44]), "%s: the entry is for another key", rel) &&
			assert.Equal(t, uint64(len(payload)), binary.BigEndian.Uint64(h[44:52]), "%s: payload size", rel) &&
			assert.True(t, bytes.Equal(sum[:], h[52:84]), "%s: checksum mismatch", rel) {
			counts[kind]++
		}
		return nil
	})
	require.NoError(t, err)
	return counts
}
