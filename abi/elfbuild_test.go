package abi

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// synthELF describes a small ELF file for tests: the edge cases no real
// sysroot shows are built from it and then patched.
type synthELF struct {
	class    elf.Class
	bo       binary.ByteOrder
	osabi    elf.OSABI
	typ      elf.Type
	machine  elf.Machine
	flags    uint32
	sections []synthSection
	progs    []synthProg
}

type synthSection struct {
	name    string
	typ     elf.SectionType
	flags   elf.SectionFlag
	data    []byte
	align   uint64
	link    string // name of the linked section
	entsize uint64
}

// synthProg is a segment; it covers the data of section (if set) or its
// own data.
type synthProg struct {
	typ     elf.ProgType
	section string
	data    []byte
	align   uint64
}

// synthLayout records where the builder put things, for patching.
type synthLayout struct {
	shoff      int            // section header table offset
	shentsize  int            // section header entry size
	index      map[string]int // section index by name
	dataOff    map[string]int // section data offset by name
	phoff      int
	phentsize  int
	shnumOff   int // offset of e_shnum in the ELF header
	shoffField int // offset of e_shoff in the ELF header
}

func newSynth(class elf.Class, bo binary.ByteOrder, machine elf.Machine) *synthELF {
	return &synthELF{class: class, bo: bo, typ: elf.ET_DYN, machine: machine}
}

func (s *synthELF) section(sec synthSection) *synthELF {
	s.sections = append(s.sections, sec)
	return s
}

func (s *synthELF) prog(p synthProg) *synthELF {
	s.progs = append(s.progs, p)
	return s
}

func alignTo(b *bytes.Buffer, a uint64) {
	if a == 0 {
		a = 1
	}
	for uint64(b.Len())%a != 0 {
		b.WriteByte(0)
	}
}

// build lays out: ELF header, program headers, section data, segment-only
// data, .shstrtab, section headers.
func (s *synthELF) build() ([]byte, synthLayout) {
	is64 := s.class == elf.ELFCLASS64
	ehsize, phentsize, shentsize := 52, 32, 40
	if is64 {
		ehsize, phentsize, shentsize = 64, 56, 64
	}
	lay := synthLayout{shentsize: shentsize, phentsize: phentsize, index: map[string]int{}, dataOff: map[string]int{}}
	var body bytes.Buffer
	body.Write(make([]byte, ehsize+phentsize*len(s.progs)))
	lay.phoff = ehsize
	all := append([]synthSection{}, s.sections...)
	// .shstrtab
	var shstr bytes.Buffer
	shstr.WriteByte(0)
	nameOff := make([]int, len(all)+1)
	for i, sec := range all {
		nameOff[i] = shstr.Len()
		shstr.WriteString(sec.name)
		shstr.WriteByte(0)
	}
	nameOff[len(all)] = shstr.Len()
	shstr.WriteString(".shstrtab\x00")
	all = append(all, synthSection{name: ".shstrtab", typ: elf.SHT_STRTAB, data: shstr.Bytes(), align: 1})
	for i, sec := range all {
		lay.index[sec.name] = i + 1
	}
	offs := make([]int, len(all))
	for i, sec := range all {
		alignTo(&body, sec.align)
		offs[i] = body.Len()
		lay.dataOff[sec.name] = offs[i]
		if sec.typ != elf.SHT_NOBITS {
			body.Write(sec.data)
		}
	}
	progOff := make([]int, len(s.progs))
	progSize := make([]int, len(s.progs))
	for i, p := range s.progs {
		if p.section != "" {
			progOff[i] = lay.dataOff[p.section]
			progSize[i] = len(all[lay.index[p.section]-1].data)
			continue
		}
		alignTo(&body, p.align)
		progOff[i] = body.Len()
		progSize[i] = len(p.data)
		body.Write(p.data)
	}
	alignTo(&body, 8)
	lay.shoff = body.Len()
	shdr := make([]byte, shentsize*(len(all)+1))
	for i, sec := range all {
		h := shdr[shentsize*(i+1):]
		link := uint32(0)
		if sec.link != "" {
			link = uint32(lay.index[sec.link])
		}
		size := uint64(len(sec.data))
		if is64 {
			s.bo.PutUint32(h[0:], uint32(nameOff[i]))
			s.bo.PutUint32(h[4:], uint32(sec.typ))
			s.bo.PutUint64(h[8:], uint64(sec.flags))
			s.bo.PutUint64(h[24:], uint64(offs[i]))
			s.bo.PutUint64(h[32:], size)
			s.bo.PutUint32(h[40:], link)
			s.bo.PutUint64(h[48:], sec.align)
			s.bo.PutUint64(h[56:], sec.entsize)
		} else {
			s.bo.PutUint32(h[0:], uint32(nameOff[i]))
			s.bo.PutUint32(h[4:], uint32(sec.typ))
			s.bo.PutUint32(h[8:], uint32(sec.flags))
			s.bo.PutUint32(h[16:], uint32(offs[i]))
			s.bo.PutUint32(h[20:], uint32(size))
			s.bo.PutUint32(h[24:], link)
			s.bo.PutUint32(h[32:], uint32(sec.align))
			s.bo.PutUint32(h[36:], uint32(sec.entsize))
		}
	}
	body.Write(shdr)
	b := body.Bytes()

	// ELF header.
	copy(b, elf.ELFMAG)
	b[elf.EI_CLASS] = byte(s.class)
	if s.bo == binary.BigEndian {
		b[elf.EI_DATA] = byte(elf.ELFDATA2MSB)
	} else {
		b[elf.EI_DATA] = byte(elf.ELFDATA2LSB)
	}
	b[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	b[elf.EI_OSABI] = byte(s.osabi)
	bo := s.bo
	bo.PutUint16(b[16:], uint16(s.typ))
	bo.PutUint16(b[18:], uint16(s.machine))
	bo.PutUint32(b[20:], uint32(elf.EV_CURRENT))
	shnum, shstrndx := len(all)+1, len(all)
	if is64 {
		bo.PutUint64(b[32:], uint64(ehsize)) // phoff
		bo.PutUint64(b[40:], uint64(lay.shoff))
		bo.PutUint32(b[48:], s.flags)
		bo.PutUint16(b[52:], uint16(ehsize))
		bo.PutUint16(b[54:], uint16(phentsize))
		bo.PutUint16(b[56:], uint16(len(s.progs)))
		bo.PutUint16(b[58:], uint16(shentsize))
		bo.PutUint16(b[60:], uint16(shnum))
		bo.PutUint16(b[62:], uint16(shstrndx))
		lay.shnumOff, lay.shoffField = 60, 40
	} else {
		bo.PutUint32(b[28:], uint32(ehsize))
		bo.PutUint32(b[32:], uint32(lay.shoff))
		bo.PutUint32(b[36:], s.flags)
		bo.PutUint16(b[40:], uint16(ehsize))
		bo.PutUint16(b[42:], uint16(phentsize))
		bo.PutUint16(b[44:], uint16(len(s.progs)))
		bo.PutUint16(b[46:], uint16(shentsize))
		bo.PutUint16(b[48:], uint16(shnum))
		bo.PutUint16(b[50:], uint16(shstrndx))
		lay.shnumOff, lay.shoffField = 48, 32
	}
	// Program headers.
	for i, p := range s.progs {
		h := b[ehsize+phentsize*i:]
		align := p.align
		if align == 0 {
			align = 4
		}
		if is64 {
			bo.PutUint32(h[0:], uint32(p.typ))
			bo.PutUint32(h[4:], uint32(elf.PF_R))
			bo.PutUint64(h[8:], uint64(progOff[i]))
			bo.PutUint64(h[32:], uint64(progSize[i]))
			bo.PutUint64(h[40:], uint64(progSize[i]))
			bo.PutUint64(h[48:], align)
		} else {
			bo.PutUint32(h[0:], uint32(p.typ))
			bo.PutUint32(h[4:], uint32(progOff[i]))
			bo.PutUint32(h[16:], uint32(progSize[i]))
			bo.PutUint32(h[20:], uint32(progSize[i]))
			bo.PutUint32(h[24:], uint32(elf.PF_R))
			bo.PutUint32(h[28:], uint32(align))
		}
	}
	return b, lay
}

// shdrField returns the offset of a field of section header i:
// "offset" or "size".
func (l synthLayout) shdrField(class elf.Class, i int, field string) int {
	base := l.shoff + i*l.shentsize
	switch {
	case class == elf.ELFCLASS64 && field == "offset":
		return base + 24
	case class == elf.ELFCLASS64 && field == "size":
		return base + 32
	case field == "offset":
		return base + 16
	default:
		return base + 20
	}
}

// abiTagNote returns a GNU ABI tag note for Linux major.minor.patch.
func abiTagNote(bo binary.ByteOrder, major, minor, patch uint32) []byte {
	return note(bo, "GNU", NT_GNU_ABI_TAG, u32s(bo, 0, major, minor, patch), 4)
}

// note encodes one note with the given alignment.
func note(bo binary.ByteOrder, name string, typ uint32, desc []byte, align int) []byte {
	var b bytes.Buffer
	var hdr [12]byte
	bo.PutUint32(hdr[0:], uint32(len(name)+1))
	bo.PutUint32(hdr[4:], uint32(len(desc)))
	bo.PutUint32(hdr[8:], typ)
	b.Write(hdr[:])
	b.WriteString(name)
	b.WriteByte(0)
	alignTo(&b, uint64(align))
	b.Write(desc)
	alignTo(&b, uint64(align))
	return b.Bytes()
}

func u32s(bo binary.ByteOrder, vs ...uint32) []byte {
	b := make([]byte, 4*len(vs))
	for i, v := range vs {
		bo.PutUint32(b[4*i:], v)
	}
	return b
}

// armAttrSection encodes an .ARM.attributes section with one "aeabi"
// subsection holding one Tag_File sub-subsection of the given attribute
// bytes.
func armAttrSection(bo binary.ByteOrder, attrs []byte) []byte {
	var sub bytes.Buffer
	sub.WriteByte(TagFile)
	sub.Write(u32s(bo, uint32(1+4+len(attrs))))
	sub.Write(attrs)
	var b bytes.Buffer
	b.WriteByte('A')
	b.Write(u32s(bo, uint32(4+len("aeabi")+1+sub.Len())))
	b.WriteString("aeabi\x00")
	b.Write(sub.Bytes())
	return b.Bytes()
}

// synthLibc builds a small ELF "libc" for the given machine with an ABI
// tag note and, for ARM, e_flags and attributes.
func synthARMLibc(hard bool) []byte {
	bo := binary.LittleEndian
	s := newSynth(elf.ELFCLASS32, bo, elf.EM_ARM)
	s.flags = 0x05000000 | EF_ARM_ABI_FLOAT_SOFT
	vfp := byte(0)
	if hard {
		s.flags = 0x05000000 | EF_ARM_ABI_FLOAT_HARD
		vfp = 1
	}
	s.section(synthSection{name: ".note.ABI-tag", typ: elf.SHT_NOTE, flags: elf.SHF_ALLOC, data: abiTagNote(bo, 3, 2, 0), align: 4})
	s.section(synthSection{name: ".ARM.attributes", typ: SHT_ARM_ATTRIBUTES, data: armAttrSection(bo, []byte{
		TagCPUName, '7', '-', 'A', 0,
		TagCPUArch, 10,
		TagCPUArchProfile, 'A',
		TagFPArch, 3,
		TagABIVFPArgs, vfp,
	}), align: 1})
	s.prog(synthProg{typ: elf.PT_INTERP, data: []byte("/lib/ld-linux-armhf.so.3\x00"), align: 1})
	s.prog(synthProg{typ: elf.PT_NOTE, section: ".note.ABI-tag"})
	b, _ := s.build()
	return b
}

// writeFile writes data to root/name, creating directories.
func writeFile(t testing.TB, root, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(name))
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, data, 0o644))
	return p
}

func symlink(t testing.TB, root, name, target string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(name))
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.Symlink(target, p))
}

func TestSynthELFParsesWithDebugELF(t *testing.T) {
	for _, hard := range []bool{false, true} {
		b := synthARMLibc(hard)
		f, err := elf.NewFile(bytes.NewReader(b))
		require.NoError(t, err)
		require.NotNil(t, f.Section(".ARM.attributes"))
		x, err := NewELFFacts(bytes.NewReader(b), int64(len(b)), "synth")
		require.NoError(t, err)
		require.Equal(t, "/lib/ld-linux-armhf.so.3", x.Interp)
		require.NotNil(t, x.ABITag)
		require.Equal(t, "3.2.0", x.ABITag.String())
		want := FloatABISoft
		if hard {
			want = FloatABIHard
		}
		require.Equal(t, want, x.ARM.FloatABI)
		arch, ok := x.ARM.Attributes.CPUArch()
		require.True(t, ok)
		require.Equal(t, ARMArch(10), arch)
	}
}

// synthGlibcOpts describes a small glibc-like shared object: symbol
// versions defined in .gnu.version_d, an ABI tag and a PT_INTERP.
type synthGlibcOpts struct {
	class    elf.Class
	bo       binary.ByteOrder
	machine  elf.Machine
	flags    uint32
	soname   string
	versions []string // defined versions, after the base version
	abiTag   [3]uint32
	interp   string
	rodata   []byte
	// extra sections, added after the others; replace overrides the
	// data of any section by name (for fuzzing section contents).
	extra   []synthSection
	replace map[string][]byte
}

// build returns the file: .dynsym (one defined symbol per version),
// .dynstr, .gnu.version, .gnu.version_d, .dynamic (DT_SONAME),
// .note.ABI-tag and optionally .rodata.
func (o synthGlibcOpts) build() []byte {
	bo := o.bo
	is64 := o.class == elf.ELFCLASS64
	var dynstr bytes.Buffer
	dynstr.WriteByte(0)
	str := func(s string) uint32 {
		off := uint32(dynstr.Len())
		dynstr.WriteString(s)
		dynstr.WriteByte(0)
		return off
	}
	sonameOff := str(o.soname)
	names := append([]string{o.soname}, o.versions...)
	nameOffs := []uint32{sonameOff}
	for _, v := range o.versions {
		nameOffs = append(nameOffs, str(v))
	}
	// Symbols: null + one per version ("sym_<version>").
	symSize := elf.Sym32Size
	if is64 {
		symSize = elf.Sym64Size
	}
	dynsym := make([]byte, symSize*(1+len(o.versions)))
	versym := make([]byte, 2*(1+len(o.versions)))
	for i, v := range o.versions {
		e := dynsym[symSize*(i+1):]
		bo.PutUint32(e, str("sym_"+v))
		info := byte(elf.STB_GLOBAL)<<4 | byte(elf.STT_FUNC)
		if is64 {
			e[4] = info
			bo.PutUint16(e[6:], 1) // defined in section 1
		} else {
			e[12] = info
			bo.PutUint16(e[14:], 1)
		}
		bo.PutUint16(versym[2*(i+1):], uint16(i+2))
	}
	// Verdef: one entry per name, index 1 = base.
	var verdef []byte
	for i := range names {
		e := make([]byte, 28)
		bo.PutUint16(e[0:], 1) // vd_version
		if i == 0 {
			bo.PutUint16(e[2:], uint16(elf.VER_FLG_BASE))
		}
		bo.PutUint16(e[4:], uint16(i+1)) // vd_ndx
		bo.PutUint16(e[6:], 1)           // vd_cnt
		bo.PutUint32(e[12:], 20)         // vd_aux
		if i < len(names)-1 {
			bo.PutUint32(e[16:], 28) // vd_next
		}
		bo.PutUint32(e[20:], nameOffs[i]) // vda_name
		verdef = append(verdef, e...)
	}
	// .dynamic: DT_SONAME, DT_NULL.
	var dynamic []byte
	if is64 {
		dynamic = make([]byte, 32)
		bo.PutUint64(dynamic[0:], uint64(elf.DT_SONAME))
		bo.PutUint64(dynamic[8:], uint64(sonameOff))
	} else {
		dynamic = make([]byte, 16)
		bo.PutUint32(dynamic[0:], uint32(elf.DT_SONAME))
		bo.PutUint32(dynamic[4:], sonameOff)
	}
	s := newSynth(o.class, bo, o.machine)
	s.flags = o.flags
	s.osabi = elf.ELFOSABI_LINUX
	s.section(synthSection{name: ".text", typ: elf.SHT_PROGBITS, flags: elf.SHF_ALLOC | elf.SHF_EXECINSTR, data: []byte{0, 0, 0, 0}, align: 4})
	s.section(synthSection{name: ".dynsym", typ: elf.SHT_DYNSYM, flags: elf.SHF_ALLOC, data: dynsym, align: 8, link: ".dynstr", entsize: uint64(symSize)})
	s.section(synthSection{name: ".dynstr", typ: elf.SHT_STRTAB, flags: elf.SHF_ALLOC, data: dynstr.Bytes(), align: 1})
	s.section(synthSection{name: ".gnu.version", typ: elf.SHT_GNU_VERSYM, flags: elf.SHF_ALLOC, data: versym, align: 2, link: ".dynsym", entsize: 2})
	s.section(synthSection{name: ".gnu.version_d", typ: elf.SHT_GNU_VERDEF, flags: elf.SHF_ALLOC, data: verdef, align: 4, link: ".dynstr"})
	s.section(synthSection{name: ".dynamic", typ: elf.SHT_DYNAMIC, flags: elf.SHF_ALLOC | elf.SHF_WRITE, data: dynamic, align: 8, link: ".dynstr"})
	if o.abiTag != [3]uint32{} {
		s.section(synthSection{name: ".note.ABI-tag", typ: elf.SHT_NOTE, flags: elf.SHF_ALLOC, data: abiTagNote(bo, o.abiTag[0], o.abiTag[1], o.abiTag[2]), align: 4})
	}
	if o.rodata != nil {
		s.section(synthSection{name: ".rodata", typ: elf.SHT_PROGBITS, flags: elf.SHF_ALLOC, data: o.rodata, align: 8})
	}
	if o.interp != "" {
		s.prog(synthProg{typ: elf.PT_INTERP, data: []byte(o.interp + "\x00"), align: 1})
	}
	s.sections = append(s.sections, o.extra...)
	for i, sec := range s.sections {
		if d, ok := o.replace[sec.name]; ok {
			s.sections[i].data = d
		}
	}
	b, _ := s.build()
	return b
}

// synthAArch64Glibc is a small aarch64 "glibc 2.36" libc.so.6.
func synthAArch64Glibc() []byte {
	return synthGlibcOpts{
		class: elf.ELFCLASS64, bo: binary.LittleEndian, machine: elf.EM_AARCH64,
		soname:   "libc.so.6",
		versions: []string{"GLIBC_2.17", "GLIBC_2.9", "GLIBC_2.36", "GLIBC_2.34", "GLIBC_PRIVATE", "GLIBC_ABI_DT_RELR"},
		abiTag:   [3]uint32{3, 7, 0},
		interp:   "/lib/ld-linux-aarch64.so.1",
	}.build()
}

// synthObject is a relocatable object (a crt1.o) with an ABI tag.
func synthObject(machine elf.Machine, class elf.Class, major, minor, patch uint32) []byte {
	bo := binary.LittleEndian
	s := newSynth(class, bo, machine)
	s.typ = elf.ET_REL
	s.section(synthSection{name: ".note.ABI-tag", typ: elf.SHT_NOTE, flags: elf.SHF_ALLOC, data: abiTagNote(bo, major, minor, patch), align: 4})
	b, _ := s.build()
	return b
}

func TestSynthGlibcMatchesDebugELF(t *testing.T) {
	b := synthAArch64Glibc()
	x, err := NewELFFacts(bytes.NewReader(b), int64(len(b)), "libc.so.6")
	require.NoError(t, err)
	require.Equal(t, "libc.so.6", x.Soname)
	v, ok := x.MaxDefinedVersion("GLIBC_")
	require.True(t, ok)
	require.Equal(t, "GLIBC_2.36", v)
	require.Equal(t, "3.7.0", x.ABITag.String())
	require.Equal(t, "/lib/ld-linux-aarch64.so.1", x.Interp)
}
