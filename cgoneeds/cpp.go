package cgoneeds

import (
	"strings"
)

// This file is a small C preprocessor: just enough of one to tell which
// #include lines of a preamble or C file the target's compiler will
// process. It removes comments, joins continued lines, tracks #if,
// #ifdef, #elif and #else blocks against the target's predefined macros
// and the -D options, and records #define and #undef. Everything it cannot
// know (a macro defined by a system header, a function-like macro, an
// expression it does not parse) is "maybe", and an #include under a
// "maybe" condition is not reported as missing: the checker errs on the
// side of silence.

// tri is a three-valued truth value.
type tri uint8

const (
	no tri = iota
	yes
	maybe
)

func triOf(b bool) tri {
	if b {
		return yes
	}
	return no
}

// Include is an #include, #include_next or #import line.
type Include struct {
	Name  string // the header as written between the delimiters: "sys/types.h"
	Angle bool   // <name>; else "name"
	Next  bool   // #include_next
	Src   *Source
	Off   int // offset in Src.Text of the opening delimiter (or of the macro naming the header)
	// Certain is true when every #if around the line is known to hold
	// for the target: the compiler will process it.
	Certain bool
}

// Pos returns the position of the include's header name in its file.
func (i Include) Pos() Pos { return i.Src.Pos(i.Off) }

// Delimited returns the header as written: <name> or "name".
func (i Include) Delimited() string {
	if i.Angle {
		return "<" + i.Name + ">"
	}
	return `"` + i.Name + `"`
}

// Scanner scans C sources for the #include lines the target's compiler
// processes.
type Scanner struct {
	// Macros is the macro table; Scan updates it with #define and
	// #undef. It must not be nil.
	Macros *Macros
	// Follow is called for every #include that may be processed. It
	// returns the Source of a header to scan in place (a header of the
	// module itself), or nil for a header that is not followed (a
	// system header, or one not found); after an include that is not
	// followed, identifiers that are not defined are unknown rather
	// than 0, since that header may define them. Follow may be nil.
	Follow func(inc Include) *Source
	// Includes collects the #include lines seen, in order.
	Includes []Include

	open []string        // files being scanned (include stack)
	once map[string]bool // files with #pragma once already scanned
}

// Scan preprocesses src as a translation unit (or a part of one: call it
// for each preamble of a file in order, with the same Scanner).
func (s *Scanner) Scan(src *Source) { s.scan(src, true) }

type frame struct {
	state tri // the current branch is compiled
	taken tri // a branch of this #if was compiled
	outer tri // the enclosing blocks are compiled
}

// logicalLine is a line after comment removal and line splicing.
type logicalLine struct {
	text string
	// pieces map offsets of text back to offsets of the source text.
	pieces []piece
}

type piece struct{ at, src int }

func (l *logicalLine) srcOff(i int) int {
	p := l.pieces[0]
	for _, q := range l.pieces[1:] {
		if q.at > i {
			break
		}
		p = q
	}
	return p.src + i - p.at
}

// directive is a preprocessing directive line: "#" name rest.
type directive struct {
	line    *logicalLine
	name    string
	restOff int // offset of rest in line.text
	rest    string
}

func (s *Scanner) scan(src *Source, outerCertain bool) {
	if len(s.open) > MaxIncludeDepth {
		return
	}
	for _, f := range s.open {
		if f == src.File {
			return // include loop
		}
	}
	s.open = append(s.open, src.File)
	defer func() { s.open = s.open[:len(s.open)-1] }()

	dirs := src.directives()
	guard := includeGuard(dirs)
	base := triOf(outerCertain)
	if !outerCertain {
		base = maybe
	}
	var frames []frame
	cur := func() tri {
		if len(frames) == 0 {
			return base
		}
		f := frames[len(frames)-1]
		return and(f.outer, f.state)
	}
	recorded := 0
	for i, d := range dirs {
		switch d.name {
		case "if", "ifdef", "ifndef":
			outer := cur()
			if len(frames) >= MaxCondDepth {
				frames = append(frames, frame{state: maybe, taken: maybe, outer: outer})
				continue
			}
			var v tri
			switch {
			case outer == no:
				v = no
			case d.name == "if":
				v = s.Macros.eval(d.rest)
			case d.name == "ifdef":
				v = s.Macros.isDefined(firstIdent(d.rest))
			default:
				name := firstIdent(d.rest)
				v = not(s.Macros.isDefined(name))
				if i == guard && name != "" && s.Macros.isDefined(name) != yes {
					v = yes // include guard of a header not seen yet
				}
			}
			frames = append(frames, frame{state: v, taken: v, outer: outer})
		case "elif", "elifdef", "elifndef", "else":
			if len(frames) == 0 {
				continue
			}
			f := &frames[len(frames)-1]
			if f.outer == no {
				continue
			}
			var v tri
			switch d.name {
			case "else":
				v = yes
			case "elif":
				if f.taken == yes {
					v = no
				} else {
					v = s.Macros.eval(d.rest)
				}
			case "elifdef":
				v = s.Macros.isDefined(firstIdent(d.rest))
			case "elifndef":
				v = not(s.Macros.isDefined(firstIdent(d.rest)))
			}
			switch f.taken {
			case yes:
				f.state = no
			case no:
				f.state, f.taken = v, v
			default: // an earlier branch may have been taken
				if v == no {
					f.state = no
				} else {
					f.state = maybe
				}
				if v == yes {
					f.taken = yes
				}
			}
		case "endif":
			if len(frames) > 0 {
				frames = frames[:len(frames)-1]
			}
		case "define":
			if c := cur(); c != no {
				s.Macros.define(d.rest, c)
			}
		case "undef":
			if c := cur(); c != no {
				s.Macros.undef(firstIdent(d.rest), c)
			}
		case "pragma":
			if cur() != no && strings.TrimSpace(d.rest) == "once" {
				if s.once == nil {
					s.once = map[string]bool{}
				}
				s.once[src.File] = true
			}
		case "include", "include_next", "import":
			c := cur()
			if c == no {
				continue
			}
			if recorded >= maxIncludesPerSource {
				continue
			}
			inc, ok := s.parseInclude(src, d)
			if !ok {
				// A computed include naming a header we cannot
				// know: it may define anything.
				s.Macros.opaque = true
				continue
			}
			inc.Next = d.name == "include_next"
			inc.Certain = c == yes
			recorded++
			s.Includes = append(s.Includes, inc)
			var sub *Source
			if s.Follow != nil {
				sub = s.Follow(inc)
			}
			if sub == nil || s.once[sub.File] {
				if sub == nil {
					s.Macros.opaque = true
				}
				continue
			}
			s.scan(sub, c == yes)
		}
	}
}

// parseInclude reads the header name of an include directive: <name>,
// "name", or an object-like macro that expands to one of those.
func (s *Scanner) parseInclude(src *Source, d directive) (Include, bool) {
	rest := d.rest
	lead := len(rest) - len(strings.TrimLeft(rest, " \t\v\f\r"))
	rest = rest[lead:]
	off := d.restOff + lead
	inc := Include{Src: src, Off: d.line.srcOff(off)}
	if name, angle, ok := headerName(rest); ok {
		inc.Name, inc.Angle = name, angle
		return inc, true
	}
	// #include MACRO
	id := firstIdent(rest)
	if id == "" {
		return inc, false
	}
	body := s.Macros.objectBody(id)
	for range maxMacroDepth {
		if name, angle, ok := headerName(strings.TrimSpace(body)); ok {
			inc.Name, inc.Angle = name, angle
			return inc, true
		}
		next := firstIdent(strings.TrimSpace(body))
		if next == "" || next != strings.TrimSpace(body) {
			break
		}
		body = s.Macros.objectBody(next)
	}
	return inc, false
}

func headerName(s string) (name string, angle, ok bool) {
	if len(s) < 2 {
		return "", false, false
	}
	var end int
	switch s[0] {
	case '<':
		end = strings.IndexByte(s[1:], '>')
		angle = true
	case '"':
		end = strings.IndexByte(s[1:], '"')
	default:
		return "", false, false
	}
	if end <= 0 {
		return "", false, false
	}
	return s[1 : 1+end], angle, true
}

// includeGuard returns the index of the #ifndef of a classic include
// guard (a first directive "#ifndef X" followed by "#define X"), or -1.
func includeGuard(dirs []directive) int {
	if len(dirs) < 2 || dirs[0].name != "ifndef" || dirs[1].name != "define" {
		return -1
	}
	x := firstIdent(dirs[0].rest)
	if x == "" || firstIdent(dirs[1].rest) != x {
		return -1
	}
	return 0
}

// directives returns the preprocessing directives of text, after comment
// removal and line splicing.
func directives(text string) []directive {
	var out []directive
	for _, l := range logicalLines(stripComments(text)) {
		t := l.text
		i := 0
		for i < len(t) && isHSpace(t[i]) {
			i++
		}
		if i >= len(t) || t[i] != '#' {
			continue
		}
		i++
		for i < len(t) && isHSpace(t[i]) {
			i++
		}
		j := i
		for j < len(t) && isIdentChar(t[j]) {
			j++
		}
		if j == i {
			continue // null directive or "# 12" line marker
		}
		out = append(out, directive{line: l, name: t[i:j], restOff: j, rest: t[j:]})
	}
	return out
}

// stripComments replaces the C comments of text by spaces, keeping
// newlines (and so every offset). String and character literals are
// skipped; like the compiler, it ends them at an unescaped newline.
func stripComments(text string) string {
	b := []byte(text)
	n := len(b)
	for i := 0; i < n; {
		c := b[i]
		switch {
		case c == '"' || c == '\'':
			i++
			for i < n && b[i] != c && b[i] != '\n' {
				if b[i] == '\\' && i+1 < n {
					i++
				}
				i++
			}
			if i < n && b[i] == c {
				i++
			}
		case c == '/' && i+1 < n && b[i+1] == '*':
			b[i], b[i+1] = ' ', ' '
			i += 2
			for i < n && !(b[i] == '*' && i+1 < n && b[i+1] == '/') {
				if b[i] != '\n' {
					b[i] = ' '
				}
				i++
			}
			if i < n {
				b[i], b[i+1] = ' ', ' '
				i += 2
			}
		case c == '/' && i+1 < n && b[i+1] == '/':
			for i < n && b[i] != '\n' {
				// A backslash-newline continues a // comment.
				if b[i] == '\\' && i+1 < n && b[i+1] == '\n' {
					b[i] = ' '
					i += 2
					continue
				}
				b[i] = ' '
				i++
			}
		default:
			i++
		}
	}
	return string(b)
}

// logicalLines returns the lines of text that may be directives (their
// first non-blank character is #), each joined with the lines that
// follow it when it ends in a backslash (optionally followed by blanks).
// Other lines are skipped without allocating.
func logicalLines(text string) []*logicalLine {
	var out []*logicalLine
	var cur *logicalLine
	var sb strings.Builder
	skipping := false // inside a continued line that is not a directive
	off := 0
	for off <= len(text) {
		end := strings.IndexByte(text[off:], '\n')
		last := end < 0
		if last {
			end = len(text) - off
		}
		line := text[off : off+end]
		body := strings.TrimRight(line, " \t\r")
		cont := strings.HasSuffix(body, "\\") && !last
		switch {
		case skipping:
		case cur == nil && !startsDirective(line) && !(cont && strings.TrimLeft(body, " \t") == "\\"):
			skipping = cont
		default:
			if cur == nil {
				cur = &logicalLine{}
				sb.Reset()
			}
			if cont {
				line = body[:len(body)-1]
			}
			cur.pieces = append(cur.pieces, piece{at: sb.Len(), src: off})
			sb.WriteString(line)
			if !cont {
				cur.text = sb.String()
				out = append(out, cur)
				cur = nil
			}
		}
		if !cont {
			skipping = false
		}
		if last {
			break
		}
		off += end + 1
	}
	if cur != nil {
		cur.text = sb.String()
		out = append(out, cur)
	}
	return out
}

// startsDirective reports whether the first non-blank character of line
// is #.
func startsDirective(line string) bool {
	for i := 0; i < len(line); i++ {
		if !isHSpace(line[i]) {
			return line[i] == '#'
		}
	}
	return false
}

func isHSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' }

func isIdentChar(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// firstIdent returns the identifier at the start of s (after blanks), or
// "".
func firstIdent(s string) string {
	s = strings.TrimLeft(s, " \t\v\f\r")
	if s == "" || !isIdentStart(s[0]) {
		return ""
	}
	i := 1
	for i < len(s) && isIdentChar(s[i]) {
		i++
	}
	return s[:i]
}

func and(a, b tri) tri {
	switch {
	case a == no || b == no:
		return no
	case a == yes && b == yes:
		return yes
	}
	return maybe
}

func not(a tri) tri {
	switch a {
	case yes:
		return no
	case no:
		return yes
	}
	return maybe
}
