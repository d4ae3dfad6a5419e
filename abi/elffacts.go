package abi

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strconv"
)

// Limits of the ELF layer. Every size and count read from a file is checked
// against these and against the file size before anything is allocated.
const (
	// MaxSectionSize caps the size of one section that is read whole
	// (.dynsym, .dynstr, .gnu.version*, .dynamic, .rodata). glibc's
	// largest of these is well under 1 MiB.
	MaxSectionSize = 64 << 20
	// maxSectionCount caps the number of section headers a file may
	// claim through the extended numbering of section header 0. debug/elf
	// allocates about 250 bytes per section header: measured with Go
	// 1.26, 2^20 sections in a 4 GiB sparse file cost 500 MiB and 4.5 s,
	// 2^17 cost 33 MiB and 0.4 s. Objects with more than 131072 sections
	// (huge C++ translation units built with -ffunction-sections) are
	// refused.
	maxSectionCount = 1 << 17
	// maxSectionHeaderBytes and maxProgHeaderBytes cap the header tables
	// debug/elf reads in one piece: e_shentsize and e_phentsize may be
	// larger than the structures (up to 65535), so 65535 entries of 65535
	// bytes fit a 4 GiB file. No toolchain writes larger entries than the
	// structures.
	maxSectionHeaderBytes = maxSectionCount * 64
	maxProgHeaderBytes    = 0xffff * 56
	// maxShstrtabSize caps the section name table, which debug/elf reads
	// whole while opening the file (a 3 GiB one in a sparse file made it
	// allocate 16 GiB over 5 minutes). glibc's is under 1 KiB.
	maxShstrtabSize = 16 << 20
	// maxInterpSize caps PT_INTERP (PATH_MAX).
	maxInterpSize = 4096
	// maxStringBytes caps the bytes debug/elf may copy out of a string
	// table: references × longest string. It guards against a table
	// without NUL bytes referenced by millions of entries.
	maxStringBytes = 16 << 20
	// maxVersionSteps caps the entries walked in .gnu.version_d and
	// .gnu.version_r: glibc's libc.so.6 has about 90 (definitions and
	// their parents), libstdc++ a few hundred. A 28-byte verdef entry
	// claiming 65535 auxiliary entries costs debug/elf 65535 string
	// copies (50 ms); the cap keeps any file at a few milliseconds.
	maxVersionSteps = 1 << 12
	// maxVersionLookups caps dynamic symbols × versions, the work debug/elf
	// does to give each symbol its version.
	maxVersionLookups = 1 << 24
)

// ELFFacts is what xcheck reads from one ELF file.
type ELFFacts struct {
	Name string // file name, as given
	Size int64  // file size in bytes

	Class      elf.Class
	Data       elf.Data // byte order
	OSABI      elf.OSABI
	ABIVersion uint8
	Type       elf.Type
	Machine    elf.Machine
	Flags      uint32 // e_flags; debug/elf does not expose it

	Interp  string   // PT_INTERP, "" if none
	Needed  []string // DT_NEEDED
	Soname  string   // DT_SONAME, "" if none
	RPath   []string // DT_RPATH
	RunPath []string // DT_RUNPATH
	// Dynamic reports whether the file has a dynamic section
	// (SHT_DYNAMIC); Flags1 is its DT_FLAGS_1 (DF_1_PIE marks a
	// position-independent executable), 0 if none.
	Dynamic bool
	Flags1  elf.DynFlag1

	// Defined is the version definitions (.gnu.version_d), the base
	// version (the soname, flag VER_FLG_BASE) included.
	Defined []elf.DynamicVersion
	// Needs is the version needs (.gnu.version_r), one entry per library.
	Needs []NeededLibrary

	// ABITag is the NT_GNU_ABI_TAG note, nil if there is none.
	// ABITagSection is where it was found: the section name
	// (".note.ABI-tag") or "PT_NOTE" for a file without section headers.
	ABITag        *ABITag
	ABITagSection string

	ARM  *ARMInfo  // for EM_ARM, else nil
	MIPS *MIPSInfo // for EM_MIPS, else nil
}

// NeededLibrary is the versions a file needs from one library.
type NeededLibrary struct {
	Library  string // "libc.so.6"
	Versions []NeededVersion
}

// NeededVersion is one needed version ("GLIBC_2.34") and the dynamic
// symbols that need it, sorted.
type NeededVersion struct {
	Name    string
	Index   uint16
	Flags   elf.DynamicVersionFlag // VER_FLG_WEAK: only weak references
	Symbols []string
}

// DefinedVersionNames returns the names of the versions f defines,
// without the base version.
func (f *ELFFacts) DefinedVersionNames() []string {
	var names []string
	for _, v := range f.Defined {
		if v.Flags&elf.VER_FLG_BASE == 0 {
			names = append(names, v.Name)
		}
	}
	return names
}

// MaxDefinedVersion returns the highest numeric version f defines with the
// given prefix: MaxDefinedVersion("GLIBC_") of glibc 2.36's libc.so.6 is
// "GLIBC_2.36".
func (f *ELFFacts) MaxDefinedVersion(prefix string) (string, bool) {
	return MaxVersion(f.DefinedVersionNames(), prefix)
}

// MaxNeededVersion returns the highest numeric version with the given
// prefix that f needs from any library.
func (f *ELFFacts) MaxNeededVersion(prefix string) (string, bool) {
	var names []string
	for _, l := range f.Needs {
		for _, v := range l.Versions {
			names = append(names, v.Name)
		}
	}
	return MaxVersion(names, prefix)
}

// FloatABI is the ARM floating-point calling convention.
type FloatABI uint8

// ARM float ABIs.
const (
	FloatABIUnknown FloatABI = iota // not recorded
	FloatABISoft                    // base AAPCS: floats in core registers (gnueabi, armel)
	FloatABIHard                    // VFP registers (gnueabihf, armhf)
)

func (a FloatABI) String() string {
	switch a {
	case FloatABISoft:
		return "soft"
	case FloatABIHard:
		return "hard"
	}
	return "unknown"
}

// ARMInfo is the ARM-specific part of ELFFacts.
type ARMInfo struct {
	EABIVersion uint8    // e_flags >> 24: 5 for every current toolchain
	FloatABI    FloatABI // from e_flags EF_ARM_ABI_FLOAT_SOFT/HARD (EABI 5 only)
	// Attributes is the parsed .ARM.attributes, nil if the file has none.
	Attributes        *ARMAttributes
	AttributesSection string
}

// EffectiveFloatABI returns the float ABI from e_flags or, when e_flags
// does not record one, from Tag_ABI_VFP_args (1 hard, 0 soft), with the
// evidence used ("e_flags" or ".ARM.attributes").
func (a *ARMInfo) EffectiveFloatABI() (FloatABI, string) {
	if a == nil {
		return FloatABIUnknown, ""
	}
	if a.FloatABI != FloatABIUnknown {
		return a.FloatABI, "e_flags"
	}
	if v, ok := a.Attributes.ABIVFPArgs(); ok {
		switch v {
		case 1:
			return FloatABIHard, a.AttributesSection
		case 0:
			return FloatABISoft, a.AttributesSection
		}
	}
	return FloatABIUnknown, ""
}

// MIPSInfo is the MIPS-specific part of ELFFacts.
type MIPSInfo struct {
	NaN2008 bool   // EF_MIPS_NAN2008
	ABI     uint32 // e_flags & EF_MIPS_ABI (0x1000 o32, 0 for n64/n32)
	Arch    uint32 // e_flags & EF_MIPS_ARCH (0x70000000 MIPS32r2)
	// ABIFlags is .MIPS.abiflags (or the PT_MIPS_ABIFLAGS segment), nil
	// if the file has neither.
	ABIFlags        *MIPSABIFlags
	ABIFlagsSection string
}

// ReadELF reads the facts of the ELF file at path. A file that is not ELF
// gives an error wrapping [ErrNotELF].
func ReadELF(path string) (*ELFFacts, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("abi: %s: not a regular file (%s)", path, fi.Mode().Type())
	}
	return NewELFFacts(fh, fi.Size(), path)
}

// NewELFFacts reads the facts of the ELF file of the given size that r
// reads. name names the file in errors. Nothing beyond size is read.
func NewELFFacts(r io.ReaderAt, size int64, name string) (*ELFFacts, error) {
	e, err := openELF(r, size, name)
	if err != nil {
		return nil, err
	}
	return e.facts()
}

// elfFile is a validated debug/elf file with the header fields that
// debug/elf does not keep.
type elfFile struct {
	name  string
	size  int64
	r     io.ReaderAt
	f     *elf.File
	bo    binary.ByteOrder
	flags uint32
	shoff int64
	shent int64
	// definedOnly skips the version needs and the symbols that need
	// them (ReadSysroot only uses what libraries define).
	definedOnly bool
}

func (e *elfFile) errorf(section string, off int64, format string, args ...any) error {
	return &FormatError{File: e.name, Section: section, Off: off, Msg: fmt.Sprintf(format, args...)}
}

// guard runs fn, a call into debug/elf, and turns a panic into an error
// naming the file. This is the last line of defence: every input debug/elf
// sees has been validated before.
func (e *elfFile) guard(what string, fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &FormatError{File: e.name, Off: -1, Msg: fmt.Sprintf("debug/elf panicked in %s: %v", what, p)}
		}
	}()
	return fn()
}

// openELF checks the ELF header against size, opens the file with
// debug/elf and checks every section and segment against size.
func openELF(r io.ReaderAt, size int64, name string) (*elfFile, error) {
	e := &elfFile{name: name, size: size, r: r}
	if size < 0 {
		return nil, e.errorf("", -1, "negative file size %d", size)
	}
	var hdr [64]byte
	n := int64(len(hdr))
	if size < n {
		n = size
	}
	if n > 0 {
		if _, err := r.ReadAt(hdr[:n], 0); err != nil && !errors.Is(err, io.EOF) {
			return nil, &FormatError{File: name, Off: 0, Msg: "cannot read the ELF header", Err: err}
		}
	}
	if n < 4 || !bytes.Equal(hdr[:4], []byte(elf.ELFMAG)) {
		msg := "bad magic number " + strconv.Quote(string(hdr[:min(n, 4)]))
		if n == 0 {
			msg = "empty file"
		}
		return nil, &FormatError{File: name, Off: 0, Msg: msg, Err: ErrNotELF}
	}
	if n < elf.EI_NIDENT {
		return nil, e.errorf("", n, "truncated ELF identification: file has %d bytes", size)
	}
	var hdrSize, phWant, shWant int64
	switch elf.Class(hdr[elf.EI_CLASS]) {
	case elf.ELFCLASS32:
		hdrSize, phWant, shWant = 52, 32, 40
	case elf.ELFCLASS64:
		hdrSize, phWant, shWant = 64, 56, 64
	default:
		return nil, e.errorf("", elf.EI_CLASS, "unknown ELF class %d", hdr[elf.EI_CLASS])
	}
	switch elf.Data(hdr[elf.EI_DATA]) {
	case elf.ELFDATA2LSB:
		e.bo = binary.LittleEndian
	case elf.ELFDATA2MSB:
		e.bo = binary.BigEndian
	default:
		return nil, e.errorf("", elf.EI_DATA, "unknown ELF data encoding %d", hdr[elf.EI_DATA])
	}
	if size < hdrSize {
		return nil, e.errorf("", size, "truncated ELF header: file has %d bytes, the header needs %d", size, hdrSize)
	}
	bo := e.bo
	var phoff, shoff uint64
	var phentsize, phnum, shentsize, shnum uint64
	if hdrSize == 52 {
		phoff = uint64(bo.Uint32(hdr[28:]))
		shoff = uint64(bo.Uint32(hdr[32:]))
		e.flags = bo.Uint32(hdr[36:])
		phentsize = uint64(bo.Uint16(hdr[42:]))
		phnum = uint64(bo.Uint16(hdr[44:]))
		shentsize = uint64(bo.Uint16(hdr[46:]))
		shnum = uint64(bo.Uint16(hdr[48:]))
	} else {
		phoff = bo.Uint64(hdr[32:])
		shoff = bo.Uint64(hdr[40:])
		e.flags = bo.Uint32(hdr[48:])
		phentsize = uint64(bo.Uint16(hdr[54:]))
		phnum = uint64(bo.Uint16(hdr[56:]))
		shentsize = uint64(bo.Uint16(hdr[58:]))
		shnum = uint64(bo.Uint16(hdr[60:]))
	}
	usize := uint64(size)
	if phnum > 0 {
		if phentsize < uint64(phWant) {
			return nil, e.errorf("", -1, "program header entry size %d is smaller than %d", phentsize, phWant)
		}
		if phoff > usize || phnum*phentsize > usize-phoff {
			return nil, e.errorf("", -1, "program header table (%d entries at offset %#x) extends beyond the end of the file (%d bytes)", phnum, phoff, size)
		}
		if phnum*phentsize > maxProgHeaderBytes {
			return nil, e.errorf("", -1, "program header table of %d entries of %d bytes exceeds the %d-byte limit", phnum, phentsize, maxProgHeaderBytes)
		}
	}
	if shoff != 0 {
		if shentsize < uint64(shWant) {
			return nil, e.errorf("", -1, "section header entry size %d is smaller than %d", shentsize, shWant)
		}
		if shoff > usize || shentsize > usize-shoff {
			return nil, e.errorf("", -1, "section header table offset %#x is beyond the end of the file (%d bytes)", shoff, size)
		}
		if shnum == 0 {
			// Extended numbering: the count is sh_size of section 0.
			var b [8]byte
			szOff, szLen := int64(shoff)+20, 4
			if hdrSize == 64 {
				szOff, szLen = int64(shoff)+32, 8
			}
			if _, err := r.ReadAt(b[:szLen], szOff); err != nil {
				return nil, &FormatError{File: name, Off: szOff, Msg: "cannot read the section count of section header 0", Err: err}
			}
			if szLen == 4 {
				shnum = uint64(bo.Uint32(b[:]))
			} else {
				shnum = bo.Uint64(b[:])
			}
			if shnum > maxSectionCount {
				return nil, e.errorf("", szOff, "section header 0 claims %d sections, more than the limit of %d", shnum, maxSectionCount)
			}
		}
		if shnum*shentsize > usize-shoff {
			return nil, e.errorf("", int64(shoff), "section header table (%d entries of %d bytes) extends beyond the end of the file (%d bytes)", shnum, shentsize, size)
		}
		if shnum*shentsize > maxSectionHeaderBytes {
			return nil, e.errorf("", int64(shoff), "section header table of %d entries of %d bytes exceeds the %d-byte limit", shnum, shentsize, maxSectionHeaderBytes)
		}
	}
	e.shoff, e.shent = int64(shoff), int64(shentsize)
	if shoff != 0 && shnum > 0 {
		// debug/elf reads the section name table whole while opening the
		// file, and decompresses a compressed one with no bound but the
		// size its compression header claims: a small zlib bomb would
		// expand into gigabytes. No toolchain compresses .shstrtab;
		// refuse it, and one larger than maxShstrtabSize.
		if err := e.checkShstrtab(hdr[:hdrSize], shoff, shnum, shentsize); err != nil {
			return nil, err
		}
	}

	err := e.guard("NewFile", func() error {
		f, err := elf.NewFile(io.NewSectionReader(r, 0, size))
		if err != nil {
			var fe *elf.FormatError
			if errors.As(err, &fe) {
				return &FormatError{File: name, Off: -1, Msg: "malformed ELF file", Err: err}
			}
			return &FormatError{File: name, Off: -1, Msg: "cannot read ELF file", Err: err}
		}
		e.f = f
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, s := range e.f.Sections {
		if s.Type == elf.SHT_NOBITS || s.Type == elf.SHT_NULL {
			continue
		}
		if s.Offset > usize || s.FileSize > usize-s.Offset {
			return nil, e.errorf(sectionLabel(i, s), e.shoff+int64(i)*e.shent,
				"section data [%#x, +%#x) extends beyond the end of the file (%d bytes)", s.Offset, s.FileSize, size)
		}
	}
	for i, p := range e.f.Progs {
		if p.Off > usize || p.Filesz > usize-p.Off {
			return nil, e.errorf(p.Type.String(), int64(phoff)+int64(i)*int64(phentsize),
				"segment %d data [%#x, +%#x) extends beyond the end of the file (%d bytes)", i, p.Off, p.Filesz, size)
		}
	}
	return e, nil
}

// checkShstrtab refuses a compressed section name table, and one larger
// than maxShstrtabSize.
func (e *elfFile) checkShstrtab(hdr []byte, shoff, shnum, shentsize uint64) error {
	is64 := len(hdr) == 64
	var ndx uint64
	if is64 {
		ndx = uint64(e.bo.Uint16(hdr[62:]))
	} else {
		ndx = uint64(e.bo.Uint16(hdr[50:]))
	}
	var b [8]byte
	if ndx == uint64(elf.SHN_XINDEX) { // the index is sh_link of section 0
		off := int64(shoff) + 24
		if is64 {
			off = int64(shoff) + 40
		}
		if _, err := e.r.ReadAt(b[:4], off); err != nil {
			return &FormatError{File: e.name, Off: off, Msg: "cannot read section header 0", Err: err}
		}
		ndx = uint64(e.bo.Uint32(b[:4]))
	}
	if ndx == 0 || ndx >= shnum {
		return nil // no names, or an index debug/elf rejects
	}
	// sh_type, sh_flags and sh_size of Elf32_Shdr or Elf64_Shdr.
	h := int64(shoff + ndx*shentsize)
	var sh [40]byte
	n := 24
	if is64 {
		n = 40
	}
	if _, err := e.r.ReadAt(sh[:n], h); err != nil {
		return &FormatError{File: e.name, Off: h, Msg: "cannot read the section name table header", Err: err}
	}
	typ := elf.SectionType(e.bo.Uint32(sh[4:]))
	var flags, size uint64
	if is64 {
		flags, size = e.bo.Uint64(sh[8:]), e.bo.Uint64(sh[32:])
	} else {
		flags, size = uint64(e.bo.Uint32(sh[8:])), uint64(e.bo.Uint32(sh[20:]))
	}
	if flags&uint64(elf.SHF_COMPRESSED) != 0 {
		return e.errorf("", h+8, "compressed section name table (section %d)", ndx)
	}
	if typ != elf.SHT_NOBITS && size > maxShstrtabSize {
		return e.errorf("", h, "section name table (section %d) of %d bytes exceeds the %d-byte limit", ndx, size, maxShstrtabSize)
	}
	return nil
}

func sectionLabel(i int, s *elf.Section) string {
	if s.Name != "" {
		return s.Name
	}
	return fmt.Sprintf("section %d", i)
}

// sectionData reads a whole section of at most limit bytes.
func (e *elfFile) sectionData(s *elf.Section, limit uint64) ([]byte, error) {
	if err := e.checkSize(s, limit); err != nil {
		return nil, err
	}
	buf := make([]byte, s.Size)
	err := e.guard("Section.Open", func() error {
		_, err := io.ReadFull(s.Open(), buf)
		return err
	})
	if err != nil {
		return nil, &FormatError{File: e.name, Section: s.Name, Off: int64(s.Offset), Msg: "cannot read section", Err: err}
	}
	return buf, nil
}

// checkSize checks that section s has data of at most limit bytes, for
// the sections debug/elf reads itself.
func (e *elfFile) checkSize(s *elf.Section, limit uint64) error {
	if s.Type == elf.SHT_NOBITS {
		return e.errorf(s.Name, int64(s.Offset), "section has no data in the file (SHT_NOBITS)")
	}
	if s.Size > limit {
		return e.errorf(s.Name, int64(s.Offset), "section of %d bytes exceeds the %d-byte limit", s.Size, limit)
	}
	return nil
}

// progData reads a whole segment of at most limit bytes.
func (e *elfFile) progData(p *elf.Prog, limit uint64) ([]byte, error) {
	if p.Filesz > limit {
		return nil, e.errorf(p.Type.String(), int64(p.Off), "segment of %d bytes exceeds the %d-byte limit", p.Filesz, limit)
	}
	buf := make([]byte, p.Filesz)
	if _, err := e.r.ReadAt(buf, int64(p.Off)); err != nil && !(errors.Is(err, io.EOF) && len(buf) == 0) {
		return nil, &FormatError{File: e.name, Section: p.Type.String(), Off: int64(p.Off), Msg: "cannot read segment", Err: err}
	}
	return buf, nil
}

func (e *elfFile) facts() (*ELFFacts, error) {
	f := e.f
	x := &ELFFacts{
		Name:       e.name,
		Size:       e.size,
		Class:      f.Class,
		Data:       f.Data,
		OSABI:      f.OSABI,
		ABIVersion: f.ABIVersion,
		Type:       f.Type,
		Machine:    f.Machine,
		Flags:      e.flags,
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			b, err := e.progData(p, maxInterpSize)
			if err != nil {
				return nil, err
			}
			if i := bytes.IndexByte(b, 0); i >= 0 {
				b = b[:i]
			}
			x.Interp = string(b)
			break
		}
	}
	if err := e.dynamic(x); err != nil {
		return nil, err
	}
	if err := e.versions(x); err != nil {
		return nil, err
	}
	if err := e.abiTag(x); err != nil {
		return nil, err
	}
	switch f.Machine {
	case elf.EM_ARM:
		if err := e.arm(x); err != nil {
			return nil, err
		}
	case elf.EM_MIPS, elf.EM_MIPS_RS3_LE:
		if err := e.mips(x); err != nil {
			return nil, err
		}
	}
	return x, nil
}

// stringTableOf reads the string table that section s links to, with
// the length of its longest string.
func (e *elfFile) stringTableOf(s *elf.Section) ([]byte, int, error) {
	if s.Link == 0 || int(s.Link) >= len(e.f.Sections) {
		return nil, 0, e.errorf(s.Name, -1, "invalid string table link %d", s.Link)
	}
	str := e.f.Sections[s.Link]
	data, err := e.sectionData(str, MaxSectionSize)
	if err != nil {
		return nil, 0, err
	}
	return data, longestString(data), nil
}

// longestString returns the length of the longest NUL-terminated string
// in a string table (an unterminated tail is never returned by debug/elf).
func longestString(b []byte) int {
	longest, run := 0, 0
	for _, c := range b {
		if c == 0 {
			longest = max(longest, run)
			run = 0
		} else {
			run++
		}
	}
	return longest
}

func (e *elfFile) dynamic(x *ELFFacts) error {
	ds := e.f.SectionByType(elf.SHT_DYNAMIC)
	if ds == nil {
		return nil
	}
	if err := e.checkSize(ds, MaxSectionSize); err != nil {
		return err
	}
	x.Dynamic = true
	_, longest, err := e.stringTableOf(ds)
	if err != nil {
		return err
	}
	entries := ds.Size / 8
	if entries*uint64(longest+1) > maxStringBytes {
		return e.errorf(ds.Name, int64(ds.Offset), "%d dynamic entries over strings of up to %d bytes exceed the limit", entries, longest)
	}
	return e.guard("DynString", func() error {
		var err error
		get := func(tag elf.DynTag) []string {
			if err != nil {
				return nil
			}
			var v []string
			v, err = e.f.DynString(tag)
			return v
		}
		x.Needed = get(elf.DT_NEEDED)
		if s := get(elf.DT_SONAME); len(s) > 0 {
			x.Soname = s[0]
		}
		x.RPath = get(elf.DT_RPATH)
		x.RunPath = get(elf.DT_RUNPATH)
		if err == nil {
			var fl []uint64
			if fl, err = e.f.DynValue(elf.DT_FLAGS_1); len(fl) > 0 {
				x.Flags1 = elf.DynFlag1(fl[0])
			}
		}
		if err != nil {
			return &FormatError{File: e.name, Section: ds.Name, Off: int64(ds.Offset), Msg: "cannot read dynamic section", Err: err}
		}
		return nil
	})
}

// versions reads the version definitions and needs, after checking that
// debug/elf's work on them is bounded.
func (e *elfFile) versions(x *ELFFacts) error {
	f := e.f
	vs := f.SectionByType(elf.SHT_GNU_VERSYM)
	dynsym := f.SectionByType(elf.SHT_DYNSYM)
	if vs == nil || dynsym == nil {
		return nil // no versioning (musl), or no section headers
	}
	if dynsym.Size == 0 {
		return nil // debug/elf reports ErrNoSymbols
	}
	if err := e.checkSize(vs, MaxSectionSize); err != nil {
		return err
	}
	if err := e.checkSize(dynsym, MaxSectionSize); err != nil {
		return err
	}
	_, longest, err := e.stringTableOf(dynsym)
	if err != nil {
		return err
	}
	symSize := uint64(elf.Sym32Size)
	if f.Class == elf.ELFCLASS64 {
		symSize = elf.Sym64Size
	}
	nsyms := dynsym.Size / symSize
	if nsyms*uint64(longest+1) > maxStringBytes {
		return e.errorf(dynsym.Name, int64(dynsym.Offset), "%d symbols over strings of up to %d bytes exceed the limit", nsyms, longest)
	}
	nversions := uint64(0)
	for _, typ := range []elf.SectionType{elf.SHT_GNU_VERDEF, elf.SHT_GNU_VERNEED} {
		s := f.SectionByType(typ)
		if s == nil {
			continue
		}
		d, err := e.sectionData(s, MaxSectionSize)
		if err != nil {
			return err
		}
		steps, err := walkVersionSection(d, e.bo, typ == elf.SHT_GNU_VERDEF)
		if err != nil {
			return fileError(e.name, s.Name, int64(s.Offset), err)
		}
		if steps*uint64(longest+1) > maxStringBytes {
			return e.errorf(s.Name, int64(s.Offset), "%d version entries over strings of up to %d bytes exceed the limit", steps, longest)
		}
		nversions += steps
	}
	if nsyms*nversions > maxVersionLookups {
		return e.errorf(dynsym.Name, int64(dynsym.Offset), "%d symbols × %d versions exceed the limit of %d lookups", nsyms, nversions, maxVersionLookups)
	}

	hasDefs := f.SectionByType(elf.SHT_GNU_VERDEF) != nil
	hasNeeds := f.SectionByType(elf.SHT_GNU_VERNEED) != nil && !e.definedOnly
	return e.guard("DynamicVersions", func() error {
		// DynamicSymbols first: it fills debug/elf's version caches, so
		// the two calls after it do not parse .dynsym again.
		var syms []elf.Symbol
		if hasNeeds {
			var err error
			syms, err = f.DynamicSymbols()
			if err != nil {
				return &FormatError{File: e.name, Section: dynsym.Name, Off: int64(dynsym.Offset), Msg: "cannot read dynamic symbols", Err: err}
			}
		}
		if hasDefs {
			defs, err := f.DynamicVersions()
			if err != nil {
				return &FormatError{File: e.name, Section: ".gnu.version_d", Off: -1, Msg: "cannot read version definitions", Err: err}
			}
			x.Defined = defs
		}
		if !hasNeeds {
			return nil
		}
		needs, err := f.DynamicVersionNeeds()
		if err != nil {
			return &FormatError{File: e.name, Section: ".gnu.version_r", Off: -1, Msg: "cannot read version needs", Err: err}
		}
		if len(needs) == 0 {
			return nil
		}
		type key struct{ lib, ver string }
		at := map[key]*NeededVersion{}
		x.Needs = make([]NeededLibrary, 0, len(needs))
		for _, n := range needs {
			lib := NeededLibrary{Library: n.Name}
			for _, d := range n.Needs {
				lib.Versions = append(lib.Versions, NeededVersion{Name: d.Dep, Index: d.Index, Flags: d.Flags})
			}
			x.Needs = append(x.Needs, lib)
		}
		for i := range x.Needs {
			for j := range x.Needs[i].Versions {
				v := &x.Needs[i].Versions[j]
				k := key{x.Needs[i].Library, v.Name}
				if at[k] == nil {
					at[k] = v
				}
			}
		}
		for _, s := range syms {
			if s.Library == "" || s.Version == "" || s.Section != elf.SHN_UNDEF {
				continue
			}
			if v := at[key{s.Library, s.Version}]; v != nil {
				v.Symbols = append(v.Symbols, s.Name)
			}
		}
		for _, v := range at {
			sort.Strings(v.Symbols)
			v.Symbols = slices.Compact(v.Symbols)
		}
		return nil
	})
}

// walkVersionSection walks .gnu.version_d (verdef true) or .gnu.version_r
// the way debug/elf does and returns the number of entries it visits, or
// an error once they exceed maxVersionSteps. debug/elf follows vd_next and
// vd_aux chains without a bound of its own; a hostile chain of 1-byte
// steps would make it loop for billions of iterations.
func walkVersionSection(d []byte, bo binary.ByteOrder, verdef bool) (uint64, error) {
	hdr, aux := 16, 16 // Elf_Verneed, Elf_Vernaux
	if verdef {
		hdr, aux = 20, 8 // Elf_Verdef, Elf_Verdaux
	}
	var steps uint64
	i := 0
	for i+hdr <= len(d) {
		steps++
		var cnt, auxOff, next uint32
		if verdef {
			cnt = uint32(bo.Uint16(d[i+6:]))
			auxOff = bo.Uint32(d[i+12:])
			next = bo.Uint32(d[i+16:])
		} else {
			cnt = uint32(bo.Uint16(d[i+2:]))
			auxOff = bo.Uint32(d[i+8:])
			next = bo.Uint32(d[i+12:])
		}
		j := uint64(i) + uint64(auxOff)
		for c := uint32(0); c < cnt; c++ {
			if j+uint64(aux) > uint64(len(d)) {
				break
			}
			steps++
			if steps > maxVersionSteps {
				return steps, perr(i, "more than %d version entries", maxVersionSteps)
			}
			var vnext uint32
			if verdef {
				vnext = bo.Uint32(d[j+4:])
			} else {
				vnext = bo.Uint32(d[j+12:])
				if vnext == 0 {
					break
				}
			}
			j += uint64(vnext)
		}
		if steps > maxVersionSteps {
			return steps, perr(i, "more than %d version entries", maxVersionSteps)
		}
		if next == 0 {
			break
		}
		if uint64(i)+uint64(next) > uint64(len(d)) {
			break
		}
		i += int(next)
	}
	return steps, nil
}

// abiTag finds the NT_GNU_ABI_TAG note in the SHT_NOTE sections or, in a
// file without section headers, in the PT_NOTE segments.
func (e *elfFile) abiTag(x *ELFFacts) error {
	found := func(data []byte, align uint64, label string, base int64) (bool, error) {
		a := 4
		if align == 8 {
			a = 8
		}
		notes, err := ParseNotes(data, e.bo, a)
		if err != nil {
			return false, fileError(e.name, label, base, err)
		}
		for _, n := range notes {
			if t, ok := ABITagFromNote(n, e.bo); ok {
				x.ABITag, x.ABITagSection = &t, label
				return true, nil
			}
		}
		return false, nil
	}
	sawNoteSection := false
	for i, s := range e.f.Sections {
		if s.Type != elf.SHT_NOTE {
			continue
		}
		sawNoteSection = true
		data, err := e.sectionData(s, MaxNoteData)
		if err != nil {
			return err
		}
		if ok, err := found(data, s.Addralign, sectionLabel(i, s), int64(s.Offset)); ok || err != nil {
			return err
		}
	}
	if sawNoteSection || len(e.f.Sections) > 0 {
		return nil
	}
	for _, p := range e.f.Progs {
		if p.Type != elf.PT_NOTE {
			continue
		}
		data, err := e.progData(p, MaxNoteData)
		if err != nil {
			return err
		}
		if ok, err := found(data, p.Align, "PT_NOTE", int64(p.Off)); ok || err != nil {
			return err
		}
	}
	return nil
}

func (e *elfFile) arm(x *ELFFacts) error {
	a := &ARMInfo{EABIVersion: uint8(e.flags >> 24)}
	if a.EABIVersion == 5 {
		switch e.flags & (EF_ARM_ABI_FLOAT_SOFT | EF_ARM_ABI_FLOAT_HARD) {
		case EF_ARM_ABI_FLOAT_SOFT:
			a.FloatABI = FloatABISoft
		case EF_ARM_ABI_FLOAT_HARD:
			a.FloatABI = FloatABIHard
		}
	}
	if s := e.f.SectionByType(SHT_ARM_ATTRIBUTES); s != nil {
		data, err := e.sectionData(s, MaxARMAttributesSize)
		if err != nil {
			return err
		}
		attrs, err := ParseARMAttributes(data, e.bo)
		if err != nil {
			return fileError(e.name, s.Name, int64(s.Offset), err)
		}
		a.Attributes, a.AttributesSection = attrs, s.Name
	}
	x.ARM = a
	return nil
}

func (e *elfFile) mips(x *ELFFacts) error {
	m := &MIPSInfo{
		NaN2008: e.flags&EF_MIPS_NAN2008 != 0,
		ABI:     e.flags & EF_MIPS_ABI,
		Arch:    e.flags & EF_MIPS_ARCH,
	}
	var data []byte
	var label string
	var base int64
	if s := e.f.SectionByType(elf.SHT_MIPS_ABIFLAGS); s != nil {
		d, err := e.sectionData(s, MaxNoteData)
		if err != nil {
			return err
		}
		data, label, base = d, s.Name, int64(s.Offset)
	} else if len(e.f.Sections) == 0 {
		for _, p := range e.f.Progs {
			if p.Type == elf.PT_MIPS_ABIFLAGS {
				d, err := e.progData(p, MaxNoteData)
				if err != nil {
					return err
				}
				data, label, base = d, "PT_MIPS_ABIFLAGS", int64(p.Off)
				break
			}
		}
	}
	if label != "" {
		fl, err := ParseMIPSABIFlags(data, e.bo)
		if err != nil {
			return fileError(e.name, label, base, err)
		}
		m.ABIFlags, m.ABIFlagsSection = fl, label
	}
	x.MIPS = m
	return nil
}
