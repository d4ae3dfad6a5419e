package cache

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"debug/macho"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"strconv"
	"sync"
)

// Hash builds a Key from labelled values. Every label and value is
// length-prefixed, so that no two different sequences of Add calls give
// the same key.
type Hash struct{ h hash.Hash }

// NewHash starts the key of an entry of kind, for this cache format.
func NewHash(kind Kind) *Hash {
	h := &Hash{h: sha256.New()}
	h.Add("xcheck-cache", strconv.Itoa(formatVersion), string(kind))
	return h
}

// Add adds a label and its values.
func (h *Hash) Add(label string, values ...string) *Hash {
	h.str(label)
	h.num(uint64(len(values)))
	for _, v := range values {
		h.str(v)
	}
	return h
}

// AddBytes adds a label and a byte string.
func (h *Hash) AddBytes(label string, b []byte) *Hash {
	h.str(label)
	h.num(1)
	h.num(uint64(len(b)))
	h.h.Write(b)
	return h
}

// AddKey adds a label and another key.
func (h *Hash) AddKey(label string, k Key) *Hash { return h.AddBytes(label, k[:]) }

func (h *Hash) str(s string) {
	h.num(uint64(len(s)))
	io.WriteString(h.h, s)
}

func (h *Hash) num(n uint64) {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	h.h.Write(b[:])
}

// Sum returns the key. The Hash may be added to afterwards.
func (h *Hash) Sum() Key {
	var k Key
	h.h.Sum(k[:0])
	return k
}

// SelfID identifies the running xcheck executable, so that results
// computed by another xcheck (another version, or the same source built
// differently) are never used: the Go build ID the linker stores in the
// executable, whose second half is a hash of the executable's content, or
// the SHA-256 of the executable when it has none (-buildid=). It is
// computed once per process.
var SelfID = sync.OnceValues(func() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("finding the xcheck executable: %v", err)
	}
	return FileID(exe)
})

// FileID returns the Go build ID of the executable file name, or the
// SHA-256 of its content when it has no build ID.
func FileID(name string) (string, error) {
	if id, err := ReadBuildID(name); err == nil && id != "" {
		return "buildid:" + id, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// buildIDPrefix starts the build ID the Go linker writes at the start of
// the text of non-ELF executables.
const buildIDPrefix = "\xff Go build ID: \""

// maxNote bounds the ELF note section read for the build ID.
const maxNote = 1 << 16

// ReadBuildID returns the Go build ID of an executable: from its
// ".note.go.buildid" ELF note, or for other formats from the start of the
// text (Mach-O) or of the file (PE), where the linker writes it, the way
// `go tool buildid` finds it. It returns "" and no error when the file
// has none.
func ReadBuildID(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var head [4]byte
	if _, err := io.ReadFull(f, head[:]); err != nil {
		return "", err
	}
	switch {
	case string(head[:]) == elf.ELFMAG:
		ef, err := elf.NewFile(f)
		if err != nil {
			return "", err
		}
		s := ef.Section(".note.go.buildid")
		if s == nil || s.Size > maxNote {
			return "", nil
		}
		data, err := s.Data()
		if err != nil {
			return "", err
		}
		return elfNoteID(data, ef.ByteOrder), nil
	case isMachO(head):
		mf, err := macho.NewFile(f)
		if err != nil {
			return "", err
		}
		if s := mf.Section("__text"); s != nil {
			buf := make([]byte, 1024)
			n, _ := f.ReadAt(buf, int64(s.Offset))
			return rawID(buf[:n]), nil
		}
		return "", nil
	}
	buf := make([]byte, 32<<10)
	n, _ := f.ReadAt(buf, 0)
	return rawID(buf[:n]), nil
}

func isMachO(b [4]byte) bool {
	be, le := binary.BigEndian.Uint32(b[:]), binary.LittleEndian.Uint32(b[:])
	for _, m := range []uint32{macho.Magic32, macho.Magic64, macho.MagicFat} {
		if be == m || le == m {
			return true
		}
	}
	return false
}

// elfNoteID finds the Go build ID note (name "Go", type 4) in the
// contents of a note section.
func elfNoteID(data []byte, bo binary.ByteOrder) string {
	for len(data) >= 12 {
		namesz, descsz, typ := bo.Uint32(data), bo.Uint32(data[4:]), bo.Uint32(data[8:])
		data = data[12:]
		nameEnd := align4(uint64(namesz))
		descEnd := nameEnd + align4(uint64(descsz))
		if descEnd > uint64(len(data)) {
			return ""
		}
		name := data[:namesz]
		desc := data[nameEnd : nameEnd+uint64(descsz)]
		if typ == 4 && string(bytes.TrimRight(name, "\x00")) == "Go" {
			return string(desc)
		}
		data = data[descEnd:]
	}
	return ""
}

func align4(n uint64) uint64 { return (n + 3) &^ 3 }

// rawID finds `\xff Go build ID: "ID"` in b.
func rawID(b []byte) string {
	i := bytes.Index(b, []byte(buildIDPrefix))
	if i < 0 {
		return ""
	}
	b = b[i+len(buildIDPrefix):]
	j := bytes.IndexByte(b, '"')
	if j < 0 {
		return ""
	}
	id, err := strconv.Unquote(`"` + string(b[:j]) + `"`)
	if err != nil {
		return ""
	}
	return id
}
