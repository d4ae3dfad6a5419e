package cache

import (
	"fmt"
	"os"
)

// Stamp describes a file or directory by what stat says about it: its
// type, size, modification time and permissions, or "missing". It is how
// the cache notices changes outside the module that are too large to hash
// on every run: a directory's modification time changes when an entry is
// added, removed or renamed in it (installing a compiler into a PATH
// directory, a package manager unpacking into a sysroot), a file's when
// it is rewritten. Symbolic links are followed.
func Stamp(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return "missing"
	}
	kind := "file"
	if fi.IsDir() {
		kind = "dir"
	}
	return fmt.Sprintf("%s %d %d %v", kind, fi.Size(), fi.ModTime().UnixNano(), fi.Mode())
}

// Stamped is a path with its Stamp at some time.
type Stamped struct {
	Path  string `json:"path"`
	Stamp string `json:"stamp"`
}

// StampAll stamps each path.
func StampAll(paths []string) []Stamped {
	out := make([]Stamped, len(paths))
	for i, p := range paths {
		out[i] = Stamped{Path: p, Stamp: Stamp(p)}
	}
	return out
}

// Changed returns the first of ss whose path's stamp is not the one
// recorded, or "" when none changed.
func Changed(ss []Stamped) string {
	for _, s := range ss {
		if Stamp(s.Path) != s.Stamp {
			return s.Path
		}
	}
	return ""
}
