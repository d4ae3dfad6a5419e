package cgoneeds

import (
	"path/filepath"
	"strings"
)

// origin says where a flag came from, for positions and Why lines.
type origin struct {
	src  *Source // the preamble of a #cgo line; nil for the environment
	pos  Pos     // of the argument (or of the pkg-config package name)
	what string  // "#cgo LDFLAGS", "CGO_LDFLAGS", "pkg-config --libs foo"
}

// flagArg is one compiler or linker argument and where it came from.
type flagArg struct {
	val  string
	from origin
}

// dirSpec is a directory to search: a path inside a sysroot (root set,
// path slash-separated and absolute inside it) or a host path (root "").
type dirSpec struct {
	root string
	path string
	from origin
}

// host returns the directory as a host path.
func (d dirSpec) host() string {
	if d.root == "" {
		return d.path
	}
	return filepath.Join(d.root, filepath.FromSlash(d.path))
}

// compileFlags is what the checker takes from CPPFLAGS and CFLAGS.
type compileFlags struct {
	quote, angle, system, after []dirSpec // -iquote, -I, -isystem, -idirafter
	macros                      []macroOp
	nostdinc                    bool
}

type macroOp struct {
	undef      bool
	name, body string
}

// pathArg turns a directory argument into a dirSpec: "=dir" and
// "$SYSROOT/dir" are inside the sysroot (as GCC and Clang read them),
// relative paths are relative to the package directory (the compiler runs
// there), other paths are host paths. GCC does not re-root a plain
// absolute -I or -L path at --sysroot, and neither does the checker.
func pathArg(val, sysroot, pkgdir string, from origin) (dirSpec, bool) {
	switch {
	case val == "":
		return dirSpec{}, false
	case strings.HasPrefix(val, "="):
		if sysroot == "" {
			return dirSpec{}, false
		}
		return dirSpec{root: sysroot, path: "/" + strings.TrimLeft(filepath.ToSlash(val[1:]), "/"), from: from}, true
	case strings.HasPrefix(val, "$SYSROOT"):
		if sysroot == "" {
			return dirSpec{}, false
		}
		return dirSpec{root: sysroot, path: "/" + strings.TrimLeft(filepath.ToSlash(val[len("$SYSROOT"):]), "/"), from: from}, true
	case !filepath.IsAbs(val):
		return dirSpec{path: filepath.Join(pkgdir, val), from: from}, true
	}
	return dirSpec{path: filepath.Clean(val), from: from}, true
}

// parseCompileFlags reads the include directories and macros of
// compiler arguments.
func parseCompileFlags(args []flagArg, sysroot, pkgdir string) compileFlags {
	var cf compileFlags
	for i := 0; i < len(args); i++ {
		a := args[i]
		v := a.val
		// Options taking a separate or joined argument.
		opt, rest, sep := "", "", false
		for _, o := range []string{"-iquote", "-isystem", "-idirafter", "-I", "-D", "-U"} {
			if v == o {
				opt, sep = o, true
				break
			}
			if strings.HasPrefix(v, o) {
				opt, rest = o, v[len(o):]
				break
			}
		}
		if opt == "" {
			if v == "-nostdinc" {
				cf.nostdinc = true
			}
			continue
		}
		if sep {
			if i+1 >= len(args) {
				break
			}
			i++
			rest = args[i].val
		}
		switch opt {
		case "-D":
			name, body, ok := strings.Cut(rest, "=")
			if !ok {
				body = "1"
			}
			cf.macros = append(cf.macros, macroOp{name: name, body: body})
		case "-U":
			cf.macros = append(cf.macros, macroOp{undef: true, name: rest})
		default:
			d, ok := pathArg(rest, sysroot, pkgdir, a.from)
			if !ok {
				continue
			}
			switch opt {
			case "-iquote":
				cf.quote = append(cf.quote, d)
			case "-isystem":
				cf.system = append(cf.system, d)
			case "-idirafter":
				cf.after = append(cf.after, d)
			default:
				cf.angle = append(cf.angle, d)
			}
		}
	}
	return cf
}

// libRef is a -l option.
type libRef struct {
	name   string // "foo" for -lfoo, ":libfoo.so.1" for -l:libfoo.so.1
	static bool   // only libNAME.a is searched (-static, -Wl,-Bstatic)
	from   origin
}

// option returns the option as written: "-lfoo".
func (l libRef) option() string { return "-l" + l.name }

// candidates returns the file names ld looks for in each directory.
func (l libRef) candidates(goos string) []string {
	if rest, ok := strings.CutPrefix(l.name, ":"); ok {
		return []string{rest}
	}
	if l.static {
		return []string{"lib" + l.name + ".a"}
	}
	switch goos {
	case "windows":
		return []string{"lib" + l.name + ".dll.a", l.name + ".dll.a", "lib" + l.name + ".a", l.name + ".lib", "lib" + l.name + ".dll", l.name + ".dll"}
	case "darwin", "ios":
		return []string{"lib" + l.name + ".tbd", "lib" + l.name + ".dylib", "lib" + l.name + ".a"}
	}
	return []string{"lib" + l.name + ".so", "lib" + l.name + ".a"}
}

// fileRef is an object or library named by path on the link line.
type fileRef struct {
	path string // host path
	arg  string // as written
	from origin
}

// linkFlags is what the checker takes from LDFLAGS.
type linkFlags struct {
	dirs  []dirSpec
	libs  []libRef
	files []fileRef
}

// isObjectFile reports whether a link argument names an object or
// library file.
func isObjectFile(s string) bool {
	base := filepath.Base(s)
	for _, ext := range []string{".a", ".o", ".so", ".syso", ".lo"} {
		if strings.HasSuffix(base, ext) {
			return true
		}
	}
	// libfoo.so.1.2
	if i := strings.Index(base, ".so."); i > 0 {
		for _, c := range base[i+4:] {
			if c != '.' && (c < '0' || c > '9') {
				return false
			}
		}
		return true
	}
	return false
}

// parseLinkFlags reads library directories, -l options and object files
// from linker arguments.
func parseLinkFlags(args []flagArg, sysroot, pkgdir string) linkFlags {
	var lf linkFlags
	static := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		v := a.val
		switch {
		case v == "-L" || v == "-l" || v == "-framework" || v == "-Xlinker":
			if i+1 >= len(args) {
				continue
			}
			i++
			next := args[i].val
			switch v {
			case "-L":
				if d, ok := pathArg(next, sysroot, pkgdir, a.from); ok {
					lf.dirs = append(lf.dirs, d)
				}
			case "-l":
				lf.libs = append(lf.libs, libRef{name: next, static: static, from: a.from})
			case "-Xlinker":
				static = linkerMode(next, static)
			}
		case strings.HasPrefix(v, "-L"):
			if d, ok := pathArg(v[2:], sysroot, pkgdir, a.from); ok {
				lf.dirs = append(lf.dirs, d)
			}
		case strings.HasPrefix(v, "-l"):
			lf.libs = append(lf.libs, libRef{name: v[2:], static: static, from: a.from})
		case v == "-static":
			static = true
		case strings.HasPrefix(v, "-Wl,"):
			for _, w := range strings.Split(v[4:], ",") {
				static = linkerMode(w, static)
			}
		case !strings.HasPrefix(v, "-") && isObjectFile(v):
			p := v
			if !filepath.IsAbs(p) {
				p = filepath.Join(pkgdir, p)
			}
			lf.files = append(lf.files, fileRef{path: filepath.Clean(p), arg: v, from: a.from})
		}
	}
	return lf
}

// linkerMode applies a linker option to the static/dynamic mode of the
// -l options that follow.
func linkerMode(opt string, static bool) bool {
	switch opt {
	case "-Bstatic", "-dn", "-non_shared", "-static":
		return true
	case "-Bdynamic", "-dy", "-call_shared":
		return false
	}
	return static
}
