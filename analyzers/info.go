package analyzers

import (
	"go/ast"
	"go/types"
	"strconv"

	"github.com/xcheck-dev/xcheck/analyzers/graph"
)

// NewInfo returns the types.Info the loader should record when it
// type-checks a package of files (outside the standard library) for a
// target whose type sizes are sizes: what the rules read of that package,
// and nothing more. importsBodiless says whether the package imports one
// that declares a function without a body (see Bodiless), or one whose
// files the caller does not have.
//
// The maps are most of a target's memory: for the 555-package bench
// module, a linux/amd64 graph holds 309 MiB with all of them, 124 MiB
// with Uses alone and 83 MiB with none; the loader holds several targets
// at once.
//
// What each rule reads:
//
//   - XC2003 (assembly without a fallback): Defs of the packages that
//     declare a function without a body, Uses of those and of their
//     importers (where the function is used);
//   - XC2005 (64-bit atomics on 32-bit targets): Types, Uses and
//     Selections of the packages that import sync/atomic, on targets with
//     32-bit pointers;
//   - XC3002 (cgo stub fallback): Types and Uses of the packages with a
//     file whose build constraint negates cgo.
//
// Instances, Implicits, Scopes and FileVersions are read by no rule. A
// rule that starts reading more must say so here: the loader's
// TestNewInfoAgrees compares the findings with and without this trimming.
func NewInfo(files []*ast.File, sizes types.Sizes, importsBodiless bool) *types.Info {
	noCgo, atomic := false, false
	for _, f := range files {
		if x, _ := graph.BuildConstraint(f); x != nil && graph.NegatesTag(x, "cgo") {
			noCgo = true
		}
		for _, imp := range f.Imports {
			if p, err := strconv.Unquote(imp.Path.Value); err == nil && p == "sync/atomic" {
				atomic = true
			}
		}
	}
	bodiless := Bodiless(files)
	narrow := atomic && sizes != nil && sizes.Sizeof(types.Typ[types.Uintptr]) == 4
	info := &types.Info{}
	if bodiless || importsBodiless || noCgo || narrow {
		info.Uses = make(map[*ast.Ident]types.Object)
	}
	if bodiless {
		info.Defs = make(map[*ast.Ident]types.Object)
	}
	if noCgo || narrow {
		info.Types = make(map[ast.Expr]types.TypeAndValue)
	}
	if narrow {
		info.Selections = make(map[*ast.SelectorExpr]*types.Selection)
	}
	return info
}

// Bodiless reports whether files declare a function without a body.
func Bodiless(files []*ast.File) bool {
	for _, f := range files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body == nil {
				return true
			}
		}
	}
	return false
}

// FullInfo returns a types.Info recording everything go/types can, for
// drivers that run other analyzers than xcheck's.
func FullInfo() *types.Info {
	return &types.Info{
		Types:        make(map[ast.Expr]types.TypeAndValue),
		Instances:    make(map[*ast.Ident]types.Instance),
		Defs:         make(map[*ast.Ident]types.Object),
		Uses:         make(map[*ast.Ident]types.Object),
		Implicits:    make(map[ast.Node]types.Object),
		Selections:   make(map[*ast.SelectorExpr]*types.Selection),
		Scopes:       make(map[ast.Node]*types.Scope),
		FileVersions: make(map[*ast.File]string),
	}
}
