// Package xc2003 reports Go functions declared without a body whose
// assembly implementation is not built for a target: "missing function
// body".
//
// It is a graph check, not an analysis.Analyzer: it needs the package's
// assembly files for the target and those left out (go list's SFiles and
// ignored files), the other non-Go files that decide whether the compiler
// sees the whole package, and the target's GOOS and tags to say which
// architectures do have an implementation.
package xc2003

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/build"
	"go/token"
	"go/types"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/xcheck-dev/xcheck/analyzers/graph"
	"github.com/xcheck-dev/xcheck/analyzers/internal/goarch"
	"github.com/xcheck-dev/xcheck/finding"
)

// Rule is XC2003.
var Rule = &finding.Rule{
	ID: "XC2003", Name: "asm-no-fallback", Severity: finding.Error,
	Title: "a function declared without a body has no assembly for the target",
	Why: "A Go declaration without a body (`func Sum(x []uint64) uint64`) promises an implementation " +
		"in assembly: a `TEXT ·Sum(SB)` in one of the package's `.s` files. Those files are usually " +
		"per architecture (`sum_amd64.s`, `sum_arm64.s`), so on any other GOARCH nothing implements " +
		"the function. When the package has no assembly or other non-Go files left for the target, " +
		"the compiler stops with \"missing function body\"; when other `.s` files remain, the compiler " +
		"accepts the declaration and the link of every program that uses the function fails with " +
		"\"relocation target ... not defined\" (that case is reported only when something uses it). " +
		"Either way it works on the developer's amd64 machine and breaks on 386, riscv64, s390x, " +
		"wasm or the next new port. xcheck reads the `TEXT` symbols of the package's `.s` files built " +
		"for the target and of those left out. Declarations with `//go:linkname` or " +
		"`//go:wasmimport` get their implementation elsewhere and are not reported, nor is the " +
		"standard library. A pure-Go fallback for the other architectures is the usual cure.",
	Example: "```\n$ xcheck -t linux/386,linux/riscv64 ./...\n" +
		"internal/sum/sum.go:6:6: error XC2003 [linux/386, linux/riscv64] missing function body: \"Sum\" is implemented in assembly only for amd64 and arm64\n" +
		"    why: example.com/demo -> example.com/demo/internal/sum\n" +
		"    why: internal/sum/sum_amd64.s:5: TEXT ·Sum(SB)\n" +
		"    why: internal/sum/sum_arm64.s:5: TEXT ·Sum(SB)\n" +
		"    why: no assembly or other non-Go file of the package is built for the target, so the compiler stops: \"missing function body\"\n" +
		"    fix: declare Sum only in files built for amd64 || arm64 and add a pure-Go Sum in a file with //go:build !amd64 && !arm64, or add assembly for the target\n```",
	Fix: "add a pure-Go fallback in a file whose build constraint excludes the architectures that have assembly " +
		"(//go:build !amd64 && !arm64), declaring the assembly function only where it exists, or add assembly for the target",
}

// maxAsmSize bounds the assembly files read; a bigger one is not looked
// into (and the declarations it might implement are not reported).
const maxAsmSize = 16 << 20

// extFile lists the extensions of the non-Go files that make the go
// command compile a package without -complete (cmd/go's extFiles:
// CFiles, CXXFiles, MFiles, FFiles, SFiles, SysoFiles, SwigFiles).
var extFile = map[string]bool{
	".c": true, ".cc": true, ".cpp": true, ".cxx": true, ".m": true,
	".f": true, ".F": true, ".for": true, ".f90": true,
	".s": true, ".S": true, ".sx": true, ".syso": true, ".swig": true, ".swigcxx": true,
}

// Check reports, for each package of g outside the standard library, the
// functions declared without a body that nothing implements for the
// target.
func Check(g *graph.Target) []finding.Finding {
	var out []finding.Finding
	for _, p := range g.Packages {
		if p.Standard || len(p.Syntax) == 0 {
			continue
		}
		decls := bodiless(p)
		if len(decls) == 0 {
			continue
		}
		out = append(out, check(g, p, decls)...)
	}
	return out
}

// bodiless returns the package-level functions of p declared without a
// body and without a directive that supplies one (//go:linkname,
// //go:wasmimport), in file order.
func bodiless(p *graph.Package) []*ast.FuncDecl {
	var out []*ast.FuncDecl
	for _, f := range p.Syntax {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if ok && fd.Body == nil && fd.Recv == nil && fd.Name.Name != "_" && !hasDirective(fd, "//go:wasmimport") {
				out = append(out, fd)
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	// A //go:linkname anywhere in the package gives the function a body
	// from elsewhere.
	linknamed := map[string]bool{}
	for _, f := range p.Syntax {
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				if rest, ok := strings.CutPrefix(c.Text, "//go:linkname "); ok {
					if fs := strings.Fields(rest); len(fs) > 0 {
						linknamed[fs[0]] = true
					}
				}
			}
		}
	}
	return slices.DeleteFunc(out, func(fd *ast.FuncDecl) bool { return linknamed[fd.Name.Name] })
}

func hasDirective(fd *ast.FuncDecl, prefix string) bool {
	if fd.Doc == nil {
		return false
	}
	for _, c := range fd.Doc.List {
		if c.Text == prefix || strings.HasPrefix(c.Text, prefix+" ") {
			return true
		}
	}
	return false
}

// asm is what p's assembly says about its functions without a body.
type asm struct {
	// complete: no assembly or other non-Go file of the package is
	// built for the target (the compiler is run with -complete).
	complete bool
	// have and elsewhere: the TEXT symbols of the package's assembly
	// built for the target, and of that left out.
	have, elsewhere map[string][]def
	// opaque: a built file cannot be read for its symbols.
	opaque bool
}

// readAsm reads the symbols of p's assembly; elsewhere only if want says
// a declaration needs it.
func readAsm(p *graph.Package, want func(have map[string][]def) bool) asm {
	a := asm{complete: len(p.CgoFiles) == 0}
	var built, left []string // assembly files for the target, and left out
	for _, f := range p.OtherFiles {
		ext := filepath.Ext(f)
		if extFile[ext] {
			a.complete = false
		}
		if ext == ".s" {
			built = append(built, f)
		}
	}
	for _, f := range p.IgnoredFiles {
		if filepath.Ext(f) == ".s" {
			left = append(left, f)
		}
	}
	a.have, a.opaque = symbols(p.PkgPath, built)
	if a.opaque && !a.complete {
		return a
	}
	if want == nil || want(a.have) {
		a.elsewhere, _ = symbols(p.PkgPath, left)
	}
	return a
}

// linkOnly returns the declarations that, with other non-Go files built
// for the target, break only the link of programs that use them: those
// defined only in assembly left out.
func (a asm) linkOnly(decls []*ast.FuncDecl) []*ast.FuncDecl {
	var out []*ast.FuncDecl
	for _, fd := range decls {
		if _, ok := a.have[fd.Name.Name]; !ok && len(a.elsewhere[fd.Name.Name]) > 0 {
			out = append(out, fd)
		}
	}
	return out
}

// NeedsUses reports whether Check needs the uses of p's functions, in p
// and in the packages importing it (their TypesInfo.Uses): p declares a
// function without a body that only assembly left out for the target
// defines, while other non-Go files are built, so that only its uses
// break the build. Call it once p.Syntax, p.CgoFiles and the go command's
// file lists are set; the type checker can then record Uses only where
// XC2003 reads them.
func NeedsUses(p *graph.Package) bool {
	if p.Standard || len(p.Syntax) == 0 {
		return false
	}
	decls := bodiless(p)
	if len(decls) == 0 || len(p.CgoFiles) == 0 && !hasExtFile(p) {
		return false
	}
	a := readAsm(p, func(have map[string][]def) bool {
		return slices.ContainsFunc(decls, func(fd *ast.FuncDecl) bool { return have[fd.Name.Name] == nil })
	})
	return !a.complete && !(a.opaque) && len(a.linkOnly(decls)) > 0
}

func hasExtFile(p *graph.Package) bool {
	return slices.ContainsFunc(p.OtherFiles, func(f string) bool { return extFile[filepath.Ext(f)] })
}

// check reports the declarations of p that nothing implements.
func check(g *graph.Target, p *graph.Package, decls []*ast.FuncDecl) []finding.Finding {
	a := readAsm(p, nil)
	if a.opaque && !a.complete {
		return nil // a macro defines functions: cannot tell
	}
	complete, have, elsewhere := a.complete, a.have, a.elsewhere

	// With other non-Go files for the target, a function without a
	// body only breaks the link of programs that use it.
	var uses map[types.Object]use
	if !complete {
		objs := map[types.Object]bool{}
		for _, fd := range a.linkOnly(decls) {
			if p.Restored {
				// Whether it is used needs the types of p and of its
				// importers.
				g.NeedFull("XC2003 needs the uses of " + p.PkgPath + "." + fd.Name.Name)
				return nil
			}
			if obj := objectOf(p, fd); obj != nil {
				objs[obj] = true
			}
		}
		if len(objs) == 0 {
			return nil
		}
		uses = firstUses(g, p, objs)
	}

	chain := graph.ChainString(g.Chain(p))
	var out []finding.Finding
	for _, fd := range decls {
		name := fd.Name.Name
		var used use
		if !complete {
			// Other assembly, cgo or a .syso object is built for the
			// target: the body may come from there, or from a
			// //go:linkname in another package, unless the function is
			// defined only in assembly left out. Unused, the linker
			// never looks for it.
			if _, ok := have[name]; ok || len(elsewhere[name]) == 0 {
				continue
			}
			var ok bool
			if used, ok = uses[objectOf(p, fd)]; !ok {
				continue
			}
		}
		defs := elsewhere[name]
		archs := archsOf(g, defs)
		var msg string
		switch {
		case len(archs) > 0:
			msg = fmt.Sprintf("missing function body: %q is implemented in assembly only for %s", name, andList(archs))
		case len(defs) > 0:
			msg = fmt.Sprintf("missing function body: %q is implemented in assembly only for other targets", name)
		default:
			msg = fmt.Sprintf("missing function body: no assembly for the target defines %q", name)
		}
		f := finding.New(Rule, g.Name, g.Position(p, fd.Name.Pos()), msg)
		f.Why = []string{chain}
		for i, d := range defs {
			if i == 4 {
				f.Why = append(f.Why, fmt.Sprintf("and %d more assembly definitions", len(defs)-i))
				break
			}
			f.Why = append(f.Why, fmt.Sprintf("%s:%d: TEXT %s(SB)", g.FileName(p, d.file), d.line, d.sym))
		}
		if complete {
			f.Why = append(f.Why, "no assembly or other non-Go file of the package is built for the target, so the compiler stops: \"missing function body\"")
		} else {
			f.Why = append(f.Why, fmt.Sprintf("other assembly of the package is built for the target, so the compiler accepts the declaration and the link of a program that uses it fails: \"relocation target %s.%s not defined\"", p.PkgPath, name))
			f.Why = append(f.Why, fmt.Sprintf("used at %s", g.Position(used.pkg, used.pos)))
		}
		f.Fix = fix(g, name, archs, declConstraint(g, p, fd))
		out = append(out, f)
	}
	return out
}

// use is where a function is used.
type use struct {
	pkg *graph.Package
	pos token.Pos
}

// objectOf returns the object fd declares (a package-level function:
// no need for TypesInfo.Defs).
func objectOf(p *graph.Package, fd *ast.FuncDecl) types.Object {
	if p.Types != nil {
		return p.Types.Scope().Lookup(fd.Name.Name)
	}
	return nil
}

// firstUses returns the first use (by position) of each of objs in p and
// in the packages that import it: only those can name them.
func firstUses(g *graph.Target, p *graph.Package, objs map[types.Object]bool) map[types.Object]use {
	out := map[types.Object]use{}
	for _, q := range append([]*graph.Package{p}, p.Imported...) {
		if q.Restored {
			// Its uses were not recorded: the target must be checked
			// in full to find them.
			g.NeedFull("XC2003 needs the uses of " + p.PkgPath + " in " + q.PkgPath)
		}
		if q.TypesInfo == nil {
			continue
		}
		for id, obj := range q.TypesInfo.Uses {
			if !objs[obj] {
				continue
			}
			if u, ok := out[obj]; ok && (u.pkg != q || graph.ComparePos(g.Fset, u.pos, id.Pos()) <= 0) {
				continue
			}
			out[obj] = use{pkg: q, pos: id.Pos()}
		}
	}
	return out
}

// fix says how to give name an implementation on the target.
func fix(g *graph.Target, name string, archs []string, constrained bool) string {
	if len(archs) == 0 {
		return fmt.Sprintf("give %s a body, or add assembly that defines it (TEXT ·%s(SB)) for the target", name, name)
	}
	var pos, neg []string
	for _, a := range archs {
		pos = append(pos, a)
		neg = append(neg, "!"+a)
	}
	where := "declare " + name + " only in files built for " + strings.Join(pos, " || ")
	if constrained {
		where = "narrow the build constraint of the declaration of " + name + " to " + strings.Join(pos, " || ")
	}
	return fmt.Sprintf("%s and add a pure-Go %s in a file with //go:build %s, or add assembly for the target",
		where, name, strings.Join(neg, " && "))
}

// declConstraint reports whether the file declaring fd already has a
// build constraint (in its name or a //go:build line).
func declConstraint(g *graph.Target, p *graph.Package, fd *ast.FuncDecl) bool {
	file := g.Fset.Position(fd.Pos()).Filename
	for _, f := range p.Syntax {
		if f.Pos() <= fd.Pos() && fd.Pos() < f.End() {
			if x, _ := graph.BuildConstraint(f); x != nil {
				return true
			}
		}
	}
	base := strings.TrimSuffix(filepath.Base(file), ".go")
	parts := strings.Split(base, "_")
	for _, part := range parts[1:] {
		if _, ok := goarch.Lookup(part); ok {
			return true
		}
	}
	return false
}

// archsOf returns the architectures (for the target's GOOS and tags) that
// build at least one of the files of defs.
func archsOf(g *graph.Target, defs []def) []string {
	if len(defs) == 0 {
		return nil
	}
	var out []string
	for _, a := range goarch.Names() {
		if a == g.Build.Target.GOARCH {
			continue // left out for another reason (tags, GOOS)
		}
		ctxt := &build.Context{
			GOOS: g.Build.Target.GOOS, GOARCH: a, CgoEnabled: g.Build.CgoEnabled,
			BuildTags: g.Tags, ReleaseTags: build.Default.ReleaseTags, Compiler: "gc",
		}
		for _, d := range defs {
			dir, base := filepath.Split(d.file)
			if ok, err := ctxt.MatchFile(dir, base); err == nil && ok {
				out = append(out, a)
				break
			}
		}
	}
	return out
}

// andList renders "a", "a and b", "a, b and c".
func andList(xs []string) string {
	if len(xs) <= 1 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

// def is one TEXT symbol of an assembly file.
type def struct {
	file string
	line int
	sym  string // as written: ·Sum, example∕com∕m·Sum<ABIInternal>
}

// textRE matches a TEXT directive and its symbol.
var textRE = regexp.MustCompile(`^\s*TEXT\s+([^\s(]+)\(SB\)`)

// symbols returns the functions of package pkgPath that files define, by
// Go name, and whether one of them defines functions through a macro
// (which this reader does not expand).
func symbols(pkgPath string, files []string) (map[string][]def, bool) {
	out := map[string][]def{}
	opaque := false
	// The assembler writes the package path with U+2215 for '/'.
	qualified := strings.ReplaceAll(pkgPath, "/", "∕") + "·"
	for _, file := range files {
		op := scanAsm(file, func(file string, line int, sym string) {
			name := sym
			if i := strings.IndexAny(name, "<+"); i >= 0 {
				name = name[:i]
			}
			switch {
			case strings.HasPrefix(name, "·"):
				name = strings.TrimPrefix(name, "·")
			case strings.HasPrefix(name, qualified):
				name = strings.TrimPrefix(name, qualified)
			default:
				return // another package's symbol
			}
			out[name] = append(out[name], def{file: file, line: line, sym: strings.TrimSuffix(sym, "+0")})
		})
		opaque = opaque || op
	}
	return out, opaque
}

// scanAsm calls fn for each TEXT directive of file, and of the files of
// its directory that it #includes, and reports whether the file cannot be
// fully read this way: a #define whose body has a TEXT directive, an
// include nested too deep, a file too big or unreadable.
func scanAsm(file string, fn func(file string, line int, sym string)) bool {
	return scanAsmDepth(file, fn, 0)
}

// maxIncludeDepth bounds nested #includes of the package's own files.
const maxIncludeDepth = 4

func scanAsmDepth(file string, fn func(file string, line int, sym string), depth int) (opaque bool) {
	if depth > maxIncludeDepth {
		return true
	}
	fh, err := os.Open(file)
	if err != nil {
		return true
	}
	defer fh.Close()
	if fi, err := fh.Stat(); err != nil || !fi.Mode().IsRegular() || fi.Size() > maxAsmSize {
		return true
	}
	sc := bufio.NewScanner(io.LimitReader(fh, maxAsmSize))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	n := 0
	inDefine := false
	for sc.Scan() {
		n++
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if inDefine || strings.HasPrefix(trimmed, "#define") {
			if strings.Contains(line, "TEXT") {
				opaque = true
			}
			inDefine = strings.HasSuffix(trimmed, "\\")
			continue
		}
		if inc, ok := strings.CutPrefix(trimmed, "#include"); ok {
			// The toolchain's headers (textflag.h, go_asm.h, funcdata.h)
			// are not in the package directory; the package's own are.
			inc = strings.Trim(strings.TrimSpace(inc), `"<>`)
			local := filepath.Join(filepath.Dir(file), filepath.FromSlash(inc))
			if _, err := os.Stat(local); err == nil && inc != "go_asm.h" {
				if scanAsmDepth(local, fn, depth+1) {
					opaque = true
				}
			}
			continue
		}
		if m := textRE.FindStringSubmatch(line); m != nil {
			fn(file, n, m[1])
		}
	}
	if sc.Err() != nil {
		return true
	}
	return opaque
}
