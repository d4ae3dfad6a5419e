package abi

import (
	"bytes"
	"compress/zlib"
	"debug/elf"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readBytes(t testing.TB, b []byte, name string) (*ELFFacts, error) {
	t.Helper()
	return NewELFFacts(bytes.NewReader(b), int64(len(b)), name)
}

// requireFormatError checks that err is a *FormatError naming the file
// and containing msg.
func requireFormatError(t *testing.T, err error, name, msg string) *FormatError {
	t.Helper()
	require.Error(t, err)
	var fe *FormatError
	require.True(t, errors.As(err, &fe), "%T: %v", err, err)
	assert.Equal(t, name, fe.File)
	assert.Contains(t, err.Error(), name)
	assert.Contains(t, err.Error(), msg)
	return fe
}

func TestReadELFNotELF(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string][]byte{
		"empty":  nil,
		"text":   []byte("/* GNU ld script */\nGROUP ( libc.so.6 )\n"),
		"short":  []byte("\x7fEL"),
		"ar":     []byte("!<arch>\n"),
		"zeroes": make([]byte, 100),
	} {
		p := writeFile(t, dir, name, data)
		_, err := ReadELF(p)
		assert.ErrorIs(t, err, ErrNotELF, name)
		requireFormatError(t, err, p, "")
	}
	_, err := ReadELF(writeFile(t, dir, "e", nil))
	assert.Contains(t, err.Error(), "empty file")
	_, err = ReadELF(filepath.Join(dir, "text"))
	assert.Contains(t, err.Error(), `bad magic number "/* G"`)

	_, err = ReadELF(dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not a regular file")
	_, err = ReadELF(filepath.Join(dir, "missing"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}

// TestNewELFFactsTruncated truncates a synthetic file at every length and
// a real libc at many: each must fail with an error, never panic.
func TestNewELFFactsTruncated(t *testing.T) {
	b := synthARMLibc(true)
	for n := 0; n < len(b); n++ {
		_, err := readBytes(t, b[:n], "libc.so.6")
		require.Error(t, err, "truncated to %d bytes", n)
		var fe *FormatError
		require.True(t, errors.As(err, &fe), "truncated to %d: %T %v", n, err, err)
	}
	x, err := readBytes(t, b, "libc.so.6")
	require.NoError(t, err)
	assert.Equal(t, elf.EM_ARM, x.Machine)

	_, err = readBytes(t, b[:10], "libc.so.6")
	assert.Contains(t, err.Error(), "truncated ELF identification")
	_, err = readBytes(t, b[:40], "libc.so.6")
	assert.Contains(t, err.Error(), "truncated ELF header: file has 40 bytes, the header needs 52")

	real := "/usr/aarch64-linux-gnu/lib/libc.so.6"
	data, err := os.ReadFile(real)
	if err != nil {
		t.Logf("skipping the real-file part: %v", err)
		return
	}
	for _, n := range []int{16, 63, 64, 65, 4096, len(data) / 2, len(data) - 1} {
		_, err := readBytes(t, data[:n], "libc.so.6")
		require.Error(t, err, "truncated to %d bytes", n)
	}
}

func TestNewELFFactsHeaderLimits(t *testing.T) {
	b64, lay64 := newSynth(elf.ELFCLASS64, binary.LittleEndian, elf.EM_AARCH64).
		section(synthSection{name: ".note.ABI-tag", typ: elf.SHT_NOTE, data: abiTagNote(binary.LittleEndian, 3, 7, 0), align: 4}).
		build()
	b32, lay32 := newSynth(elf.ELFCLASS32, binary.BigEndian, elf.EM_MIPS).
		section(synthSection{name: ".note.ABI-tag", typ: elf.SHT_NOTE, data: abiTagNote(binary.BigEndian, 3, 2, 0), align: 4}).
		build()
	patch := func(b []byte, f func([]byte)) []byte {
		c := append([]byte{}, b...)
		f(c)
		return c
	}
	le, be := binary.LittleEndian, binary.BigEndian
	tests := []struct {
		name string
		data []byte
		msg  string
	}{
		{"shnum 0xffff", patch(b64, func(b []byte) { le.PutUint16(b[lay64.shnumOff:], 0xffff) }),
			"section header table (65535 entries of 64 bytes) extends beyond the end of the file"},
		{"shnum 2^32 via section 0", patch(b64, func(b []byte) {
			le.PutUint16(b[lay64.shnumOff:], 0)
			le.PutUint64(b[lay64.shoff+32:], 1<<32)
		}), "section header 0 claims 4294967296 sections, more than the limit of 131072"},
		{"shnum 200000 via section 0", patch(b64, func(b []byte) {
			le.PutUint16(b[lay64.shnumOff:], 0)
			le.PutUint64(b[lay64.shoff+32:], 200000)
		}), "section header 0 claims 200000 sections, more than the limit of 131072"},
		{"shnum 100000 via section 0", patch(b64, func(b []byte) {
			le.PutUint16(b[lay64.shnumOff:], 0)
			le.PutUint64(b[lay64.shoff+32:], 100000)
		}), "section header table (100000 entries of 64 bytes) extends beyond the end of the file"},
		{"shoff beyond file", patch(b64, func(b []byte) { le.PutUint64(b[lay64.shoffField:], 1<<40) }),
			"section header table offset 0x10000000000 is beyond the end of the file"},
		{"4 GiB section (ELF32)", patch(b32, func(b []byte) { be.PutUint32(b[lay32.shdrField(elf.ELFCLASS32, 1, "size"):], 0xFFFFFFFF) }),
			".note.ABI-tag: section data [0x34, +0xffffffff) extends beyond the end of the file"},
		{"2^62 section (ELF64)", patch(b64, func(b []byte) { le.PutUint64(b[lay64.shdrField(elf.ELFCLASS64, 1, "size"):], 1<<62) }),
			"extends beyond the end of the file"},
		{"section offset beyond", patch(b64, func(b []byte) { le.PutUint64(b[lay64.shdrField(elf.ELFCLASS64, 1, "offset"):], 1<<33) }),
			"section data [0x200000000, +0x20) extends beyond the end of the file"},
		{"small shentsize", patch(b64, func(b []byte) { le.PutUint16(b[58:], 10) }), "section header entry size 10 is smaller than 64"},
		{"phnum beyond", patch(b64, func(b []byte) { le.PutUint16(b[56:], 1000) }),
			"program header table (1000 entries at offset 0x40) extends beyond the end of the file"},
		{"bad class", patch(b64, func(b []byte) { b[elf.EI_CLASS] = 9 }), "unknown ELF class 9"},
		{"bad data", patch(b64, func(b []byte) { b[elf.EI_DATA] = 7 }), "unknown ELF data encoding 7"},
		{"bad version", patch(b64, func(b []byte) { b[elf.EI_VERSION] = 2 }), "malformed ELF file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, err := readBytes(t, tt.data, "evil.so")
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			requireFormatError(t, err, "evil.so", tt.msg)
			assert.Less(t, elapsed, 2*time.Second, "rejected quickly")
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "rejected with bounded memory")
		})
	}
}

func TestNewELFFactsBadNote(t *testing.T) {
	le := binary.LittleEndian
	n := abiTagNote(le, 3, 2, 0)
	le.PutUint32(n[0:], 0xFFFFFFF0) // namesz
	b, lay := newSynth(elf.ELFCLASS64, le, elf.EM_AARCH64).
		section(synthSection{name: ".note.ABI-tag", typ: elf.SHT_NOTE, data: n, align: 4}).
		build()
	_, err := readBytes(t, b, "crt1.o")
	fe := requireFormatError(t, err, "crt1.o", "note name size 4294967280 exceeds the 20 bytes left")
	assert.Equal(t, ".note.ABI-tag", fe.Section)
	assert.Equal(t, int64(lay.dataOff[".note.ABI-tag"]), fe.Off)
}

func TestNewELFFactsBadARMAttributes(t *testing.T) {
	le := binary.LittleEndian
	attrs := armAttrSection(le, []byte{TagCPUArch, 10})
	le.PutUint32(attrs[1:], 0x7FFFFFFF) // subsection length beyond the section
	b, lay := newSynth(elf.ELFCLASS32, le, elf.EM_ARM).
		section(synthSection{name: ".ARM.attributes", typ: SHT_ARM_ATTRIBUTES, data: attrs, align: 1}).
		build()
	_, err := readBytes(t, b, "libc.so.6")
	fe := requireFormatError(t, err, "libc.so.6", "subsection length 2147483647 exceeds the")
	assert.Equal(t, ".ARM.attributes", fe.Section)
	assert.Equal(t, int64(lay.dataOff[".ARM.attributes"]+1), fe.Off)
	assert.Contains(t, err.Error(), "abi: libc.so.6: .ARM.attributes: subsection length")
}

func TestNewELFFactsARMAttributesTooLarge(t *testing.T) {
	le := binary.LittleEndian
	attrs := append(armAttrSection(le, []byte{TagCPUArch, 10}), make([]byte, MaxARMAttributesSize)...)
	b, _ := newSynth(elf.ELFCLASS32, le, elf.EM_ARM).
		section(synthSection{name: ".ARM.attributes", typ: SHT_ARM_ATTRIBUTES, data: attrs, align: 1}).
		build()
	_, err := readBytes(t, b, "big.o")
	requireFormatError(t, err, "big.o", "exceeds the 1048576-byte limit")
}

// TestNewELFFactsCompressedSectionClaimsHugeSize: an SHF_COMPRESSED section
// whose compression header claims 4 GiB of data is refused before
// anything is allocated or decompressed.
func TestNewELFFactsCompressedSectionClaimsHugeSize(t *testing.T) {
	le := binary.LittleEndian
	chdr := u32s(le, uint32(elf.COMPRESS_ZLIB), 0xFFFFFFFF, 1) // Chdr32
	b, _ := newSynth(elf.ELFCLASS32, le, elf.EM_ARM).
		section(synthSection{name: ".ARM.attributes", typ: SHT_ARM_ATTRIBUTES, flags: elf.SHF_COMPRESSED, data: append(chdr, 0x78, 0x9c), align: 1}).
		build()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := readBytes(t, b, "z.o")
	runtime.ReadMemStats(&after)
	requireFormatError(t, err, "z.o", "section of 4294967295 bytes exceeds the 1048576-byte limit")
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20))
}

func TestNewELFFactsInterpTooLong(t *testing.T) {
	b, _ := newSynth(elf.ELFCLASS64, binary.LittleEndian, elf.EM_X86_64).
		prog(synthProg{typ: elf.PT_INTERP, data: bytes.Repeat([]byte("a"), 5000)}).
		build()
	_, err := readBytes(t, b, "a.out")
	requireFormatError(t, err, "a.out", "segment of 5000 bytes exceeds the 4096-byte limit")
}

// TestNewELFFactsNoSectionHeaders reads the ABI tag from PT_NOTE when the
// section headers are gone (sstrip).
func TestNewELFFactsNoSectionHeaders(t *testing.T) {
	le := binary.LittleEndian
	b, lay := newSynth(elf.ELFCLASS64, le, elf.EM_AARCH64).
		section(synthSection{name: ".note.ABI-tag", typ: elf.SHT_NOTE, data: abiTagNote(le, 3, 7, 0), align: 4}).
		prog(synthProg{typ: elf.PT_NOTE, section: ".note.ABI-tag"}).
		prog(synthProg{typ: elf.PT_INTERP, data: []byte("/lib/ld-linux-aarch64.so.1\x00")}).
		build()
	le.PutUint64(b[lay.shoffField:], 0)
	le.PutUint16(b[lay.shnumOff:], 0)
	le.PutUint16(b[lay.shnumOff+2:], 0)
	x, err := readBytes(t, b, "sstripped")
	require.NoError(t, err)
	require.NotNil(t, x.ABITag)
	assert.Equal(t, "3.7.0", x.ABITag.String())
	assert.Equal(t, "PT_NOTE", x.ABITagSection)
	assert.Equal(t, "/lib/ld-linux-aarch64.so.1", x.Interp)
	assert.Nil(t, x.Defined)
}

func TestNewELFFactsMIPS(t *testing.T) {
	be := binary.BigEndian
	abiflags := make([]byte, 24)
	be.PutUint16(abiflags[0:], 0)
	abiflags[2], abiflags[3], abiflags[4], abiflags[7] = 32, 6, 1, byte(MIPSFPSoft)
	s := newSynth(elf.ELFCLASS32, be, elf.EM_MIPS)
	s.flags = 0x90001000 | EF_MIPS_NAN2008 // MIPS32R6, o32
	b, _ := s.section(synthSection{name: ".MIPS.abiflags", typ: elf.SHT_MIPS_ABIFLAGS, data: abiflags, align: 8}).build()
	x, err := readBytes(t, b, "libc.so.6")
	require.NoError(t, err)
	require.NotNil(t, x.MIPS)
	assert.True(t, x.MIPS.NaN2008)
	assert.Equal(t, uint32(0x1000), x.MIPS.ABI)
	assert.Equal(t, uint32(0x90000000), x.MIPS.Arch)
	require.NotNil(t, x.MIPS.ABIFlags)
	assert.Equal(t, MIPSFPSoft, x.MIPS.ABIFlags.FPABI)
	assert.False(t, x.MIPS.ABIFlags.FPABI.Hard())
	assert.Equal(t, uint8(6), x.MIPS.ABIFlags.ISARev)
	assert.Equal(t, ".MIPS.abiflags", x.MIPS.ABIFlagsSection)
	assert.Equal(t, "soft", MIPSFPSoft.String())
	assert.Equal(t, "fpxx", MIPSFPXX.String())
	assert.True(t, MIPSFPXX.Hard())
	assert.Equal(t, "MIPSFPABI(42)", MIPSFPABI(42).String())

	short, _ := newSynth(elf.ELFCLASS32, be, elf.EM_MIPS).
		section(synthSection{name: ".MIPS.abiflags", typ: elf.SHT_MIPS_ABIFLAGS, data: abiflags[:20], align: 8}).build()
	_, err = readBytes(t, short, "libc.so.6")
	requireFormatError(t, err, "libc.so.6", "abiflags of 20 bytes, need 24")
}

func TestNewELFFactsARMFloatABIFromAttributes(t *testing.T) {
	// e_flags without a float-ABI bit (as Go writes them): the attributes
	// decide.
	le := binary.LittleEndian
	s := newSynth(elf.ELFCLASS32, le, elf.EM_ARM)
	s.flags = 0x05000002
	b, _ := s.section(synthSection{name: ".ARM.attributes", typ: SHT_ARM_ATTRIBUTES, data: armAttrSection(le, []byte{TagABIVFPArgs, 1}), align: 1}).build()
	x, err := readBytes(t, b, "go.o")
	require.NoError(t, err)
	assert.Equal(t, FloatABIUnknown, x.ARM.FloatABI)
	fa, ev := x.ARM.EffectiveFloatABI()
	assert.Equal(t, FloatABIHard, fa)
	assert.Equal(t, ".ARM.attributes", ev)
}

// verdefBomb returns a .gnu.version_d of n entries that each claim 65535
// auxiliary entries, all pointing at one Elf_Verdaux whose vda_next is 0.
func verdefBomb(bo binary.ByteOrder, n int) []byte {
	d := make([]byte, 20*n+8)
	tail := 20 * n
	for k := 0; k < n; k++ {
		e := d[20*k:]
		bo.PutUint16(e[0:], 1) // vd_version
		bo.PutUint16(e[4:], uint16(k+1))
		bo.PutUint16(e[6:], 0xFFFF) // vd_cnt
		bo.PutUint32(e[12:], uint32(tail-20*k))
		if k < n-1 {
			bo.PutUint32(e[16:], 20) // vd_next
		}
	}
	bo.PutUint32(d[tail:], 1) // vda_name, vda_next 0
	return d
}

func verdefBombELF(n int) []byte {
	le := binary.LittleEndian
	b, _ := newSynth(elf.ELFCLASS64, le, elf.EM_AARCH64).
		section(synthSection{name: ".dynsym", typ: elf.SHT_DYNSYM, data: make([]byte, 2*elf.Sym64Size), align: 8, link: ".dynstr", entsize: elf.Sym64Size}).
		section(synthSection{name: ".dynstr", typ: elf.SHT_STRTAB, data: []byte("\x00libc.so.6\x00"), align: 1}).
		section(synthSection{name: ".gnu.version", typ: elf.SHT_GNU_VERSYM, data: make([]byte, 4), align: 2, link: ".dynsym"}).
		section(synthSection{name: ".gnu.version_d", typ: elf.SHT_GNU_VERDEF, data: verdefBomb(le, n), align: 4, link: ".dynstr"}).
		build()
	return b
}

// TestVerdefChainBounded is a regression test for a CPU exhaustion through
// debug/elf: it follows vd_cnt/vda_next without a bound of its own, so a
// 64 KiB .gnu.version_d of 3276 entries that each claim 65535 auxiliary
// entries makes DynamicVersions run 214 million iterations, each copying
// a string (and a 64 MiB section, 700 times more). openELF now walks the
// chain first with a budget of 4096 entries.
func TestVerdefChainBounded(t *testing.T) {
	b := verdefBombELF(3276)
	start := time.Now()
	_, err := readBytes(t, b, "libc.so.6")
	requireFormatError(t, err, "libc.so.6", "more than 4096 version entries")
	assert.Less(t, time.Since(start), 2*time.Second)

	// One entry claiming 65535 aux entries is over the budget too.
	_, err = readBytes(t, verdefBombELF(1), "libc.so.6")
	requireFormatError(t, err, "libc.so.6", "more than 4096 version entries")
}

// TestDynsymStringBlowupBounded is a regression test for a memory
// exhaustion through debug/elf: every symbol name is copied out of the
// string table, so 4096 symbols all naming one 1 MiB string would make
// DynamicSymbols allocate 4 GiB. The product is now checked first.
func TestDynsymStringBlowupBounded(t *testing.T) {
	le := binary.LittleEndian
	dynstr := append(append([]byte{0}, bytes.Repeat([]byte("x"), 1<<20)...), 0)
	dynsym := make([]byte, 4096*elf.Sym64Size)
	for i := 1; i < 4096; i++ {
		le.PutUint32(dynsym[i*elf.Sym64Size:], 1) // every name at offset 1
	}
	b, _ := newSynth(elf.ELFCLASS64, le, elf.EM_AARCH64).
		section(synthSection{name: ".dynsym", typ: elf.SHT_DYNSYM, data: dynsym, align: 8, link: ".dynstr", entsize: elf.Sym64Size}).
		section(synthSection{name: ".dynstr", typ: elf.SHT_STRTAB, data: dynstr, align: 1}).
		section(synthSection{name: ".gnu.version", typ: elf.SHT_GNU_VERSYM, data: make([]byte, 2*4096), align: 2, link: ".dynsym"}).
		build()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := readBytes(t, b, "libc.so.6")
	runtime.ReadMemStats(&after)
	requireFormatError(t, err, "libc.so.6", "4096 symbols over strings of up to 1048576 bytes exceed the limit")
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(16<<20))
}

func TestFormatErrorText(t *testing.T) {
	e := &FormatError{File: "lib/libc.so.6", Section: ".note.ABI-tag", Off: 0x2d8, Msg: "bad note"}
	assert.Equal(t, "abi: lib/libc.so.6: .note.ABI-tag: bad note (at offset 0x2d8)", e.Error())
	e = &FormatError{File: "x", Off: -1, Msg: "empty file", Err: ErrNotELF}
	assert.Equal(t, "abi: x: empty file: not an ELF file", e.Error())
	assert.ErrorIs(t, e, ErrNotELF)
}

func TestReadELFRealLibc(t *testing.T) {
	const p = "/usr/arm-linux-gnueabihf/lib/libc.so.6"
	needSysroot(t, filepath.Dir(filepath.Dir(p)), "libc6-dev-armhf-cross")
	x, err := ReadELF(p)
	require.NoError(t, err)
	assert.Equal(t, "libc.so.6", x.Soname)
	assert.Equal(t, uint32(0x05000400), x.Flags)
	require.NotNil(t, x.ARM)
	assert.Equal(t, FloatABIHard, x.ARM.FloatABI)
	assert.Equal(t, uint8(5), x.ARM.EABIVersion)
	// The attributes ReadELF finds are the bytes armhfAttrs holds.
	want, err := ParseARMAttributes(armhfAttrs, binary.LittleEndian)
	require.NoError(t, err)
	assert.Equal(t, want, x.ARM.Attributes)
	v, ok := x.MaxNeededVersion("GLIBC_")
	assert.True(t, ok)
	assert.Equal(t, "GLIBC_2.4", v)
}

// zlibShstrtabBomb returns an ELF64 file whose .shstrtab is SHF_COMPRESSED
// with a compression header claiming n bytes and n zero bytes of zlib
// data (about n/1000 bytes in the file).
func zlibShstrtabBomb(t testing.TB, n int) []byte {
	le := binary.LittleEndian
	b, lay := newSynth(elf.ELFCLASS64, le, elf.EM_AARCH64).build()
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	_, err := zw.Write(make([]byte, n))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	chdr := make([]byte, 24) // Chdr64
	le.PutUint32(chdr[0:], uint32(elf.COMPRESS_ZLIB))
	le.PutUint64(chdr[8:], uint64(n))
	le.PutUint64(chdr[16:], 1)
	payload := append(chdr, z.Bytes()...)
	off := len(b)
	b = append(b, payload...)
	h := lay.shoff + lay.index[".shstrtab"]*lay.shentsize
	le.PutUint64(b[h+8:], uint64(elf.SHF_COMPRESSED))
	le.PutUint64(b[h+24:], uint64(off))
	le.PutUint64(b[h+32:], uint64(len(payload)))
	return b
}

// TestCompressedShstrtabBounded is a regression test for a memory
// exhaustion through debug/elf: NewFile decompresses the section name
// table with no bound but the size its compression header claims. Measured
// with Go 1.26: a 64 KiB file claiming 64 MiB made elf.NewFile allocate
// 256 MiB; it grows linearly (1 MiB of zlib data, about 4 GiB). openELF
// now refuses a compressed .shstrtab before calling debug/elf.
func TestCompressedShstrtabBounded(t *testing.T) {
	b := zlibShstrtabBomb(t, 16<<20)
	require.Less(t, len(b), 32<<10)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := readBytes(t, b, "bomb.so")
	runtime.ReadMemStats(&after)
	requireFormatError(t, err, "bomb.so", "compressed section name table (section 1)")
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20))
}
