package abi

import (
	"errors"
	"fmt"
)

// ErrNotELF is wrapped by the error [ReadELF] and [NewELFFacts] return for a
// file that does not start with the ELF magic number (a text file, a GNU ld
// script, an ar archive).
var ErrNotELF = errors.New("not an ELF file")

// ErrNoLibc is wrapped by the [Problem] that [ReadSysroot] records when it
// finds no C library in a sysroot.
var ErrNoLibc = errors.New("no C library found")

// ErrSymlinkLoop is wrapped by the error [Resolve] returns when a path needs
// more than [MaxSymlinkHops] symbolic links.
var ErrSymlinkLoop = errors.New("too many levels of symbolic links")

// FormatError reports malformed contents in a file: a size, count or offset
// that does not fit the file, or a structure that does not parse.
type FormatError struct {
	File    string // name of the file, as given to the reader
	Section string // ELF section or segment, if known ("" if not)
	Off     int64  // byte offset in the file where the problem is, or -1
	Msg     string // what is wrong, lowercase
	Err     error  // underlying error, if any
}

func (e *FormatError) Error() string {
	s := "abi: " + e.File + ": "
	if e.Section != "" {
		s += e.Section + ": "
	}
	s += e.Msg
	if e.Off >= 0 {
		s += fmt.Sprintf(" (at offset %#x)", e.Off)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *FormatError) Unwrap() error { return e.Err }

// ParseError is the error of the small parsers in this package
// ([ParseNotes], [ParseARMAttributes], [ParseMIPSABIFlags],
// [ParseLinkerScript]). Off is relative to the start of the parsed data;
// the ELF layer turns it into a [FormatError] with an absolute file offset.
type ParseError struct {
	Off int    // byte offset in the parsed data
	Msg string // what is wrong, lowercase
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s (at byte %d)", e.Msg, e.Off)
}

func perr(off int, format string, args ...any) error {
	return &ParseError{Off: off, Msg: fmt.Sprintf(format, args...)}
}

// fileError converts an error from one of the small parsers of the section
// or segment at file offset base into a FormatError.
func fileError(file, section string, base int64, err error) error {
	var pe *ParseError
	if errors.As(err, &pe) {
		return &FormatError{File: file, Section: section, Off: base + int64(pe.Off), Msg: pe.Msg}
	}
	return &FormatError{File: file, Section: section, Off: -1, Msg: "malformed contents", Err: err}
}
