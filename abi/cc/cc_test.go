package cc

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseTriple(t *testing.T) {
	for in, want := range map[string]Triple{
		"x86_64-linux-gnu":           {GOOS: "linux", GOARCH: "amd64", Libc: "gnu"},
		"aarch64-linux-gnu":          {GOOS: "linux", GOARCH: "arm64", Libc: "gnu"},
		"aarch64-unknown-linux-musl": {GOOS: "linux", GOARCH: "arm64", Libc: "musl"},
		"arm-linux-gnueabihf":        {GOOS: "linux", GOARCH: "arm", Float: "hard", Libc: "gnu"},
		"arm-linux-gnueabi":          {GOOS: "linux", GOARCH: "arm", Float: "soft", Libc: "gnu"},
		"armv7a-linux-androideabi21": {GOOS: "android", GOARCH: "arm", Float: "soft", Libc: "android"},
		"i686-linux-gnu":             {GOOS: "linux", GOARCH: "386", Libc: "gnu"},
		"x86_64-w64-mingw32":         {GOOS: "windows", GOARCH: "amd64", Libc: "mingw"},
		"arm64-apple-darwin23.1.0":   {GOOS: "darwin", GOARCH: "arm64", Libc: "darwin"},
		"powerpc64le-linux-gnu":      {GOOS: "linux", GOARCH: "ppc64le", Libc: "gnu"},
		"mipsel-linux-gnu":           {GOOS: "linux", GOARCH: "mipsle", Libc: "gnu"},
		"mips64el-linux-gnuabi64":    {GOOS: "linux", GOARCH: "mips64le", Libc: "gnu"},
		"riscv64-linux-gnu":          {GOOS: "linux", GOARCH: "riscv64", Libc: "gnu"},
		"s390x-linux-gnu":            {GOOS: "linux", GOARCH: "s390x", Libc: "gnu"},
		"loongarch64-linux-gnu":      {GOOS: "linux", GOARCH: "loong64", Libc: "gnu"},
		"x86_64-unknown-freebsd14":   {GOOS: "freebsd", GOARCH: "amd64"},
		"":                           {},
		"sparc-sun-solaris":          {},
	} {
		assert.Equal(t, want, ParseTriple(in), in)
	}
}

func TestSplitQuoted(t *testing.T) {
	w, err := SplitQuoted(`zig cc -target "aarch64-linux-gnu.2.28" '-O2 x'`)
	require.NoError(t, err)
	assert.Equal(t, []string{"zig", "cc", "-target", "aarch64-linux-gnu.2.28", "-O2 x"}, w)
	_, err = SplitQuoted(`gcc "unterminated`)
	assert.Error(t, err)
}

func TestSuggest(t *testing.T) {
	name, how := Suggest("linux", "arm", "6,softfloat")
	assert.Equal(t, "arm-linux-gnueabi-gcc", name)
	assert.Equal(t, "apt-get install gcc-arm-linux-gnueabi", how)
	name, _ = Suggest("linux", "arm", "7")
	assert.Equal(t, "arm-linux-gnueabihf-gcc", name)
	name, how = Suggest("windows", "amd64", "")
	assert.Equal(t, "x86_64-w64-mingw32-gcc", name)
	assert.Equal(t, "apt-get install gcc-mingw-w64", how)
	name, how = Suggest("android", "arm64", "")
	assert.Equal(t, "aarch64-linux-android21-clang", name)
	assert.Equal(t, "from the Android NDK", how)
	name, _ = Suggest("plan9", "386", "")
	assert.Empty(t, name)
}

// TestProbeRealCompilers asks the installed compilers (the host gcc and the
// Debian cross compilers that scripts/setup.sh installs) what they target.
func TestProbeRealCompilers(t *testing.T) {
	var p Prober
	env := os.Environ()
	for cc, want := range map[string]Triple{
		"gcc":                     {GOOS: "linux", GOARCH: "amd64", Libc: "gnu"},
		"aarch64-linux-gnu-gcc":   {GOOS: "linux", GOARCH: "arm64", Libc: "gnu"},
		"arm-linux-gnueabihf-gcc": {GOOS: "linux", GOARCH: "arm", Float: "hard", Libc: "gnu"},
		"arm-linux-gnueabi-gcc":   {GOOS: "linux", GOARCH: "arm", Float: "soft", Libc: "gnu"},
		"riscv64-linux-gnu-gcc":   {GOOS: "linux", GOARCH: "riscv64", Libc: "gnu"},
	} {
		if _, err := exec.LookPath(cc); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is not installed; scripts/setup.sh installs it", cc)
			}
			t.Skipf("%s not installed: run scripts/setup.sh", cc)
		}
		info := p.Probe(context.Background(), cc, env)
		require.True(t, info.Found(), "%s: %v", cc, info.Err)
		assert.Equal(t, want, info.Target, cc)
		// Cached: the same pointer the second time.
		assert.Same(t, info, p.Probe(context.Background(), cc, env))
	}
}

func TestProbeMissingAndBroken(t *testing.T) {
	var p Prober
	info := p.Probe(context.Background(), "no-such-cc-xyz", os.Environ())
	assert.False(t, info.Found())
	assert.Empty(t, info.Path)
	assert.ErrorContains(t, info.Err, `no C compiler "no-such-cc-xyz" in PATH`)

	// A compiler that exists but fails.
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad-cc")
	require.NoError(t, os.WriteFile(bad, []byte("#!/bin/sh\necho 'bad-cc: broken install' >&2\nexit 1\n"), 0o755))
	info = p.Probe(context.Background(), bad, os.Environ())
	assert.False(t, info.Found())
	assert.Equal(t, bad, info.Path)
	assert.ErrorContains(t, info.Err, "bad-cc: broken install")

	info = p.Probe(context.Background(), `gcc "unterminated`, os.Environ())
	assert.ErrorContains(t, info.Err, "cannot parse CC")
}
