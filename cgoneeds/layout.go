package cgoneeds

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/xcheck-dev/xcheck/abi"
)

// layout is a target sysroot and the directories a C compiler and linker
// search in it.
type layout struct {
	root string // absolute host path of the sysroot; "" when there is none
	// triple is the GNU triple of the target ("aarch64-linux-gnu") and
	// multiarch the name of its multiarch directories (the same, except
	// i386-linux-gnu for i686-linux-gnu).
	triple, multiarch string
	// debianCross is set for a Debian cross layout, root = /usr/<triple>:
	// Debian's cross compilers also search the multiarch directories of
	// the root file system (/usr/include/<triple>, /usr/lib/<triple>)
	// and the architecture-independent /usr/include, where
	// `apt-get install libfoo-dev:arm64` puts the target's files.
	debianCross bool
}

func newLayout(root, triple string) layout {
	l := layout{triple: triple}
	if root != "" {
		if abs, err := filepath.Abs(root); err == nil {
			root = abs
		}
		if real, err := filepath.EvalSymlinks(root); err == nil {
			root = real
		}
		l.root = filepath.Clean(root)
	}
	if l.triple == "" && l.root != "" && looksLikeTriple(filepath.Base(l.root)) {
		l.triple = filepath.Base(l.root)
	}
	l.multiarch = multiarchName(l.triple)
	// Debian's mingw-w64 compilers do not search the multiarch
	// directories; its Linux cross compilers do.
	if strings.Contains(l.triple, "-linux-") && l.root == filepath.Join(string(filepath.Separator), "usr", l.triple) {
		l.debianCross = true
	}
	return l
}

// multiarchName returns Debian's multiarch directory name of a triple.
func multiarchName(triple string) string {
	for _, p := range []string{"i686-", "i586-", "i486-"} {
		if rest, ok := strings.CutPrefix(triple, p); ok {
			return "i386-" + rest
		}
	}
	return triple
}

var tripleRE = regexp.MustCompile(`^[a-z0-9_]+(-[a-z0-9_.]+){1,3}$`)

// looksLikeTriple reports whether a directory name is a GNU triple
// ("aarch64-linux-gnu", "x86_64-w64-mingw32").
func looksLikeTriple(name string) bool {
	if !tripleRE.MatchString(name) || strings.Count(name, "-") < 2 {
		return false
	}
	for _, w := range []string{"-linux", "-gnu", "-musl", "-android", "-mingw32", "-w64", "-freebsd", "-netbsd", "-openbsd", "-uclibc"} {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// isRootFS reports whether the sysroot is the host's root directory.
func (l layout) isRootFS() bool { return l.root == string(filepath.Separator) }

func (l layout) dirs(root string, paths ...string) []dirSpec {
	var out []dirSpec
	for _, p := range paths {
		if strings.Contains(p, "<T>") {
			if l.multiarch == "" {
				continue
			}
			p = strings.ReplaceAll(p, "<T>", l.multiarch)
		}
		d := dirSpec{root: root, path: p}
		if isDir(d) {
			out = append(out, d)
		}
	}
	return out
}

// includeDirs returns the sysroot's system include directories, in the
// order GCC searches them.
func (l layout) includeDirs() []dirSpec {
	if l.root == "" {
		return nil
	}
	if l.debianCross {
		out := l.dirs("/", "/usr/local/include/<T>")
		out = append(out, l.dirs(l.root, "/include")...)
		return append(out, l.dirs("/", "/usr/include/<T>", "/usr/include")...)
	}
	return l.dirs(l.root, "/usr/local/include/<T>", "/usr/local/include", "/include", "/usr/include/<T>", "/usr/include")
}

// libDirs returns the sysroot's library directories, in search order:
// the multiarch directories, then lib64, usr/lib64, usr/lib and lib (the
// order package abi reads them in), then usr/local/lib.
func (l layout) libDirs() []dirSpec {
	if l.root == "" {
		return nil
	}
	out := l.dirs(l.root, "/lib/<T>", "/usr/lib/<T>", "/lib64", "/usr/lib64", "/usr/lib", "/lib", "/usr/local/lib/<T>", "/usr/local/lib")
	if l.debianCross {
		out = append(out, l.dirs("/", "/lib/<T>", "/usr/lib/<T>")...)
	}
	return out
}

// pkgConfigEnv returns the PKG_CONFIG_LIBDIR and PKG_CONFIG_SYSROOT_DIR
// that make pkg-config read the sysroot's .pc files. A Debian cross
// layout and a multiarch root file system are read the way Debian's
// <triple>-pkg-config wrapper does: the multiarch directories of /, with
// no sysroot prefix, since their .pc files name /usr paths.
func (l layout) pkgConfigEnv() (libdir, sysrootDir string) {
	if l.root == "" {
		return "", ""
	}
	var dirs []string
	add := func(root string, ps ...string) {
		for _, p := range ps {
			if strings.Contains(p, "<T>") {
				if l.multiarch == "" {
					continue
				}
				p = strings.ReplaceAll(p, "<T>", l.multiarch)
			}
			dirs = append(dirs, filepath.Join(root, filepath.FromSlash(p)))
		}
	}
	switch {
	case l.debianCross:
		add(l.root, "/lib/pkgconfig")
		add("/", "/usr/local/lib/<T>/pkgconfig", "/usr/local/share/pkgconfig", "/usr/lib/<T>/pkgconfig", "/usr/share/pkgconfig")
	case l.isRootFS():
		add("/", "/usr/local/lib/<T>/pkgconfig", "/usr/local/share/pkgconfig", "/usr/lib/<T>/pkgconfig", "/usr/share/pkgconfig")
	default:
		add(l.root, "/usr/lib/<T>/pkgconfig", "/usr/lib/pkgconfig", "/usr/share/pkgconfig")
		sysrootDir = l.root
	}
	return strings.Join(dirs, string(filepath.ListSeparator)), sysrootDir
}

// leak says whether a path that pkg-config printed is not the target's:
// it returns "" for a path of the target, else why not. Paths of another
// architecture's multiarch directory (/usr/lib/x86_64-linux-gnu in an
// arm64 build) are never the target's; with a separate sysroot (not / and
// not a Debian cross layout), neither is any path outside it.
func (l layout) leak(p string, allowed ...string) string {
	if l.root == "" {
		return ""
	}
	p = filepath.Clean(p)
	for _, c := range strings.Split(filepath.ToSlash(p), "/") {
		if looksLikeTriple(c) && c != l.multiarch && c != l.triple {
			return "it is the directory of another architecture (" + c + ")"
		}
	}
	if l.debianCross || l.isRootFS() {
		return ""
	}
	if within(l.root, p) {
		return ""
	}
	for _, a := range allowed {
		if a != "" && within(a, p) {
			return ""
		}
	}
	return "it is outside the sysroot " + l.root
}

// within reports whether p is dir or below it.
func within(dir, p string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// isDir reports whether d exists and is a directory.
func isDir(d dirSpec) bool {
	fi, err := stat(d, "")
	return err == nil && fi.IsDir()
}

// resolve returns the host path of name in d: inside a sysroot, with
// symbolic links followed inside it (abi.Resolve); for a host directory,
// as is.
func resolve(d dirSpec, name string) (string, error) {
	if d.root == "" {
		return filepath.Join(d.path, filepath.FromSlash(name)), nil
	}
	return abi.Resolve(d.root, path.Join(d.path, filepath.ToSlash(name)))
}

// stat stats name in d.
func stat(d dirSpec, name string) (fs.FileInfo, error) {
	p, err := resolve(d, name)
	if err != nil {
		return nil, err
	}
	return os.Stat(p)
}

// findFile returns the host path of the regular file name in d, "" if
// there is none.
func findFile(d dirSpec, name string) string {
	p, err := resolve(d, name)
	if err != nil {
		return ""
	}
	fi, err := os.Stat(p)
	if err != nil || !fi.Mode().IsRegular() {
		return ""
	}
	return p
}

// open opens a file found by findFile in d. Inside a sysroot, it opens
// through an os.Root, so that a link changed after resolution cannot lead
// outside it.
func open(d dirSpec, hostPath string) (*os.File, error) {
	if d.root == "" || d.root == string(filepath.Separator) {
		return os.Open(hostPath)
	}
	rel, err := filepath.Rel(d.root, hostPath)
	if err != nil || !within(d.root, hostPath) {
		return nil, errors.New("outside the sysroot")
	}
	return os.OpenInRoot(d.root, rel)
}
