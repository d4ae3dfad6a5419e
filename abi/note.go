package abi

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strconv"
)

// Limits of the note parser.
const (
	// MaxNoteData caps the size of one SHT_NOTE section or PT_NOTE segment
	// that is read; note sections are a few hundred bytes in practice.
	MaxNoteData = 1 << 20
	// maxNotes caps the number of notes parsed from one section or segment.
	maxNotes = 1 << 14
)

// NT_GNU_ABI_TAG is the type of the GNU ABI tag note (.note.ABI-tag).
const NT_GNU_ABI_TAG = 1

// Note is one ELF note (an entry of an SHT_NOTE section or PT_NOTE segment).
type Note struct {
	Name string // owner ("GNU"), without the terminating NUL
	Type uint32
	Desc []byte // descriptor; a sub-slice of the parsed data
	Off  int    // offset of the note header in the parsed data
}

// ParseNotes parses the notes in data, whose words are in byte order bo.
// align is the alignment of the name and descriptor fields: 4 for the
// usual notes, 8 for notes in a section or segment aligned to 8 (such as
// .note.gnu.property on 64-bit targets); any other value is taken as 4.
//
// Each note is namesz, descsz and type (three 32-bit words), then the name
// and the descriptor; the descriptor and the next note start at the next
// multiple of align from the start of the note, as in binutils. Every size is checked against
// the remaining data; at most 16384 notes are returned. A missing padding
// after the last descriptor is accepted, as binutils does.
func ParseNotes(data []byte, bo binary.ByteOrder, align int) ([]Note, error) {
	if align != 8 {
		align = 4
	}
	var notes []Note
	off := 0
	for off < len(data) {
		if len(notes) >= maxNotes {
			return nil, perr(off, "more than %d notes", maxNotes)
		}
		rest := len(data) - off
		if rest < 12 {
			if allZero(data[off:]) {
				break // trailing padding
			}
			return nil, perr(off, "truncated note header: %d bytes left, need 12", rest)
		}
		namesz := uint64(bo.Uint32(data[off:]))
		descsz := uint64(bo.Uint32(data[off+4:]))
		typ := bo.Uint32(data[off+8:])
		start := uint64(off)
		pos := start + 12
		end := uint64(len(data))
		if namesz > end-pos {
			return nil, perr(off, "note name size %d exceeds the %d bytes left", namesz, end-pos)
		}
		name := data[pos : pos+namesz]
		// As in binutils (ELF_NOTE_DESC_OFFSET), the descriptor starts at
		// header+name rounded up to align, from the start of the note.
		pos = start + alignUp(12+namesz, align)
		if pos > end {
			return nil, perr(off, "note name padding exceeds the data")
		}
		if descsz > end-pos {
			return nil, perr(off, "note descriptor size %d exceeds the %d bytes left", descsz, end-pos)
		}
		desc := data[pos : pos+descsz : pos+descsz]
		next := start + alignUp(pos-start+descsz, align)
		if next > end {
			next = end // the last note may lack its padding
		}
		notes = append(notes, Note{
			Name: string(bytes.TrimRight(name, "\x00")),
			Type: typ,
			Desc: desc,
			Off:  off,
		})
		off = int(next)
	}
	return notes, nil
}

func alignUp(n uint64, align int) uint64 {
	a := uint64(align)
	return (n + a - 1) &^ (a - 1)
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// ABITagOS is the operating system field of the GNU ABI tag.
type ABITagOS uint32

// Operating systems of the GNU ABI tag (glibc elf.h ELF_NOTE_OS_*).
const (
	ABITagLinux   ABITagOS = 0
	ABITagGNU     ABITagOS = 1 // GNU/Hurd
	ABITagSolaris ABITagOS = 2
	ABITagFreeBSD ABITagOS = 3 // GNU/kFreeBSD
)

func (o ABITagOS) String() string {
	switch o {
	case ABITagLinux:
		return "Linux"
	case ABITagGNU:
		return "GNU/Hurd"
	case ABITagSolaris:
		return "Solaris"
	case ABITagFreeBSD:
		return "FreeBSD"
	}
	return "ABITagOS(" + strconv.FormatUint(uint64(o), 10) + ")"
}

// ABITag is the NT_GNU_ABI_TAG note: the oldest kernel the C library (or
// a program linked with its crt1.o) supports.
type ABITag struct {
	OS                  ABITagOS
	Major, Minor, Patch uint32
}

// String returns the kernel version, "3.2.0".
func (t ABITag) String() string {
	return fmt.Sprintf("%d.%d.%d", t.Major, t.Minor, t.Patch)
}

// Compare compares the kernel versions of t and u (not the OS) and
// returns -1, 0 or +1.
func (t ABITag) Compare(u ABITag) int {
	for _, d := range [...][2]uint32{{t.Major, u.Major}, {t.Minor, u.Minor}, {t.Patch, u.Patch}} {
		if d[0] != d[1] {
			if d[0] < d[1] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// ABITagFromNote returns the ABI tag n carries, if n is a GNU ABI tag note
// (name "GNU", type 1, a descriptor of at least four words).
func ABITagFromNote(n Note, bo binary.ByteOrder) (ABITag, bool) {
	if n.Name != "GNU" || n.Type != NT_GNU_ABI_TAG || len(n.Desc) < 16 {
		return ABITag{}, false
	}
	return ABITag{
		OS:    ABITagOS(bo.Uint32(n.Desc)),
		Major: bo.Uint32(n.Desc[4:]),
		Minor: bo.Uint32(n.Desc[8:]),
		Patch: bo.Uint32(n.Desc[12:]),
	}, true
}
