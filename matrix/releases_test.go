package matrix_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/matrix"
)

// TestReleasesMatchToolchain holds the release table against the live
// toolchain, so that the table cannot go stale silently: a new Go release
// without an entry, or a port added, removed or marked broken without the
// table knowing, fails here.
func TestReleasesMatchToolchain(t *testing.T) {
	tc, _ := live(t)
	rel := tc.Release()
	require.NotEmpty(t, rel, "cannot tell the release of %s", tc.GoVersion)

	entry, exact := matrix.ReleaseFor(rel)
	require.True(t, exact, "the release table has no entry for go%s (the toolchain in use is %s): add one to releases.go", rel, tc.GoVersion)
	assert.Equal(t, rel, entry.Go)

	livePairs, entries := distList(t, "-broken")
	liveSet := map[string]bool{}
	for _, p := range livePairs {
		liveSet[p] = true
	}

	t.Run("PortsAt current", func(t *testing.T) {
		got := matrix.PortsAt(livePairs, rel, rel)
		assert.Equal(t, liveSet, got)
	})

	t.Run("broken ports are recorded", func(t *testing.T) {
		for _, p := range entries {
			if !p.Broken {
				continue
			}
			h := matrix.HistoryOf(p.Pair())
			if assert.NotEmpty(t, h.Broken, "%s is marked broken by %s but the release table does not say since when", p.Pair(), tc.GoVersion) {
				assert.LessOrEqual(t, matrix.CompareGo(h.Broken, rel), 0, "%s: broken since go%s, newer than the toolchain", p.Pair(), h.Broken)
			}
		}
	})

	t.Run("recorded broken ports are broken or gone", func(t *testing.T) {
		brokenLive := map[string]bool{}
		for _, p := range entries {
			brokenLive[p.Pair()] = p.Broken
		}
		for _, r := range matrix.Releases() {
			if matrix.CompareGo(r.Go, rel) > 0 {
				continue
			}
			for _, pair := range r.Broken {
				h := matrix.HistoryOf(pair)
				if h.Removed != "" && matrix.CompareGo(h.Removed, rel) <= 0 {
					assert.False(t, liveSet[pair], "%s was removed in go%s", pair, h.Removed)
					continue
				}
				assert.True(t, brokenLive[pair], "the table says %s is broken since go%s, but %s does not mark it broken", pair, r.Go, tc.GoVersion)
			}
		}
	})

	t.Run("removed ports are absent", func(t *testing.T) {
		for _, r := range matrix.Releases() {
			if matrix.CompareGo(r.Go, rel) > 0 {
				continue
			}
			for _, pair := range r.Removed {
				assert.False(t, liveSet[pair], "the table says %s was removed in go%s, but %s lists it", pair, r.Go, tc.GoVersion)
			}
		}
	})

	t.Run("added ports are present", func(t *testing.T) {
		for _, r := range matrix.Releases() {
			if matrix.CompareGo(r.Go, rel) > 0 {
				continue
			}
			for _, pair := range r.Added {
				if h := matrix.HistoryOf(pair); h.Removed != "" && matrix.CompareGo(h.Removed, rel) <= 0 {
					continue
				}
				assert.True(t, liveSet[pair], "the table says %s was added in go%s, but %s does not list it", pair, r.Go, tc.GoVersion)
			}
		}
	})

	t.Run("cgo ports support cgo", func(t *testing.T) {
		cgo := map[string]bool{}
		for _, p := range entries {
			cgo[p.Pair()] = p.CgoSupported
		}
		for _, r := range matrix.Releases() {
			if matrix.CompareGo(r.Go, rel) > 0 {
				continue
			}
			for _, pair := range r.Cgo {
				assert.True(t, cgo[pair], "the table says %s gained cgo in go%s", pair, r.Go)
			}
		}
	})

	t.Run("first-class ports", func(t *testing.T) {
		var fc []string
		for _, p := range entries {
			if p.FirstClass {
				fc = append(fc, p.Pair())
			}
		}
		assert.Equal(t, []string{
			"darwin/amd64", "darwin/arm64", "linux/386", "linux/amd64",
			"linux/arm", "linux/arm64", "windows/386", "windows/amd64",
		}, fc, "the XC1003 documentation and the first-class set list these")
	})
}

func TestReleasesTable(t *testing.T) {
	rs := matrix.Releases()
	require.NotEmpty(t, rs)
	keys := map[string]bool{}
	for _, k := range matrix.MinOSKeys {
		keys[k] = true
	}
	seen := map[string]bool{}
	for i, r := range rs {
		assert.NotEmpty(t, matrix.ReleaseOf(r.Go), "entry %d: %q is not a Go release", i, r.Go)
		assert.Equal(t, r.Go, matrix.ReleaseOf(r.Go), "entry %d: %q should be a release like 1.21", i, r.Go)
		assert.False(t, seen[r.Go], "go%s listed twice", r.Go)
		seen[r.Go] = true
		if i > 0 {
			assert.Less(t, matrix.CompareGo(rs[i-1].Go, r.Go), 0, "releases must run from old to new: go%s after go%s", r.Go, rs[i-1].Go)
		}
		for k, v := range r.MinOS {
			assert.True(t, keys[k], "go%s: MinOS key %q is not a --min-os key", r.Go, k)
			assert.Regexp(t, `^[0-9]+(\.[0-9]+)*$`, v, "go%s: MinOS %s", r.Go, k)
		}
		for pair, v := range r.PortMinOS {
			_, err := matrix.Parse(pair)
			assert.NoError(t, err, "go%s: PortMinOS %q", r.Go, pair)
			assert.Regexp(t, `^[0-9]+(\.[0-9]+)*$`, v, "go%s: PortMinOS %s", r.Go, pair)
		}
		for _, list := range [][]string{r.Added, r.Removed, r.Broken, r.Cgo} {
			for _, pair := range list {
				tg, err := matrix.Parse(pair)
				if assert.NoError(t, err, "go%s: %q", r.Go, pair) {
					assert.Equal(t, pair, tg.String(), "go%s: %q should be a plain GOOS/GOARCH pair", r.Go, pair)
				}
			}
		}
	}
	// Minimums never go down from one release to the next.
	for i := 1; i < len(rs); i++ {
		prev, cur := rs[i-1], rs[i]
		if prev.MinOS == nil || cur.MinOS == nil {
			continue
		}
		for k, v := range prev.MinOS {
			if w, ok := cur.MinOS[k]; ok {
				assert.LessOrEqual(t, matrix.CompareDotted(v, w), 0, "%s minimum goes down from go%s (%s) to go%s (%s)", k, prev.Go, v, cur.Go, w)
			}
		}
	}
}

func TestPortsAt(t *testing.T) {
	tc, _ := live(t)
	rel := tc.Release()
	livePairs, _ := distList(t, "-broken")
	if rel != "1.26" {
		t.Skipf("the expectations below are for go1.26, not go%s", rel)
	}

	tests := []struct {
		rel          string
		has, hasNot  []string
		sameAsBefore bool
	}{
		{rel: "1.25", has: []string{"windows/arm", "freebsd/riscv64", "openbsd/riscv64", "linux/amd64"}},
		{rel: "1.22", has: []string{"windows/arm", "openbsd/ppc64"}, hasNot: []string{"openbsd/riscv64"}},
		{rel: "1.21", has: []string{"wasip1/wasm"}, hasNot: []string{"openbsd/ppc64", "openbsd/riscv64"}},
		{rel: "1.20", has: []string{"freebsd/riscv64", "linux/loong64"}, hasNot: []string{"wasip1/wasm"}},
		{rel: "1.18", has: []string{"windows/arm64", "windows/arm"}, hasNot: []string{"linux/loong64", "freebsd/riscv64"}},
		{rel: "1.16", hasNot: []string{"windows/arm64"}},
		{rel: "1.14", has: []string{"darwin/386", "darwin/arm"}, hasNot: []string{"nacl/386"}},
		{rel: "1.13", has: []string{"nacl/386", "nacl/arm", "darwin/386"}},
	}
	for _, tt := range tests {
		t.Run(tt.rel, func(t *testing.T) {
			got := matrix.PortsAt(livePairs, rel, tt.rel)
			for _, p := range tt.has {
				assert.True(t, got[p], "go%s had %s", tt.rel, p)
			}
			for _, p := range tt.hasNot {
				assert.False(t, got[p], "go%s did not have %s", tt.rel, p)
			}
		})
	}
	// The live list itself is not modified.
	again, _ := distList(t, "-broken")
	assert.Equal(t, again, livePairs)
}

// TestExternalLinkPortsMatchGoBuild holds NeedsExternalLinking against what
// `go build -n` says for every port, with cgo off.
func TestExternalLinkPortsMatchGoBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build -n for every port")
	}
	_, ports := live(t)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/hello\n\ngo 1.21\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nfunc main() { println(\"hello\") }\n"), 0o644))

	const msg = "requires external (cgo) linking"
	var mu sync.Mutex
	needs := map[string]bool{}
	sem := make(chan struct{}, max(4, runtime.NumCPU()))
	var wg sync.WaitGroup
	for _, p := range ports.List {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			cmd := exec.CommandContext(t.Context(), "go", "build", "-n", "-o", os.DevNull, ".")
			cmd.Dir = dir
			cmd.Env = cleanEnv("GOOS="+p.GOOS, "GOARCH="+p.GOARCH, "CGO_ENABLED=0", "GOWORK=off")
			out, err := cmd.CombinedOutput()
			found := strings.Contains(string(out), msg)
			mu.Lock()
			defer mu.Unlock()
			needs[p.Pair()] = found
			// Broken ports may fail for other reasons (linux/sparc64
			// has no compiler); only the external-linking message
			// counts. Working ports must print a plan.
			if err != nil && !found && !p.Broken {
				t.Errorf("%s: go build -n failed: %v\n%s", p.Pair(), err, out)
			}
		}()
	}
	wg.Wait()

	var external []string
	for _, p := range ports.List {
		why, ok := matrix.NeedsExternalLinking(p.Pair())
		assert.Equal(t, needs[p.Pair()], ok, "%s: go build -n says external linking needed=%v, NeedsExternalLinking says %v", p.Pair(), needs[p.Pair()], ok)
		if ok {
			assert.Contains(t, why, msg)
			external = append(external, p.Pair())
		}
	}
	assert.NotEmpty(t, external)
	// Every port NeedsExternalLinking knows is a live port.
	for _, pair := range []string{"android/386", "android/amd64", "android/arm", "ios/arm64", "ios/amd64"} {
		_, ok := matrix.NeedsExternalLinking(pair)
		assert.True(t, ok, pair)
		goos, goarch, _ := strings.Cut(pair, "/")
		_, live := ports.Lookup(goos, goarch)
		assert.True(t, live, pair)
	}
	for _, pair := range []string{"android/arm64", "ios/", "linux/amd64", "darwin/arm64", "nosuch/port"} {
		_, ok := matrix.NeedsExternalLinking(pair)
		assert.False(t, ok, pair)
	}
}

func TestReleaseOf(t *testing.T) {
	tests := map[string]string{
		"go1.26.8":                 "1.26",
		"1.26.8":                   "1.26",
		"go1.26":                   "1.26",
		"1.21":                     "1.21",
		"1.21rc2":                  "1.21",
		"go1.21rc2":                "1.21",
		"go1.21.0":                 "1.21",
		"1.20":                     "1.20",
		"go1.26.8 X:boringcrypto":  "1.26",
		"go1.26-20260101-RC00 cl/": "1.26",
		"go1.9":                    "1.9",
		"devel go1.27-abcdef0 Tue Jan 6 10:00:00 2026 +0000": "1.27",
		"":              "",
		"go":            "",
		"devel +abcdef": "",
		"banana":        "",
		"go1.26.x":      "",
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			assert.Equal(t, want, matrix.ReleaseOf(in))
		})
	}
}

func TestCompareGo(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.21", "1.21", 0},
		{"1.21", "go1.21", 0},
		{"1.20", "1.21", -1},
		{"1.9", "1.10", -1},
		{"1.26", "go1.26.8", -1},
		{"go1.26.8", "1.26.10", -1},
		{"1.27", "go1.26.8", 1},
		{"1.21rc1", "1.21.0", -1},
		{"2.0", "1.99", 1},
	}
	for _, tt := range tests {
		t.Run(tt.a+"_"+tt.b, func(t *testing.T) {
			assert.Equal(t, tt.want, matrix.CompareGo(tt.a, tt.b))
			assert.Equal(t, -tt.want, matrix.CompareGo(tt.b, tt.a))
		})
	}
}

func TestCompareDotted(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"2.6.32", "3.2", -1},
		{"10.15", "11", -1},
		{"2.10", "2.9", 1},
		{"3.2", "3.2.0", 0},
		{"3.2", "3.2", 0},
		{"7", "10", -1},
		{"12.2", "12", 1},
		{"5.19", "3.2", 1},
		{"", "0", 0},
		{"", "1", -1},
		{"x", "0", 0},
	}
	for _, tt := range tests {
		t.Run(tt.a+"_"+tt.b, func(t *testing.T) {
			assert.Equal(t, tt.want, matrix.CompareDotted(tt.a, tt.b))
			assert.Equal(t, -tt.want, matrix.CompareDotted(tt.b, tt.a))
		})
	}
}

func TestReleaseFor(t *testing.T) {
	tests := []struct {
		rel, want string
		exact     bool
	}{
		{"1.26", "1.26", true},
		{"1.21", "1.21", true},
		{"1.17", "1.17", true},
		{"1.99", "1.27", false}, // newer than the table: the newest entry
		{"1.16", "", false},     // older than the table
		{"1.15", "", false},     // only removal history before 1.17
		{"", "", false},         // not a release
	}
	for _, tt := range tests {
		t.Run(tt.rel, func(t *testing.T) {
			r, exact := matrix.ReleaseFor(tt.rel)
			assert.Equal(t, tt.want, r.Go)
			assert.Equal(t, tt.exact, exact)
		})
	}
}

func TestMinOS(t *testing.T) {
	tests := []struct {
		rel, goos, goarch string
		key, min          string
	}{
		{"1.26", "linux", "amd64", "linux", "3.2"},
		{"1.26", "linux", "loong64", "linux", "5.19"},
		{"1.26", "linux", "ppc64", "linux", "3.2"},
		{"1.27", "linux", "ppc64", "linux", "3.13"},
		{"1.26", "darwin", "arm64", "macos", "12"},
		{"1.26", "darwin", "amd64", "macos", "12"},
		{"1.26", "windows", "amd64", "windows", "10"},
		{"1.26", "windows", "arm64", "windows", "10"},
		{"1.26", "ios", "arm64", "ios", "12"},
		{"1.26", "freebsd", "amd64", "freebsd", "12.2"},
		{"1.26", "android", "arm64", "", ""},
		{"1.26", "js", "wasm", "", ""},
		{"1.26", "openbsd", "amd64", "", ""},
		{"1.23", "linux", "amd64", "linux", "2.6.32"},
		{"1.23", "darwin", "arm64", "macos", "11"},
		{"1.20", "windows", "amd64", "windows", "7"},
		{"1.21", "windows", "amd64", "windows", "10"},
		{"1.17", "linux", "amd64", "linux", "2.6.23"},
		{"1.17", "ios", "arm64", "ios", ""},
		{"1.99", "linux", "amd64", "linux", "3.2"},
		{"1.16", "linux", "amd64", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.rel+"/"+tt.goos+"/"+tt.goarch, func(t *testing.T) {
			key, min := matrix.MinOS(tt.rel, tt.goos, tt.goarch)
			assert.Equal(t, tt.key, key)
			assert.Equal(t, tt.min, min)
		})
	}
}

func TestOSKeyAndName(t *testing.T) {
	for goos, key := range map[string]string{
		"linux": "linux", "darwin": "macos", "windows": "windows", "ios": "ios", "freebsd": "freebsd",
		"android": "", "openbsd": "", "js": "", "": "",
	} {
		assert.Equal(t, key, matrix.OSKey(goos), goos)
	}
	for key, name := range map[string]string{
		"linux": "linux kernel", "macos": "macOS", "windows": "Windows", "ios": "iOS", "freebsd": "FreeBSD", "plan9": "plan9",
	} {
		assert.Equal(t, name, matrix.OSName(key), key)
	}
	for _, k := range matrix.MinOSKeys {
		assert.NotEqual(t, k, matrix.OSName(k), "%s has no display name", k)
	}
}

func TestLastReleaseSupporting(t *testing.T) {
	tests := []struct {
		key, pair, floor, want string
	}{
		{"windows", "windows/amd64", "7", "1.20"},
		{"windows", "windows/amd64", "8.1", "1.20"},
		{"macos", "darwin/amd64", "10.13", "1.20"},
		{"macos", "darwin/amd64", "10.15", "1.22"},
		{"macos", "darwin/arm64", "11", "1.24"},
		{"linux", "linux/amd64", "2.6.32", "1.23"},
		{"linux", "linux/amd64", "2.6.23", "1.17"},
		{"linux", "linux/amd64", "2.6.9", ""},
		{"freebsd", "freebsd/amd64", "11", "1.18"},
		// linux/loong64 exists since go1.19 and always needed 5.19: no
		// release supports an older kernel on it.
		{"linux", "linux/loong64", "3.2", ""},
		{"linux", "linux/loong64", "5.19", "1.27"},
		// linux/ppc64 needs 3.13 from go1.27.
		{"linux", "linux/ppc64", "3.2", "1.26"},
		// windows/arm64 was added in go1.17, which still supported Windows 7.
		{"windows", "windows/arm64", "7", "1.20"},
		// windows/arm was removed in go1.26.
		{"windows", "windows/arm", "10", "1.25"},
	}
	for _, tt := range tests {
		t.Run(tt.pair+"_"+tt.floor, func(t *testing.T) {
			assert.Equal(t, tt.want, matrix.LastReleaseSupporting(tt.key, tt.pair, tt.floor))
		})
	}
}

func TestHistoryOf(t *testing.T) {
	tests := map[string]matrix.PortHistory{
		"windows/arm":     {Removed: "1.26", Broken: "1.24"},
		"freebsd/riscv64": {Added: "1.20", Broken: "1.26"},
		"wasip1/wasm":     {Added: "1.21"},
		"linux/loong64":   {Added: "1.19"},
		"openbsd/mips64":  {Broken: "1.21"},
		"darwin/386":      {Removed: "1.15"},
		"nacl/arm":        {Removed: "1.14"},
		"linux/amd64":     {},
		"foo/bar":         {},
	}
	for pair, want := range tests {
		assert.Equal(t, want, matrix.HistoryOf(pair), pair)
	}
}
