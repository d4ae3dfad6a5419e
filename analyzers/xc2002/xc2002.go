// Package xc2002 reports imported packages that have no Go files for a
// target: build constraints exclude every one of them.
package xc2002

import (
	"fmt"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"

	"github.com/xcheck-dev/xcheck/analyzers/graph"
	"github.com/xcheck-dev/xcheck/finding"
)

// Rule is XC2002.
var Rule = &finding.Rule{
	ID: "XC2002", Name: "no-buildable-files", Severity: finding.Error,
	Title: "an imported package has no Go files for the target",
	Why: "A package whose files are all excluded by build constraints (`//go:build windows`, " +
		"`_darwin.go` names) does not exist for the target, and `go build` stops with " +
		"\"build constraints exclude all Go files in DIR\" in every program that imports it, " +
		"directly or through other packages: golang.org/x/sys/windows imported from a file without " +
		"a build constraint breaks every non-Windows build. The error names the package, not the " +
		"import that pulled it in; xcheck shows the import chain from your code. When the excluded " +
		"files are cgo files and cgo is off, XC3001 reports it instead.",
	Example: "```\n$ xcheck -t linux/amd64 ./...\n" +
		"service.go:7:2: error XC2002 [linux/amd64] build constraints exclude all Go files of \"golang.org/x/sys/windows/svc\"\n" +
		"    why: example.com/app -> golang.org/x/sys/windows/svc\n" +
		"    why: excluded: service.go (//go:build windows), ...\n" +
		"    fix: import \"golang.org/x/sys/windows/svc\" only from files built for the targets it supports (//go:build or _GOOS.go names), or drop the target\n```",
	Fix: "import the package only from files built for the targets it supports (//go:build or _GOOS.go names), or drop the target",
}

// Check reports each package of g without Go files for the target.
func Check(g *graph.Target) []finding.Finding {
	var out []finding.Finding
	for _, p := range g.Packages {
		if !p.NoFiles() || len(p.CgoExcluded) > 0 {
			continue
		}
		chain := g.Chain(p)
		f := finding.New(Rule, g.Name, g.ImportSite(chain),
			fmt.Sprintf("build constraints exclude all Go files of %q", p.PkgPath))
		f.Why = []string{graph.ChainString(chain)}
		if ex := excluded(p); ex != "" {
			f.Why = append(f.Why, "excluded: "+ex)
		}
		f.Fix = fmt.Sprintf("import %q only from files built for the targets it supports (//go:build or _GOOS.go names), or drop the target", p.PkgPath)
		out = append(out, f)
	}
	return out
}

// excluded describes the first few files of p that the constraints
// exclude, with their //go:build line.
func excluded(p *graph.Package) string {
	const max = 4
	var parts []string
	n := 0
	for _, name := range p.IgnoredFiles {
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		n++
		if len(parts) == max {
			continue
		}
		s := filepath.Base(name)
		if c := buildLine(name); c != "" {
			s += " (" + c + ")"
		}
		parts = append(parts, s)
	}
	if n > max {
		parts = append(parts, fmt.Sprintf("and %d more", n-max))
	}
	return strings.Join(parts, ", ")
}

// buildLine returns the //go:build line of a file, if it has one.
func buildLine(name string) string {
	f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.PackageClauseOnly|parser.ParseComments)
	if err != nil || f == nil {
		return ""
	}
	_, text := graph.BuildConstraint(f)
	return text
}
