package abi

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
)

// SharedLibrary is a file of a sysroot found by the name a program's
// DT_NEEDED or PT_INTERP gives.
type SharedLibrary struct {
	// File is where it was found, relative to the sysroot, before
	// symbolic links are followed ("lib/libstdc++.so.6").
	File string
	// Facts is its ELF header, soname and version definitions
	// (.gnu.version_d); the version needs are not read.
	Facts *ELFFacts
}

// HasVersion reports whether the library defines the version name
// ("GLIBC_2.34").
func (l *SharedLibrary) HasVersion(name string) bool {
	for _, v := range l.Facts.Defined {
		if v.Name == name {
			return true
		}
	}
	return false
}

// LookupLibrary finds the shared library a program names in DT_NEEDED
// ("libssl.so.3") in the sysroot's library directories, in the order of
// LibDirs (the loader's default search), and reads what it defines. A
// name with a slash is a path, resolved inside the sysroot. Symbolic links
// are followed inside the sysroot ([Resolve]), and the file is read
// through an [os.Root].
//
// The error wraps [fs.ErrNotExist] when no library directory has the
// name. A file that is there but cannot be used (a dangling link, a
// directory, not ELF, malformed) is an error naming it, so that a broken
// sysroot is not mistaken for a missing library.
func (s *Sysroot) LookupLibrary(name string) (*SharedLibrary, error) {
	if name == "" || strings.ContainsRune(name, 0) {
		return nil, fmt.Errorf("abi: invalid library name %q", name)
	}
	rt, err := os.OpenRoot(s.Root)
	if err != nil {
		return nil, fmt.Errorf("abi: sysroot %s: %w", s.Root, err)
	}
	defer rt.Close()
	r := &sysrootReader{root: s.Root, given: s.Root, rt: rt, s: &Sysroot{Root: s.Root, LibDirs: s.LibDirs}}
	var f found
	if strings.Contains(name, "/") {
		ff, fi, err := r.stat(name)
		if err != nil {
			return nil, err
		}
		if !fi.Mode().IsRegular() {
			return nil, &fs.PathError{Op: "open", Path: ff.name, Err: fmt.Errorf("not a regular file (%s)", fi.Mode().Type())}
		}
		f = ff
	} else {
		ff, ok := r.find(name)
		if !ok {
			if len(r.s.Problems) > 0 {
				p := r.s.Problems[0]
				return nil, &fs.PathError{Op: "open", Path: p.Source.File, Err: unwrapPath(p.Err)}
			}
			return nil, &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("not in the library directories %s: %w", strings.Join(s.LibDirs, ", "), fs.ErrNotExist)}
		}
		f = ff
	}
	x, err := r.readELF(f, nil)
	if err != nil {
		return nil, err
	}
	return &SharedLibrary{File: f.name, Facts: x}, nil
}

// HasFile reports whether the absolute path p (a PT_INTERP such as
// "/lib/ld-linux-aarch64.so.1") names a regular file inside the sysroot,
// with symbolic links followed inside it, and returns the file relative
// to the sysroot. Loaders found by [ReadSysroot] ([Sysroot.HasLoader])
// count too.
func (s *Sysroot) HasFile(p string) (string, bool) {
	if s.HasLoader(p) {
		for _, l := range s.Loaders {
			if l.Path == path.Clean(p) {
				return l.File, true
			}
		}
	}
	rel, err := resolveRel(s.Root, p)
	if err != nil {
		return "", false
	}
	rt, err := os.OpenRoot(s.Root)
	if err != nil {
		return "", false
	}
	defer rt.Close()
	fi, err := rt.Stat(rel)
	if err != nil || !fi.Mode().IsRegular() {
		return "", false
	}
	return rel, true
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
