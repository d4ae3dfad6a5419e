// Package abi reads what a target sysroot provides: the C library (glibc,
// musl, bionic, mingw-w64) and its version, the kernel minimum, the machine,
// class and byte order, the dynamic loaders, and the ARM and MIPS float ABI.
// Every fact carries the file, and where it applies the ELF section, it came
// from.
//
// The ELF layer is [ReadELF] / [NewELFFacts], a thin wrapper around
// [debug/elf] that adds what debug/elf does not expose: e_flags, the
// NT_GNU_ABI_TAG note, the needed versions with the symbols that need them,
// .ARM.attributes and .MIPS.abiflags. [ELFFacts.NeededVersions] and
// [ELFFacts.NeededVersionsAbove] answer "which versions does this file need
// above a floor, and because of which symbols", comparing version names
// part by part as numbers ([CompareVersions]). The sysroot layer is [ReadSysroot],
// which finds the library directories of a Debian cross sysroot
// (/usr/<triple>), a multiarch root file system or a plain library
// directory, and follows symbolic links with [Resolve] so that nothing is
// ever read from outside the sysroot; [Sysroot.LookupLibrary] and
// [Sysroot.HasFile] find a program's DT_NEEDED libraries and PT_INTERP
// loader in it the same way.
//
// On top of the facts: [Discover] finds a target's sysroot the way its
// build would (--sysroot, the cgo flags, the C compiler, the Debian cross
// and multiarch layouts) and says how; [Policies] holds the declared
// floors (--glibc, --libc, --kernel, global or per target) and checks
// them against the per-architecture glibc baselines; [Check] applies the
// XC4xxx rules ([Rules]) to one target; [Sysroot.Rows] and
// [Sysroot.JSON] feed `xcheck sysroot`.
//
// # Security
//
// This package is designed to be safe on untrusted input: a sysroot may be
// an unpacked tarball from anywhere, and a prebuilt object may be hostile.
// Every size, count and offset read from a file is checked against the file
// size and capped before anything is allocated (see [MaxSectionSize] and
// the smaller caps on notes, attributes and linker scripts); the parsers
// written here (notes, .ARM.attributes, .MIPS.abiflags, GNU ld scripts) are
// bounded and fuzzed. Calls into debug/elf are additionally guarded against
// panics, which are turned into errors naming the file. Symbolic links are
// resolved component by component inside the sysroot: absolute links are
// re-rooted at the sysroot, ".." stops at its root, and loops are cut after
// [MaxSymlinkHops] links. Files are then opened through an [os.Root], so a
// link swapped in after resolution still cannot lead outside the sysroot.
//
// Only the parts of a file that are needed are read; a malformed file
// yields an error (a [*FormatError] where the problem is in the file's
// contents), never a panic.
package abi
