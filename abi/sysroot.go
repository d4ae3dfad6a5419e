package abi

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// maxDirEntries caps the entries read from one directory of a sysroot.
const maxDirEntries = 1 << 16

// Source says where a fact came from.
type Source struct {
	// File is the path of the file relative to the sysroot, slash
	// separated ("lib/libc.so.6"), as it was found (before symbolic
	// links are followed).
	File string
	// Section is the ELF section (".gnu.version_d"), segment
	// ("PT_INTERP") or header field ("e_flags") the fact was read from,
	// "" for facts about the file as a whole.
	Section string
}

// String returns "lib/libc.so.6 (.gnu.version_d)", or the file alone.
func (s Source) String() string {
	if s.Section == "" {
		return s.File
	}
	return s.File + " (" + s.Section + ")"
}

// Fact is a value read from a sysroot and the file it came from. The zero
// Fact is an unknown value.
type Fact[T any] struct {
	Value  T
	Source Source
}

// Known reports whether the fact was found.
func (f Fact[T]) Known() bool { return f.Source.File != "" }

// LibcKind is the C library a sysroot provides.
type LibcKind uint8

// C libraries.
const (
	LibcUnknown LibcKind = iota
	LibcGlibc
	LibcMusl
	LibcBionic // Android
	LibcMinGW  // mingw-w64: PE import libraries, not ELF
)

func (k LibcKind) String() string {
	switch k {
	case LibcGlibc:
		return "glibc"
	case LibcMusl:
		return "musl"
	case LibcBionic:
		return "bionic"
	case LibcMinGW:
		return "mingw-w64"
	}
	return "unknown"
}

// MachineInfo is the ELF identification of a sysroot's C library.
type MachineInfo struct {
	Machine elf.Machine
	Class   elf.Class
	Data    elf.Data
	OSABI   elf.OSABI
	Flags   uint32 // e_flags
}

// Library is what one shared library of the sysroot defines.
type Library struct {
	Name       string   // "libc", "libm", "libpthread", "ld.so"
	Source     Source   // the file, with ".gnu.version_d" when it has versions
	Soname     string   // DT_SONAME
	MaxVersion string   // highest GLIBC_x.y it defines ("GLIBC_2.36"), "" if none
	Versions   []string // every version it defines, the base version excluded
}

// Loader is a dynamic loader present in the sysroot.
type Loader struct {
	// Path is the loader as a program's PT_INTERP names it on the
	// target ("/lib/ld-linux-aarch64.so.1").
	Path string
	// File is the file it resolves to, relative to the sysroot.
	File string
}

// ScriptFact is the GNU ld script found as libc.so (glibc), with its
// inputs resolved inside the sysroot.
type ScriptFact struct {
	Source Source
	Script *LinkerScript
	Inputs []ScriptFile
}

// ScriptFile is one input of a linker script and the sysroot file it
// resolves to.
type ScriptFile struct {
	ScriptInput
	// File is the resolved file relative to the sysroot, "" if not found.
	File string
	// Via says how it was found: "sysroot" (the path taken inside the
	// sysroot, as ld --sysroot does), "sysroot prefix" (a host-absolute
	// path under the sysroot's own location, as in Debian's cross
	// packages, whose scripts name /usr/<triple>/lib/...) or "library
	// path" (a relative name or -l option searched in the library
	// directories).
	Via string
	Err error // why it was not found
}

// Problem is a file of the sysroot that could not be used.
type Problem struct {
	Source Source
	Err    error
}

func (p Problem) Error() string {
	if p.Source.File == "" {
		return p.Err.Error()
	}
	return p.Source.String() + ": " + p.Err.Error()
}

func (p Problem) Unwrap() error { return p.Err }

// Sysroot is what a target sysroot provides. Every fact carries its source;
// facts that could not be found are zero (Known() false).
type Sysroot struct {
	Root    string   // absolute host path of the sysroot
	Triple  string   // GNU triple of the layout ("aarch64-linux-gnu"), "" if none
	LibDirs []string // library directories relative to Root, in search order

	Libc        Fact[LibcKind]
	LibcVersion Fact[string] // "2.36" (glibc: highest GLIBC_x.y of libc.so.6), "1.2.3" (musl)
	// Libraries is libc, libm, libpthread and ld.so, those present.
	Libraries []Library

	// Kernel is the highest kernel minimum of KernelTags, the
	// NT_GNU_ABI_TAG notes of libc.so.6 and crt1.o.
	Kernel     Fact[ABITag]
	KernelTags []Fact[ABITag]

	Machine Fact[MachineInfo] // ELF header of the C library (or of crt1.o)
	Interp  Fact[string]      // PT_INTERP of libc.so.6
	Loaders []Loader
	Crt1    string // crt1.o relative to Root, "" if none

	ARMFloatABI   Fact[FloatABI] // e_flags, or Tag_ABI_VFP_args when e_flags has none
	ARMCPUArch    Fact[ARMArch]  // Tag_CPU_arch
	ARMCPUName    Fact[string]   // Tag_CPU_name
	ARMABIVFPArgs Fact[uint64]   // Tag_ABI_VFP_args
	MIPSFPABI     Fact[MIPSFPABI]
	MIPSISA       Fact[string] // "32r2" from .MIPS.abiflags
	MIPSNaN2008   Fact[bool]

	LinkerScript *ScriptFact // libc.so when it is a GNU ld script

	// Problems lists files that were found but could not be used, and
	// ErrNoLibc when no C library was found.
	Problems []Problem
}

// Library returns the library with the given name ("libc"), or nil.
func (s *Sysroot) Library(name string) *Library {
	for i := range s.Libraries {
		if s.Libraries[i].Name == name {
			return &s.Libraries[i]
		}
	}
	return nil
}

// HasLoader reports whether the loader a program names in PT_INTERP
// ("/lib/ld-linux-aarch64.so.1") is present in the sysroot.
func (s *Sysroot) HasLoader(interp string) bool {
	for _, l := range s.Loaders {
		if l.Path == path.Clean(interp) {
			return true
		}
	}
	return false
}

// ReadSysroot reads the facts of the sysroot at root: a Debian cross
// sysroot (/usr/aarch64-linux-gnu), a root file system with multiarch
// (lib/<triple>, usr/lib/<triple>) or plain (lib64, usr/lib, lib) library
// directories, or a library directory itself (/usr/lib/x86_64-linux-musl).
//
// It fails only when root cannot be read as a directory. Files that are
// missing leave their facts unknown; files that are there but unusable
// (truncated, not ELF, a directory, unreadable) are listed in Problems.
// When root holds several multiarch triples, the one with a libc.so.6 (or
// else the first) is used; [ReadSysrootTriple] chooses one.
func ReadSysroot(root string) (*Sysroot, error) {
	return ReadSysrootTriple(root, "")
}

// ReadSysrootTriple is [ReadSysroot] restricted to the multiarch triple
// directories named triple ("" for the default choice).
func ReadSysrootTriple(root, triple string) (*Sysroot, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("abi: sysroot %s: %w", root, err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("abi: sysroot %s: %w", root, err)
	}
	fi, err := os.Stat(real)
	if err != nil {
		return nil, fmt.Errorf("abi: sysroot %s: %w", root, err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("abi: sysroot %s: not a directory", root)
	}
	rt, err := os.OpenRoot(real)
	if err != nil {
		return nil, fmt.Errorf("abi: sysroot %s: %w", root, err)
	}
	defer rt.Close()
	r := &sysrootReader{root: real, given: abs, rt: rt, s: &Sysroot{Root: real}}
	r.read(triple)
	return r.s, nil
}

type sysrootReader struct {
	root  string   // real absolute path
	given string   // absolute path as given (may differ by symlinks)
	rt    *os.Root // every open goes through it
	s     *Sysroot
}

func (r *sysrootReader) problem(file, section string, err error) {
	r.s.Problems = append(r.s.Problems, Problem{Source: Source{File: file, Section: section}, Err: err})
}

// found is a file found in the sysroot: name as found and the resolved
// path, both relative to the root.
type found struct {
	name string
	rel  string
}

// stat resolves name inside the sysroot and stats the result.
func (r *sysrootReader) stat(name string) (found, fs.FileInfo, error) {
	rel, err := resolveRel(r.root, name)
	if err != nil {
		return found{}, nil, err
	}
	fi, err := r.rt.Stat(rel)
	if err != nil {
		return found{}, nil, err
	}
	return found{name: strings.TrimPrefix(path.Clean("/"+name), "/"), rel: rel}, fi, nil
}

func (r *sysrootReader) isDir(name string) (string, bool) {
	f, fi, err := r.stat(name)
	if err != nil || !fi.IsDir() {
		return "", false
	}
	return f.rel, true
}

// find returns the first regular file called base in the library
// directories. Files that are there but are not regular files or cannot
// be resolved are recorded as problems.
func (r *sysrootReader) find(base string) (found, bool) {
	for _, d := range r.s.LibDirs {
		name := path.Join(d, base)
		f, fi, err := r.stat(name)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) || r.isLink(name) {
				r.problem(name, "", err)
			}
			continue
		}
		if !fi.Mode().IsRegular() {
			r.problem(name, "", fmt.Errorf("not a regular file (%s)", fi.Mode().Type()))
			continue
		}
		return f, true
	}
	return found{}, false
}

// isLink reports whether name itself (not what it points to) is a
// symbolic link, to tell a dangling link from a missing file.
func (r *sysrootReader) isLink(name string) bool {
	dir, err := resolveRel(r.root, path.Dir(name))
	if err != nil {
		return false
	}
	fi, err := r.rt.Lstat(path.Join(dir, path.Base(name)))
	return err == nil && fi.Mode()&fs.ModeSymlink != 0
}

// open opens a found file through the os.Root.
func (r *sysrootReader) open(f found) (*os.File, int64, error) {
	fh, err := r.rt.Open(f.rel)
	if err != nil {
		return nil, 0, err
	}
	fi, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, 0, err
	}
	if !fi.Mode().IsRegular() {
		fh.Close()
		return nil, 0, fmt.Errorf("not a regular file (%s)", fi.Mode().Type())
	}
	return fh, fi.Size(), nil
}

// readELF reads the ELF facts of f and calls fn, if not nil, with the
// open file while it is open. Errors are returned, not recorded.
func (r *sysrootReader) readELF(f found, fn func(*elfFile, *ELFFacts) error) (*ELFFacts, error) {
	fh, size, err := r.open(f)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	e, err := openELF(fh, size, f.name)
	if err != nil {
		return nil, err
	}
	e.definedOnly = true
	x, err := e.facts()
	if err != nil {
		return nil, err
	}
	if fn != nil {
		if err := fn(e, x); err != nil {
			return nil, err
		}
	}
	return x, nil
}

var tripleRE = regexp.MustCompile(`^[a-z0-9_]+(-[a-z0-9_.]+){1,3}$`)

// looksLikeTriple reports whether a directory name is a GNU triple
// ("aarch64-linux-gnu", "x86_64-linux-musl", "x86_64-w64-mingw32").
func looksLikeTriple(name string) bool {
	if !tripleRE.MatchString(name) || strings.Count(name, "-") < 2 {
		return false
	}
	for _, w := range []string{"-linux", "-gnu", "-musl", "-android", "-mingw32", "-w64", "-freebsd", "-netbsd", "-openbsd", "-uclibc"} {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// readDirNames lists a directory of the sysroot (resolved rel path),
// capped at maxDirEntries.
func (r *sysrootReader) readDirNames(rel string) ([]string, error) {
	dh, err := r.rt.Open(rel)
	if err != nil {
		return nil, err
	}
	defer dh.Close()
	names, err := dh.Readdirnames(maxDirEntries + 1)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if len(names) > maxDirEntries {
		return nil, fmt.Errorf("more than %d directory entries", maxDirEntries)
	}
	sort.Strings(names)
	return names, nil
}

// libDirs finds the library directories, in search order.
func (r *sysrootReader) libDirs(want string) {
	type dir struct{ name, rel string }
	var dirs []dir
	seen := map[string]bool{}
	add := func(name string) {
		if rel, ok := r.isDir(name); ok && !seen[rel] {
			seen[rel] = true
			dirs = append(dirs, dir{name, rel})
		}
	}
	// The root itself, when it is a library directory.
	for _, f := range []string{"libc.so.6", "libc.so", "crt1.o"} {
		if _, _, err := r.stat(f); err == nil {
			add(".")
			break
		}
	}
	// Multiarch triples.
	type tdir struct {
		triple, name string
		rank         int
	}
	var triples []tdir
	for _, base := range []string{"lib", "usr/lib"} {
		rel, ok := r.isDir(base)
		if !ok {
			continue
		}
		names, err := r.readDirNames(rel)
		if err != nil {
			r.problem(base, "", err)
			continue
		}
		for _, n := range names {
			if !looksLikeTriple(n) || (want != "" && n != want) {
				continue
			}
			name := base + "/" + n
			if _, ok := r.isDir(name); !ok {
				continue
			}
			rank := 2
			if _, _, err := r.stat(name + "/libc.so.6"); err == nil {
				rank = 0
			} else if _, _, err := r.stat(name + "/libc.so"); err == nil {
				rank = 1
			}
			triples = append(triples, tdir{n, name, rank})
		}
	}
	if len(triples) > 0 {
		sort.SliceStable(triples, func(i, j int) bool { return triples[i].rank < triples[j].rank })
		chosen := triples[0].triple
		var others []string
		for _, t := range triples {
			if t.triple == chosen {
				add(t.name)
			} else if !slices.Contains(others, t.triple) {
				others = append(others, t.triple)
			}
		}
		r.s.Triple = chosen
		if len(others) > 0 {
			r.problem("", "", fmt.Errorf("several multiarch triples; using %q, ignoring %s (choose one with ReadSysrootTriple)", chosen, strings.Join(others, ", ")))
		}
	}
	for _, d := range []string{"lib64", "usr/lib64", "usr/lib", "lib"} {
		add(d)
	}
	for _, d := range dirs {
		r.s.LibDirs = append(r.s.LibDirs, d.name)
	}
	if r.s.Triple == "" && looksLikeTriple(filepath.Base(r.root)) {
		r.s.Triple = filepath.Base(r.root) // Debian cross layout /usr/<triple>
	}
}

var loaderPatterns = []string{"ld-linux*.so.*", "ld.so.1", "ld64.so.*", "ld-musl-*.so.1", "ld-uClibc*.so.*"}

func (r *sysrootReader) loaders() {
	seen := map[string]bool{}
	for _, d := range r.s.LibDirs {
		rel, ok := r.isDir(d)
		if !ok {
			continue
		}
		names, err := r.readDirNames(rel)
		if err != nil {
			r.problem(d, "", err)
			continue
		}
		for _, n := range names {
			match := false
			for _, p := range loaderPatterns {
				if ok, _ := path.Match(p, n); ok {
					match = true
					break
				}
			}
			if !match {
				continue
			}
			name := path.Join(d, n)
			f, fi, err := r.stat(name)
			if err != nil {
				r.problem(name, "", err)
				continue
			}
			if !fi.Mode().IsRegular() {
				continue
			}
			p := "/" + name
			if d == "." {
				p = "/" + n
			}
			if seen[p] {
				continue
			}
			seen[p] = true
			r.s.Loaders = append(r.s.Loaders, Loader{Path: p, File: f.rel})
		}
	}
}

func (r *sysrootReader) read(triple string) {
	s := r.s
	r.libDirs(triple)
	r.loaders()

	crt1, hasCrt1 := r.find("crt1.o")
	if hasCrt1 {
		s.Crt1 = crt1.name
	}

	// libc.so: a GNU ld script (glibc) or the library itself (musl, bionic).
	var libcSo *ELFFacts
	var libcSoFile found
	var muslVersion string
	var muslBanner bool
	if f, ok := r.find("libc.so"); ok {
		libcSoFile = f
		data, isScript, err := r.readScriptCandidate(f)
		switch {
		case err != nil:
			r.problem(f.name, "", err)
		case isScript:
			r.linkerScript(f, data)
		default:
			x, err := r.readELF(f, func(e *elfFile, x *ELFFacts) error {
				muslVersion, muslBanner = scanMusl(e)
				return nil
			})
			if err != nil {
				r.problem(f.name, "", err)
			} else {
				libcSo = x
			}
		}
	}

	// libc.so.6: glibc (or a compatibility link to musl).
	var libc6 *ELFFacts
	libc6File, ok := r.find("libc.so.6")
	if !ok && s.LinkerScript != nil {
		for _, in := range s.LinkerScript.Inputs {
			if in.File != "" && path.Base(in.File) == "libc.so.6" {
				libc6File, ok = found{name: in.File, rel: in.File}, true
				break
			}
		}
	}
	if ok {
		x, err := r.readELF(libc6File, func(e *elfFile, x *ELFFacts) error {
			if _, glibc := x.MaxDefinedVersion("GLIBC_"); !glibc && !muslBanner {
				muslVersion, muslBanner = scanMusl(e)
			}
			return nil
		})
		if err != nil {
			r.problem(libc6File.name, "", err)
		} else {
			libc6 = x
		}
	}

	// The kind of C library and its version.
	muslLdr, hasMuslLoader := r.muslLoader()
	var libcELF *ELFFacts
	var libcName string
	switch {
	case libc6 != nil && hasGlibcVersions(libc6):
		v, _ := libc6.MaxDefinedVersion("GLIBC_")
		src := Source{File: libc6File.name, Section: ".gnu.version_d"}
		s.Libc = Fact[LibcKind]{LibcGlibc, src}
		s.LibcVersion = Fact[string]{strings.TrimPrefix(v, "GLIBC_"), src}
		libcELF, libcName = libc6, libc6File.name
	case libcSo != nil && isBionic(libcSo):
		section := "PT_INTERP"
		if libcSo.Interp == "" {
			section = ".gnu.version_d"
		}
		s.Libc = Fact[LibcKind]{LibcBionic, Source{File: libcSoFile.name, Section: section}}
		libcELF, libcName = libcSo, libcSoFile.name
	case libcSo != nil && (muslBanner || hasMuslLoader):
		s.Libc = Fact[LibcKind]{LibcMusl, Source{File: libcSoFile.name, Section: muslSection(muslBanner)}}
		libcELF, libcName = libcSo, libcSoFile.name
	case libc6 != nil && muslBanner: // a compatibility libc.so.6 that is musl
		s.Libc = Fact[LibcKind]{LibcMusl, Source{File: libc6File.name, Section: ".rodata"}}
		libcELF, libcName = libc6, libc6File.name
	case hasMuslLoader:
		s.Libc = Fact[LibcKind]{LibcMusl, Source{File: strings.TrimPrefix(muslLdr.Path, "/")}}
	default:
		if f, ok := r.mingwImportLib(); ok {
			s.Libc = Fact[LibcKind]{LibcMinGW, Source{File: f}}
		}
	}
	if libcELF == nil { // unknown kind: still report the machine
		switch {
		case libc6 != nil:
			libcELF, libcName = libc6, libc6File.name
		case libcSo != nil:
			libcELF, libcName = libcSo, libcSoFile.name
		}
	}
	if s.Libc.Value == LibcMusl && muslVersion != "" {
		s.LibcVersion = Fact[string]{muslVersion, Source{File: s.Libc.Source.File, Section: ".rodata"}}
	}
	if s.Libc.Value == LibcUnknown {
		where := "the library directories"
		if len(s.LibDirs) > 0 {
			where = strings.Join(s.LibDirs, ", ")
		} else {
			where = "no library directory (lib, lib64, usr/lib, lib/<triple>)"
		}
		r.problem("", "", fmt.Errorf("%w in %s", ErrNoLibc, where))
	}

	// Facts of the C library's ELF file.
	var crt1ELF *ELFFacts
	if hasCrt1 {
		x, err := r.readELF(crt1, nil)
		if err != nil {
			r.problem(crt1.name, "", err)
		} else {
			crt1ELF = x
		}
	}
	if libcELF != nil {
		r.elfFacts(libcELF, libcName)
		if libcELF.ABITag != nil {
			s.KernelTags = append(s.KernelTags, Fact[ABITag]{*libcELF.ABITag, Source{File: libcName, Section: libcELF.ABITagSection}})
		}
	} else if crt1ELF != nil {
		r.elfFacts(crt1ELF, crt1.name)
	}
	if crt1ELF != nil && crt1ELF.ABITag != nil {
		s.KernelTags = append(s.KernelTags, Fact[ABITag]{*crt1ELF.ABITag, Source{File: crt1.name, Section: crt1ELF.ABITagSection}})
	}
	for _, t := range s.KernelTags {
		if !s.Kernel.Known() || t.Value.Compare(s.Kernel.Value) > 0 {
			s.Kernel = t
		}
	}

	// Per-library versions.
	if libcELF != nil {
		s.Libraries = append(s.Libraries, libraryOf("libc", libcName, libcELF))
	}
	for _, l := range []struct{ name, file string }{{"libm", "libm.so.6"}, {"libpthread", "libpthread.so.0"}} {
		f, ok := r.find(l.file)
		if !ok {
			continue
		}
		x, err := r.readELF(f, nil)
		if err != nil {
			r.problem(f.name, "", err)
			continue
		}
		s.Libraries = append(s.Libraries, libraryOf(l.name, f.name, x))
	}
	if l, ok := r.mainLoader(); ok {
		name := strings.TrimPrefix(l.Path, "/")
		x, err := r.readELF(found{name: name, rel: l.File}, nil)
		if err != nil {
			r.problem(name, "", err)
		} else {
			s.Libraries = append(s.Libraries, libraryOf("ld.so", name, x))
		}
	}
}

// elfFacts fills the machine, interpreter, ARM and MIPS facts from the C
// library's ELF file.
func (r *sysrootReader) elfFacts(x *ELFFacts, name string) {
	s := r.s
	s.Machine = Fact[MachineInfo]{MachineInfo{x.Machine, x.Class, x.Data, x.OSABI, x.Flags}, Source{File: name, Section: "ELF header"}}
	if x.Interp != "" {
		s.Interp = Fact[string]{x.Interp, Source{File: name, Section: "PT_INTERP"}}
	}
	if a := x.ARM; a != nil {
		if fa, ev := a.EffectiveFloatABI(); fa != FloatABIUnknown {
			s.ARMFloatABI = Fact[FloatABI]{fa, Source{File: name, Section: ev}}
		}
		src := Source{File: name, Section: a.AttributesSection}
		if v, ok := a.Attributes.CPUArch(); ok {
			s.ARMCPUArch = Fact[ARMArch]{v, src}
		}
		if n := a.Attributes.CPUName(); n != "" {
			s.ARMCPUName = Fact[string]{n, src}
		}
		if v, ok := a.Attributes.ABIVFPArgs(); ok {
			s.ARMABIVFPArgs = Fact[uint64]{v, src}
		}
	}
	if m := x.MIPS; m != nil {
		s.MIPSNaN2008 = Fact[bool]{m.NaN2008, Source{File: name, Section: "e_flags"}}
		if fl := m.ABIFlags; fl != nil {
			src := Source{File: name, Section: m.ABIFlagsSection}
			s.MIPSFPABI = Fact[MIPSFPABI]{fl.FPABI, src}
			s.MIPSISA = Fact[string]{fmt.Sprintf("%dr%d", fl.ISALevel, fl.ISARev), src}
		}
	}
}

func libraryOf(name, file string, x *ELFFacts) Library {
	l := Library{Name: name, Source: Source{File: file}, Soname: x.Soname, Versions: x.DefinedVersionNames()}
	if len(x.Defined) > 0 {
		l.Source.Section = ".gnu.version_d"
	}
	l.MaxVersion, _ = x.MaxDefinedVersion("GLIBC_")
	return l
}

func hasGlibcVersions(x *ELFFacts) bool {
	_, ok := x.MaxDefinedVersion("GLIBC_")
	return ok
}

// isBionic reports Android's libc: PT_INTERP /system/bin/linker[64], or
// the LIBC version node that bionic defines.
func isBionic(x *ELFFacts) bool {
	if strings.HasPrefix(x.Interp, "/system/bin/linker") {
		return true
	}
	return slices.Contains(x.DefinedVersionNames(), "LIBC")
}

func muslSection(banner bool) string {
	if banner {
		return ".rodata"
	}
	return ""
}

// muslLoader returns the first ld-musl-*.so.1 loader found.
func (r *sysrootReader) muslLoader() (Loader, bool) {
	for _, l := range r.s.Loaders {
		if strings.HasPrefix(path.Base(l.Path), "ld-musl-") {
			return l, true
		}
	}
	return Loader{}, false
}

// mainLoader returns the loader libc.so.6 names in PT_INTERP, or else the
// first glibc loader found.
func (r *sysrootReader) mainLoader() (Loader, bool) {
	if r.s.Interp.Known() {
		for _, l := range r.s.Loaders {
			if path.Base(l.Path) == path.Base(r.s.Interp.Value) {
				return l, true
			}
		}
	}
	for _, l := range r.s.Loaders {
		if !strings.HasPrefix(path.Base(l.Path), "ld-musl-") {
			return l, true
		}
	}
	return Loader{}, false
}

// readScriptCandidate reads the start of f and reports whether it is a
// text file (a GNU ld script), returning its contents if so.
func (r *sysrootReader) readScriptCandidate(f found) ([]byte, bool, error) {
	fh, size, err := r.open(f)
	if err != nil {
		return nil, false, err
	}
	defer fh.Close()
	head := make([]byte, min(size, 512))
	if _, err := io.ReadFull(fh, head); err != nil {
		return nil, false, err
	}
	if !LooksLikeLinkerScript(head) {
		return nil, false, nil
	}
	if size > MaxLinkerScriptSize {
		return nil, false, fmt.Errorf("text file of %d bytes is larger than the %d-byte limit for a linker script", size, MaxLinkerScriptSize)
	}
	data := make([]byte, size)
	if _, err := fh.ReadAt(data, 0); err != nil && !errors.Is(err, io.EOF) {
		return nil, false, err
	}
	return data, true, nil
}

// linkerScript parses libc.so as a GNU ld script and resolves its inputs
// inside the sysroot.
func (r *sysrootReader) linkerScript(f found, data []byte) {
	sc, err := ParseLinkerScript(data)
	if err != nil {
		r.problem(f.name, "", fmt.Errorf("GNU ld script: %w", err))
		return
	}
	sf := &ScriptFact{Source: Source{File: f.name}, Script: sc}
	for _, in := range sc.Inputs {
		sf.Inputs = append(sf.Inputs, r.resolveInput(in))
	}
	r.s.LinkerScript = sf
}

func (r *sysrootReader) resolveInput(in ScriptInput) ScriptFile {
	out := ScriptFile{ScriptInput: in}
	regular := func(name string) (string, error) {
		f, fi, err := r.stat(name)
		if err != nil {
			return "", err
		}
		if !fi.Mode().IsRegular() {
			return "", fmt.Errorf("%s is not a regular file", name)
		}
		return f.rel, nil
	}
	p := filepath.ToSlash(in.Path)
	switch {
	case in.IsLib():
		lib := "lib" + p[2:]
		for _, d := range r.s.LibDirs {
			for _, ext := range []string{".so", ".a"} {
				if rel, err := regular(path.Join(d, lib+ext)); err == nil {
					out.File, out.Via = rel, "library path"
					return out
				}
			}
		}
		out.Err = fmt.Errorf("%s: no %s.so or %s.a in the library directories: %w", in.Path, lib, lib, fs.ErrNotExist)
	case path.IsAbs(p):
		rel, err := regular(p)
		if err == nil {
			out.File, out.Via = rel, "sysroot"
			return out
		}
		for _, prefix := range []string{filepath.ToSlash(r.root), filepath.ToSlash(r.given)} {
			if rest, ok := strings.CutPrefix(p, prefix+"/"); ok && prefix != "/" {
				if rel, err2 := regular(rest); err2 == nil {
					out.File, out.Via = rel, "sysroot prefix"
					return out
				}
			}
		}
		out.Err = err
	default:
		for _, d := range r.s.LibDirs {
			if rel, err := regular(path.Join(d, p)); err == nil {
				out.File, out.Via = rel, "library path"
				return out
			}
		}
		out.Err = fmt.Errorf("%s: not in the library directories: %w", in.Path, fs.ErrNotExist)
	}
	return out
}

var muslVersionRE = regexp.MustCompile(`^[0-9]\.[0-9]{1,2}\.[0-9]{1,3}$`)

// scanMusl looks for musl's banner ("musl libc") and version string in
// .rodata (at most MaxSectionSize bytes, scanned without allocating per
// string). It returns the version if exactly
// one version-like string is there, and whether the banner is.
func scanMusl(e *elfFile) (version string, banner bool) {
	s := e.f.Section(".rodata")
	if s == nil || s.Type == elf.SHT_NOBITS {
		return "", false
	}
	data, err := e.sectionData(s, MaxSectionSize)
	if err != nil || !bytes.Contains(data, []byte("musl libc")) {
		return "", false
	}
	var cands []string
	for rest := data; len(rest) > 0; {
		i := bytes.IndexByte(rest, 0)
		if i < 0 {
			i = len(rest)
		}
		str := rest[:i]
		rest = rest[min(i+1, len(rest)):]
		if len(str) >= 5 && len(str) <= 16 && muslVersionRE.Match(str) && !slices.Contains(cands, string(str)) {
			if len(cands) == 2 {
				break // ambiguous already
			}
			cands = append(cands, string(str))
		}
	}
	if len(cands) == 1 {
		version = cands[0]
	}
	return version, true
}

// mingwImportLib looks for a mingw-w64 import library (libkernel32.a,
// libmsvcrt.a, libucrt.a) that is an ar archive of COFF objects.
func (r *sysrootReader) mingwImportLib() (string, bool) {
	for _, base := range []string{"libkernel32.a", "libmsvcrt.a", "libucrt.a"} {
		for _, d := range r.s.LibDirs {
			name := path.Join(d, base)
			f, fi, err := r.stat(name)
			if err != nil || !fi.Mode().IsRegular() {
				continue
			}
			fh, size, err := r.open(f)
			if err != nil {
				r.problem(name, "", err)
				continue
			}
			ok, err := isCOFFArchive(fh, size)
			fh.Close()
			if err != nil {
				r.problem(name, "", err)
				continue
			}
			if ok {
				return name, true
			}
		}
	}
	return "", false
}

// isCOFFArchive reports whether the ar archive r holds COFF objects or
// short import objects (mingw-w64 import libraries) rather than ELF. It
// looks at the first 16 members at most.
func isCOFFArchive(r io.ReaderAt, size int64) (bool, error) {
	var magic [8]byte
	if size < 8 {
		return false, nil
	}
	if _, err := r.ReadAt(magic[:], 0); err != nil {
		return false, err
	}
	if string(magic[:]) != "!<arch>\n" {
		return false, nil
	}
	off := int64(8)
	for i := 0; i < 16 && off+60 <= size; i++ {
		var hdr [60]byte
		if _, err := r.ReadAt(hdr[:], off); err != nil {
			return false, err
		}
		name := strings.TrimSpace(string(hdr[0:16]))
		msize, err := strconv.ParseInt(strings.TrimSpace(string(hdr[48:58])), 10, 64)
		if err != nil || msize < 0 || msize > size-off-60 {
			return false, nil
		}
		data := off + 60
		off = data + msize + msize%2
		if name == "/" || name == "//" || name == "/SYM64/" || strings.HasPrefix(name, "__.SYMDEF") {
			continue
		}
		var head [4]byte
		if msize < 4 {
			continue
		}
		if _, err := r.ReadAt(head[:], data); err != nil {
			return false, err
		}
		if string(head[:]) == elf.ELFMAG {
			return false, nil
		}
		sig1, sig2 := binary.LittleEndian.Uint16(head[0:]), binary.LittleEndian.Uint16(head[2:])
		if sig1 == 0 && sig2 == 0xFFFF { // IMPORT_OBJECT_HDR_SIG2
			return true, nil
		}
		switch sig1 { // IMAGE_FILE_MACHINE_*
		case 0x14c, 0x8664, 0xaa64, 0x1c4:
			return true, nil
		}
		return false, nil
	}
	return false, nil
}
