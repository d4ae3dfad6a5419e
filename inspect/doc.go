// Package inspect reads built artifacts (executables, shared objects,
// relocatable objects, static archives) and checks them against the
// targets and floors a release declares: the XC5xxx rules of
// `xcheck inspect`.
//
// [Read] reads one file and tells its format by its magic number, never by
// its name: ELF (executables, PIE and static-pie executables, shared
// objects, relocatable objects), ar archives (each ELF member is read),
// and PE and Mach-O files as far as the headers and Go's build info go.
// For ELF it uses the bounded reader of package abi ([abi.NewELFFacts]):
// machine, class, byte order, OS/ABI, e_flags, PT_INTERP, DT_NEEDED,
// RPATH/RUNPATH, the NT_GNU_ABI_TAG kernel minimum, the ARM float ABI and
// CPU architecture, and the symbol versions needed per library with the
// symbols that need each. Go binaries add their build info
// ([debug/buildinfo]); a Go binary without build info falls back to
// github.com/goretk/gore, whose answer is marked as a guess. [Walk]
// expands the command line's files and directories into the artifacts to
// read. [Check] applies the rules ([Rules]) to one artifact.
//
// # Security
//
// Artifacts are untrusted input: a release directory may hold anything.
// Every size, count and offset is validated against the file size before
// it is used or allocated: the ELF layer is abi's (see its package
// documentation), the ar walker ([WalkArchive]) checks every member header
// against the archive and caps the members and the long-name table, and
// archives are never read whole. debug/pe, debug/macho and debug/buildinfo
// allocate what a file's headers claim, bounded only by its size (and a
// sparse file can be 4 GiB and take no disk): before they run, the counts
// and sizes they act on are checked (PE relocations and string table,
// Mach-O load commands and relocations, the architectures of a universal
// file), the symbol tables xcheck does not use are hidden from them, and
// they read through a reader with a byte budget (limits.go, [ErrTooLarge]).
// Calls into debug/pe, debug/macho, debug/buildinfo and gore are guarded:
// a panic becomes an error naming the file. gore reads a whole file into memory and does not bound its
// work, so it is only tried on files of at most [MaxGoreSize] bytes that
// carry Go's build ID. Directories are walked without following symbolic
// links to directories, so a link cycle cannot make the walk loop; a link
// to a file is followed, and a link loop is an error naming the link.
// Problems are errors on the artifact they concern ([Artifact.Err]); no
// input makes Read or Check panic.
package inspect
