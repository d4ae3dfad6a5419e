// Package boundedfile reads files of untrusted trees (modules, sysroots)
// whole, with a limit: a file larger than the limit, or not a regular
// file (a named pipe, whose open or read would block for ever; a device
// such as /dev/zero, which never ends), is refused before it is read, and
// the read itself is bounded, so that a file that grows while it is read
// costs at most the limit.
package boundedfile

import (
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Read reads the file name whole if it is a regular file of at most max
// bytes, else returns an [*Error]. what names the kind of file in the
// error ("a Go source file"). The FileInfo is that of the opened file,
// also with an *Error, when the file could be opened (nil otherwise).
func Read(name string, max int64, what string) ([]byte, fs.FileInfo, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return nil, nil, err
	}
	if err := check(name, fi, max, what); err != nil {
		return nil, fi, err
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	// Check what was opened, in case name was replaced since os.Stat.
	if fi, err = f.Stat(); err != nil {
		return nil, nil, err
	}
	if err := check(name, fi, max, what); err != nil {
		return nil, fi, err
	}
	// As os.ReadFile, with the buffer sized from the file and the reader
	// limited to one byte more than the limit, to see a file that grew.
	data := make([]byte, 0, fi.Size()+512)
	r := io.LimitReader(f, max+1)
	for {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		n, err := r.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fi, &fs.PathError{Op: "read", Path: name, Err: err}
		}
	}
	if int64(len(data)) > max {
		return nil, fi, &Error{Path: name, What: what, Max: max, Size: -1, Mode: fi.Mode()}
	}
	return data, fi, nil
}

// check returns an [*Error] when fi is not a regular file of at most max
// bytes.
func check(name string, fi fs.FileInfo, max int64, what string) error {
	if !fi.Mode().IsRegular() || fi.Size() > max {
		return &Error{Path: name, What: what, Max: max, Size: fi.Size(), Mode: fi.Mode()}
	}
	return nil
}

// Error is why Read did not read a file: it is not a regular file, or it
// is larger than the limit.
type Error struct {
	Path string
	What string // the kind of file: "a Go source file"
	Max  int64  // the limit
	Size int64  // the file's size; -1 when it grew past the limit while being read
	Mode fs.FileMode
}

func (e *Error) Error() string {
	if !e.Mode.IsRegular() {
		return fmt.Sprintf("%s is %s, not a regular file: not read", e.Path, fileKind(e.Mode))
	}
	if e.Size < 0 {
		return fmt.Sprintf("%s grew past the %s limit for %s while being read: not read", e.Path, limit(e.Max), e.What)
	}
	return fmt.Sprintf("%s is %s (%d bytes), over the %s limit for %s: not read", e.Path, HumanSize(e.Size), e.Size, limit(e.Max), e.What)
}

// limit renders a limit: "64 MiB" for whole MiBs, else as HumanSize.
func limit(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return HumanSize(n)
}

// fileKind names the type of a file that is not a regular one.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "a special file (" + m.Type().String() + ")"
}

// HumanSize renders n bytes in the largest binary unit under which it is
// at least 1: "4.0 GiB", "65.0 MiB".
func HumanSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
