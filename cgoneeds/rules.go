package cgoneeds

import "github.com/xcheck-dev/xcheck/finding"

// MissingHeader is XC4009.
var MissingHeader = &finding.Rule{
	ID: "XC4009", Name: "missing-header", Severity: finding.Error,
	Title: "a cgo preamble or C file includes a header that the target's sysroot does not provide",
	Why: "A cgo build compiles each preamble (the comment before `import \"C\"`) and each `.c` file of the " +
		"package with the target's C compiler, which looks for `#include <x.h>` in the directories of " +
		"`-I` options (`#cgo CFLAGS`/`CPPFLAGS`, `CGO_CFLAGS`/`CGO_CPPFLAGS`, pkg-config), in its own " +
		"directory and in the target sysroot's `usr/include`, `usr/include/<triple>` and `include`. A " +
		"header installed only for the build machine (`libpcap-dev` for amd64) is not there for arm64, " +
		"and the build stops with `fatal error: pcap.h: No such file or directory` " +
		"(NVIDIA/dcgm-exporter#232, techknowlogick/xgo#246). xcheck resolves every `#include` the compiler " +
		"will certainly process for the target: `#cgo` lines are matched against the target like the go " +
		"command matches them, and `#if`/`#ifdef` blocks are evaluated with the target's predefined macros " +
		"(`__linux__`, `__aarch64__`, `_WIN32`, ...) and the `-D` options. An `#include` under a condition " +
		"xcheck cannot decide (a macro from a system header, `__has_include`) is not reported. The " +
		"module's own headers are followed, so an `#include` inside them is checked too. A header is " +
		"reported once per package, where it is first included. The host's " +
		"`/usr/include` is not searched, except for a Debian cross sysroot (`/usr/<triple>`), whose " +
		"compiler searches it for the architecture-independent headers of `apt-get install " +
		"libfoo-dev:arm64`.",
	Example: "```\n$ xcheck -t linux/arm64 --cgo on --sysroot /usr/aarch64-linux-gnu ./...\n" +
		"capture/capture.go:4:10: error XC4009 [linux/arm64] header \"pcap.h\" is not in the sysroot or the include directories\n" +
		"    why: example.com/demo -> example.com/demo/capture\n" +
		"    why: searched /usr/lib/gcc-cross/aarch64-linux-gnu/12/include, /usr/aarch64-linux-gnu/include, /usr/include\n" +
		"    fix: install the target's libpcap-dev into the sysroot (Debian: dpkg --add-architecture arm64 && apt-get update && apt-get install libpcap-dev:arm64)\n```",
	Fix: "install the target's development package of the library into the sysroot, or add the directory that holds the header with -I",
}

// MissingLibrary is XC4010.
var MissingLibrary = &finding.Rule{
	ID: "XC4010", Name: "missing-library", Severity: finding.Error,
	Title: "a cgo link needs a library or prebuilt object that is not there for the target",
	Why: "The external link of a cgo program passes the `-lfoo` options of `#cgo LDFLAGS`, `CGO_LDFLAGS` " +
		"and `pkg-config --libs` to the target's linker, which looks for `libfoo.so`, then `libfoo.a`, in " +
		"each `-L` directory, the compiler's own directory and the sysroot's library directories " +
		"(`lib/<triple>`, `usr/lib/<triple>`, `lib64`, `usr/lib`, `lib`). If none has it, the link fails " +
		"with `cannot find -lfoo`. The same happens when a GNU ld script found as `libfoo.so` (glibc's " +
		"`libc.so` and `libm.so` are scripts) names a file the sysroot does not have, and when `#cgo " +
		"LDFLAGS` names a prebuilt `.a`, `.o` or `.so` file by path that does not exist. A module that " +
		"ships one prebuilt library per target (`libzstd_linux_amd64.a` with a `#cgo linux,amd64 " +
		"LDFLAGS` line, and so on) and none for this target is reported as well: the link then fails " +
		"with undefined references to the library's symbols.",
	Example: "```\n$ xcheck -t linux/arm64 --cgo on --sysroot /usr/aarch64-linux-gnu ./...\n" +
		"capture/capture.go:3:22: error XC4010 [linux/arm64] no library for \"-lpcap\" in the sysroot or the -L directories\n" +
		"    why: example.com/demo -> example.com/demo/capture\n" +
		"    why: from #cgo LDFLAGS\n" +
		"    why: searched /usr/lib/gcc-cross/aarch64-linux-gnu/12, /usr/aarch64-linux-gnu/lib for libpcap.so, libpcap.a\n" +
		"    fix: install the target's libpcap-dev into the sysroot (Debian: dpkg --add-architecture arm64 && apt-get update && apt-get install libpcap-dev:arm64), or add -L for the directory that holds it\n```",
	Fix: "install the target's development package of the library into the sysroot, or add -L for a directory that holds a build of it for the target",
}

// LibraryWrongArch is XC4011.
var LibraryWrongArch = &finding.Rule{
	ID: "XC4011", Name: "library-wrong-arch", Severity: finding.Error,
	Title: "a library or prebuilt object of a cgo link is for another architecture or float ABI",
	Why: "The linker reads the ELF header of every library it finds: a `libfoo.so` or `libfoo.a` built " +
		"for another machine (an x86-64 library in an `-L` directory of an arm64 build, made with the " +
		"host's gcc) is skipped with `skipping incompatible libfoo.so when searching for -lfoo`, and the " +
		"link fails with `cannot find -lfoo` when no other candidate fits. A prebuilt object or archive " +
		"named by path in `#cgo LDFLAGS` (`${SRCDIR}/lib/libzstd.a`) is not searched for: the link fails " +
		"on it with \"file in wrong format\". On 32-bit ARM, an object for the other float ABI (soft-float " +
		"armel in a hard-float armhf build) makes the link fail with \"uses VFP register arguments, " +
		"output does not\". xcheck reads the ELF identification (`e_machine`, class, byte order, ARM " +
		"`e_flags` and `.ARM.attributes`) of shared libraries, of the first members of ar archives and " +
		"of the files GNU ld scripts name, and names what it found and what the target needs. A file " +
		"that is not an object at all (a text file, a PE or Mach-O file) is reported too. `.syso` files " +
		"in package directories are XC2004's.",
	Example: "```\n$ xcheck -t linux/arm64 --cgo on --sysroot /usr/aarch64-linux-gnu ./...\n" +
		"native/native.go:3:11: error XC4011 [linux/arm64] the only library for \"-lfoo\" is for another architecture: \"native/lib/libfoo.so\" is EM_X86_64, 64-bit LSB, GOARCH amd64, the target needs EM_AARCH64, 64-bit LSB, GOARCH arm64\n" +
		"    why: example.com/demo -> example.com/demo/native\n" +
		"    why: from #cgo LDFLAGS\n" +
		"    why: the linker skips it (\"skipping incompatible ... when searching for -lfoo\") and fails with \"cannot find -lfoo\"\n" +
		"    fix: build libfoo for linux/arm64 (CC=aarch64-linux-gnu-gcc) and point -L at it, or install the target's package of it into the sysroot\n```",
	Fix: "rebuild the library or object with the target's C compiler, or link it only on the targets it was built for",
}

// PkgConfig is XC4012.
var PkgConfig = &finding.Rule{
	ID: "XC4012", Name: "pkg-config-unresolved", Severity: finding.Error,
	Title: "a #cgo pkg-config package does not resolve inside the target's sysroot",
	Why: "For `#cgo pkg-config: foo` the go command runs `pkg-config --cflags foo` and `--libs foo` " +
		"(`$PKG_CONFIG`, default `pkg-config`) with the build's environment, and fails the build if it " +
		"fails. Unless `PKG_CONFIG_LIBDIR` (or `PKG_CONFIG_PATH`) points at the target's `.pc` files and " +
		"`PKG_CONFIG_SYSROOT_DIR` at its sysroot, pkg-config reads the host's `.pc` files: the package is " +
		"not found, or worse, is found and its flags name the host's headers and libraries " +
		"(`-I/usr/include/libmount`, `-L/usr/lib/x86_64-linux-gnu`), which compile and link the wrong " +
		"architecture's files into the build (go-gst/go-gst#100, golang/go#16253). xcheck runs the real " +
		"pkg-config the way the build will; when it fails, it runs it again with `PKG_CONFIG_LIBDIR` " +
		"set to the sysroot's `usr/lib/<triple>/pkgconfig`, `usr/lib/pkgconfig` and `usr/share/pkgconfig` " +
		"and `PKG_CONFIG_SYSROOT_DIR` to the sysroot, to tell a package the sysroot lacks from a " +
		"pkg-config that is not set up for it. Paths in its answer outside the sysroot, or in another " +
		"architecture's multiarch directory, are reported; its `-I`, `-L` and `-l` flags are then " +
		"checked like the preamble's (XC4009, XC4010, XC4011). A #cgo pkg-config line with a flag that is not " +
		"on the go command's allowlist (`--static`, `--define-variable=...`; not `--log-file=FILE`) or a " +
		"package name that starts with `-` fails the build; xcheck reports it and does not run pkg-config " +
		"with it, since the line comes from the module being checked.",
	Example: "```\n$ xcheck -t linux/arm64 --cgo on --sysroot /opt/sysroots/arm64 ./...\n" +
		"gst/gst.go:3:24: error XC4012 [linux/arm64] pkg-config flags for \"gstreamer-1.0\" point outside the target: \"-I/usr/include/gstreamer-1.0\"\n" +
		"    why: example.com/demo -> example.com/demo/gst\n" +
		"    why: from #cgo pkg-config\n" +
		"    why: \"/usr/include/gstreamer-1.0\": it is outside the sysroot /opt/sysroots/arm64\n" +
		"    fix: set PKG_CONFIG_LIBDIR=/opt/sysroots/arm64/usr/lib/aarch64-linux-gnu/pkgconfig:/opt/sysroots/arm64/usr/lib/pkgconfig:/opt/sysroots/arm64/usr/share/pkgconfig and PKG_CONFIG_SYSROOT_DIR=/opt/sysroots/arm64 for this target's build\n```",
	Fix: "set PKG_CONFIG_LIBDIR to the sysroot's pkgconfig directories and PKG_CONFIG_SYSROOT_DIR to the sysroot, and install the target's development package into the sysroot",
}

// Rules are the rules of this package, for the rule registry.
var Rules = []*finding.Rule{MissingHeader, MissingLibrary, LibraryWrongArch, PkgConfig, PrebuiltVersionNeeds}
