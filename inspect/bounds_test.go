package inspect

import (
	"bytes"
	"debug/elf"
	"debug/macho"
	"encoding/binary"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/internal/memtest"
)

// Resource bounds on hostile release artifacts: 4 GiB sparse files whose
// headers claim as much as such a file can hold, given to Read (`xcheck
// inspect FILE`). Each is rejected, or read, quickly and with the heap
// growing by less than 64 MiB; the figures are logged (go test -v -run
// Bounds ./inspect).

const (
	boundsMaxHeap = 64 * memtest.MiB
	boundsMaxTime = 10 * time.Second // generous: CI machines are shared
)

var le = binary.LittleEndian

// peHeader returns an MZ/PE header for amd64 with n section headers
// (no optional header, as in an object), each claiming relocs
// relocations at offset 1 MiB, and the COFF symbol table fields.
func peHeader(n int, relocs uint16, symPtr, nsyms uint32) []byte {
	h := make([]byte, 0x40+24+n*40)
	copy(h, "MZ")
	le.PutUint32(h[0x3c:], 0x40)
	copy(h[0x40:], "PE\x00\x00")
	fh := h[0x44:]
	le.PutUint16(fh[0:], 0x8664)
	le.PutUint16(fh[2:], uint16(n))
	le.PutUint32(fh[8:], symPtr)
	le.PutUint32(fh[12:], nsyms)
	for i := 0; i < n; i++ {
		s := h[0x58+40*i:]
		copy(s, ".text")
		le.PutUint32(s[24:], 1<<20)
		le.PutUint16(s[32:], relocs)
	}
	return h
}

// machoHeader returns a 64-bit little-endian arm64 Mach-O executable
// header followed by the load commands.
func machoHeader(cmds ...[]byte) []byte {
	body := bytes.Join(cmds, nil)
	h := make([]byte, 32)
	le.PutUint32(h[0:], macho.Magic64)
	le.PutUint32(h[4:], uint32(macho.CpuArm64))
	le.PutUint32(h[12:], uint32(macho.TypeExec))
	le.PutUint32(h[16:], uint32(len(cmds)))
	le.PutUint32(h[20:], uint32(len(body)))
	return append(h, body...)
}

func u32le(vs ...uint32) []byte {
	b := make([]byte, 4*len(vs))
	for i, v := range vs {
		le.PutUint32(b[4*i:], v)
	}
	return b
}

// lcSegment64With returns an LC_SEGMENT_64 with one section claiming
// nreloc relocations.
func lcSegment64With(nreloc uint32) []byte {
	c := make([]byte, 72+80)
	le.PutUint32(c[0:], lcSegment64)
	le.PutUint32(c[4:], uint32(len(c)))
	copy(c[8:], "__TEXT")
	le.PutUint32(c[64:], 1) // nsects
	s := c[72:]
	copy(s, "__text")
	copy(s[16:], "__TEXT")
	le.PutUint32(s[56:], 1<<20) // reloff
	le.PutUint32(s[60:], nreloc)
	return c
}

// goBuildInfoELF returns an ELF64 executable whose .go.buildinfo section
// fills the 4 GiB file and whose first string claims 3 GiB.
func goBuildInfoELF() []memtest.Chunk {
	h := make([]byte, 64)
	copy(h, elf.ELFMAG)
	h[elf.EI_CLASS], h[elf.EI_DATA], h[elf.EI_VERSION] = byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), byte(elf.EV_CURRENT)
	le.PutUint16(h[16:], uint16(elf.ET_EXEC))
	le.PutUint16(h[18:], uint16(elf.EM_X86_64))
	le.PutUint32(h[20:], uint32(elf.EV_CURRENT))
	le.PutUint64(h[32:], 64)   // e_phoff
	le.PutUint64(h[40:], 4096) // e_shoff
	le.PutUint16(h[52:], 64)
	le.PutUint16(h[54:], 56)
	le.PutUint16(h[56:], 1) // a PT_LOAD over .go.buildinfo
	le.PutUint16(h[58:], 64)
	le.PutUint16(h[60:], 3) // null, .go.buildinfo, .shstrtab
	le.PutUint16(h[62:], 2)
	const dataSize = 4<<30 - 16384
	ph := make([]byte, 56)
	le.PutUint32(ph[0:], uint32(elf.PT_LOAD))
	le.PutUint32(ph[4:], uint32(elf.PF_R|elf.PF_W))
	le.PutUint64(ph[8:], 8192)      // p_offset
	le.PutUint64(ph[16:], 0x400000) // p_vaddr
	le.PutUint64(ph[32:], dataSize) // p_filesz
	le.PutUint64(ph[40:], dataSize) // p_memsz
	h = append(h, ph...)
	names := []byte("\x00.go.buildinfo\x00.shstrtab\x00")
	sh := make([]byte, 3*64)
	bi := sh[64:]
	le.PutUint32(bi[0:], 1)
	le.PutUint32(bi[4:], uint32(elf.SHT_PROGBITS))
	le.PutUint64(bi[8:], uint64(elf.SHF_ALLOC|elf.SHF_WRITE))
	le.PutUint64(bi[16:], 0x400000)    // sh_addr
	le.PutUint64(bi[24:], 8192)        // sh_offset
	le.PutUint64(bi[32:], 4<<30-16384) // sh_size
	st := sh[128:]
	le.PutUint32(st[0:], 15)
	le.PutUint32(st[4:], uint32(elf.SHT_STRTAB))
	le.PutUint64(st[24:], 6144)
	le.PutUint64(st[32:], uint64(len(names)))
	// Build info header: magic, pointer size 8, flags: inline strings.
	hdr := make([]byte, 32)
	copy(hdr, "\xff Go buildinf:")
	hdr[14], hdr[15] = 8, 2
	str := binary.AppendUvarint(hdr, 3<<30)
	// The Go build ID note, which makes a failure to read the build
	// info worth reporting.
	return []memtest.Chunk{{Off: 0, Data: h}, {Off: 4096, Data: sh}, {Off: 6144, Data: names}, {Off: 7000, Data: goNoteLE}, {Off: 8192, Data: str}}
}

// arHeader4G returns an archive whose one member claims size bytes and
// starts like an ELF file.
func arWithMember(size int64) []byte {
	b := append([]byte(arMagic), arHeader("big.o/", fmt.Sprint(size))...)
	return append(b, elf.ELFMAG...)
}

type boundsCase struct {
	name   string
	size   int64 // 0 for 4 GiB
	chunks []memtest.Chunk
	// err is in the artifact's error ("" for none), and errIs, if set,
	// is wrapped by it.
	err   string
	errIs error
	// goErr is in the artifact's GoErr.
	goErr string
}

func boundsCases() []boundsCase {
	elfTables := make([]byte, 64) // ELF64 with 65535 section headers of 65535 bytes
	copy(elfTables, elf.ELFMAG)
	elfTables[4], elfTables[5], elfTables[6] = 2, 1, 1
	le.PutUint16(elfTables[18:], uint16(elf.EM_AARCH64))
	le.PutUint64(elfTables[40:], 64)
	le.PutUint16(elfTables[58:], 0xffff)
	le.PutUint16(elfTables[60:], 0xffff)
	strtab := u32le(3 << 30)
	return []boundsCase{
		{name: "zeros", err: "unknown magic 00 00 00 00", errIs: ErrUnknownFormat},
		{name: "ELF with 65535 section headers of 65535 bytes", chunks: []memtest.Chunk{{Data: elfTables}},
			err: "section header table of 65535 entries of 65535 bytes exceeds the 8388608-byte limit"},
		{name: "ar member claiming 4 GiB", chunks: []memtest.Chunk{{Data: arWithMember(memtest.GiB4 - 68)}},
			err: `member "big.o" of 4294967228 bytes exceeds the 1073741824-byte limit`},
		{name: "ar member claiming more than the file", chunks: []memtest.Chunk{{Data: arWithMember(9999999999)}},
			err: `member "big.o/" claims 9999999999 bytes, only 4294967228 are left`},
		{name: "ar member of 1 GiB with a hostile ELF header", size: 68 + 1<<30, chunks: []memtest.Chunk{
			{Data: arWithMember(1 << 30)[:68]},
			{Off: 68, Data: func() []byte {
				h := bytes.Clone(elfTables)
				le.PutUint16(h[58:], 0x4000) // 65535 entries of 16 KiB fit 1 GiB
				return h
			}()},
		}, err: "big.o): section header table of 65535 entries of 16384 bytes exceeds the 8388608-byte limit"},
		{name: "PE with 1000 sections of 65535 relocations", chunks: []memtest.Chunk{{Data: peHeader(1000, 0xffff, 0, 0)}},
			err: "65535000 section relocations, more than 524288", errIs: ErrTooLarge},
		{name: "PE with a 3 GiB COFF string table", chunks: []memtest.Chunk{{Data: peHeader(1, 0, 4096, 0)}, {Off: 4096, Data: strtab}},
			err: "COFF string table of 3221225472 bytes, more than 16777216", errIs: ErrTooLarge},
		{name: "PE with 2^32-1 COFF symbols", chunks: []memtest.Chunk{{Data: peHeader(1, 0, 4096, 0xffffffff)}},
			err: ""},
		{name: "Mach-O with a 3 GiB symbol string table", chunks: []memtest.Chunk{{Data: machoHeader(
			append(u32le(lcSymtab, 24, 4096, 0xffffffff/16), u32le(8192, 3<<30)...))}},
			err: ""},
		{name: "Mach-O with 3 GiB of load commands", chunks: []memtest.Chunk{{Data: func() []byte {
			h := machoHeader(u32le(0x7fffffff, 8))
			le.PutUint32(h[20:], 3<<30)
			return h
		}()}}, err: "load commands of 3221225472 bytes, more than 4194304", errIs: ErrTooLarge},
		{name: "Mach-O with a section of 2^32-1 relocations", chunks: []memtest.Chunk{{Data: machoHeader(lcSegment64With(0xffffffff))}},
			err: "4294967295 section relocations, more than 524288", errIs: ErrTooLarge},
		{name: "universal file of 2^32-1 architectures", chunks: []memtest.Chunk{{Data: []byte("\xca\xfe\xba\xbe\xff\xff\xff\xff")}},
			err: "4294967295 architectures, more than 64", errIs: ErrTooLarge},
		{name: "Go build info string claiming 3 GiB", chunks: goBuildInfoELF(), err: "", goErr: "exceeds xcheck's limit"},
	}
}

// TestBoundsSparseArtifacts reads each hostile 4 GiB file as `xcheck
// inspect` does.
func TestBoundsSparseArtifacts(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range boundsCases() {
		t.Run(tc.name, func(t *testing.T) {
			size := tc.size
			if size == 0 {
				size = memtest.GiB4
			}
			p := memtest.SparseFile(t, filepath.Join(dir, "artifact"), size, tc.chunks...)
			var a *Artifact
			u := memtest.Measure(func() { a = Read(p, Options{}) })
			t.Logf("peak heap %.1f MiB, allocated %.1f MiB, %s", float64(u.Peak)/memtest.MiB, float64(u.Total)/memtest.MiB, u.Elapsed.Round(time.Millisecond))
			errs := []error{a.Err}
			for _, m := range a.Members {
				errs = append(errs, m.Err)
			}
			err := errors.Join(errs...)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				if tc.errIs != nil {
					assert.True(t, errors.Is(err, tc.errIs), "%v does not wrap %v", err, tc.errIs)
				}
			} else {
				assert.NoError(t, err)
			}
			if tc.goErr != "" {
				require.Error(t, a.GoErr)
				assert.Contains(t, a.GoErr.Error(), tc.goErr)
			}
			assert.Less(t, u.Peak, uint64(boundsMaxHeap), "peak heap growth")
			assert.Less(t, u.Elapsed, boundsMaxTime)
		})
	}
}

// TestBudgetReader: the reader the standard library parsers get fails
// once they ask for more than its budget.
func TestBudgetReader(t *testing.T) {
	b := newBudgetReader(bytes.NewReader(make([]byte, 100)), 10)
	buf := make([]byte, 6)
	n, err := b.ReadAt(buf, 0)
	assert.Equal(t, 6, n)
	assert.NoError(t, err)
	_, err = b.ReadAt(buf, 50)
	assert.ErrorIs(t, err, ErrTooLarge)
	n, err = b.ReadAt(buf[:1], 0)
	assert.Equal(t, 0, n, "the budget is spent")
	assert.ErrorIs(t, err, ErrTooLarge)

	o := &overlayReader{r: bytes.NewReader([]byte("0123456789")), patches: []patch{{3, []byte("ab")}, {9, []byte("zz")}}}
	got := make([]byte, 10)
	n, _ = o.ReadAt(got, 0)
	assert.Equal(t, "012ab5678z", string(got[:n]))
	n, _ = o.ReadAt(got[:3], 4)
	assert.Equal(t, "b56", string(got[:n]))
}
