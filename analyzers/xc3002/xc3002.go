// Package xc3002 reports packages that build without cgo only because
// they have a !cgo fallback that fails at run time (a stub).
package xc3002

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/xcheck-dev/xcheck/analyzers/graph"
	"github.com/xcheck-dev/xcheck/analyzers/internal/cgohint"
	"github.com/xcheck-dev/xcheck/finding"
)

// Rule is XC3002.
var Rule = &finding.Rule{
	ID: "XC3002", Name: "cgo-stub-fallback", Severity: finding.Warning,
	Title: "a package builds without cgo from a stub that fails at run time",
	Why: "Some cgo packages ship a `!cgo` file so that `CGO_ENABLED=0` builds still compile, but " +
		"its functions only return an error or panic: mattn/go-sqlite3's says \"Binary was compiled " +
		"with 'CGO_ENABLED=0', go-sqlite3 requires cgo to work. This is a stub\" (mattn/go-sqlite3#855, " +
		"go-gorm/gorm#6468). The cross build succeeds and the program fails in production. xcheck " +
		"reads the source of the `!cgo` files the target compiles: exported functions whose body " +
		"only panics or returns a non-nil error, together with a message that mentions cgo (or " +
		"every exported function failing that way), mark a stub. It does not rely on a list of " +
		"package names.",
	Example: "```\n$ xcheck -t linux/arm64 ./...\n" +
		"db/db.go:5:2: warning XC3002 [linux/arm64] \"github.com/mattn/go-sqlite3\" builds without cgo from a stub that fails at run time\n" +
		"    why: example.com/app -> example.com/app/db -> github.com/mattn/go-sqlite3\n" +
		"    why: github.com/mattn/go-sqlite3@v1.14.22/sqlite3_other.go:29:1: Open always fails: \"Binary was compiled with 'CGO_ENABLED=0', go-sqlite3 requires cgo to work. This is a stub\"\n" +
		"    fix: build with CGO_ENABLED=1 and CC=aarch64-linux-gnu-gcc, or replace github.com/mattn/go-sqlite3 with the pure-Go modernc.org/sqlite\n```",
	Fix: "build with CGO_ENABLED=1 and a C cross compiler for the target, or use a pure-Go alternative of the package",
}

// Analyzer reports the failing functions of !cgo fallback files.
var Analyzer = &analysis.Analyzer{
	Name: "xc3002",
	Doc: "report !cgo fallback files that fail at run time\n\n" +
		"A file with a `!cgo` build constraint is a stub when its exported functions only panic or " +
		"return a non-nil error, and it says so (a message that mentions cgo), or when all of its " +
		"exported functions do. One diagnostic per stub file, at its first failing function.",
	Run:              run,
	RunDespiteErrors: true,
}

// cgoWords matches messages that blame the missing cgo.
var cgoWords = regexp.MustCompile(`(?i)\bcgo\b|cgo_enabled|requires? c\b|c compiler|this is a stub`)

func run(pass *analysis.Pass) (_ any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v", r)
		}
	}()
	for _, f := range pass.Files {
		x, _ := graph.BuildConstraint(f)
		if x == nil || !graph.NegatesTag(x, "cgo") {
			continue
		}
		s := stubOf(pass, f)
		if s == nil {
			continue
		}
		msg := fmt.Sprintf("!cgo fallback: %s always fails", s.first.Name.Name)
		if s.message != "" {
			msg += fmt.Sprintf(": %q", s.message)
		} else if s.exported > 1 {
			msg += fmt.Sprintf(", like all %d exported functions of the file", s.exported)
		}
		pass.Report(analysis.Diagnostic{Pos: s.first.Pos(), End: s.first.Name.End(), Category: "cgo-stub", Message: msg})
	}
	return nil, nil
}

type stub struct {
	first    *ast.FuncDecl // first failing function
	message  string        // a failure message mentioning cgo
	exported int           // exported functions with bodies
}

// stubOf decides whether f is a stub.
func stubOf(pass *analysis.Pass, f *ast.File) *stub {
	s := &stub{}
	failing := 0
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		isInit := fd.Recv == nil && fd.Name.Name == "init"
		if !fd.Name.IsExported() && !isInit {
			continue
		}
		if !isInit {
			s.exported++
		}
		if fails(pass, fd.Body) {
			failing++
			if s.first == nil {
				s.first = fd
			}
		}
	}
	if failing == 0 {
		return nil
	}
	s.message = cgoMessage(pass, f)
	if s.message == "" && failing < s.exported {
		return nil
	}
	return s
}

// fails reports whether a function body unconditionally panics or returns
// a non-nil error: its only statement is panic(...) or a return whose
// last result is an error that is not nil.
func fails(pass *analysis.Pass, body *ast.BlockStmt) bool {
	if len(body.List) != 1 {
		return false
	}
	switch st := body.List[0].(type) {
	case *ast.ExprStmt:
		call, ok := ast.Unparen(st.X).(*ast.CallExpr)
		if !ok {
			return false
		}
		id, ok := ast.Unparen(call.Fun).(*ast.Ident)
		if !ok {
			return false
		}
		b, ok := pass.TypesInfo.Uses[id].(*types.Builtin)
		return ok && b.Name() == "panic"
	case *ast.ReturnStmt:
		if len(st.Results) == 0 {
			return false
		}
		last := st.Results[len(st.Results)-1]
		tv, ok := pass.TypesInfo.Types[last]
		if !ok || tv.IsNil() || tv.Type == nil {
			return false
		}
		return types.Implements(tv.Type, errorType) || types.Identical(tv.Type, errorType)
	}
	return false
}

var errorType = types.Universe.Lookup("error").Type().Underlying().(*types.Interface)

// cgoMessage returns the first string constant of f that blames cgo.
func cgoMessage(pass *analysis.Pass, f *ast.File) string {
	var msg string
	ast.Inspect(f, func(n ast.Node) bool {
		if msg != "" {
			return false
		}
		lit, ok := n.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		s, err := strconv.Unquote(lit.Value)
		if err != nil {
			if tv, ok := pass.TypesInfo.Types[lit]; ok && tv.Value != nil && tv.Value.Kind() == constant.String {
				s = constant.StringVal(tv.Value)
			}
		}
		if cgoWords.MatchString(s) {
			msg = strings.TrimSpace(s)
			if len(msg) > 120 {
				msg = msg[:117] + "..."
			}
		}
		return true
	})
	return msg
}

// Check turns the analyzer's diagnostics on g into findings, one per
// package, at the import in the user's code that pulls the stub in.
func Check(g *graph.Target) []finding.Finding {
	if g.Build.CgoEnabled {
		return nil
	}
	var out []finding.Finding
	byPkg := map[*graph.Package][]graph.Diagnostic{}
	var order []*graph.Package
	for _, d := range g.Diagnostics(Analyzer) {
		if d.Pkg.Standard {
			continue
		}
		if byPkg[d.Pkg] == nil {
			order = append(order, d.Pkg)
		}
		byPkg[d.Pkg] = append(byPkg[d.Pkg], d)
	}
	for _, p := range order {
		ds := byPkg[p]
		chain := g.Chain(p)
		pos := g.ImportSite(chain)
		if p.Main || !pos.IsValid() {
			pos = g.Position(p, ds[0].Pos)
		}
		f := finding.New(Rule, g.Name, pos, fmt.Sprintf("%q builds without cgo from a stub that fails at run time", p.PkgPath))
		f.Why = []string{graph.ChainString(chain)}
		for i, d := range ds {
			if i == 3 {
				break
			}
			f.Why = append(f.Why, fmt.Sprintf("%s: %s", g.Position(p, d.Pos), strings.TrimPrefix(d.Message, "!cgo fallback: ")))
		}
		if len(p.CgoExcluded) > 0 {
			f.Why = append(f.Why, "its cgo implementation is left out: "+graph.FileList(p.CgoExcluded))
		}
		if g.Build.CgoReason != "" {
			f.Why = append(f.Why, "cgo is off: "+g.Build.CgoReason)
		}
		f.Fix = cgohint.Fix(g.Build, p.PkgPath)
		out = append(out, f)
	}
	return out
}
