package abi

import "github.com/xcheck-dev/xcheck/finding"

// The XC4xxx rules: the target's sysroot and C ABI, checked before
// anything is built. IDs are stable and never reused.
var (
	RuleSysrootArchMismatch = &finding.Rule{
		ID: "XC4001", Name: "sysroot-arch-mismatch", Severity: finding.Error,
		Title: "the sysroot's C library is for another architecture than the target",
		Why: "With cgo, the C compiler links the program against the sysroot's `crt1.o`, `libc.so` and " +
			"`libc.so.6`. When they were built for another machine, class (32/64-bit) or byte order than the " +
			"target — an arm64 sysroot for linux/arm, a ppc64le one for linux/ppc64, the build machine's own " +
			"`/` for a cross target — the link fails with \"skipping incompatible libc.so.6\", \"file in wrong " +
			"format\" or \"relocations in generic ELF (EM: 183)\". xcheck compares the ELF header of the sysroot's " +
			"C library (e_machine, EI_CLASS, EI_DATA, and the MIPS n32 flag) with what Go writes for the target.",
		Example: "```\n$ xcheck -t linux/arm --cgo on --sysroot /usr/aarch64-linux-gnu ./...\n" +
			"/usr/aarch64-linux-gnu/lib/libc.so.6 [ELF header]: error XC4001 [linux/arm] sysroot \"/usr/aarch64-linux-gnu\" is for linux/arm64 (AArch64 64-bit little-endian), not linux/arm (ARM 32-bit little-endian)\n" +
			"    fix: use a sysroot for linux/arm: apt-get install libc6-dev-armhf-cross and --sysroot linux/arm=/usr/arm-linux-gnueabihf\n```",
		Fix: "point --sysroot (or CC's --sysroot) at a sysroot built for the target's architecture",
	}
	RuleLibcMismatch = &finding.Rule{
		ID: "XC4002", Name: "libc-mismatch", Severity: finding.Error,
		Title: "the sysroot's C library is not the one declared with --libc",
		Why: "glibc and musl are not binary compatible: a program linked against musl asks for " +
			"`/lib/ld-musl-<arch>.so.1` and musl's symbols, one linked against glibc for " +
			"`/lib/ld-linux-*.so.*` and versioned `GLIBC_x.y` symbols. Shipped to systems of the other kind it " +
			"fails to start with \"not found\" (the loader is missing) or \"symbol not found\". `--libc glibc` " +
			"or `--libc musl` declares what the target systems run (Alpine and OpenWrt are musl; Debian, " +
			"Ubuntu, RHEL are glibc); the sysroot the cgo build links against must provide that C library.",
		Example: "```\n$ xcheck -t linux/amd64 --cgo on --libc glibc --sysroot /usr/lib/x86_64-linux-musl ./...\n" +
			"/usr/lib/x86_64-linux-musl/libc.so [.rodata]: error XC4002 [linux/amd64] the sysroot's C library is musl, but --libc glibc was declared\n```",
		Fix: "link against a sysroot of the declared C library (and its C compiler), or declare the C library the target systems really run",
	}
	RuleGlibcAboveFloor = &finding.Rule{
		ID: "XC4003", Name: "glibc-above-floor", Severity: finding.Warning,
		Title: "the sysroot's glibc is newer than the declared --glibc floor",
		Why: "A program linked against glibc records, for every libc symbol it uses, the symbol version of " +
			"the glibc it was linked with (`memcpy@GLIBC_2.14`, `pthread_create@GLIBC_2.34`); an older glibc " +
			"refuses to start it: \"version `GLIBC_2.34' not found\". The binary therefore needs the glibc of " +
			"the sysroot it was linked against, up to the newest version it defines, not the floor declared " +
			"with `--glibc`. Since glibc 2.34 moved libpthread into libc, even a trivial cgo program (or one " +
			"that only uses `net` or `os/user` with cgo) linked against glibc 2.34 or newer needs " +
			"GLIBC_2.34: a Debian 12 sysroot (glibc 2.36) produces binaries that do not run on Debian 11, " +
			"Ubuntu 20.04 or RHEL 8. The build succeeds; the failure is on the target system.",
		Example: "```\n$ xcheck -t linux/arm64 --cgo on --glibc 2.28 ./...\n" +
			"/usr/aarch64-linux-gnu/lib/libc.so.6 [.gnu.version_d]: warning XC4003 [linux/arm64] the sysroot's glibc 2.36 is newer than the declared floor 2.28\n" +
			"    fix: link against a glibc 2.28 sysroot (Debian 10 buster's libc6-dev-arm64-cross), or use CC=\"zig cc -target aarch64-linux-gnu.2.28\", or raise --glibc to 2.36\n```",
		Fix: "link against a sysroot whose glibc is not newer than the floor (an older distribution's, or `zig cc -target <arch>-linux-gnu.<floor>`), or raise the floor",
	}
	RuleKernelAboveFloor = &finding.Rule{
		ID: "XC4004", Name: "kernel-above-floor", Severity: finding.Warning,
		Title: "the sysroot's C library or the Go release needs a newer Linux kernel than the --kernel floor",
		Why: "glibc is built for a minimum kernel, recorded in the NT_GNU_ABI_TAG note (`.note.ABI-tag`) of " +
			"`libc.so.6` and `crt1.o`, and copied into every program linked with that `crt1.o`: on an older " +
			"kernel the program dies at start-up with \"FATAL: kernel too old\". Per-architecture minimums " +
			"exceed Go's own: Debian 12's glibc needs Linux 3.7 on arm64, 3.10 on ppc64le and 4.15 on riscv64. " +
			"The Go release has its own minimum too (Linux 3.2 since Go 1.24, 5.19 for linux/loong64). " +
			"`--kernel` declares the oldest kernel the binaries must run on.",
		Example: "```\n$ xcheck -t linux/arm64 --cgo on --kernel 3.2 ./...\n" +
			"/usr/aarch64-linux-gnu/lib/libc.so.6 [.note.ABI-tag]: warning XC4004 [linux/arm64] the sysroot's C library needs Linux 3.7.0 or later, above the declared kernel floor 3.2\n```",
		Fix: "link against a C library built for the floor (glibc's --enable-kernel), build with a Go release that supports it, or raise the floor",
	}
	RuleARMFloatABIMismatch = &finding.Rule{
		ID: "XC4005", Name: "arm-float-abi-mismatch", Severity: finding.Error,
		Title: "the sysroot's ARM float ABI differs from GOARM's or the C compiler's",
		Why: "32-bit ARM Linux has two C calling conventions that do not mix: soft-float (`gnueabi`, Debian " +
			"armel, loader `/lib/ld-linux.so.3`) passes floating-point values in core registers, hard-float " +
			"(`gnueabihf`, Debian armhf and Raspberry Pi OS, loader `/lib/ld-linux-armhf.so.3`) in VFP " +
			"registers. The C compiler, the sysroot's `crt1.o` and `libc.so.6` must agree, or GNU ld stops with " +
			"\"uses VFP register arguments, … does not\"; a program whose PT_INTERP names the other " +
			"convention's loader does not start (\"No such file or directory\"). GOARM chooses the kind of " +
			"device: GOARM=5 and GOARM=…,softfloat build for soft-float systems, GOARM=6 and 7 for hard-float " +
			"ones; linked against the other kind's sysroot, the binary fits neither. xcheck reads the " +
			"sysroot's float ABI from e_flags (EF_ARM_ABI_FLOAT_HARD/SOFT), else Tag_ABI_VFP_args in " +
			"`.ARM.attributes`, else its loader. GOARM against the C compiler alone is XC3005.",
		Example: "```\n$ xcheck -t linux/arm/v7 --cgo on --sysroot /usr/arm-linux-gnueabi ./...\n" +
			"/usr/arm-linux-gnueabi/lib/libc.so.6 [e_flags]: error XC4005 [linux/arm/v7] GOARM=7 builds for hard-float ARM (armhf), but the sysroot's C library is soft-float (armel)\n" +
			"    fix: use a hard-float sysroot (apt-get install libc6-dev-armhf-cross, --sysroot linux/arm/v7=/usr/arm-linux-gnueabihf) with CC=arm-linux-gnueabihf-gcc, or build with GOARM=5 for soft-float devices\n```",
		Fix: "use a sysroot and a C compiler of the float ABI GOARM selects (armhf with arm-linux-gnueabihf-gcc for GOARM=6/7, armel with arm-linux-gnueabi-gcc for GOARM=5)",
	}
	RuleARMCPUBelowGOARM = &finding.Rule{
		ID: "XC4006", Name: "arm-cpu-below-goarm", Severity: finding.Warning,
		Title: "the sysroot is built for an older ARM CPU than GOARM needs",
		Why: "GOARM=7 code uses ARMv7 instructions and VFPv3 registers, GOARM=6 ARMv6 ones with VFPv2. The " +
			"sysroot's C library records the CPU architecture it was built for (Tag_CPU_arch in " +
			"`.ARM.attributes`): Debian armel is ARMv5TE, Raspberry Pi OS armhf is ARMv6. A binary built with a " +
			"higher GOARM than the sysroot's devices have builds fine and dies on the device with SIGILL " +
			"(illegal instruction). The library's attributes are the union of all its objects, so they never " +
			"understate the CPU.",
		Example: "```\n$ xcheck -t linux/arm/v7 --cgo on --sysroot /usr/arm-linux-gnueabi ./...\n" +
			"/usr/arm-linux-gnueabi/lib/libc.so.6 [.ARM.attributes]: warning XC4006 [linux/arm/v7] the sysroot's C library is built for ARM v5TE, but GOARM=7 needs ARMv7\n```",
		Fix: "build with the GOARM the sysroot's CPU supports (GOARM=5 for ARMv5, 6 for ARMv6), or use a sysroot built for the CPU GOARM needs",
	}
	RuleMIPSFloatABIMismatch = &finding.Rule{
		ID: "XC4007", Name: "mips-float-abi-mismatch", Severity: finding.Error,
		Title: "the sysroot's MIPS float ABI or NaN encoding differs from GOMIPS",
		Why: "GOMIPS (GOMIPS64) selects hard-float code, which uses the FPU, or soft-float code for FPU-less " +
			"devices (many routers). Go marks its objects accordingly (`.MIPS.abiflags` fp_abi 1 or 3), and the " +
			"sysroot's C library says what it was built for: soft-float (fp_abi 3) or hard-float (double, FPXX, " +
			"FP64). Linking one against the other makes GNU ld complain about mixing -msoft-float and " +
			"-mhard-float objects, and the binary either traps on every FPU instruction of a soft-float device " +
			"or does not match the system's libraries. Go's objects also always use the legacy NaN encoding; " +
			"a sysroot built for NaN2008 (loader `ld-linux-mipsn8.so.1`) cannot be linked with them " +
			"(\"linking -mnan=legacy module with previous -mnan=2008 modules\").",
		Example: "```\n$ xcheck -t linux/mipsle/softfloat --cgo on --sysroot /usr/mipsel-linux-gnu ./...\n" +
			"/usr/mipsel-linux-gnu/lib/libc.so.6 [.MIPS.abiflags]: error XC4007 [linux/mipsle/softfloat] GOMIPS=softfloat builds soft-float code, but the sysroot's C library is hard-float (fp_abi fpxx)\n```",
		Fix: "set GOMIPS (GOMIPS64) to the float ABI of the sysroot, or use a sysroot built for the devices' float ABI",
	}
	RuleNoSysroot = &finding.Rule{
		ID: "XC4008", Name: "no-sysroot", Severity: finding.Error,
		Title: "cgo is on for a Linux target but no sysroot with a C library was found",
		Why: "A cgo build links against the target's C library: its `crt1.o`, `libc.so` and headers. " +
			"xcheck looks for them where the build would (--sysroot, `--sysroot` in CGO_CFLAGS/CGO_LDFLAGS, " +
			"`$CC -print-sysroot`, the start files `$CC` links, `$CC -print-file-name=libc.so.6`) and where " +
			"Debian puts them (`/usr/<triple>` from `libc6-dev-<arch>-cross`, `/usr/lib/<triple>` from " +
			"multiarch). When there is none the build fails at the first `#include <stdlib.h>` or at the " +
			"link (\"cannot find crt1.o\", \"cannot find -lc\"), and none of the ABI checks can run." +
			" When no package of the target's build has cgo files (the standard library's `net` and `os/user` count) and the port does not link externally, `go build` never runs the C compiler: xcheck then reports this rule as a warning, since the build breaks only once a dependency adds cgo.",
		Example: "```\n$ xcheck -t linux/s390x --cgo on ./...\n" +
			"error XC4008 [linux/s390x] cgo is on but no sysroot with a C library was found\n" +
			"    fix: apt-get install libc6-dev-s390x-cross (sysroot /usr/s390x-linux-gnu), or name the sysroot with --sysroot linux/s390x=PATH\n```",
		Fix: "install the target's C library (on Debian: apt-get install libc6-dev-<arch>-cross), or name the sysroot with --sysroot TARGET=PATH",
	}
)

// Rules lists the XC4xxx rules of this package.
var Rules = []*finding.Rule{
	RuleSysrootArchMismatch, RuleLibcMismatch, RuleGlibcAboveFloor, RuleKernelAboveFloor,
	RuleARMFloatABIMismatch, RuleARMCPUBelowGOARM, RuleMIPSFloatABIMismatch, RuleNoSysroot,
}
