package analyzers

import (
	"go/ast"
	"go/types"

	"github.com/xcheck-dev/xcheck/analyzers/graph"
	"github.com/xcheck-dev/xcheck/analyzers/xc2003"
	"github.com/xcheck-dev/xcheck/analyzers/xc2005"
)

// NewInfo returns the types.Info the loader should record when it
// type-checks a package of files (outside the standard library) for a
// target whose type sizes are sizes: what the rules read of that package,
// and nothing more. needUses says whether a rule reads where the
// package, or one it imports, uses its objects: see NeedsUses.
//
// The maps are most of a target's memory: for the 555-package bench
// module, a linux/amd64 graph holds 309 MiB with all of them, 124 MiB
// with Uses alone and 83 MiB with none; the loader holds several targets
// at once. Recording them is also a fifth of the type checker's time.
//
// What each rule reads:
//
//   - XC2003 (assembly without a fallback): Uses of the packages whose
//     function without a body only breaks the link where it is used, and
//     of their importers (xc2003.NeedsUses);
//   - XC2005 (64-bit atomics on 32-bit targets): Types, Uses and
//     Selections of the packages that name one of the 64-bit functions
//     of sync/atomic (xc2005.Mentions), on targets with 32-bit pointers;
//   - XC3002 (cgo stub fallback): Types and Uses of the packages with a
//     file whose build constraint negates cgo.
//
// Defs, Instances, Implicits, Scopes and FileVersions are read by no
// rule. A rule that starts reading more must say so here: the loader's
// TestNewInfoAgrees compares the findings with and without this trimming.
func NewInfo(files []*ast.File, sizes types.Sizes, needUses bool) *types.Info {
	noCgo := false
	for _, f := range files {
		if x, _ := graph.BuildConstraint(f); x != nil && graph.NegatesTag(x, "cgo") {
			noCgo = true
		}
	}
	narrow := sizes != nil && sizes.Sizeof(types.Typ[types.Uintptr]) == 4 && xc2005.Mentions(files)
	info := &types.Info{}
	if needUses || noCgo || narrow {
		info.Uses = make(map[*ast.Ident]types.Object)
	}
	if noCgo || narrow {
		info.Types = make(map[ast.Expr]types.TypeAndValue)
	}
	if narrow {
		info.Selections = make(map[*ast.SelectorExpr]*types.Selection)
	}
	return info
}

// NeedsUses reports whether a rule reads where p's objects are used, in p
// and in the packages that import it (XC2003: a function without a body
// that only breaks the link where it is used). Call it once p.Syntax,
// p.CgoFiles and the go command's file lists are set.
func NeedsUses(p *graph.Package) bool { return xc2003.NeedsUses(p) }

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
