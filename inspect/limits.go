package inspect

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Limits of what the standard library's PE, Mach-O and build-info readers
// are given. They allocate what a file's headers claim, bounded only by
// the file's size, and a release artifact can be a 4 GiB sparse file (a
// few kilobytes on disk, or in a tarball) whose headers claim gigabytes.
// Measured with Go 1.26, before these limits: a PE file whose 1000
// sections each claim 65535 relocations made debug/pe allocate 1.4 GiB
// (65535 sections would need 90 GiB), and a PE COFF string table or a
// Mach-O LC_SYMTAB string table claiming 3 GiB ran it out of memory.
// Every such count and size is checked before the parser runs, and the
// parser reads through a reader with a budget, the last line of defence.
const (
	// maxPEStringTable caps the COFF string table (long section names);
	// a large Go binary's is a few megabytes.
	maxPEStringTable = 16 << 20
	// maxPERelocations caps the relocations of all sections of a PE
	// file (executables and DLLs have none).
	maxPERelocations = 1 << 19
	// maxMachOCommands caps the load commands of a Mach-O file
	// (sizeofcmds); real ones are tens of kilobytes.
	maxMachOCommands = 4 << 20
	// maxMachORelocations caps the relocations of all sections of a
	// Mach-O file (objects only).
	maxMachORelocations = 1 << 19
	// maxFatArchHeaders caps the architectures a universal file may
	// claim (real ones have two to five).
	maxFatArchHeaders = 64
	// parseBudget is what debug/pe and debug/macho may read of one
	// file, and buildInfoBudget what debug/buildinfo may: it opens the
	// file again (its headers and tables, within the limits above),
	// searches the data segment in 1 MiB chunks for the build info, which
	// the Go linker puts first, and reads strings of a few kilobytes.
	parseBudget     = 32 << 20
	buildInfoBudget = 24 << 20
)

// ErrTooLarge is wrapped by the errors of files whose headers claim more
// than xcheck reads.
var ErrTooLarge = errors.New("exceeds xcheck's limit")

// budgetReader reads through r until budget bytes have been asked for in
// all, then fails every read.
type budgetReader struct {
	r      io.ReaderAt
	budget int64
	left   int64
}

func newBudgetReader(r io.ReaderAt, budget int64) *budgetReader {
	return &budgetReader{r: r, budget: budget, left: budget}
}

func (b *budgetReader) ReadAt(p []byte, off int64) (int, error) {
	if int64(len(p)) > b.left {
		b.left = 0
		return 0, fmt.Errorf("headers and tables of more than %d bytes: %w", b.budget, ErrTooLarge)
	}
	b.left -= int64(len(p))
	return b.r.ReadAt(p, off)
}

// overlayReader reads r with some bytes replaced: a header field a parser
// must not act on.
type overlayReader struct {
	r       io.ReaderAt
	patches []patch
}

type patch struct {
	off  int64
	data []byte
}

func (o *overlayReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := o.r.ReadAt(p, off)
	for _, pt := range o.patches {
		lo, hi := max(off, pt.off), min(off+int64(n), pt.off+int64(len(pt.data)))
		if lo < hi {
			copy(p[lo-off:hi-off], pt.data[lo-pt.off:hi-pt.off])
		}
	}
	return n, err
}

// readAtMost reads up to len(b) bytes at off, returning what it got.
func readAtMost(r io.ReaderAt, b []byte, off int64) []byte {
	n, _ := r.ReadAt(b, off)
	return b[:n]
}

// guardPE checks the counts and sizes of a PE file's headers that debug/pe
// allocates by, and returns the reader to give it (through a
// budgetReader): the COFF symbol table, which debug/pe reads whole and
// xcheck does not use, is hidden (the string table after it, which holds
// long section names, stays).
func guardPE(r io.ReaderAt, size int64) (io.ReaderAt, error) {
	var dos [0x40]byte
	if len(readAtMost(r, dos[:], 0)) < len(dos) {
		return r, nil // debug/pe reports it
	}
	peOff := int64(binary.LittleEndian.Uint32(dos[0x3c:]))
	var hdr [24]byte // "PE\0\0" and IMAGE_FILE_HEADER
	if len(readAtMost(r, hdr[:], peOff)) < len(hdr) || string(hdr[:4]) != "PE\x00\x00" {
		return r, nil
	}
	le := binary.LittleEndian
	fh := hdr[4:]
	nsections := int64(le.Uint16(fh[2:]))
	symPtr, nsyms := int64(le.Uint32(fh[8:])), int64(le.Uint32(fh[12:]))
	optSize := int64(le.Uint16(fh[16:]))

	// Relocations of all sections (IMAGE_SECTION_HEADER, 40 bytes:
	// NumberOfRelocations at 32).
	shoff := peOff + 24 + optSize
	if shoff < size && nsections*40 <= size-shoff {
		sh := make([]byte, nsections*40)
		sh = readAtMost(r, sh, shoff)
		var relocs int64
		for i := 0; i+40 <= len(sh); i += 40 {
			relocs += int64(le.Uint16(sh[i+32:]))
		}
		if relocs > maxPERelocations {
			return nil, fmt.Errorf("%d section relocations, more than %d: %w", relocs, maxPERelocations, ErrTooLarge)
		}
	}

	o := &overlayReader{r: r}
	fields := make([]byte, 8) // PointerToSymbolTable, NumberOfSymbols
	if symPtr != 0 {
		strOff := symPtr + 18*nsyms
		var l [4]byte
		if strOff+4 <= size && strOff <= 0xffffffff && len(readAtMost(r, l[:], strOff)) == 4 {
			if n := int64(le.Uint32(l[:])); n > maxPEStringTable {
				return nil, fmt.Errorf("COFF string table of %d bytes, more than %d: %w", n, maxPEStringTable, ErrTooLarge)
			}
			le.PutUint32(fields[0:], uint32(strOff))
		}
		// else: no string table debug/pe could read; hide both.
	}
	o.patches = append(o.patches, patch{peOff + 4 + 8, fields})
	return o, nil
}

// Mach-O load commands whose sizes guardMachO checks or hides.
const (
	lcSegment   = 0x1
	lcSymtab    = 0x2
	lcDysymtab  = 0xb
	lcSegment64 = 0x19
)

// guardMachO checks the load commands of a Mach-O file before debug/macho
// reads them, and returns the reader to give it (through a
// budgetReader): LC_SYMTAB and
// LC_DYSYMTAB, whose tables debug/macho reads whole and xcheck does not
// use, are turned into commands it keeps as bytes.
func guardMachO(r io.ReaderAt, size int64) (io.ReaderAt, error) {
	var h [32]byte
	if len(readAtMost(r, h[:], 0)) < 28 {
		return r, nil
	}
	var bo binary.ByteOrder = binary.LittleEndian
	hsize := int64(28)
	switch {
	case binary.LittleEndian.Uint32(h[:]) == 0xfeedfacf:
		hsize = 32
	case binary.BigEndian.Uint32(h[:]) == 0xfeedface:
		bo = binary.BigEndian
	case binary.BigEndian.Uint32(h[:]) == 0xfeedfacf:
		bo, hsize = binary.BigEndian, 32
	}
	ncmds, cmdsSize := int64(bo.Uint32(h[16:])), int64(bo.Uint32(h[20:]))
	if cmdsSize > maxMachOCommands {
		return nil, fmt.Errorf("load commands of %d bytes, more than %d: %w", cmdsSize, maxMachOCommands, ErrTooLarge)
	}
	if hsize+cmdsSize > size {
		return r, nil // debug/macho reports it
	}
	cmds := readAtMost(r, make([]byte, cmdsSize), hsize)
	o := &overlayReader{r: r}
	var relocs int64
	for i, off := int64(0), int64(0); i < ncmds && off+8 <= int64(len(cmds)); i++ {
		c := cmds[off:]
		cmd, csize := bo.Uint32(c), int64(bo.Uint32(c[4:]))
		if csize < 8 || csize > int64(len(c)) {
			break // debug/macho reports it
		}
		c = c[:csize]
		switch cmd {
		case lcSymtab, lcDysymtab:
			o.patches = append(o.patches, patch{hsize + off, make([]byte, 4)})
		case lcSegment, lcSegment64:
			first, sectSize, nrelocAt, nsectsAt := int64(56), int64(68), int64(52), int64(48)
			if cmd == lcSegment64 {
				first, sectSize, nrelocAt, nsectsAt = 72, 80, 60, 64
			}
			if csize < first {
				break
			}
			nsects := int64(bo.Uint32(c[nsectsAt:]))
			for s := int64(0); s < nsects && first+(s+1)*sectSize <= csize; s++ {
				relocs += int64(bo.Uint32(c[first+s*sectSize+nrelocAt:]))
			}
		}
		off += csize
	}
	if relocs > maxMachORelocations {
		return nil, fmt.Errorf("%d section relocations, more than %d: %w", relocs, maxMachORelocations, ErrTooLarge)
	}
	return o, nil
}

// checkFatHeader refuses a universal file that claims more architectures
// than any real one has, before debug/macho reads their headers.
func checkFatHeader(r io.ReaderAt) error {
	var h [8]byte
	if len(readAtMost(r, h[:], 0)) < 8 {
		return nil
	}
	if n := binary.BigEndian.Uint32(h[4:]); n > maxFatArchHeaders {
		return fmt.Errorf("%d architectures, more than %d: %w", n, maxFatArchHeaders, ErrTooLarge)
	}
	return nil
}
