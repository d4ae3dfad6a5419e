// Package xc2001 reports code that does not compile for a target: type
// errors (an identifier that does not exist for the GOOS, a constant that
// overflows int on a 32-bit GOARCH, signatures that differ between the
// _linux.go and _windows.go versions of a function), syntax errors and
// imports the go command cannot resolve.
package xc2001

import (
	"fmt"
	"go/token"
	"go/types"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/xcheck-dev/xcheck/analyzers/graph"
	"github.com/xcheck-dev/xcheck/finding"
)

// Rule is XC2001.
var Rule = &finding.Rule{
	ID: "XC2001", Name: "type-error", Severity: finding.Error,
	Title: "the code does not compile for the target",
	Why: "Which files a package has, which identifiers exist and how wide `int` is all depend on GOOS " +
		"and GOARCH. Code that compiles on the build machine can fail for another target: " +
		"`syscall.SIGUSR1` does not exist on Windows, `syscall.Mkfifo` not on illumos, a constant above " +
		"2³¹-1 overflows `int` on 386, arm and mips, and a function declared in `x_linux.go` and " +
		"`x_windows.go` with different signatures breaks every caller on one side. xcheck type-checks " +
		"the module and its dependencies for each target, as `go build` would, and reports each " +
		"error at its position with the import chain that pulls the package in. Syntax errors and " +
		"imports the go command cannot resolve for the target (a missing module, an import cycle) " +
		"are reported by this rule too. The standard library is assumed to build for every port.",
	Example: "```\n$ xcheck -t first-class ./...\n" +
		"internal/fastsum/fastsum.go:11:22: error XC2001 [linux/386, linux/arm, windows/386] prime (untyped int constant 1099511627689) overflows int\n" +
		"    why: example.com/demo -> example.com/demo/internal/fastsum\n" +
		"    why: int and uint are 32 bits wide on 386, arm, mips and mipsle\n" +
		"    fix: use int64 or uint64 for values that need more than 32 bits\n" +
		"internal/reload/reload.go:13:27: error XC2001 [windows/386, windows/amd64] undefined: syscall.SIGUSR1\n" +
		"    why: example.com/demo -> example.com/demo/internal/reload\n" +
		"    fix: move the code that uses syscall.SIGUSR1 to a file built only where it exists (for example //go:build unix), with a fallback for the other targets\n```",
	Fix: "make the code build for the target: put target-specific code in files with build constraints " +
		"(//go:build or _GOOS.go/_GOARCH.go names) that exist for every target, and keep their declarations identical",
}

// maxPerPackage bounds the errors reported per package and target, like
// the compiler's "too many errors".
const maxPerPackage = 10

// Check reports the errors of every package of g, except the standard
// library's type errors and what XC2002 and XC3001 report.
func Check(g *graph.Target) []finding.Finding {
	var out []finding.Finding
	for _, p := range g.Packages {
		chain := graph.ChainString(g.Chain(p))
		// fix is "" for errors of the go command: their message says
		// what is wrong, and it is not specific to the target.
		add := func(pos finding.Position, msg, fix string) {
			f := finding.New(Rule, g.Name, pos, msg)
			f.Why = []string{chain}
			f.Fix = fix
			out = append(out, f)
		}
		listErrs := p.ListErrors()
		for _, e := range listErrs {
			if p.NoFiles() && strings.HasPrefix(strings.TrimSpace(e.Msg), graph.ExcludeAllMsg) {
				continue // XC2002 or XC3001
			}
			if strings.Contains(e.Msg, "requires external (cgo) linking") {
				continue // a property of the port: XC1005
			}
			add(g.ListErrorPosition(p, e), g.CleanMessage(e.Msg), "")
		}
		parseErrs := p.ParseErrors()
		for _, e := range parseErrs {
			add(g.ListErrorPosition(p, e), "syntax error: "+e.Msg, "fix the syntax error")
		}
		for _, e := range p.Errors {
			if e.Kind == packages.UnknownError { // a file that cannot be read
				add(g.ListErrorPosition(p, e), g.CleanMessage(e.Msg), "")
			}
		}
		if p.Standard || len(listErrs) > 0 || len(parseErrs) > 0 {
			continue
		}
		names := p.ExcludedCgoNames()
		n := 0
		for _, grp := range groups(g.Fset, p.TypeErrors) {
			e := grp[0]
			if p.CgoCaused(e, names) {
				continue // XC3001
			}
			if n == maxPerPackage {
				break
			}
			n++
			f := finding.New(Rule, g.Name, g.Position(p, e.Pos), e.Msg)
			f.Why = []string{chain}
			for _, c := range grp[1:] {
				f.Why = append(f.Why, fmt.Sprintf("%s: %s", g.Position(p, c.Pos), strings.TrimSpace(c.Msg)))
			}
			if why, fix := explain(g, e.Msg); fix != "" {
				if why != "" {
					f.Why = append(f.Why, why)
				}
				f.Fix = fix
			}
			out = append(out, f)
		}
	}
	return out
}

var undefinedSel = regexp.MustCompile(`^undefined: ([\p{L}_][\p{L}\p{N}_]*)\.([\p{L}_][\p{L}\p{N}_]*)$`)

// groups splits errs, in the type checker's order, into an error and its
// continuations ("\tother declaration of x"), sorted by position.
func groups(fset *token.FileSet, errs []types.Error) [][]types.Error {
	var gs [][]types.Error
	for _, e := range errs {
		if strings.HasPrefix(e.Msg, "\t") && len(gs) > 0 {
			gs[len(gs)-1] = append(gs[len(gs)-1], e)
			continue
		}
		gs = append(gs, []types.Error{e})
	}
	slices.SortStableFunc(gs, func(a, b []types.Error) int { return graph.ComparePos(fset, a[0].Pos, b[0].Pos) })
	return gs
}

// explain returns evidence and a fix for well-known kinds of errors. The
// evidence does not name the target, so that the finding merges across
// the targets where it occurs.
func explain(g *graph.Target, msg string) (why, fix string) {
	switch {
	case strings.Contains(msg, "overflows") && is32(g.Build.Target.GOARCH):
		return "int and uint are 32 bits wide on 386, arm, mips and mipsle",
			"use int64 or uint64 for values that need more than 32 bits"
	case undefinedSel.MatchString(msg):
		m := undefinedSel.FindStringSubmatch(msg)
		return "", fmt.Sprintf("move the code that uses %s.%s to a file built only where it exists (for example //go:build unix), with a fallback for the other targets", m[1], m[2])
	}
	return "", ""
}

// is32 reports whether int is 32 bits wide on goarch.
func is32(goarch string) bool {
	s := types.SizesFor("gc", goarch)
	return s != nil && s.Sizeof(types.Typ[types.Int]) == 4
}
