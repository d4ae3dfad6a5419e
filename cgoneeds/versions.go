package cgoneeds

import (
	"debug/elf"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/xcheck-dev/xcheck/abi"
	"github.com/xcheck-dev/xcheck/analyzers/graph"
	"github.com/xcheck-dev/xcheck/finding"
)

// PrebuiltVersionNeeds is XC4013.
var PrebuiltVersionNeeds = &finding.Rule{
	ID: "XC4013", Name: "prebuilt-version-needs", Severity: finding.Error,
	Title: "a prebuilt shared library of a cgo link needs symbol versions the target's C library does not have",
	Why: "A shared library shipped in a module (or in an `-L` directory outside the sysroot) was linked " +
		"against some C library, and its `.gnu.version_r` records the versions it needs from each " +
		"library it depends on: `pthread_create@GLIBC_2.34`, `std::__throw_bad_array_new_length()` " +
		"from `GLIBCXX_3.4.29`. When the sysroot's library does not define such a version, the cgo link " +
		"fails (\"undefined reference to `pthread_create@GLIBC_2.34`\"); when the sysroot has it but the " +
		"declared `--glibc` floor is older, the program links and then fails to start on the older " +
		"systems (\"version `GLIBC_2.34' not found (required by libfoo.so)\"). xcheck reads the library's " +
		"version needs and the symbols that need each version, looks up each library it needs in the " +
		"sysroot (following links inside it) and compares the versions part by part as numbers. A missing " +
		"version, or a library the sysroot does not have at all, is an error; a GLIBC version above the " +
		"floor only is a warning. Versions needed only through weak references are skipped, like the " +
		"loader skips them.",
	Example: "```\n$ xcheck -t linux/arm64 --cgo on --glibc 2.28 ./...\n" +
		"native/native.go:3:11: warning XC4013 [linux/arm64] prebuilt \"native/lib/libfoo.so\" needs GLIBC_2.34 from libc.so.6, newer than the --glibc floor 2.28\n" +
		"    why: example.com/demo -> example.com/demo/native\n" +
		"    why: from #cgo LDFLAGS\n" +
		"    why: GLIBC_2.34: pthread_create\n" +
		"    fix: rebuild libfoo.so against glibc 2.28 or older (an older sysroot, or zig cc -target aarch64-linux-gnu.2.28), or raise the floor\n```",
	Fix: "rebuild the library against the target's sysroot (or one as old as the oldest system it must run on), or use a build of it that needs only the versions the target provides",
}

// maxVersionSymbols is how many symbols are named per version.
const maxVersionSymbols = 8

// versionNeeds checks the version needs of the shared library at path,
// which the link of p uses, against the sysroot's libraries and the
// glibc floor. Libraries of the sysroot itself are not checked: they
// match it by construction, and XC4003 holds its glibc against the floor.
func (c *checker) versionNeeds(p *graph.Package, from origin, path string, dirs []dirSpec) {
	if c.lay.root != "" && within(c.lay.root, path) {
		return
	}
	if c.facts == nil && c.readFacts != nil {
		c.facts, c.readFacts = c.readFacts(), nil
	}
	if c.facts == nil {
		return
	}
	key := "XC4013\x00" + path
	if c.seen[key] {
		return
	}
	c.seen[key] = true
	x, err := abi.ReadELF(path)
	if err != nil || x.Type != elf.ET_DYN || len(x.Needed) == 0 {
		return // not a shared library with version needs (XC4011 judges the rest)
	}
	shown := c.display(p, path)
	needs := map[string][]abi.NeededVersion{}
	for _, l := range x.Needs {
		needs[l.Library] = l.Versions
	}
	reported := map[string]bool{}
	for _, name := range x.Needed {
		lib, err := c.facts.LookupLibrary(name)
		if err != nil {
			if c.shippedWith(path, name, dirs) {
				continue // next to it or in an -L directory: shipped along
			}
			f := c.newFinding(p, PrebuiltVersionNeeds, from, fmt.Sprintf("prebuilt %q needs %s, which the sysroot does not have", shown, name))
			if !errors.Is(err, fs.ErrNotExist) {
				f.Why = append(f.Why, err.Error())
			}
			f.Why = append(f.Why, "the linker warns \""+name+", needed by "+baseName(path)+", not found\" and the program does not start without it")
			f.Fix = fmt.Sprintf("install the target's package of %s into the sysroot, ship it next to %s, or rebuild %s without it", name, baseName(path), baseName(path))
			c.report(f)
			continue
		}
		var missing []abi.NeededVersion
		for _, v := range needs[name] {
			if v.Flags&elf.VER_FLG_WEAK != 0 || lib.HasVersion(v.Name) {
				continue
			}
			missing = append(missing, v)
			reported[name+"\x00"+v.Name] = true
		}
		if len(missing) == 0 {
			continue
		}
		var names []string
		for _, v := range missing {
			names = append(names, v.Name)
		}
		f := c.newFinding(p, PrebuiltVersionNeeds, from, fmt.Sprintf("prebuilt %q needs %s from %s, which the sysroot's %s does not define",
			shown, strings.Join(names, ", "), name, lib.File))
		f.Why = append(f.Why, versionWhy(missing)...)
		if newest, ok := lib.Facts.MaxDefinedVersion(abi.VersionPrefix(names[0])); ok {
			f.Why = append(f.Why, fmt.Sprintf("the sysroot's %s defines up to %s", lib.File, newest))
		}
		f.Why = append(f.Why, fmt.Sprintf("the link fails with \"undefined reference to `%s@%s'\"", firstSymbol(missing), missing[0].Name))
		f.Fix = fmt.Sprintf("rebuild %s against this sysroot (CC=%s), or use a sysroot whose %s is new enough", baseName(path), c.suggestCC(), name)
		c.report(f)
	}
	if c.glibcFloor == "" {
		return
	}
	var above []abi.NeededVersion
	var libs []string
	for _, n := range x.NeededVersionsAbove("GLIBC_", c.glibcFloor) {
		if n.Flags&elf.VER_FLG_WEAK != 0 || reported[n.Library+"\x00"+n.Name] {
			continue
		}
		above = append(above, n.NeededVersion)
		libs = appendUnique(libs, n.Library)
	}
	if len(above) == 0 {
		return
	}
	var names []string
	for _, v := range above {
		names = appendUnique(names, v.Name)
	}
	f := c.newFinding(p, PrebuiltVersionNeeds, from, fmt.Sprintf("prebuilt %q needs %s from %s, newer than the --glibc floor %s",
		shown, strings.Join(names, ", "), strings.Join(libs, ", "), c.glibcFloor))
	f.Severity = finding.Warning
	f.Why = append(f.Why, versionWhy(above)...)
	f.Why = append(f.Why, fmt.Sprintf("on a system with glibc %s the program does not start: version `%s' not found (required by %s)", c.glibcFloor, above[0].Name, baseName(path)))
	f.Fix = fmt.Sprintf("rebuild %s against glibc %s or older (an older sysroot, or zig cc -target <arch>-linux-gnu.%s), or raise the floor", baseName(path), c.glibcFloor, c.glibcFloor)
	c.report(f)
}

// shippedWith reports whether the library name that the prebuilt library
// at path needs is in path's directory or one of the link's -L
// directories outside the sysroot: a module that ships a library ships
// what it needs along with it.
func (c *checker) shippedWith(path, name string, dirs []dirSpec) bool {
	if strings.ContainsAny(name, `/\`) {
		return false
	}
	if findFile(dirSpec{path: filepath.Dir(path)}, name) != "" {
		return true
	}
	for _, d := range dirs {
		if d.root == "" && findFile(d, name) != "" {
			return true
		}
	}
	return false
}

// versionWhy lists each version with the symbols that need it.
func versionWhy(vs []abi.NeededVersion) []string {
	var out []string
	for _, v := range vs {
		syms := v.Symbols
		more := ""
		if len(syms) > maxVersionSymbols {
			more = fmt.Sprintf(" and %d more", len(syms)-maxVersionSymbols)
			syms = syms[:maxVersionSymbols]
		}
		if len(syms) == 0 {
			out = append(out, v.Name+": needed by the library itself, not by a symbol")
			continue
		}
		out = append(out, fmt.Sprintf("%s: %s%s", v.Name, strings.Join(syms, ", "), more))
	}
	return out
}

func firstSymbol(vs []abi.NeededVersion) string {
	for _, v := range vs {
		if len(v.Symbols) > 0 {
			return v.Symbols[0]
		}
	}
	return "symbol"
}

func appendUnique(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}
