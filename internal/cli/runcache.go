package cli

import (
	"cmp"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/xcheck-dev/xcheck/abi"
	"github.com/xcheck-dev/xcheck/buildenv"
	"github.com/xcheck-dev/xcheck/cache"
	"github.com/xcheck-dev/xcheck/config"
	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/internal/gocmd"
	"github.com/xcheck-dev/xcheck/loader"
	"github.com/xcheck-dev/xcheck/matrix"
	"github.com/xcheck-dev/xcheck/report"
	"github.com/xcheck-dev/xcheck/rules"
)

// The run cache: `xcheck check` stores its report under a key computed
// before it runs anything (no go command, no compiler), from the flags,
// the environment, the go command and the module's files; an identical
// run reads the report back and only renders it. docs/cache.md explains
// the key; cache/ stores the entries.

// presentationFlags are the check flags that change how the results are
// shown or judged, not what they are: they are not part of the key.
var presentationFlags = map[string]bool{
	"format": true, "output": true, "o": true, "no-color": true, "q": true,
	"v": true, "show-suppressed": true, "fail-on": true, "no-cache": true,
}

// envPrefixes and envNames select the environment variables that can
// change a result: those the go command reads (GO*, CGO_*), the C
// toolchain's and pkg-config's, PATH and where the go command finds its
// settings (HOME, XDG_CONFIG_HOME), xcheck's own (XCHECK_*).
var (
	envPrefixes = []string{"GO", "CGO_", "XCHECK_", "PKG_CONFIG"}
	envNames    = map[string]bool{
		"CC": true, "CXX": true, "FC": true, "AR": true, "PATH": true, "HOME": true,
		"XDG_CONFIG_HOME": true, "GCC_EXEC_PREFIX": true, "COMPILER_PATH": true,
		"LIBRARY_PATH": true, "CPATH": true, "C_INCLUDE_PATH": true,
		"CPLUS_INCLUDE_PATH": true, "SDKROOT": true, "DEVELOPER_DIR": true,
		"LC_ALL": true, "LC_MESSAGES": true, "LANG": true,
	}
	// envIgnored are variables of those families that cannot change a
	// result (where caches and temporary files go, the Go runtime's
	// tuning of xcheck itself).
	envIgnored = map[string]bool{
		"XCHECK_CACHE": true, "GOCACHE": true, "GOTMPDIR": true, "GOTELEMETRY": true,
		"GOTELEMETRYDIR": true, "GOMAXPROCS": true, "GOGC": true, "GOMEMLIMIT": true,
		"GOTRACEBACK": true, "GOCOVERDIR": true, "XCHECK_GO_TIMEOUT": true,
	}
)

// packageDatabases are the files and directories that package managers
// rewrite when they install or remove anything: a C cross compiler or a
// sysroot library installed with them changes the key.
var packageDatabases = []string{
	"/var/lib/dpkg/status", "/var/lib/rpm", "/var/lib/pacman/local",
	"/usr/local/Cellar", "/opt/homebrew/Cellar", "/etc/ld.so.cache",
}

// runCache is one check run's use of the result cache. A nil *runCache
// is valid and caches nothing.
type runCache struct {
	c     *cache.Cache
	log   func(format string, args ...any) // -v notes; no-op without -v
	key   cache.Key
	keyed bool // key is set: the run may be looked up and stored
}

// newRunCache opens the cache for a check run, unless --no-cache, and
// computes the run's key. A cache that cannot be used, or a run whose key
// cannot be computed, is noted with -v and the run goes on without it.
func newRunCache(fs *flag.FlagSet, f *checkFlags, pkgs []string, stderr io.Writer) *runCache {
	logf := func(string, ...any) {}
	if f.verbose {
		logf = func(format string, args ...any) { fmt.Fprintf(stderr, "xcheck: cache: "+format+"\n", args...) }
	}
	if f.noCache {
		logf("not used (--no-cache)")
		return nil
	}
	dir := cache.Dir()
	if dir == "" {
		logf("not used (XCHECK_CACHE=off, or no user cache directory)")
		return nil
	}
	c, err := cache.Open(dir)
	if err != nil {
		logf("not used: %v", unwrapPathError(err))
		return nil
	}
	rc := &runCache{c: c, log: logf}
	key, err := runKey(fs, f, pkgs)
	if err != nil {
		logf("results of this run are not cached: %v", err)
		return rc
	}
	rc.key, rc.keyed = key, true
	return rc
}

// runEntry is what the cache holds for a run.
type runEntry struct {
	Report cachedReport `json:"report"`
	// FailOn is the configuration file's fail-on, which applies when
	// --fail-on is not given.
	FailOn string `json:"fail_on"`
	// Sentinels are files and directories outside the module the results
	// depend on, found during the run (C compilers, sysroots): the entry
	// is used only while their stamps are unchanged.
	Sentinels []cache.Stamped `json:"sentinels"`
}

// cachedReport is report.Report without what every run recomputes
// (verdicts and counts) or fills in (rules, fail-on). A test checks that
// it keeps up with report.Report and finding.Finding.
type cachedReport struct {
	Tool      report.Tool           `json:"tool"`
	Toolchain report.Toolchain      `json:"toolchain"`
	Root      string                `json:"root"`
	Targets   []report.TargetResult `json:"targets"`
	Findings  []cachedFinding       `json:"findings"`
}

type cachedFinding struct {
	Rule       string           `json:"rule"`
	Severity   finding.Severity `json:"severity"`
	Targets    []string         `json:"targets"`
	Pos        finding.Position `json:"pos"`
	Message    string           `json:"message"`
	Why        []string         `json:"why"`
	Fix        string           `json:"fix"`
	Suppressed bool             `json:"suppressed"`
}

// lookup returns the report of an earlier identical run, with fail-on
// applied (flag, else the configuration's, else the default in failOn).
func (rc *runCache) lookup(failOn finding.FailOn, failOnSet bool) (*report.Report, bool) {
	if rc == nil || !rc.keyed {
		return nil, false
	}
	data, err := rc.c.Get(cache.KindRun, rc.key)
	switch {
	case errors.Is(err, cache.ErrMiss):
		rc.log("no results of an identical run")
		return nil, false
	case err != nil:
		rc.log("%v", err)
		return nil, false
	}
	var e runEntry
	if err := json.Unmarshal(data, &e); err != nil {
		rc.log("unreadable entry: %v", err)
		return nil, false
	}
	if p := cache.Changed(e.Sentinels); p != "" {
		rc.log("results of an identical run are stale: %s changed", p)
		return nil, false
	}
	rep, err := e.Report.report()
	if err != nil {
		rc.log("unreadable entry: %v", err)
		return nil, false
	}
	rep.FailOn = failOn
	if !failOnSet && e.FailOn != "" {
		if fo, err := finding.ParseFailOn(e.FailOn); err == nil {
			rep.FailOn = fo
		}
	}
	rep.Finalize()
	rc.log("results of an identical earlier run: nothing loaded or type-checked")
	return rep, true
}

func (cr *cachedReport) report() (*report.Report, error) {
	rep := &report.Report{
		Tool: cr.Tool, Toolchain: cr.Toolchain, Root: cr.Root,
		Targets: cr.Targets, Rules: rules.All(),
	}
	for _, cf := range cr.Findings {
		r := rules.Lookup(cf.Rule)
		if r == nil {
			return nil, fmt.Errorf("unknown rule %q", cf.Rule)
		}
		rep.Findings = append(rep.Findings, finding.Finding{
			Rule: r, Severity: cf.Severity, Targets: cf.Targets, Pos: cf.Pos,
			Message: cf.Message, Why: cf.Why, Fix: cf.Fix, Suppressed: cf.Suppressed,
		})
	}
	return rep, nil
}

// store saves the report of a run that went through, unless the
// environment stopped the builds (those findings depend on more than the
// key sees, such as toolchains not yet downloaded). cfgFailOn is the
// configuration file's fail-on; sysroots are the targets' sysroots and
// builds their resolved builds, whose files become sentinels.
func (rc *runCache) store(rep *report.Report, cfgFailOn string, builds []*matrix.Build, sysroots map[string]abi.Discovery) {
	if rc == nil || !rc.keyed {
		return
	}
	if b := buildenv.Blocking(rep.Findings); b != nil {
		rc.log("results not stored: %s stops every build", b.Rule.ID)
		return
	}
	e := runEntry{
		Report: cachedReport{
			Tool: rep.Tool, Toolchain: rep.Toolchain, Root: rep.Root, Targets: rep.Targets,
		},
		FailOn:    cfgFailOn,
		Sentinels: cache.StampAll(sentinels(rep, builds, sysroots)),
	}
	for _, f := range rep.Findings {
		e.Report.Findings = append(e.Report.Findings, cachedFinding{
			Rule: f.Rule.ID, Severity: f.Severity, Targets: f.Targets, Pos: f.Pos,
			Message: f.Message, Why: f.Why, Fix: f.Fix, Suppressed: f.Suppressed,
		})
	}
	data, err := json.Marshal(&e)
	if err != nil {
		rc.log("results not stored: %v", err)
		return
	}
	if err := rc.c.Put(cache.KindRun, rc.key, data); err != nil {
		rc.log("results not stored: %v", unwrapPathError(err))
	}
}

// sentinels returns the files and directories outside the module whose
// change must invalidate the run's results: the C compilers and
// pkg-config the targets' builds use, and the directories of their
// sysroots where headers and libraries live.
func sentinels(rep *report.Report, builds []*matrix.Build, sysroots map[string]abi.Discovery) []string {
	var out []string
	for _, b := range builds {
		if b == nil || b.Port == nil {
			continue
		}
		for _, tool := range []string{b.CC, b.GoEnv["CXX"], b.GoEnv["PKG_CONFIG"]} {
			if fields := strings.Fields(tool); len(fields) > 0 {
				if p, err := exec.LookPath(fields[0]); err == nil {
					out = append(out, p)
				}
			}
		}
	}
	for _, t := range rep.Targets {
		if t.Sysroot == "" {
			continue
		}
		out = append(out, sysrootDirs(t.Sysroot, sysroots[t.Name].Triple)...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// sysrootDirs returns the directories of a sysroot where headers and
// libraries are installed (with the Debian multiarch ones for triple).
func sysrootDirs(root, triple string) []string {
	dirs := []string{"", "usr", "usr/include", "usr/lib", "usr/lib64", "lib", "lib64"}
	if triple != "" {
		dirs = append(dirs, "usr/include/"+triple, "usr/lib/"+triple, "lib/"+triple)
	}
	out := make([]string, len(dirs))
	for i, d := range dirs {
		out[i] = filepath.Join(root, d)
	}
	return out
}

// runKey computes the key of a check run from what can be read without
// running anything: xcheck's build ID; the working directory, the flags
// that change results and the arguments; the environment variables that
// matter and the go command's settings file; the go command (its file
// and GOROOT's VERSION and go.env); the PATH directories and package
// manager databases (a compiler installed or removed changes them); the
// module, its workspace and local replacements, by content (see
// cache.HashTree); and the configuration file.
func runKey(fs *flag.FlagSet, f *checkFlags, pkgs []string) (cache.Key, error) {
	h := cache.NewHash(cache.KindRun)
	id, err := cache.SelfID()
	if err != nil {
		return cache.Key{}, err
	}
	h.Add("xcheck", id)
	wd, err := os.Getwd()
	if err != nil {
		return cache.Key{}, err
	}
	h.Add("cwd", wd)
	fs.Visit(func(fl *flag.Flag) {
		if !presentationFlags[fl.Name] {
			h.Add("flag", fl.Name, fl.Value.String())
		}
	})
	h.Add("args", pkgs...)
	addEnvironment(h)
	if os.Getenv("GO111MODULE") == "off" {
		return cache.Key{}, errors.New("GO111MODULE=off")
	}
	for _, flag := range []string{"-modfile", "-overlay"} {
		if strings.Contains(os.Getenv("GOFLAGS"), flag) {
			// Files the key does not see.
			return cache.Key{}, fmt.Errorf("%s in GOFLAGS", flag)
		}
	}
	// Settings made with `go env -w`.
	goenv := os.Getenv("GOENV")
	if goenv == "" {
		if d, err := os.UserConfigDir(); err == nil {
			goenv = filepath.Join(d, "go", "env")
		}
	}
	if goenv != "" && goenv != "off" {
		addFile(h, "goenv", goenv)
	}

	// The go command, and its GOROOT.
	bin := cmp.Or(os.Getenv("XCHECK_GO"), "go")
	gobin, err := exec.LookPath(bin)
	if err != nil {
		return cache.Key{}, fmt.Errorf("no go command: %v", err)
	}
	if abs, err := filepath.Abs(gobin); err == nil {
		gobin = abs
	}
	resolved, err := filepath.EvalSymlinks(gobin)
	if err != nil {
		return cache.Key{}, err
	}
	h.Add("go", gobin, resolved, cache.Stamp(resolved))
	goroot := cmp.Or(os.Getenv("GOROOT"), filepath.Dir(filepath.Dir(resolved)))
	h.Add("goroot", goroot)
	addFile(h, "goroot-version", filepath.Join(goroot, "VERSION"))
	addFile(h, "goroot-env", filepath.Join(goroot, "go.env"))

	// The module, by content.
	dir, err := filepath.Abs(cmp.Or(f.dir, "."))
	if err != nil {
		return cache.Key{}, err
	}
	gomod := buildenv.FindGoMod(dir)
	if gomod == "" {
		return cache.Key{}, errors.New("no go.mod")
	}
	root := filepath.Dir(gomod)
	trees := []string{root}
	trees = append(trees, localReplacements(gomod)...)
	if work := findGoWork(dir); work != "" {
		data, err := os.ReadFile(work)
		h.AddBytes("go.work", data)
		if err == nil {
			if wf, err := modfile.ParseWork(work, data, nil); err == nil {
				for _, u := range wf.Use {
					trees = append(trees, resolvePath(filepath.Dir(work), u.Path))
				}
				for _, r := range wf.Replace {
					if r.New.Version == "" && modfile.IsDirectoryPath(r.New.Path) {
						trees = append(trees, resolvePath(filepath.Dir(work), r.New.Path))
					}
				}
			}
		}
	}
	slices.Sort(trees[1:])
	trees = slices.Compact(trees)
	for _, t := range trees {
		k, _, err := cache.HashTree(t)
		if err != nil {
			h.Add("tree", t, "error", err.Error())
			continue
		}
		h.AddKey("tree "+t, k)
	}

	if p := config.Find(dir, root); p != "" {
		addFile(h, "config", p)
	}
	if f.config != "" {
		addFile(h, "config-flag", f.config)
	}
	return h.Sum(), nil
}

// addEnvironment adds what both keys take from outside the module: the
// environment variables that matter, and the stamps of the PATH
// directories and of the package managers' databases (a compiler or a
// library installed or removed changes them). PATH is taken without the
// directory that makes $XCHECK_GO the go of PATH (gocmd.PrependXcheckGo),
// which is new in every run; XCHECK_GO and the go command's file are in
// the key.
func addEnvironment(h *cache.Hash) {
	env := os.Environ()
	slices.Sort(env)
	path := gocmd.WithoutLinkDir(os.Getenv("PATH"))
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if k == "PATH" {
			kv = "PATH=" + path
		}
		if relevantEnv(k) {
			h.Add("env", kv)
		}
	}
	for _, d := range filepath.SplitList(path) {
		h.Add("path-dir", d, cache.Stamp(d))
	}
	for _, p := range packageDatabases {
		h.Add("package-db", p, cache.Stamp(p))
	}
}

// relevantEnv reports whether the environment variable k is part of the
// run key.
func relevantEnv(k string) bool {
	if envIgnored[k] {
		return false
	}
	if envNames[k] {
		return true
	}
	for _, p := range envPrefixes {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

// addFile adds the content of a file to h, or that it cannot be read.
func addFile(h *cache.Hash, label, name string) {
	data, err := os.ReadFile(name)
	if err != nil {
		h.Add(label, name, "unreadable")
		return
	}
	h.Add(label, name)
	h.AddBytes(label+" content", data)
}

// localReplacements returns the directories that replace directives of
// the go.mod at gomod point to.
func localReplacements(gomod string) []string {
	data, err := os.ReadFile(gomod)
	if err != nil {
		return nil
	}
	// Parse, not ParseLax: ParseLax ignores replace directives.
	mf, err := modfile.Parse(gomod, data, nil)
	if err != nil {
		return nil
	}
	var out []string
	for _, r := range mf.Replace {
		if r.New.Version == "" && modfile.IsDirectoryPath(r.New.Path) {
			out = append(out, resolvePath(filepath.Dir(gomod), r.New.Path))
		}
	}
	return out
}

// findGoWork returns the go.work file the go command uses in dir: $GOWORK
// ("" for off), else the first go.work in dir or a parent.
func findGoWork(dir string) string {
	if w, ok := os.LookupEnv("GOWORK"); ok && w != "" {
		if w == "off" {
			return ""
		}
		return resolvePath(dir, w)
	}
	for d := dir; ; {
		p := filepath.Join(d, "go.work")
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}

// resolvePath resolves p relative to dir.
func resolvePath(dir, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(dir, p)
}

// cfgFailOn returns the fail-on of a configuration file, "" without one.
func cfgFailOn(c *config.Config) string {
	if c == nil {
		return ""
	}
	return c.FailOn
}

// results returns the cache for loader.Config.Results: the loader keeps
// there, per target, what a later run reuses of the dependencies when
// only the module changed. nil without a cache.
func (rc *runCache) results() loader.Results {
	if rc == nil {
		return nil
	}
	return rc.c
}

// resultsKey returns loader.Config.ResultsKey: what the loader's stored
// results depend on beyond the packages and the targets' go env: this
// xcheck, the environment, the PATH directories and package databases
// (compilers and pkg-config), and the sysroots the cgo checks (Extra)
// read.
func (rc *runCache) resultsKey(sysroots map[string]abi.Discovery) string {
	if rc == nil {
		return ""
	}
	id, err := cache.SelfID()
	if err != nil {
		return ""
	}
	h := cache.NewHash(cache.KindTarget).Add("xcheck", id)
	addEnvironment(h)
	names := make([]string, 0, len(sysroots))
	for name := range sysroots {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		d := sysroots[name]
		h.Add("sysroot", name, d.Root, d.Triple)
		for _, s := range cache.StampAll(sysrootDirs(d.Root, d.Triple)) {
			h.Add("stamp", s.Path, s.Stamp)
		}
	}
	return h.Sum().String()
}

// noteReuse says, with -v, how much of the dependencies' checking the
// loader reused, and why it could not store what it checked.
func (rc *runCache) noteReuse(stats *loader.Stats) {
	if rc == nil || stats == nil {
		return
	}
	var targets, pkgs, lists int
	for _, ts := range stats.Targets {
		if ts.Reused > 0 {
			targets++
			pkgs += ts.Reused
		}
		if ts.Listed {
			lists++
		}
		if ts.ReuseErr != nil {
			rc.log("%s: %s", ts.Target, strings.ReplaceAll(ts.ReuseErr.Error(), "\n", "; "))
		}
	}
	if targets > 0 {
		rc.log("reused the checked dependencies of %d of %d targets (%d packages not type-checked)", targets, len(stats.Targets), pkgs)
	}
	if lists > 0 {
		rc.log("reused the package lists of %d of %d targets (go list not run)", lists, len(stats.Targets))
	}
}
