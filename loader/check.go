package loader

import (
	"context"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"go/version"
	"path"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	"golang.org/x/tools/go/packages"

	"github.com/xcheck-dev/xcheck/analyzers"
	"github.com/xcheck-dev/xcheck/analyzers/graph"
	"github.com/xcheck-dev/xcheck/matrix"
)

// maxErrorsPerPackage bounds the syntax errors kept per package, like the
// compiler's "too many errors".
const maxErrorsPerPackage = 10

// node is one package to type-check.
type node struct {
	gp   *graph.Package
	deps []*node         // imports to wait for
	back map[string]bool // imports (by path) that close an import cycle
	done chan struct{}
	rec  *pkgRecord // restore the package from this record (reuse.go)
	// shared says its function bodies were not type-checked: another
	// target found them clean with the same inputs (share.go).
	shared bool
	// needsUses says a rule reads where the package's objects are used,
	// in it and in its importers (analyzers.NeedsUses): set before done
	// is closed.
	needsUses bool
}

// checkCounts counts what check did.
type checkCounts struct {
	files  int // Go files type-checked
	shared int // packages whose function bodies another target checked
}

// check parses and type-checks the graph of roots for b and returns it.
// With r holding a snapshot, the frozen packages are restored from it
// instead (reuse.go).
func check(ctx context.Context, cfg Config, sh *shared, b *matrix.Build, tags []string, roots []*packages.Package, r *targetReuse, prio int) (*graph.Target, checkCounts, error) {
	var all []*packages.Package
	packages.Visit(roots, nil, func(p *packages.Package) { all = append(all, p) })
	name := b.Target.String()
	cfg.progress(Progress{Target: name, Phase: PhaseChecking, Total: len(all)})

	goroot := findGOROOT(all)
	root := cfg.Root
	if root == "" {
		root = mainModuleDir(roots, cfg.Dir)
	}
	sizes := types.SizesFor("gc", b.Target.GOARCH)
	if sizes == nil {
		sizes = types.SizesFor("gc", "amd64")
	}

	nodes := make(map[*packages.Package]*node, len(all))
	gps := make([]*graph.Package, 0, len(all))
	for _, p := range all {
		gp := &graph.Package{
			Package:  p,
			Standard: isStandard(p),
			Main:     p.Module != nil && p.Module.Main,
		}
		gps = append(gps, gp)
		nodes[p] = &node{gp: gp, done: make(chan struct{}), back: map[string]bool{}}
	}
	findBackEdges(all, nodes)
	var restored map[string]*types.Package
	if r != nil && r.snap != nil {
		var err error
		if restored, err = r.snap.restoreTypes(sh.cache.FileSet()); err != nil {
			r.readErr = fmt.Errorf("stored dependencies not usable: %v", err)
		} else {
			r.restored = true
			for p, n := range nodes {
				if r.frozen[p] {
					n.rec = r.snap.byID[p.ID]
				}
			}
		}
	}

	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		counts checkCounts
		prints apiPrints // fingerprints of this target's types (share.go)
		perr   error     // the first panic
		// checked counts the packages type-checked, for Config.Progress.
		checked int
	)
	for _, n := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(n.done)
			defer func() {
				if r := recover(); r != nil {
					mu.Lock()
					if perr == nil {
						perr = fmt.Errorf("internal error type-checking %s: %v\n%s", n.gp.PkgPath, r, debug.Stack())
					}
					mu.Unlock()
				}
			}()
			var k int
			if n.rec != nil {
				restorePackage(sh, n.gp, n.rec, restored, sizes)
			} else {
				for _, d := range n.deps {
					select {
					case <-d.done:
					case <-ctx.Done():
						return
					}
				}
				if sh.cpu.acquire(ctx, prio) != nil {
					return
				}
				defer sh.cpu.release()
				k = checkPackage(sh, b, tags, sizes, n, nodes, &prints)
			}
			mu.Lock()
			counts.files += k
			if n.shared {
				counts.shared++
			}
			checked++
			c := checked
			mu.Unlock()
			cfg.progress(Progress{Target: name, Phase: PhaseChecking, Checked: c, Total: len(all)})
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, checkCounts{}, err
	}
	if perr != nil {
		return nil, checkCounts{}, perr
	}

	var rootGPs []*graph.Package
	for _, r := range roots {
		rootGPs = append(rootGPs, nodes[r].gp)
	}
	g := graph.NewTarget(b, sh.cache.FileSet(), cfg.Dir, root, goroot, tags, gps, rootGPs)
	return g, counts, nil
}

// findBackEdges records, for each node, the imports to wait for and those
// that close a cycle (go list reports cycles as errors; the type checker
// must not wait for them).
func findBackEdges(all []*packages.Package, nodes map[*packages.Package]*node) {
	const (
		white = iota
		grey
		black
	)
	color := make(map[*packages.Package]int, len(all))
	var visit func(p *packages.Package)
	visit = func(p *packages.Package) {
		color[p] = grey
		n := nodes[p]
		paths := make([]string, 0, len(p.Imports))
		for path := range p.Imports {
			paths = append(paths, path)
		}
		slices.Sort(paths)
		for _, path := range paths {
			q := p.Imports[path]
			switch color[q] {
			case grey:
				n.back[path] = true
				continue
			case white:
				visit(q)
			}
			if !slices.Contains(n.deps, nodes[q]) {
				n.deps = append(n.deps, nodes[q])
			}
		}
		color[p] = black
	}
	sorted := slices.Clone(all)
	slices.SortFunc(sorted, func(a, b *packages.Package) int { return strings.Compare(a.ID, b.ID) })
	for _, p := range sorted {
		if color[p] == white {
			visit(p)
		}
	}
}

// checkPackage parses and type-checks one package whose imports are done,
// and returns the number of files it checked.
func checkPackage(sh *shared, b *matrix.Build, tags []string, sizes types.Sizes, n *node, nodes map[*packages.Package]*node, prints *apiPrints) int {
	gp := n.gp
	p := gp.Package
	p.Fset = sh.cache.FileSet()
	p.TypesSizes = sizes
	if p.PkgPath == "unsafe" {
		p.Types = types.Unsafe
		p.TypesInfo = new(types.Info)
		return 0
	}

	// Syntax.
	listErrPos := make(map[string]bool)
	for _, e := range p.Errors {
		if e.Pos != "" && !filepath.IsAbs(e.Pos) {
			listErrPos[filepath.Join(sh.dir, e.Pos)] = true
		} else {
			listErrPos[e.Pos] = true
		}
	}
	for _, name := range p.GoFiles {
		f, err := sh.cache.parse(sh.memo, name, gp.Standard)
		if err != nil {
			addFileError(p, name, err, listErrPos)
		}
		if f != nil {
			p.Syntax = append(p.Syntax, f)
			p.CompiledGoFiles = append(p.CompiledGoFiles, name)
			if importsC(f) {
				gp.CgoFiles = append(gp.CgoFiles, name)
			}
		}
	}
	if !b.CgoEnabled && !gp.Standard {
		findCgoExcluded(sh, b, tags, gp)
	}

	// Types. Imports that close a cycle are being checked concurrently:
	// only their path may be looked at.
	fakes := make(map[*types.Package]bool)
	for path, dep := range p.Imports {
		if n.back[path] || nodes[dep] == nil || dep.Types == nil {
			gp.BrokenImports = append(gp.BrokenImports, path)
			p.IllTyped = true
			continue
		}
		if !nodes[dep].hasSyntax() && len(dep.Errors) > 0 {
			gp.BrokenImports = append(gp.BrokenImports, path)
			fakes[dep.Types] = true
		}
		if dep.IllTyped {
			p.IllTyped = true
		}
	}
	slices.Sort(gp.BrokenImports)
	stand := make(map[string]*types.Package)
	importer := importerFunc(func(path string) (*types.Package, error) {
		if path == "unsafe" {
			return types.Unsafe, nil
		}
		dep, ok := p.Imports[path]
		if !ok {
			return nil, fmt.Errorf("no package for import %q", path)
		}
		if slices.Contains(gp.BrokenImports, path) && (n.back[path] || dep.Types == nil) {
			// A stand-in: the real one is not (yet) type-checked.
			if t := stand[path]; t != nil {
				return t, nil
			}
			t := types.NewPackage(dep.PkgPath, packageName(dep))
			t.MarkComplete()
			stand[path] = t
			fakes[t] = true
			return t, nil
		}
		return dep.Types, nil
	})

	var info *types.Info
	switch {
	case gp.Standard:
		info = new(types.Info)
	case sh.fullInfo:
		info = analyzers.FullInfo()
	default:
		n.needsUses = analyzers.NeedsUses(gp)
		info = analyzers.NewInfo(p.Syntax, sizes, n.needsUses || importsNeedsUses(n, nodes))
		if len(gp.BrokenImports) > 0 && info.Uses == nil {
			// dropBrokenImportErrors reads them.
			info.Uses = make(map[*ast.Ident]types.Object)
		}
	}
	// Function bodies another target found clean with the same inputs
	// are not checked again (share.go).
	var (
		key   bodyKeys
		share = !gp.Standard && !sh.fullInfo && !sh.allBodies && shareable(n, info)
	)
	if share {
		key = prints.bodyKeyOf(n, sizes, goVersion(p), &sh.selections)
		n.shared = sh.clean.has(key)
	}
	var terrs []types.Error
	conf := types.Config{
		Importer:         importer,
		Sizes:            sizes,
		FakeImportC:      true,
		IgnoreFuncBodies: gp.Standard || n.shared,
		GoVersion:        goVersion(p),
		Error: func(err error) {
			if te, ok := err.(types.Error); ok {
				terrs = append(terrs, te)
			}
		},
	}
	var pkg *types.Package
	if len(p.Syntax) == 0 {
		// No files for the target: an empty package, named as its files
		// say, so that importers' references to it can be recognized.
		pkg = types.NewPackage(p.PkgPath, packageName(p))
		pkg.MarkComplete()
	} else {
		files := p.Syntax
		if n.shared {
			files = sh.declOnly.of(files)
		}
		pkg, _ = conf.Check(p.PkgPath, p.Fset, files, info)
	}
	if p.Name == "" {
		p.Name = pkg.Name()
	}
	p.Types, p.TypesInfo = pkg, info
	if share && !n.shared && len(terrs) == 0 && len(p.Errors) == 0 {
		sh.clean.add(key)
	}
	p.TypeErrors = dropBrokenImportErrors(terrs, p.Syntax, info, fakes)
	if len(gp.CgoFiles) > 0 {
		p.TypeErrors = dropFakeCErrors(p.TypeErrors)
	}
	if len(p.Errors) > 0 || len(p.TypeErrors) > 0 {
		p.IllTyped = true
	}
	return len(p.Syntax)
}

// importsNeedsUses reports whether the package of n imports one outside
// the standard library whose uses a rule reads (node.needsUses), or one
// it cannot tell of (restored, or not yet checked: an import cycle).
func importsNeedsUses(n *node, nodes map[*packages.Package]*node) bool {
	for path, dep := range n.gp.Imports {
		d := nodes[dep]
		switch {
		case d == nil:
			return true
		case d.gp.Standard:
			// XC2003 does not look into the standard library.
		case d.needsUses || d.rec != nil || n.back[path]:
			return true
		}
	}
	return false
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// addFileError records a syntax or read error of file name in p.Errors,
// unless the go command already reported it.
func addFileError(p *packages.Package, name string, err error, seen map[string]bool) {
	el, ok := err.(scanner.ErrorList)
	if !ok {
		p.Errors = append(p.Errors, packages.Error{Pos: name, Msg: err.Error(), Kind: packages.UnknownError})
		return
	}
	n := 0
	for _, e := range p.Errors {
		if e.Kind == packages.ParseError {
			n++
		}
	}
	for _, e := range el {
		pos := e.Pos.String()
		if seen[pos] {
			continue
		}
		if n >= maxErrorsPerPackage {
			break
		}
		n++
		p.Errors = append(p.Errors, packages.Error{Pos: pos, Msg: e.Msg, Kind: packages.ParseError})
	}
}

// dropBrokenImportErrors removes the errors that only say that a name of
// a package without types (no files for the target, import cycle) is
// undefined: the go command reports the broken import itself, once.
func dropBrokenImportErrors(errs []types.Error, files []*ast.File, info *types.Info, fakes map[*types.Package]bool) []types.Error {
	if len(errs) == 0 || len(fakes) == 0 || info.Uses == nil {
		return errs
	}
	type span struct{ from, to token.Pos }
	var spans []span
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); ok {
				if pn, ok := info.Uses[id].(*types.PkgName); ok && fakes[pn.Imported()] {
					spans = append(spans, span{sel.Pos(), sel.End()})
				}
			}
			return true
		})
	}
	return slices.DeleteFunc(errs, func(e types.Error) bool {
		if strings.HasPrefix(e.Msg, "could not import ") {
			return true
		}
		for _, s := range spans {
			if s.from <= e.Pos && e.Pos < s.to {
				return true
			}
		}
		return false
	})
}

// dropFakeCErrors drops the type errors of a cgo package that follow from
// FakeImportC: every C.name has an invalid type there, and go/types
// reports some uses of values of that type ("cannot convert x (variable
// with invalid type) to type unsafe.Pointer") that the real build, with
// cgo's generated Go types, compiles. Such a value can be declared in a
// cgo file and used in any file of the package, so the whole package is
// filtered. Real errors in the package remain.
func dropFakeCErrors(errs []types.Error) []types.Error {
	return slices.DeleteFunc(errs, func(e types.Error) bool {
		return strings.Contains(e.Msg, "with invalid type")
	})
}

// findCgoExcluded records the files of gp left out only because cgo is
// off: go list ignored them, and with cgo on they would be built (they
// import "C" or their constraints need cgo).
func findCgoExcluded(sh *shared, b *matrix.Build, tags []string, gp *graph.Package) {
	on := buildContext(b, tags, true)
	off := buildContext(b, tags, false)
	for _, name := range gp.IgnoredFiles {
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		dir, base := filepath.Split(name)
		if ok, err := on.MatchFile(dir, base); err != nil || !ok {
			continue
		}
		f, _ := sh.cache.parse(sh.memo, name, false)
		offOK, err := off.MatchFile(dir, base)
		if err != nil {
			continue
		}
		if (f != nil && importsC(f)) || !offOK {
			gp.CgoExcluded = append(gp.CgoExcluded, name)
			gp.CgoExcludedSyntax = append(gp.CgoExcludedSyntax, f)
		}
	}
}

// buildContext is the go/build view of b, to evaluate build constraints
// of files the go command left out.
func buildContext(b *matrix.Build, tags []string, cgo bool) *build.Context {
	return &build.Context{
		GOOS:        b.Target.GOOS,
		GOARCH:      b.Target.GOARCH,
		CgoEnabled:  cgo,
		BuildTags:   tags,
		ToolTags:    toolTags(b),
		ReleaseTags: build.Default.ReleaseTags,
		Compiler:    "gc",
	}
}

// toolTags returns the architecture feature tags (amd64.v1, arm.7, ...)
// of b's effective variant, as far as they are cumulative levels.
func toolTags(b *matrix.Build) []string {
	v := strings.SplitN(b.Variant, ",", 2)[0]
	switch b.Target.GOARCH {
	case "amd64":
		if n := len(v); n == 2 && v[0] == 'v' && v[1] >= '1' && v[1] <= '4' {
			var tags []string
			for i := byte('1'); i <= v[1]; i++ {
				tags = append(tags, "amd64.v"+string(i))
			}
			return tags
		}
		return []string{"amd64.v1"}
	case "arm":
		if len(v) == 1 && v[0] >= '5' && v[0] <= '7' {
			var tags []string
			for i := byte('5'); i <= v[0]; i++ {
				tags = append(tags, "arm."+string(i))
			}
			return tags
		}
		return []string{"arm.5", "arm.6", "arm.7"}
	}
	return nil
}

func importsC(f *ast.File) bool {
	for _, s := range f.Imports {
		if s.Path.Value == `"C"` {
			return true
		}
	}
	return false
}

// packageName returns p's name: from the go command, else from the
// package clause of one of its excluded files, else guessed from its path.
func packageName(p *packages.Package) string {
	if p.Name != "" {
		return p.Name
	}
	for _, f := range p.IgnoredFiles {
		if !strings.HasSuffix(f, ".go") || strings.HasSuffix(f, "_test.go") {
			continue
		}
		if af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.PackageClauseOnly); err == nil && af.Name.Name != "documentation" {
			return af.Name.Name
		}
	}
	name := path.Base(p.PkgPath)
	name = strings.Map(func(r rune) rune {
		if r == '-' || r == '.' {
			return '_'
		}
		return r
	}, name)
	if name == "" || name == "/" {
		return "_"
	}
	return name
}

// goVersion returns the language version for p's files: the go directive
// of its module, if this xcheck's go/types knows it.
func goVersion(p *packages.Package) string {
	if p.Module == nil || p.Module.GoVersion == "" {
		return ""
	}
	v := "go" + p.Module.GoVersion
	if !version.IsValid(v) {
		return ""
	}
	if self := version.Lang(runtime.Version()); version.IsValid(self) && version.Compare(version.Lang(v), self) > 0 {
		return ""
	}
	return v
}

// isStandard reports whether p is in the standard library.
func isStandard(p *packages.Package) bool {
	if p.Module != nil || p.PkgPath == "" {
		return false
	}
	first, _, _ := strings.Cut(p.PkgPath, "/")
	return !strings.Contains(first, ".") && p.PkgPath != "command-line-arguments"
}

// findGOROOT derives GOROOT from the directory of a standard package.
func findGOROOT(all []*packages.Package) string {
	for _, p := range all {
		if !isStandard(p) || len(p.GoFiles) == 0 {
			continue
		}
		dir := filepath.Dir(p.GoFiles[0])
		suffix := filepath.FromSlash("/src/" + p.PkgPath)
		if strings.HasSuffix(dir, suffix) {
			return strings.TrimSuffix(dir, suffix)
		}
	}
	return ""
}

// mainModuleDir returns the directory of the main module of the roots,
// else dir.
func mainModuleDir(roots []*packages.Package, dir string) string {
	for _, r := range roots {
		if r.Module != nil && r.Module.Main && r.Module.Dir != "" {
			return r.Module.Dir
		}
	}
	return dir
}
