package cli

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/xcheck-dev/xcheck/buildenv"
	"github.com/xcheck-dev/xcheck/config"
	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/internal/exitcode"
	"github.com/xcheck-dev/xcheck/loader"
	"github.com/xcheck-dev/xcheck/suppress"
)

// File-argument mode, for pre-commit and git hooks: `xcheck a.go b/c.s
// go.mod` checks the packages that hold the files and the packages of the
// module that import them, directly or not, instead of package patterns.
// docs/integrations.md describes it.
//
// A positional argument is a file name when it names an existing file
// (not a directory), or when its name ends in .go or is go.mod, go.sum,
// go.work, go.work.sum or .xcheck.yaml (so that deleted files count);
// once one argument is a file name, every other one is taken as a file
// name too (a deleted one, if it does not exist), and a directory or a
// pattern with "..." among them is a usage error. File names are relative
// to the directory xcheck was started in, like the paths pre-commit and
// git pass, even with -C: `-C sub` names the module to check and
// `sub/pkg/a.go` a file in it.

// sourceExts are the extensions of the files the go command builds into
// a package (go help packages, go/build): a change to any of them can
// change how the package builds.
var sourceExts = map[string]bool{
	".go": true, ".s": true, ".S": true, ".sx": true, ".c": true, ".h": true,
	".cc": true, ".cpp": true, ".cxx": true, ".hh": true, ".hpp": true, ".hxx": true,
	".m": true, ".f": true, ".F": true, ".for": true, ".f90": true,
	".swig": true, ".swigcxx": true, ".syso": true,
}

// moduleFiles are the files at the module root whose change affects every
// package: the whole module is checked.
var moduleFiles = map[string]bool{
	"go.mod": true, "go.sum": true, "go.work": true, "go.work.sum": true, config.FileName: true,
}

// fileMode is a run in file-argument mode.
type fileMode struct {
	files []string // as given
	// After resolve:
	modPath string
	whole   bool     // a module file changed: check every package
	pattern string   // the module's packages, relative to -C
	focus   []string // import paths of the packages holding the files
	ignored []string // files that belong to no package of the module
	// checked are the module-relative directories of the packages
	// checked (every target's Focused), after the load.
	checked map[string]bool
}

// parseFileArgs tells file arguments from package patterns. It returns
// nil when args are package patterns.
func parseFileArgs(args []string) (*fileMode, error) {
	var files, patterns []string
	for _, a := range args {
		if isFileArg(a) {
			files = append(files, a)
		} else {
			patterns = append(patterns, a)
		}
	}
	if len(files) == 0 {
		return nil, nil
	}
	for _, a := range patterns {
		if st, err := os.Stat(a); strings.Contains(a, "...") || (err == nil && st.IsDir()) {
			return nil, exitcode.UsageError(fmt.Errorf("cannot mix file names (%s) and package patterns (%s): pass either the changed files or packages", files[0], a))
		}
		files = append(files, a) // a deleted file
	}
	return &fileMode{files: files}, nil
}

// isFileArg reports whether a positional argument is a file name rather
// than a package pattern.
func isFileArg(a string) bool {
	if strings.Contains(a, "...") {
		return false
	}
	base := filepath.Base(a)
	if strings.HasSuffix(base, ".go") || moduleFiles[base] {
		return true
	}
	st, err := os.Stat(a)
	return err == nil && !st.IsDir()
}

// relevant reports whether any file could change how a package builds.
// When none can (only docs, images, ...), there is nothing to check and
// xcheck exits at once, without running the go command.
func (m *fileMode) relevant() bool {
	for _, f := range m.files {
		if sourceExts[filepath.Ext(f)] || moduleFiles[filepath.Base(f)] {
			return true
		}
	}
	return false
}

// resolve maps the files to the packages of mod to check, for the go
// command run in dir; configFile is the configuration file in use, if any.
func (m *fileMode) resolve(dir string, mod *buildenv.Module, configFile string) error {
	root, modPath := mod.Root, mod.Path
	if modPath == "" {
		return exitcode.UsageError(fmt.Errorf("%s: no module line", mod.GoMod))
	}
	m.modPath = modPath
	absDir, err := filepath.Abs(cmp.Or(dir, "."))
	if err != nil {
		return exitcode.FailureError(err)
	}
	m.pattern = "./..."
	if rel, err := relPath(absDir, root); err == nil && rel != "." {
		if strings.HasPrefix(rel, "..") {
			m.pattern = rel + "/..."
		} else {
			m.pattern = "./" + rel + "/..."
		}
	}
	var cfgAbs string
	if configFile != "" {
		cfgAbs, _ = filepath.Abs(configFile)
	}
	seen := map[string]bool{}
	for _, f := range m.files {
		abs, err := filepath.Abs(f)
		if err != nil {
			return exitcode.FailureError(err)
		}
		if abs == cfgAbs {
			m.whole = true
			continue
		}
		rel, err := relPath(root, abs)
		if err != nil || strings.HasPrefix(rel, "..") {
			m.ignored = append(m.ignored, f) // another module, or outside any
			continue
		}
		relDir, base := path.Split(rel)
		relDir = strings.TrimSuffix(relDir, "/")
		if relDir == "" {
			relDir = "."
		}
		switch {
		case relDir == "." && moduleFiles[base] && base != config.FileName:
			m.whole = true
		case base == config.FileName && !exists(abs):
			m.whole = true // a deleted configuration: back to the defaults
		case relDir == "vendor" || strings.HasPrefix(relDir, "vendor/"):
			m.whole = true // the vendored dependencies changed
		case !sourceExts[path.Ext(base)] || skippedDir(root, relDir):
			m.ignored = append(m.ignored, f)
		default:
			ip := modPath
			if relDir != "." {
				ip += "/" + relDir
			}
			if !seen[ip] {
				seen[ip] = true
				m.focus = append(m.focus, ip)
			}
		}
	}
	if m.whole {
		m.focus = nil
	}
	return nil
}

// empty reports whether no package is to be checked.
func (m *fileMode) empty() bool { return !m.whole && len(m.focus) == 0 }

// patterns returns the package patterns to load: the whole module.
func (m *fileMode) patterns() []string { return []string{m.pattern} }

// loaderFocus returns loader.Config.Focus: nil (every package) when a
// module file changed.
func (m *fileMode) loaderFocus() []string {
	if m == nil || m.whole {
		return nil
	}
	return m.focus
}

// loaded records the packages the loader checked for each target.
func (m *fileMode) loaded(stats *loader.Stats) {
	if m == nil || m.whole || stats == nil {
		return
	}
	m.checked = map[string]bool{}
	for _, ts := range stats.Targets {
		for _, ip := range ts.Focused {
			if ip == m.modPath {
				m.checked["."] = true
			} else if rest, ok := strings.CutPrefix(ip, m.modPath+"/"); ok {
				m.checked[rest] = true
			}
		}
	}
}

// inChecked reports whether a finding or directive at the module-relative
// file rel belongs to the run: files that are not package sources of the
// module (go.mod, files outside the module) always do, package sources
// only when their package was checked.
func (m *fileMode) inChecked(rel string) bool {
	if m == nil || m.whole || rel == "" || filepath.IsAbs(rel) || strings.HasPrefix(rel, "..") || !sourceExts[path.Ext(rel)] {
		return true
	}
	return m.checked[path.Dir(rel)]
}

// filter drops the findings in packages of the module that were loaded
// only as dependencies of the checked ones: the files given did not
// change them, and the full run reports them.
func (m *fileMode) filter(fs []finding.Finding) []finding.Finding {
	if m == nil || m.whole {
		return fs
	}
	return slices.DeleteFunc(fs, func(f finding.Finding) bool { return !m.inChecked(f.Pos.File) })
}

// directives keeps the //xcheck: directives, and the findings about
// malformed ones, in the files of the packages checked: the others were
// not checked, so they could only look unused.
func (m *fileMode) directives(ds []*suppress.Directive, problems []finding.Finding) ([]*suppress.Directive, []finding.Finding) {
	if m == nil || m.whole {
		return ds, problems
	}
	ds = slices.DeleteFunc(ds, func(d *suppress.Directive) bool { return !m.inChecked(d.Pos.File) })
	return ds, m.filter(problems)
}

// explain writes, for -v, what file-argument mode will check.
func (m *fileMode) explain(w io.Writer) {
	switch {
	case m.whole:
		fmt.Fprintf(w, "xcheck: file arguments: a module file changed, checking every package (%s)\n", m.pattern)
	case len(m.focus) > 0:
		fmt.Fprintf(w, "xcheck: file arguments: checking %s and the packages importing them\n", strings.Join(m.focus, ", "))
	}
	if len(m.ignored) > 0 {
		fmt.Fprintf(w, "xcheck: file arguments: not in a package of the module: %s\n", strings.Join(m.ignored, ", "))
	}
}

func exists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}

// skippedDir reports whether the go command ignores the directory relDir
// of the module at root for ./...: testdata, names starting with . or _,
// and nested modules.
func skippedDir(root, relDir string) bool {
	if relDir == "." {
		return false
	}
	parts := strings.Split(relDir, "/")
	for i, p := range parts {
		if p == "testdata" || strings.HasPrefix(p, ".") || strings.HasPrefix(p, "_") {
			return true
		}
		if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(strings.Join(parts[:i+1], "/")), "go.mod")); err == nil {
			return true
		}
	}
	return false
}

// relPath returns target relative to base, in slash form. When the plain
// paths do not nest (a symbolic link in one of them), it compares them
// with links resolved; a missing target (a deleted file) is resolved
// through its nearest existing parent.
func relPath(base, target string) (string, error) {
	rel, err := filepath.Rel(base, target)
	if err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel), nil
	}
	rb, err1 := filepath.EvalSymlinks(base)
	rt, err2 := evalExisting(target)
	if err1 != nil || err2 != nil {
		if err == nil {
			return filepath.ToSlash(rel), nil
		}
		return "", errors.Join(err, err1, err2)
	}
	rel, err = filepath.Rel(rb, rt)
	return filepath.ToSlash(rel), err
}

// evalExisting resolves the links of p's longest existing prefix.
func evalExisting(p string) (string, error) {
	var rest []string
	for {
		r, err := filepath.EvalSymlinks(p)
		if err == nil {
			return filepath.Join(append([]string{r}, rest...)...), nil
		}
		parent := filepath.Dir(p)
		if parent == p {
			return "", err
		}
		rest = append([]string{filepath.Base(p)}, rest...)
		p = parent
	}
}
