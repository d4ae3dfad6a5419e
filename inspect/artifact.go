package inspect

import (
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/xcheck-dev/xcheck/abi"
)

// Format is the container format of an artifact, told by its magic number.
type Format string

// Formats of artifacts.
const (
	FormatELF      Format = "ELF"
	FormatArchive  Format = "ar archive"
	FormatPE       Format = "PE"
	FormatMachO    Format = "Mach-O"
	FormatMachOFat Format = "Mach-O universal"
)

// Linking says how an executable gets its libraries.
type Linking string

// Kinds of linking.
const (
	Static  Linking = "static"  // no PT_INTERP, no DT_NEEDED
	Dynamic Linking = "dynamic" // a loader and/or shared libraries
)

// Artifact is what xcheck reads from one file, or from one member of an ar
// archive or a universal Mach-O file.
type Artifact struct {
	// Path is the file, as named on the command line or found by [Walk].
	Path string
	// Member is the archive member ("foo.o") or the architecture of a
	// universal Mach-O file ("arm64"); "" for a whole file.
	Member string
	Format Format
	Size   int64

	// Kind is what the file is: "executable", "PIE executable",
	// "static-pie executable", "shared object", "relocatable object",
	// "core dump", "DLL", "dynamic library", "object", "archive".
	Kind string
	// Machine describes the machine, class and byte order ("AArch64
	// 64-bit little-endian", "x86-64 PE32+").
	Machine string
	// GOARCH is the Go architecture whose code the file holds, "" when
	// Go has none (x32, SPARC, ...).
	GOARCH string
	// GOOS is the operating system the file is for, "" when the file
	// does not say (relocatable objects, most shared objects); GOOSFrom
	// is the evidence ("Go build info", "PT_INTERP", "EI_OSABI",
	// ".note.ABI-tag", "DT_NEEDED", "format").
	GOOS     string
	GOOSFrom string
	// Linking is how an executable is linked, "" for other kinds.
	Linking Linking
	PIE     bool
	// Libc is the C library the file is linked against ("glibc",
	// "musl", "bionic"), "" if none or unknown; LibcFrom is the
	// evidence.
	Libc     string
	LibcFrom string

	ELF   *abi.ELFFacts // ELF files and members
	PE    *PEInfo
	MachO *MachOInfo
	// Go is the Go build info, nil for a file that is not a Go binary.
	Go *GoInfo
	// GoErr is why the build info of a file that carries Go's build ID
	// could not be read (and gore could not help either).
	GoErr error

	// Members are the members of an archive that were read (ELF
	// objects), or the architectures of a universal Mach-O file.
	Members []*Artifact
	// OtherMembers counts the archive members that are not ELF (LLVM
	// bitcode, text, COFF objects); SkippedMembers those past the
	// MaxELFMembers cap.
	OtherMembers   int
	SkippedMembers int

	// Err is why the artifact could not be read: a missing file, a
	// symbolic link loop, a directory, an unknown format, or a
	// malformed file. Facts read before the error are kept.
	Err error
	// Unknown is set when Err is because the file is not a binary at
	// all (its format is unknown), as opposed to a damaged binary.
	Unknown bool
}

// Name returns the path, or "path(member)" for a member, the way linkers
// name archive members.
func (a *Artifact) Name() string {
	if a.Member != "" {
		return a.Path + "(" + a.Member + ")"
	}
	return a.Path
}

// IsExecutable reports whether the artifact is a program (not a library
// or object).
func (a *Artifact) IsExecutable() bool {
	return strings.HasSuffix(a.Kind, "executable")
}

// Options tune Read.
type Options struct {
	// Gore tries github.com/goretk/gore on Go binaries whose build
	// info debug/buildinfo cannot read (stripped before Go 1.18, or
	// tampered with). Its answer is marked as a guess.
	Gore bool
	// MaxELFMembers caps the ELF members of one archive that are read;
	// 0 means DefaultMaxELFMembers.
	MaxELFMembers int
}

// DefaultMaxELFMembers is how many ELF members of one archive Read reads
// by default: enough for glibc's libc.a (about 1,800).
const DefaultMaxELFMembers = 4096

// maxBufferedMember is the largest archive member read into memory whole.
const maxBufferedMember = 4 << 20

// MaxGoreSize is the size of the largest file gore is tried on: it reads
// files whole.
const MaxGoreSize = 256 << 20

// ErrUnknownFormat is wrapped by Artifact.Err for a file that is neither
// ELF, an ar archive, PE nor Mach-O.
var ErrUnknownFormat = errors.New("not an executable, object or archive")

// Read reads the artifact at path. It never fails: what went wrong is in
// the returned artifact's Err. Symbolic links are followed.
func Read(p string, opt Options) *Artifact {
	a := &Artifact{Path: p}
	fi, err := os.Stat(p)
	if err != nil {
		a.Err = pathError(p, err)
		return a
	}
	if fi.IsDir() {
		a.Err = fmt.Errorf("%s: is a directory", p)
		return a
	}
	if !fi.Mode().IsRegular() {
		a.Err = fmt.Errorf("%s: not a regular file (%s)", p, fi.Mode().Type())
		return a
	}
	fh, err := os.Open(p)
	if err != nil {
		a.Err = pathError(p, err)
		return a
	}
	defer fh.Close()
	// The size of the open file, not of the path: it may have been
	// replaced in between.
	if st, err := fh.Stat(); err == nil {
		fi = st
	}
	a = ReadFrom(fh, fi.Size(), p, opt)
	if opt.Gore && a.Go == nil && a.GoErr != nil && fi.Size() <= MaxGoreSize {
		if gi, err := goreInfo(p); err == nil {
			a.Go, a.GoErr = gi, nil
			a.applyGo()
		} else {
			a.GoErr = fmt.Errorf("%v; gore: %v", a.GoErr, err)
		}
	}
	return a
}

// pathError turns an error from the file system into one line naming the
// path, with symbolic link loops called so.
func pathError(p string, err error) error {
	switch {
	case errors.Is(err, syscall.ELOOP):
		return fmt.Errorf("%s: symbolic link loop (too many levels of symbolic links)", p)
	case errors.Is(err, fs.ErrNotExist):
		if fi, lerr := os.Lstat(p); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("%s: dangling symbolic link", p)
		}
		return fmt.Errorf("%s: no such file or directory", p)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %v", p, pe.Err)
	}
	return fmt.Errorf("%s: %v", p, err)
}

// headSize is how much of a file's start is read to tell its format and
// to look for Go's build ID.
const headSize = 64 << 10

// goBuildIDMark is how the Go linker starts the build ID it writes at the
// start of the text of PE and Mach-O files. In ELF files the build ID is
// the note .note.go.buildid: type 4 (ELF_NOTE_GOBUILDID_TAG), name "Go",
// near the start of the file.
var (
	goBuildIDMark = []byte("Go build ID: \"")
	goNoteLE      = []byte("\x04\x00\x00\x00Go\x00\x00")
	goNoteBE      = []byte("\x00\x00\x00\x04Go\x00\x00")
)

// looksLikeGo reports whether the start of a file carries Go's build ID.
func looksLikeGo(head []byte) bool {
	return bytes.Contains(head, goBuildIDMark) || bytes.Contains(head, goNoteLE) || bytes.Contains(head, goNoteBE)
}

// ReadFrom reads the artifact of the given size that r reads; name is its
// path. gore is never tried (it needs a file name). Nothing beyond size is
// read.
func ReadFrom(r io.ReaderAt, size int64, name string, opt Options) *Artifact {
	a := &Artifact{Path: name, Size: size}
	if size < 0 {
		a.Err = fmt.Errorf("%s: negative size %d", name, size)
		return a
	}
	r = io.NewSectionReader(r, 0, size)
	head := make([]byte, min(size, headSize))
	if n, err := r.ReadAt(head, 0); err != nil && !(errors.Is(err, io.EOF) && n == len(head)) {
		a.Err = fmt.Errorf("%s: cannot read: %v", name, err)
		return a
	}
	switch {
	case bytes.HasPrefix(head, []byte(elf.ELFMAG)):
		a.Format = FormatELF
		a.readELF(r, size, name, head)
	case IsArchive(head):
		a.Format = FormatArchive
		a.readArchive(r, size, opt)
	case bytes.HasPrefix(head, []byte(arThinMagic)):
		a.Format = FormatArchive
		a.Kind = "thin archive"
		a.Err = fmt.Errorf("%s: a thin archive: its members are separate files, inspect those", name)
	case bytes.HasPrefix(head, []byte("MZ")):
		a.Format = FormatPE
		a.readPE(r, size, name, head)
	case isMachO(head):
		a.Format = FormatMachO
		a.readMachO(r, size, name, head)
	case isFatMachO(head):
		a.Format = FormatMachOFat
		a.readFat(r, size, name)
	default:
		a.Unknown = true
		a.Err = fmt.Errorf("%s: %w (%s)", name, ErrUnknownFormat, describeMagic(head))
	}
	return a
}

// describeMagic names a file that is not a binary xcheck reads.
func describeMagic(h []byte) string {
	switch {
	case len(h) == 0:
		return "an empty file"
	case bytes.HasPrefix(h, []byte("\x1f\x8b")):
		return "gzip data"
	case bytes.HasPrefix(h, []byte("PK\x03\x04")):
		return "a zip archive"
	case bytes.HasPrefix(h, []byte("\x28\xb5\x2f\xfd")):
		return "zstd data"
	case bytes.HasPrefix(h, []byte("\xfd7zXZ\x00")):
		return "xz data"
	case bytes.HasPrefix(h, []byte("BZh")):
		return "bzip2 data"
	case len(h) > 262 && bytes.Equal(h[257:262], []byte("ustar")):
		return "a tar archive"
	case bytes.HasPrefix(h, []byte("\x00asm")):
		return "a WebAssembly module"
	case bytes.HasPrefix(h, []byte("BC\xc0\xde")):
		return "LLVM bitcode"
	case len(h) >= 2 && (h[0] == 0x01 && (h[1] == 0xdf || h[1] == 0xf7)):
		return "an XCOFF (AIX) file"
	case len(h) >= 4 && isPlan9Magic(h):
		return "a Plan 9 a.out file"
	case bytes.HasPrefix(h, []byte("#!")):
		return "a script"
	case bytes.IndexByte(h, 0) < 0:
		return "a text file"
	}
	return fmt.Sprintf("unknown magic % x", h[:min(len(h), 4)])
}

func isPlan9Magic(h []byte) bool {
	m := uint32(h[0])<<24 | uint32(h[1])<<16 | uint32(h[2])<<8 | uint32(h[3])
	switch m &^ 0x80000000 {
	case 0x1eb, 0x8a97, 0x647: // 386, amd64, arm (_MAGIC(0|HDR_MAGIC, 11/26/20))
		return true
	}
	return false
}

// readELF reads an ELF file or member.
func (a *Artifact) readELF(r io.ReaderAt, size int64, name string, head []byte) {
	x, err := abi.NewELFFacts(r, size, name)
	if err != nil {
		a.Err = err
		return
	}
	a.ELF = x
	mi := abi.MachineInfo{Machine: x.Machine, Class: x.Class, Data: x.Data, OSABI: x.OSABI, Flags: x.Flags}
	a.Machine = mi.String()
	a.GOARCH = mi.GOARCH()
	switch x.Type {
	case elf.ET_REL:
		a.Kind = "relocatable object"
	case elf.ET_EXEC:
		a.Kind = "executable"
		a.Linking = linking(x)
	case elf.ET_DYN:
		switch {
		case x.Flags1&elf.DF_1_PIE != 0, x.Interp != "" && x.Soname == "":
			a.PIE = true
			a.Linking = linking(x)
			if a.Linking == Static {
				a.Kind = "static-pie executable"
			} else {
				a.Kind = "PIE executable"
			}
		default:
			a.Kind = "shared object"
		}
	case elf.ET_CORE:
		a.Kind = "core dump"
	default:
		a.Kind = x.Type.String()
	}
	a.elfOS()
	a.elfLibc()
	if x.Type == elf.ET_EXEC || x.Type == elf.ET_DYN {
		a.readGo(r, size, head)
	}
}

func linking(x *abi.ELFFacts) Linking {
	if x.Interp == "" && len(x.Needed) == 0 {
		return Static
	}
	return Dynamic
}

// elfOS infers the operating system of an ELF file from EI_OSABI,
// PT_INTERP, the ABI tag and DT_NEEDED (the Go build info, read later,
// overrides it).
func (a *Artifact) elfOS() {
	x := a.ELF
	set := func(goos, from string) { a.GOOS, a.GOOSFrom = goos, from }
	switch x.OSABI {
	case elf.ELFOSABI_FREEBSD:
		set("freebsd", "EI_OSABI")
		return
	case elf.ELFOSABI_NETBSD:
		set("netbsd", "EI_OSABI")
		return
	case elf.ELFOSABI_OPENBSD:
		set("openbsd", "EI_OSABI")
		return
	case elf.ELFOSABI_SOLARIS:
		set("solaris", "EI_OSABI")
		return
	}
	if x.Interp != "" {
		if goos := interpOS(x.Interp); goos != "" {
			set(goos, "PT_INTERP")
			return
		}
	}
	if x.ABITag != nil && x.ABITag.OS == abi.ABITagLinux {
		set("linux", x.ABITagSection)
		return
	}
	if x.OSABI == elf.ELFOSABI_LINUX {
		set("linux", "EI_OSABI")
		return
	}
	for _, n := range x.Needed {
		if n == "libc.so.6" || strings.HasPrefix(n, "libc.musl-") {
			set("linux", "DT_NEEDED")
			return
		}
	}
}

// interpOS returns the operating system whose loader is interp.
func interpOS(interp string) string {
	base := path.Base(interp)
	switch {
	case strings.HasPrefix(interp, "/system/bin/linker"):
		return "android"
	case strings.HasPrefix(base, "ld-linux"), strings.HasPrefix(base, "ld-musl-"), strings.HasPrefix(base, "ld64.so."),
		interp == "/lib/ld.so.1", interp == "/lib64/ld.so.1", strings.HasPrefix(base, "ld-uClibc"):
		return "linux"
	case base == "ld-elf.so.1":
		return "freebsd"
	case base == "ld-elf.so.2":
		return "dragonfly"
	case interp == "/usr/libexec/ld.so":
		return "openbsd"
	case base == "ld.elf_so":
		return "netbsd"
	case strings.HasSuffix(interp, "/amd64/ld.so.1"):
		return "solaris"
	}
	return ""
}

// elfLibc infers the C library an ELF file is linked against.
func (a *Artifact) elfLibc() {
	x := a.ELF
	set := func(libc, from string) { a.Libc, a.LibcFrom = libc, from }
	if x.Interp != "" {
		base := path.Base(x.Interp)
		switch {
		case strings.HasPrefix(base, "ld-musl-"):
			set("musl", "PT_INTERP")
			return
		case strings.HasPrefix(x.Interp, "/system/bin/linker"):
			set("bionic", "PT_INTERP")
			return
		case a.GOOS == "linux" && (strings.HasPrefix(base, "ld-linux") || strings.HasPrefix(base, "ld64.so.") || base == "ld.so.1"):
			set("glibc", "PT_INTERP")
			return
		}
	}
	for _, n := range x.Needed {
		switch {
		case n == "libc.so.6":
			set("glibc", "DT_NEEDED")
			return
		case strings.HasPrefix(n, "libc.musl-"):
			set("musl", "DT_NEEDED")
			return
		}
	}
	if len(x.NeededVersions("GLIBC_")) > 0 {
		set("glibc", ".gnu.version_r")
		return
	}
	if a.Linking == Static && x.ABITag != nil && x.ABITag.OS == abi.ABITagLinux {
		set("glibc", x.ABITagSection) // glibc's start files carry the tag; musl's do not
	}
}

// readGo reads the Go build info of an executable or library, when the
// file carries Go's build ID or build info.
func (a *Artifact) readGo(r io.ReaderAt, size int64, head []byte) {
	bi, err := readBuildInfo(newBudgetReader(io.NewSectionReader(r, 0, size), buildInfoBudget))
	if err == nil {
		a.Go = goInfoOf(bi)
		a.applyGo()
		return
	}
	if looksLikeGo(head) {
		a.GoErr = err
	}
}

// applyGo takes GOOS and GOARCH from the Go build info.
func (a *Artifact) applyGo() {
	g := a.Go
	if g == nil {
		return
	}
	if goos := g.Setting("GOOS"); goos != "" {
		a.GOOS, a.GOOSFrom = goos, g.source()
	}
	if goarch := g.Setting("GOARCH"); goarch != "" && a.GOARCH == "" {
		a.GOARCH = goarch
	}
}

// readArchive reads the ELF members of an ar archive.
func (a *Artifact) readArchive(r io.ReaderAt, size int64, opt Options) {
	a.Kind = "archive"
	limit := opt.MaxELFMembers
	if limit <= 0 {
		limit = DefaultMaxELFMembers
	}
	var buf []byte
	err := WalkArchive(r, size, func(m Member) error {
		var magic [4]byte
		if n, _ := m.Data.ReadAt(magic[:], 0); n < 4 || string(magic[:]) != elf.ELFMAG {
			a.OtherMembers++
			return nil
		}
		if len(a.Members) >= limit {
			a.SkippedMembers++
			return nil
		}
		mem := &Artifact{Path: a.Path, Member: m.Name, Format: FormatELF, Size: m.Size()}
		// Small members (objects are) are read in one go: debug/elf
		// reads headers piecemeal, a system call each. The buffer is
		// reused: the facts copy what they keep.
		var r io.ReaderAt = m.Data
		if m.Size() <= maxBufferedMember {
			if int64(cap(buf)) < m.Size() {
				buf = make([]byte, m.Size())
			}
			b := buf[:m.Size()]
			if _, err := m.Data.ReadAt(b, 0); err != nil && !errors.Is(err, io.EOF) {
				mem.Err = fmt.Errorf("%s: cannot read: %v", mem.Name(), err)
				a.Members = append(a.Members, mem)
				return nil
			}
			r = bytes.NewReader(b)
		}
		head := make([]byte, min(m.Size(), 4096))
		if _, err := r.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
			mem.Err = fmt.Errorf("%s: cannot read: %v", mem.Name(), err)
		} else {
			mem.readELF(r, m.Size(), mem.Name(), head)
		}
		a.Members = append(a.Members, mem)
		return nil
	})
	if err != nil {
		a.Err = fmt.Errorf("%s: %w", a.Path, err)
	}
	a.summarizeMembers()
}

// summarizeMembers sets the machine and GOARCH of an archive from its
// members, when they agree.
func (a *Artifact) summarizeMembers() {
	var machines, goarchs, gooses []string
	for _, m := range a.Members {
		if m.Err != nil {
			continue
		}
		machines = appendNew(machines, m.Machine)
		goarchs = appendNew(goarchs, m.GOARCH)
		gooses = appendNew(gooses, m.GOOS)
	}
	a.Machine = strings.Join(machines, ", ")
	if len(goarchs) == 1 {
		a.GOARCH = goarchs[0]
	}
	if len(gooses) == 1 && gooses[0] != "" {
		a.GOOS, a.GOOSFrom = gooses[0], "members"
	}
}

func appendNew(s []string, v string) []string {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

// Platform returns "linux/arm64", "?/arm64" when the OS is unknown, or ""
// when nothing is known.
func (a *Artifact) Platform() string {
	switch {
	case a.GOOS != "" && a.GOARCH != "":
		return a.GOOS + "/" + a.GOARCH
	case a.GOARCH != "":
		return "?/" + a.GOARCH
	case a.GOOS != "":
		return a.GOOS + "/?"
	}
	return ""
}

// KernelMin returns the kernel minimum of the ABI tag ("3.7.0"), "" if
// the file has none.
func (a *Artifact) KernelMin() string {
	if a.ELF == nil || a.ELF.ABITag == nil {
		return ""
	}
	return a.ELF.ABITag.String()
}

// itoa is strconv.Itoa, for the small numbers of messages.
func itoa(n int) string { return strconv.Itoa(n) }
