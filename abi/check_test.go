package abi

// Tests of the XC4xxx rules. Each rule has a test that fires and one that
// stays quiet on the real Debian cross sysroots (scripts/apt-packages.txt;
// with CI=true a missing sysroot fails the test), and synthetic sysroots
// only for what no installed sysroot shows (MIPS soft-float, NaN2008, an
// ARM sysroot known only by its loader).

import (
	"context"
	"debug/elf"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/abi/cc"
	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/matrix"
)

// testBuild returns a resolved build of target as ResolveBuild would for a
// cross build: a port that supports cgo, the effective variant (the
// target's or the toolchain default).
func testBuild(t testing.TB, target string, cgo bool) *matrix.Build {
	t.Helper()
	tg, err := matrix.Parse(target)
	require.NoError(t, err)
	b := &matrix.Build{
		Target:     tg,
		Port:       &matrix.Port{GOOS: tg.GOOS, GOARCH: tg.GOARCH, CgoSupported: true},
		CgoEnabled: cgo,
		Variant:    tg.Variant,
		GoEnv:      map[string]string{},
	}
	if vv := matrix.VariantFor(tg.GOARCH); vv != nil && b.Variant == "" {
		b.Variant = vv.Default
	}
	return b
}

// checkSysroot reads root (a real sysroot: skipped, or failed in CI, when
// missing) and checks target against it as if given with --sysroot.
func checkSysroot(t *testing.T, target, root, pkg string, cgo bool, pol Policy, info *cc.Info) []finding.Finding {
	t.Helper()
	needSysroot(t, root, pkg)
	s, err := ReadSysroot(root)
	require.NoError(t, err)
	require.Empty(t, s.Problems)
	return checkRead(t, target, s, cgo, pol, info)
}

func checkRead(t *testing.T, target string, s *Sysroot, cgo bool, pol Policy, info *cc.Info) []finding.Finding {
	t.Helper()
	fs := Check(context.Background(), CheckInput{
		Build:     testBuild(t, target, cgo),
		Discovery: Discovery{Root: s.Root, Method: MethodFlag, How: "--sysroot " + s.Root},
		Sysroot:   s,
		Policy:    pol,
		GoVersion: "go1.26.8",
		CC:        info,
	})
	for _, f := range fs {
		assert.Equal(t, []string{testBuild(t, target, cgo).Target.String()}, f.Targets)
		assert.Equal(t, f.Rule.Severity, f.Severity)
		assert.NotEmpty(t, f.Fix)
		assert.False(t, strings.HasSuffix(f.Message, "."), f.Message)
		if !strings.HasPrefix(f.Message, "GOARM=") && !strings.HasPrefix(f.Message, "GOMIPS") { // a variable's name keeps its case
			assert.Equal(t, strings.ToLower(f.Message[:1]), f.Message[:1], "message %q starts lowercase", f.Message)
		}
	}
	return fs
}

// rule returns the findings of one rule.
func rule(fs []finding.Finding, id string) []finding.Finding {
	var out []finding.Finding
	for _, f := range fs {
		if f.Rule.ID == id {
			out = append(out, f)
		}
	}
	return out
}

func ids(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule.ID)
	}
	return out
}

// probeCC probes a real cross compiler (skipped, or failed in CI, when
// missing).
func probeCC(t *testing.T, name, pkg string) *cc.Info {
	t.Helper()
	_, err := exec.LookPath(name)
	needHostThing(t, err == nil, name, pkg)
	info := (&cc.Prober{}).Probe(context.Background(), name, os.Environ())
	require.True(t, info.Found(), "%v", info.Err)
	return info
}

// The sysroot of each target, from the Debian cross packages.
var sysrootOf = map[string]debianSysroot{}

func init() {
	for _, d := range debianSysroots {
		sysrootOf[d.triple] = d
	}
}

func debianRoot(triple string) (root, pkg string) {
	return "/usr/" + triple, sysrootOf[triple].pkg
}

func TestCheckMatchingSysrootsAreQuiet(t *testing.T) {
	for _, tc := range []struct{ target, triple string }{
		{"linux/arm64", "aarch64-linux-gnu"},
		{"linux/arm/v7", "arm-linux-gnueabihf"},
		{"linux/arm/v6", "arm-linux-gnueabihf"},
		{"linux/arm/v5", "arm-linux-gnueabi"},
		{"linux/riscv64", "riscv64-linux-gnu"},
		{"linux/ppc64le", "powerpc64le-linux-gnu"},
		{"linux/s390x", "s390x-linux-gnu"},
		{"linux/mipsle", "mipsel-linux-gnu"},
	} {
		t.Run(tc.target, func(t *testing.T) {
			root, pkg := debianRoot(tc.triple)
			// Floors the sysroot meets: nothing to report.
			fs := checkSysroot(t, tc.target, root, pkg, true, Policy{Glibc: "2.36", Libc: LibcGlibc, Kernel: "4.15"}, nil)
			assert.Empty(t, fs)
		})
	}
}

func TestCheckXC4001ArchMismatch(t *testing.T) {
	root, pkg := debianRoot("aarch64-linux-gnu")
	fs := checkSysroot(t, "linux/arm", root, pkg, true, Policy{Glibc: "2.28", Kernel: "3.2"}, nil)
	// The other sysroot rules say nothing about a sysroot of another
	// architecture.
	require.Equal(t, []string{"XC4001"}, ids(fs))
	f := fs[0]
	assert.Equal(t, finding.Position{File: "/usr/aarch64-linux-gnu/lib/libc.so.6", Section: "ELF header"}, f.Pos)
	assert.Equal(t, `sysroot "/usr/aarch64-linux-gnu" is for linux/arm64 (AArch64 64-bit little-endian), not linux/arm (ARM 32-bit little-endian)`, f.Message)
	assert.Equal(t, "use a sysroot for linux/arm: apt-get install libc6-dev-armhf-cross and --sysroot linux/arm=/usr/arm-linux-gnueabihf", f.Fix)
	// The oracle: readelf says AArch64.
	o := readOracle(t, "/usr/aarch64-linux-gnu/lib/libc.so.6")
	assert.Equal(t, elf.EM_AARCH64, o.machine)

	// Byte order alone: ppc64le for ppc64.
	root, pkg = debianRoot("powerpc64le-linux-gnu")
	fs = checkSysroot(t, "linux/ppc64", root, pkg, true, Policy{}, nil)
	require.Equal(t, []string{"XC4001"}, ids(fs))
	assert.Contains(t, fs[0].Message, "is for linux/ppc64le (PowerPC64 64-bit little-endian), not linux/ppc64 (PowerPC64 64-bit big-endian)")
	assert.Equal(t, elf.ELFDATA2LSB, readOracle(t, "/usr/powerpc64le-linux-gnu/lib/libc.so.6").data)
}

func TestCheckXC4001Quiet(t *testing.T) {
	root, pkg := debianRoot("aarch64-linux-gnu")
	assert.Empty(t, rule(checkSysroot(t, "linux/arm64", root, pkg, true, Policy{}, nil), "XC4001"))
	// cgo off: nothing is linked against the sysroot.
	assert.Empty(t, checkSysroot(t, "linux/arm", root, pkg, false, Policy{}, nil))
}

func TestCheckXC4001MIPSn32(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "lib/libc.so.6", synthGlibcOpts{
		class: elf.ELFCLASS32, bo: binary.BigEndian, machine: elf.EM_MIPS, flags: 0x80000020 | EF_MIPS_CPIC, // mips64r2, n32
		soname: "libc.so.6", versions: []string{"GLIBC_2.0", "GLIBC_2.36"}, abiTag: [3]uint32{3, 2, 0}, interp: "/lib32/ld.so.1",
	}.build())
	s, err := ReadSysroot(root)
	require.NoError(t, err)
	fs := checkRead(t, "linux/mips", s, true, Policy{}, nil)
	require.Equal(t, []string{"XC4001"}, ids(fs))
	assert.Contains(t, fs[0].Message, "is for MIPS 32-bit big-endian n32, not linux/mips")
}

func TestCheckXC4002LibcMismatch(t *testing.T) {
	const musl = "/usr/lib/x86_64-linux-musl"
	fs := checkSysroot(t, "linux/amd64", musl, "musl-dev", true, Policy{Libc: LibcGlibc}, nil)
	require.Equal(t, []string{"XC4002"}, ids(fs))
	assert.Equal(t, "the sysroot's C library is musl, but --libc glibc was declared", fs[0].Message)
	assert.Equal(t, finding.Position{File: musl + "/libc.so", Section: ".rodata"}, fs[0].Pos)
	// readelf: musl's libc.so has no symbol versions, unlike glibc.
	assert.False(t, readOracle(t, musl+"/libc.so").hasVersion)

	root, pkg := debianRoot("aarch64-linux-gnu")
	fs = checkSysroot(t, "linux/arm64", root, pkg, true, Policy{Libc: LibcMusl}, nil)
	require.Equal(t, []string{"XC4002"}, ids(fs))
	assert.Equal(t, "the sysroot's C library is glibc, but --libc musl was declared", fs[0].Message)
	assert.Contains(t, fs[0].Fix, "musl sysroot")
	assert.Contains(t, fs[0].Why, "lib/libc.so.6 (PT_INTERP): programs linked here ask for the loader /lib/ld-linux-aarch64.so.1")
}

func TestCheckXC4002Quiet(t *testing.T) {
	assert.Empty(t, checkSysroot(t, "linux/amd64", "/usr/lib/x86_64-linux-musl", "musl-dev", true, Policy{Libc: LibcMusl}, nil))
	assert.Empty(t, checkSysroot(t, "linux/amd64", "/usr/lib/x86_64-linux-musl", "musl-dev", true, Policy{}, nil), "no --libc, nothing declared")
	root, pkg := debianRoot("aarch64-linux-gnu")
	assert.Empty(t, checkSysroot(t, "linux/arm64", root, pkg, true, Policy{Libc: LibcGlibc}, nil))
}

func TestCheckXC4003GlibcAboveFloor(t *testing.T) {
	root, pkg := debianRoot("aarch64-linux-gnu")
	fs := checkSysroot(t, "linux/arm64", root, pkg, true, Policy{Glibc: "2.28"}, nil)
	require.Equal(t, []string{"XC4003"}, ids(fs))
	f := fs[0]
	assert.Equal(t, finding.Warning, f.Severity)
	assert.Equal(t, "the sysroot's glibc 2.36 is newer than the declared floor 2.28", f.Message)
	assert.Equal(t, finding.Position{File: root + "/lib/libc.so.6", Section: ".gnu.version_d"}, f.Pos)
	assert.Equal(t, `link against a glibc 2.28 sysroot (for example Debian 10 buster's, glibc 2.28), use CC="zig cc -target aarch64-linux-gnu.2.28", or raise --glibc to 2.36`, f.Fix)
	require.Len(t, f.Why, 2)
	assert.Contains(t, f.Why[1], "GLIBC_2.34")
	// The oracle: the newest version readelf lists is the one reported.
	o := readOracle(t, root+"/lib/libc.so.6")
	assert.Equal(t, "GLIBC_2.36", highestGlibc(t, o.defined))

	// Floor 2.34 or above: the 2.34 note is left out.
	fs = checkSysroot(t, "linux/arm/v7", "/usr/arm-linux-gnueabihf", sysrootOf["arm-linux-gnueabihf"].pkg, true, Policy{Glibc: "2.35"}, nil)
	require.Equal(t, []string{"XC4003"}, ids(fs))
	assert.Len(t, fs[0].Why, 1)
	assert.Contains(t, fs[0].Fix, `zig cc -target arm-linux-gnueabihf.2.35`)
}

func TestCheckXC4003Quiet(t *testing.T) {
	root, pkg := debianRoot("aarch64-linux-gnu")
	for _, floor := range []string{"2.36", "2.40"} {
		assert.Empty(t, checkSysroot(t, "linux/arm64", root, pkg, true, Policy{Glibc: floor}, nil), floor)
	}
	// cgo off: a static Go binary needs no glibc at all.
	assert.Empty(t, checkSysroot(t, "linux/arm64", root, pkg, false, Policy{Glibc: "2.28"}, nil))
	// musl has no glibc floor.
	assert.Empty(t, checkSysroot(t, "linux/amd64", "/usr/lib/x86_64-linux-musl", "musl-dev", true, Policy{Glibc: "2.17"}, nil))
}

func TestCheckXC4004KernelAboveFloor(t *testing.T) {
	root, pkg := debianRoot("aarch64-linux-gnu")
	fs := checkSysroot(t, "linux/arm64", root, pkg, true, Policy{Kernel: "3.2"}, nil)
	require.Equal(t, []string{"XC4004"}, ids(fs))
	f := fs[0]
	assert.Equal(t, "the sysroot's C library needs Linux 3.7.0 or later, above the declared kernel floor 3.2", f.Message)
	assert.Equal(t, finding.Position{File: root + "/lib/libc.so.6", Section: ".note.ABI-tag"}, f.Pos)
	// The oracle: readelf -n on libc.so.6 and crt1.o.
	assert.Equal(t, "3.7.0", readOracle(t, root+"/lib/libc.so.6").abiTag)
	assert.Equal(t, "3.7.0", readOracle(t, root+"/lib/crt1.o").abiTag)

	// riscv64: 4.15.0.
	root, pkg = debianRoot("riscv64-linux-gnu")
	fs = checkSysroot(t, "linux/riscv64", root, pkg, true, Policy{Kernel: "4.4"}, nil)
	require.Equal(t, []string{"XC4004"}, ids(fs))
	assert.Contains(t, fs[0].Message, "needs Linux "+readOracle(t, root+"/lib/libc.so.6").abiTag+" or later")

	// The Go release's own minimum, with or without cgo.
	fs = Check(context.Background(), CheckInput{Build: testBuild(t, "linux/amd64", false), Policy: Policy{Kernel: "2.6.32"}, GoVersion: "go1.26.8"})
	require.Equal(t, []string{"XC4004"}, ids(fs))
	assert.Equal(t, "go1.26.8 binaries for linux/amd64 need Linux 3.2 or later, above the declared kernel floor 2.6.32", fs[0].Message)
	assert.Equal(t, "build with go1.23 (the last release that supports Linux 2.6.32), or raise --kernel to 3.2", fs[0].Fix)
	assert.False(t, fs[0].Pos.IsValid())

	// Both: one finding, about the higher minimum, with both reasons.
	root, pkg = debianRoot("aarch64-linux-gnu")
	fs = checkSysroot(t, "linux/arm64", root, pkg, true, Policy{Kernel: "2.6.32"}, nil)
	require.Equal(t, []string{"XC4004"}, ids(fs))
	assert.Contains(t, fs[0].Message, "3.7.0")
	assert.Len(t, fs[0].Why, 2)
}

func TestCheckXC4004Quiet(t *testing.T) {
	root, pkg := debianRoot("aarch64-linux-gnu")
	for _, floor := range []string{"4.4", "3.7", "3.7.0"} {
		assert.Empty(t, checkSysroot(t, "linux/arm64", root, pkg, true, Policy{Kernel: floor}, nil), floor)
	}
	// cgo off: the sysroot's crt1.o is not linked, only Go's 3.2 counts.
	assert.Empty(t, checkSysroot(t, "linux/arm64", root, pkg, false, Policy{Kernel: "3.2"}, nil))
}

func TestCheckXC4005ARMFloatABI(t *testing.T) {
	root, pkg := debianRoot("arm-linux-gnueabi")
	fs := checkSysroot(t, "linux/arm/v7", root, pkg, true, Policy{}, nil)
	f := rule(fs, "XC4005")
	require.Len(t, f, 1)
	assert.Equal(t, "GOARM=7 builds for hard-float ARM (armhf), but the sysroot's C library is soft-float (armel)", f[0].Message)
	assert.Equal(t, finding.Position{File: root + "/lib/libc.so.6", Section: "e_flags"}, f[0].Pos)
	assert.Equal(t, "use a hard-float sysroot (apt-get install libc6-dev-armhf-cross, --sysroot linux/arm/v7=/usr/arm-linux-gnueabihf) with CC=arm-linux-gnueabihf-gcc, or build with GOARM=5 for soft-float devices", f[0].Fix)
	assert.Contains(t, f[0].Why, "lib/libc.so.6 (PT_INTERP): its programs ask for the loader /lib/ld-linux.so.3")
	// The oracle: readelf's flags have EF_ARM_ABI_FLOAT_SOFT, the
	// interpreter is the soft-float loader.
	o := readOracle(t, root+"/lib/libc.so.6")
	assert.NotZero(t, o.flags&EF_ARM_ABI_FLOAT_SOFT)
	assert.Equal(t, "/lib/ld-linux.so.3", o.interp)

	// GOARM=5 against armhf.
	root, pkg = debianRoot("arm-linux-gnueabihf")
	f = rule(checkSysroot(t, "linux/arm/v5", root, pkg, true, Policy{}, nil), "XC4005")
	require.Len(t, f, 1)
	assert.Equal(t, "GOARM=5 builds for soft-float ARM (armel), but the sysroot's C library is hard-float (armhf)", f[0].Message)
	f = rule(checkSysroot(t, "linux/arm/v6,softfloat", root, pkg, true, Policy{}, nil), "XC4005")
	require.Len(t, f, 1)
	assert.Contains(t, f[0].Message, "GOARM=6,softfloat builds for soft-float ARM")
}

func TestCheckXC4005CompilerVsSysroot(t *testing.T) {
	root, pkg := debianRoot("arm-linux-gnueabi")
	hf := probeCC(t, "arm-linux-gnueabihf-gcc", "gcc-arm-linux-gnueabihf")
	f := rule(checkSysroot(t, "linux/arm/v5", root, pkg, true, Policy{}, hf), "XC4005")
	require.Len(t, f, 1)
	assert.Equal(t, `the C compiler "arm-linux-gnueabihf-gcc" targets arm-linux-gnueabihf (hard-float), but the sysroot's C library is soft-float (armel)`, f[0].Message)
	assert.Equal(t, "set CC=arm-linux-gnueabi-gcc to match the sysroot (and GOARM), or use a sysroot of the compiler's float ABI", f[0].Fix)

	sf := probeCC(t, "arm-linux-gnueabi-gcc", "gcc-arm-linux-gnueabi")
	assert.Empty(t, checkSysroot(t, "linux/arm/v5", root, pkg, true, Policy{}, sf))
}

func TestCheckXC4005Quiet(t *testing.T) {
	root, pkg := debianRoot("arm-linux-gnueabihf")
	assert.Empty(t, checkSysroot(t, "linux/arm/v7", root, pkg, true, Policy{}, nil))
	assert.Empty(t, checkSysroot(t, "linux/arm", root, pkg, true, Policy{}, nil), "GOARM defaults to 7")
	root, pkg = debianRoot("arm-linux-gnueabi")
	assert.Empty(t, rule(checkSysroot(t, "linux/arm/v7", root, pkg, false, Policy{}, nil), "XC4005"), "cgo off")
}

// A sysroot whose libc records no float ABI is judged by its loader.
func TestCheckXC4005FromLoader(t *testing.T) {
	root := t.TempDir()
	s := newSynth(elf.ELFCLASS32, binary.LittleEndian, elf.EM_ARM)
	s.flags = 0x05000000 // EABI 5, float ABI not recorded
	s.prog(synthProg{typ: elf.PT_INTERP, data: []byte("/lib/ld-linux-armhf.so.3\x00"), align: 1})
	libc, _ := s.build()
	writeFile(t, root, "lib/libc.so.6", libc)
	sr, err := ReadSysroot(root)
	require.NoError(t, err)
	require.False(t, sr.ARMFloatABI.Known())
	f := rule(checkRead(t, "linux/arm/v5", sr, true, Policy{}, nil), "XC4005")
	require.Len(t, f, 1)
	assert.Equal(t, "PT_INTERP", f[0].Pos.Section)
	assert.Empty(t, checkRead(t, "linux/arm/v7", sr, true, Policy{}, nil))
}

func TestCheckXC4006ARMCPU(t *testing.T) {
	root, pkg := debianRoot("arm-linux-gnueabi")
	f := rule(checkSysroot(t, "linux/arm/v7", root, pkg, true, Policy{}, nil), "XC4006")
	require.Len(t, f, 1)
	assert.Equal(t, "the sysroot's C library is built for ARM v5TE, but GOARM=7 needs ARMv7", f[0].Message)
	assert.Equal(t, finding.Position{File: root + "/lib/libc.so.6", Section: ".ARM.attributes"}, f[0].Pos)
	assert.Equal(t, "build with GOARM=5 for this sysroot's devices, or use a sysroot built for ARMv7 or later (Debian armhf is ARMv7)", f[0].Fix)
	// The oracle: readelf -A says Tag_CPU_arch v5TE.
	assert.Equal(t, "v5TE", readOracle(t, root+"/lib/libc.so.6").cpuArch)

	f = rule(checkSysroot(t, "linux/arm/v6", root, pkg, true, Policy{}, nil), "XC4006")
	require.Len(t, f, 1)
	assert.Contains(t, f[0].Message, "GOARM=6 needs ARMv6")

	// cgo off, but the sysroot was named: it describes the devices.
	f = rule(checkSysroot(t, "linux/arm/v7", root, pkg, false, Policy{}, nil), "XC4006")
	assert.Len(t, f, 1)
}

func TestCheckXC4006Quiet(t *testing.T) {
	root, pkg := debianRoot("arm-linux-gnueabi")
	assert.Empty(t, checkSysroot(t, "linux/arm/v5", root, pkg, true, Policy{}, nil))
	root, pkg = debianRoot("arm-linux-gnueabihf")
	assert.Empty(t, rule(checkSysroot(t, "linux/arm/v7", root, pkg, true, Policy{}, nil), "XC4006"))
	// cgo off and the sysroot only found by looking around: not a
	// statement about the devices.
	root, pkg = debianRoot("arm-linux-gnueabi")
	needSysroot(t, root, pkg)
	s, err := ReadSysroot(root)
	require.NoError(t, err)
	fs := Check(context.Background(), CheckInput{
		Build: testBuild(t, "linux/arm/v7", false), Sysroot: s,
		Discovery: Discovery{Root: root, Method: MethodDebianCross, How: "Debian cross layout " + root},
	})
	assert.Empty(t, fs)
}

// synthMIPSSysroot writes a mipsel glibc whose .MIPS.abiflags says fp, and
// whose e_flags have NaN2008 if asked.
func synthMIPSSysroot(t *testing.T, fp MIPSFPABI, nan2008 bool) *Sysroot {
	t.Helper()
	bo := binary.LittleEndian
	abiflags := make([]byte, 24)
	abiflags[2], abiflags[3], abiflags[4], abiflags[7] = 32, 2, 1, byte(fp)
	flags := uint32(0x70001007)
	if nan2008 {
		flags |= EF_MIPS_NAN2008
	}
	root := t.TempDir()
	writeFile(t, root, "lib/libc.so.6", synthGlibcOpts{
		class: elf.ELFCLASS32, bo: bo, machine: elf.EM_MIPS, flags: flags,
		soname: "libc.so.6", versions: []string{"GLIBC_2.0", "GLIBC_2.36"}, abiTag: [3]uint32{3, 2, 0}, interp: "/lib/ld.so.1",
		extra: []synthSection{{name: ".MIPS.abiflags", typ: elf.SHT_MIPS_ABIFLAGS, flags: elf.SHF_ALLOC, data: abiflags, align: 8}},
	}.build())
	s, err := ReadSysroot(root)
	require.NoError(t, err)
	require.Empty(t, s.Problems)
	require.Equal(t, fp, s.MIPSFPABI.Value)
	return s
}

func TestCheckXC4007MIPSFloatABI(t *testing.T) {
	// The real mipsel sysroot is FPXX (hard-float compatible).
	root, pkg := debianRoot("mipsel-linux-gnu")
	fs := checkSysroot(t, "linux/mipsle/softfloat", root, pkg, true, Policy{}, nil)
	require.Equal(t, []string{"XC4007"}, ids(fs))
	assert.Equal(t, "GOMIPS=softfloat builds soft-float code, but the sysroot's C library is hard-float (fp_abi fpxx)", fs[0].Message)
	assert.Equal(t, finding.Position{File: root + "/lib/libc.so.6", Section: ".MIPS.abiflags"}, fs[0].Pos)
	assert.Equal(t, "build with GOMIPS=hardfloat to match the sysroot, or use a soft-float sysroot", fs[0].Fix)
	assert.Equal(t, MIPSFPXX, readelfMIPSFP[readOracle(t, root+"/lib/libc.so.6").mipsFP])

	// A soft-float sysroot (none is packaged for Debian 12).
	soft := synthMIPSSysroot(t, MIPSFPSoft, false)
	fs = checkRead(t, "linux/mipsle", soft, true, Policy{}, nil)
	require.Equal(t, []string{"XC4007"}, ids(fs))
	assert.Equal(t, "GOMIPS=hardfloat builds hard-float code, but the sysroot's C library is soft-float (fp_abi soft)", fs[0].Message)

	// NaN2008.
	fs = checkRead(t, "linux/mipsle", synthMIPSSysroot(t, MIPSFPXX, true), true, Policy{}, nil)
	require.Equal(t, []string{"XC4007"}, ids(fs))
	assert.Contains(t, fs[0].Message, "NaN2008")
	assert.Equal(t, "e_flags", fs[0].Pos.Section)
}

func TestCheckXC4007Quiet(t *testing.T) {
	root, pkg := debianRoot("mipsel-linux-gnu")
	assert.Empty(t, checkSysroot(t, "linux/mipsle", root, pkg, true, Policy{}, nil))
	assert.Empty(t, checkSysroot(t, "linux/mipsle/hardfloat", root, pkg, true, Policy{}, nil))
	assert.Empty(t, checkRead(t, "linux/mipsle/softfloat", synthMIPSSysroot(t, MIPSFPSoft, false), true, Policy{}, nil))
	assert.Empty(t, checkRead(t, "linux/mipsle/softfloat", synthMIPSSysroot(t, MIPSFPAny, false), true, Policy{}, nil))
	assert.Empty(t, checkSysroot(t, "linux/mipsle/softfloat", root, pkg, false, Policy{}, nil), "cgo off")
}

func TestCheckXC4008NoSysroot(t *testing.T) {
	// CC does not exist and the file system has no s390x C library:
	// every step comes up empty.
	b := testBuild(t, "linux/s390x", true)
	b.CC = "xcheck-test-no-such-gcc"
	d := discoverer{fsRoot: t.TempDir()}
	disc, err := d.discover(context.Background(), b, os.Environ(), nil)
	require.ErrorIs(t, err, ErrNoSysroot)
	fs := Check(context.Background(), CheckInput{Build: b, Discovery: disc, Err: err})
	require.Equal(t, []string{"XC4008"}, ids(fs))
	f := fs[0]
	assert.Equal(t, finding.Error, f.Severity)
	assert.Equal(t, "cgo is on but no sysroot with a C library was found", f.Message)
	assert.Equal(t, "apt-get install libc6-dev-s390x-cross (sysroot /usr/s390x-linux-gnu), or name the sysroot with --sysroot linux/s390x=PATH", f.Fix)
	assert.Contains(t, strings.Join(f.Why, "\n"), `CC=xcheck-test-no-such-gcc: no C compiler "xcheck-test-no-such-gcc" in PATH`)
	assert.Contains(t, strings.Join(f.Why, "\n"), filepath.Join(d.fsRoot, "usr/s390x-linux-gnu")+": no C library")

	// An explicit sysroot that does not exist.
	disc, err = d.discover(context.Background(), b, nil, map[string]string{"linux/s390x": "/nonexistent/sysroot"})
	require.Error(t, err)
	fs = Check(context.Background(), CheckInput{Build: b, Discovery: disc, Err: err})
	require.Equal(t, []string{"XC4008"}, ids(fs))
	assert.Equal(t, "cgo is on but the sysroot named by --sysroot linux/s390x=/nonexistent/sysroot is unusable: no such directory", fs[0].Message)

	// A sysroot without a C library.
	empty := t.TempDir()
	writeFile(t, empty, "usr/include/stdio.h", []byte("/* */\n"))
	s, err := ReadSysroot(empty)
	require.NoError(t, err)
	fs = Check(context.Background(), CheckInput{Build: b, Sysroot: s, Discovery: Discovery{Root: empty, Method: MethodFlag, How: "--sysroot " + empty}})
	require.Equal(t, []string{"XC4008"}, ids(fs))
	assert.Contains(t, fs[0].Message, "has no C library")
}

func TestCheckXC4008Quiet(t *testing.T) {
	root, pkg := debianRoot("s390x-linux-gnu")
	needSysroot(t, root, pkg)
	b := testBuild(t, "linux/s390x", true)
	b.CC = "xcheck-test-no-such-gcc"
	disc, s, err := LoadSysroot(context.Background(), nil, b, os.Environ(), nil)
	require.NoError(t, err)
	assert.Equal(t, MethodDebianCross, disc.Method)
	assert.Equal(t, root, disc.Root)
	assert.Empty(t, Check(context.Background(), CheckInput{Build: b, Discovery: disc, Sysroot: s, Err: err, GoVersion: "go1.26.8"}))

	// cgo off: no sysroot is needed.
	b = testBuild(t, "linux/s390x", false)
	d := discoverer{fsRoot: t.TempDir()}
	disc, err = d.discover(context.Background(), b, nil, nil)
	require.Error(t, err)
	assert.Empty(t, Check(context.Background(), CheckInput{Build: b, Discovery: disc, Err: err}))
	// Nobody looked, or zig cc: nothing to say.
	assert.Empty(t, Check(context.Background(), CheckInput{Build: testBuild(t, "linux/s390x", true)}))
	assert.Empty(t, Check(context.Background(), CheckInput{Build: testBuild(t, "linux/s390x", true), Discovery: Discovery{Method: MethodZig}}))
}

func TestCheckOtherOS(t *testing.T) {
	for _, target := range []string{"windows/amd64", "darwin/arm64", "android/arm64"} {
		b := testBuild(t, target, true)
		assert.Empty(t, Check(context.Background(), CheckInput{Build: b, Err: &DiscoverError{Target: target, Err: ErrNoSysroot}, Policy: Policy{Kernel: "2.6"}}))
	}
	b := testBuild(t, "linux/amd64", true)
	b.Port = nil // not a port: XC1001's business
	assert.Empty(t, Check(context.Background(), CheckInput{Build: b, Err: &DiscoverError{Err: ErrNoSysroot}}))
}

func TestRules(t *testing.T) {
	require.Len(t, Rules, 8)
	seen := map[string]bool{}
	for i, r := range Rules {
		require.NoError(t, r.Validate())
		assert.Equal(t, "XC400"+string(rune('1'+i)), r.ID)
		assert.False(t, seen[r.Name], r.Name)
		seen[r.Name] = true
		assert.Equal(t, "sysroot and ABI", finding.Family(r.ID))
		assert.Contains(t, r.Example, r.ID, "the example shows the rule firing")
		assert.Contains(t, r.Markdown(), "## Why it breaks")
	}
}
