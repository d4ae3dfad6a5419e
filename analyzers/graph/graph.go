// Package graph is what xcheck's source rules look at: the import graph of
// one target, loaded and type-checked with that target's GOOS, GOARCH,
// variant, CGO_ENABLED and build tags (package loader builds it).
//
// A Target owns its types: types.Object and token.Pos values from two
// targets are never compared. Rules turn what they see into
// finding.Finding values with resolved positions (Target.Position), which
// can be compared and merged across targets.
package graph

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/build/constraint"
	"go/token"
	"go/types"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/packages"

	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/matrix"
)

// Target is one target's loaded import graph.
type Target struct {
	Build *matrix.Build
	Name  string   // canonical target name: linux/arm/v7
	Tags  []string // effective build tags (--tags, else -tags in GOFLAGS)
	Fset  *token.FileSet

	// Root is the module root: positions of files below it are relative
	// to it.
	Root string
	// GOROOT is the toolchain's GOROOT (from the runtime package's
	// directory); files below it are shown as $GOROOT/...
	GOROOT string
	// Dir is the directory the go command ran in: relative positions in
	// its errors are relative to it.
	Dir string

	// Packages holds every package of the graph, dependencies before the
	// packages that import them (ties broken by import path).
	Packages []*Package
	// Roots are the packages the patterns matched, sorted by path.
	Roots []*Package

	byPath map[string]*Package
	byPkg  map[*packages.Package]*Package
	parent map[*Package]*Package // shortest-path tree from the roots
	diags  map[*analysis.Analyzer][]Diagnostic

	needFull atomic.Pointer[string] // why the graph must be checked in full
}

// Package is one package of a target's graph. The embedded
// packages.Package has Name, PkgPath, GoFiles (the files compiled for the
// target, cgo files included when cgo is on), IgnoredFiles, Imports,
// Module and, filled in by the loader, Fset, Syntax, Types, TypesInfo,
// TypesSizes, TypeErrors and IllTyped. Its Errors hold the go command's
// errors (Kind ListError) and syntax errors (Kind ParseError); type
// errors are in TypeErrors.
type Package struct {
	*packages.Package

	Standard bool // in the standard library (function bodies not type-checked)
	Main     bool // in a main module (the user's own code)

	// CgoFiles are the files of GoFiles that import "C".
	CgoFiles []string
	// CgoExcluded are the files left out only because cgo is off: with
	// CGO_ENABLED=1 they would be built.
	CgoExcluded []string
	// CgoExcludedSyntax are the parsed CgoExcluded files (nil entries for
	// files that could not be read).
	CgoExcludedSyntax []*ast.File

	// BrokenImports are the imports that have no usable types: packages
	// with no files for the target, or import cycles. Errors that only
	// say "undefined: dep.Name" for them are dropped from TypeErrors.
	BrokenImports []string

	// Imported lists the packages that import this one, in graph order.
	Imported []*Package

	// Restored is set on a dependency outside the module whose types the
	// loader read from its result cache instead of type-checking it:
	// Types is complete when a package of the module imports it, but
	// TypesInfo and TypeErrors are nil, and Syntax is there only when a
	// rule reads it (cgo files, functions without a body, cgo files left
	// out). A rule that needs more of a Restored package (such as the
	// TypesInfo of the importers of a package) calls Target.NeedFull, and
	// the loader checks the target again in full.
	Restored bool
}

// Diagnostic is an analysis diagnostic with the package it is about.
type Diagnostic struct {
	Pkg *Package
	analysis.Diagnostic
}

// NewTarget assembles a Target from its packages (in any order) and roots.
// The loader calls it; tests may too.
func NewTarget(b *matrix.Build, fset *token.FileSet, dir, root, goroot string, tags []string, pkgs []*Package, roots []*Package) *Target {
	t := &Target{
		Build: b, Name: b.Target.String(), Tags: tags, Fset: fset, Dir: dir, Root: root, GOROOT: goroot,
		byPath: make(map[string]*Package, len(pkgs)),
		byPkg:  make(map[*packages.Package]*Package, len(pkgs)),
		diags:  make(map[*analysis.Analyzer][]Diagnostic),
	}
	for _, p := range pkgs {
		t.byPath[p.PkgPath] = p
		t.byPkg[p.Package] = p
	}
	t.Roots = slices.Clone(roots)
	slices.SortFunc(t.Roots, func(a, b *Package) int { return cmp.Compare(a.PkgPath, b.PkgPath) })
	t.Packages = topo(t, pkgs)
	for _, p := range t.Packages {
		for _, imp := range t.Imports(p) {
			imp.Imported = append(imp.Imported, p)
		}
	}
	t.buildChains()
	return t
}

// topo orders pkgs dependencies first, deterministically.
func topo(t *Target, pkgs []*Package) []*Package {
	sorted := slices.Clone(pkgs)
	slices.SortFunc(sorted, func(a, b *Package) int { return cmp.Compare(a.PkgPath, b.PkgPath) })
	seen := make(map[*Package]bool, len(pkgs))
	out := make([]*Package, 0, len(pkgs))
	var visit func(p *Package)
	visit = func(p *Package) {
		if seen[p] {
			return
		}
		seen[p] = true
		for _, imp := range t.Imports(p) {
			visit(imp)
		}
		out = append(out, p)
	}
	for _, p := range sorted {
		visit(p)
	}
	return out
}

// Lookup returns the package with the given import path, or nil.
func (t *Target) Lookup(path string) *Package { return t.byPath[path] }

// UsesCgo reports whether any package of the graph, standard library
// included, has cgo files for the target: only then does `go build` run
// the C compiler (and link runtime/cgo). With CGO_ENABLED=1 and no cgo
// file in the graph, the build is pure Go.
func (t *Target) UsesCgo() bool {
	for _, p := range t.Packages {
		if len(p.CgoFiles) > 0 {
			return true
		}
	}
	return false
}

// Of returns the graph package of a packages.Package, or nil.
func (t *Target) Of(p *packages.Package) *Package { return t.byPkg[p] }

// Imports returns the packages p imports, sorted by import path.
func (t *Target) Imports(p *Package) []*Package {
	keys := make([]string, 0, len(p.Package.Imports))
	for k := range p.Package.Imports {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]*Package, 0, len(keys))
	for _, k := range keys {
		if q := t.byPkg[p.Package.Imports[k]]; q != nil {
			out = append(out, q)
		}
	}
	return out
}

// IsRoot reports whether p was matched by the patterns.
func (t *Target) IsRoot(p *Package) bool {
	_, ok := slices.BinarySearchFunc(t.Roots, p.PkgPath, func(a *Package, path string) int { return cmp.Compare(a.PkgPath, path) })
	return ok
}

// Chain returns the shortest import chain that leads to p from the
// user's packages: from a main package among the roots if one imports p
// (directly or not), else from another root. It ends with p; for a root
// that no main package imports it is just [p].
func (t *Target) Chain(p *Package) []*Package {
	var chain []*Package
	for q := p; q != nil; q = t.parent[q] {
		chain = append(chain, q)
		if len(chain) > len(t.Packages) { // cannot happen; guards against a cycle
			break
		}
	}
	slices.Reverse(chain)
	return chain
}

// buildChains runs a breadth-first search from the main packages among
// the roots, then from the other roots, recording each package's parent.
func (t *Target) buildChains() {
	t.parent = make(map[*Package]*Package)
	seen := make(map[*Package]bool)
	bfs := func(sources []*Package) {
		var queue []*Package
		for _, s := range sources {
			if !seen[s] {
				seen[s] = true
				queue = append(queue, s)
			}
		}
		for len(queue) > 0 {
			p := queue[0]
			queue = queue[1:]
			for _, q := range t.Imports(p) {
				if !seen[q] {
					seen[q] = true
					t.parent[q] = p
					queue = append(queue, q)
				}
			}
		}
	}
	var mains, others []*Package
	for _, r := range t.Roots {
		if r.Name == "main" {
			mains = append(mains, r)
		} else {
			others = append(others, r)
		}
	}
	bfs(mains)
	bfs(others)
}

// ChainString renders a chain as "a -> b -> c".
func ChainString(chain []*Package) string {
	paths := make([]string, len(chain))
	for i, p := range chain {
		paths[i] = p.PkgPath
	}
	return strings.Join(paths, " -> ")
}

// ImportSite returns where the user's code starts the chain towards its
// last package: the import declaration, in the last package of the chain
// that is in a main module, of the package that follows it. It returns
// the zero Position when no main-module package imports the next one (for
// example when the chain is a single package).
func (t *Target) ImportSite(chain []*Package) finding.Position {
	for i := len(chain) - 2; i >= 0; i-- {
		if chain[i].Main {
			return t.ImportPos(chain[i], chain[i+1])
		}
	}
	return finding.Position{}
}

// ImportPos returns the position of the first import of dep in p's files.
func (t *Target) ImportPos(p, dep *Package) finding.Position {
	var paths []string
	for path, q := range p.Package.Imports {
		if q == dep.Package {
			paths = append(paths, path)
		}
	}
	for _, f := range p.Syntax {
		for _, spec := range f.Imports {
			path, err := strconv.Unquote(spec.Path.Value)
			if err == nil && slices.Contains(paths, path) {
				return t.Position(p, spec.Path.Pos())
			}
		}
	}
	return finding.Position{}
}

// ImportCPos returns the position of `import "C"` in the first of files
// that has one.
func (t *Target) ImportCPos(p *Package, files []*ast.File) finding.Position {
	for _, f := range files {
		if f == nil {
			continue
		}
		for _, spec := range f.Imports {
			if spec.Path.Value == `"C"` {
				return t.Position(p, spec.Path.Pos())
			}
		}
	}
	return finding.Position{}
}

// Position resolves pos (from t.Fset) for a finding about package p.
func (t *Target) Position(p *Package, pos token.Pos) finding.Position {
	if !pos.IsValid() {
		return finding.Position{}
	}
	return t.PositionOf(p, t.Fset.Position(pos))
}

// PositionOf converts a resolved token.Position in one of p's files to a
// finding.Position with a stable file name (see FileName).
func (t *Target) PositionOf(p *Package, pos token.Position) finding.Position {
	if pos.Filename == "" {
		return finding.Position{}
	}
	return finding.Position{File: t.FileName(p, pos.Filename), Line: pos.Line, Column: pos.Column}
}

// FileName returns how findings name a file of package p: relative to
// the module root for the user's files ("internal/reload/reload.go"),
// module@version/relative for dependencies
// ("github.com/x/y@v1.2.3/z.go"), $GOROOT/src/... for the standard
// library; always with forward slashes.
func (t *Target) FileName(p *Package, file string) string {
	if rel, ok := under(t.Root, file); ok {
		return rel
	}
	if p != nil && p.Module != nil {
		m := p.Module
		dir, version := m.Dir, m.Version
		if m.Replace != nil {
			if m.Replace.Dir != "" {
				dir = m.Replace.Dir
			}
			if m.Replace.Version != "" {
				version = m.Replace.Version
			}
		}
		if rel, ok := under(dir, file); ok {
			label := m.Path
			if version != "" {
				label += "@" + version
			}
			return label + "/" + rel
		}
	}
	if rel, ok := under(t.GOROOT, file); ok {
		return "$GOROOT/" + rel
	}
	return filepath.ToSlash(file)
}

func under(dir, file string) (string, bool) {
	if dir == "" || file == "" {
		return "", false
	}
	rel, err := filepath.Rel(dir, file)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// CleanMessage makes a message from the go command stable across
// machines: absolute paths below the module root become relative.
func (t *Target) CleanMessage(msg string) string {
	msg = strings.TrimSpace(msg)
	if t.Root != "" {
		msg = strings.ReplaceAll(msg, t.Root+string(filepath.Separator), "")
		msg = strings.ReplaceAll(msg, t.Root, ".")
	}
	return msg
}

// ListErrorPosition parses the position of a go command error ("file:line:col"),
// which may be relative to the package directory.
func (t *Target) ListErrorPosition(p *Package, e packages.Error) finding.Position {
	if e.Pos == "" || e.Pos == "-" {
		return finding.Position{}
	}
	file, line, col := splitPos(e.Pos)
	if file == "" {
		return finding.Position{}
	}
	if !filepath.IsAbs(file) {
		file = filepath.Join(t.Dir, file)
	}
	return finding.Position{File: t.FileName(p, file), Line: line, Column: col}
}

var posRE = regexp.MustCompile(`^(.*?):(\d+)(?::(\d+))?$`)

func splitPos(s string) (string, int, int) {
	m := posRE.FindStringSubmatch(s)
	if m == nil {
		return s, 0, 0
	}
	line, _ := strconv.Atoi(m[2])
	col, _ := strconv.Atoi(m[3])
	return m[1], line, col
}

// Errors of go list that mean "no files for this target".
const (
	ExcludeAllMsg = "build constraints exclude all Go files in "
)

// NoFiles reports whether the go command says that p has no Go files for
// the target (all excluded by build constraints, or cgo files with cgo
// off).
func (p *Package) NoFiles() bool {
	for _, e := range p.Errors {
		if e.Kind == packages.ListError && strings.HasPrefix(strings.TrimSpace(e.Msg), ExcludeAllMsg) {
			return true
		}
	}
	return false
}

// ListErrors returns p's errors from the go command.
func (p *Package) ListErrors() []packages.Error { return p.errorsOf(packages.ListError) }

// ParseErrors returns p's syntax errors.
func (p *Package) ParseErrors() []packages.Error { return p.errorsOf(packages.ParseError) }

func (p *Package) errorsOf(k packages.ErrorKind) []packages.Error {
	var out []packages.Error
	for _, e := range p.Errors {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}

// ExcludedCgoNames returns the names declared at package level (functions,
// methods, types, variables, constants) in p's CgoExcluded files.
func (p *Package) ExcludedCgoNames() map[string]bool {
	names := make(map[string]bool)
	for _, f := range p.CgoExcludedSyntax {
		if f == nil {
			continue
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				names[d.Name.Name] = true
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						names[s.Name.Name] = true
					case *ast.ValueSpec:
						for _, n := range s.Names {
							names[n.Name] = true
						}
					}
				}
			}
		}
	}
	delete(names, "_")
	return names
}

var identRE = regexp.MustCompile(`[\p{L}_][\p{L}\p{N}_]*`)

// CgoCaused reports whether type error e of p is explained by the files
// that cgo being off left out: it names something declared only there.
func (p *Package) CgoCaused(e types.Error, names map[string]bool) bool {
	if len(names) == 0 {
		return false
	}
	for _, id := range identRE.FindAllString(e.Msg, -1) {
		if names[id] {
			return true
		}
	}
	return false
}

// RecordDiagnostics stores the diagnostics an analyzer reported on p
// (the driver calls it).
func (t *Target) RecordDiagnostics(a *analysis.Analyzer, p *Package, ds []analysis.Diagnostic) {
	for _, d := range ds {
		t.diags[a] = append(t.diags[a], Diagnostic{Pkg: p, Diagnostic: d})
	}
}

// Diagnostics returns what analyzer a reported, in package order.
func (t *Target) Diagnostics(a *analysis.Analyzer) []Diagnostic { return t.diags[a] }

// NeedFull records that a rule could not decide with the Restored
// packages of t (see Package.Restored): the loader then loads and checks
// the target again with every package type-checked, and runs the rules on
// that graph instead. A graph without Restored packages ignores it.
func (t *Target) NeedFull(why string) { t.needFull.CompareAndSwap(nil, &why) }

// NeedsFull returns why a rule called NeedFull, or "".
func (t *Target) NeedsFull() string {
	if p := t.needFull.Load(); p != nil {
		return *p
	}
	return ""
}

// String describes t for debugging.
func (t *Target) String() string {
	return fmt.Sprintf("%s (%d packages, %d roots)", t.Name, len(t.Packages), len(t.Roots))
}

// BuildConstraint returns the build constraint of f: its //go:build line,
// or its // +build lines, parsed, with the text as written. It returns
// nil and "" when f has none (or f was parsed without comments).
func BuildConstraint(f *ast.File) (constraint.Expr, string) {
	var plus []string
	var plusExpr constraint.Expr
	for _, cg := range f.Comments {
		if cg.Pos() > f.Package {
			break
		}
		for _, c := range cg.List {
			switch {
			case constraint.IsGoBuild(c.Text):
				x, err := constraint.Parse(c.Text)
				if err != nil {
					return nil, strings.TrimSpace(c.Text)
				}
				return x, strings.TrimSpace(c.Text)
			case constraint.IsPlusBuild(c.Text):
				x, err := constraint.Parse(c.Text)
				if err == nil {
					if plusExpr == nil {
						plusExpr = x
					} else {
						plusExpr = &constraint.AndExpr{X: plusExpr, Y: x}
					}
				}
				plus = append(plus, strings.TrimSpace(c.Text))
			}
		}
	}
	return plusExpr, strings.Join(plus, " ")
}

// NegatesTag reports whether x contains !tag.
func NegatesTag(x constraint.Expr, tag string) bool {
	switch x := x.(type) {
	case *constraint.NotExpr:
		if t, ok := x.X.(*constraint.TagExpr); ok && t.Tag == tag {
			return true
		}
		return NegatesTag(x.X, tag)
	case *constraint.AndExpr:
		return NegatesTag(x.X, tag) || NegatesTag(x.Y, tag)
	case *constraint.OrExpr:
		return NegatesTag(x.X, tag) || NegatesTag(x.Y, tag)
	}
	return false
}

// FileList renders the base names of files, at most four, for a Why line.
func FileList(files []string) string {
	const max = 4
	var names []string
	for i, f := range files {
		if i == max {
			names = append(names, fmt.Sprintf("and %d more", len(files)-max))
			break
		}
		names = append(names, filepath.Base(f))
	}
	return strings.Join(names, ", ")
}

// ComparePos orders two positions of fset by file name, line and column
// (token.Pos values of different files are ordered by when the files were
// parsed, which varies from run to run).
func ComparePos(fset *token.FileSet, a, b token.Pos) int {
	pa, pb := fset.Position(a), fset.Position(b)
	return cmp.Or(cmp.Compare(pa.Filename, pb.Filename), cmp.Compare(pa.Line, pb.Line), cmp.Compare(pa.Column, pb.Column))
}
