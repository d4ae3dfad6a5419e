package loader

// Sharing the type checking of function bodies between targets.
//
// A package's function bodies are most of the type checker's time, and
// most packages see the same thing for every target: the same files and,
// through their imports, the same API, even where the imported packages'
// insides differ (os.File is one struct on linux and another on windows,
// but its exported methods are the same). go/types is a function of its
// inputs: the files, the imported objects the files name, the type sizes
// and the language version. When two targets give a package identical
// inputs, type-checking its bodies for the second one finds what it found
// for the first.
//
// So, per package, the loader computes a key of those inputs (bodyKey),
// and once a target has type-checked the package in full without an
// error, another target with the same key type-checks only its
// declarations (go/types' IgnoreFuncBodies): its types and its errors
// are its own, its bodies are known to be clean. Only packages whose rules
// read nothing of the bodies qualify (analyzers.NewInfo recorded no map):
// the rules then see the same graph either way.
//
// The key is built from:
//
//   - the package path, its parsed files (the parse cache shares one
//     *ast.File per file content among the targets), the language version
//     and the type sizes (word size and alignment: int and uintptr differ
//     between 386 and amd64, and so do constant overflows; but see
//     "narrow to wide" below);
//   - for every name q.X its files select from an imported package q, the
//     fingerprint of q's object X: its kind, its type, a constant's value,
//     or that it is missing;
//   - the fingerprints of all named types reachable from those, as the
//     package can see them: the type parameters and their constraints,
//     the underlying type with, for structs, the exported fields (and the
//     embedded ones, whose members are promoted) in order and whether
//     other fields exist, comparability, and the exported methods of the
//     value and pointer method sets. Unexported fields and methods are
//     left out: the package cannot name them, so they do not change what
//     type-checks in it. That is what makes os.File, net.Conn or
//     http.Request the same API on linux, darwin and windows.
//
// What the package can still observe of another package's unexported
// fields and methods is handled so:
//
//   - sizes and offsets: a package using unsafe.Sizeof, Alignof or
//     Offsetof never shares;
//   - comparability: part of every struct's and named type's fingerprint;
//   - unkeyed composite literals (an error with any unexported field):
//     "has other fields" is part of a struct's fingerprint;
//   - interfaces with unexported methods (implemented only inside their
//     package: "sealed"): the unexported methods of the types of a
//     package that declares one are part of their fingerprint;
//   - dot imports: a package with one never shares (its unqualified names
//     are not listed).
//
// Narrow to wide. go/types reads the type sizes in three places only:
// unsafe.Sizeof, Alignof and Offsetof (a package using them never
// shares), whether a constant is representable in int, uint or uintptr,
// and the value of ^x for an unsigned constant x. Constant arithmetic is
// exact, so without ^ every constant has the same value on every target,
// and a constant representable in 32 bits is representable in 64. So a
// package without a unary ^ that type-checks cleanly on a 32-bit target
// type-checks cleanly on a 64-bit one with the same key but for the sizes
// (bodyKeys.anySize); the converse is false (1 << 40 overflows int on
// 386 only). "Without ^" is read from the syntax: no ^x whose operand may
// be a constant (complements). The loader lists the 32-bit targets first for this.
//
// One known gap, documented in docs/performance.md: converting a value of
// one imported struct type to another imported struct type that is
// identical only if their unexported fields are.
//
// Types of two targets are never mixed: a key is a digest, the types it
// was computed from stay with their target.

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"slices"
	"strconv"
	"sync"

	"golang.org/x/tools/go/packages"
)

// bodyKey is the digest of what type-checking a package's function
// bodies depends on.
type bodyKey [sha256.Size]byte

type digest = [sha256.Size]byte

// cleanBodies records the keys of packages whose function bodies a
// target type-checked without error, for the other targets of a Load.
type cleanBodies struct {
	mu   sync.Mutex
	keys map[bodyKey]bool
	// narrow holds the anySize keys of those found clean on a target
	// with 32-bit words, without a unary ^ (narrowClean).
	narrow map[bodyKey]bool
}

// has reports whether a package with keys k is known to be clean.
func (c *cleanBodies) has(k bodyKeys) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.keys[k.sized] || (!k.complement && k.wordSize >= 4 && c.narrow[k.anySize])
}

func (c *cleanBodies) add(k bodyKeys) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.keys == nil {
		c.keys = make(map[bodyKey]bool)
		c.narrow = make(map[bodyKey]bool)
	}
	c.keys[k.sized] = true
	if k.wordSize == 4 && !k.complement {
		c.narrow[k.anySize] = true
	}
}

// shareable reports whether the bodies of the package of n, type-checked
// for a target with info, may be shared with other targets: nothing of
// its bodies is recorded for the rules, its imports all have types, and
// it neither measures types with unsafe nor imports with a dot.
func shareable(n *node, info *types.Info) bool {
	gp := n.gp
	p := gp.Package
	if gp.Standard || len(p.Syntax) == 0 || len(p.Errors) > 0 || len(gp.BrokenImports) > 0 || p.IllTyped {
		return false
	}
	if info.Types != nil || info.Uses != nil || info.Defs != nil || info.Selections != nil ||
		info.Implicits != nil || info.Scopes != nil || info.Instances != nil || info.FileVersions != nil {
		return false
	}
	if len(n.back) > 0 {
		return false
	}
	for _, f := range p.Syntax {
		for _, imp := range f.Imports {
			if imp.Name != nil && imp.Name.Name == "." {
				return false
			}
			if imp.Path.Value == `"unsafe"` && measures(f, imp) {
				return false
			}
		}
	}
	for _, dep := range p.Imports {
		if dep.Types == nil || !dep.Types.Complete() {
			return false
		}
	}
	return true
}

// measures reports whether f, which imports unsafe with imp, uses
// unsafe.Sizeof, Alignof or Offsetof: their values depend on the
// unexported fields of the types measured, which keys leave out.
func measures(f *ast.File, imp *ast.ImportSpec) bool {
	name := "unsafe"
	if imp.Name != nil {
		name = imp.Name.Name
	}
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == name {
				switch sel.Sel.Name {
				case "Sizeof", "Alignof", "Offsetof":
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// declOnly caches, per parsed file, a copy for type-checking only its
// declarations: function bodies empty, no initial values for
// package-level variables of a declared type, and the elements of
// composite literals initializing the others dropped (see trimStd). A package whose bodies are shared is
// checked with these: what it declares is the same, and everything else
// was found clean with the same inputs. The copy shares all the nodes it
// does not change with the original, which the rules keep seeing.
type declOnly struct {
	mu sync.Mutex
	m  map[*ast.File]*ast.File
}

func (c *declOnly) of(files []*ast.File) []*ast.File {
	out := make([]*ast.File, len(files))
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[*ast.File]*ast.File)
	}
	for i, f := range files {
		t := c.m[f]
		if t == nil {
			t = declCopy(f)
			c.m[f] = t
		}
		out[i] = t
	}
	return out
}

// declCopy returns a copy of f without function bodies and without what
// package-level variables' types do not depend on, sharing the nodes it
// does not change.
func declCopy(f *ast.File) *ast.File {
	c := *f
	c.Decls = make([]ast.Decl, len(f.Decls))
	for i, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Body != nil {
				fd := *d
				// Empty, not nil: a generic function must have a body.
				fd.Body = &ast.BlockStmt{Lbrace: d.Body.Lbrace, Rbrace: d.Body.Rbrace}
				c.Decls[i] = &fd
				continue
			}
		case *ast.GenDecl:
			if d.Tok == token.VAR {
				gd := *d
				gd.Specs = make([]ast.Spec, len(d.Specs))
				for j, s := range d.Specs {
					gd.Specs[j] = s
					vs, ok := s.(*ast.ValueSpec)
					if !ok {
						continue
					}
					v2 := *vs
					if vs.Type != nil {
						// The type is given: the values need not be
						// looked at.
						v2.Values = nil
						gd.Specs[j] = &v2
						continue
					}
					v2.Values = make([]ast.Expr, len(vs.Values))
					for k, v := range vs.Values {
						v2.Values[k] = withoutElements(v)
					}
					gd.Specs[j] = &v2
				}
				c.Decls[i] = &gd
				continue
			}
		}
		c.Decls[i] = d
	}
	return &c
}

// withoutElements returns v, a composite literal (or its address) whose
// type does not depend on its elements, without its elements.
func withoutElements(v ast.Expr) ast.Expr {
	x := v
	u, addr := v.(*ast.UnaryExpr)
	if addr && u.Op == token.AND {
		x = u.X
	}
	cl, ok := x.(*ast.CompositeLit)
	if !ok || cl.Type == nil || len(cl.Elts) == 0 {
		return v
	}
	if at, ok := cl.Type.(*ast.ArrayType); ok && at.Len != nil {
		if _, ok := at.Len.(*ast.Ellipsis); ok {
			return v
		}
	}
	c := *cl
	c.Elts = nil
	if addr && u.Op == token.AND {
		u2 := *u
		u2.X = &c
		return &u2
	}
	return &c
}

// apiPrints computes the fingerprints of one target's objects and named
// types, each once. It is safe for concurrent use (one lock: the work
// under it is memoized, so it is short).
type apiPrints struct {
	mu      sync.Mutex
	objects map[objKey]*print
	named   map[*types.TypeName]*print
	sealing map[*types.Package]map[string]bool
	// Tarjan's strongly connected components of the graph of named
	// types (an edge where a fingerprint names a type): the deep digest
	// of a type covers every type reachable from it.
	deep  map[*types.TypeName]digest
	index map[*types.TypeName]int
	low   map[*types.TypeName]int
	stack []*types.TypeName
	on    map[*types.TypeName]bool
	next  int
}

type objKey struct {
	obj  types.Object
	free bool // without a constant's value
}

// print is the fingerprint of an object or a named type: a digest of
// its description, in which named types appear by name, and those names.
type print struct {
	sum  digest
	name string // qualified name, for a named type
	refs []*types.TypeName
}

// bodyKeyOf returns the key of the package of n for a target with sizes,
// its imports type-checked.
func (a *apiPrints) bodyKeyOf(n *node, sizes types.Sizes, goVersion string, sel *selections) bodyKeys {
	p := n.gp.Package
	var b printer
	b.s("package", p.PkgPath, goVersion)
	for _, f := range p.Syntax {
		b.s(fmt.Sprintf("file %p", f))
	}

	// The names the files select from their imports, by import.
	uses := sel.of(p.Syntax, p.Imports)
	names := uses.names
	paths := make([]string, 0, len(names))
	for path := range names {
		paths = append(paths, path)
	}
	slices.Sort(paths)
	a.mu.Lock()
	defer a.mu.Unlock()
	var deep []digest
	for _, path := range paths {
		dep := p.Imports[path].Types
		b.s("import", path, dep.Name())
		xs := make([]string, 0, len(names[path]))
		for x := range names[path] {
			xs = append(xs, x)
		}
		slices.Sort(xs)
		for _, x := range xs {
			obj := dep.Scope().Lookup(x)
			if obj == nil || !obj.Exported() {
				b.s("missing", x)
				continue
			}
			op := a.object(obj, valueFree(obj, names[path][x], p.Imports))
			b.s(x)
			b.Write(op.sum[:])
			for _, tn := range op.refs {
				deep = append(deep, a.deepOf(tn))
			}
		}
	}
	// The types reachable from them.
	slices.SortFunc(deep, func(x, y digest) int { return bytes.Compare(x[:], y[:]) })
	deep = slices.Compact(deep)
	b.s("reachable")
	for _, d := range deep {
		b.Write(d[:])
	}
	var k bodyKeys
	k.anySize = sha256.Sum256(append(b.Bytes(), "any size"...))
	for _, t := range []types.Type{types.Typ[types.Int], types.Typ[types.Uintptr], types.Typ[types.Int64], types.Typ[types.Complex128], types.Typ[types.String]} {
		b.n(sizes.Sizeof(t))
		b.n(sizes.Alignof(t))
	}
	k.sized = sha256.Sum256(b.Bytes())
	k.wordSize = sizes.Sizeof(types.Typ[types.Uintptr])
	k.complement = uses.complement
	return k
}

// bodyKeys are the keys of a package for one target.
type bodyKeys struct {
	// sized is the key with the type sizes: a package found clean for
	// one target is clean for another with the same key.
	sized bodyKey
	// anySize is the key without them: a package without a ^ found clean
	// on a 32-bit target is clean on a 64-bit one with the same anySize
	// (see narrowClean).
	anySize    bodyKey
	wordSize   int64
	complement bool // the package's files use the unary ^
}

func hasKey[K comparable, V any](m map[K]V, k K) bool {
	_, ok := m[k]
	return ok
}

// nameUse says how a package's files use one name they select from an
// import: whether every occurrence is where a constant's value cannot
// change what type-checks, for a string constant and for a typed one.
type nameUse struct {
	stringFree, typedFree bool
	// callees are the imported names (path, name) it is an argument of,
	// taken to be functions: if one is a type, the call is a conversion.
	callees [][2]string
	// derived are the constants the package declares from it (const c =
	// q.X): their uses count as its own (string and typed).
	derivedS, derivedT []string
	// derivedB are the boolean constants it declares (const c = q.X ==
	// "linux"), whose uses must be free as booleans (boolFree).
	derivedB []string
	boolFree bool
}

// fileUses is what bodyKeyOf needs of a package's files.
type fileUses struct {
	names      map[string]map[string]*nameUse // selectedNames
	complement bool                           // a unary ^ (bitwise complement)
}

// classify narrows what u says by one more occurrence, e, whose
// ancestors are stack; asBool also for a boolean constant.
func (u *nameUse) classify(ctx *constContext, e ast.Expr, stack []ast.Node, asBool bool) {
	ctx.callees = ctx.callees[:0]
	ctx.derivedB = &u.derivedB
	if u.stringFree {
		ctx.derived = &u.derivedS
		u.stringFree = ctx.valueFree(e, stack, true, false)
	}
	if u.typedFree {
		ctx.derived = &u.derivedT
		u.typedFree = ctx.valueFree(e, stack, false, false)
	}
	if asBool && u.boolFree {
		ctx.derived = &u.derivedB
		u.boolFree = ctx.valueFree(e, stack, false, true)
	}
	for _, c := range ctx.callees {
		if !slices.Contains(u.callees, c) {
			u.callees = append(u.callees, c)
		}
	}
}

// importNames returns the names f's imports are known by in it, with
// their packages and their import paths (blank imports and "C" left out).
func importNames(f *ast.File, imports map[string]*packages.Package) (map[string]*types.Package, map[string]string) {
	local := map[string]*types.Package{}
	paths := map[string]string{}
	for _, imp := range f.Imports {
		path, err := strconv.Unquote(imp.Path.Value)
		if err != nil || path == "C" {
			continue
		}
		dep := imports[path]
		if dep == nil || dep.Types == nil {
			continue
		}
		name := dep.Types.Name()
		if imp.Name != nil {
			name = imp.Name.Name
		}
		if name != "_" {
			local[name], paths[name] = dep.Types, path
		}
	}
	return local, paths
}

// selections caches fileUses per package files and import names: most
// targets see the same files.
type selections struct {
	mu sync.Mutex
	m  map[string]*fileUses
}

func (c *selections) of(files []*ast.File, imports map[string]*packages.Package) *fileUses {
	var b []byte
	for _, f := range files {
		b = fmt.Appendf(b, "%p ", f)
	}
	paths := make([]string, 0, len(imports))
	for path := range imports {
		paths = append(paths, path)
	}
	slices.Sort(paths)
	for _, path := range paths {
		if dep := imports[path]; dep != nil && dep.Types != nil {
			b = fmt.Appendf(b, "%q=%s ", path, dep.Types.Name())
		}
	}
	k := string(b)
	c.mu.Lock()
	m, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return m
	}
	m = &fileUses{names: selectedNames(files, imports), complement: complements(files, imports)}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]*fileUses)
	}
	c.m[k] = m
	return m
}

// complements reports whether files may apply the unary ^ to a
// constant: its value, for an unsigned one, depends on the word size.
// The operand is taken to be a variable only when it is a name the files
// do not declare as a constant, a field or an index or pointer
// expression.
func complements(files []*ast.File, deps map[string]*packages.Package) bool {
	consts := map[string]bool{"iota": true}
	var ops []ast.Expr
	for _, f := range files {
		// (Only packages whose imports all have types are keyed.)
		imports, _ := importNames(f, deps)
		imports["C"] = nil
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.GenDecl:
				if n.Tok == token.CONST {
					for _, s := range n.Specs {
						for _, name := range s.(*ast.ValueSpec).Names {
							consts[name.Name] = true
						}
					}
				}
			case *ast.UnaryExpr:
				if n.Op == token.XOR {
					x := ast.Unparen(n.X)
					if sel, ok := x.(*ast.SelectorExpr); ok {
						if id, ok := sel.X.(*ast.Ident); ok && !hasKey(imports, id.Name) {
							return true // a field
						}
						// An import's name: possibly a constant.
						ops = append(ops, x)
						return true
					}
					ops = append(ops, x)
				}
			}
			return true
		})
	}
	for _, x := range ops {
		switch x := x.(type) {
		case *ast.Ident:
			if consts[x.Name] {
				return true
			}
		case *ast.IndexExpr, *ast.StarExpr:
		default:
			return true
		}
	}
	return false
}

// selectedNames returns, per import path, the names files select from
// the package they import as q.X (including selectors of a local name
// that shadows the import: a few names too many do no harm), and how.
func selectedNames(files []*ast.File, imports map[string]*packages.Package) map[string]map[string]*nameUse {
	out := map[string]map[string]*nameUse{}
	localTypes := declaredTypes(files)
	for _, f := range files {
		local, paths := importNames(f, imports)
		for _, path := range paths {
			if out[path] == nil {
				out[path] = map[string]*nameUse{}
			}
		}
		if len(local) == 0 {
			continue
		}
		ctx := &constContext{local: local, types: localTypes}
		var stack []ast.Node
		ast.Inspect(f, func(n ast.Node) bool {
			if n == nil {
				stack = stack[:len(stack)-1]
				return true
			}
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok {
					if path, ok := paths[id.Name]; ok {
						u := out[path][sel.Sel.Name]
						if u == nil {
							u = &nameUse{stringFree: true, typedFree: true}
							out[path][sel.Sel.Name] = u
						}
						u.classify(ctx, sel, stack, false)
					}
				}
			}
			stack = append(stack, n)
			return true
		})
	}
	resolveDerived(files, out, localTypes, imports)
	return out
}

// maxDerived bounds the chains of constants declared from constants
// (const a = q.X; const b = a + "x"; ...) that are followed; beyond it
// the imported constant's value is part of the key.
const maxDerived = 4

// resolveDerived makes the uses of the constants the package declares
// from imported ones count as uses of those.
func resolveDerived(files []*ast.File, out map[string]map[string]*nameUse, localTypes map[string]bool, imports map[string]*packages.Package) {
	all := func(u *nameUse) []string {
		return slices.Concat(u.derivedS, u.derivedT, u.derivedB)
	}
	want := map[string]bool{}
	for _, names := range out {
		for _, u := range names {
			for _, d := range all(u) {
				want[d] = true
			}
		}
	}
	if len(want) == 0 {
		return
	}
	// The uses of each declared constant, followed up to maxDerived
	// levels: a name still unresolved then is not free.
	uses := map[string]*nameUse{}
	for round := 0; len(want) > 0 && round < maxDerived; round++ {
		next := map[string]bool{}
		for _, f := range files {
			local, _ := importNames(f, imports)
			ctx := &constContext{local: local, types: localTypes}
			var stack []ast.Node
			ast.Inspect(f, func(n ast.Node) bool {
				if n == nil {
					stack = stack[:len(stack)-1]
					return true
				}
				if id, ok := n.(*ast.Ident); ok && want[id.Name] && len(stack) > 0 && !isDefinitionOrField(id, stack[len(stack)-1]) {
					u := uses[id.Name]
					if u == nil {
						u = &nameUse{stringFree: true, typedFree: true, boolFree: true}
						uses[id.Name] = u
					}
					u.classify(ctx, id, stack, true)
				}
				stack = append(stack, n)
				return true
			})
		}
		for name := range want {
			if u := uses[name]; u != nil {
				for _, d := range all(u) {
					if uses[d] == nil && !want[d] {
						next[d] = true
					}
				}
			}
		}
		want = next
	}
	// free reports whether name, a constant of the kind given (0
	// string, 1 typed, 2 boolean), and what derives from it are free.
	var free func(name string, kind int, seen map[string]bool) (bool, [][2]string)
	free = func(name string, kind int, seen map[string]bool) (bool, [][2]string) {
		u := uses[name]
		if seen[name] {
			return true, nil
		}
		if u == nil {
			return !want[name], nil // never used, or not followed
		}
		seen[name] = true
		ok, ds := []bool{u.stringFree, u.typedFree, u.boolFree}[kind], [][]string{u.derivedS, u.derivedT, u.derivedB}[kind]
		callees := slices.Clone(u.callees)
		for _, d := range ds {
			dok, dc := free(d, kind, seen)
			ok = ok && dok
			callees = append(callees, dc...)
		}
		for _, d := range u.derivedB {
			if kind != 2 {
				dok, dc := free(d, 2, seen)
				ok = ok && dok
				callees = append(callees, dc...)
			}
		}
		return ok, callees
	}
	for _, names := range out {
		for _, u := range names {
			for kind, ds := range [][]string{u.derivedS, u.derivedT, u.derivedB} {
				for _, d := range ds {
					ok, c := free(d, kind, map[string]bool{})
					switch kind {
					case 0:
						u.stringFree = u.stringFree && ok
					case 1:
						u.typedFree = u.typedFree && ok
					default:
						// A comparison: the constant is free whatever its
						// kind only if the boolean is.
						u.stringFree = u.stringFree && ok
						u.typedFree = u.typedFree && ok
					}
					u.callees = append(u.callees, c...)
				}
			}
		}
	}
}

// isDefinitionOrField reports whether id, a child of parent, names what
// parent declares, or a field or method (x.id), rather than using a
// package-level name.
func isDefinitionOrField(id *ast.Ident, parent ast.Node) bool {
	switch p := parent.(type) {
	case *ast.ValueSpec:
		return slices.Contains(p.Names, id)
	case *ast.SelectorExpr:
		return p.Sel == id
	case *ast.TypeSpec:
		return p.Name == id
	case *ast.FuncDecl:
		return p.Name == id
	}
	return false
}

// declaredTypes returns the names of the types files declare, at any
// level: a call of one of them is a conversion.
func declaredTypes(files []*ast.File) map[string]bool {
	out := map[string]bool{}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			if ts, ok := n.(*ast.TypeSpec); ok {
				out[ts.Name.Name] = true
			}
			return true
		})
	}
	return out
}

// constContext tells, from the syntax around it, whether the value of a
// constant can change what type-checks where it is used. It can through
// constant expressions (an array length, a len, a shift, an overflow,
// a duplicate switch case or map key, a constant index): the value then
// is part of the key. It cannot where the constant becomes a value of
// its type: a function argument, an assignment to a variable, a return,
// a composite literal element, a switch tag, or a comparison that is an
// if or for condition. A string constant is representable in any string
// type; a typed constant is assignable by its type alone, whatever its
// value.
type constContext struct {
	local   map[string]*types.Package // the file's import names
	types   map[string]bool           // types declared in the package
	callees [][2]string               // see nameUse
	// derived, if not nil, collects the constants declared from the
	// one looked at (const c = q.X): it is then free if they are;
	// derivedB those declared from a comparison with it.
	derived, derivedB *[]string
}

func (c *constContext) valueFree(e ast.Expr, stack []ast.Node, isString, boolean bool) bool {
	// boolean: e is a comparison's result, or a boolean constant.
	for i := len(stack) - 1; i >= 0; i-- {
		switch p := stack[i].(type) {
		case *ast.ParenExpr:
			e = p
			continue
		case *ast.BinaryExpr:
			switch p.Op {
			case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
				if boolean {
					return false
				}
				boolean = true
			case token.LAND, token.LOR:
				if !boolean {
					return false
				}
			case token.ADD:
				if boolean || !isString {
					return false // an overflow
				}
			case token.OR, token.AND, token.AND_NOT, token.XOR:
				if boolean || isString {
					return false
				}
			default:
				return false
			}
			e = p
			continue
		case *ast.UnaryExpr:
			if (p.Op == token.NOT && boolean) || (p.Op == token.XOR && !boolean && !isString) {
				e = p
				continue
			}
			return false
		case *ast.CallExpr:
			if e == p.Fun {
				return false
			}
			switch c.callKind(p) {
			case callFunc:
				return true
			case callConversion:
				// A constant converted is checked to be representable
				// in the new type, except a string's.
				if boolean || !isString {
					return false
				}
				e = p
				continue
			}
			return false
		case *ast.AssignStmt:
			return slices.Contains(p.Rhs, e)
		case *ast.ValueSpec:
			if !slices.Contains(p.Values, e) || i == 0 {
				return false
			}
			gd, ok := stack[i-1].(*ast.GenDecl)
			if ok && gd.Tok == token.CONST && c.derived != nil {
				into := c.derived
				if boolean {
					into = c.derivedB
				}
				for _, name := range p.Names {
					if name.Name != "_" && !slices.Contains(*into, name.Name) {
						*into = append(*into, name.Name)
					}
				}
				return true
			}
			return ok && gd.Tok == token.VAR
		case *ast.ReturnStmt, *ast.SendStmt:
			return true
		case *ast.IfStmt:
			return boolean && p.Cond == e
		case *ast.ForStmt:
			return boolean && p.Cond == e
		case *ast.SwitchStmt:
			return p.Tag == e
		case *ast.CompositeLit:
			return slices.Contains(p.Elts, e)
		case *ast.KeyValueExpr:
			return p.Value == e
		case *ast.IndexExpr:
			// A map key; an array index would be bounds-checked.
			return p.Index == e && isString && !boolean
		default:
			return false
		}
	}
	return false
}

type callKind int

const (
	callOther      callKind = iota // a builtin with a constant result, make, new: the value matters
	callFunc                       // a function or method call
	callConversion                 // may be a conversion, whose result is a constant
)

func (c *constContext) callKind(call *ast.CallExpr) callKind {
	switch fun := call.Fun.(type) {
	case *ast.Ident:
		switch fun.Name {
		case "len", "cap", "min", "max", "real", "imag", "complex", "make", "new":
			return callOther
		case "append", "panic", "print", "println", "copy", "delete", "clear", "close":
			return callFunc
		}
		if c.types[fun.Name] || types.Universe.Lookup(fun.Name) != nil {
			if _, ok := types.Universe.Lookup(fun.Name).(*types.Builtin); !ok {
				return callConversion
			}
		}
		return callFunc
	case *ast.SelectorExpr:
		if id, ok := fun.X.(*ast.Ident); ok {
			if pkg, ok := c.local[id.Name]; ok {
				switch pkg.Scope().Lookup(fun.Sel.Name).(type) {
				case *types.Func, *types.Var:
					// For this target: the key checks it for others.
					c.callees = append(c.callees, [2]string{pkg.Path(), fun.Sel.Name})
					return callFunc
				case *types.Builtin:
					return callOther // unsafe's
				}
				return callConversion
			}
		}
		return callFunc // a method
	case *ast.FuncLit, *ast.CallExpr, *ast.ArrayType, *ast.MapType, *ast.ChanType, *ast.FuncType, *ast.StarExpr, *ast.InterfaceType:
		return callFunc
	}
	return callConversion
}

// valueFree reports whether obj is a constant whose value does not
// matter where the package uses it (constContext).
func valueFree(obj types.Object, u *nameUse, imports map[string]*packages.Package) bool {
	c, ok := obj.(*types.Const)
	if !ok || u == nil {
		return false
	}
	for _, callee := range u.callees {
		dep := imports[callee[0]]
		if dep == nil || dep.Types == nil {
			return false
		}
		switch dep.Types.Scope().Lookup(callee[1]).(type) {
		case *types.Func, *types.Var:
		default:
			return false
		}
	}
	if c.Val().Kind() == constant.String {
		return u.stringFree
	}
	if b, ok := c.Type().(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
		return false
	}
	return u.typedFree
}

// object returns the fingerprint of obj, an exported package-level
// object, without the value of a constant if free; a.mu is held.
func (a *apiPrints) object(obj types.Object, free bool) *print {
	k := objKey{obj, free}
	if op := a.objects[k]; op != nil {
		return op
	}
	var b printer
	switch obj := obj.(type) {
	case *types.Const:
		if free {
			b.s("const")
		} else {
			b.s("const", obj.Val().ExactString())
		}
		b.typ(obj.Type())
	case *types.Var:
		b.s("var")
		b.typ(obj.Type())
	case *types.Func:
		b.s("func")
		b.typ(obj.Type())
	case *types.TypeName:
		if obj.IsAlias() {
			b.s("alias")
			if al, ok := obj.Type().(*types.Alias); ok {
				b.tparams(al.TypeParams())
			}
			b.typ(types.Unalias(obj.Type()))
		} else {
			b.s("type")
			b.typ(obj.Type())
		}
	default:
		b.s("object", fmt.Sprintf("%T", obj))
		b.typ(obj.Type())
	}
	op := &print{sum: sha256.Sum256(b.Bytes()), refs: b.refs}
	if a.objects == nil {
		a.objects = make(map[objKey]*print)
	}
	a.objects[k] = op
	return op
}

// namedPrint returns the fingerprint of the named type tn (the origin of
// a generic type), as a package other than its own sees it; a.mu is
// held.
func (a *apiPrints) namedPrint(tn *types.TypeName) *print {
	if np := a.named[tn]; np != nil {
		return np
	}
	var b printer
	name := tn.Name()
	if tn.Pkg() != nil {
		name = tn.Pkg().Path() + "." + name
	}
	b.s("type", name)
	if named, ok := tn.Type().(*types.Named); ok {
		named = named.Origin()
		b.tparams(named.TypeParams())
		under := named.Underlying()
		b.typ(under)
		b.s("comparable", strconv.FormatBool(types.Comparable(named)))
		if _, ok := under.(*types.Interface); !ok {
			sealed := a.sealedMethods(tn.Pkg())
			vs := types.NewMethodSet(named)
			ps := types.NewMethodSet(types.NewPointer(named))
			for i := range ps.Len() {
				sel := ps.At(i)
				m := sel.Obj()
				if !m.Exported() && !sealed[m.Name()] {
					continue
				}
				b.s("method", m.Name(), strconv.FormatBool(vs.Lookup(m.Pkg(), m.Name()) != nil))
				b.n(int64(len(sel.Index())))
				if m.Exported() {
					b.typ(m.Type())
				} else {
					// Only its identity matters, for a sealed interface.
					b.s(types.TypeString(m.Type(), qualifyByPath))
				}
			}
		}
	} else {
		// A type parameter or an alias reached by name: its type says it.
		b.typ(types.Unalias(tn.Type()))
	}
	np := &print{sum: sha256.Sum256(b.Bytes()), name: name, refs: b.refs}
	if a.named == nil {
		a.named = make(map[*types.TypeName]*print)
	}
	a.named[tn] = np
	return np
}

// sealedMethods returns the names of the unexported methods of the
// interfaces pkg declares at package level: only pkg's own types can
// implement those ("sealed" interfaces), by their unexported methods of
// these names. a.mu is held.
func (a *apiPrints) sealedMethods(pkg *types.Package) map[string]bool {
	if pkg == nil {
		return nil
	}
	if v, ok := a.sealing[pkg]; ok {
		return v
	}
	var v map[string]bool
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		tn, ok := scope.Lookup(name).(*types.TypeName)
		if !ok {
			continue
		}
		if iface, ok := tn.Type().Underlying().(*types.Interface); ok {
			for i := range iface.NumMethods() {
				if m := iface.Method(i); !m.Exported() {
					if v == nil {
						v = map[string]bool{}
					}
					v[m.Name()] = true
				}
			}
		}
	}
	if a.sealing == nil {
		a.sealing = make(map[*types.Package]map[string]bool)
	}
	a.sealing[pkg] = v
	return v
}

// deepOf returns the digest of the fingerprints of tn and of every named
// type reachable from it; a.mu is held.
func (a *apiPrints) deepOf(tn *types.TypeName) digest {
	if d, ok := a.deep[tn]; ok {
		return d
	}
	if a.deep == nil {
		a.deep = make(map[*types.TypeName]digest)
		a.index = make(map[*types.TypeName]int)
		a.low = make(map[*types.TypeName]int)
		a.on = make(map[*types.TypeName]bool)
	}
	a.strongConnect(tn)
	return a.deep[tn]
}

// strongConnect is Tarjan's algorithm: when it closes a component, every
// type in it gets one digest, of its members' fingerprints and of the
// digests of the components they reach.
func (a *apiPrints) strongConnect(v *types.TypeName) {
	a.index[v] = a.next
	a.low[v] = a.next
	a.next++
	a.stack = append(a.stack, v)
	a.on[v] = true
	for _, w := range a.namedPrint(v).refs {
		if _, done := a.deep[w]; done {
			continue
		}
		if _, seen := a.index[w]; !seen {
			a.strongConnect(w)
			a.low[v] = min(a.low[v], a.low[w])
		} else if a.on[w] {
			a.low[v] = min(a.low[v], a.index[w])
		}
	}
	if a.low[v] != a.index[v] {
		return
	}
	var members []*types.TypeName
	for {
		w := a.stack[len(a.stack)-1]
		a.stack = a.stack[:len(a.stack)-1]
		a.on[w] = false
		members = append(members, w)
		if w == v {
			break
		}
	}
	slices.SortFunc(members, func(x, y *types.TypeName) int {
		return cmp.Or(cmp.Compare(a.named[x].name, a.named[y].name), cmp.Compare(x.Pos(), y.Pos()))
	})
	inSCC := map[*types.TypeName]bool{}
	for _, m := range members {
		inSCC[m] = true
	}
	var out []digest
	for _, m := range members {
		for _, w := range a.named[m].refs {
			if !inSCC[w] {
				out = append(out, a.deep[w])
			}
		}
	}
	slices.SortFunc(out, func(x, y digest) int { return bytes.Compare(x[:], y[:]) })
	out = slices.Compact(out)
	var b printer
	for _, m := range members {
		b.s(a.named[m].name)
		b.Write(a.named[m].sum[:])
	}
	b.s("reaches")
	for _, d := range out {
		b.Write(d[:])
	}
	d := sha256.Sum256(b.Bytes())
	for _, m := range members {
		a.deep[m] = d
		delete(a.index, m)
		delete(a.low, m)
		delete(a.on, m)
	}
}

// printer writes the description of objects and types: length-prefixed
// strings, so that consecutive ones cannot run together. Named types are
// written by name (and type arguments) and collected in refs.
type printer struct {
	buf   []byte
	refs  []*types.TypeName
	depth int
}

func (b *printer) Bytes() []byte { return b.buf }

func (b *printer) Write(p []byte) { b.buf = append(b.buf, p...) }

func (b *printer) s(xs ...string) {
	for _, x := range xs {
		b.buf = binary.AppendUvarint(b.buf, uint64(len(x)))
		b.buf = append(b.buf, x...)
	}
}

func (b *printer) n(x int64) { b.buf = binary.AppendVarint(b.buf, x) }

// maxTypeDepth bounds the nesting of unnamed types written (a named type
// ends the nesting); deeper ones are written whole as go/types prints
// them, which can only make keys differ more.
const maxTypeDepth = 64

func (b *printer) tparams(tps *types.TypeParamList) {
	b.n(int64(tps.Len()))
	for i := range tps.Len() {
		b.s(tps.At(i).Obj().Name())
		b.typ(tps.At(i).Constraint())
	}
}

func (b *printer) typ(t types.Type) {
	if b.depth > maxTypeDepth {
		// All of it, unexported parts included: more than needed, so
		// keys can only differ more.
		b.s("deep", types.TypeString(t, qualifyByPath))
		return
	}
	b.depth++
	defer func() { b.depth-- }()
	switch t := t.(type) {
	case nil:
		b.s("nil")
	case *types.Alias:
		b.typ(types.Unalias(t))
	case *types.Basic:
		b.s("basic", t.Name())
	case *types.Pointer:
		b.s("*")
		b.typ(t.Elem())
	case *types.Slice:
		b.s("[]")
		b.typ(t.Elem())
	case *types.Array:
		b.s("[n]")
		b.n(t.Len())
		b.typ(t.Elem())
	case *types.Map:
		b.s("map")
		b.typ(t.Key())
		b.typ(t.Elem())
	case *types.Chan:
		b.s("chan")
		b.n(int64(t.Dir()))
		b.typ(t.Elem())
	case *types.Signature:
		b.s("func", strconv.FormatBool(t.Variadic()))
		b.tparams(t.TypeParams())
		b.tuple(t.Params())
		b.tuple(t.Results())
	case *types.Tuple:
		b.tuple(t)
	case *types.Struct:
		b.s("struct", strconv.FormatBool(types.Comparable(t)))
		hidden := false
		for i := range t.NumFields() {
			f := t.Field(i)
			switch {
			case f.Exported():
				b.s("field", f.Name(), strconv.FormatBool(f.Embedded()), t.Tag(i))
				b.typ(f.Type())
			case f.Embedded():
				// Not accessible itself, but its exported fields are
				// promoted (its methods are in the method sets).
				hidden = true
				b.s("embedded")
				b.promoted(f.Type(), nil)
			default:
				hidden = true
			}
		}
		b.s("end", strconv.FormatBool(hidden))
	case *types.Interface:
		b.s("interface", strconv.FormatBool(t.IsComparable()), strconv.FormatBool(t.IsMethodSet()))
		b.n(int64(t.NumMethods()))
		for i := range t.NumMethods() {
			m := t.Method(i)
			b.s(m.Name())
			b.typ(m.Type())
		}
		// Embedded types: their methods are in the list above, but a
		// constraint's type terms are only here.
		b.n(int64(t.NumEmbeddeds()))
		for i := range t.NumEmbeddeds() {
			b.typ(t.EmbeddedType(i))
		}
	case *types.Union:
		b.s("union")
		b.n(int64(t.Len()))
		for i := range t.Len() {
			b.s(strconv.FormatBool(t.Term(i).Tilde()))
			b.typ(t.Term(i).Type())
		}
	case *types.TypeParam:
		b.s("tparam", t.Obj().Name())
		b.n(int64(t.Index()))
	case *types.Named:
		obj := t.Obj()
		if obj.Pkg() != nil {
			b.s("named", obj.Pkg().Path(), obj.Name())
		} else {
			b.s("named", "", obj.Name())
		}
		b.refs = append(b.refs, t.Origin().Obj())
		args := t.TypeArgs()
		b.n(int64(args.Len()))
		for i := range args.Len() {
			b.typ(args.At(i))
		}
	default:
		b.s("type", fmt.Sprintf("%T", t), t.String())
	}
}

// promoted writes the exported fields that an embedded field of type t,
// which is not accessible itself, promotes: those of its struct and, in
// turn, of the fields embedded in it.
func (b *printer) promoted(t types.Type, seen map[*types.Named]bool) {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := types.Unalias(t).(*types.Named); ok {
		if seen[n] {
			b.s("cycle")
			return
		}
		if seen == nil {
			seen = map[*types.Named]bool{}
		}
		seen[n] = true
	}
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		b.s("none")
		return
	}
	// By name: their order and the other fields do not matter here.
	for i := range st.NumFields() {
		f := st.Field(i)
		switch {
		case f.Exported():
			b.s("field", f.Name(), strconv.FormatBool(f.Embedded()))
			b.typ(f.Type())
		case f.Embedded():
			b.s("embedded")
			b.promoted(f.Type(), seen)
		}
	}
	b.s("end")
}

func (b *printer) tuple(t *types.Tuple) {
	b.s("tuple")
	b.n(int64(t.Len()))
	for i := range t.Len() {
		b.typ(t.At(i).Type())
	}
}

func qualifyByPath(p *types.Package) string { return p.Path() }
