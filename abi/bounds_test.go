package abi

import (
	"debug/elf"
	"encoding/binary"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/internal/memtest"
)

// Resource bounds on hostile sysroots: 4 GiB sparse files (a few
// kilobytes on disk, and a tarball can carry them as such) whose headers
// claim as much as a 4 GiB file can hold. Each must be rejected, or read,
// quickly and with the heap growing by less than boundsMaxHeap. The
// figures are logged (go test -v -run Bounds ./abi).

const (
	boundsMaxHeap = 64 * memtest.MiB
	boundsMaxTime = 10 * time.Second // generous: the machines running CI are shared
)

// elf64Header returns an ELF64 little-endian aarch64 header with the given
// section and program header tables.
func elf64Header(shoff uint64, shentsize, shnum, shstrndx uint16, phoff uint64, phentsize, phnum uint16) []byte {
	le := binary.LittleEndian
	h := make([]byte, 64)
	copy(h, elf.ELFMAG)
	h[elf.EI_CLASS], h[elf.EI_DATA], h[elf.EI_VERSION] = byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), byte(elf.EV_CURRENT)
	le.PutUint16(h[16:], uint16(elf.ET_DYN))
	le.PutUint16(h[18:], uint16(elf.EM_AARCH64))
	le.PutUint32(h[20:], uint32(elf.EV_CURRENT))
	le.PutUint64(h[32:], phoff)
	le.PutUint64(h[40:], shoff)
	le.PutUint16(h[52:], 64)
	le.PutUint16(h[54:], phentsize)
	le.PutUint16(h[56:], phnum)
	le.PutUint16(h[58:], shentsize)
	le.PutUint16(h[60:], shnum)
	le.PutUint16(h[62:], shstrndx)
	return h
}

// elf64Shdr returns one Elf64_Shdr.
func elf64Shdr(typ elf.SectionType, off, size uint64) []byte {
	le := binary.LittleEndian
	h := make([]byte, 64)
	le.PutUint32(h[4:], uint32(typ))
	le.PutUint64(h[24:], off)
	le.PutUint64(h[32:], size)
	return h
}

// boundsCase is a 4 GiB sparse file given as a sysroot's libc.so.6.
type boundsCase struct {
	name   string
	chunks []memtest.Chunk
	// problem is what the sysroot reader reports for libc.so.6; ""
	// when the file is read without one.
	problem string
}

func boundsCases() []boundsCase {
	be := binary.BigEndian
	elf32 := make([]byte, 52) // ELF32 big-endian MIPS, section 0 claims 2^32-1 sections
	copy(elf32, elf.ELFMAG)
	elf32[elf.EI_CLASS], elf32[elf.EI_DATA], elf32[elf.EI_VERSION] = byte(elf.ELFCLASS32), byte(elf.ELFDATA2MSB), byte(elf.EV_CURRENT)
	be.PutUint16(elf32[16:], uint16(elf.ET_DYN))
	be.PutUint16(elf32[18:], uint16(elf.EM_MIPS))
	be.PutUint32(elf32[20:], uint32(elf.EV_CURRENT))
	be.PutUint32(elf32[32:], 4096) // e_shoff
	be.PutUint16(elf32[46:], 40)   // e_shentsize
	sh0 := make([]byte, 40)
	be.PutUint32(sh0[20:], 0xFFFFFFFF) // sh_size: the section count

	extended := func(n uint64) []memtest.Chunk {
		return []memtest.Chunk{
			{Off: 0, Data: elf64Header(4096, 64, 0, 0, 0, 0, 0)},
			{Off: 4096, Data: elf64Shdr(elf.SHT_NULL, 0, n)},
		}
	}
	return []boundsCase{
		{name: "zeros", problem: "bad magic number"},
		{name: "ELF32 claiming 2^32-1 sections", chunks: []memtest.Chunk{{Off: 0, Data: elf32}, {Off: 4096, Data: sh0}},
			problem: "section header 0 claims 4294967295 sections, more than the limit of 131072"},
		{name: "ELF64 claiming 2^20 sections", chunks: extended(1 << 20),
			problem: "section header 0 claims 1048576 sections, more than the limit of 131072"},
		{name: "ELF64 with 2^17 empty sections, the most allowed", chunks: extended(1 << 17), problem: ""},
		{name: "65535 section headers of 65535 bytes", chunks: []memtest.Chunk{{Off: 0, Data: elf64Header(64, 0xffff, 0xffff, 0, 0, 0, 0)}},
			problem: "section header table of 65535 entries of 65535 bytes exceeds the 8388608-byte limit"},
		{name: "65535 program headers of 65535 bytes", chunks: []memtest.Chunk{{Off: 0, Data: elf64Header(0, 0, 0, 0, 64, 0xffff, 0xffff)}},
			problem: "program header table of 65535 entries of 65535 bytes exceeds the 3669960-byte limit"},
		{name: "65535 empty program headers, the most allowed", chunks: []memtest.Chunk{{Off: 0, Data: elf64Header(0, 0, 0, 0, 64, 56, 0xffff)}},
			problem: ""},
		{name: "3 GiB section name table", chunks: []memtest.Chunk{
			{Off: 0, Data: elf64Header(4096, 64, 2, 1, 0, 0, 0)},
			{Off: 4096 + 64, Data: elf64Shdr(elf.SHT_STRTAB, 8192, 3<<30)},
		}, problem: "section name table (section 1) of 3221225472 bytes exceeds the 16777216-byte limit"},
		{name: "3 GiB .dynstr", chunks: []memtest.Chunk{
			{Off: 0, Data: elf64Header(4096, 64, 3, 0, 0, 0, 0)},
			{Off: 4096 + 64, Data: func() []byte {
				h := elf64Shdr(elf.SHT_DYNAMIC, 8192, 16)
				binary.LittleEndian.PutUint32(h[40:], 2) // sh_link: .dynstr
				return h
			}()},
			{Off: 4096 + 128, Data: elf64Shdr(elf.SHT_STRTAB, 16384, 3<<30)},
		}, problem: "section of 3221225472 bytes exceeds the 67108864-byte limit"},
	}
}

// TestBoundsSparseSysrootLibc gives each hostile 4 GiB file to the
// sysroot reader as libc.so.6, and as libc.so (which is first looked at
// as a possible GNU ld script).
func TestBoundsSparseSysrootLibc(t *testing.T) {
	for _, tc := range boundsCases() {
		for _, name := range []string{"libc.so.6", "libc.so"} {
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				root := t.TempDir()
				dir := filepath.Join(root, "usr", "lib", "aarch64-linux-gnu")
				writeFile(t, dir, "crt1.o", synthObject(elf.EM_AARCH64, elf.ELFCLASS64, 3, 7, 0))
				memtest.SparseFile(t, filepath.Join(dir, name), memtest.GiB4, tc.chunks...)
				var s *Sysroot
				var err error
				u := memtest.Measure(func() { s, err = ReadSysroot(root) })
				t.Logf("peak heap %.1f MiB, allocated %.1f MiB, %s", float64(u.Peak)/memtest.MiB, float64(u.Total)/memtest.MiB, u.Elapsed.Round(time.Millisecond))
				require.NoError(t, err)
				file := "usr/lib/aarch64-linux-gnu/" + name
				if tc.problem != "" {
					p := problemFor(t, s, file)
					assert.Contains(t, p.Error(), tc.problem)
				} else {
					for _, p := range s.Problems {
						assert.NotEqual(t, file, p.Source.File, "%v", p)
					}
				}
				assert.Less(t, u.Peak, uint64(boundsMaxHeap), "peak heap growth")
				assert.Less(t, u.Elapsed, boundsMaxTime)
			})
		}
	}
}

// TestBoundsSparseReadELF: the same files through ReadELF (inspect, the
// cgo library checks).
func TestBoundsSparseReadELF(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range boundsCases() {
		t.Run(tc.name, func(t *testing.T) {
			p := memtest.SparseFile(t, filepath.Join(dir, "f"), memtest.GiB4, tc.chunks...)
			var err error
			u := memtest.Measure(func() { _, err = ReadELF(p) })
			t.Logf("peak heap %.1f MiB, allocated %.1f MiB, %s", float64(u.Peak)/memtest.MiB, float64(u.Total)/memtest.MiB, u.Elapsed.Round(time.Millisecond))
			if tc.problem != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.problem)
			} else {
				assert.NoError(t, err)
			}
			assert.Less(t, u.Peak, uint64(boundsMaxHeap), "peak heap growth")
			assert.Less(t, u.Elapsed, boundsMaxTime)
		})
	}
}

// TestBoundsSparseLinkerScript: a libc.so that starts like a GNU ld script
// and goes on for 4 GiB is refused by its size, before it is read.
func TestBoundsSparseLinkerScript(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "lib")
	writeFile(t, dir, "crt1.o", synthObject(elf.EM_AARCH64, elf.ELFCLASS64, 3, 7, 0))
	script := "/* GNU ld script */\n" + strings.Repeat("/* padding of the script's first 512 bytes, which say it is text */\n", 10) + "GROUP ( /lib/libc.so.6 "
	memtest.SparseFile(t, filepath.Join(dir, "libc.so"), memtest.GiB4, memtest.Chunk{Data: []byte(script)})
	var s *Sysroot
	u := memtest.Measure(func() { s, _ = ReadSysroot(root) })
	t.Logf("peak heap %.1f MiB, allocated %.1f MiB, %s", float64(u.Peak)/memtest.MiB, float64(u.Total)/memtest.MiB, u.Elapsed.Round(time.Millisecond))
	require.NotNil(t, s)
	assert.Contains(t, problemFor(t, s, "lib/libc.so").Error(), "text file of 4294967296 bytes is larger than the 65536-byte limit for a linker script")
	assert.Less(t, u.Total, uint64(memtest.MiB), "nothing of the script is read")
}
