package matrix_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/internal/gocmd"
	"github.com/xcheck-dev/xcheck/matrix"
)

// cacheFiles returns the port cache entries under dir.
func cacheFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "ports", "*.json"))
	require.NoError(t, err)
	return files
}

func TestDetectToolchain(t *testing.T) {
	tc, err := matrix.DetectToolchain(t.Context(), cleanGo())
	require.NoError(t, err)
	assert.Equal(t, runtime.Version(), tc.GoVersion, "the tests run with the go command on PATH")
	assert.Equal(t, runtime.GOOS, tc.GOHOSTOS)
	assert.Equal(t, runtime.GOARCH, tc.GOHOSTARCH)
	assert.Equal(t, matrix.Target{GOOS: runtime.GOOS, GOARCH: runtime.GOARCH}, tc.Host())
	assert.DirExists(t, tc.GOROOT)
	assert.Equal(t, "local", tc.GOTOOLCHAIN)
	assert.Equal(t, matrix.ReleaseOf(runtime.Version()), tc.Release())
	assert.NotEmpty(t, tc.GOMOD, "the tests run inside the xcheck module")
}

func TestDetectToolchainNoGo(t *testing.T) {
	for _, bin := range []string{"/nonexistent/go", "no-such-go-command-xcheck"} {
		t.Run(bin, func(t *testing.T) {
			tc, err := matrix.DetectToolchain(t.Context(), &gocmd.Go{Bin: bin, BaseEnv: cleanEnv()})
			require.Error(t, err)
			assert.Nil(t, tc)
			assert.Contains(t, err.Error(), "go command")
			assert.Contains(t, err.Error(), bin)
			assert.True(t, errors.Is(err, gocmd.ErrNotFound), "%v", err)
		})
	}
}

// fakeGo writes an executable shell script that stands in for a broken go
// command.
func fakeGo(t *testing.T, script string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("needs a POSIX shell")
	}
	bin := filepath.Join(t.TempDir(), "go")
	require.NoError(t, os.WriteFile(bin, []byte("#!/bin/sh\n"+script+"\n"), 0o755))
	return bin
}

func TestDetectToolchainBadGo(t *testing.T) {
	tests := []struct {
		name, script, want string
	}{
		{"fails", "echo 'go: something is wrong' >&2; exit 1", "something is wrong"},
		{"garbage", "echo not json", "invalid JSON"},
		{"no GOVERSION", `echo '{"GOROOT": "/x"}'`, "no usable GOVERSION"},
		{"devel without GOROOT", `echo '{"GOVERSION": "go1.26.8"}'`, "no usable GOVERSION/GOROOT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tc, err := matrix.DetectToolchain(t.Context(), &gocmd.Go{Bin: fakeGo(t, tt.script), BaseEnv: cleanEnv()})
			require.Error(t, err)
			assert.Nil(t, tc)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestDetectToolchainDevel(t *testing.T) {
	// A toolchain built from the development branch.
	bin := fakeGo(t, `echo '{"GOVERSION": "devel go1.27-abcdef0 Tue Jan 6 10:00:00 2026 +0000", "GOROOT": "/goroot", "GOHOSTOS": "linux", "GOHOSTARCH": "amd64"}'`)
	tc, err := matrix.DetectToolchain(t.Context(), &gocmd.Go{Bin: bin})
	require.NoError(t, err)
	assert.Equal(t, "1.27", tc.Release())
	assert.Equal(t, "/goroot", tc.GOROOT)
}

func TestLoadPortsCacheFileName(t *testing.T) {
	tc, err := liveToolchain()
	require.NoError(t, err)
	for _, v := range []string{"devel go1.27-abcdef0 Tue Jan 6 10:00:00 2026 +0000", "go1.26.8 X:boringcrypto"} {
		t.Run(v, func(t *testing.T) {
			odd := *tc
			odd.GoVersion = v
			dir := t.TempDir()
			want, err := matrix.LoadPorts(t.Context(), cleanGo(), &odd, dir)
			require.NoError(t, err)
			files := cacheFiles(t, dir)
			require.Len(t, files, 1)
			assert.Regexp(t, `^[A-Za-z0-9._-]+\.json$`, filepath.Base(files[0]), "cache file names are portable")
			got, err := matrix.LoadPorts(t.Context(), &gocmd.Go{Bin: "/nonexistent/go"}, &odd, dir)
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
}

func TestLoadPortsCache(t *testing.T) {
	tc, err := liveToolchain()
	require.NoError(t, err)
	dir := t.TempDir()

	first, err := matrix.LoadPorts(t.Context(), cleanGo(), tc, dir)
	require.NoError(t, err)
	assert.Equal(t, tc.GoVersion, first.GoVersion)
	files := cacheFiles(t, dir)
	require.Len(t, files, 1, "LoadPorts should write one cache entry")
	assert.Contains(t, filepath.Base(files[0]), tc.GoVersion)

	// The second call must not run the go command at all.
	noGo := &gocmd.Go{Bin: "/nonexistent/go"}
	second, err := matrix.LoadPorts(t.Context(), noGo, tc, dir)
	require.NoError(t, err, "the second call should read the cache")
	assert.Equal(t, first, second)

	// Without the cache, the missing go command is an error.
	_, err = matrix.LoadPorts(t.Context(), noGo, tc, t.TempDir())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "go command")

	// No cache directory: always asks the go command, writes nothing.
	_, err = matrix.LoadPorts(t.Context(), noGo, tc, "")
	require.Error(t, err)
	third, err := matrix.LoadPorts(t.Context(), cleanGo(), tc, "")
	require.NoError(t, err)
	assert.Equal(t, first, third)

	// The cache is keyed by toolchain: another GOROOT of the same version
	// is a different entry.
	other := *tc
	other.GOROOT = t.TempDir()
	_, err = matrix.LoadPorts(t.Context(), noGo, &other, dir)
	require.Error(t, err, "a toolchain with another GOROOT must not share the cache entry")
	other.GOROOT = tc.GOROOT
	other.GoVersion = "go1.99.0"
	_, err = matrix.LoadPorts(t.Context(), noGo, &other, dir)
	require.Error(t, err, "a toolchain with another version must not share the cache entry")
}

func TestLoadPortsCorruptCache(t *testing.T) {
	tc, err := liveToolchain()
	require.NoError(t, err)
	for name, junk := range map[string]string{
		"truncated":   `[{"GOOS": "linux", "GOA`,
		"empty":       ``,
		"empty list":  `[]`,
		"bad port":    `[{"GOOS": "Linux Kernel", "GOARCH": "amd64"}]`,
		"wrong shape": `{"GOOS": "linux"}`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			want, err := matrix.LoadPorts(t.Context(), cleanGo(), tc, dir)
			require.NoError(t, err)
			files := cacheFiles(t, dir)
			require.Len(t, files, 1)
			good, err := os.ReadFile(files[0])
			require.NoError(t, err)

			require.NoError(t, os.WriteFile(files[0], []byte(junk), 0o644))
			got, err := matrix.LoadPorts(t.Context(), cleanGo(), tc, dir)
			require.NoError(t, err, "a corrupt cache entry is recomputed")
			assert.Equal(t, want, got)
			again, err := os.ReadFile(files[0])
			require.NoError(t, err)
			assert.Equal(t, good, again, "the recomputed table is cached again")

			// And now the cache works without the go command.
			_, err = matrix.LoadPorts(t.Context(), &gocmd.Go{Bin: "/nonexistent/go"}, tc, dir)
			require.NoError(t, err)
		})
	}
}

func TestLoadPortsUnwritableCache(t *testing.T) {
	tc, err := liveToolchain()
	require.NoError(t, err)
	// The cache "directory" is a file: nothing can be cached, but the
	// table still loads.
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	ps, err := matrix.LoadPorts(t.Context(), cleanGo(), tc, file)
	require.NoError(t, err)
	assert.NotEmpty(t, ps.List)
}

func TestLoadPortsWithoutBrokenFlag(t *testing.T) {
	tc, err := liveToolchain()
	require.NoError(t, err)
	// A go command that rejects -broken, as toolchains before it existed
	// did: LoadPorts falls back to the list without it.
	bin := fakeGo(t, `for a in "$@"; do [ "$a" = -broken ] && { echo 'flag provided but not defined: -broken' >&2; exit 2; }; done
echo '[{"GOOS":"linux","GOARCH":"amd64","CgoSupported":true,"FirstClass":true}]'`)
	ps, err := matrix.LoadPorts(t.Context(), &gocmd.Go{Bin: bin}, tc, "")
	require.NoError(t, err)
	assert.Equal(t, []matrix.Port{{GOOS: "linux", GOARCH: "amd64", CgoSupported: true, FirstClass: true}}, ps.List)

	// A go command that fails both ways reports the first error.
	bin = fakeGo(t, `echo "dist: broken toolchain $*" >&2; exit 1`)
	_, err = matrix.LoadPorts(t.Context(), &gocmd.Go{Bin: bin}, tc, "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "-broken")
}

func TestLoadPortsLive(t *testing.T) {
	tc, ports := live(t)
	pairs, entries := distList(t, "-broken")
	assert.Equal(t, tc.GoVersion, ports.GoVersion)
	var got []string
	for _, p := range ports.List {
		got = append(got, p.Pair())
	}
	assert.Equal(t, pairs, got, "the table lists every port, broken ones included, sorted")
	for _, e := range entries {
		p, ok := ports.Lookup(e.GOOS, e.GOARCH)
		require.True(t, ok, e.Pair())
		assert.Equal(t, e, p)
	}
	var broken []string
	for _, p := range ports.List {
		if p.Broken {
			broken = append(broken, p.Pair())
		}
	}
	assert.NotEmpty(t, broken, "go tool dist list -broken marks some ports broken")
}

func TestParsePorts(t *testing.T) {
	good := `[
		{"GOOS": "windows", "GOARCH": "amd64", "CgoSupported": true, "FirstClass": true},
		{"GOOS": "linux", "GOARCH": "sparc64", "CgoSupported": true, "Broken": true},
		{"GOOS": "linux", "GOARCH": "amd64", "CgoSupported": true, "FirstClass": true, "Extra": 1},
		{"GOOS": "js", "GOARCH": "wasm"},
		{"GOOS": "linux", "GOARCH": "amd64", "CgoSupported": true, "FirstClass": true}
	]`
	ps, err := matrix.ParsePorts("go1.26.8", []byte(good))
	require.NoError(t, err)
	assert.Equal(t, "go1.26.8", ps.GoVersion)
	assert.Equal(t, []matrix.Port{
		{GOOS: "js", GOARCH: "wasm"},
		{GOOS: "linux", GOARCH: "amd64", CgoSupported: true, FirstClass: true},
		{GOOS: "linux", GOARCH: "sparc64", CgoSupported: true, Broken: true},
		{GOOS: "windows", GOARCH: "amd64", CgoSupported: true, FirstClass: true},
	}, ps.List, "sorted by pair, duplicates dropped")

	bad := map[string]struct{ in, want string }{
		"garbage":     {"garbage", "invalid JSON"},
		"empty input": {"", "invalid JSON"},
		"empty list":  {"[]", "no ports"},
		"null":        {"null", "no ports"},
		"object":      {`{"GOOS": "linux", "GOARCH": "amd64"}`, "invalid JSON"},
		"wrong type":  {`[{"GOOS": 1, "GOARCH": "amd64"}]`, "invalid JSON"},
		"empty GOOS":  {`[{"GOOS": "", "GOARCH": "amd64"}]`, `invalid port "/amd64"`},
		"no GOARCH":   {`[{"GOOS": "linux"}]`, `invalid port "linux/"`},
		"slash":       {`[{"GOOS": "linux/x", "GOARCH": "amd64"}]`, "invalid port"},
		"upper case":  {`[{"GOOS": "Linux", "GOARCH": "amd64"}]`, "invalid port"},
		"space":       {`[{"GOOS": "linux", "GOARCH": "amd 64"}]`, "invalid port"},
		"truncated":   {`[{"GOOS": "linux", "GOARCH": "amd64"}`, "invalid JSON"},
	}
	for name, tt := range bad {
		t.Run(name, func(t *testing.T) {
			ps, err := matrix.ParsePorts("go1.26.8", []byte(tt.in))
			require.Error(t, err)
			assert.Nil(t, ps)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestLookup(t *testing.T) {
	_, ports := live(t)
	tests := []struct {
		goos, goarch string
		ok           bool
		want         matrix.Port
	}{
		{"linux", "amd64", true, matrix.Port{GOOS: "linux", GOARCH: "amd64", CgoSupported: true, FirstClass: true}},
		{"darwin", "arm64", true, matrix.Port{GOOS: "darwin", GOARCH: "arm64", CgoSupported: true, FirstClass: true}},
		{"js", "wasm", true, matrix.Port{GOOS: "js", GOARCH: "wasm"}},
		{"linux", "sparc64", true, matrix.Port{GOOS: "linux", GOARCH: "sparc64", CgoSupported: true, Broken: true}},
		{"aix", "ppc64", true, matrix.Port{GOOS: "aix", GOARCH: "ppc64", CgoSupported: true}},
		{"windows", "arm", false, matrix.Port{}},
		{"linux", "arm6", false, matrix.Port{}},
		{"linux", "", false, matrix.Port{}},
		{"", "", false, matrix.Port{}},
		{"zos", "s390x", false, matrix.Port{}},
		{"LINUX", "AMD64", false, matrix.Port{}},
	}
	for _, tt := range tests {
		t.Run(tt.goos+"/"+tt.goarch, func(t *testing.T) {
			p, ok := ports.Lookup(tt.goos, tt.goarch)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, p)
		})
	}
	// Every listed port is found, by binary search.
	for _, p := range ports.List {
		got, ok := ports.Lookup(p.GOOS, p.GOARCH)
		assert.True(t, ok, p.Pair())
		assert.Equal(t, p, got)
	}
}
