package inspect

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/abi"
	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/matrix"
)

// cfgOpt sets one part of a Config, the way a flag would.
type cfgOpt func(t *testing.T, c *Config)

func target(specs ...string) cfgOpt {
	return func(t *testing.T, c *Config) {
		for _, s := range specs {
			tg, err := matrix.Parse(s)
			require.NoError(t, err)
			c.Targets = append(c.Targets, tg)
		}
	}
}

func policy(flag, value string) cfgOpt {
	return func(t *testing.T, c *Config) { require.NoError(t, c.Policies.Set(flag, value)) }
}

func minOS(v string) cfgOpt {
	return func(t *testing.T, c *Config) {
		p := matrix.Policy{MinOS: c.MinOS}
		require.NoError(t, p.ParseMinOS(v))
		c.MinOS = p.MinOS
	}
}

func cpu(goarch, v string) cfgOpt {
	return func(t *testing.T, c *Config) {
		cv, err := matrix.CanonVariant(goarch, v)
		require.NoError(t, err)
		if c.CPU == nil {
			c.CPU = map[string]string{}
		}
		c.CPU[goarch] = cv
	}
}

func cgoOff() cfgOpt { return func(_ *testing.T, c *Config) { c.CgoOff = true } }

func sysroot(key, root string) cfgOpt {
	return func(t *testing.T, c *Config) {
		if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
			needTool(t, root, "libc6-dev-*-cross")
		}
		s, err := abi.ReadSysroot(root)
		require.NoError(t, err)
		if c.Sysroots == nil {
			c.Sysroots = map[string]*abi.Sysroot{}
		}
		c.Sysroots[key] = s
	}
}

// inspectFiles reads and checks the files, as `xcheck inspect` does.
func inspectFiles(t *testing.T, paths []string, opts ...cfgOpt) []finding.Finding {
	t.Helper()
	var cfg Config
	for _, o := range opts {
		o(t, &cfg)
	}
	ck := NewChecker(cfg)
	var fs []finding.Finding
	for _, p := range paths {
		fs = append(fs, ck.Check(Read(p, Options{Gore: true}))...)
	}
	return finding.Merge(fs)
}

func inspectOne(t *testing.T, path string, opts ...cfgOpt) []finding.Finding {
	t.Helper()
	return inspectFiles(t, []string{path}, opts...)
}

// only returns the findings of one rule.
func only(fs []finding.Finding, r *finding.Rule) []finding.Finding {
	var out []finding.Finding
	for _, f := range fs {
		if f.Rule == r {
			out = append(out, f)
		}
	}
	return out
}

func TestXC5001PlatformMismatch(t *testing.T) {
	arm64 := artifact(t, "go-linux-arm64")
	fs := only(inspectOne(t, arm64, target("linux/amd64")), RulePlatformMismatch)
	require.Len(t, fs, 1)
	f := fs[0]
	assert.Equal(t, []string{"linux/amd64"}, f.Targets)
	assert.Equal(t, finding.Position{File: arm64, Section: "ELF header"}, f.Pos)
	assert.Contains(t, f.Message, "is a linux/arm64 executable (AArch64 64-bit little-endian), not for linux/amd64")
	assert.Contains(t, f.Fix, "GOOS=linux GOARCH=amd64 go build")

	// Quiet: the right target, or one of several.
	assert.Empty(t, inspectOne(t, arm64, target("linux/arm64")))
	assert.Empty(t, inspectOne(t, arm64, target("linux/amd64", "linux/arm64")))
	// No target: each artifact is for its own platform.
	assert.Empty(t, inspectOne(t, arm64))

	// The OS: a PE file is not for Linux, an ELF file not for Windows.
	exe := artifact(t, "go-windows-amd64")
	fs = only(inspectOne(t, exe, target("linux/amd64")), RulePlatformMismatch)
	require.Len(t, fs, 1)
	assert.Equal(t, "PE header", fs[0].Pos.Section)
	assert.Empty(t, only(inspectOne(t, exe, target("windows/amd64")), RulePlatformMismatch))
	fs = only(inspectOne(t, artifact(t, "go-linux-amd64-cgo"), target("freebsd/amd64")), RulePlatformMismatch)
	require.Len(t, fs, 1)
	assert.Equal(t, ".go.buildinfo", fs[0].Pos.Section, "the OS comes from the build info")

	// A C object for another machine.
	fs = only(inspectOne(t, artifact(t, "c-riscv64"), target("linux/arm64")), RulePlatformMismatch)
	require.Len(t, fs, 1)
	assert.Contains(t, fs[0].Fix, "aarch64-linux-gnu-gcc")

	// An archive with one member for another machine: one finding
	// naming it; the arm64 members are fine.
	fs = only(inspectOne(t, artifact(t, "libmixed.a"), target("linux/arm64")), RulePlatformMismatch)
	require.Len(t, fs, 1, "%v", fs)
	assert.Contains(t, fs[0].Message, `objects in "`)
	assert.Equal(t, []string{"member: amd64.o (1 of 3)"}, fs[0].Why)
	fs = only(inspectOne(t, artifact(t, "libmixed.a"), target("linux/amd64")), RulePlatformMismatch)
	require.Len(t, fs, 1)
	assert.Equal(t, []string{"members: arm64-one.o, arm64-two.o (2 of 3)"}, fs[0].Why)

	// A Mach-O file for darwin/arm64.
	mac := artifact(t, "go-darwin-arm64")
	assert.Empty(t, inspectOne(t, mac, target("darwin/arm64")))
	assert.Len(t, only(inspectOne(t, mac, target("linux/arm64")), RulePlatformMismatch), 1)
}

func TestXC5002SymbolVersions(t *testing.T) {
	app := artifact(t, "go-linux-arm64-cgo")
	fs := only(inspectOne(t, app, target("linux/arm64"), policy("glibc", "2.28")), RuleSymbolVersionAboveFloor)
	require.Len(t, fs, 1)
	f := fs[0]
	assert.Equal(t, ".gnu.version_r", f.Pos.Section)
	assert.Contains(t, f.Message, "needs glibc 2.34 (GLIBC_2.34), above the declared floor 2.28")
	require.Len(t, f.Why, 2)
	assert.True(t, strings.HasPrefix(f.Why[0], "GLIBC_2.34 from libc.so.6: "), f.Why[0])
	assert.Contains(t, f.Why[0], "pthread_create")
	assert.True(t, strings.HasPrefix(f.Why[1], "GLIBC_2.32 from libc.so.6: "), f.Why[1])
	assert.Contains(t, f.Fix, "CGO_ENABLED=0")
	assert.Contains(t, f.Fix, "zig cc -target aarch64-linux-gnu.2.28")

	// Quiet: a floor at the sysroot's glibc, a musl floor (other rule),
	// no floor, and the same program without cgo.
	assert.Empty(t, only(inspectOne(t, app, target("linux/arm64"), policy("glibc", "2.34")), RuleSymbolVersionAboveFloor))
	assert.Empty(t, only(inspectOne(t, app, target("linux/arm64")), RuleSymbolVersionAboveFloor))
	assert.Empty(t, inspectOne(t, artifact(t, "go-linux-arm64"), target("linux/arm64"), policy("glibc", "2.28")))

	// libstdc++: GLIBCXX_3.4.21 and CXXABI_1.3.9 are above what glibc
	// 2.17 systems have (3.4.19, 1.3.7), not above 2.28's.
	cxx := artifact(t, "cxx-aarch64")
	fs = only(inspectOne(t, cxx, target("linux/arm64"), policy("glibc", "2.17")), RuleSymbolVersionAboveFloor)
	var msgs []string
	for _, f := range fs {
		msgs = append(msgs, f.Message)
	}
	assert.Len(t, fs, 3, "%q", msgs)
	assert.Contains(t, strings.Join(msgs, "\n"), "needs GLIBCXX_3.4.21, above GLIBCXX_3.4.19, the newest that systems with glibc 2.17 have (manylinux_2_17)")
	assert.Contains(t, strings.Join(msgs, "\n"), "needs CXXABI_1.3.9, above CXXABI_1.3.7")
	fs = only(inspectOne(t, cxx, target("linux/arm64"), policy("glibc", "2.28")), RuleSymbolVersionAboveFloor)
	require.Len(t, fs, 1)
	assert.Contains(t, fs[0].Message, "GLIBC_2.34")
}

func TestXC5003LibcMismatch(t *testing.T) {
	app := artifact(t, "go-linux-arm64-cgo")
	fs := only(inspectOne(t, app, target("linux/arm64"), policy("libc", "musl")), RuleLibcMismatch)
	require.Len(t, fs, 1)
	assert.Equal(t, "PT_INTERP", fs[0].Pos.Section)
	assert.Contains(t, fs[0].Message, "dynamically linked against glibc (PT_INTERP /lib/ld-linux-aarch64.so.1), but the target systems run musl")
	assert.Contains(t, fs[0].Fix, "CGO_ENABLED=0")

	musl := artifact(t, "c-musl")
	fs = only(inspectOne(t, musl, policy("libc", "glibc")), RuleLibcMismatch)
	require.Len(t, fs, 1)
	assert.Contains(t, fs[0].Message, "against musl (PT_INTERP /lib/ld-musl-x86_64.so.1), but the target systems run glibc")

	// The sysroot's C library is the declaration when --libc is not.
	fs = only(inspectOne(t, musl, sysroot("", "/usr/aarch64-linux-gnu")), RuleLibcMismatch)
	require.Len(t, fs, 1)
	assert.Contains(t, fs[0].Message, "but the sysroot /usr/aarch64-linux-gnu has glibc")

	// Quiet: static binaries run on both; matching C libraries.
	assert.Empty(t, only(inspectOne(t, artifact(t, "go-linux-arm64"), target("linux/arm64"), policy("libc", "musl")), RuleLibcMismatch))
	assert.Empty(t, only(inspectOne(t, artifact(t, "c-musl-static"), policy("libc", "glibc")), RuleLibcMismatch))
	assert.Empty(t, only(inspectOne(t, musl, policy("libc", "musl")), RuleLibcMismatch))
	assert.Empty(t, only(inspectOne(t, app, target("linux/arm64"), policy("libc", "glibc")), RuleLibcMismatch))
}

func TestXC5004NeededLibraries(t *testing.T) {
	app := artifact(t, "app-ver") // needs libver.so.1 (VER_2) and libc.so.6
	// The Debian sysroot has libc but no libver.
	fs := only(inspectOne(t, app, target("linux/arm64"), sysroot("", "/usr/aarch64-linux-gnu")), RuleNeededLibraryMissing)
	require.Len(t, fs, 1, "%v", fs)
	assert.Equal(t, ".dynamic", fs[0].Pos.Section)
	assert.Contains(t, fs[0].Message, "needs libver.so.1, which the sysroot /usr/aarch64-linux-gnu does not have")

	// A sysroot with the old library (VER_1 only): the version is
	// missing, with the symbol that needs it.
	mk := func(lib string) string {
		root := t.TempDir()
		require.NoError(t, os.MkdirAll(filepath.Join(root, "lib"), 0o755))
		data, err := os.ReadFile(artifact(t, lib))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(root, "lib", "libver.so.1"), data, 0o644))
		libc, err := os.ReadFile("/usr/aarch64-linux-gnu/lib/libc.so.6")
		if err != nil {
			needTool(t, "/usr/aarch64-linux-gnu/lib/libc.so.6", "libc6-dev-arm64-cross")
		}
		require.NoError(t, os.WriteFile(filepath.Join(root, "lib", "libc.so.6"), libc, 0o644))
		return root
	}
	old := mk("libver-v1.so")
	fs = only(inspectOne(t, app, target("linux/arm64"), sysroot("linux/arm64", old)), RuleNeededLibraryMissing)
	require.Len(t, fs, 1, "%v", fs)
	assert.Equal(t, ".gnu.version_r", fs[0].Pos.Section)
	assert.Contains(t, fs[0].Message, "needs VER_2 from libver.so.1, which the sysroot's lib/libver.so.1 does not define (it defines up to VER_1)")
	assert.Equal(t, []string{"VER_2: ver_two"}, fs[0].Why)

	// Quiet: the sysroot has the library it was linked against.
	assert.Empty(t, only(inspectOne(t, app, target("linux/arm64"), sysroot("", mk("libver-v2.so"))), RuleNeededLibraryMissing))
	// Quiet: no sysroot declared, or one for another target.
	assert.Empty(t, only(inspectOne(t, app, target("linux/arm64")), RuleNeededLibraryMissing))
	assert.Empty(t, only(inspectOne(t, app, target("linux/arm64"), sysroot("linux/amd64", old)), RuleNeededLibraryMissing))

	// Quiet: shipped beside the binary, found through RUNPATH $ORIGIN/lib.
	dist := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dist, "lib"), 0o755))
	b := &builder{dir: dist, out: filepath.Join(dist, "app")}
	require.NoError(t, verApplication("-Wl,-rpath,$ORIGIN/lib", "-Wl,--enable-new-dtags")(b))
	data, _ := os.ReadFile(artifact(t, "libver-v2.so"))
	require.NoError(t, os.WriteFile(filepath.Join(dist, "lib", "libver.so.1"), data, 0o644))
	fs = inspectOne(t, b.out, target("linux/arm64"), sysroot("", "/usr/aarch64-linux-gnu"))
	assert.Empty(t, only(fs, RuleNeededLibraryMissing), "%v", fs)
}

func TestXC5005LoaderMissing(t *testing.T) {
	armel := artifact(t, "c-armel") // /lib/ld-linux.so.3
	fs := only(inspectOne(t, armel, target("linux/arm"), sysroot("", "/usr/arm-linux-gnueabihf")), RuleLoaderMissing)
	require.Len(t, fs, 1)
	assert.Equal(t, "PT_INTERP", fs[0].Pos.Section)
	assert.Contains(t, fs[0].Message, "asks for the loader /lib/ld-linux.so.3, which the sysroot /usr/arm-linux-gnueabihf does not have (it has /lib/ld-linux-armhf.so.3)")
	assert.Contains(t, fs[0].Fix, "-ldflags=-I/lib/ld-linux-armhf.so.3")

	// Quiet: each with its own sysroot; static binaries have no loader.
	assert.Empty(t, only(inspectOne(t, armel, target("linux/arm"), sysroot("", "/usr/arm-linux-gnueabi")), RuleLoaderMissing))
	assert.Empty(t, only(inspectOne(t, artifact(t, "c-armhf"), target("linux/arm"), sysroot("", "/usr/arm-linux-gnueabihf")), RuleLoaderMissing))
	assert.Empty(t, inspectOne(t, artifact(t, "go-linux-arm7"), target("linux/arm"), sysroot("", "/usr/arm-linux-gnueabihf")))
}

func TestXC5006CPU(t *testing.T) {
	arm7 := artifact(t, "go-linux-arm7")
	fs := only(inspectOne(t, arm7, target("linux/arm"), cpu("arm", "v6")), RuleCPUAboveFloor)
	require.Len(t, fs, 1)
	assert.Equal(t, ".go.buildinfo", fs[0].Pos.Section)
	assert.Contains(t, fs[0].Message, "is built with GOARM=7, above the declared CPU floor arm/v6")
	assert.Equal(t, "rebuild with GOARM=6", fs[0].Fix)
	// The target's variant is a floor too.
	fs = only(inspectOne(t, arm7, target("linux/arm/v6")), RuleCPUAboveFloor)
	require.Len(t, fs, 1)
	assert.Contains(t, fs[0].Message, "(the target linux/arm/v6)")
	// GOAMD64.
	fs = only(inspectOne(t, artifact(t, "go-linux-amd64-v3"), cpu("amd64", "v1")), RuleCPUAboveFloor)
	require.Len(t, fs, 1)
	assert.Contains(t, fs[0].Message, "GOAMD64=v3, above the declared CPU floor amd64/v1")
	// C code: the ARM architecture and float ABI from .ARM.attributes.
	fs = only(inspectOne(t, artifact(t, "c-armhf"), cpu("arm", "v6")), RuleCPUAboveFloor)
	require.Len(t, fs, 1)
	assert.Equal(t, ".ARM.attributes", fs[0].Pos.Section)
	assert.Contains(t, fs[0].Message, "is built for ARM v7 (Tag_CPU_arch), above the declared CPU floor arm/v6")
	fs = only(inspectOne(t, artifact(t, "libarmhf.a"), cpu("arm", "5")), RuleCPUAboveFloor)
	require.Len(t, fs, 2, "%v", fs) // v7 and hard-float, for both members
	for _, f := range fs {
		assert.Equal(t, "members: hf1.o, hf2.o (2 of 2)", f.Why[0])
	}
	assert.Contains(t, fs[0].Message+fs[1].Message, `objects in "`)
	assert.Contains(t, fs[0].Message+fs[1].Message, "use the hard-float ABI (VFP registers), but the declared CPU floor arm/v5 is soft-float")

	// Quiet: at or below the floor.
	assert.Empty(t, inspectOne(t, arm7, target("linux/arm"), cpu("arm", "v7")))
	assert.Empty(t, inspectOne(t, artifact(t, "go-linux-arm6"), target("linux/arm/v6")))
	assert.Empty(t, only(inspectOne(t, artifact(t, "c-armel"), cpu("arm", "5")), RuleCPUAboveFloor))
	assert.Empty(t, only(inspectOne(t, artifact(t, "libarmel.a"), cpu("arm", "5")), RuleCPUAboveFloor))
	assert.Empty(t, only(inspectOne(t, artifact(t, "go-linux-amd64-v3"), cpu("amd64", "v3")), RuleCPUAboveFloor))
	assert.Empty(t, only(inspectOne(t, artifact(t, "go-linux-amd64-v3"), cpu("arm", "v5")), RuleCPUAboveFloor), "a floor for another GOARCH")
}

func TestVariantAbove(t *testing.T) {
	for _, tc := range []struct {
		goarch, have, floor string
		above               bool
	}{
		{"arm", "7", "6", true},
		{"arm", "6", "6", false},
		{"arm", "6", "7", false},
		{"arm", "6", "6,softfloat", true},
		{"arm", "6,softfloat", "5", true}, // ARMv6 code on an ARMv5 CPU
		{"arm", "5", "7,softfloat", false},
		{"arm", "7,softfloat", "7,softfloat", false},
		{"amd64", "v2", "v1", true},
		{"amd64", "v1", "v4", false},
		{"386", "sse2", "softfloat", true},
		{"mipsle", "hardfloat", "softfloat", true},
		{"mips64", "softfloat", "hardfloat", false},
		{"ppc64le", "power10", "power9", true},
		{"riscv64", "rva22u64", "rva20u64", true},
		{"riscv64", "rva20u64", "rva23u64", false},
		{"arm64", "v8.2", "v8.0", true},
		{"arm64", "v8.0", "v8.2", false},
		{"arm64", "v9.0", "v8.5", true},
		{"arm64", "v8.5", "v9.0", false},
		{"arm64", "v8.0,lse", "v8.0", true},
		{"arm64", "v8.0,lse", "v8.1", false},
		{"arm64", "v8.0,crypto", "v8.0", true},
		{"arm64", "v8.0,crypto", "v8.0,crypto", false},
	} {
		above, why := variantAbove(tc.goarch, tc.have, tc.floor)
		assert.Equal(t, tc.above, above, "%s %s over %s", tc.goarch, tc.have, tc.floor)
		assert.Equal(t, tc.above, why != "", "why for %s %s over %s", tc.goarch, tc.have, tc.floor)
	}
}

func TestXC5007GoOSMinimum(t *testing.T) {
	exe := artifact(t, "go-windows-amd64")
	fs := only(inspectOne(t, exe, target("windows/amd64"), minOS("windows=7")), RuleGoOSMinimumAboveFloor)
	require.Len(t, fs, 1)
	f := fs[0]
	assert.Equal(t, finding.Error, f.Severity)
	assert.Equal(t, "Go build info", f.Pos.Section)
	assert.Regexp(t, `is built by go1\.\d+(\.\d+)?, whose windows binaries need Windows 10 or later, but the declared floor is Windows 7$`, f.Message)
	assert.Equal(t, []string{"the PE header says 6.1 (Windows 7): the Go linker writes that for every release"}, f.Why)
	assert.Contains(t, f.Fix, "build with go1.20 (the last release that supports Windows 7)")
	// The Linux kernel from --kernel: Go 1.24 and later need 3.2.
	fs = only(inspectOne(t, artifact(t, "go-linux-arm64"), policy("kernel", "2.6.32")), RuleGoOSMinimumAboveFloor)
	require.Len(t, fs, 1)
	assert.Contains(t, fs[0].Message, "need linux kernel 3.2 or later, but the declared floor is linux kernel 2.6.32")
	assert.Contains(t, fs[0].Fix, "go1.23")
	// macOS.
	fs = only(inspectOne(t, artifact(t, "go-darwin-arm64"), minOS("macos=11")), RuleGoOSMinimumAboveFloor)
	require.Len(t, fs, 1)
	assert.Contains(t, fs[0].Why[0], "the Mach-O header says macOS")

	// Quiet: floors the release supports; no floor.
	assert.Empty(t, inspectOne(t, exe, target("windows/amd64"), minOS("windows=10")))
	assert.Empty(t, inspectOne(t, exe, target("windows/amd64")))
	assert.Empty(t, inspectOne(t, exe, minOS("linux=2.6.32")), "a floor for another OS")

	// A guessed Go version makes a warning.
	a := &Artifact{Path: "app", Format: FormatELF, GOOS: "linux", GOARCH: "amd64", ELF: &abi.ELFFacts{},
		Go: &GoInfo{GoVersion: "go1.22", Guess: true, GuessNote: "gore"}}
	var cfg Config
	minOS("linux=2.6.23")(t, &cfg)
	fs = only(NewChecker(cfg).Check(a), RuleGoOSMinimumAboveFloor)
	require.Len(t, fs, 1)
	assert.Equal(t, finding.Warning, fs[0].Severity)
	assert.Equal(t, "gore", fs[0].Pos.Section)
}

func TestXC5008StaticGlibc(t *testing.T) {
	for _, name := range []string{"c-aarch64-static", "go-static-glibc"} {
		fs := only(inspectOne(t, artifact(t, name)), RuleStaticGlibc)
		require.Len(t, fs, 1, name)
		assert.Equal(t, ".note.ABI-tag", fs[0].Pos.Section)
		assert.Contains(t, fs[0].Message, "is statically linked against glibc (it needs Linux")
	}
	fs := only(inspectOne(t, artifact(t, "go-static-glibc")), RuleStaticGlibc)
	assert.Contains(t, fs[0].Fix, "CGO_ENABLED=0")
	// Quiet: Go's own static binaries, static musl, dynamic glibc.
	for _, name := range []string{"go-linux-arm64", "c-musl-static", "c-aarch64", "go-linux-amd64-cgo"} {
		assert.Empty(t, only(inspectOne(t, artifact(t, name)), RuleStaticGlibc), name)
	}
}

func TestXC5009Cgo(t *testing.T) {
	app := artifact(t, "go-linux-arm64-cgo")
	fs := only(inspectOne(t, app, cgoOff()), RuleCgoBinary)
	require.Len(t, fs, 1)
	assert.Equal(t, ".go.buildinfo", fs[0].Pos.Section)
	assert.Contains(t, fs[0].Message, "is built with CGO_ENABLED=1, but --cgo off was declared")
	assert.Equal(t, []string{"it is dynamically linked: needs libc.so.6, loader /lib/ld-linux-aarch64.so.1"}, fs[0].Why)
	// Without build info, gore finds runtime/cgo.
	fs = only(inspectOne(t, artifact(t, "go-amd64-tampered"), cgoOff()), RuleCgoBinary)
	require.Len(t, fs, 1)
	assert.Equal(t, "gore", fs[0].Pos.Section)
	assert.Contains(t, fs[0].Message, "runtime/cgo is linked in, says gore")

	// Quiet.
	assert.Empty(t, only(inspectOne(t, artifact(t, "go-linux-arm64"), cgoOff()), RuleCgoBinary))
	assert.Empty(t, only(inspectOne(t, app), RuleCgoBinary))
	assert.Empty(t, only(inspectOne(t, artifact(t, "go-windows-tampered"), cgoOff()), RuleCgoBinary))
	assert.Empty(t, only(inspectOne(t, artifact(t, "c-aarch64"), cgoOff()), RuleCgoBinary), "not a Go binary")
}

func TestXC5010Kernel(t *testing.T) {
	c := artifact(t, "c-aarch64") // glibc's crt1.o: Linux 3.7.0
	fs := only(inspectOne(t, c, target("linux/arm64"), policy("kernel", "3.2")), RuleKernelAboveFloor)
	require.Len(t, fs, 1)
	assert.Equal(t, ".note.ABI-tag", fs[0].Pos.Section)
	assert.Contains(t, fs[0].Message, "needs Linux 3.7.0 or later (NT_GNU_ABI_TAG), above the declared kernel floor 3.2 (--kernel)")
	fs = only(inspectOne(t, c, minOS("linux=3.2")), RuleKernelAboveFloor)
	require.Len(t, fs, 1)
	assert.Contains(t, fs[0].Message, "(--min-os linux)")

	// Quiet: a floor at or above the tag; Go's internal linker writes no
	// tag.
	assert.Empty(t, only(inspectOne(t, c, policy("kernel", "4.4")), RuleKernelAboveFloor))
	assert.Empty(t, only(inspectOne(t, artifact(t, "go-linux-arm64-cgo"), policy("kernel", "3.2")), RuleKernelAboveFloor))
}

func TestXC5011Unreadable(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, data, 0o644))
		return p
	}
	txt := write("SHA256SUMS", []byte("abc  app\n"))
	bin, err := os.ReadFile(artifact(t, "c-aarch64"))
	require.NoError(t, err)
	trunc := write("truncated", bin[:2000])
	badAr := write("bad.a", []byte("!<arch>\nx.o/            0           0     0     644     999999    `\n\x7fELF"))
	loop := filepath.Join(dir, "loop")
	require.NoError(t, os.Symlink("loop", loop))
	missing := filepath.Join(dir, "missing")

	arts, skipped := ReadAll(Walk([]string{txt, trunc, badAr, loop, missing, artifact(t, "c-aarch64")}), Options{})
	require.Zero(t, skipped)
	require.Len(t, arts, 6)
	ck := NewChecker(Config{})
	var fs []finding.Finding
	for _, a := range arts {
		fs = append(fs, ck.Check(a)...)
	}
	fs = only(finding.Merge(fs), RuleUnreadableArtifact)
	require.Len(t, fs, 5, "%v", fs)
	byFile := map[string]string{}
	for _, f := range fs {
		byFile[f.Pos.File] = f.Message
	}
	assert.Equal(t, `"`+txt+`" is not an executable, object or archive (a text file)`, byFile[txt])
	assert.Contains(t, byFile[trunc], "cannot inspect")
	assert.Contains(t, byFile[trunc], "beyond the end of the file")
	assert.Contains(t, byFile[badAr], `member "x.o/" claims 999999 bytes, only 4 are left`)
	assert.Contains(t, byFile[loop], "symbolic link loop")
	assert.Contains(t, byFile[missing], "no such file or directory")

	// Quiet: a text file found by walking a directory is skipped.
	walkDir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(walkDir, "README"), []byte("hello\n"), 0o644))
	require.NoError(t, os.Symlink(artifact(t, "c-aarch64"), filepath.Join(walkDir, "app")))
	require.NoError(t, os.Symlink(walkDir, filepath.Join(walkDir, "cycle")))
	arts, skipped = ReadAll(Walk([]string{walkDir}), Options{})
	assert.Equal(t, 1, skipped)
	require.Len(t, arts, 1, "the link to the directory is not followed")
	assert.Equal(t, filepath.Join(walkDir, "app"), arts[0].Path)
	assert.Empty(t, NewChecker(Config{}).Check(arts[0]))
	// A directory named through a link is walked.
	link := filepath.Join(t.TempDir(), "dist")
	require.NoError(t, os.Symlink(walkDir, link))
	arts, _ = ReadAll(Walk([]string{link}), Options{})
	require.Len(t, arts, 1)
	assert.Equal(t, filepath.Join(link, "app"), arts[0].Path)
}

func TestReadFacts(t *testing.T) {
	a := Read(artifact(t, "go-linux-arm64-cgo"), Options{})
	require.NoError(t, a.Err)
	assert.Equal(t, "linux", a.GOOS)
	assert.Equal(t, "Go build info", a.GOOSFrom)
	assert.Equal(t, "arm64", a.GOARCH)
	assert.Equal(t, Dynamic, a.Linking)
	assert.Equal(t, "glibc", a.Libc)
	require.NotNil(t, a.Go)
	assert.False(t, a.Go.Guess)
	assert.Equal(t, "example.com/app", a.Go.Path)
	assert.Equal(t, "1", a.Go.Setting("CGO_ENABLED"))
	assert.Equal(t, "arm64", a.Go.Setting("GOARCH"))
	cgo, known := a.Go.Cgo()
	assert.True(t, cgo && known)

	a = Read(artifact(t, "go-windows-amd64"), Options{})
	require.NoError(t, a.Err)
	assert.Equal(t, FormatPE, a.Format)
	assert.Equal(t, "windows/amd64", a.Platform())
	require.NotNil(t, a.PE)
	assert.Equal(t, "6.1", a.PE.OSVersion)
	assert.Contains(t, a.PE.Imports, "kernel32.dll")
	assert.Equal(t, "windows", a.Go.Setting("GOOS"))

	a = Read(artifact(t, "c-mingw.exe"), Options{})
	require.NoError(t, a.Err)
	assert.Equal(t, "windows/amd64", a.Platform())
	assert.Nil(t, a.Go, "a C program is not a Go binary")
	assert.Nil(t, a.GoErr)

	a = Read(artifact(t, "go-darwin-arm64"), Options{})
	require.NoError(t, a.Err)
	assert.Equal(t, FormatMachO, a.Format)
	assert.Equal(t, "darwin/arm64", a.Platform())
	require.NotNil(t, a.MachO)
	assert.Equal(t, "macOS", a.MachO.Platform)
	assert.NotEmpty(t, a.MachO.MinOS)

	// A Go binary without build info: gore's guess, or nothing.
	a = Read(artifact(t, "go-amd64-tampered"), Options{Gore: true})
	require.NoError(t, a.Err)
	require.NotNil(t, a.Go)
	assert.True(t, a.Go.Guess)
	assert.NotEmpty(t, a.Go.GuessNote)
	assert.Contains(t, a.Go.Packages, "runtime")
	a = Read(artifact(t, "go-amd64-tampered"), Options{})
	assert.Nil(t, a.Go)
	assert.Error(t, a.GoErr)

	// Static-pie, musl.
	a = Read(artifact(t, "c-musl"), Options{})
	assert.Equal(t, "musl", a.Libc)
	assert.Equal(t, "linux", a.GOOS)
	a = Read(artifact(t, "c-aarch64-static"), Options{})
	assert.Equal(t, Static, a.Linking)
	assert.Equal(t, "glibc", a.Libc)
	assert.Equal(t, "3.7.0", a.KernelMin())
}
