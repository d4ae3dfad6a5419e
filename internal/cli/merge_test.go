package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/internal/exitcode"
	"github.com/xcheck-dev/xcheck/internal/memtest"
	"github.com/xcheck-dev/xcheck/report"
)

// reportHead is the start of a valid report, written at the start of the
// sparse files of the tests (the rest are zeros).
var reportHead = []byte(`{"version":2,"tool":{"name":"xcheck"},"targets":[],"findings":[`)

// mergeMeasured runs xcheck merge in-process and measures its memory.
func mergeMeasured(t *testing.T, args ...string) (stderr string, code int, u memtest.Usage) {
	t.Helper()
	var out, errb bytes.Buffer
	u = memtest.Measure(func() {
		code = Run(context.Background(), append([]string{"merge"}, args...), &out, &errb)
	})
	t.Logf("peak heap %.1f MiB, allocated %.1f MiB, %s", float64(u.Peak)/memtest.MiB, float64(u.Total)/memtest.MiB, u.Elapsed)
	assert.Empty(t, out.String(), "nothing on stdout")
	return errb.String(), code, u
}

// TestMergeRefusesLargeReports: a report larger than report.MaxJSONSize
// (a 4 GiB sparse file that starts like a report), or reports that add
// up to more than maxMergeInput, are refused before anything is read:
// exit 2 (a bad input file), one line on stderr, and no memory to speak
// of.
func TestMergeRefusesLargeReports(t *testing.T) {
	dir := t.TempDir()
	big := memtest.SparseFile(t, filepath.Join(dir, "big.json"), memtest.GiB4, memtest.Chunk{Data: reportHead})
	stderr, code, u := mergeMeasured(t, big)
	assert.Equal(t, exitcode.Usage, code)
	assert.Equal(t, fmt.Sprintf("xcheck: %s: xcheck JSON report is larger than 256 MiB, the most xcheck reads\n", big), stderr)
	assert.Less(t, u.Peak, uint64(64*memtest.MiB))

	// Five reports of 250 MiB: each is under the limit, together they
	// are over what merge reads.
	var files []string
	for i := range 5 {
		files = append(files, memtest.SparseFile(t, filepath.Join(dir, fmt.Sprintf("shard-%d.json", i)), 250<<20, memtest.Chunk{Data: reportHead}))
	}
	stderr, code, u = mergeMeasured(t, files...)
	assert.Equal(t, exitcode.Usage, code)
	assert.Equal(t, "xcheck: the reports add up to 1250 MiB, more than the 1 GiB xcheck merge reads: merge them in groups, then merge the results\n", stderr)
	assert.Less(t, u.Peak, uint64(64*memtest.MiB))
	assert.Equal(t, 1, strings.Count(stderr, "\n"))
	require.Equal(t, int64(1<<30), int64(maxMergeInput))
	require.Equal(t, int64(256<<20), int64(report.MaxJSONSize))
}

// TestMergeUnchecked: targets that shards could not check stay "not
// checked" in the merged report, and the merge exits 3 naming the first
// and its report, after writing the report.
func TestMergeUnchecked(t *testing.T) {
	dir := t.TempDir()
	shard := func(name, targets string) string {
		p := filepath.Join(dir, name)
		doc := `{"version":2,"tool":{"name":"xcheck"},"toolchain":{"go_version":"go1.26.0"},"targets":[` + targets +
			`],"findings":[],"summary":{"fail_on":"error"}}`
		require.NoError(t, os.WriteFile(p, []byte(doc), 0o644))
		return p
	}
	s1 := shard("s1.json", `{"target":"linux/arm64","goos":"linux","goarch":"arm64","is_port":true,"verdict":"error","error":"loading packages: go: boom\nsecond line"},
		{"target":"linux/amd64","goos":"linux","goarch":"amd64","is_port":true,"verdict":"ok","error":""}`)
	s2 := shard("s2.json", `{"target":"windows/amd64","goos":"windows","goarch":"amd64","is_port":true,"verdict":"error","error":"loading packages: go: bang"}`)
	out := filepath.Join(dir, "merged.json")
	stdout, stderr, code := runCLI(t, "merge", "-o", out, s2, s1)
	assert.Equal(t, exitcode.Failure, code)
	assert.Equal(t, "xcheck: linux/arm64 was not checked ("+s1+", and 1 more target): loading packages: go: boom\n", stderr)
	assert.Regexp(t, `(?m)^linux/arm64 +off +- +not checked`, stdout)
	assert.Regexp(t, `(?m)^windows/amd64 +off +- +not checked`, stdout)
	assert.Regexp(t, `(?m)^linux/amd64 +off +- +ok`, stdout)
	assert.Contains(t, stdout, "across 3 targets, 2 not checked")
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"unchecked": 2`)
}
