package loader

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/tools/go/packages"

	"github.com/xcheck-dev/xcheck/analyzers/graph"
	"github.com/xcheck-dev/xcheck/cache"
	"github.com/xcheck-dev/xcheck/matrix"
)

// Reusing the package lists (Config.Results).
//
// What `go list -deps` prints for a target is a function of the target's
// environment, the toolchain, the module cache (read-only) and, in the
// module, of the headers of the Go files (build constraints, package
// clause, imports, //go:embed), the other source files, go.mod and
// go.sum. Load stores each target's list under a key made of those (the
// headers through cache.HashTreeHeaders), so that after a change to the
// body of a function, the next Load runs no go command at all. A list
// with go command errors other than "build constraints exclude all Go
// files" is not stored: those may come from the network or a module not
// yet downloaded. Workspaces (go.work) and builds with -overlay or
// -modfile in GOFLAGS are always listed.

// moduleHeaders returns the digest of the headers of the module's trees
// (the module and the directories its replace directives point to), once
// per Load; ok is false when there is none to compute.
func (sh *shared) moduleHeaders(cfg Config) (cache.Key, bool) {
	sh.headersOnce.Do(func() {
		if cfg.Root == "" {
			return
		}
		trees := []string{cfg.Root}
		gomod := filepath.Join(cfg.Root, "go.mod")
		data, err := os.ReadFile(gomod)
		if err != nil {
			return
		}
		mf, err := modfile.Parse(gomod, data, nil)
		if err != nil {
			return
		}
		for _, r := range mf.Replace {
			if r.New.Version == "" && modfile.IsDirectoryPath(r.New.Path) {
				dir := r.New.Path
				if !filepath.IsAbs(dir) {
					dir = filepath.Join(cfg.Root, dir)
				}
				trees = append(trees, filepath.Clean(dir))
			}
		}
		slices.Sort(trees[1:])
		h := cache.NewHash(cache.KindList)
		for _, t := range slices.Compact(trees) {
			k, _, err := cache.HashTreeHeaders(t)
			if err != nil {
				h.Add("tree", t, "error", err.Error())
				continue
			}
			h.AddKey("tree "+t, k)
		}
		sh.headers, sh.headersOK = h.Sum(), true
	})
	return sh.headers, sh.headersOK
}

// listingKey returns the key of a target's package list, and false when
// the list is not to be reused.
func listingKey(cfg Config, sh *shared, b *matrix.Build, tags, patterns []string) (cache.Key, bool) {
	if w := b.GoEnv["GOWORK"]; w != "" && w != "off" {
		return cache.Key{}, false
	}
	if f := b.GoEnv["GOFLAGS"]; strings.Contains(f, "-overlay") || strings.Contains(f, "-modfile") {
		// Files the headers digest does not see.
		return cache.Key{}, false
	}
	modcache := b.GoEnv["GOMODCACHE"]
	headers, ok := sh.moduleHeaders(cfg)
	if !ok || modcache == "" || b.GoEnv["GOROOT"] == "" {
		return cache.Key{}, false
	}
	h := cache.NewHash(cache.KindList)
	h.AddKey("target", targetKey(cfg, b, tags, b.GoEnv["GOROOT"]))
	h.Add("patterns", patterns...)
	h.AddKey("headers", headers)
	// `go clean -modcache` changes it.
	h.Add("module cache", modcache, cache.Stamp(modcache))
	return h.Sum(), true
}

// listedPackage is a packages.Package as go list gave it.
type listedPackage struct {
	ID              string            `json:"id"`
	Name            string            `json:"name,omitempty"`
	PkgPath         string            `json:"pkg_path,omitempty"`
	Dir             string            `json:"dir,omitempty"`
	Errors          []packages.Error  `json:"errors,omitempty"`
	GoFiles         []string          `json:"go_files,omitempty"`
	CompiledGoFiles []string          `json:"compiled_go_files,omitempty"`
	OtherFiles      []string          `json:"other_files,omitempty"`
	EmbedFiles      []string          `json:"embed_files,omitempty"`
	EmbedPatterns   []string          `json:"embed_patterns,omitempty"`
	IgnoredFiles    []string          `json:"ignored_files,omitempty"`
	ExportFile      string            `json:"export_file,omitempty"`
	Target          string            `json:"target,omitempty"`
	ForTest         string            `json:"for_test,omitempty"`
	Imports         map[string]string `json:"imports,omitempty"`
	Module          *packages.Module  `json:"module,omitempty"`
}

type storedListing struct {
	Roots    []string        `json:"roots"`
	Packages []listedPackage `json:"packages"`
}

// encodeListing returns the stored form of the packages go list gave
// (roots and their dependencies), and false when they are not to be
// stored (go command errors that may not come back).
func encodeListing(roots []*packages.Package) ([]byte, bool) {
	var s storedListing
	ok := true
	packages.Visit(roots, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			if e.Kind != packages.ListError || !strings.HasPrefix(strings.TrimSpace(e.Msg), graph.ExcludeAllMsg) {
				ok = false
			}
		}
		lp := listedPackage{
			ID: p.ID, Name: p.Name, PkgPath: p.PkgPath, Dir: p.Dir, Errors: p.Errors,
			GoFiles: p.GoFiles, CompiledGoFiles: p.CompiledGoFiles, OtherFiles: p.OtherFiles,
			EmbedFiles: p.EmbedFiles, EmbedPatterns: p.EmbedPatterns, IgnoredFiles: p.IgnoredFiles,
			ExportFile: p.ExportFile, Target: p.Target, ForTest: p.ForTest, Module: p.Module,
		}
		if len(p.Imports) > 0 {
			lp.Imports = make(map[string]string, len(p.Imports))
			for path, dep := range p.Imports {
				lp.Imports[path] = dep.ID
			}
		}
		s.Packages = append(s.Packages, lp)
	})
	if !ok {
		return nil, false
	}
	for _, r := range roots {
		s.Roots = append(s.Roots, r.ID)
	}
	data, err := json.Marshal(&s)
	return data, err == nil
}

// decodeListing rebuilds the roots and their dependencies from a stored
// list.
func decodeListing(data []byte) ([]*packages.Package, error) {
	var s storedListing
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, err
	}
	byID := make(map[string]*packages.Package, len(s.Packages))
	for _, lp := range s.Packages {
		if _, dup := byID[lp.ID]; dup || lp.ID == "" {
			return nil, fmt.Errorf("package %q listed twice", lp.ID)
		}
		byID[lp.ID] = &packages.Package{
			ID: lp.ID, Name: lp.Name, PkgPath: lp.PkgPath, Dir: lp.Dir, Errors: lp.Errors,
			GoFiles: lp.GoFiles, CompiledGoFiles: lp.CompiledGoFiles, OtherFiles: lp.OtherFiles,
			EmbedFiles: lp.EmbedFiles, EmbedPatterns: lp.EmbedPatterns, IgnoredFiles: lp.IgnoredFiles,
			ExportFile: lp.ExportFile, Target: lp.Target, ForTest: lp.ForTest, Module: lp.Module,
		}
	}
	for _, lp := range s.Packages {
		p := byID[lp.ID]
		if len(lp.Imports) > 0 {
			p.Imports = make(map[string]*packages.Package, len(lp.Imports))
			for path, id := range lp.Imports {
				dep, ok := byID[id]
				if !ok {
					return nil, fmt.Errorf("package %q imports %q, which is not listed", lp.ID, id)
				}
				p.Imports[path] = dep
			}
		}
	}
	roots := make([]*packages.Package, 0, len(s.Roots))
	for _, id := range s.Roots {
		r, ok := byID[id]
		if !ok {
			return nil, fmt.Errorf("root %q is not listed", id)
		}
		roots = append(roots, r)
	}
	if len(roots) == 0 {
		return nil, errors.New("no roots")
	}
	return roots, nil
}
