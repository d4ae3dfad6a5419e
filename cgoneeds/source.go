package cgoneeds

import (
	"fmt"
	"go/ast"
	"go/token"
	"sort"
	"strings"
	"sync"
)

// Limits on what is read and parsed. A preamble or C file beyond them is
// read up to the limit; nothing is allocated in proportion to a count
// read from the input.
const (
	// MaxSourceSize is the largest C file (or preamble) scanned, in
	// bytes. SQLite's amalgamation, the largest C file commonly found in
	// Go modules, is about 9 MiB.
	MaxSourceSize = 32 << 20
	// MaxIncludeDepth bounds the nesting of local headers followed from
	// a preamble or C file.
	MaxIncludeDepth = 16
	// MaxCondDepth bounds the nesting of #if blocks that are tracked;
	// deeper blocks are treated as maybe compiled.
	MaxCondDepth = 256
	// maxExprTokens bounds the tokens of one #if expression.
	maxExprTokens = 4096
	// maxMacroDepth bounds macro expansion inside #if expressions.
	maxMacroDepth = 32
	// maxIncludesPerSource bounds the #include lines recorded per file.
	maxIncludesPerSource = 10000
	// maxDirectives bounds the #cgo lines recorded per preamble.
	maxDirectives = 10000
)

// Pos is a 1-based line and byte column in a file. The zero Pos means
// unknown.
type Pos struct{ Line, Col int }

// IsValid reports whether p is a known position.
func (p Pos) IsValid() bool { return p.Line > 0 }

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Source is C source text together with where each of its bytes is in a
// file: a cgo preamble (the text of the comment before `import "C"`,
// whose lines start at the comment's position in the .go file) or a
// whole C file.
type Source struct {
	File string // host path of the file the text is in
	Text string
	segs []segment // sorted by off; nil for a whole file (see lineStarts)

	whole      bool // Text is a whole file: line 1 column 1 is offset 0
	linesOnce  sync.Once
	lineStarts []int // offsets of the lines of a whole file
	dirsOnce   sync.Once
	dirs       []directive
}

// segment says that Text[off:] (up to the next segment) starts at
// line:col of File and has no newline.
type segment struct {
	off       int
	line, col int
}

// NewSource returns the Source of a whole file's text (a C file or a
// header). Text beyond MaxSourceSize is dropped.
func NewSource(file, text string) *Source {
	if len(text) > MaxSourceSize {
		text = text[:MaxSourceSize]
	}
	return &Source{File: file, Text: text, whole: true}
}

// directives returns the preprocessing directives of s, computed once.
func (s *Source) directives() []directive {
	s.dirsOnce.Do(func() { s.dirs = directives(s.Text) })
	return s.dirs
}

// addText records the segments of txt, which starts at offset off of
// s.Text and at line:col of the file.
func (s *Source) addText(off int, txt string, line, col int) {
	s.segs = append(s.segs, segment{off, line, col})
	for i := 0; i < len(txt); i++ {
		if txt[i] == '\n' {
			line++
			s.segs = append(s.segs, segment{off + i + 1, line, 1})
		}
	}
}

// Pos returns the file position of s.Text[off]; off == len(s.Text) is
// the position just after the text.
func (s *Source) Pos(off int) Pos {
	if off < 0 || off > len(s.Text) {
		return Pos{}
	}
	if s.whole {
		s.linesOnce.Do(func() {
			s.lineStarts = []int{0}
			for i := 0; i < len(s.Text); {
				j := strings.IndexByte(s.Text[i:], '\n')
				if j < 0 {
					break
				}
				i += j + 1
				s.lineStarts = append(s.lineStarts, i)
			}
		})
		i := sort.SearchInts(s.lineStarts, off+1) - 1
		return Pos{Line: i + 1, Col: off - s.lineStarts[i] + 1}
	}
	if len(s.segs) == 0 {
		return Pos{}
	}
	i := sort.Search(len(s.segs), func(i int) bool { return s.segs[i].off > off }) - 1
	if i < 0 {
		return Pos{}
	}
	g := s.segs[i]
	return Pos{Line: g.line, Col: g.col + off - g.off}
}

// Preamble returns the cgo preamble of a Go file: the comments that
// document its `import "C"` declarations (the doc comment of the import
// spec, or of a non-parenthesised import declaration), in order, with
// the comment markers removed the way cmd/cgo removes them: the text of a
// // comment is followed by a newline, that of a /* */ comment is not. It
// returns nil when f does not import "C", and an empty Source when the
// import has no comment. Positions come from fset.
func Preamble(fset *token.FileSet, f *ast.File) *Source {
	var s *Source
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			continue
		}
		for _, spec := range gd.Specs {
			is, ok := spec.(*ast.ImportSpec)
			if !ok || is.Path == nil || is.Path.Value != `"C"` {
				continue
			}
			if s == nil {
				s = &Source{File: fset.Position(f.Package).Filename}
			}
			cg := is.Doc
			if cg == nil && len(gd.Specs) == 1 && gd.Lparen == token.NoPos {
				cg = gd.Doc
			}
			if cg != nil {
				s.addComments(fset, cg)
			}
		}
	}
	return s
}

func (s *Source) addComments(fset *token.FileSet, cg *ast.CommentGroup) {
	var b strings.Builder
	b.WriteString(s.Text)
	for _, c := range cg.List {
		if b.Len() >= MaxSourceSize {
			break
		}
		txt := c.Text
		if len(txt) < 2 {
			continue
		}
		p := fset.Position(c.Slash)
		block := txt[1] == '*'
		if block {
			txt = strings.TrimSuffix(txt[2:], "*/")
		} else {
			txt = txt[2:]
		}
		if b.Len()+len(txt)+1 > MaxSourceSize {
			txt = txt[:MaxSourceSize-b.Len()-1]
		}
		s.addText(b.Len(), txt, p.Line, p.Column+2)
		b.WriteString(txt)
		if !block {
			// The newline cmd/cgo adds is after the comment, on the
			// same line.
			s.segs = append(s.segs, segment{b.Len(), p.Line, p.Column + 2 + len(txt)})
			b.WriteByte('\n')
		}
	}
	s.Text = b.String()
}

// lines calls fn with the offset and text of each line of s.Text (without
// the newline).
func (s *Source) lines(fn func(off int, line string) bool) {
	text := s.Text
	off := 0
	for off <= len(text) {
		end := strings.IndexByte(text[off:], '\n')
		if end < 0 {
			end = len(text) - off
		}
		if !fn(off, text[off:off+end]) {
			return
		}
		off += end + 1
	}
}
