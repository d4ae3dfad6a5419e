package abi

import (
	"slices"
	"strings"
)

// The version needs of a file ([ELFFacts.Needs]) answer "which C library
// versions does this binary need, and why": each [NeededLibrary] is one
// Elf_Verneed entry of .gnu.version_r (a library named in DT_NEEDED), each
// [NeededVersion] one of its Elf_Vernaux entries ("GLIBC_2.34"), and
// NeededVersion.Symbols the undefined dynamic symbols whose .gnu.version
// entry points at that version ("pthread_create", "__libc_start_main").
// Weak references are included; a version needed only through weak
// references has VER_FLG_WEAK in Flags. The symbols are sorted and
// deduplicated; a version that no symbol points at (GLIBC_ABI_DT_RELR,
// which the linker adds for the loader, not for a symbol) has none.
//
// Version names are compared with [CompareVersions]: prefix first, then
// part by part as numbers, so GLIBC_2.9 < GLIBC_2.10 < GLIBC_2.34, and
// names without a numeric tail (GLIBC_PRIVATE, GLIBC_ABI_DT_RELR) are never
// above a numeric floor.

// VersionNeed is one version a file needs from one library, with the
// symbols that need it.
type VersionNeed struct {
	Library string // the library that must define it: "libc.so.6"
	NeededVersion
}

// NeededVersions returns every version f needs whose name starts with
// prefix ("GLIBC_", "GLIBCXX_", "" for all), with the library it is needed
// from, in file order.
func (f *ELFFacts) NeededVersions(prefix string) []VersionNeed {
	var out []VersionNeed
	for _, l := range f.Needs {
		for _, v := range l.Versions {
			if strings.HasPrefix(v.Name, prefix) {
				out = append(out, VersionNeed{Library: l.Library, NeededVersion: v})
			}
		}
	}
	return out
}

// NeededVersionsAbove returns the numeric versions with the given prefix
// ("GLIBC_") that f needs and that are newer than floor, a version of the
// same family written with or without the prefix ("GLIBC_2.28" or
// "2.28"). They are sorted newest first, then by library. Non-numeric
// names (GLIBC_PRIVATE, GLIBC_ABI_DT_RELR) are never returned: no floor
// can be compared with them. An empty prefix or a floor that is not a
// numeric version returns nil.
//
//	x.NeededVersionsAbove("GLIBC_", "2.28")
//	// [{libc.so.6 GLIBC_2.34 [__libc_start_main pthread_create ...]}
//	//  {libc.so.6 GLIBC_2.32 [pthread_sigmask ...]}]
func (f *ELFFacts) NeededVersionsAbove(prefix, floor string) []VersionNeed {
	if prefix == "" {
		return nil
	}
	if !strings.HasPrefix(floor, prefix) {
		floor = prefix + floor
	}
	fp, _, ok := splitVersion(floor)
	if !ok || fp != prefix {
		return nil
	}
	var out []VersionNeed
	for _, n := range f.NeededVersions(prefix) {
		p, _, ok := splitVersion(n.Name)
		if !ok || p != prefix {
			continue
		}
		if CompareVersions(n.Name, floor) > 0 {
			out = append(out, n)
		}
	}
	slices.SortStableFunc(out, func(a, b VersionNeed) int {
		if c := CompareVersions(b.Name, a.Name); c != 0 {
			return c
		}
		return strings.Compare(a.Library, b.Library)
	})
	return out
}

// IsNumericVersion reports whether name is a prefix followed by a dotted
// list of numbers ("GLIBC_2.2.5", "GLIBCXX_3.4.30"), as opposed to a
// named version ("GLIBC_PRIVATE", "GLIBC_ABI_DT_RELR"). Names such as
// "CXXABI_TM_1" are numeric in their own family ("CXXABI_TM_").
func IsNumericVersion(name string) bool {
	_, _, ok := splitVersion(name)
	return ok
}

// VersionPrefix returns the family of a version name: "GLIBC_" for
// "GLIBC_2.34", "GLIBCXX_" for "GLIBCXX_3.4.30". Non-numeric names are
// their own family ("GLIBC_PRIVATE").
func VersionPrefix(name string) string {
	p, _, _ := splitVersion(name)
	return p
}
