package loader

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/tools/go/packages"

	"github.com/xcheck-dev/xcheck/analyzers"
	"github.com/xcheck-dev/xcheck/analyzers/graph"
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
	// Concurrency is how many targets are listed and checked at once;
	// DefaultConcurrency if zero or less.
	Concurrency int
	// Cache is the parse cache; a new one per Load if nil.
	Cache *Cache
	// Extra, if set, runs after the rules on each loaded target, for
	// checks that need the loaded graph and more than it holds (the cgo
	// needs against the target's sysroot). It may run concurrently.
	Extra func(g *graph.Target) []finding.Finding
}

// DefaultConcurrency is the number of targets loaded at once by default:
// `go list` runs are partly I/O-bound, type checking is bounded by
// GOMAXPROCS separately.
const DefaultConcurrency = 4

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
	Check    time.Duration // parsing and type checking (wall time)
	Analyze  time.Duration // the rules
	Err      error         // the go command failed for this target
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
	stats, err := load(ctx, cfg, builds, patterns, func(i int, g *graph.Target, ts *TargetStats) {
		t0 := time.Now()
		fs := analyzers.Run(g)
		if cfg.Extra != nil {
			fs = append(fs, cfg.Extra(g)...)
		}
		ts.Analyze = time.Since(t0)
		ts.Findings = len(fs)
		mu.Lock()
		all = append(all, fs...)
		mu.Unlock()
	})
	finding.Sort(all)
	return all, stats, err
}

// LoadTargets is Load without the rules: it returns the loaded graph of
// each build whose Port is not nil and that could be loaded, in the order
// of builds. analyzers.Run(g) gives a graph's findings.
func LoadTargets(ctx context.Context, cfg Config, builds []*matrix.Build, patterns []string) ([]*graph.Target, *Stats, error) {
	out := make([]*graph.Target, len(builds))
	stats, err := load(ctx, cfg, builds, patterns, func(i int, g *graph.Target, _ *TargetStats) { out[i] = g })
	return slices.DeleteFunc(out, func(g *graph.Target) bool { return g == nil }), stats, err
}

// load runs each target and calls done (concurrently) for those that
// loaded.
func load(ctx context.Context, cfg Config, builds []*matrix.Build, patterns []string, done func(int, *graph.Target, *TargetStats)) (*Stats, error) {
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
	cache := cfg.Cache
	if cache == nil {
		cache = NewCache()
	}
	parsed0, hits0 := cache.parsed.Load(), cache.hits.Load()
	sh := &shared{cache: cache, memo: newFileMemo(), cpu: make(chan struct{}, runtime.GOMAXPROCS(0)), dir: cfg.Dir}

	stats := &Stats{}
	var idx []int
	for i, b := range builds {
		if b != nil && b.Port != nil {
			idx = append(idx, i)
			stats.Targets = append(stats.Targets, TargetStats{Target: b.Target.String()})
		}
	}
	sem := make(chan struct{}, cfg.Concurrency)
	var wg sync.WaitGroup
	for k, i := range idx {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			ts := &stats.Targets[k]
			ts.Err = safely(func() error {
				g, err := loadTarget(ctx, cfg, sh, builds[i], patterns, ts)
				if err != nil {
					return err
				}
				done(i, g, ts)
				return nil
			})
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
	cpu   chan struct{} // bounds type checking across targets
	dir   string        // where the go command runs
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

func loadTarget(ctx context.Context, cfg Config, sh *shared, b *matrix.Build, patterns []string, ts *TargetStats) (*graph.Target, error) {
	t0 := time.Now()
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
	roots, err := packages.Load(pcfg, patterns...)
	ts.List = time.Since(t0)
	if err != nil {
		return nil, cleanLoadError(err)
	}
	if len(roots) == 0 {
		return nil, fmt.Errorf("no packages match %s", strings.Join(patterns, " "))
	}
	if err := patternErrors(roots); err != nil {
		return nil, err
	}

	t1 := time.Now()
	g, files, err := check(ctx, cfg, sh, b, tags, roots)
	ts.Check = time.Since(t1)
	if err != nil {
		return nil, err
	}
	ts.Packages, ts.Roots, ts.Files = len(g.Packages), len(g.Roots), files
	return g, nil
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
		return errors.New(firstLines(msg[i+len(": stderr: "):], 5))
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
