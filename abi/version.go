package abi

import (
	"fmt"
	"strconv"
	"strings"
)

// maxVersionParts caps the number of numeric parts of a version name.
const maxVersionParts = 8

// splitVersion splits a symbol version name such as "GLIBC_2.2.5" into its
// prefix ("GLIBC_") and its numeric parts ([2 2 5]). A name whose tail after
// the last '_' is not a dotted list of decimal numbers ("GLIBC_PRIVATE",
// "GLIBC_ABI_DT_RELR"), or that has more than 8 parts or a part above
// 2^32-1, is not numeric: it returns the whole name and ok false.
func splitVersion(name string) (prefix string, parts []uint32, ok bool) {
	i := strings.LastIndexAny(name, "_")
	tail := name[i+1:]
	if tail == "" {
		return name, nil, false
	}
	fields := strings.Split(tail, ".")
	if len(fields) > maxVersionParts {
		return name, nil, false
	}
	parts = make([]uint32, 0, len(fields))
	for _, f := range fields {
		if f == "" || f[0] == '+' || f[0] == '-' {
			return name, nil, false
		}
		n, err := strconv.ParseUint(f, 10, 32)
		if err != nil {
			return name, nil, false
		}
		parts = append(parts, uint32(n))
	}
	return name[:i+1], parts, true
}

// CompareVersions compares two symbol version names and returns -1, 0 or
// +1. Names are ordered by their prefix first ("GLIBC_" < "GLIBC_PRIVATE"),
// then by their numeric parts, part by part as numbers, so "GLIBC_2.9" <
// "GLIBC_2.10" and "GLIBC_2.2" < "GLIBC_2.2.5". Non-numeric names
// ("GLIBC_PRIVATE") compare as plain strings against their own prefix
// group.
func CompareVersions(a, b string) int {
	pa, va, oka := splitVersion(a)
	pb, vb, okb := splitVersion(b)
	if c := strings.Compare(pa, pb); c != 0 {
		return c
	}
	if oka != okb { // same prefix string, one numeric: impossible, but stay total
		if !oka {
			return 1
		}
		return -1
	}
	return compareParts(va, vb)
}

func compareParts(a, b []uint32) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

// MaxVersion returns the highest of names that is prefix followed by a
// numeric version (MaxVersion(defs, "GLIBC_") is "GLIBC_2.36" for glibc
// 2.36), and false if there is none. Non-numeric names such as
// "GLIBC_PRIVATE" and "GLIBC_ABI_DT_RELR" are ignored.
func MaxVersion(names []string, prefix string) (string, bool) {
	best := ""
	var bestParts []uint32
	for _, n := range names {
		if !strings.HasPrefix(n, prefix) {
			continue
		}
		p, parts, ok := splitVersion(n)
		if !ok || p != prefix {
			continue
		}
		if best == "" || compareParts(parts, bestParts) > 0 {
			best, bestParts = n, parts
		}
	}
	return best, best != ""
}

// GlibcVersion is a glibc release, 2.36 or 2.2.5.
type GlibcVersion struct {
	Major, Minor, Patch int
}

// ParseGlibcVersion parses "GLIBC_2.36", "2.36" or "2.2.5". It returns
// false for non-numeric names such as "GLIBC_PRIVATE".
func ParseGlibcVersion(s string) (GlibcVersion, bool) {
	s = strings.TrimPrefix(s, "GLIBC_")
	fields := strings.Split(s, ".")
	if len(fields) < 2 || len(fields) > 3 {
		return GlibcVersion{}, false
	}
	var n [3]int
	for i, f := range fields {
		if f == "" || f[0] < '0' || f[0] > '9' {
			return GlibcVersion{}, false
		}
		v, err := strconv.ParseUint(f, 10, 16)
		if err != nil {
			return GlibcVersion{}, false
		}
		n[i] = int(v)
	}
	return GlibcVersion{n[0], n[1], n[2]}, true
}

// String returns "2.36", or "2.2.5" when the patch level is not zero.
func (v GlibcVersion) String() string {
	if v.Patch != 0 {
		return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
	}
	return fmt.Sprintf("%d.%d", v.Major, v.Minor)
}

// Compare returns -1, 0 or +1 as v is older than, the same as or newer
// than w.
func (v GlibcVersion) Compare(w GlibcVersion) int {
	return compareParts(
		[]uint32{uint32(v.Major), uint32(v.Minor), uint32(v.Patch)},
		[]uint32{uint32(w.Major), uint32(w.Minor), uint32(w.Patch)})
}
