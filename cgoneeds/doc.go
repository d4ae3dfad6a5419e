// Package cgoneeds checks what a target's cgo packages need from the C
// world against the target's sysroot, before anything is built: the
// headers their preambles and C files include (XC4009), the libraries
// and prebuilt objects their link names (XC4010, and XC4011 when one is
// for another architecture or float ABI), and their pkg-config packages
// (XC4012). [Check] runs on a target's graph loaded by
// loader.LoadTargets; [Rules] lists the rules.
//
// # Use
//
//	gs, _, err := loader.LoadTargets(ctx, cfg, builds, patterns)
//	cache := &cgoneeds.Cache{}
//	for _, g := range gs {
//		fs = append(fs, cgoneeds.Check(ctx, g, cgoneeds.Config{
//			Sysroot: root,   // from sysroot discovery; "" if none
//			Triple:  triple, // "" to derive
//			Cache:   cache,
//		})...)
//	}
//
// # What a cgo build reads, and how it is modelled
//
// The preamble of a Go file is the comment of its `import "C"` (the
// import spec's doc comment, or that of an unparenthesised import
// declaration), with the comment markers removed the way cmd/cgo removes
// them; [Preamble] keeps the file position of every byte, so that a
// finding points at the #include's header name, file:line:col of the .go
// file. #cgo lines are parsed like go/build parses them
// ([ParseDirectives]: constraints in the +build comma form or //go:build
// syntax, shell-like quoting, ${SRCDIR} expansion, relative -I and -L made
// absolute) and matched against the target ([Directive.Match]: GOOS,
// GOARCH, unix, cgo, the arm.N and amd64.vN feature tags, build and
// release tags). C preprocessing is modelled only as far as it decides
// which #include lines are processed ([Scanner]): comments and line
// splices, #if/#ifdef/#elif/#else evaluated against the target's
// predefined macros ([PredefinedMacros]) and -D/-U, #define and #undef,
// include guards and #pragma once. What it cannot decide is "maybe", and
// only #include lines that are certainly processed are reported.
//
// Flags come in the go command's order: CGO_CPPFLAGS, #cgo CPPFLAGS,
// pkg-config --cflags, CGO_CFLAGS, #cgo CFLAGS for compiling, and
// CGO_LDFLAGS, #cgo LDFLAGS, pkg-config --libs for linking. The
// environment variables come from the Build's GoEnv (`go env`), which
// holds the user's settings and the defaults.
//
// # Include directories
//
// Angle includes search, in order: the package directory (the go command
// passes -I for it), -I, -isystem, the C compiler's own directories
// (`$CC -print-file-name=include` and include-fixed, when CC exists and
// targets the target's GOOS/GOARCH; otherwise the headers every compiler
// ships, stddef.h, stdarg.h, arm_neon.h, *intrin.h and so on, are taken
// as present), the sysroot's usr/local/include/<triple>,
// usr/local/include, include (Debian cross layout), usr/include/<triple>
// and usr/include, then -idirafter. Quoted includes first search the
// including file's directory and -iquote. -nostdinc drops the compiler's
// and the sysroot's directories.
//
// Paths in -I and -L are taken as the compiler takes them: "=dir" and
// "$SYSROOT/dir" are inside the sysroot, relative paths are relative to
// the package directory, and other absolute paths are host paths. GCC does
// not re-root a plain absolute -I at --sysroot, and neither does this
// package. The host's /usr/include is not searched, with one exception: a
// Debian cross sysroot (/usr/<triple>) is searched the way Debian's cross
// GCC searches it, with /usr/include/<triple> and /usr/include (where
// `apt-get install libfoo-dev:arm64` puts the target's headers) after
// /usr/<triple>/include; its library directories likewise include
// /lib/<triple> and /usr/lib/<triple>.
//
// # Library directories
//
// -lfoo is looked for as libfoo.so, then libfoo.a (only libfoo.a after
// -static or -Wl,-Bstatic; the exact name for -l:name; import libraries and
// .tbd stubs on Windows and Apple targets) in each -L directory, the
// compiler's own library directory (that of `$CC -print-libgcc-file-name`,
// which holds libgcc, libatomic and libstdc++), and the sysroot's
// lib/<triple>, usr/lib/<triple>, lib64, usr/lib64, usr/lib, lib,
// usr/local/lib/<triple> and usr/local/lib. Like GNU ld, a candidate for
// another architecture is skipped and the search goes on; a GNU ld script
// (glibc's libc.so, libm.so) is followed to the files it names (absolute
// names inside the sysroot, or below the sysroot's own host location as
// Debian's cross packages write them). Libraries are judged by their ELF
// identification, for ELF targets only.
//
// # pkg-config
//
// pkg-config is run for real ($PKG_CONFIG, default pkg-config) with the
// build's environment, since that is what `go build` does. When that
// fails, it is run again with PKG_CONFIG_LIBDIR and PKG_CONFIG_SYSROOT_DIR
// for the sysroot (a Debian cross or multiarch sysroot the way Debian's
// <triple>-pkg-config wrapper reads it: the multiarch .pc directories of
// /, no prefix), to tell what the fix is. Paths in its answer outside a
// separate sysroot, or in another architecture's multiarch directory, are
// reported; its flags are then checked like the preamble's.
//
// Without a sysroot (Config.Sysroot "", a path that is not a directory,
// or one without include or library directories), headers and -l options
// are not checked; pkg-config and the prebuilt files that #cgo LDFLAGS
// names by path are. A missing header is reported once per package, where
// it is first included.
//
// # Not covered
//
// C++ (.cc, .cpp), Fortran and assembly files, and CXXFLAGS, are not
// scanned; nor are the standard library's cgo packages (loaded without
// comments). Function-like macros are not expanded in #if, and a header
// of the sysroot is not read for the macros it defines (what depends on
// them is "maybe"). A prebuilt library's needed symbol versions
// (.gnu.version_r) are not compared with the sysroot's glibc. Libraries
// of non-ELF targets (PE import libraries, Mach-O, .tbd) are looked for
// but not judged. .syso files are XC2004's.
//
// # Security
//
// Sources over [MaxSourceSize], or that are not regular files (a named
// pipe would block the read), are not read (internal/boundedfile); local
// headers are followed
// [MaxIncludeDepth] deep; #if nesting, expression tokens and macro
// expansion are bounded; archives are read member header by member
// header, each size checked against the file, and at most a few ELF
// members are opened (through package abi, which bounds and guards
// debug/elf). Files inside a sysroot are resolved with abi.Resolve, so
// that symbolic links never lead out of it, and opened through an
// os.Root. The preamble parser is fuzzed (FuzzPreamble).
package cgoneeds
