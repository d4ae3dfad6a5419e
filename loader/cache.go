package loader

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/xcheck-dev/xcheck/internal/boundedfile"
)

// Cache holds parsed files, shared by every target of a Load (and, if
// passed in Config.Cache, by several Loads). Entries are keyed by file
// name, content hash and parse mode, so a file edited between two Loads
// is parsed again. All files share the cache's token.FileSet, which grows
// with every file parsed: a long-lived Cache is for watch modes, not for
// unrelated modules. A Cache is safe for concurrent use.
type Cache struct {
	fset *token.FileSet

	mu sync.Mutex
	m  map[cacheKey]*cacheEntry

	parsed, hits atomic.Int64
}

// NewCache returns an empty cache.
func NewCache() *Cache {
	return &Cache{fset: token.NewFileSet(), m: make(map[cacheKey]*cacheEntry)}
}

// FileSet returns the file set of every file the cache parsed.
func (c *Cache) FileSet() *token.FileSet { return c.fset }

type cacheKey struct {
	name string
	sum  [sha256.Size]byte
	std  bool
}

type cacheEntry struct {
	once sync.Once
	file *ast.File
	err  error
}

// parseMode is how user and dependency files are parsed: comments are kept
// for build constraints, directives and //xcheck:ignore.
const parseMode = parser.ParseComments | parser.SkipObjectResolution

// stdParseMode is how standard-library files are parsed: their function
// bodies are dropped after parsing (they are not type-checked).
const stdParseMode = parser.SkipObjectResolution

// fileMemo remembers, for one Load, the content hash of each file name so
// that each file is read once per Load however many targets use it.
type fileMemo struct {
	mu sync.Mutex
	m  map[string]*memoEntry
}

type memoEntry struct {
	once sync.Once
	src  []byte
	sum  [sha256.Size]byte
	err  error
}

func newFileMemo() *fileMemo { return &fileMemo{m: make(map[string]*memoEntry)} }

func (fm *fileMemo) read(name string) ([]byte, [sha256.Size]byte, error) {
	fm.mu.Lock()
	e, ok := fm.m[name]
	if !ok {
		e = new(memoEntry)
		fm.m[name] = e
	}
	fm.mu.Unlock()
	e.once.Do(func() {
		e.src, e.err = readSource(name)
		if e.err == nil {
			e.sum = sha256.Sum256(e.src)
		}
	})
	return e.src, e.sum, e.err
}

// MaxSourceSize is the largest Go file the loader reads, 64 MiB. The go
// command sets no such limit (the compiler reads a file whole; go list
// reads only its header), but a module is untrusted input, and a sparse
// file of many GiB takes no disk. The largest Go files of real modules
// are generated: API models of cloud SDKs and OpenAPI definitions of a
// few MiB, assets embedded as string literals (go-bindata, vfsgen, before
// //go:embed) of up to a few tens of MiB. 64 MiB leaves room for them, as
// refusing a file is an error finding that fails a CI job, and bounds
// what one file costs: its bytes, and the syntax tree parsed from them,
// which for the densest valid code (a table of small numbers, a function
// of empty statements) is about 35 times the file, 2 GiB at the limit.
const MaxSourceSize = 64 << 20

// readSource reads the Go file name whole, refusing what no Go file of a
// real module is (boundedfile.Read): a file larger than [MaxSourceSize],
// or not a regular file.
func readSource(name string) ([]byte, error) {
	src, _, err := boundedfile.Read(name, MaxSourceSize, "a Go source file")
	return src, err
}

// parse returns the syntax of file name. On a syntax error it returns the
// partial file and a scanner.ErrorList; on a read error, nil and the error.
func (c *Cache) parse(fm *fileMemo, name string, std bool) (*ast.File, error) {
	src, sum, err := fm.read(name)
	if err != nil {
		return nil, err
	}
	k := cacheKey{name: name, sum: sum, std: std}
	c.mu.Lock()
	e, ok := c.m[k]
	if !ok {
		e = new(cacheEntry)
		c.m[k] = e
	}
	c.mu.Unlock()
	hit := true
	e.once.Do(func() {
		hit = false
		c.parsed.Add(1)
		mode := parseMode
		if std {
			mode = stdParseMode
		}
		if el := lexErrors(name, src); el != nil {
			e.err = el
			return
		}
		e.file, e.err = parser.ParseFile(c.fset, name, src, mode)
		if std && e.file != nil {
			trimStd(e.file)
		}
		if el, ok := e.err.(scanner.ErrorList); ok {
			el.Sort()
			// The loader reports the first few; the rest would only
			// stay in memory with the cache.
			e.err = el[:min(len(el), maxLexErrors)]
		}
	})
	if hit {
		c.hits.Add(1)
	}
	return e.file, e.err
}

// go/parser stops after ten syntax errors, but not after errors of the
// scanner: every NUL byte, byte of invalid UTF-8 or character Go does not
// use (`@`, `$`, `\` outside literals), every bad escape in a literal is
// one more error, of about 120 bytes, and all are kept. A file of zeros
// after a valid header (a sparse file: no disk) or of `@` made the parser
// allocate 240 or 140 times its size: 2 GiB and 14 seconds for 16 MiB of
// `@`, an out-of-memory crash for a sparse file under MaxSourceSize.
const (
	// maxLexErrors is how many scanner errors a file may have before it
	// is not parsed at all; a Go file with typos has a few.
	maxLexErrors = 100
	// lexErrorsShown is how many of them are reported then, as many as
	// the loader reports syntax errors of a package.
	lexErrorsShown = 10
	// lexCheckSize is the size from which a file is scanned before it is
	// parsed, to count them. A smaller file's errors cost at most 35 MiB
	// while it is parsed, and only the first maxLexErrors are kept; files
	// that large are few (40 of the 4,800 of the standard library), so
	// the scan, a third of the cost of parsing, is rarely paid.
	lexCheckSize = 256 << 10
)

// lexErrors scans src when it is large, or holds a NUL byte or invalid
// UTF-8 (both cheap to look for, and what a sparse file is made of), and
// when it has more than maxLexErrors scanner errors, returns the first
// few and a last one saying why: such a file is not Go source (the
// compiler stops at ten errors) and is not parsed. It returns nil
// otherwise, and the file is parsed as usual. The scan stops at the
// error after the last allowed.
func lexErrors(name string, src []byte) scanner.ErrorList {
	if len(src) < lexCheckSize && bytes.IndexByte(src, 0) < 0 && utf8.Valid(src) {
		return nil
	}
	var (
		el  scanner.ErrorList
		n   int
		s   scanner.Scanner
		end token.Position
	)
	file := token.NewFileSet().AddFile(name, -1, len(src))
	s.Init(file, src, func(pos token.Position, msg string) {
		n++
		if len(el) < lexErrorsShown {
			el.Add(pos, msg)
		}
		end = pos
	}, 0)
	for n <= maxLexErrors {
		if _, tok, _ := s.Scan(); tok == token.EOF {
			return nil
		}
	}
	el.Add(end, fmt.Sprintf("too many errors: more than %d invalid characters or literals, the file is not parsed", maxLexErrors))
	return el
}

// trimStd drops what type-checking the declarations of a standard-library
// file does not need: function bodies, and the elements of composite
// literals that initialize package-level variables (the unicode tables
// alone are thousands of lines). A literal whose type depends on its
// elements ([...]T{...}) is kept whole.
func trimStd(f *ast.File) {
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Body != nil {
				// Empty, not nil: a generic function must have a body.
				d.Body = &ast.BlockStmt{Lbrace: d.Body.Lbrace, Rbrace: d.Body.Rbrace}
			}
		case *ast.GenDecl:
			if d.Tok != token.VAR {
				continue
			}
			for _, s := range d.Specs {
				vs, ok := s.(*ast.ValueSpec)
				if !ok {
					continue
				}
				for _, v := range vs.Values {
					if u, ok := v.(*ast.UnaryExpr); ok && u.Op == token.AND {
						v = u.X
					}
					cl, ok := v.(*ast.CompositeLit)
					if !ok || cl.Type == nil {
						continue
					}
					if at, ok := cl.Type.(*ast.ArrayType); ok && at.Len != nil {
						if _, ok := at.Len.(*ast.Ellipsis); ok {
							continue
						}
					}
					cl.Elts = nil
				}
			}
		}
	}
}
