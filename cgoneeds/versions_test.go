package cgoneeds_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/cgoneeds"
	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/loader/loadertest"
)

const prebuiltModule = `
-- go.mod --
module example.com/m

go 1.22
-- native/native.go --
package native

// #cgo LDFLAGS: -L${SRCDIR}/lib -lthreads
// int threads_start(void);
import "C"

func Start() int { return int(C.threads_start()) }
-- main.go --
package main

import "example.com/m/native"

func main() { native.Start() }
`

// crossShared builds lib/lib<name>.so of the module in dir from C source
// with the arm64 cross compiler and extra link arguments.
func crossShared(t *testing.T, cross, dir, name, src string, args ...string) string {
	t.Helper()
	lib := filepath.Join(dir, "native", "lib")
	require.NoError(t, os.MkdirAll(lib, 0o755))
	c := filepath.Join(t.TempDir(), name+".c")
	require.NoError(t, os.WriteFile(c, []byte(src), 0o644))
	out := filepath.Join(lib, "lib"+name+".so")
	compile(t, lib, cross, "gcc-aarch64-linux-gnu", append([]string{"-shared", "-fPIC", "-o", out, c}, args...)...)
	return out
}

// readelfNeeds returns `readelf -V` of path: the oracle for the versions
// the library needs.
func readelfNeeds(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command(needTool(t, "readelf", "binutils"), "-V", "--wide", path).CombinedOutput()
	require.NoError(t, err, "%s", out)
	return string(out)
}

func TestPrebuiltVersionNeeds(t *testing.T) {
	t.Parallel()
	needSysroot(t, arm64Root, "libc6-dev-arm64-cross")
	cross := needTool(t, "aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu")
	dir := loadertest.WriteModule(t, prebuiltModule)
	run := func(floor string) []finding.Finding {
		gs := loadDir(t, dir, target{spec: "linux/arm64", cc: cross})
		return cgoneeds.Check(context.Background(), gs[0], cgoneeds.Config{Sysroot: arm64Root, Env: env(), GlibcFloor: floor})
	}

	// Built against Debian's arm64 sysroot, whose glibc merged
	// libpthread into libc in 2.34: pthread_create@GLIBC_2.34.
	so := crossShared(t, cross, dir, "threads", `#include <pthread.h>
static void *run(void *a) { return a; }
int threads_start(void) { pthread_t t; return pthread_create(&t, 0, run, 0); }
`)
	require.Contains(t, readelfNeeds(t, so), "GLIBC_2.34", "the oracle: readelf -V shows the need")

	t.Run("above the floor fires a warning naming the symbols", func(t *testing.T) {
		fs := run("2.28")
		dump := loadertest.Dump(fs)
		got := loadertest.Of(fs, "XC4013", "linux/arm64")
		require.Len(t, got, 1, dump)
		f := got[0]
		assert.Equal(t, finding.Warning, f.Severity)
		assert.Equal(t, "native/native.go:3:34", f.Pos.String())
		assert.Contains(t, f.Message, `prebuilt "native/lib/libthreads.so" needs GLIBC_2.34 from libc.so.6, newer than the --glibc floor 2.28`)
		assert.Contains(t, f.Why, "GLIBC_2.34: pthread_create")
		assert.Contains(t, f.Fix, "glibc 2.28 or older")
	})
	t.Run("at or below the floor is quiet", func(t *testing.T) {
		fs := run("2.36")
		assert.Empty(t, loadertest.Of(fs, "XC4013", ""), loadertest.Dump(fs))
		fs = run("")
		assert.Empty(t, loadertest.Of(fs, "XC4013", ""), loadertest.Dump(fs))
	})

	t.Run("a version the sysroot lacks is an error", func(t *testing.T) {
		// A stand-in libc.so.6 that defines GLIBC_9.99, which no real
		// glibc has: libthreads.so linked against it needs it.
		stub := t.TempDir()
		vs := filepath.Join(stub, "v.map")
		require.NoError(t, os.WriteFile(vs, []byte("GLIBC_9.99 { global: future_fn; local: *; };\n"), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(stub, "c.c"), []byte("int future_fn(void) { return 1; }\n"), 0o644))
		compile(t, stub, cross, "gcc-aarch64-linux-gnu", "-shared", "-fPIC", "-nostdlib", "-Wl,--version-script="+vs,
			"-Wl,-soname,libc.so.6", "-o", "libc.so.6", "c.c")
		so := crossShared(t, cross, dir, "threads", "int future_fn(void);\nint threads_start(void) { return future_fn(); }\n",
			"-nostdlib", filepath.Join(stub, "libc.so.6"))
		require.Contains(t, readelfNeeds(t, so), "GLIBC_9.99")

		fs := run("")
		dump := loadertest.Dump(fs)
		got := loadertest.Of(fs, "XC4013", "linux/arm64")
		require.Len(t, got, 1, dump)
		f := got[0]
		assert.Equal(t, finding.Error, f.Severity)
		assert.Contains(t, f.Message, `prebuilt "native/lib/libthreads.so" needs GLIBC_9.99 from libc.so.6, which the sysroot's lib/libc.so.6 does not define`)
		assert.Contains(t, f.Why, "GLIBC_9.99: future_fn")
		assert.Contains(t, f.Why, "the sysroot's lib/libc.so.6 defines up to GLIBC_2.36")
	})

	t.Run("a library the sysroot does not have is an error", func(t *testing.T) {
		stub := t.TempDir()
		compile(t, stub, cross, "gcc-aarch64-linux-gnu", "-shared", "-fPIC", "-nostdlib", "-Wl,-soname,libxcheck_gone.so.1",
			"-o", "libxcheck_gone.so", "-x", "c", "/dev/null")
		crossShared(t, cross, dir, "threads", "int threads_start(void) { return 0; }\n",
			"-L"+stub, "-Wl,--no-as-needed", "-lxcheck_gone")
		fs := run("")
		got := loadertest.Of(fs, "XC4013", "linux/arm64")
		require.Len(t, got, 1, loadertest.Dump(fs))
		assert.Contains(t, got[0].Message, `needs libxcheck_gone.so.1, which the sysroot does not have`)

		// Shipped next to the library that needs it: quiet.
		data, err := os.ReadFile(filepath.Join(stub, "libxcheck_gone.so"))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "native", "lib", "libxcheck_gone.so.1"), data, 0o644))
		fs = run("")
		assert.Empty(t, loadertest.Of(fs, "XC4013", ""), loadertest.Dump(fs))
	})
}
