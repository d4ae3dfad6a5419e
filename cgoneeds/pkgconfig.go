package cgoneeds

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/xcheck-dev/xcheck/analyzers/graph"
	"github.com/xcheck-dev/xcheck/internal/gocmd"
)

// pkgConfig resolves the packages of one `#cgo pkg-config:` directive the
// way the go command does (PKG_CONFIG, default pkg-config, run with
// --cflags and --libs, arguments starting with -- passed as options), and
// returns their flags with the directive's position. It reports packages
// that do not resolve for the target and flags that point outside it.
//
// pkg-config is run with the build's environment, since that is what
// `go build` does. When that fails and the sysroot's .pc directories were
// not what pkg-config searched, it is run again with PKG_CONFIG_LIBDIR and
// PKG_CONFIG_SYSROOT_DIR set for the sysroot, to tell "the sysroot lacks
// it" from "pkg-config is not set up for the sysroot".
func (c *checker) pkgConfig(p *graph.Package, l located) []flagArg {
	var opts []string
	var optArgs, pkgs []Arg
	for _, a := range l.d.Args {
		switch {
		case a.Value == "--":
		case strings.HasPrefix(a.Value, "--"):
			opts = append(opts, a.Value)
			optArgs = append(optArgs, a)
		default:
			pkgs = append(pkgs, a)
		}
	}
	// The arguments come from the module being checked: pkg-config is
	// never run with what the go command would refuse (--log-file=FILE
	// would write any file), and the build fails on them.
	if bad, ok := unsafePkgConfigArg(optArgs, pkgs); ok {
		from := origin{src: l.src, pos: bad.pos, what: "#cgo pkg-config"}
		f := c.newFinding(p, PkgConfig, from, bad.msg)
		f.Why = append(f.Why, "the go command accepts only the pkg-config flags of its allowlist and package names that start with a letter, digit, '.', '_' or '/' (https://go.dev/s/invalidflag); xcheck does not run pkg-config with them either")
		f.Fix = "remove " + fmt.Sprintf("%q", bad.arg) + " from the #cgo pkg-config line"
		c.report(f)
		return nil
	}
	prog := "pkg-config"
	if words := strings.Fields(c.goenv("PKG_CONFIG")); len(words) > 0 {
		prog = words[0]
	}
	var out []flagArg
	for _, a := range pkgs {
		from := origin{src: l.src, pos: a.Pos, what: "#cgo pkg-config"}
		flags := c.pkgConfigOne(p, prog, opts, a.Value, from)
		pcFrom := from
		pcFrom.what = "pkg-config --cflags --libs " + a.Value
		for _, f := range flags {
			out = append(out, flagArg{f, pcFrom})
		}
	}
	return out
}

// validPkgConfigFlags is the go command's allowlist of pkg-config flags in
// #cgo pkg-config lines (cmd/go/internal/work/security.go, Go 1.26); each
// must match a whole argument.
var validPkgConfigFlags = func() []*regexp.Regexp {
	var out []*regexp.Regexp
	for _, s := range []string{
		`--atleast-pkgconfig-version=\d+\.\d+\.\d+`,
		`--atleast-version=\d+\.\d+\.\d+`,
		`--cflags-only-I`,
		`--cflags`,
		`--define-prefix`,
		`--define-variable=[A-Za-z_][A-Za-z0-9_]*=[^@\-]*`,
		`--digraph`,
		`--dont-define-prefix`,
		`--dont-relocate-paths`,
		`--dump-personality`,
		`--env-only`,
		`--errors-to-stdout`,
		`--exact-version=\d+\.\d+\.\d+`,
		`--exists`,
		`--fragment-filter=[A-Za-z_][a-zA-Z0-9_]*`,
		`--ignore-conflicts`,
		`--internal-cflags`,
		`--keep-system-cflags`,
		`--keep-system-libs`,
		`--libs-only-l`,
		`--libs-only-L`,
		`--libs`,
		`--list-all`,
		`--list-package-names`,
		`--max-version=\d+\.\d+\.\d+`,
		`--maximum-traverse-depth=[0-9]+`,
		`--modversion`,
		`--msvc-syntax`,
		`--no-cache`,
		`--no-provides`,
		`--no-uninstalled`,
		`--path`,
		`--personality=(triplet|filename)`,
		`--prefix-variable=[A-Za-z_][a-zA-Z0-9_]*`,
		`--print-errors`,
		`--print-provides`,
		`--print-requires-private`,
		`--print-requires`,
		`--print-variables`,
		`--pure`,
		`--shared`,
		`--short-errors`,
		`--silence-errors`,
		`--simulate`,
		`--static`,
		`--uninstalled`,
		`--validate`,
		`--variable=[A-Za-z_][a-zA-Z0-9_]*`,
		`--with-path=[^@\-].*`,
	} {
		out = append(out, regexp.MustCompile(`^(?:`+s+`)$`))
	}
	return out
}()

// validPkgConfigFlag reports whether the go command accepts flag in a
// #cgo pkg-config line.
func validPkgConfigFlag(flag string) bool {
	for _, re := range validPkgConfigFlags {
		if re.MatchString(flag) {
			return true
		}
	}
	return false
}

// safePkgConfigName is the go command's load.SafeArg: a package name
// may not start with '-' (or anything else an option could).
func safePkgConfigName(name string) bool {
	if name == "" {
		return false
	}
	c := name[0]
	return '0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '.' || c == '_' || c == '/' || c >= utf8.RuneSelf
}

// badPkgConfigArg is an argument of a #cgo pkg-config line the go command
// refuses.
type badPkgConfigArg struct {
	arg, msg string
	pos      Pos
}

// unsafePkgConfigArg returns the first flag or package name of a #cgo
// pkg-config line that the go command refuses, the way it checks them
// (package names first).
func unsafePkgConfigArg(opts, pkgs []Arg) (badPkgConfigArg, bool) {
	for _, a := range pkgs {
		if !safePkgConfigName(a.Value) {
			return badPkgConfigArg{a.Value, fmt.Sprintf("invalid pkg-config package name %q: go build refuses it", a.Value), a.Pos}, true
		}
	}
	for _, a := range opts {
		if !validPkgConfigFlag(a.Value) {
			return badPkgConfigArg{a.Value, fmt.Sprintf("invalid flag in #cgo pkg-config: %q is not a pkg-config flag go build allows", a.Value), a.Pos}, true
		}
	}
	return badPkgConfigArg{}, false
}

func (c *checker) pkgConfigOne(p *graph.Package, prog string, opts []string, pkg string, from origin) []string {
	r1 := c.cache.pkgConfig(c.ctx, prog, c.env, opts, pkg)
	if r1.notFound {
		f := c.newFinding(p, PkgConfig, from, fmt.Sprintf("%q is not installed: cannot resolve pkg-config package %q", prog, pkg))
		f.Why = append(f.Why, r1.errLine)
		f.Fix = "install pkg-config (Debian: apt-get install pkgconf), or set PKG_CONFIG to it"
		c.report(f)
		return nil
	}
	libdir, sysrootDir := c.lay.pkgConfigEnv()
	if r1.ok {
		c.pkgConfigLeaks(p, pkg, r1.flags, from, libdir, sysrootDir)
		return r1.flags
	}
	configured := c.pkgConfigConfigured()
	if libdir != "" {
		env := gocmd.MergeEnv(c.env, "PKG_CONFIG_LIBDIR="+libdir, "PKG_CONFIG_SYSROOT_DIR="+sysrootDir, "PKG_CONFIG_PATH=")
		if !sameVars(c.env, env, "PKG_CONFIG_LIBDIR", "PKG_CONFIG_SYSROOT_DIR", "PKG_CONFIG_PATH") {
			r2 := c.cache.pkgConfig(c.ctx, prog, env, opts, pkg)
			if r2.ok {
				f := c.newFinding(p, PkgConfig, from, fmt.Sprintf("pkg-config package %q is in the sysroot, but pkg-config as the build runs it does not find it", pkg))
				f.Why = append(f.Why, "pkg-config says: "+r1.errLine)
				if !configured {
					f.Why = append(f.Why, "PKG_CONFIG_LIBDIR, PKG_CONFIG_PATH and PKG_CONFIG_SYSROOT_DIR are not set: pkg-config reads the host's .pc files")
				}
				f.Fix = "set " + pkgConfigSettings(libdir, sysrootDir) + " for this target's build"
				c.report(f)
				c.pkgConfigLeaks(p, pkg, r2.flags, from, libdir, sysrootDir)
				return r2.flags
			}
		}
	}
	f := c.newFinding(p, PkgConfig, from, fmt.Sprintf("pkg-config package %q is not found for the target", pkg))
	f.Why = append(f.Why, "pkg-config says: "+r1.errLine)
	if libdir != "" {
		f.Why = append(f.Why, "not in the sysroot's .pc directories either: "+libdir)
	}
	f.Fix = c.installHint("pkg-config:"+pkg, fmt.Sprintf("%s.pc", pkg))
	if !configured && libdir != "" {
		f.Fix += ", and set " + pkgConfigSettings(libdir, sysrootDir) + " for this target's build"
	}
	c.report(f)
	return nil
}

// pkgConfigConfigured reports whether the build's environment points
// pkg-config anywhere.
func (c *checker) pkgConfigConfigured() bool {
	for _, k := range []string{"PKG_CONFIG_LIBDIR", "PKG_CONFIG_PATH", "PKG_CONFIG_SYSROOT_DIR"} {
		if c.goenv(k) != "" {
			return true
		}
	}
	return false
}

func pkgConfigSettings(libdir, sysrootDir string) string {
	s := "PKG_CONFIG_LIBDIR=" + libdir
	if sysrootDir != "" {
		s += " and PKG_CONFIG_SYSROOT_DIR=" + sysrootDir
	}
	return s
}

func sameVars(a, b []string, keys ...string) bool {
	for _, k := range keys {
		va, oka := lookupEnvOK(a, k)
		vb, okb := lookupEnvOK(b, k)
		if va != vb || (oka != okb && (va != "" || vb != "")) {
			return false
		}
	}
	return true
}

// pkgConfigLeaks reports the -I, -isystem, -L and file arguments of
// pkg-config's answer that are not the target's.
func (c *checker) pkgConfigLeaks(p *graph.Package, pkg string, flags []string, from origin, libdir, sysrootDir string) {
	var bad []string
	var why string
	for i := 0; i < len(flags); i++ {
		fl := flags[i]
		var path string
		switch {
		case fl == "-I" || fl == "-L" || fl == "-isystem" || fl == "-idirafter":
			if i+1 < len(flags) {
				i++
				path = flags[i]
				fl += " " + path
			}
		case strings.HasPrefix(fl, "-isystem"):
			path = fl[len("-isystem"):]
		case strings.HasPrefix(fl, "-I") || strings.HasPrefix(fl, "-L"):
			path = fl[2:]
		case !strings.HasPrefix(fl, "-") && isObjectFile(fl):
			path = fl
		}
		if path == "" || !filepath.IsAbs(path) {
			continue
		}
		if w := c.lay.leak(path, c.t.Root, p.Dir); w != "" {
			bad = append(bad, fmt.Sprintf("%q", fl))
			if why == "" {
				why = fmt.Sprintf("%q: %s", path, w)
			}
		}
	}
	if len(bad) == 0 {
		return
	}
	f := c.newFinding(p, PkgConfig, from, fmt.Sprintf("pkg-config flags for %q point outside the target: %s", pkg, shortList(bad, 3)))
	f.Why = append(f.Why, why)
	f.Why = append(f.Why, "the compiler and linker then read the host's headers and libraries (go-gst/go-gst#100, golang/go#16253)")
	if libdir != "" {
		f.Fix = "set " + pkgConfigSettings(libdir, sysrootDir) + " for this target's build, so that pkg-config reads the sysroot's .pc files and prefixes their paths with it"
	} else {
		f.Fix = "point PKG_CONFIG_LIBDIR at the target's .pc files and PKG_CONFIG_SYSROOT_DIR at its sysroot"
	}
	c.report(f)
}
