// Package analyzers holds xcheck's source rules, one package per rule
// named by its ID (xc2001, ...), each with its documentation in its Rule
// value. Run applies all of them to one target's loaded graph.
//
// A rule is either a check over the whole graph (a Check function: load
// errors, import chains, the target's cgo setting) or a
// golang.org/x/tools/go/analysis Analyzer over each package's syntax and
// types, whose diagnostics the rule's Check turns into findings. Both kinds
// export Rule; Analyzers are also usable with any go/analysis driver.
//
// Dependencies from GOROOT and the module cache may come from the result
// cache (graph.Package.Restored): they have types and their type-check
// conclusions but no syntax or TypesInfo. Analyzers run only on packages
// with syntax; a Check that reads another package's syntax or TypesInfo
// and finds it Restored must call graph.Target.NeedFull, and the loader
// then checks that target again in full (xc2003 does this).
//
// The loader records of go/types' Info only what the rules read
// (NewInfo): an analyzer or Check that reads another map, or the same
// maps in other packages, must add it there.
package analyzers

import (
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/xcheck-dev/xcheck/analyzers/graph"
	"github.com/xcheck-dev/xcheck/analyzers/xc2001"
	"github.com/xcheck-dev/xcheck/analyzers/xc2002"
	"github.com/xcheck-dev/xcheck/analyzers/xc2003"
	"github.com/xcheck-dev/xcheck/analyzers/xc2004"
	"github.com/xcheck-dev/xcheck/analyzers/xc2005"
	"github.com/xcheck-dev/xcheck/analyzers/xc3001"
	"github.com/xcheck-dev/xcheck/analyzers/xc3002"
	"github.com/xcheck-dev/xcheck/analyzers/xc3006"
	"github.com/xcheck-dev/xcheck/finding"
)

// Rules lists the source rules, by ID.
var Rules = []*finding.Rule{
	xc2001.Rule,
	xc2002.Rule,
	xc2003.Rule,
	xc2004.Rule,
	xc2005.Rule,
	xc3001.Rule,
	xc3002.Rule,
	xc3006.Rule,
}

// Analyzers lists the go/analysis analyzers the rules use.
var Analyzers = []*analysis.Analyzer{
	xc2005.Analyzer,
	xc3002.Analyzer,
}

// checks are the rules' graph checks, in ID order.
var checks = []func(*graph.Target) []finding.Finding{
	xc2001.Check,
	xc2002.Check,
	xc2003.Check,
	xc2004.Check,
	xc2005.Check,
	xc3001.Check,
	xc3002.Check,
	xc3006.Check,
}

// Run runs every analyzer over the packages of g outside the standard
// library, then every rule, and returns the findings for g's target.
func Run(g *graph.Target) []finding.Finding {
	var pkgs []*packages.Package
	for _, p := range g.Packages {
		// Restored packages have no TypesInfo: what the analyzers
		// found in them is known to be nothing (see loader.Results).
		if !p.Standard && p.Types != nil && p.TypesInfo != nil && len(p.Syntax) > 0 {
			pkgs = append(pkgs, p.Package)
		}
	}
	if len(pkgs) > 0 && len(Analyzers) > 0 {
		res, err := checker.Analyze(Analyzers, pkgs, &checker.Options{})
		if err == nil {
			for act := range res.All() {
				if p := g.Of(act.Package); p != nil && act.Err == nil {
					g.RecordDiagnostics(act.Analyzer, p, act.Diagnostics)
				}
			}
		}
	}
	var out []finding.Finding
	for _, check := range checks {
		out = append(out, check(g)...)
	}
	return out
}
