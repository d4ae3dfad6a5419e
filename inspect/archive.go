package inspect

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Limits of the archive walker. Every header field is checked against the
// archive's size before it is used, so a member can never claim more than
// the file holds; the caps below bound the work on a valid but huge file.
const (
	// MaxArchiveMembers caps the members WalkArchive visits.
	MaxArchiveMembers = 1 << 16
	// MaxMemberSize caps the size of a member whose data is handed out;
	// a larger member is an error.
	MaxMemberSize = 1 << 30
	// maxNameTable caps the GNU long-name table ("//") that is read.
	maxNameTable = 4 << 20
	// maxBSDName caps a BSD long name ("#1/LEN").
	maxBSDName = 4096
)

const (
	arMagic     = "!<arch>\n"
	arThinMagic = "!<thin>\n"
	arHeaderLen = 60
)

// Member is one member of an ar archive.
type Member struct {
	// Name is the member's name, with GNU ("/123") and BSD ("#1/20")
	// long names resolved and the GNU trailing slash removed.
	Name string
	// Header is the offset of its 60-byte header in the archive.
	Header int64
	// Data reads the member's data, and only that.
	Data *io.SectionReader
}

// Size returns the size of the member's data.
func (m Member) Size() int64 { return m.Data.Size() }

// ArchiveError is a damaged ar archive: a header, size or name that does
// not fit the file.
type ArchiveError struct {
	Off int64  // byte offset in the archive
	Msg string // what is wrong, lowercase
}

func (e *ArchiveError) Error() string {
	return fmt.Sprintf("damaged ar archive: %s (at offset %#x)", e.Msg, e.Off)
}

// ErrSkipRest, returned by the function WalkArchive calls, ends the walk
// without an error.
var ErrSkipRest = errors.New("skip the rest of the archive")

// IsArchive reports whether head, the first bytes of a file, starts an ar
// archive (GNU/System V or BSD; not a thin archive).
func IsArchive(head []byte) bool { return bytes.HasPrefix(head, []byte(arMagic)) }

// WalkArchive calls fn for each member of the ar archive of the given size
// that r reads, in archive order. The symbol tables ("/", "/SYM64/",
// "__.SYMDEF") and the GNU long-name table ("//") are not members. fn may
// return ErrSkipRest to stop early; any other error stops the walk and is
// returned.
//
// Every header is validated against the archive's size before use: a
// member whose size is not a decimal number, is negative, or extends past
// the end of the file, a bad header terminator, a long name outside the
// name table, or more than MaxArchiveMembers members are an
// [*ArchiveError], returned after fn has seen the members before it.
// Nothing larger than the long-name table (at most 4 MiB) is allocated.
func WalkArchive(r io.ReaderAt, size int64, fn func(Member) error) error {
	var magic [8]byte
	if size < int64(len(magic)) {
		return &ArchiveError{Off: 0, Msg: fmt.Sprintf("file of %d bytes is too short", size)}
	}
	if _, err := r.ReadAt(magic[:], 0); err != nil {
		return &ArchiveError{Off: 0, Msg: "cannot read the magic: " + err.Error()}
	}
	switch string(magic[:]) {
	case arMagic:
	case arThinMagic:
		return &ArchiveError{Off: 0, Msg: "a thin archive: its members are separate files, inspect those"}
	default:
		return &ArchiveError{Off: 0, Msg: fmt.Sprintf("bad magic %q", magic[:])}
	}
	var names []byte // GNU long-name table
	off := int64(len(magic))
	for n := 0; ; n++ {
		if off >= size {
			return nil
		}
		if size-off < arHeaderLen {
			// Some tools pad the end with a newline; anything else is a
			// truncated header.
			tail := make([]byte, size-off)
			if _, err := r.ReadAt(tail, off); err != nil && !errors.Is(err, io.EOF) {
				return &ArchiveError{Off: off, Msg: "cannot read: " + err.Error()}
			}
			if len(bytes.Trim(tail, "\n")) == 0 {
				return nil
			}
			return &ArchiveError{Off: off, Msg: fmt.Sprintf("truncated member header: %d bytes left, a header has %d", size-off, arHeaderLen)}
		}
		if n >= MaxArchiveMembers {
			return &ArchiveError{Off: off, Msg: fmt.Sprintf("more than %d members", MaxArchiveMembers)}
		}
		var hdr [arHeaderLen]byte
		if _, err := r.ReadAt(hdr[:], off); err != nil {
			return &ArchiveError{Off: off, Msg: "cannot read the member header: " + err.Error()}
		}
		if hdr[58] != '`' || hdr[59] != '\n' {
			return &ArchiveError{Off: off, Msg: "bad member header terminator"}
		}
		rawName := strings.TrimRight(string(hdr[0:16]), " ")
		sizeField := strings.TrimSpace(string(hdr[48:58]))
		msize, err := strconv.ParseInt(sizeField, 10, 64)
		if err != nil || msize < 0 || sizeField == "" || sizeField[0] == '+' || sizeField[0] == '-' {
			return &ArchiveError{Off: off + 48, Msg: fmt.Sprintf("member size %q is not a decimal number", sizeField)}
		}
		data := off + arHeaderLen
		if msize > size-data {
			return &ArchiveError{Off: off + 48, Msg: fmt.Sprintf("member %q claims %d bytes, only %d are left", rawName, msize, size-data)}
		}
		next := data + msize + msize%2
		name := rawName
		switch {
		case rawName == "/" || rawName == "/SYM64/" || strings.HasPrefix(rawName, "__.SYMDEF"):
			off = next
			continue
		case rawName == "//":
			if msize > maxNameTable {
				return &ArchiveError{Off: off, Msg: fmt.Sprintf("long-name table of %d bytes exceeds the %d-byte limit", msize, maxNameTable)}
			}
			names = make([]byte, msize)
			if _, err := r.ReadAt(names, data); err != nil && !(errors.Is(err, io.EOF) && msize == 0) {
				return &ArchiveError{Off: data, Msg: "cannot read the long-name table: " + err.Error()}
			}
			off = next
			continue
		case strings.HasPrefix(rawName, "#1/"):
			l, err := strconv.ParseInt(rawName[3:], 10, 64)
			if err != nil || l < 0 || l > msize || l > maxBSDName {
				return &ArchiveError{Off: off, Msg: fmt.Sprintf("bad BSD long name %q for a member of %d bytes", rawName, msize)}
			}
			buf := make([]byte, l)
			if _, err := r.ReadAt(buf, data); err != nil && !(errors.Is(err, io.EOF) && l == 0) {
				return &ArchiveError{Off: data, Msg: "cannot read a BSD long name: " + err.Error()}
			}
			name = strings.TrimRight(string(buf), "\x00")
			data += l
			msize -= l
		case len(rawName) > 1 && rawName[0] == '/' && isDigits(rawName[1:]):
			ln, err := longName(rawName, names)
			if err != nil {
				return &ArchiveError{Off: off, Msg: err.Error()}
			}
			name = ln
		default:
			name = strings.TrimSuffix(rawName, "/")
		}
		if msize > MaxMemberSize {
			return &ArchiveError{Off: off + 48, Msg: fmt.Sprintf("member %q of %d bytes exceeds the %d-byte limit", name, msize, int64(MaxMemberSize))}
		}
		if err := fn(Member{Name: name, Header: off, Data: io.NewSectionReader(r, data, msize)}); err != nil {
			if errors.Is(err, ErrSkipRest) {
				return nil
			}
			return err
		}
		off = next
	}
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// longName resolves a GNU long member name "/123" in the name table,
// where names end with "/\n".
func longName(name string, table []byte) (string, error) {
	i, err := strconv.ParseInt(name[1:], 10, 64)
	if err != nil || i < 0 || i >= int64(len(table)) {
		return "", fmt.Errorf("long name %q is outside the name table of %d bytes", name, len(table))
	}
	rest := table[i:]
	end := bytes.IndexByte(rest, '\n')
	if end < 0 {
		end = len(rest)
	}
	return strings.TrimSuffix(string(rest[:end]), "/"), nil
}
