package loader

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"go/types"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/tools/go/packages"

	"github.com/xcheck-dev/xcheck/analyzers"
	"github.com/xcheck-dev/xcheck/analyzers/graph"
	"github.com/xcheck-dev/xcheck/cache"
	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/internal/gocmd"
	"github.com/xcheck-dev/xcheck/matrix"
)

// Config says where and how to load.
type Config struct {
	// Dir is the directory the go command runs in (-C); the current
	// directory if empty. Patterns are relative to it.
	Dir string
	// Root is the module root: file positions below it are relative to it.
	// If empty, the directory of the main module (from the go command).
	Root string
	// BaseEnv is the environment the target's variables are added to;
	// os.Environ() if nil. Its GOFLAGS, GOPROXY, GOTOOLCHAIN, ... apply.
	BaseEnv []string
	// Tags are build tags (-tags). If empty, -tags in the base
	// environment's GOFLAGS (if any) are the effective tags.
	Tags []string
	// Concurrency is how many targets are listed at once;
	// DefaultConcurrency if zero or less.
	Concurrency int
	// CheckConcurrency is how many of those are type-checked at once,
	// and how many more may be running their rules meanwhile (a target
	// holds its graph in memory from the start of its type checking until
	// its rules are done: at most twice this many graphs at once);
	// DefaultCheckConcurrency() if zero or less. Packages are type-checked in parallel within a
	// target, GOMAXPROCS at a time across all targets, whatever this is.
	CheckConcurrency int
	// Cache is the parse cache; a new one per Load if nil.
	Cache *Cache
	// Extra, if set, runs after the rules on each loaded target, for
	// checks that need the loaded graph and more than it holds (the cgo
	// needs against the target's sysroot). It may run concurrently.
	Extra func(g *graph.Target) []finding.Finding
	// Focus, if not empty, narrows the check to what a change touches
	// (xcheck's file-argument mode): of the packages the patterns match,
	// only those whose import path is in Focus and those importing one of
	// them, directly or not, are type-checked and analyzed, with their
	// dependencies. A Focus path that names no package (a deleted one)
	// still selects its importers. TargetStats.Focused lists the packages
	// kept; a target where none is kept is skipped without an error.
	Focus []string
	// Progress, if set, is told as each target is listed, type-checked
	// package by package, analyzed and done, for a progress display. It
	// is called concurrently and must return quickly.
	Progress func(Progress)
	// Results, if set, keeps for each target what a later Load can reuse
	// of the dependencies outside the module (their types, and that the
	// rules find nothing that needs more of them), so that the later Load
	// type-checks only the module's packages when the dependencies did
	// not change (see reuse.go). ResultsKey must identify everything
	// else the findings depend on: the rules' code (the xcheck build) and
	// what Extra reads. With Results set, Extra may run twice on a
	// target's graphs (the full one, then the one a later Load would
	// restore, to compare them): it must be repeatable. LoadTargets
	// ignores Results.
	Results    Results
	ResultsKey string
	// FullInfo makes the type checker record all of go/types' Info for
	// every package outside the standard library, for callers of
	// LoadTargets that run other analyzers. Without it the loader records
	// only what xcheck's rules read (analyzers.NewInfo): less than half
	// the memory.
	FullInfo bool
	// CheckAllBodies type-checks every function body for every target.
	// Without it, a package whose function bodies another target of the
	// Load type-checked without error, with the same files, type sizes
	// and API of what they use from their imports (and of which the rules
	// read nothing), has only its declarations checked (share.go): the
	// same findings, a third of the CPU time for 8 targets.
	CheckAllBodies bool
}

// Progress is one step of one target's load, for Config.Progress.
type Progress struct {
	Target string // canonical target name
	Phase  Phase
	// Checked is the number of packages type-checked so far, Total the
	// number of packages in the target's import graph (standard library
	// included); both are zero while listing.
	Checked, Total int
}

// Phase is where a target's load is.
type Phase int

const (
	PhaseListing   Phase = iota // go list is running
	PhaseChecking               // parsing and type checking
	PhaseAnalyzing              // the rules
	PhaseDone                   // finished (or failed)
)

func (p Phase) String() string {
	switch p {
	case PhaseListing:
		return "listing"
	case PhaseChecking:
		return "checking"
	case PhaseAnalyzing:
		return "analyzing"
	case PhaseDone:
		return "done"
	}
	return fmt.Sprintf("Phase(%d)", int(p))
}

// wordSize is the size of a pointer on b's target, in bytes.
func wordSize(b *matrix.Build) int64 {
	if sizes := types.SizesFor("gc", b.Target.GOARCH); sizes != nil {
		return sizes.Sizeof(types.Typ[types.Uintptr])
	}
	return 8
}

// DefaultConcurrency is the number of targets listed at once by default:
// `go list` runs are partly I/O-bound, type checking is bounded
// separately (DefaultCheckConcurrency).
const DefaultConcurrency = 4

// DefaultCheckConcurrency returns the number of targets type-checked at
// once by default: one per four CPUs (GOMAXPROCS), at least one (two at
// once on 2 CPUs was measured no faster: targets checked one after the
// other share more function bodies, share.go). Within a
// target the packages are checked in parallel, dependencies first, and a
// module's import graph is wide enough to keep a few CPUs busy; each
// target checked at once adds its whole graph to the peak memory (about
// 90 MiB for the 555-package bench module, on top of the 180 MiB of
// syntax all targets share), while the go list runs of the next targets
// overlap the checking.
func DefaultCheckConcurrency() int {
	return max(1, runtime.GOMAXPROCS(0)/4)
}

// Stats says what a Load did and how long it took.
type Stats struct {
	Wall time.Duration
	// Targets, in the order of the builds passed to Load (skipped
	// targets, with a nil Port, are not listed).
	Targets []TargetStats
	// ParsedFiles counts files parsed; CacheHits counts the times a
	// target reused a file already parsed (for another target, or in an
	// earlier Load sharing the Cache).
	ParsedFiles, CacheHits int64
}

// TargetStats are the numbers of one target.
type TargetStats struct {
	Target   string
	Packages int // in the import graph, standard library included
	Roots    int // matched by the patterns
	Files    int // Go files type-checked
	Findings int
	List     time.Duration // go list
	Wait     time.Duration // waiting for a check slot (Config.CheckConcurrency)
	Check    time.Duration // parsing and type checking (wall time)
	Analyze  time.Duration // the rules
	Err      error         // the go command failed for this target
	// Reused counts the packages restored from Config.Results (their
	// types, and what the type checker concluded about them) instead of
	// type-checked; Listed says that the package list came from there
	// too, without running go list.
	Reused int
	Listed bool
	// SharedBodies counts the packages whose function bodies were not
	// type-checked for this target because another target of the Load
	// found them clean with the same inputs (Config.CheckAllBodies).
	SharedBodies int
	// Focused are the import paths of the root packages checked, with
	// Config.Focus; nil without it.
	Focused []string
	// ReuseErr says why what Config.Results held for the target could
	// not be used (a corrupt entry), or why nothing could be stored for
	// it (the rules report on its dependencies, the cache is read-only).
	ReuseErr error

	reuse *targetReuse
}

// Error reports the targets for which the go command could not list the
// packages; findings of the other targets were still produced.
type Error struct {
	Targets []string // canonical target names
	Errs    []error  // one per target, same order
}

func (e *Error) Error() string {
	// One line per distinct message: a broken go.mod fails every target
	// the same way.
	var lines []string
	byMsg := map[string][]string{}
	for i, err := range e.Errs {
		msg := err.Error()
		if _, ok := byMsg[msg]; !ok {
			lines = append(lines, msg)
		}
		byMsg[msg] = append(byMsg[msg], e.Targets[i])
	}
	for i, msg := range lines {
		lines[i] = fmt.Sprintf("loading packages for %s: %s", strings.Join(byMsg[msg], ", "), msg)
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the per-target errors.
func (e *Error) Unwrap() []error { return e.Errs }

// Load loads and checks the packages matched by patterns ("./..." if
// none) for each build whose Port is not nil, and returns the findings of
// the source rules (one per target; merge them with finding.Merge). See
// the package documentation for the error contract.
func Load(ctx context.Context, cfg Config, builds []*matrix.Build, patterns []string) ([]finding.Finding, *Stats, error) {
	var (
		mu  sync.Mutex
		all []finding.Finding
	)
	stats, err := load(ctx, cfg, builds, patterns, func(i int, g *graph.Target, ts *TargetStats) bool {
		t0 := time.Now()
		fs := analyzers.Run(g)
		if cfg.Extra != nil {
			fs = append(fs, cfg.Extra(g)...)
		}
		if r := ts.reuse; r != nil {
			if r.restored && g.NeedsFull() != "" {
				return false
			}
			ts.ReuseErr = errors.Join(ts.ReuseErr, r.readErr)
			if !r.restored {
				if err := r.store(cfg, g, fs); err != nil {
					ts.ReuseErr = errors.Join(ts.ReuseErr, fmt.Errorf("dependencies not stored for reuse: %v", err))
				}
			}
			// It points to the target's packages: let them go.
			ts.reuse = nil
		}
		ts.Analyze = time.Since(t0)
		ts.Findings = len(fs)
		mu.Lock()
		all = append(all, fs...)
		mu.Unlock()
		return true
	})
	finding.Sort(all)
	return all, stats, err
}

// LoadTargets is Load without the rules: it returns the loaded graph of
// each build whose Port is not nil and that could be loaded, in the order
// of builds. analyzers.Run(g) gives a graph's findings.
func LoadTargets(ctx context.Context, cfg Config, builds []*matrix.Build, patterns []string) ([]*graph.Target, *Stats, error) {
	out := make([]*graph.Target, len(builds))
	cfg.Results = nil
	stats, err := load(ctx, cfg, builds, patterns, func(i int, g *graph.Target, _ *TargetStats) bool {
		out[i] = g
		return true
	})
	return slices.DeleteFunc(out, func(g *graph.Target) bool { return g == nil }), stats, err
}

// load runs each target and calls done (concurrently) for those that
// loaded. When done returns false for a graph restored from
// Config.Results, the target is loaded again without them.
func load(ctx context.Context, cfg Config, builds []*matrix.Build, patterns []string, done func(int, *graph.Target, *TargetStats) bool) (*Stats, error) {
	start := time.Now()
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	if cfg.Dir != "" {
		abs, err := filepath.Abs(cfg.Dir)
		if err != nil {
			return nil, err
		}
		cfg.Dir = abs
	} else {
		wd, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		cfg.Dir = wd
	}
	if cfg.Root != "" {
		abs, err := filepath.Abs(cfg.Root)
		if err != nil {
			return nil, err
		}
		cfg.Root = abs
	}
	if cfg.BaseEnv == nil {
		cfg.BaseEnv = os.Environ()
	}
	cfg.Tags = slices.DeleteFunc(slices.Clone(cfg.Tags), func(t string) bool { return strings.TrimSpace(t) == "" })
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.CheckConcurrency <= 0 {
		cfg.CheckConcurrency = DefaultCheckConcurrency()
	}
	cache := cfg.Cache
	if cache == nil {
		cache = NewCache()
	}
	parsed0, hits0 := cache.parsed.Load(), cache.hits.Load()
	sh := &shared{cache: cache, memo: newFileMemo(), cpu: newCPUSem(runtime.GOMAXPROCS(0)), checking: make(chan struct{}, cfg.CheckConcurrency), analyzing: make(chan struct{}, cfg.CheckConcurrency), dir: cfg.Dir, fullInfo: cfg.FullInfo, allBodies: cfg.CheckAllBodies}

	stats := &Stats{}
	var idx []int
	for i, b := range builds {
		if b != nil && b.Port != nil {
			idx = append(idx, i)
			stats.Targets = append(stats.Targets, TargetStats{Target: b.Target.String()})
		}
	}
	loadOne := func(k int) {
		i := idx[k]
		ts := &stats.Targets[k]
		slot := &checkSlot{ch: sh.checking}
		defer slot.release()
		// The rules run in an analysis slot: the check slot goes to the
		// next target as soon as this one is type-checked (the rules and
		// storing for reuse are mostly one goroutine: a CPU would idle).
		ana := &checkSlot{ch: sh.analyzing}
		defer ana.release()
		analyze := func(g *graph.Target) (bool, error) {
			if err := ana.acquire(ctx); err != nil {
				return false, err
			}
			defer ana.release()
			slot.release()
			cfg.progress(Progress{Target: ts.Target, Phase: PhaseAnalyzing, Checked: len(g.Packages), Total: len(g.Packages)})
			return done(i, g, ts), nil
		}
		ts.Err = safely(func() error {
			g, err := loadTarget(ctx, cfg, sh, builds[i], patterns, ts, slot)
			if err != nil || g == nil {
				return err
			}
			if ok, err := analyze(g); ok || err != nil {
				return err
			}
			// A rule needs more than the restored packages hold.
			full := cfg
			full.Results = nil
			ts.Reused, ts.Listed, ts.reuse = 0, false, nil
			if g, err = loadTarget(ctx, full, sh, builds[i], patterns, ts, slot); err != nil || g == nil {
				return err
			}
			_, err = analyze(g)
			return err
		})
		cfg.progress(Progress{Target: ts.Target, Phase: PhaseDone})
	}
	// Targets with 32-bit words first: function bodies they find clean
	// are clean for the 64-bit ones too, not the other way round
	// (share.go).
	order := make([]int, len(idx))
	for k := range order {
		order[k] = k
	}
	slices.SortStableFunc(order, func(x, y int) int {
		return cmp.Compare(wordSize(builds[idx[x]]), wordSize(builds[idx[y]]))
	})
	work := make(chan int)
	go func() {
		defer close(work)
		for _, k := range order {
			work <- k
		}
	}()
	var wg sync.WaitGroup
	for range min(cfg.Concurrency, len(idx)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range work {
				loadOne(k)
			}
		}()
	}
	wg.Wait()

	stats.ParsedFiles = cache.parsed.Load() - parsed0
	stats.CacheHits = cache.hits.Load() - hits0
	stats.Wall = time.Since(start)
	if err := ctx.Err(); err != nil {
		return stats, err
	}
	var lerr Error
	for _, ts := range stats.Targets {
		if ts.Err != nil {
			lerr.Targets = append(lerr.Targets, ts.Target)
			lerr.Errs = append(lerr.Errs, ts.Err)
		}
	}
	if len(lerr.Errs) > 0 {
		return stats, &lerr
	}
	return stats, nil
}

// shared is what all targets of one Load share.
type shared struct {
	cache *Cache
	memo  *fileMemo
	cpu   *cpuSem // bounds type checking across targets
	// started counts the targets that started type checking: a
	// target's number is its priority for the CPUs (sched.go).
	started atomic.Int64
	// checking bounds the targets being type-checked, analyzing those
	// running their rules (Config.CheckConcurrency each).
	checking, analyzing chan struct{}
	dir                 string // where the go command runs
	// fullInfo is Config.FullInfo.
	fullInfo bool
	// allBodies is Config.CheckAllBodies; clean holds the packages
	// whose bodies a target found clean, for the others (share.go).
	allBodies  bool
	clean      cleanBodies
	selections selections
	declOnly   declOnly

	// The digest of the module's file headers, for the package list
	// keys (listing.go).
	headersOnce sync.Once
	headers     cache.Key
	headersOK   bool
}

// checkSlot is a target's place among the Config.CheckConcurrency targets
// type-checked at once: taken before its type checking starts, given back
// once its rules are done (the graph is garbage then), or on failure.
type checkSlot struct {
	ch   chan struct{}
	held bool
}

func (s *checkSlot) acquire(ctx context.Context) error {
	if s.held {
		return nil
	}
	select {
	case s.ch <- struct{}{}:
		s.held = true
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *checkSlot) release() {
	if s.held {
		s.held = false
		<-s.ch
	}
}

// safely runs f, turning a panic into an error, so that one target's
// surprise does not stop the others (or crash the CLI).
func safely(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v\n%s", r, debug.Stack())
		}
	}()
	return f()
}

// mode is what go/packages is asked for. Asking for types, syntax or
// compiled files would make it run `go list -compiled`, which runs cgo.
const mode = packages.NeedName | packages.NeedFiles | packages.NeedImports | packages.NeedDeps | packages.NeedModule

// progress calls cfg.Progress, if set.
func (cfg *Config) progress(p Progress) {
	if cfg.Progress != nil {
		cfg.Progress(p)
	}
}

// loadTarget lists, parses and type-checks the packages of one target.
// It returns a nil graph (and no error) when Config.Focus keeps no
// package.
func loadTarget(ctx context.Context, cfg Config, sh *shared, b *matrix.Build, patterns []string, ts *TargetStats, slot *checkSlot) (*graph.Target, error) {
	t0 := time.Now()
	cfg.progress(Progress{Target: ts.Target, Phase: PhaseListing})
	env, tags := targetEnv(cfg, b)
	pcfg := &packages.Config{
		Mode:    mode,
		Context: ctx,
		Dir:     cfg.Dir,
		Env:     env,
		Tests:   false,
	}
	if len(cfg.Tags) > 0 {
		pcfg.BuildFlags = []string{"-tags=" + strings.Join(cfg.Tags, ",")}
	}
	var roots []*packages.Package
	lk, reuseList := cache.Key{}, false
	if cfg.Results != nil {
		lk, reuseList = listingKey(cfg, sh, b, tags, patterns)
	}
	if reuseList {
		data, err := cfg.Results.Get(cache.KindList, lk)
		switch {
		case err == nil:
			if roots, err = decodeListing(data); err != nil {
				ts.ReuseErr = errors.Join(ts.ReuseErr, fmt.Errorf("stored package list not usable: %v", err))
			}
		case !errors.Is(err, cache.ErrMiss):
			ts.ReuseErr = errors.Join(ts.ReuseErr, err)
		}
	}
	if roots != nil {
		ts.Listed = true
	} else {
		var err error
		if roots, err = packages.Load(pcfg, patterns...); err != nil {
			ts.List = time.Since(t0)
			return nil, cleanLoadError(err)
		}
		if reuseList {
			if data, ok := encodeListing(roots); ok {
				if err := cfg.Results.Put(cache.KindList, lk, data); err != nil {
					ts.ReuseErr = errors.Join(ts.ReuseErr, fmt.Errorf("package list not stored for reuse: %v", err))
				}
			}
		}
	}
	ts.List = time.Since(t0)
	if len(roots) == 0 {
		return nil, fmt.Errorf("no packages match %s", strings.Join(patterns, " "))
	}
	if err := patternErrors(roots); err != nil {
		return nil, err
	}
	if len(cfg.Focus) > 0 {
		roots = focusRoots(roots, cfg.Focus)
		ts.Focused = make([]string, 0, len(roots))
		for _, r := range roots {
			ts.Focused = append(ts.Focused, r.PkgPath)
		}
		if len(roots) == 0 {
			return nil, nil
		}
	}

	var r *targetReuse
	if cfg.Results != nil {
		var all []*packages.Package
		packages.Visit(roots, nil, func(p *packages.Package) { all = append(all, p) })
		r = newTargetReuse(cfg, b, tags, all)
	}
	tw := time.Now()
	if err := slot.acquire(ctx); err != nil {
		return nil, err
	}
	ts.Wait = time.Since(tw)
	t1 := time.Now()
	g, counts, err := check(ctx, cfg, sh, b, tags, roots, r, int(sh.started.Add(1)))
	ts.Check = time.Since(t1)
	if err != nil {
		return nil, err
	}
	ts.Packages, ts.Roots, ts.Files, ts.SharedBodies = len(g.Packages), len(g.Roots), counts.files, counts.shared
	if r != nil {
		// Load's done stores or checks it, then drops it.
		ts.reuse = r
		if r.restored {
			ts.Reused = len(r.frozen)
		}
	}
	return g, nil
}

// focusRoots returns the roots whose import path is in focus or that
// import such a package, directly or through other packages. An import
// of a package that does not exist (its directory was deleted) is still
// listed by go list, with an error, so its importers are found too.
func focusRoots(roots []*packages.Package, focus []string) []*packages.Package {
	want := make(map[string]bool, len(focus))
	for _, f := range focus {
		want[f] = true
	}
	// Walk up the reverse import graph from the focused packages.
	importers := map[*packages.Package][]*packages.Package{}
	reached := map[*packages.Package]bool{}
	var queue []*packages.Package
	mark := func(p *packages.Package) {
		if !reached[p] {
			reached[p] = true
			queue = append(queue, p)
		}
	}
	packages.Visit(roots, func(p *packages.Package) bool {
		for path, q := range p.Imports {
			importers[q] = append(importers[q], p)
			if want[path] {
				mark(q)
			}
		}
		if want[p.PkgPath] {
			mark(p)
		}
		return true
	}, nil)
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, q := range importers[p] {
			mark(q)
		}
	}
	return slices.DeleteFunc(slices.Clone(roots), func(r *packages.Package) bool { return !reached[r] })
}

// cleanLoadError shortens go/packages' errors, which embed the whole
// go list command line and its stderr.
func cleanLoadError(err error) error {
	msg := err.Error()
	if i := strings.Index(msg, "stderr="); i >= 0 {
		// "go [list ...]: exit status 1: stderr=..." -> the stderr part.
		rest := strings.TrimSpace(msg[i+len("stderr="):])
		if rest != "" {
			return errors.New(firstLines(rest, 5))
		}
	}
	if i := strings.LastIndex(msg, ": stderr: "); i >= 0 {
		if rest := strings.TrimSpace(msg[i+len(": stderr: "):]); rest != "" {
			return errors.New(firstLines(rest, 5))
		}
		// Nothing on stderr (the go command crashed): the reason is
		// what the error says before it, "signal: segmentation fault".
		before := msg[:i]
		if j := strings.LastIndex(before, "err: "); j >= 0 {
			before = before[j+len("err: "):]
		}
		return errors.New(firstLines(before, 5))
	}
	return errors.New(firstLines(msg, 5))
}

func firstLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = append(lines[:n], "...")
	}
	return strings.Join(lines, "\n")
}

// targetEnv returns the go command environment for b and the effective
// build tags.
func targetEnv(cfg Config, b *matrix.Build) ([]string, []string) {
	cgo := "CGO_ENABLED=0"
	if b.CgoEnabled {
		cgo = "CGO_ENABLED=1"
	}
	env := gocmd.MergeEnv(cfg.BaseEnv, append(b.Target.Env(), cgo)...)
	tags := cfg.Tags
	if len(tags) == 0 {
		tags = goflagsTags(env)
	}
	return env, tags
}

// goflagsTags returns the -tags of GOFLAGS in env.
func goflagsTags(env []string) []string {
	var goflags string
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "GOFLAGS="); ok {
			goflags = v
		}
	}
	var tags []string
	fields := strings.Fields(goflags)
	for i, f := range fields {
		f = strings.TrimPrefix(strings.TrimPrefix(f, "-"), "-")
		var v string
		switch {
		case strings.HasPrefix(f, "tags="):
			v = strings.TrimPrefix(f, "tags=")
		case f == "tags" && i+1 < len(fields):
			v = fields[i+1]
		default:
			continue
		}
		// The last -tags wins.
		tags = strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' })
	}
	return tags
}

// patternErrors returns the errors of roots that are not packages at all:
// a pattern naming a directory that does not exist, or a package that no
// module provides. (A root whose files are all excluded for the target is
// a finding, not an error.)
func patternErrors(roots []*packages.Package) error {
	var errs []error
	for _, r := range roots {
		if len(r.GoFiles) > 0 || len(r.IgnoredFiles) > 0 || len(r.Errors) == 0 {
			continue
		}
		for _, e := range r.Errors {
			if e.Kind == packages.ListError {
				errs = append(errs, fmt.Errorf("%s: %s", r.ID, strings.TrimSpace(e.Msg)))
				break
			}
		}
	}
	return errors.Join(errs...)
}
