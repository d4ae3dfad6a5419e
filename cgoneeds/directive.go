package cgoneeds

import (
	"errors"
	"fmt"
	"go/build"
	"go/build/constraint"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Directive is one `#cgo` line of a preamble:
//
//	#cgo [CONSTRAINT...] VERB: ARGS
//
// The constraints are alternatives, each in the comma form of the old
// // +build lines (`linux,arm64`, `!windows`) or, if it contains & | ( ),
// in //go:build syntax; the directive applies when one of them holds, or
// when there is none.
type Directive struct {
	Pos  Pos      // of "#cgo"
	Cond []string // constraints as written
	Verb string   // CFLAGS, CPPFLAGS, CXXFLAGS, FFLAGS, LDFLAGS or pkg-config
	Args []Arg
}

// Arg is one argument of a #cgo directive, as the go command passes it:
// unquoted, with ${SRCDIR} expanded and, for the -I and -L options of
// the flag verbs, relative paths made absolute against the package
// directory.
type Arg struct {
	Value string
	Pos   Pos // of the argument's first byte as written
}

// Verbs are the #cgo verbs the go command accepts.
var Verbs = []string{"CFLAGS", "CPPFLAGS", "CXXFLAGS", "FFLAGS", "LDFLAGS", "pkg-config"}

// ParseDirectives returns the #cgo directives of a preamble, with their
// arguments expanded for the package directory srcdir. It follows
// go/build (Context.saveCgo): lines are trimmed, "#cgo nocallback" and
// "#cgo noescape" are not flag directives, arguments are split like a
// shell's words (quotes and backslash escapes), and ${SRCDIR} must expand
// to a safe string. A malformed line is left out and reported in errs
// (the go command rejects the package for it, with its own message).
func ParseDirectives(src *Source, srcdir string) (ds []Directive, errs []error) {
	src.lines(func(off int, line string) bool {
		trimmed := strings.TrimLeftFunc(line, unicode.IsSpace)
		lead := len(line) - len(trimmed)
		trimmed = strings.TrimRightFunc(trimmed, unicode.IsSpace)
		if len(trimmed) < 5 || trimmed[:4] != "#cgo" || (trimmed[4] != ' ' && trimmed[4] != '\t') {
			return true
		}
		if len(ds) >= maxDirectives {
			errs = append(errs, fmt.Errorf("more than %d #cgo lines", maxDirectives))
			return false
		}
		pos := src.Pos(off + lead)
		if f := strings.Fields(trimmed); len(f) == 3 && (f[1] == "nocallback" || f[1] == "noescape") {
			return true
		}
		fail := func(msg string) {
			errs = append(errs, fmt.Errorf("%s:%s: %s: %s", filepath.Base(src.File), pos, msg, trimmed))
		}
		head, argstr, ok := strings.Cut(trimmed[4:], ":")
		if !ok {
			fail("invalid #cgo line")
			return true
		}
		f := strings.Fields(head)
		if len(f) < 1 {
			fail("invalid #cgo line")
			return true
		}
		d := Directive{Pos: pos, Cond: f[:len(f)-1], Verb: f[len(f)-1]}
		if !slices.Contains(Verbs, d.Verb) {
			fail("invalid #cgo verb")
			return true
		}
		argOff := off + lead + 4 + len(head) + 1
		words, starts, err := splitQuoted(argstr)
		if err != nil {
			fail("invalid #cgo line (" + err.Error() + ")")
			return true
		}
		bad := false
		for i, w := range words {
			v, ok := expandSrcDir(w, srcdir)
			if !ok {
				fail(fmt.Sprintf("malformed #cgo argument %q", w))
				bad = true
				break
			}
			d.Args = append(d.Args, Arg{Value: v, Pos: src.Pos(argOff + starts[i])})
		}
		if bad {
			return true
		}
		if d.Verb != "pkg-config" {
			makePathsAbsolute(d.Args, srcdir)
		}
		ds = append(ds, d)
		return true
	})
	return ds, errs
}

// splitQuoted splits s like go/build does: on white space, with single and
// double quotes grouping and a backslash escaping the next character. It
// also returns the byte offset in s where each word starts.
func splitQuoted(s string) (words []string, starts []int, err error) {
	var arg []rune
	escaped, quoted := false, false
	quote := rune(0)
	start := -1
	for i, r := range s {
		if start < 0 && !unicode.IsSpace(r) {
			start = i
		}
		switch {
		case escaped:
			escaped = false
		case r == '\\':
			escaped = true
			continue
		case quote != 0:
			if r == quote {
				quote = 0
				continue
			}
		case r == '"' || r == '\'':
			quoted, quote = true, r
			continue
		case unicode.IsSpace(r):
			if quoted || len(arg) > 0 {
				quoted = false
				words = append(words, string(arg))
				starts = append(starts, start)
				arg = arg[:0]
			}
			start = -1
			continue
		}
		arg = append(arg, r)
	}
	if quoted || len(arg) > 0 {
		words = append(words, string(arg))
		starts = append(starts, max(start, 0))
	}
	switch {
	case quote != 0:
		err = errors.New("unclosed quote")
	case escaped:
		err = errors.New("unfinished escaping")
	}
	return words, starts, err
}

// safeString is go/build's set of characters allowed in #cgo arguments
// around ${SRCDIR}.
const safeString = "+-.,/0123456789=ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz:$@%! ~^"

func safeCgoName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < utf8.RuneSelf && !strings.ContainsRune(safeString, rune(c)) {
			return false
		}
	}
	return true
}

// expandSrcDir replaces ${SRCDIR} in str with srcdir, as go/build does.
func expandSrcDir(str, srcdir string) (string, bool) {
	srcdir = filepath.ToSlash(srcdir)
	chunks := strings.Split(str, "${SRCDIR}")
	if len(chunks) < 2 {
		return str, safeCgoName(str)
	}
	ok := true
	for _, chunk := range chunks {
		ok = ok && (chunk == "" || safeCgoName(chunk))
	}
	ok = ok && (srcdir == "" || safeCgoName(srcdir))
	res := strings.Join(chunks, srcdir)
	return res, ok && res != ""
}

// makePathsAbsolute makes the relative paths of -I and -L options
// absolute against srcdir, as go/build does.
func makePathsAbsolute(args []Arg, srcdir string) {
	if srcdir == "" {
		return
	}
	next := false
	for i, a := range args {
		switch {
		case next:
			if !filepath.IsAbs(a.Value) {
				args[i].Value = filepath.Join(srcdir, a.Value)
			}
			next = false
		case strings.HasPrefix(a.Value, "-I") || strings.HasPrefix(a.Value, "-L"):
			if len(a.Value) == 2 {
				next = true
			} else if !filepath.IsAbs(a.Value[2:]) {
				args[i].Value = a.Value[:2] + filepath.Join(srcdir, a.Value[2:])
			}
		}
	}
}

// Platform is what #cgo constraints are evaluated against.
type Platform struct {
	GOOS, GOARCH string
	// Variant is the effective GOARM/GOAMD64/... value ("7",
	// "6,softfloat", "v3"), for the arm.N and amd64.vN tags.
	Variant string
	Cgo     bool
	Tags    []string // build tags (-tags)
	// ReleaseTags are go1.1 ... go1.N; nil means those of the toolchain
	// xcheck was built with.
	ReleaseTags []string
}

// Match reports whether d applies to p.
func (d *Directive) Match(p Platform) bool {
	if len(d.Cond) == 0 {
		return true
	}
	for _, c := range d.Cond {
		if p.matchAuto(c) {
			return true
		}
	}
	return false
}

// matchAuto is go/build's Context.matchAuto: a condition with & | ( ) is
// a //go:build expression, any other one a // +build term.
func (p Platform) matchAuto(text string) bool {
	if strings.ContainsAny(text, "&|()") {
		text = "//go:build " + text
	} else {
		text = "// +build " + text
	}
	x, err := constraint.Parse(text)
	if err != nil {
		return false
	}
	return x.Eval(p.matchTag)
}

// defaultReleaseTags are the release tags of the toolchain xcheck was
// built with.
var defaultReleaseTags = build.Default.ReleaseTags

var unixOS = map[string]bool{
	"aix": true, "android": true, "darwin": true, "dragonfly": true, "freebsd": true, "hurd": true,
	"illumos": true, "ios": true, "linux": true, "netbsd": true, "openbsd": true, "solaris": true,
}

// matchTag is go/build's Context.matchTag for the gc toolchain.
func (p Platform) matchTag(name string) bool {
	switch {
	case p.Cgo && name == "cgo",
		name == p.GOOS, name == p.GOARCH, name == "gc",
		p.GOOS == "android" && name == "linux",
		p.GOOS == "illumos" && name == "solaris",
		p.GOOS == "ios" && name == "darwin",
		name == "unix" && unixOS[p.GOOS]:
		return true
	}
	if slices.Contains(p.Tags, name) || slices.Contains(p.toolTags(), name) {
		return true
	}
	rel := p.ReleaseTags
	if rel == nil {
		rel = defaultReleaseTags
	}
	return slices.Contains(rel, name)
}

// toolTags returns the architecture feature tags of the variant (arm.5
// ... arm.N, amd64.v1 ... amd64.vN), as the go command sets them.
func (p Platform) toolTags() []string {
	v, _, _ := strings.Cut(p.Variant, ",")
	switch p.GOARCH {
	case "amd64":
		n := 1
		if len(v) == 2 && v[0] == 'v' && v[1] >= '1' && v[1] <= '4' {
			n = int(v[1] - '0')
		}
		var tags []string
		for i := 1; i <= n; i++ {
			tags = append(tags, fmt.Sprintf("amd64.v%d", i))
		}
		return tags
	case "arm":
		n := 7
		if len(v) == 1 && v[0] >= '5' && v[0] <= '7' {
			n = int(v[0] - '0')
		}
		var tags []string
		for i := 5; i <= n; i++ {
			tags = append(tags, fmt.Sprintf("arm.%d", i))
		}
		return tags
	}
	return nil
}
