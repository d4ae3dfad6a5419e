package cgoneeds_test

// End-to-end tests: real module shapes with cgo files, loaded with
// loader.LoadTargets, checked against the Debian cross sysroots that
// scripts/apt-packages.txt installs (/usr/aarch64-linux-gnu, ...), with
// libraries built by the real host and cross compilers. With CI=true a
// missing sysroot, compiler or pkg-config fails the test instead of
// skipping it.

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/analyzers/graph"
	"github.com/xcheck-dev/xcheck/cgoneeds"
	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/loader"
	"github.com/xcheck-dev/xcheck/loader/loadertest"
	"github.com/xcheck-dev/xcheck/matrix"
)

const (
	arm64Root = "/usr/aarch64-linux-gnu"
	armhfRoot = "/usr/arm-linux-gnueabihf"
	rv64Root  = "/usr/riscv64-linux-gnu"
)

// need skips the test, or fails it when CI=true, if ok is false.
func need(t testing.TB, ok bool, what, pkg string) {
	t.Helper()
	if ok {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is missing; CI installs it (apt-get install -y %s, see scripts/apt-packages.txt)", what, pkg)
	}
	t.Skipf("%s is missing; install it with: apt-get install -y %s", what, pkg)
}

func needSysroot(t testing.TB, dir, pkg string) {
	t.Helper()
	fi, err := os.Stat(filepath.Join(dir, "include", "stdlib.h"))
	need(t, err == nil && !fi.IsDir(), "sysroot "+dir, pkg)
}

func needTool(t testing.TB, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	need(t, err == nil, name, pkg)
	return p
}

// compile runs a C compiler (or ar) in dir.
func compile(t testing.TB, dir, tool, pkg string, args ...string) {
	t.Helper()
	cmd := exec.Command(needTool(t, tool, pkg), args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s %s: %s", tool, strings.Join(args, " "), out)
}

// sharedLib builds lib<name>.so from a one-function C file with cc into
// dir.
func sharedLib(t testing.TB, dir, cc, pkg, name string) string {
	t.Helper()
	require.NoError(t, os.MkdirAll(dir, 0o755))
	src := filepath.Join(dir, name+".c")
	require.NoError(t, os.WriteFile(src, []byte("int "+name+"_fn(void) { return 42; }\n"), 0o644))
	out := filepath.Join(dir, "lib"+name+".so")
	compile(t, dir, cc, pkg, "-shared", "-fPIC", "-o", out, src)
	require.NoError(t, os.Remove(src))
	return out
}

// staticLib builds an archive out with one object compiled by cc.
func staticLib(t testing.TB, out, cc, ar, pkg string) {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "obj.c")
	require.NoError(t, os.WriteFile(src, []byte("int zstd_fn(void) { return 1; }\n"), 0o644))
	compile(t, dir, cc, pkg, "-c", "-o", "obj.o", src)
	require.NoError(t, os.MkdirAll(filepath.Dir(out), 0o755))
	compile(t, dir, ar, "binutils", "rcs", out, "obj.o")
}

type target struct {
	spec string
	cc   string // CC; "" for none
	env  map[string]string
}

// load writes the module and loads it for the targets with cgo on.
func load(t *testing.T, module string, targets ...target) (string, []*graph.Target) {
	t.Helper()
	dir := loadertest.WriteModule(t, module)
	return dir, loadDir(t, dir, targets...)
}

func loadDir(t *testing.T, dir string, targets ...target) []*graph.Target {
	t.Helper()
	var builds []*matrix.Build
	for _, tg := range targets {
		b := loadertest.Build(t, tg.spec, true)
		b.CC = tg.cc
		b.GoEnv = map[string]string{"CC": tg.cc, "CGO_CFLAGS": "-O2 -g", "CGO_CPPFLAGS": "", "CGO_LDFLAGS": "-O2 -g", "PKG_CONFIG": "pkg-config"}
		for k, v := range tg.env {
			b.GoEnv[k] = v
		}
		builds = append(builds, b)
	}
	gs, _, err := loader.LoadTargets(context.Background(), loader.Config{Dir: dir, BaseEnv: loadertest.Env()}, builds, nil)
	require.NoError(t, err)
	require.Len(t, gs, len(targets))
	return gs
}

// env is a clean build environment: PATH and HOME, plus kv.
func env(kv ...string) []string {
	return append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, kv...)
}

func check(g *graph.Target, sysroot string, e []string) []finding.Finding {
	return cgoneeds.Check(context.Background(), g, cgoneeds.Config{Sysroot: sysroot, Env: e})
}

const headersModule = `
-- go.mod --
module example.com/m

go 1.22
-- capture/capture.go --
package capture

/*
#cgo CFLAGS: -DUSE_PCAP=1
#include <stdlib.h>
#include <stdint.h>
#include <stddef.h>
#ifdef _WIN32
#include <windows.h>
#endif
#if USE_PCAP
#include <pcap.h>
#endif
#include "local.h"
*/
import "C"

func Free() { C.free(nil) }
-- capture/local.h --
#ifndef LOCAL_H
#define LOCAL_H
#include <sys/types.h>
#include <libnotthere.h>
#endif
-- capture/other.c --
#include <string.h>
#include "local.h"
#include <alsoabsent.h>
-- capture/skipped_windows.c --
#include <windows.h>
-- good/good.go --
package good

/*
#include <stdlib.h>
#include <stdio.h>
#include <arm_neon.h>
#include "good.h"
*/
import "C"

func Free() { C.free(nil) }
-- good/good.h --
#include <errno.h>
-- main.go --
package main

import (
	_ "example.com/m/capture"
	_ "example.com/m/good"
)

func main() {}
`

func TestMissingHeaderFires(t *testing.T) {
	t.Parallel()
	needSysroot(t, arm64Root, "libc6-dev-arm64-cross")
	cc := needTool(t, "aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu")
	for _, tc := range []struct {
		name string
		cc   string
	}{{"with the cross compiler", cc}, {"without a compiler", ""}} {
		t.Run(tc.name, func(t *testing.T) {
			_, gs := load(t, headersModule, target{spec: "linux/arm64", cc: tc.cc})
			fs := check(gs[0], arm64Root, env())
			dump := loadertest.Dump(fs)
			hs := loadertest.Of(fs, "XC4009", "linux/arm64")
			var got []string
			for _, f := range hs {
				got = append(got, f.Pos.String()+" "+f.Message)
			}
			// Expected positions: counted by hand in the files above.
			assert.Equal(t, []string{
				`capture/capture.go:12:10 header "pcap.h" is not in the sysroot or the include directories`,
				`capture/local.h:4:10 header "libnotthere.h" is not in the sysroot or the include directories`,
				`capture/other.c:3:10 header "alsoabsent.h" is not in the sysroot or the include directories`,
			}, got, dump)
			assert.Len(t, fs, 3, dump)
			f := hs[0]
			assert.Equal(t, finding.Error, f.Severity)
			assert.Equal(t, []string{"linux/arm64"}, f.Targets)
			assert.Contains(t, f.Why, "example.com/m -> example.com/m/capture")
			assert.Contains(t, f.Fix, "apt-get install libpcap-dev:arm64")
			assert.Contains(t, f.Fix, "dpkg --add-architecture arm64")
		})
	}
}

func TestMissingHeaderQuietOnArmhf(t *testing.T) {
	t.Parallel()
	needSysroot(t, armhfRoot, "libc6-dev-armhf-cross")
	cc := needTool(t, "arm-linux-gnueabihf-gcc", "gcc-arm-linux-gnueabihf")
	module := strings.ReplaceAll(headersModule, "#include <arm_neon.h>", "#include <arm_neon.h>\n#include <sys/auxv.h>")
	_, gs := load(t, module, target{spec: "linux/arm/v7", cc: cc})
	fs := check(gs[0], armhfRoot, env())
	// good/ is quiet; capture/ has the same three missing headers.
	for _, f := range fs {
		assert.True(t, strings.HasPrefix(f.Pos.File, "capture/"), loadertest.Dump(fs))
	}
	assert.Len(t, loadertest.Of(fs, "XC4009", ""), 3, loadertest.Dump(fs))
}

func TestCgoOffOrStdlibOnly(t *testing.T) {
	t.Parallel()
	needSysroot(t, arm64Root, "libc6-dev-arm64-cross")
	dir := loadertest.WriteModule(t, headersModule)
	b := loadertest.Build(t, "linux/arm64", false)
	gs, _, err := loader.LoadTargets(context.Background(), loader.Config{Dir: dir, BaseEnv: loadertest.Env()}, []*matrix.Build{b}, nil)
	require.NoError(t, err)
	assert.Empty(t, check(gs[0], arm64Root, env()))
}

const libsModule = `
-- go.mod --
module example.com/m

go 1.22
-- native/native.go --
package native

/*
#cgo LDFLAGS: -lm -lpthread -ldl -lc -lgcc_s
#cgo linux LDFLAGS: -lxcheck_absent
#cgo windows LDFLAGS: -lws2_32
#cgo LDFLAGS: -L${SRCDIR}/lib -lfoo
#include <stdlib.h>
*/
import "C"

func Free() { C.free(nil) }
`

func TestLibraries(t *testing.T) {
	t.Parallel()
	needSysroot(t, arm64Root, "libc6-dev-arm64-cross")
	cross := needTool(t, "aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu")
	needTool(t, "gcc", "gcc")
	dir := loadertest.WriteModule(t, libsModule)
	lib := filepath.Join(dir, "native", "lib")

	t.Run("host library fires wrong-arch", func(t *testing.T) {
		sharedLib(t, lib, "gcc", "gcc", "foo")
		gs := loadDir(t, dir, target{spec: "linux/arm64", cc: cross})
		fs := check(gs[0], arm64Root, env())
		dump := loadertest.Dump(fs)
		require.Len(t, fs, 2, dump)

		missing := loadertest.Of(fs, "XC4010", "linux/arm64")
		require.Len(t, missing, 1, dump)
		assert.Equal(t, "native/native.go:5:21", missing[0].Pos.String())
		assert.Equal(t, `no library for "-lxcheck_absent" in the sysroot or the -L directories`, missing[0].Message)
		assert.Contains(t, missing[0].Why, "from #cgo LDFLAGS")

		wrong := loadertest.Of(fs, "XC4011", "linux/arm64")
		require.Len(t, wrong, 1, dump)
		assert.Equal(t, "native/native.go:7:31", wrong[0].Pos.String())
		// The oracle: the file's ELF header, as readelf names it.
		assert.Contains(t, wrong[0].Message, `"native/lib/libfoo.so" is EM_X86_64, 64-bit LSB, GOARCH amd64, the target needs EM_AARCH64, 64-bit LSB, GOARCH arm64`)
		assert.Contains(t, wrong[0].Fix, "aarch64-linux-gnu-gcc)")
	})

	t.Run("cross-built library is quiet", func(t *testing.T) {
		sharedLib(t, lib, cross, "gcc-aarch64-linux-gnu", "foo")
		gs := loadDir(t, dir, target{spec: "linux/arm64", cc: cross})
		fs := check(gs[0], arm64Root, env())
		require.Len(t, fs, 1, loadertest.Dump(fs))
		assert.Equal(t, "XC4010", fs[0].Rule.ID) // -lxcheck_absent only
	})

	t.Run("host library next to a cross-built one is skipped", func(t *testing.T) {
		// ld skips the incompatible -L candidate and finds the
		// sysroot's: -lm in an -L directory with an x86-64 libm.so.
		sharedLib(t, lib, "gcc", "gcc", "m")
		defer os.Remove(filepath.Join(lib, "libm.so"))
		gs := loadDir(t, dir, target{spec: "linux/arm64", cc: cross})
		fs := check(gs[0], arm64Root, env())
		assert.Empty(t, loadertest.Of(fs, "XC4011", ""), loadertest.Dump(fs))
	})

	t.Run("CGO_LDFLAGS", func(t *testing.T) {
		gs := loadDir(t, dir, target{spec: "linux/arm64", cc: cross, env: map[string]string{"CGO_LDFLAGS": "-O2 -g -lxcheck_env"}})
		fs := check(gs[0], arm64Root, env())
		var envF []finding.Finding
		for _, f := range loadertest.Of(fs, "XC4010", "") {
			if !f.Pos.IsValid() {
				envF = append(envF, f)
			}
		}
		require.Len(t, envF, 1, loadertest.Dump(fs))
		assert.Equal(t, `no library for "-lxcheck_env" in the sysroot or the -L directories`, envF[0].Message)
		assert.Contains(t, envF[0].Why, "CGO_LDFLAGS in the environment")
	})
}

func TestFloatABIMismatch(t *testing.T) {
	t.Parallel()
	needSysroot(t, armhfRoot, "libc6-dev-armhf-cross")
	needSysroot(t, "/usr/arm-linux-gnueabi", "libc6-dev-armel-cross")
	hf := needTool(t, "arm-linux-gnueabihf-gcc", "gcc-arm-linux-gnueabihf")
	module := `
-- go.mod --
module example.com/m

go 1.22
-- f/f.go --
package f

// #cgo LDFLAGS: -L${SRCDIR} -lsoft
import "C"
`
	dir := loadertest.WriteModule(t, module)
	sharedLib(t, filepath.Join(dir, "f"), "arm-linux-gnueabi-gcc", "gcc-arm-linux-gnueabi", "soft")
	gs := loadDir(t, dir, target{spec: "linux/arm/v7", cc: hf})
	fs := check(gs[0], armhfRoot, env())
	require.Len(t, fs, 1, loadertest.Dump(fs))
	assert.Equal(t, "XC4011", fs[0].Rule.ID)
	assert.Equal(t, `library for "-lsoft": "f/libsoft.so" uses the soft-float (armel) float ABI, the target is hard-float (armhf) (GOARM=7)`, fs[0].Message)

	// The same library for GOARM=5 (soft-float) is quiet.
	gs = loadDir(t, dir, target{spec: "linux/arm/v5", cc: "arm-linux-gnueabi-gcc"})
	assert.Empty(t, check(gs[0], "/usr/arm-linux-gnueabi", env()))
}

const zstdModule = `
-- go.mod --
module example.com/m

go 1.22
-- zstd/zstd.go --
package zstd

/*
#cgo CFLAGS: -O3
#cgo linux,amd64 LDFLAGS: ${SRCDIR}/libzstd_linux_amd64.a
#cgo linux,arm64 LDFLAGS: ${SRCDIR}/libzstd_linux_arm64.a
#cgo darwin,arm64 LDFLAGS: ${SRCDIR}/libzstd_darwin_arm64.a
#include <stdlib.h>
*/
import "C"

func Free() { C.free(nil) }
`

// TestPrebuiltArchives is the valyala/gozstd shape (user-pain row 21): one
// prebuilt archive per target, named by #cgo GOOS,GOARCH LDFLAGS lines.
func TestPrebuiltArchives(t *testing.T) {
	t.Parallel()
	needSysroot(t, arm64Root, "libc6-dev-arm64-cross")
	needSysroot(t, rv64Root, "libc6-dev-riscv64-cross")
	cross := needTool(t, "aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu")
	dir := loadertest.WriteModule(t, zstdModule)
	zdir := filepath.Join(dir, "zstd")
	staticLib(t, filepath.Join(zdir, "libzstd_linux_amd64.a"), "gcc", "ar", "gcc")
	// A mistake: the "arm64" archive is built with the host compiler.
	staticLib(t, filepath.Join(zdir, "libzstd_linux_arm64.a"), "gcc", "ar", "gcc")

	gs := loadDir(t, dir, target{spec: "linux/arm64", cc: cross}, target{spec: "linux/riscv64"})
	fs := check(gs[0], arm64Root, env())
	require.Len(t, fs, 1, loadertest.Dump(fs))
	assert.Equal(t, "XC4011", fs[0].Rule.ID)
	assert.Equal(t, "zstd/zstd.go:6:27", fs[0].Pos.String())
	assert.Equal(t, `prebuilt "zstd/libzstd_linux_arm64.a(obj.o)" is for another architecture: EM_X86_64, 64-bit LSB, GOARCH amd64, the target needs EM_AARCH64, 64-bit LSB, GOARCH arm64`, fs[0].Message)

	fs = check(gs[1], rv64Root, env())
	require.Len(t, fs, 1, loadertest.Dump(fs))
	assert.Equal(t, "XC4010", fs[0].Rule.ID)
	assert.Equal(t, "zstd/zstd.go:5:1", fs[0].Pos.String())
	assert.Equal(t, "no prebuilt library for this target: the package links one only for 3 other targets", fs[0].Message)

	// Rebuilt for arm64: quiet. The darwin archive's absence does not
	// matter to linux/arm64.
	staticLib(t, filepath.Join(zdir, "libzstd_linux_arm64.a"), cross, "aarch64-linux-gnu-ar", "gcc-aarch64-linux-gnu")
	gs = loadDir(t, dir, target{spec: "linux/arm64", cc: cross})
	assert.Empty(t, check(gs[0], arm64Root, env()))

	// Without a sysroot, prebuilt files are still checked.
	require.NoError(t, os.Remove(filepath.Join(zdir, "libzstd_linux_arm64.a")))
	fs = check(gs[0], "", env())
	require.Len(t, fs, 1, loadertest.Dump(fs))
	assert.Equal(t, `prebuilt file "zstd/libzstd_linux_arm64.a" does not exist`, fs[0].Message)
}

// pcSysroot makes a small separate sysroot with an arm64 library xcfoo,
// its header and its .pc file.
func pcSysroot(t *testing.T, cross string) string {
	t.Helper()
	root := t.TempDir()
	libdir := filepath.Join(root, "usr", "lib", "aarch64-linux-gnu")
	require.NoError(t, os.MkdirAll(filepath.Join(libdir, "pkgconfig"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(root, "usr", "include", "xcfoo"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "usr", "include", "xcfoo", "xcfoo.h"), []byte("int xcfoo_fn(void);\n"), 0o644))
	sharedLib(t, libdir, cross, "gcc-aarch64-linux-gnu", "xcfoo")
	pc := "prefix=/usr\nincludedir=${prefix}/include/xcfoo\nlibdir=${prefix}/lib/aarch64-linux-gnu\n\n" +
		"Name: xcfoo\nDescription: test\nVersion: 1.0\nCflags: -I${includedir}\nLibs: -L${libdir} -lxcfoo\n"
	require.NoError(t, os.WriteFile(filepath.Join(libdir, "pkgconfig", "xcfoo.pc"), []byte(pc), 0o644))
	return root
}

const pcModule = `
-- go.mod --
module example.com/m

go 1.22
-- pc/pc.go --
package pc

/*
#cgo pkg-config: xcfoo
#include <xcfoo.h>
*/
import "C"

func F() int { return int(C.xcfoo_fn()) }
`

func TestPkgConfig(t *testing.T) {
	t.Parallel()
	needTool(t, "pkg-config", "pkgconf")
	cross := needTool(t, "aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu")
	root := pcSysroot(t, cross)
	pcdir := filepath.Join(root, "usr", "lib", "aarch64-linux-gnu", "pkgconfig")
	_, gs := load(t, pcModule, target{spec: "linux/arm64"})
	g := gs[0]

	t.Run("set up for the sysroot: quiet", func(t *testing.T) {
		fs := check(g, root, env("PKG_CONFIG_LIBDIR="+pcdir, "PKG_CONFIG_SYSROOT_DIR="+root))
		assert.Empty(t, fs, loadertest.Dump(fs))
	})

	t.Run("not set up: the sysroot has it", func(t *testing.T) {
		fs := check(g, root, env())
		require.Len(t, fs, 1, loadertest.Dump(fs))
		f := fs[0]
		assert.Equal(t, "XC4012", f.Rule.ID)
		assert.Equal(t, "pc/pc.go:4:18", f.Pos.String())
		assert.Equal(t, `pkg-config package "xcfoo" is in the sysroot, but pkg-config as the build runs it does not find it`, f.Message)
		assert.Contains(t, f.Fix, "PKG_CONFIG_LIBDIR="+pcdir+string(filepath.ListSeparator))
		assert.Contains(t, f.Fix, "PKG_CONFIG_SYSROOT_DIR="+root)
	})

	t.Run("host paths leak", func(t *testing.T) {
		// PKG_CONFIG_LIBDIR without PKG_CONFIG_SYSROOT_DIR: the .pc
		// file's /usr paths are taken as host paths.
		fs := check(g, root, env("PKG_CONFIG_LIBDIR="+pcdir))
		leaks := loadertest.Of(fs, "XC4012", "")
		require.Len(t, leaks, 1, loadertest.Dump(fs))
		assert.Equal(t, `pkg-config flags for "xcfoo" point outside the target: "-I/usr/include/xcfoo", "-L/usr/lib/aarch64-linux-gnu"`, leaks[0].Message)
		assert.Contains(t, leaks[0].Why, `"/usr/include/xcfoo": it is outside the sysroot `+root)
		// The leaked -I does not hold xcfoo.h on this host either.
		assert.Len(t, loadertest.Of(fs, "XC4009", ""), 1, loadertest.Dump(fs))
	})

	t.Run("another architecture's directory", func(t *testing.T) {
		other := t.TempDir()
		pc := "Name: xcfoo\nDescription: t\nVersion: 1\nCflags: -I" + root + "/usr/include/xcfoo\nLibs: -L" + root + "/usr/lib/x86_64-linux-gnu -lxcfoo\n"
		require.NoError(t, os.WriteFile(filepath.Join(other, "xcfoo.pc"), []byte(pc), 0o644))
		fs := check(g, root, env("PKG_CONFIG_LIBDIR="+other))
		leaks := loadertest.Of(fs, "XC4012", "")
		require.Len(t, leaks, 1, loadertest.Dump(fs))
		assert.Contains(t, leaks[0].Why[len(leaks[0].Why)-2], "it is the directory of another architecture (x86_64-linux-gnu)")
	})

	t.Run("unresolvable", func(t *testing.T) {
		_, gs := load(t, strings.ReplaceAll(pcModule, "pkg-config: xcfoo", "pkg-config: xcfoo xcheck-absent-pkg"), target{spec: "linux/arm64"})
		fs := check(gs[0], root, env("PKG_CONFIG_LIBDIR="+pcdir, "PKG_CONFIG_SYSROOT_DIR="+root))
		require.Len(t, fs, 1, loadertest.Dump(fs))
		assert.Equal(t, "pc/pc.go:4:24", fs[0].Pos.String())
		assert.Equal(t, `pkg-config package "xcheck-absent-pkg" is not found for the target`, fs[0].Message)
		assert.Contains(t, fs[0].Why, "pkg-config says: Package 'xcheck-absent-pkg', required by 'virtual:world', not found")
	})

	t.Run("no pkg-config", func(t *testing.T) {
		_, gs := load(t, pcModule, target{spec: "linux/arm64", env: map[string]string{"PKG_CONFIG": "xcheck-no-such-pkg-config"}})
		fs := check(gs[0], root, env())
		require.NotEmpty(t, fs)
		assert.Equal(t, `"xcheck-no-such-pkg-config" is not installed: cannot resolve pkg-config package "xcfoo"`, fs[0].Message)
	})
}

// TestSymlinkEscape: a header that is an absolute symbolic link in a
// sysroot is resolved inside the sysroot, never on the host.
func TestSymlinkEscape(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	inc := filepath.Join(root, "usr", "include")
	require.NoError(t, os.MkdirAll(inc, 0o755))
	require.NoError(t, os.Symlink("/etc/hostname", filepath.Join(inc, "escape.h")))
	require.NoError(t, os.Symlink("../../../../../../etc/hostname", filepath.Join(inc, "dotdot.h")))
	require.NoError(t, os.MkdirAll(filepath.Join(root, "etc"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "etc", "inside"), nil, 0o644))
	require.NoError(t, os.Symlink("/etc/inside", filepath.Join(inc, "inside.h")))
	require.NoError(t, os.Symlink("loop.h", filepath.Join(inc, "loop.h")))
	module := `
-- go.mod --
module example.com/m

go 1.22
-- s/s.go --
package s

/*
#include <escape.h>
#include <dotdot.h>
#include <inside.h>
#include <loop.h>
*/
import "C"
`
	_, gs := load(t, module, target{spec: "linux/arm64"})
	fs := check(gs[0], root, env())
	var got []string
	for _, f := range fs {
		got = append(got, f.Pos.String())
	}
	assert.Equal(t, []string{"s/s.go:4:10", "s/s.go:5:10", "s/s.go:7:10"}, got, loadertest.Dump(fs))
}

// TestBadLibraries: files that are not libraries, truncated ELF, a
// damaged archive and a linker script naming a missing file.
func TestBadLibraries(t *testing.T) {
	t.Parallel()
	needSysroot(t, arm64Root, "libc6-dev-arm64-cross")
	module := `
-- go.mod --
module example.com/m

go 1.22
-- b/b.go --
package b

// #cgo LDFLAGS: -L${SRCDIR}/lib -ltext -ltrunc -lbadar -lscript -lempty
import "C"
-- b/lib/libtext.so --
this is not a library at all, just some text
in two lines; and not a linker script: ( {
-- b/lib/libtrunc.so --
` + "\x7fELF\x02\x01\x01" + `
-- b/lib/libbadar.a --
!<arch>
notaheader
-- b/lib/libscript.so --
/* GNU ld script */
GROUP ( /nonexistent/libscript.so.1 )
-- b/lib/libempty.a --
!<arch>
`
	_, gs := load(t, module, target{spec: "linux/arm64"})
	fs := check(gs[0], arm64Root, env())
	dump := loadertest.Dump(fs)
	byCol := map[int]finding.Finding{}
	for _, f := range fs {
		byCol[f.Pos.Column] = f
	}
	require.Len(t, fs, 4, dump)
	assert.Equal(t, "XC4011", byCol[34].Rule.ID)
	assert.Contains(t, byCol[34].Message, "is a text file that is not a linker script, not a library the linker reads")
	assert.Equal(t, "XC4011", byCol[41].Rule.ID)
	assert.Contains(t, byCol[41].Message, "a damaged ELF file")
	assert.Equal(t, "XC4011", byCol[49].Rule.ID)
	assert.Contains(t, byCol[49].Message, "a damaged ar archive")
	assert.Equal(t, "XC4010", byCol[57].Rule.ID)
	assert.Contains(t, byCol[57].Message, `is a linker script naming "/nonexistent/libscript.so.1", which is not in the sysroot`)
}

func TestRulesValid(t *testing.T) {
	ids := map[string]bool{}
	for _, r := range cgoneeds.Rules {
		require.NoError(t, r.Validate())
		assert.False(t, ids[r.ID], r.ID)
		ids[r.ID] = true
		assert.Equal(t, finding.Error, r.Severity)
		assert.Equal(t, "sysroot and ABI", finding.Family(r.ID))
	}
	assert.Len(t, cgoneeds.Rules, 5)
}

// TestRealWorldSQLite: github.com/mattn/go-sqlite3, with its 9 MB
// amalgamation and its #if-heavy preambles, needs nothing the Debian
// sysroots lack: no finding on any of them. The module comes from the
// module cache, or the module proxy (which CI must reach).
func TestRealWorldSQLite(t *testing.T) {
	t.Parallel()
	needSysroot(t, arm64Root, "libc6-dev-arm64-cross")
	needSysroot(t, armhfRoot, "libc6-dev-armhf-cross")
	modcache, err := exec.Command("go", "env", "GOMODCACHE").Output()
	require.NoError(t, err)
	if _, err := os.Stat(filepath.Join(strings.TrimSpace(string(modcache)), "github.com", "mattn", "go-sqlite3@v1.14.53")); err != nil {
		// Fetch it through the module proxy; CI must reach it.
		out, err := exec.Command("go", "mod", "download", "github.com/mattn/go-sqlite3@v1.14.53").CombinedOutput()
		need(t, err == nil, "github.com/mattn/go-sqlite3@v1.14.53 in the module cache (go mod download: "+strings.TrimSpace(string(out))+")", "the module proxy")
	}
	module := `
-- go.mod --
module example.com/sqlite

go 1.22

require github.com/mattn/go-sqlite3 v1.14.53
-- go.sum --
github.com/mattn/go-sqlite3 v1.14.53 h1:mnTM0owzUMrKuLo+0w51NUiB0ir2Fo7kFXlPt/l3BGs=
github.com/mattn/go-sqlite3 v1.14.53/go.mod h1:6JTjA44L93a0QCyJef5YvlPoKXntQPjzWv5gtm9sB6w=
-- main.go --
package main

import (
	"database/sql"

	_ "github.com/mattn/go-sqlite3"
)

func main() { _, _ = sql.Open("sqlite3", ":memory:") }
`
	_, gs := load(t, module,
		target{spec: "linux/arm64", cc: "aarch64-linux-gnu-gcc"},
		target{spec: "linux/arm/v7", cc: "arm-linux-gnueabihf-gcc"},
		target{spec: "linux/arm64"})
	cache := &cgoneeds.Cache{}
	for i, root := range []string{arm64Root, armhfRoot, arm64Root} {
		fs := cgoneeds.Check(context.Background(), gs[i], cgoneeds.Config{Sysroot: root, Env: env(), Cache: cache})
		assert.Empty(t, fs, "%s:\n%s", gs[i].Name, loadertest.Dump(fs))
	}
	// The same module for a sysroot without the C library's headers.
	empty := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(empty, "usr", "include"), 0o755))
	fs := cgoneeds.Check(context.Background(), gs[2], cgoneeds.Config{Sysroot: empty, Env: env(), Cache: cache})
	hs := loadertest.Of(fs, "XC4009", "")
	require.NotEmpty(t, hs)
	assert.Contains(t, hs[0].Pos.File, "github.com/mattn/go-sqlite3@v1.14.53/")
}
