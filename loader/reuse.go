package loader

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/tools/go/gcexportdata"
	"golang.org/x/tools/go/packages"

	"github.com/xcheck-dev/xcheck/analyzers"
	"github.com/xcheck-dev/xcheck/analyzers/graph"
	"github.com/xcheck-dev/xcheck/cache"
	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/matrix"
)

// Reusing the dependencies of a target (Config.Results).
//
// The packages of a target's graph are frozen or live. A frozen package
// is one whose files are all in the standard library or the module cache
// (which the go command keeps read-only and verifies against go.sum), and
// whose imports are all frozen: its content is fixed by its import path,
// module version and file names, the toolchain and the target. Every
// other package (the module's own, vendored ones, local replacements) is
// live.
//
// After a full check of a target, the loader stores a snapshot of its
// frozen packages under a key made of the target's settings (the caller's
// ResultsKey, the target and its go env, the build tags): for each frozen
// package, its identity (a hash of its path, files, module version, go
// list errors and its imports' identities) and what the type checker
// concluded (errors, broken imports, ill-typedness, cgo files); and, for
// those a live package imports, their types as export data. It stores
// the snapshot only when the rules find exactly the same on the graph a
// later load would rebuild from it (frozen packages without TypesInfo or
// type errors, and without syntax unless the rules read it) as on the
// full graph: then nothing the rules report depends on what the snapshot
// leaves out.
//
// A later load of the target lists its packages, and when the snapshot
// has a record with the same identity for every frozen package of the
// graph (it may hold more: a file-argument run checks part of what a
// full run checked), and the types of every frozen package a live one
// imports, it restores the frozen packages (graph.Package.Restored) and
// type-checks only the live ones. Anything else (a new dependency, a new
// import of a dependency's package, another version) is checked in full
// and stored again. A rule that needs more of a restored package calls
// graph.Target.NeedFull, and the target is loaded again without the
// snapshot.

// Results holds what Load stores for later loads: *cache.Cache
// implements it.
type Results interface {
	Get(kind cache.Kind, k cache.Key) ([]byte, error)
	Put(kind cache.Kind, k cache.Key, data []byte) error
}

// targetReuse is the reuse state of one target's load.
type targetReuse struct {
	results Results
	key     cache.Key                       // of the target's snapshot
	pkgKeys map[*packages.Package]cache.Key // of the frozen packages
	frozen  map[*packages.Package]bool      // the frozen packages of the graph
	snap    *snapshot                       // read from the cache, if usable
	readErr error                           // why a stored snapshot was not usable
	// restored is set when the graph was rebuilt from snap.
	restored bool
}

// pkgRecord is what a snapshot holds about one frozen package.
type pkgRecord struct {
	ID string `json:"id"`
	// Key is the package's identity (pkgKey): the record is used only
	// for a package with the same key.
	Key    string           `json:"key"`
	Name   string           `json:"name"`
	Errors []packages.Error `json:"errors,omitempty"`
	// HasSyntax: some file of the package parsed.
	HasSyntax bool `json:"has_syntax,omitempty"`
	IllTyped  bool `json:"ill_typed,omitempty"`
	// Syntax: the rules read the package's syntax (needsSyntax): it is
	// parsed again.
	Syntax        bool     `json:"syntax,omitempty"`
	CgoFiles      []string `json:"cgo_files,omitempty"`
	CgoExcluded   []string `json:"cgo_excluded,omitempty"`
	BrokenImports []string `json:"broken_imports,omitempty"`
	// Export is the index of the package's export data in the
	// snapshot, -1 when it has none.
	Export int `json:"export"`
}

// snapshot is a stored snapshot: the records in graph order, and the
// export data they point to.
type snapshot struct {
	Records []pkgRecord `json:"records"`
	Exports []blobRef   `json:"exports"`
	blobs   []byte
	byID    map[string]*pkgRecord
}

// blobRef locates the export data of a package: offset and length in
// the blobs.
type blobRef struct {
	Path string `json:"path"`
	Span [2]int `json:"span"`
}

const snapshotMagic = "xcheck-target-snapshot-v1\n"

// newTargetReuse computes the frozen packages of a listed graph and the
// snapshot key, and reads the snapshot if there is one and it has the
// types of every frozen package a live one imports.
func newTargetReuse(cfg Config, b *matrix.Build, tags []string, all []*packages.Package) *targetReuse {
	goroot := findGOROOT(all)
	modcache := findModCache(b, all)
	r := &targetReuse{results: cfg.Results, frozen: frozenPackages(all, goroot, modcache)}
	tk := targetKey(cfg, b, tags, goroot)
	r.key = cache.NewHash(cache.KindTarget).AddKey("snapshot of", tk).Sum()
	r.pkgKeys = make(map[*packages.Package]cache.Key, len(r.frozen))
	for p := range r.frozen {
		pkgKey(tk, p, r.pkgKeys)
	}
	if len(r.frozen) == 0 {
		return r
	}
	data, err := cfg.Results.Get(cache.KindTarget, r.key)
	if err != nil {
		if !errors.Is(err, cache.ErrMiss) {
			r.readErr = err
		}
		return r
	}
	snap, err := decodeSnapshot(data)
	if err != nil {
		r.readErr = fmt.Errorf("stored dependencies not usable: %v", err)
		return r
	}
	// Every frozen package a live one imports needs its types.
	for _, p := range all {
		if r.frozen[p] {
			continue
		}
		for _, dep := range p.Imports {
			if rec := snap.byID[dep.ID]; r.frozen[dep] && dep.PkgPath != "unsafe" && (rec == nil || rec.Export < 0) {
				return r
			}
		}
	}
	// The same frozen packages: the snapshot may hold more (it was
	// stored by a load of more packages, or before a dependency was
	// dropped), never other ones.
	for p := range r.frozen {
		if rec := snap.byID[p.ID]; rec == nil || rec.Key != r.pkgKeys[p].String() {
			return r
		}
	}
	r.snap = snap
	return r
}

// frozenPackages returns the packages of all whose files are all below
// goroot or modcache, and whose imports are all frozen.
func frozenPackages(all []*packages.Package, goroot, modcache string) map[*packages.Package]bool {
	under := func(dir, file string) bool {
		return dir != "" && strings.HasPrefix(file, dir+string(filepath.Separator))
	}
	fixed := func(p *packages.Package) bool {
		if isStandard(p) {
			return goroot != ""
		}
		if p.Module == nil || p.Module.Main || !under(modcache, p.Module.Dir) {
			return false
		}
		for _, list := range [][]string{p.GoFiles, p.OtherFiles, p.IgnoredFiles, p.EmbedFiles} {
			for _, f := range list {
				if !under(modcache, f) {
					return false
				}
			}
		}
		return true
	}
	state := make(map[*packages.Package]int, len(all)) // 0 new, 1 visiting, 2 frozen, 3 live
	var visit func(p *packages.Package) bool
	visit = func(p *packages.Package) bool {
		switch state[p] {
		case 1, 3: // an import cycle, or live
			return false
		case 2:
			return true
		}
		state[p] = 1
		ok := fixed(p)
		for _, dep := range p.Imports {
			if !visit(dep) {
				ok = false
			}
		}
		state[p] = 3
		if ok {
			state[p] = 2
		}
		return ok
	}
	out := map[*packages.Package]bool{}
	for _, p := range all {
		if visit(p) {
			out[p] = true
		}
	}
	return out
}

// findModCache returns the module cache directory: GOMODCACHE of the
// build's go env, else derived from the directory of a module that the
// go command took from it (DIR/escaped-path@version).
func findModCache(b *matrix.Build, all []*packages.Package) string {
	if d := b.GoEnv["GOMODCACHE"]; d != "" {
		return filepath.Clean(d)
	}
	for _, p := range all {
		m := p.Module
		if m == nil || m.Main || m.Replace != nil || m.Version == "" || m.Dir == "" {
			continue
		}
		ep, err := module.EscapePath(m.Path)
		if err != nil {
			continue
		}
		ev, err := module.EscapeVersion(m.Version)
		if err != nil {
			continue
		}
		if suffix := filepath.FromSlash("/" + ep + "@" + ev); strings.HasSuffix(m.Dir, suffix) {
			return strings.TrimSuffix(m.Dir, suffix)
		}
	}
	return ""
}

// targetKey identifies what every frozen package's check depends on
// besides its own identity: the caller's key (xcheck's build, what Extra
// reads), the target and its go env, the build tags and the directories
// findings are relative to.
func targetKey(cfg Config, b *matrix.Build, tags []string, goroot string) cache.Key {
	h := cache.NewHash(cache.KindTarget)
	h.Add("results-key", cfg.ResultsKey)
	h.Add("target", b.Target.String(), b.Variant, fmt.Sprint(b.CgoEnabled), b.CC)
	h.Add("dirs", cfg.Dir, cfg.Root, goroot)
	h.Add("tags", tags...)
	keys := make([]string, 0, len(b.GoEnv))
	for k := range b.GoEnv {
		switch k {
		case "GOGCCFLAGS", "GOCACHE", "GOTMPDIR", "GOTELEMETRY", "GOTELEMETRYDIR":
			// Temporary or cache directories: no effect on results.
		default:
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		h.Add("goenv", k, b.GoEnv[k])
	}
	return h.Sum()
}

// pkgKey returns the key of frozen package p: its identity and its
// imports' keys.
func pkgKey(tk cache.Key, p *packages.Package, memo map[*packages.Package]cache.Key) cache.Key {
	if k, ok := memo[p]; ok {
		return k
	}
	h := cache.NewHash(cache.KindTarget).AddKey("target", tk)
	h.Add("package", p.ID, p.PkgPath, p.Name)
	h.Add("go", p.GoFiles...)
	h.Add("other", p.OtherFiles...)
	h.Add("ignored", p.IgnoredFiles...)
	h.Add("embed", p.EmbedFiles...)
	if m := p.Module; m != nil {
		h.Add("module", m.Path, m.Version, m.Dir, m.GoVersion)
		if r := m.Replace; r != nil {
			h.Add("replace", r.Path, r.Version, r.Dir)
		}
	}
	for _, e := range p.Errors {
		h.Add("error", e.Pos, e.Msg, fmt.Sprint(e.Kind))
	}
	paths := make([]string, 0, len(p.Imports))
	for path := range p.Imports {
		paths = append(paths, path)
	}
	slices.Sort(paths)
	for _, path := range paths {
		h.AddKey("import "+path, pkgKey(tk, p.Imports[path], memo))
	}
	k := h.Sum()
	memo[p] = k
	return k
}

// restoreTypes decodes the export data of the snapshot into one universe,
// dependencies first.
func (s *snapshot) restoreTypes(fset *token.FileSet) (_ map[string]*types.Package, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("reading the stored types: %v", r)
		}
	}()
	imports := map[string]*types.Package{}
	out := map[string]*types.Package{}
	for _, e := range s.Exports {
		pkg, err := gcexportdata.Read(bytes.NewReader(s.blobs[e.Span[0]:e.Span[0]+e.Span[1]]), fset, imports, e.Path)
		if err != nil {
			return nil, fmt.Errorf("reading the types of %s: %v", e.Path, err)
		}
		out[e.Path] = pkg
	}
	return out, nil
}

// restorePackage sets what the type checker would have set on a frozen
// package, from its record.
func restorePackage(sh *shared, gp *graph.Package, rec *pkgRecord, types_ map[string]*types.Package, sizes types.Sizes) {
	p := gp.Package
	p.Fset = sh.cache.FileSet()
	p.TypesSizes = sizes
	p.Errors = slices.Clone(rec.Errors)
	p.IllTyped = rec.IllTyped
	if p.Name == "" {
		p.Name = rec.Name
	}
	gp.Restored = true
	gp.CgoFiles = slices.Clone(rec.CgoFiles)
	gp.BrokenImports = slices.Clone(rec.BrokenImports)
	switch t := types_[p.PkgPath]; {
	case p.PkgPath == "unsafe":
		p.Types = types.Unsafe
	case t != nil && rec.Export >= 0:
		p.Types = t
	default:
		// No live package imports it: a stand-in with its name.
		p.Types = stub(p.PkgPath, rec.Name)
	}
	if rec.Syntax {
		for _, name := range p.GoFiles {
			if f, _ := sh.cache.parse(sh.memo, name, gp.Standard); f != nil {
				p.Syntax = append(p.Syntax, f)
				p.CompiledGoFiles = append(p.CompiledGoFiles, name)
			}
		}
		for _, name := range rec.CgoExcluded {
			f, _ := sh.cache.parse(sh.memo, name, false)
			gp.CgoExcluded = append(gp.CgoExcluded, name)
			gp.CgoExcludedSyntax = append(gp.CgoExcludedSyntax, f)
		}
	} else {
		gp.CgoExcluded = slices.Clone(rec.CgoExcluded)
	}
}

// stub returns the stand-in types of a restored package that no live
// package imports.
func stub(path, name string) *types.Package {
	t := types.NewPackage(path, name)
	t.MarkComplete()
	return t
}

// hasSyntax reports whether some file of the package parsed, for a
// package checked or restored.
func (n *node) hasSyntax() bool {
	if n.rec != nil {
		return n.rec.HasSyntax
	}
	return len(n.gp.Syntax) > 0
}

// store saves the snapshot of a target checked in full, if the rules find
// the same on the graph a later load would restore (see above). fs are
// the findings of the full graph (rules and Extra), which store then
// strips of what it no longer needs.
func (r *targetReuse) store(cfg Config, g *graph.Target, fs []finding.Finding) error {
	if len(r.frozen) == 0 {
		return nil
	}
	// The rules are done with g: free what neither the snapshot nor the
	// comparison needs (the TypesInfo of the dependencies is most of a
	// target's memory), before other targets need the room.
	for _, gp := range g.Packages {
		if r.frozen[gp.Package] {
			gp.TypesInfo, gp.TypeErrors = nil, nil
		}
	}
	lite, recs, err := r.liteGraph(g)
	if err != nil {
		return err
	}
	lfs := analyzers.Run(lite)
	if cfg.Extra != nil {
		lfs = append(lfs, cfg.Extra(lite)...)
	}
	if why := lite.NeedsFull(); why != "" {
		return fmt.Errorf("not reusable: %s", why)
	}
	if !reflect.DeepEqual(finding.Merge(fs), finding.Merge(lfs)) {
		return errors.New("the rules report on the dependencies, which needs them checked in full")
	}
	data, err := r.encode(g, recs)
	if err != nil {
		return err
	}
	return r.results.Put(cache.KindTarget, r.key, data)
}

// liteGraph returns a copy of g in which the frozen packages are as a
// restore would leave them, and their records.
func (r *targetReuse) liteGraph(g *graph.Target) (*graph.Target, []pkgRecord, error) {
	clones := make(map[*packages.Package]*packages.Package, len(g.Packages))
	for _, gp := range g.Packages {
		c := *gp.Package
		clones[gp.Package] = &c
	}
	// The frozen packages whose types a restore reads: those a live
	// package imports. (The rules read the types of no other frozen
	// package: XC2003 would, and calls NeedFull instead.)
	need := map[*packages.Package]bool{}
	for _, gp := range g.Packages {
		if !r.frozen[gp.Package] {
			for _, dep := range gp.Package.Imports {
				need[dep] = true
			}
		}
	}
	var (
		gps   []*graph.Package
		roots []*graph.Package
		recs  []pkgRecord
	)
	byOld := map[*graph.Package]*graph.Package{}
	for _, gp := range g.Packages {
		p := clones[gp.Package]
		p.Imports = make(map[string]*packages.Package, len(gp.Package.Imports))
		for path, dep := range gp.Package.Imports {
			p.Imports[path] = clones[dep]
		}
		c := &graph.Package{
			Package: p, Standard: gp.Standard, Main: gp.Main,
			CgoFiles: gp.CgoFiles, CgoExcluded: gp.CgoExcluded, CgoExcludedSyntax: gp.CgoExcludedSyntax,
			BrokenImports: gp.BrokenImports,
		}
		if r.frozen[gp.Package] {
			rec := pkgRecord{
				ID: p.ID, Key: r.pkgKeys[gp.Package].String(), Name: p.Name, Errors: p.Errors, HasSyntax: len(p.Syntax) > 0, IllTyped: p.IllTyped,
				Syntax:   needsSyntax(gp),
				CgoFiles: gp.CgoFiles, CgoExcluded: gp.CgoExcluded, BrokenImports: gp.BrokenImports,
				Export: -1,
			}
			if need[gp.Package] && p.PkgPath != "unsafe" {
				rec.Export = 0 // set by encode
			}
			recs = append(recs, rec)
			c.Restored = true
			p.TypesInfo, p.TypeErrors = nil, nil
			if rec.Export < 0 && p.PkgPath != "unsafe" {
				p.Types = stub(p.PkgPath, p.Name)
			}
			if !rec.Syntax {
				p.Syntax, p.CompiledGoFiles, c.CgoExcludedSyntax = nil, nil, nil
			}
		}
		gps = append(gps, c)
		byOld[gp] = c
	}
	for _, root := range g.Roots {
		roots = append(roots, byOld[root])
	}
	lite := graph.NewTarget(g.Build, g.Fset, g.Dir, g.Root, g.GOROOT, g.Tags, gps, roots)
	return lite, recs, nil
}

// needsSyntax reports whether a frozen package is restored with its
// syntax, because rules read it: its cgo files, or cgo files left out
// (the cgo rules read their preambles and import "C"), or functions
// declared without a body (XC2003 looks for their assembly, and calls
// NeedFull when it would need their uses). The syntax of the other
// frozen packages is left out.
func needsSyntax(gp *graph.Package) bool {
	if gp.Standard {
		return false
	}
	if len(gp.CgoFiles) > 0 || len(gp.CgoExcluded) > 0 {
		return true
	}
	for _, f := range gp.Syntax {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body == nil {
				return true
			}
		}
	}
	return false
}

// encode writes the snapshot: the records in graph order, and the export
// data of the frozen packages that a live package imports, dependencies
// first.
func (r *targetReuse) encode(g *graph.Target, recs []pkgRecord) ([]byte, error) {
	byID := map[string]int{}
	for i := range recs {
		byID[recs[i].ID] = i
	}
	var blobs bytes.Buffer
	snap := snapshot{Records: recs}
	for _, gp := range g.Packages { // dependencies first
		i, ok := byID[gp.ID]
		if !ok || recs[i].Export < 0 {
			continue
		}
		off := blobs.Len()
		if err := gcexportdata.Write(&blobs, g.Fset, gp.Types); err != nil {
			return nil, fmt.Errorf("writing the types of %s: %v", gp.PkgPath, err)
		}
		recs[i].Export = len(snap.Exports)
		snap.Exports = append(snap.Exports, blobRef{Path: gp.PkgPath, Span: [2]int{off, blobs.Len() - off}})
	}
	head, err := json.Marshal(&snap)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(snapshotMagic)+8+len(head)+blobs.Len())
	out = append(out, snapshotMagic...)
	out = binary.BigEndian.AppendUint64(out, uint64(len(head)))
	out = append(out, head...)
	return append(out, blobs.Bytes()...), nil
}

// decodeSnapshot reads an encoded snapshot, checking every offset.
func decodeSnapshot(data []byte) (*snapshot, error) {
	if !bytes.HasPrefix(data, []byte(snapshotMagic)) || len(data) < len(snapshotMagic)+8 {
		return nil, errors.New("not a snapshot")
	}
	data = data[len(snapshotMagic):]
	n := binary.BigEndian.Uint64(data)
	data = data[8:]
	if n > uint64(len(data)) {
		return nil, errors.New("truncated snapshot")
	}
	var s snapshot
	if err := json.Unmarshal(data[:n], &s); err != nil {
		return nil, err
	}
	s.blobs = data[n:]
	for _, e := range s.Exports {
		if off, n := e.Span[0], e.Span[1]; off < 0 || n < 0 || off > len(s.blobs) || n > len(s.blobs)-off {
			return nil, errors.New("export data out of range")
		}
	}
	s.byID = make(map[string]*pkgRecord, len(s.Records))
	for i := range s.Records {
		rec := &s.Records[i]
		if rec.Export >= len(s.Exports) {
			return nil, errors.New("export index out of range")
		}
		s.byID[rec.ID] = rec
	}
	return &s, nil
}
