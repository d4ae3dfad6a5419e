package inspect

import "github.com/xcheck-dev/xcheck/finding"

// The XC5xxx rules: built artifacts (binaries, shared objects, objects and
// archives) checked against the targets and floors they are released for.
// IDs are stable and never reused.
var (
	RulePlatformMismatch = &finding.Rule{
		ID: "XC5001", Name: "artifact-platform-mismatch", Severity: finding.Error,
		Title: "the artifact is built for another architecture or operating system than the target",
		Why: "A binary runs only on the machine and system it was built for: an arm64 ELF file on an " +
			"amd64 host, a 32-bit ARM one on arm64 devices without 32-bit support, an ELF file on Windows " +
			"or a PE file on Linux fail at once with \"exec format error\" (or \"cannot execute binary file\", " +
			"\"This app can't run on your PC\"). An object file or static archive for the wrong machine fails " +
			"the link of whoever uses it (\"file in wrong format\", \"incompatible target\"). In a release job " +
			"the wrong file usually comes from a build matrix whose GOOS/GOARCH (or C compiler) did not " +
			"reach the step that built it. xcheck reads the machine, class and byte order from the ELF, PE " +
			"or Mach-O header, the operating system from the Go build info, PT_INTERP, EI_OSABI or the " +
			"format, and compares them with each declared target; with several targets, the artifact must " +
			"match one of them.",
		Example: "```\n$ xcheck inspect --target linux/amd64 dist/app\n" +
			"dist/app [ELF header]: error XC5001 [linux/amd64] \"dist/app\" is a linux/arm64 executable (AArch64 64-bit little-endian), not one for linux/amd64\n" +
			"    fix: rebuild it for linux/amd64 (GOOS=linux GOARCH=amd64 go build), or drop it from the release for this target\n```",
		Fix: "rebuild the artifact for the target (GOOS/GOARCH, and the target's C compiler for C code), or fix the target list",
	}
	RuleSymbolVersionAboveFloor = &finding.Rule{
		ID: "XC5002", Name: "symbol-version-above-floor", Severity: finding.Error,
		Title: "the artifact needs glibc or libstdc++ symbol versions newer than the declared floor",
		Why: "A program linked against glibc records, for each C library symbol it uses, the version of " +
			"the glibc it was linked with (`pthread_create@GLIBC_2.34`); the dynamic loader of an older " +
			"glibc refuses to start it: \"version `GLIBC_2.34' not found (required by ./app)\". The same holds " +
			"for C++ code and libstdc++ (`GLIBCXX_3.4.30`, `CXXABI_1.3.13`). The version a binary needs is " +
			"that of the sysroot it was linked against, not the floor the release promises: since glibc 2.34 " +
			"moved libpthread into libc, every cgo binary linked against glibc 2.34 or newer (Debian 12, " +
			"Ubuntu 22.04) needs GLIBC_2.34 and does not run on Debian 11, Ubuntu 20.04 or RHEL 8. xcheck " +
			"reads the needed versions from `.gnu.version_r` and the symbols that need each from `.dynsym` and " +
			"`.gnu.version`, and compares them part by part as numbers (2.9 < 2.10) with `--glibc`. For " +
			"libstdc++ the floor is the newest GLIBCXX_ and CXXABI_ version that the manylinux policy of the " +
			"same glibc allows (auditwheel's table: glibc 2.17 ships GLIBCXX_3.4.19, 2.28 GLIBCXX_3.4.24, 2.31 " +
			"GLIBCXX_3.4.28, 2.35 GLIBCXX_3.4.30).",
		Example: "```\n$ xcheck inspect --target linux/arm64 --glibc 2.28 bin/app\n" +
			"bin/app [.gnu.version_r]: error XC5002 [linux/arm64] \"bin/app\" needs glibc 2.34 (GLIBC_2.34), above the declared floor 2.28\n" +
			"    why: GLIBC_2.34 from libc.so.6: __libc_start_main, pthread_attr_getstacksize, pthread_create, pthread_detach, pthread_key_create, pthread_setspecific\n" +
			"    why: GLIBC_2.32 from libc.so.6: pthread_getattr_np, pthread_sigmask\n" +
			"    fix: link against a glibc 2.28 sysroot (CC=\"zig cc -target aarch64-linux-gnu.2.28\", or an older distribution's cross packages), or build with CGO_ENABLED=0, or raise --glibc to 2.34\n```",
		Fix: "link against a sysroot with the floor's glibc (an older distribution's, or `zig cc -target <arch>-linux-gnu.<floor>`), build without cgo, or raise the floor",
	}
	RuleLibcMismatch = &finding.Rule{
		ID: "XC5003", Name: "artifact-libc-mismatch", Severity: finding.Error,
		Title: "the artifact is dynamically linked against glibc for musl systems, or against musl for glibc systems",
		Why: "A dynamically linked program names its C library's loader in PT_INTERP: " +
			"`/lib/ld-linux-aarch64.so.1` for glibc, `/lib/ld-musl-aarch64.so.1` for musl. On a system of " +
			"the other kind the loader does not exist and the kernel reports the program itself as missing: " +
			"`./app: not found` on Alpine for a glibc binary, \"No such file or directory\" on Debian for a " +
			"musl one. Even where a compatibility package provides the loader, the versioned glibc symbols " +
			"(GLIBC_2.x) are not there. `--libc glibc|musl` (or the C library of `--sysroot`) declares what " +
			"the target systems run. Statically linked programs do not need a loader and are not affected.",
		Example: "```\n$ xcheck inspect --target linux/amd64 --libc musl dist/app\n" +
			"dist/app [PT_INTERP]: error XC5003 [linux/amd64] \"dist/app\" is dynamically linked against glibc (PT_INTERP /lib64/ld-linux-x86-64.so.2), but the target systems run musl\n" +
			"    fix: build with CGO_ENABLED=0 (a static Go binary runs on both), or link against musl (CC=musl-gcc, or zig cc -target x86_64-linux-musl)\n```",
		Fix: "build without cgo (a static Go binary runs on both C libraries), or link against the target's C library, or link statically",
	}
	RuleNeededLibraryMissing = &finding.Rule{
		ID: "XC5004", Name: "needed-library-missing", Severity: finding.Error,
		Title: "a library the artifact needs (DT_NEEDED) is not in the target sysroot, or lacks the versions it needs",
		Why: "The dynamic loader loads every library named in DT_NEEDED from the library directories (and " +
			"the artifact's RUNPATH) before the program starts: a missing one stops it with \"error while " +
			"loading shared libraries: libssl.so.3: cannot open shared object file\", one without a needed " +
			"symbol version with \"version `OPENSSL_3.2.0' not found\". With `--sysroot`, the sysroot stands for " +
			"the target systems' root file system (a Debian cross sysroot, an unpacked image of the device): " +
			"xcheck looks each library up in its library directories, follows symbolic links inside it, and " +
			"compares the versions the artifact needs from that library (`.gnu.version_r`) with those the " +
			"library defines (`.gnu.version_d`). Libraries found through a RUNPATH of `$ORIGIN` (shipped beside " +
			"the artifact) are looked up there.",
		Example: "```\n$ xcheck inspect --target linux/arm64 --sysroot /usr/aarch64-linux-gnu dist/app\n" +
			"dist/app [.dynamic]: error XC5004 [linux/arm64] \"dist/app\" needs libssl.so.3, which the sysroot /usr/aarch64-linux-gnu does not have\n" +
			"    fix: install libssl.so.3 on the target systems (and in the sysroot), ship it beside the binary with a RUNPATH of $ORIGIN, or link it statically\n```",
		Fix: "install the library (in the version needed) on the target systems and in the sysroot, ship it with the artifact (RUNPATH $ORIGIN), or link it statically",
	}
	RuleLoaderMissing = &finding.Rule{
		ID: "XC5005", Name: "loader-missing", Severity: finding.Error,
		Title: "the dynamic loader the artifact names (PT_INTERP) does not exist in the target sysroot",
		Why: "The kernel starts a dynamically linked program by loading the interpreter its PT_INTERP " +
			"names. When that file does not exist the program cannot start, and the error names the program, " +
			"not the loader: \"bash: ./app: No such file or directory\" for a file that is plainly there. It " +
			"happens with a binary linked against the other float ABI's C library on 32-bit ARM " +
			"(`/lib/ld-linux-armhf.so.3` against `/lib/ld-linux.so.3`), against the other C library (musl's " +
			"`/lib/ld-musl-*.so.1`), or by the Go linker's built-in default where the target uses another " +
			"path (riscv64 `/lib/ld.so.1`, golang/go#77209). With `--sysroot`, xcheck resolves PT_INTERP " +
			"inside the sysroot, following its symbolic links.",
		Example: "```\n$ xcheck inspect --target linux/arm/v7 --sysroot /usr/arm-linux-gnueabihf dist/app-armel\n" +
			"dist/app-armel [PT_INTERP]: error XC5005 [linux/arm/v7] \"dist/app-armel\" asks for the loader /lib/ld-linux.so.3, which the sysroot /usr/arm-linux-gnueabihf does not have (it has /lib/ld-linux-armhf.so.3)\n```",
		Fix: "link with the target's C compiler and sysroot so that PT_INTERP names the target's loader (or set it with -ldflags=-I), or build without cgo for a static binary",
	}
	RuleCPUAboveFloor = &finding.Rule{
		ID: "XC5006", Name: "cpu-level-above-floor", Severity: finding.Error,
		Title: "the artifact needs a newer CPU (GOARM, GOAMD64, ARM architecture, float ABI) than the declared floor",
		Why: "Go compiles for a CPU level chosen by the architecture variable: GOARM=7 uses ARMv7 " +
			"instructions and VFPv3 registers, GOAMD64=v3 AVX2, BMI and FMA, GOARM64=v8.1 LSE atomics; C " +
			"compilers record the ARM architecture and float ABI they compiled for in `.ARM.attributes` and " +
			"e_flags. Run on an older CPU the binary dies with SIGILL (\"illegal instruction\") at the first " +
			"such instruction, often long after start-up; hard-float code on a soft-float (FPU-less) device " +
			"crashes likewise. `--cpu` declares the oldest CPU per architecture (`arm/v6`, `amd64/v1`, " +
			"`arm/5`, `arm/v7,softfloat`), and a target with a variant (`linux/arm/v6`) declares it too. " +
			"xcheck reads the level from the Go build info (GOARM, GOAMD64, GO386, GOARM64, GORISCV64, " +
			"GOPPC64, GOMIPS, GOMIPS64) and, for ARM ELF files, from Tag_CPU_arch and the float ABI.",
		Example: "```\n$ xcheck inspect --target linux/arm --cpu arm/v6 dist/app\n" +
			"dist/app [.go.buildinfo]: error XC5006 [linux/arm] \"dist/app\" is built with GOARM=7, above the declared CPU floor arm/v6\n" +
			"    fix: rebuild with GOARM=6\n```",
		Fix: "rebuild for the floor (GOARM=6, GOAMD64=v1, -march=armv6 -mfpu=vfp for C code), or raise the floor",
	}
	RuleGoOSMinimumAboveFloor = &finding.Rule{
		ID: "XC5007", Name: "go-os-minimum-above-floor", Severity: finding.Error,
		Title: "the Go release that built the artifact needs a newer OS than the declared --min-os floor",
		Why: "Each Go release states the oldest OS versions its binaries run on: Go 1.21 and later need " +
			"Windows 10 or Server 2016 and macOS 10.15 (11 since Go 1.23, 12 since Go 1.25), Go 1.24 and " +
			"later Linux 3.2. Older systems fail in the runtime, before main, with missing DLL entry points, " +
			"\"dyld: Symbol not found\" or crashes. The files do not say so: Go 1.26 still writes 6.1 " +
			"(Windows 7) into the PE header and 12.0 into LC_BUILD_VERSION, so xcheck takes the Go version " +
			"from the build info (debug/buildinfo) and the minimum from the Go release table, and compares " +
			"it with `--min-os` (and `--kernel` for Linux). When the binary has no build info the Go version " +
			"is a guess (github.com/goretk/gore) and the finding is a warning.",
		Example: "```\n$ xcheck inspect --target windows/amd64 --min-os windows=7 dist/app.exe\n" +
			"dist/app.exe [Go build info]: error XC5007 [windows/amd64] \"dist/app.exe\" is built by go1.26.8, whose windows binaries need Windows 10 or later, but the declared floor is Windows 7\n" +
			"    why: the PE header says 6.1 (Windows 7): the Go linker writes that for every release\n" +
			"    fix: build with go1.20 (the last release that supports Windows 7), or raise the floor to Windows 10\n```",
		Fix: "build with the last Go release that supports the floor, or raise the floor",
	}
	RuleStaticGlibc = &finding.Rule{
		ID: "XC5008", Name: "static-glibc", Severity: finding.Warning,
		Title: "the artifact is statically linked against glibc",
		Why: "A program statically linked against glibc still loads parts of glibc at run time: " +
			"getaddrinfo, getpwnam and friends load the NSS modules (`libnss_*.so.2`) of the system they " +
			"run on, iconv loads gconv modules, and dlopen loads shared libraries, all of which must come " +
			"from the very glibc version it was linked with (the linker warns \"Using 'getaddrinfo' in " +
			"statically linked applications requires at runtime the shared libraries from the glibc " +
			"version used for linking\"). On another system name resolution and user lookup fail or crash. " +
			"The program also carries glibc's kernel minimum (its `.note.ABI-tag`): on an older kernel it " +
			"dies with \"FATAL: kernel too old\". Go programs usually get here through " +
			"`-ldflags '-linkmode external -extldflags -static'` with cgo on. xcheck recognises static glibc " +
			"by the NT_GNU_ABI_TAG note glibc's start files put into every executable; musl and Go's internal " +
			"linker write none.",
		Example: "```\n$ xcheck inspect dist/app\n" +
			"dist/app [.note.ABI-tag]: warning XC5008 [linux/amd64] \"dist/app\" is statically linked against glibc (it needs Linux 3.2.0 or later)\n" +
			"    fix: build with CGO_ENABLED=0, or -tags netgo,osusergo, for a static binary without glibc, or link statically against musl\n```",
		Fix: "build without cgo (or with -tags netgo,osusergo) for a static binary without glibc, or link statically against musl, or link dynamically",
	}
	RuleCgoBinary = &finding.Rule{
		ID: "XC5009", Name: "cgo-binary", Severity: finding.Error,
		Title: "the Go binary was built with cgo, but the release declares --cgo off",
		Why: "A Go binary built with CGO_ENABLED=1 links the C library: on Linux it is dynamically linked " +
			"against the build system's glibc (and needs its versions, its loader and its libraries), it " +
			"resolves names and users through glibc's NSS, and it no longer runs on musl systems or in " +
			"`scratch` and distroless-static images. Releases that promise static, dependency-free binaries " +
			"declare `--cgo off`; a binary that was built with cgo anyway (CGO_ENABLED defaults to 1 for " +
			"native builds when a C compiler is installed) breaks that promise. xcheck reads CGO_ENABLED from " +
			"the Go build info, or, without build info, looks for runtime/cgo among the packages gore " +
			"recovers.",
		Example: "```\n$ xcheck inspect --cgo off dist/app\n" +
			"dist/app [Go build info]: error XC5009 [linux/amd64] \"dist/app\" is built with CGO_ENABLED=1, but --cgo off was declared\n" +
			"    why: it is dynamically linked: needs libc.so.6, loader /lib64/ld-linux-x86-64.so.2\n" +
			"    fix: rebuild with CGO_ENABLED=0\n```",
		Fix: "rebuild with CGO_ENABLED=0 (set it in the release job's environment, not only for cross builds)",
	}
	RuleKernelAboveFloor = &finding.Rule{
		ID: "XC5010", Name: "artifact-kernel-above-floor", Severity: finding.Error,
		Title: "the artifact's ABI tag needs a newer Linux kernel than the declared --kernel floor",
		Why: "glibc is built for a minimum kernel and records it in the NT_GNU_ABI_TAG note " +
			"(`.note.ABI-tag`) of its start files, which the linker copies into every executable linked " +
			"against it. On an older kernel such a program dies at start-up with \"FATAL: kernel too old\" " +
			"(statically linked) or the loader refuses it. Debian 12's glibc records Linux 3.7.0 on arm64, " +
			"3.10.0 on ppc64le and 4.15.0 on riscv64, above Go's own minimum of 3.2. `--kernel` (or " +
			"`--min-os linux=`) declares the oldest kernel the release supports. Go's internal linker writes " +
			"no ABI tag; the Go release's own kernel minimum is XC5007.",
		Example: "```\n$ xcheck inspect --target linux/arm64 --kernel 3.2 dist/app\n" +
			"dist/app [.note.ABI-tag]: error XC5010 [linux/arm64] \"dist/app\" needs Linux 3.7.0 or later (NT_GNU_ABI_TAG), above the declared kernel floor 3.2\n```",
		Fix: "link against a C library built for the floor (glibc's --enable-kernel), or raise the floor",
	}
	RuleUnreadableArtifact = &finding.Rule{
		ID: "XC5011", Name: "unreadable-artifact", Severity: finding.Error,
		Title: "an artifact cannot be inspected: missing, not a binary, truncated or malformed",
		Why: "A release gate that cannot read an artifact cannot vouch for it. The file named on the " +
			"command line may be missing or a dangling or looping symbolic link, may not be an executable, " +
			"object or archive at all (a text file, a checksum list, a compressed tarball), or may be " +
			"truncated or damaged (an interrupted upload, a failed strip, an archive with a bogus member " +
			"size): the system would refuse to run or link it too. Each such artifact is one finding naming " +
			"the file and what is wrong; the other artifacts are still inspected. Files found by walking a " +
			"directory that are not binaries at all are skipped, not reported.",
		Example: "```\n$ xcheck inspect dist/app dist/SHA256SUMS\n" +
			"dist/SHA256SUMS: error XC5011 \"dist/SHA256SUMS\" is not an executable, object or archive (a text file)\n```",
		Fix: "rebuild or re-upload the artifact, or leave files that are not binaries out of the list",
	}
)

// Rules lists the XC5xxx rules of this package.
var Rules = []*finding.Rule{
	RulePlatformMismatch, RuleSymbolVersionAboveFloor, RuleLibcMismatch, RuleNeededLibraryMissing,
	RuleLoaderMissing, RuleCPUAboveFloor, RuleGoOSMinimumAboveFloor, RuleStaticGlibc, RuleCgoBinary,
	RuleKernelAboveFloor, RuleUnreadableArtifact,
}
