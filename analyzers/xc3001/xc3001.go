// Package xc3001 reports packages that need cgo on a target where cgo is
// off: their cgo files are left out and what remains does not build.
package xc3001

import (
	"fmt"
	"go/types"
	"slices"

	"github.com/xcheck-dev/xcheck/analyzers/graph"
	"github.com/xcheck-dev/xcheck/analyzers/internal/cgohint"
	"github.com/xcheck-dev/xcheck/finding"
)

// Rule is XC3001.
var Rule = &finding.Rule{
	ID: "XC3001", Name: "cgo-needed-but-off", Severity: finding.Error,
	Title: "a package needs cgo but cgo is off for the target",
	Why: "With CGO_ENABLED=0 the go command leaves out every file that imports \"C\". Cross builds " +
		"have cgo off unless CGO_ENABLED=1 is set (setting CC is not enough), and so do native builds " +
		"without a C compiler. A package whose Go files all use cgo then has no files " +
		"(\"build constraints exclude all Go files\"), and one whose other files call into its cgo " +
		"files fails with undefined names. Either way the error names the package deep in the " +
		"dependency graph, not the import in your code that pulled it in (golang/go#24068): xcheck " +
		"shows the chain, and how to get cgo for the target.",
	Example: "```\n$ xcheck -t linux/arm64 ./...\n" +
		"db/db.go:5:2: error XC3001 [linux/arm64] \"github.com/mattn/go-sqlite3\" needs cgo but cgo is off: without its cgo files it does not compile\n" +
		"    why: example.com/app -> example.com/app/db -> github.com/mattn/go-sqlite3\n" +
		"    why: cgo files left out: sqlite3.go, ...\n" +
		"    why: cgo is off: cross-compiling: cgo is off unless CGO_ENABLED=1\n" +
		"    fix: build with CGO_ENABLED=1 and CC=aarch64-linux-gnu-gcc, or replace github.com/mattn/go-sqlite3 with the pure-Go modernc.org/sqlite\n```",
	Fix: "build with CGO_ENABLED=1 and CC set to a C cross compiler for the target (aarch64-linux-gnu-gcc for linux/arm64), or use a pure-Go alternative of the package",
}

// Check reports each package of g that cgo being off breaks.
func Check(g *graph.Target) []finding.Finding {
	if g.Build.CgoEnabled {
		return nil
	}
	var out []finding.Finding
	for _, p := range g.Packages {
		if p.Standard || len(p.CgoExcluded) == 0 {
			continue
		}
		var msg, errWhy string
		if p.NoFiles() {
			msg = fmt.Sprintf("%q needs cgo but cgo is off: all its buildable Go files use cgo", p.PkgPath)
		} else if e, ok := firstCgoError(g, p); ok {
			msg = fmt.Sprintf("%q needs cgo but cgo is off: without its cgo files it does not compile", p.PkgPath)
			pos := g.Position(p, e.Pos)
			errWhy = fmt.Sprintf("%s: %s", pos, e.Msg)
		} else {
			continue
		}
		chain := g.Chain(p)
		var pos finding.Position
		if p.Main {
			pos = g.ImportCPos(p, p.CgoExcludedSyntax)
		}
		if !pos.IsValid() {
			pos = g.ImportSite(chain)
		}
		f := finding.New(Rule, g.Name, pos, msg)
		f.Why = []string{graph.ChainString(chain), "cgo files left out: " + graph.FileList(p.CgoExcluded)}
		if errWhy != "" {
			f.Why = append(f.Why, errWhy)
		}
		if g.Build.CgoReason != "" {
			f.Why = append(f.Why, "cgo is off: "+g.Build.CgoReason)
		}
		f.Fix = cgohint.Fix(g.Build, p.PkgPath)
		out = append(out, f)
	}
	return out
}

// firstCgoError returns the first type error of p explained by its
// missing cgo files.
func firstCgoError(g *graph.Target, p *graph.Package) (types.Error, bool) {
	names := p.ExcludedCgoNames()
	errs := slices.Clone(p.TypeErrors)
	slices.SortStableFunc(errs, func(a, b types.Error) int { return graph.ComparePos(g.Fset, a.Pos, b.Pos) })
	for _, e := range errs {
		if p.CgoCaused(e, names) {
			return e, true
		}
	}
	return types.Error{}, false
}
