package cgoneeds

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xcheck-dev/xcheck/abi"
)

// Limits of the ar reader.
const (
	// maxArMembers bounds the members of an archive that are looked at.
	maxArMembers = 1 << 16
	// maxArELFMembers is how many ELF members of an archive are read;
	// an archive made for one architecture has the same machine in
	// every member.
	maxArELFMembers = 8
	// maxArNameTable caps the GNU long-name table ("//") that is read.
	maxArNameTable = 1 << 20
)

// arch is the ELF identification of a GOARCH's objects.
type arch struct {
	machine elf.Machine
	class   elf.Class
	data    elf.Data
}

// archOf returns the ELF identification of goarch's objects (abi's table).
func archOf(goarch string) (arch, bool) {
	m, c, d, ok := abi.ELFIdent(goarch)
	return arch{m, c, d}, ok
}

// elfGOOS are the systems whose objects and libraries are ELF.
var elfGOOS = map[string]bool{
	"linux": true, "android": true, "freebsd": true, "netbsd": true, "openbsd": true,
	"dragonfly": true, "illumos": true, "solaris": true,
}

// goarchOf returns the GOARCH whose objects have a's identification, or
// "".
func goarchOf(a arch) string {
	return abi.GOARCHOfELF(a.machine, a.class, a.data)
}

// describe names an ELF identification the way readelf would, with the
// GOARCH it belongs to: "aarch64 (EM_AARCH64, 64-bit LSB, arm64)".
func (a arch) describe() string {
	bits := "32-bit"
	if a.class == elf.ELFCLASS64 {
		bits = "64-bit"
	}
	order := "LSB"
	if a.data == elf.ELFDATA2MSB {
		order = "MSB"
	}
	s := fmt.Sprintf("%s, %s %s", a.machine, bits, order)
	if g := goarchOf(a); g != "" {
		s += ", GOARCH " + g
	}
	return s
}

// objKind is what a library or object file turned out to be.
type objKind uint8

const (
	objELF     objKind = iota + 1 // an ELF object or shared library
	objArchive                    // an ar archive (its ELF members are read)
	objScript                     // a GNU ld script
	objOther                      // something else (an error for ELF targets)
)

// object is what the checker learnt about one library or object file.
type object struct {
	kind objKind
	// parts are the ELF files read: the file itself, or the first
	// members of an archive (none for an archive without ELF members).
	parts  []part
	script *abi.LinkerScript
	// what describes a file of kind objOther ("a text file", "a PE/COFF
	// object") or why it could not be read.
	what string
	err  error
}

// part is one ELF file: a whole file or an archive member.
type part struct {
	arch   arch
	float  abi.FloatABI
	member string // archive member name, "" for a whole file
}

// readObject classifies the file of the given size that r reads.
func readObject(r io.ReaderAt, size int64, name string) *object {
	var head [512]byte
	n, err := r.ReadAt(head[:min(int64(len(head)), size)], 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return &object{kind: objOther, what: "unreadable", err: err}
	}
	h := head[:n]
	switch {
	case bytes.HasPrefix(h, []byte(elf.ELFMAG)):
		return readELFObject(r, size, name)
	case bytes.HasPrefix(h, []byte("!<arch>\n")):
		return readArchive(r, size, name)
	case bytes.HasPrefix(h, []byte("!<thin>\n")):
		// A thin archive names its members' files; they are not read.
		return &object{kind: objArchive}
	case size <= abi.MaxLinkerScriptSize && abi.LooksLikeLinkerScript(h):
		data := make([]byte, size)
		if _, err := r.ReadAt(data, 0); err != nil && !errors.Is(err, io.EOF) {
			return &object{kind: objOther, what: "unreadable", err: err}
		}
		sc, err := abi.ParseLinkerScript(data)
		if err != nil || len(sc.Inputs) == 0 {
			return &object{kind: objOther, what: "a text file that is not a linker script"}
		}
		return &object{kind: objScript, script: sc}
	}
	return &object{kind: objOther, what: describeMagic(h)}
}

func readELFObject(r io.ReaderAt, size int64, name string) *object {
	f, err := abi.NewELFFacts(r, size, name)
	if err != nil {
		return &object{kind: objOther, what: "a damaged ELF file", err: err}
	}
	pt := part{arch: arch{f.Machine, f.Class, f.Data}}
	if f.ARM != nil {
		pt.float, _ = f.ARM.EffectiveFloatABI()
	}
	return &object{kind: objELF, parts: []part{pt}}
}

// describeMagic names a non-ELF file format from its first bytes.
func describeMagic(h []byte) string {
	switch {
	case len(h) == 0:
		return "an empty file"
	case len(h) >= 2 && h[0] == 'M' && h[1] == 'Z':
		return "a PE (Windows) file"
	case len(h) >= 4 && (binary.LittleEndian.Uint32(h) == 0xfeedface || binary.LittleEndian.Uint32(h) == 0xfeedfacf ||
		binary.BigEndian.Uint32(h) == 0xfeedface || binary.BigEndian.Uint32(h) == 0xfeedfacf ||
		binary.BigEndian.Uint32(h) == 0xcafebabe):
		return "a Mach-O (Apple) file"
	case len(h) >= 4 && string(h[:4]) == "BC\xc0\xde":
		return "LLVM bitcode"
	case len(h) >= 2 && isCOFFMachine(binary.LittleEndian.Uint16(h)):
		return "a COFF object"
	case bytes.IndexByte(h, 0) < 0:
		return "a text file"
	}
	return "not an ELF file"
}

func isCOFFMachine(m uint16) bool {
	switch m {
	case 0x14c, 0x8664, 0xaa64, 0x1c4, 0x5064:
		return true
	}
	return false
}

// readArchive reads the ELF identification of the first ELF members of an
// ar archive (System V/GNU or BSD variant). Every header field is checked
// against the file size before use.
func readArchive(r io.ReaderAt, size int64, name string) *object {
	o := &object{kind: objArchive}
	var names []byte // GNU long-name table
	off := int64(8)
	elfSeen := 0
	var firstOther string
	for i := 0; i < maxArMembers && off+60 <= size; i++ {
		var hdr [60]byte
		if _, err := r.ReadAt(hdr[:], off); err != nil {
			return &object{kind: objOther, what: "a damaged ar archive", err: err}
		}
		if hdr[58] != '`' || hdr[59] != '\n' {
			return &object{kind: objOther, what: "a damaged ar archive", err: fmt.Errorf("bad member header at offset %d", off)}
		}
		mname := strings.TrimRight(string(hdr[0:16]), " ")
		msize, err := strconv.ParseInt(strings.TrimSpace(string(hdr[48:58])), 10, 64)
		data := off + 60
		if err != nil || msize < 0 || msize > size-data {
			return &object{kind: objOther, what: "a damaged ar archive", err: fmt.Errorf("bad member size at offset %d", off)}
		}
		next := data + msize + msize%2
		// BSD long names: "#1/LEN", the name precedes the data.
		if rest, ok := strings.CutPrefix(mname, "#1/"); ok {
			if l, err := strconv.ParseInt(rest, 10, 64); err == nil && l >= 0 && l <= msize && l <= 4096 {
				buf := make([]byte, l)
				if _, err := r.ReadAt(buf, data); err == nil {
					mname = strings.TrimRight(string(buf), "\x00")
				}
				data += l
				msize -= l
			}
		}
		switch {
		case mname == "/" || mname == "/SYM64/" || strings.HasPrefix(mname, "__.SYMDEF"):
			// symbol table
		case mname == "//":
			if msize <= maxArNameTable {
				names = make([]byte, msize)
				if _, err := r.ReadAt(names, data); err != nil {
					names = nil
				}
			}
		default:
			mname = longName(mname, names)
			var magic [4]byte
			if msize >= 4 {
				if _, err := r.ReadAt(magic[:], data); err != nil {
					return &object{kind: objOther, what: "a damaged ar archive", err: err}
				}
			}
			if string(magic[:]) == elf.ELFMAG {
				m := readELFObject(io.NewSectionReader(r, data, msize), msize, name+"("+mname+")")
				if m.kind != objELF {
					return &object{kind: objOther, what: fmt.Sprintf("an archive with a damaged member %q", mname), err: m.err}
				}
				pt := m.parts[0]
				pt.member = mname
				o.parts = append(o.parts, pt)
				elfSeen++
				if elfSeen >= maxArELFMembers {
					return o
				}
			} else if firstOther == "" && msize > 0 {
				var h [64]byte
				n, _ := r.ReadAt(h[:min(int64(len(h)), msize)], data)
				if d := describeMagic(h[:n]); d != "a text file" && d != "LLVM bitcode" {
					firstOther = fmt.Sprintf("member %q is %s", mname, d)
				}
			}
		}
		off = next
	}
	if off < size && off+60 > size && len(bytes.Trim(readTail(r, off, size), "\n")) > 0 {
		return &object{kind: objOther, what: "a damaged ar archive", err: fmt.Errorf("%d stray bytes at offset %d", size-off, off)}
	}
	if len(o.parts) == 0 && firstOther != "" {
		return &object{kind: objOther, what: "an archive of non-ELF objects (" + firstOther + ")"}
	}
	return o
}

// readTail reads the bytes from off to size (fewer than 60).
func readTail(r io.ReaderAt, off, size int64) []byte {
	buf := make([]byte, size-off)
	n, _ := r.ReadAt(buf, off)
	return buf[:n]
}

// longName resolves a GNU long member name "/123" in the name table.
func longName(name string, table []byte) string {
	if len(name) < 2 || name[0] != '/' || table == nil {
		return strings.TrimSuffix(name, "/")
	}
	i, err := strconv.Atoi(name[1:])
	if err != nil || i < 0 || i >= len(table) {
		return name
	}
	end := bytes.IndexByte(table[i:], '\n')
	if end < 0 {
		end = len(table) - i
	}
	return strings.TrimSuffix(string(table[i:i+end]), "/")
}
