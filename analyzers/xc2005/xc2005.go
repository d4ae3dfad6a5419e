// Package xc2005 reports 64-bit atomic operations on struct fields that
// are not 64-bit aligned on 32-bit targets (386, arm, mips, mipsle), where
// they panic at run time.
//
// The check is x/tools' atomicalign (golang.org/x/tools/go/analysis/
// passes/atomicalign) run with the target's sizes, extended: atomicalign
// looks only at fields of struct values (`&s.n` with `s` a struct), so it
// says nothing about the usual `func (c *Counter) Inc()
// { atomic.AddInt64(&c.n, 1) }`; this one follows pointers, embedded
// fields and nested structs to the field's offset from the start of its
// allocation, which the Go memory model aligns to 64 bits.
package xc2005

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/xcheck-dev/xcheck/analyzers/graph"
	"github.com/xcheck-dev/xcheck/finding"
)

// Rule is XC2005.
var Rule = &finding.Rule{
	ID: "XC2005", Name: "atomic64-alignment", Severity: finding.Warning,
	Title: "a 64-bit atomic operation uses a field that is not 64-bit aligned on 32-bit targets",
	Why: "On 386, arm, mips and mipsle, `int64` and `uint64` are only 4-byte aligned, but the 64-bit " +
		"functions of sync/atomic (`AddInt64`, `LoadUint64`, `CompareAndSwapInt64`, ...) need an " +
		"8-byte aligned address and panic with \"unaligned 64-bit atomic operation\" otherwise " +
		"(sync/atomic, section \"Bugs\"). Only the first word of an allocated struct, array or slice " +
		"is guaranteed to be 64-bit aligned, so `&s.count` works when `count` comes first and " +
		"crashes when a 4-byte field precedes it. The program builds and works on 64-bit machines, " +
		"then panics on a Raspberry Pi or a 32-bit router. xcheck applies the check of x/tools' " +
		"atomicalign with each 32-bit target's sizes and, unlike it, follows pointers (`&c.hits` in a " +
		"method on `*Counter`), embedded fields and nested structs to the field's offset from the start " +
		"of its allocation. The typed `atomic.Int64` and `atomic.Uint64` (Go 1.19) are always aligned " +
		"and never reported.",
	Example: "```\n$ xcheck -t linux/arm/v7,linux/386 ./...\n" +
		"metrics/metrics.go:14:20: warning XC2005 [linux/386, linux/arm/v7] atomic.AddInt64 on field \"hits\" of \"Counter\" at offset 4, which is not 64-bit aligned on 32-bit targets\n" +
		"    why: example.com/demo -> example.com/demo/metrics\n" +
		"    why: int64 fields are 4-byte aligned on 386, arm, mips and mipsle; 64-bit atomic operations on them panic at run time\n" +
		"    fix: make \"hits\" an atomic.Int64 (always 64-bit aligned, Go 1.19+), or move it to the start of \"Counter\"\n```",
	Fix: "use atomic.Int64 or atomic.Uint64 for the field (Go 1.19+), or move it to the start of the struct",
}

// Analyzer reports 64-bit sync/atomic calls on fields that the package's
// sizes do not align to 64 bits.
var Analyzer = &analysis.Analyzer{
	Name: "xc2005",
	Doc: "report 64-bit atomic operations on fields that 32-bit targets do not align\n\n" +
		"Like golang.org/x/tools/go/analysis/passes/atomicalign, with the package's types.Sizes " +
		"(nothing is reported for 64-bit targets), and also through pointers, embedded fields and " +
		"nested structs. The first word of an allocated variable is taken as 64-bit aligned, as the " +
		"sync/atomic documentation guarantees. The diagnostic is at the argument &x.f.",
	URL: "https://pkg.go.dev/sync/atomic#pkg-note-BUG",
	Run: run,
}

// funcs are atomicalign's: the sync/atomic functions whose first
// argument must be 64-bit aligned.
var funcs = map[string]bool{
	"AddInt64": true, "AddUint64": true,
	"LoadInt64": true, "LoadUint64": true,
	"StoreInt64": true, "StoreUint64": true,
	"SwapInt64": true, "SwapUint64": true,
	"CompareAndSwapInt64": true, "CompareAndSwapUint64": true,
	"AndInt64": true, "AndUint64": true,
	"OrInt64": true, "OrUint64": true,
}

func run(pass *analysis.Pass) (_ any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v", r)
		}
	}()
	if pass.TypesSizes == nil || pass.TypesSizes.Sizeof(types.Typ[types.Uintptr]) != 4 || !importsAtomic(pass.Pkg) {
		return nil, nil // 64-bit target, or no sync/atomic
	}
	// Walk only the files that name one of the functions, in order.
	var uses []token.Pos
	for id, obj := range pass.TypesInfo.Uses {
		if fn, ok := obj.(*types.Func); ok && fn.Pkg() != nil && fn.Pkg().Path() == "sync/atomic" && funcs[fn.Name()] {
			uses = append(uses, id.Pos())
		}
	}
	for _, f := range pass.Files {
		if !slices.ContainsFunc(uses, func(pos token.Pos) bool { return f.FileStart <= pos && pos <= f.FileEnd }) {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			fn, ok := typeutil.Callee(pass.TypesInfo, call).(*types.Func)
			if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "sync/atomic" || !funcs[fn.Name()] {
				return true
			}
			if fn.Signature().Recv() != nil {
				return true
			}
			if s := siteOf(pass.TypesInfo, pass.TypesSizes, call); s != nil && s.offset%8 != 0 {
				pass.Report(analysis.Diagnostic{
					Pos: call.Args[0].Pos(), End: call.Args[0].End(),
					Category: "atomic64-alignment", Message: s.message(),
				})
			}
			return true
		})
	}
	return nil, nil
}

// site is a 64-bit atomic call on a struct field.
type site struct {
	fn     string // AddInt64
	field  string
	owner  string // the struct's type name, "" for a struct literal type
	offset int64
}

func (s *site) message() string {
	of := ""
	if s.owner != "" {
		of = fmt.Sprintf(" of %q", s.owner)
	}
	return fmt.Sprintf("atomic.%s on field %q%s at offset %d, which is not 64-bit aligned on 32-bit targets",
		s.fn, s.field, of, s.offset)
}

func (s *site) fix() string {
	typ := "atomic.Int64"
	if strings.HasSuffix(s.fn, "Uint64") {
		typ = "atomic.Uint64"
	}
	where := "the struct"
	if s.owner != "" {
		where = fmt.Sprintf("%q", s.owner)
	}
	return fmt.Sprintf("make %q an %s (always 64-bit aligned, Go 1.19+), or move it to the start of %s", s.field, typ, where)
}

// siteOf describes a call whose first argument is &x.f, with f's offset
// from the start of the allocation x lives in; nil if the argument is not
// a field's address or the offset cannot be known.
func siteOf(info *types.Info, sizes types.Sizes, call *ast.CallExpr) *site {
	if info == nil || sizes == nil || len(call.Args) == 0 {
		return nil
	}
	unary, ok := ast.Unparen(call.Args[0]).(*ast.UnaryExpr)
	if !ok || unary.Op != token.AND {
		return nil
	}
	fsel, ok := ast.Unparen(unary.X).(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	s := info.Selections[fsel]
	if s == nil || s.Kind() != types.FieldVal {
		return nil
	}
	off, ok := offsetOf(info, sizes, fsel)
	if !ok {
		return nil
	}
	name := ""
	switch fun := ast.Unparen(call.Fun).(type) {
	case *ast.SelectorExpr:
		name = fun.Sel.Name
	case *ast.Ident:
		name = fun.Name
	}
	return &site{fn: name, field: fsel.Sel.Name, owner: typeName(ownerOf(s)), offset: off}
}

// ownerOf returns the type of the struct that declares the selected field.
func ownerOf(s *types.Selection) types.Type {
	t := s.Recv()
	idx := s.Index()
	for i, j := range idx {
		if p, ok := t.Underlying().(*types.Pointer); ok {
			t = p.Elem()
		}
		st, ok := t.Underlying().(*types.Struct)
		if !ok {
			return nil
		}
		if i == len(idx)-1 {
			return t
		}
		t = st.Field(j).Type()
	}
	return nil
}

// offsetOf returns the offset of the addressable expression e from the
// start of the allocation it is in: a variable, or what a pointer points
// to (both 64-bit aligned). ok is false when it cannot be known (an
// element at a variable index of an array of odd-sized elements).
func offsetOf(info *types.Info, sizes types.Sizes, e ast.Expr) (int64, bool) {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident, *ast.StarExpr:
		return 0, true
	case *ast.SelectorExpr:
		s := info.Selections[e]
		if s == nil {
			return 0, true // pkg.Var: a package-level variable
		}
		if s.Kind() != types.FieldVal {
			return 0, false
		}
		t := s.Recv()
		var off int64
		if p, ok := t.Underlying().(*types.Pointer); ok {
			t = p.Elem() // x.f with x a pointer: a new allocation
		} else {
			var ok bool
			if off, ok = offsetOf(info, sizes, e.X); !ok {
				return 0, false
			}
		}
		for _, j := range s.Index() {
			if p, ok := t.Underlying().(*types.Pointer); ok {
				t, off = p.Elem(), 0 // through an embedded pointer
			}
			st, ok := t.Underlying().(*types.Struct)
			if !ok {
				return 0, false
			}
			fields := make([]*types.Var, j+1)
			for k := range fields {
				fields[k] = st.Field(k)
			}
			off += sizes.Offsetsof(fields)[j]
			t = st.Field(j).Type()
		}
		return off, true
	case *ast.IndexExpr:
		tv, ok := info.Types[e.X]
		if !ok || tv.Type == nil {
			return 0, false
		}
		var base int64
		var elem types.Type
		switch x := tv.Type.Underlying().(type) {
		case *types.Array:
			b, ok := offsetOf(info, sizes, e.X)
			if !ok {
				return 0, false
			}
			base, elem = b, x.Elem()
		case *types.Pointer:
			a, ok := x.Elem().Underlying().(*types.Array)
			if !ok {
				return 0, false
			}
			elem = a.Elem()
		case *types.Slice:
			elem = x.Elem()
		default:
			return 0, false
		}
		size := sizes.Sizeof(elem)
		if iv, ok := info.Types[e.Index]; ok && iv.Value != nil {
			if i, exact := constant.Int64Val(constant.ToInt(iv.Value)); exact {
				return base + i*size, true
			}
		}
		if size%8 == 0 {
			return base, true
		}
		return 0, false
	}
	return 0, false
}

// typeName names the struct type t (or what it points to), "" for a
// struct literal type.
func typeName(t types.Type) string {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := types.Unalias(t).(*types.Named); ok {
		return n.Obj().Name()
	}
	return ""
}

// Check turns the analyzer's diagnostics on g into findings. It reports
// nothing for 64-bit targets: the analyzer found nothing there.
func Check(g *graph.Target) []finding.Finding {
	var out []finding.Finding
	for _, d := range g.Diagnostics(Analyzer) {
		p := d.Pkg
		if p.Standard {
			continue
		}
		f := finding.New(Rule, g.Name, g.Position(p, d.Pos), d.Message)
		f.Why = []string{
			graph.ChainString(g.Chain(p)),
			"int64 fields are 4-byte aligned on 386, arm, mips and mipsle; 64-bit atomic operations on them panic at run time",
		}
		if s := siteAt(p, d.Pos, d.End); s != nil {
			f.Fix = s.fix()
		}
		out = append(out, f)
	}
	return out
}

// siteAt finds the call whose first argument spans [pos, end) in p (where
// the analyzer reports) and describes it.
func siteAt(p *graph.Package, pos, end token.Pos) *site {
	var found *site
	for _, f := range p.Syntax {
		if pos < f.Pos() || pos > f.End() {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if found != nil || n == nil || n.End() < pos || n.Pos() > pos {
				return false
			}
			if c, ok := n.(*ast.CallExpr); ok && len(c.Args) > 0 && c.Args[0].Pos() == pos && c.Args[0].End() == end {
				found = siteOf(p.TypesInfo, p.TypesSizes, c)
				return false
			}
			return true
		})
	}
	return found
}

// Mentions reports whether files import sync/atomic and name one of the
// functions the analyzer looks at (as atomic.AddInt64, or AddInt64
// through a dot import; an identifier of the same name elsewhere counts
// too): only then does it read the package's TypesInfo.
func Mentions(files []*ast.File) bool {
	imports := false
	for _, f := range files {
		for _, imp := range f.Imports {
			if imp.Path.Value == `"sync/atomic"` {
				imports = true
			}
		}
	}
	if !imports {
		return false
	}
	found := false
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && funcs[id.Name] {
				found = true
			}
			return !found
		})
		if found {
			return true
		}
	}
	return false
}

func importsAtomic(pkg *types.Package) bool {
	for _, imp := range pkg.Imports() {
		if imp.Path() == "sync/atomic" {
			return true
		}
	}
	return false
}
