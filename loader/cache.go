package loader

import (
	"crypto/sha256"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"os"
	"sync"
	"sync/atomic"
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
		e.src, e.err = os.ReadFile(name)
		if e.err == nil {
			e.sum = sha256.Sum256(e.src)
		}
	})
	return e.src, e.sum, e.err
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
		e.file, e.err = parser.ParseFile(c.fset, name, src, mode)
		if std && e.file != nil {
			trimStd(e.file)
		}
		if el, ok := e.err.(scanner.ErrorList); ok {
			el.Sort()
			e.err = el
		}
	})
	if hit {
		c.hits.Add(1)
	}
	return e.file, e.err
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
