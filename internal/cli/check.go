package cli

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/modfile"

	"github.com/xcheck-dev/xcheck/abi"
	"github.com/xcheck-dev/xcheck/abi/cc"
	"github.com/xcheck-dev/xcheck/analyzers/graph"
	"github.com/xcheck-dev/xcheck/buildenv"
	"github.com/xcheck-dev/xcheck/cache"
	"github.com/xcheck-dev/xcheck/cgoneeds"
	"github.com/xcheck-dev/xcheck/config"
	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/internal/exitcode"
	"github.com/xcheck-dev/xcheck/internal/gocmd"
	"github.com/xcheck-dev/xcheck/loader"
	"github.com/xcheck-dev/xcheck/matrix"
	"github.com/xcheck-dev/xcheck/report"
	"github.com/xcheck-dev/xcheck/rules"
	"github.com/xcheck-dev/xcheck/suppress"
)

// checkFlags are the flags of `xcheck check`.
type checkFlags struct {
	targets  stringList
	variants stringList
	dir      string
	tags     string
	cgo      string
	minOS    stringList
	format   string
	outputs  stringList
	failOn   string
	noColor  bool
	quiet    bool
	verbose  bool
	showSupp bool
	noCache  bool
	config   string
	shard    string
	sysroots stringList
	glibc    stringList
	libc     stringList
	kernel   stringList
}

// session is what every subcommand that talks to the toolchain needs.
type session struct {
	g     *gocmd.Go
	tc    *matrix.Toolchain
	ports *matrix.Ports
	// switchErr is set when the go command could not switch to the
	// toolchain the module requires; the session then runs with
	// GOTOOLCHAIN=local and the error becomes finding XC0002.
	switchErr error
}

// openSession finds the go command for dir and its port table.
func openSession(ctx context.Context, dir string) (*session, error) {
	if dir != "" {
		st, err := os.Stat(dir)
		if err != nil {
			return nil, exitcode.UsageError(fmt.Errorf("-C %s: %v", dir, unwrapPathError(err)))
		}
		if !st.IsDir() {
			return nil, exitcode.UsageError(fmt.Errorf("-C %s: not a directory", dir))
		}
	}
	s := &session{g: &gocmd.Go{Dir: dir}}
	tc, err := matrix.DetectToolchain(ctx, s.g)
	if err != nil {
		if _, ok := buildenv.SwitchFailure(err, nil, nil); !ok {
			return nil, exitcode.FailureError(err)
		}
		// Carry on with the toolchain that is installed, to report
		// everything else too.
		s.switchErr = err
		s.g = &gocmd.Go{Dir: dir, BaseEnv: gocmd.MergeEnv(os.Environ(), "GOTOOLCHAIN=local")}
		if tc, err = matrix.DetectToolchain(ctx, s.g); err != nil {
			return nil, exitcode.FailureError(s.switchErr)
		}
	}
	s.tc = tc
	s.ports, err = matrix.LoadPorts(ctx, s.g, tc, cache.Dir())
	if err != nil {
		return nil, exitcode.FailureError(err)
	}
	return s, nil
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var f checkFlags
	fs := newFlagSet("check")
	fs.Var(&f.targets, "target", "targets to check: GOOS/GOARCH[/VARIANT], a set (first-class, all, cgo), a glob (linux/*); comma-separated, repeatable (default: the module's configured targets, else first-class)")
	fs.Var(&f.targets, "t", "shorthand for --target")
	fs.Var(&f.variants, "variant", "default variant for targets without one, in Go spelling: GOARM=6,softfloat, GOAMD64=v3, GOMIPS=softfloat (repeatable)")
	fs.StringVar(&f.dir, "C", "", "run as if in `dir` (the module to check)")
	fs.StringVar(&f.tags, "tags", "", "comma-separated build tags")
	fs.StringVar(&f.cgo, "cgo", "auto", "cgo for every target: auto (what go build would decide, honouring CGO_ENABLED and CC), on, off")
	fs.Var(&f.minOS, "min-os", "oldest OS versions the binaries must run on: linux=3.2,macos=11,windows=10,ios=12,freebsd=13 (repeatable)")
	fs.StringVar(&f.format, "format", "text", "format on stdout: text, json, sarif, github, markdown, codequality (GitLab)")
	fs.Var(&f.outputs, "output", "also write a report to `FILE`; format from a FORMAT: prefix (sarif:out.json) or the extension (.json, .sarif, .md, .txt); repeatable")
	fs.Var(&f.outputs, "o", "shorthand for --output")
	fs.StringVar(&f.failOn, "fail-on", "error", "exit 1 when a finding is at or above: error, warning, info, never")
	fs.BoolVar(&f.noColor, "no-color", false, "no colours in text output (also NO_COLOR)")
	fs.BoolVar(&f.quiet, "q", false, "quiet: only findings, no summary table")
	fs.BoolVar(&f.verbose, "v", false, "verbose: more detail")
	fs.BoolVar(&f.showSupp, "show-suppressed", false, "also list findings suppressed by //xcheck:ignore in text output")
	fs.BoolVar(&f.noCache, "no-cache", false, "neither read nor store results in the result cache (docs/cache.md)")
	fs.Var(&f.sysroots, "sysroot", "the target sysroot: `TARGET=PATH`, or PATH for every target (default: found from CC, the cgo flags and the Debian layouts); repeatable")
	fs.Var(&f.glibc, "glibc", "oldest glibc the Linux binaries must run on: 2.28, or TARGET=2.28; comma-separated, repeatable")
	fs.Var(&f.libc, "libc", "the targets' C library: glibc or musl, or TARGET=musl; repeatable")
	fs.Var(&f.kernel, "kernel", "oldest Linux kernel the binaries must run on: 4.4, or TARGET=4.4; repeatable")
	fs.StringVar(&f.shard, "shard", "", "check only the `I/N`-th share of the targets (for parallel CI jobs; combine their JSON with xcheck merge)")
	fs.StringVar(&f.config, "config", "", "configuration `file` (default: .xcheck.yaml in the directory or a parent, up to the module root)")
	fs.Usage = func() { printDefaults(stdout, fs, "xcheck [check] [flags] [packages]") }
	pkgs, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pkgs) == 0 {
		pkgs = []string{"./..."}
	}
	// File names instead of packages (pre-commit): see files.go.
	fm, err := parseFileArgs(pkgs)
	if err != nil {
		return err
	}

	// Validate everything the user typed before talking to the toolchain.
	mode, err := matrix.ParseCgoMode(f.cgo)
	if err != nil {
		return exitcode.UsageError(err)
	}
	failOn, err := finding.ParseFailOn(f.failOn)
	if err != nil {
		return exitcode.UsageError(err)
	}
	var pol matrix.Policy
	for _, m := range f.minOS {
		if err := pol.ParseMinOS(m); err != nil {
			return exitcode.UsageError(err)
		}
	}
	ropt := report.Options{Color: useColor(stdout, f.noColor), Quiet: f.quiet, Verbose: f.verbose, ShowSuppressed: f.showSupp}
	stdoutR, err := report.New(f.format, ropt)
	if err != nil {
		return exitcode.UsageError(err)
	}
	outs, err := parseOutputs(f.outputs)
	if err != nil {
		return exitcode.UsageError(err)
	}
	variants, err := parseVariants(f.variants)
	if err != nil {
		return exitcode.UsageError(err)
	}

	var pols abi.Policies
	for _, fl := range []struct {
		name string
		vals []string
	}{{"glibc", f.glibc}, {"libc", f.libc}, {"kernel", f.kernel}} {
		for _, v := range fl.vals {
			if err := pols.Set(fl.name, v); err != nil {
				return exitcode.UsageError(err)
			}
		}
	}
	explicit, err := parseSysroots(f.sysroots)
	if err != nil {
		return exitcode.UsageError(err)
	}
	sh, err := parseShard(f.shard)
	if err != nil {
		return exitcode.UsageError(err)
	}
	if fm != nil && !fm.relevant() {
		if f.verbose {
			fmt.Fprintln(stderr, "xcheck: no Go package file among the file arguments: nothing to check")
		}
		return nil
	}
	// The results of an identical earlier run (docs/cache.md).
	rc := newRunCache(fs, &f, pkgs, stderr)
	if rep, ok := rc.lookup(failOn, isSet(fs, "fail-on")); ok {
		return writeReports(ctx, stdout, stdoutR, outs, rep)
	}
	prog := newProgress(stderr, f.quiet)
	prog.setStage("resolving targets")
	prog.run()
	defer prog.stop()
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	pl, err := newPlan(ctx, planOptions{
		dir: f.dir, specs: f.targets, variants: variants, mode: mode, modeSet: set["cgo"], configFile: f.config, shard: sh,
	})
	if err != nil {
		return err
	}
	s, mod := pl.s, pl.mod
	if fm != nil {
		var cfgPath string
		if pl.cfg != nil {
			cfgPath = pl.cfg.Path
		}
		if err := fm.resolve(f.dir, mod, cfgPath); err != nil {
			return err
		}
		if f.verbose {
			fm.explain(stderr)
		}
		if fm.empty() {
			return nil
		}
		pkgs = fm.patterns()
	}
	prog.setStage("checking toolchain and sysroots")
	// The configuration file fills in what the flags did not say.
	if c := pl.cfg; c != nil {
		if !set["fail-on"] && c.FailOn != "" {
			failOn, _ = finding.ParseFailOn(c.FailOn)
		}
		if !set["tags"] && len(c.Tags) > 0 {
			f.tags = strings.Join(c.Tags, ",")
		}
		for k, v := range c.MinOS {
			if _, ok := pol.MinOS[k]; !ok {
				_ = pol.ParseMinOS(k + "=" + v)
			}
		}
	}
	if c := pl.cfg; c != nil {
		for _, fl := range []struct{ name, val string }{{"glibc", c.Glibc}, {"libc", c.Libc}, {"kernel", c.Kernel}} {
			if fl.val != "" && !set[fl.name] {
				if err := pols.Set(fl.name, fl.val); err != nil {
					return exitcode.UsageError(fmt.Errorf("%s: %v", c.Path, err))
				}
			}
		}
		for name, ts := range c.TargetSettings() {
			if _, ok := explicit[name]; ts.Sysroot != "" && !ok {
				explicit[name] = ts.Sysroot
			}
		}
	}
	for _, b := range pl.builds {
		if err := pols.Validate(b.Target); err != nil {
			return exitcode.UsageError(err)
		}
	}
	all := pl.envFindings(ctx)
	rep := &report.Report{
		Tool:      report.Tool{Name: "xcheck", Version: Version()},
		Toolchain: report.Toolchain{GoVersion: s.tc.GoVersion, GOROOT: s.tc.GOROOT, GOHOSTOS: s.tc.GOHOSTOS, GOHOSTARCH: s.tc.GOHOSTARCH},
		Root:      mod.Root,
		Rules:     rules.All(),
		FailOn:    failOn,
	}
	sysroots := map[string]abi.Discovery{}
	sysrootFacts := map[string]*abi.Sysroot{}
	for _, b := range pl.builds {
		all = append(all, matrix.Check(b, s.tc, s.ports, pol, mod.Go)...)
		tr := targetResult(b)
		// The target's sysroot and C library (XC4xxx).
		if b.Port != nil && b.Target.GOOS == "linux" {
			env := s.g.Environ(b.ExtraEnv...)
			d, sr, err := abi.LoadSysroot(ctx, &pl.prober, b, env, explicit)
			var ccInfo *cc.Info
			if b.CgoEnabled {
				ccInfo = pl.prober.Probe(ctx, b.CC, env)
			}
			all = append(all, abi.Check(ctx, abi.CheckInput{
				Build: b, Discovery: d, Sysroot: sr, Err: err,
				Policy: pols.For(b.Target), GoVersion: s.tc.GoVersion, CC: ccInfo,
			})...)
			tr.Sysroot = d.Root
			if sr != nil {
				sysroots[tr.Name] = d
				sysrootFacts[tr.Name] = sr
			}
		}
		rep.Targets = append(rep.Targets, tr)
	}

	// The source checks: one load per target, type-checked for it.
	var tags []string
	if f.tags != "" {
		tags = strings.Split(f.tags, ",")
	}
	// When the environment stops every build before it starts (wrong
	// GOROOT, a toolchain that cannot switch, GOPATH mode, inconsistent
	// vendoring), the go command cannot list the packages either: those
	// findings say it all.
	var (
		stats   *loader.Stats
		loadErr error
	)
	if blocker := buildenv.Blocking(all); blocker == nil {
		var src []finding.Finding
		var cgoCache cgoneeds.Cache
		// Whether each cgo-on target's build has cgo files: the C
		// toolchain matters only then.
		use := cgoUse{partial: fm != nil}
		prog.setTargets(pl.builds)
		src, stats, loadErr = loader.Load(ctx, loader.Config{
			Dir: f.dir, Root: mod.Root, BaseEnv: s.g.BaseEnv, Tags: tags,
			Focus: fm.loaderFocus(), Progress: prog.loaderHook(),
			Results: rc.results(), ResultsKey: rc.resultsKey(sysroots),
			// The cgo needs (headers, -l libraries, pkg-config) of
			// Linux targets, resolved inside their sysroot.
			Extra: func(g *graph.Target) []finding.Finding {
				use.see(g)
				d, ok := sysroots[g.Name]
				if !ok || g.Build == nil || !g.Build.CgoEnabled {
					return nil
				}
				return cgoneeds.Check(ctx, g, cgoneeds.Config{
					Sysroot: d.Root, Triple: d.Triple, Cache: &cgoCache,
					Env:          s.g.Environ(g.Build.ExtraEnv...),
					SysrootFacts: sysrootFacts[g.Name],
					GlibcFloor:   pols.For(g.Build.Target).Glibc,
				})
			},
		}, pl.builds, pkgs)
		all = append(use.adjust(all), src...)
	} else if f.verbose {
		fmt.Fprintf(stderr, "xcheck: packages not loaded: %s stops every build (%s)\n", blocker.Rule.ID, blocker.Rule.Name)
	}
	prog.stop()
	fm.loaded(stats)
	if f.verbose && stats != nil {
		fmt.Fprintf(stderr, "xcheck: loaded %d targets in %s (%d files parsed, %d parse-cache hits)\n",
			len(stats.Targets), stats.Wall.Round(time.Millisecond), stats.ParsedFiles, stats.CacheHits)
		for _, ts := range stats.Targets {
			if ts.Err != nil || ts.Packages == 0 {
				continue
			}
			fmt.Fprintf(stderr, "xcheck:   %s: %d packages (%d matched, %d restored, %d with function bodies checked by another target), %d files type-checked; go list %s, waited %s, type checking %s, rules %s\n",
				ts.Target, ts.Packages, ts.Roots, ts.Reused, ts.SharedBodies, ts.Files, ts.List.Round(time.Millisecond),
				ts.Wait.Round(time.Millisecond), ts.Check.Round(time.Millisecond), ts.Analyze.Round(time.Millisecond))
		}
	}
	rc.noteReuse(stats)
	if stats != nil {
		for _, ts := range stats.Targets {
			for i := range rep.Targets {
				if rep.Targets[i].Name == ts.Target {
					rep.Targets[i].Packages = ts.Packages
				}
			}
		}
	}
	all = fm.filter(pl.cfg.Apply(all))
	// //xcheck:ignore directives of the module's own files.
	if ds, problems, err := suppress.Scan(mod.Root); err == nil {
		ds, problems = fm.directives(ds, problems)
		all = suppress.Apply(all, ds, problems, pl.names())
	} else if f.verbose {
		fmt.Fprintf(stderr, "xcheck: reading //xcheck: directives: %v\n", err)
	}
	if ctx.Err() != nil {
		// Interrupted: the load stopped half-way (errInterrupted).
		return errInterrupted
	}
	if loadErr != nil {
		markUnchecked(rep, loadErr)
	}
	rep.Findings = finding.Merge(all)
	rep.Finalize()
	if loadErr == nil && ctx.Err() == nil && !pl.gopath {
		rc.store(rep, cfgFailOn(pl.cfg), pl.builds, sysroots)
	}

	if loadErr != nil {
		if err := writeReports(ctx, stdout, stdoutR, outs, rep); err != nil && !errors.As(err, new(*findingsError)) {
			return err
		}
		// The other targets were reported; the ones the go command
		// could not list make the run fail.
		return &reportedError{exitcode.FailureError(loadErr)}
	}
	return writeReports(ctx, stdout, stdoutR, outs, rep)
}

// markUnchecked records in rep the targets that loadErr says could not
// be loaded: their verdict becomes "error" (could not be checked), with
// the reason. An error that names no target (the load failed before it
// started any) leaves every target that was to be loaded unchecked.
func markUnchecked(rep *report.Report, loadErr error) {
	reasons := map[string]string{}
	var le *loader.Error
	if errors.As(loadErr, &le) {
		for i, name := range le.Targets {
			reasons[name] = "loading packages: " + le.Errs[i].Error()
		}
	}
	for i := range rep.Targets {
		t := &rep.Targets[i]
		if r, ok := reasons[t.Name]; ok {
			t.Error = r
		} else if le == nil && t.IsPort {
			t.Error = "loading packages: " + loadErr.Error()
		}
	}
}

// writeReports renders rep on stdout and into each --output file, and
// returns the error that ends the run: a *findingsError when rep fails at
// its fail-on level. A run already interrupted writes nothing and gets
// errInterrupted; one interrupted while it writes finishes writing (the
// reports are complete).
func writeReports(ctx context.Context, stdout io.Writer, r report.Renderer, outs []output, rep *report.Report) error {
	if ctx.Err() != nil {
		return errInterrupted
	}
	if err := r.Render(stdout, rep); err != nil {
		return exitcode.FailureError(fmt.Errorf("writing report: %v", err))
	}
	for _, o := range outs {
		if err := writeOutput(o, rep); err != nil {
			return exitcode.FailureError(err)
		}
	}
	if rep.Failed() {
		return &findingsError{}
	}
	return nil
}

// isSet reports whether the flag name was given.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(fl *flag.Flag) { set = set || fl.Name == name })
	return set
}

// module finds the module being checked and its go and toolchain lines.
// A directory outside any module, or a go.mod that does not parse, is a
// usage error. With GO111MODULE=off the go command reports no module; the
// go.mod found by walking up is used, and gopath is set.
func (s *session) module(dir string) (mod *buildenv.Module, gopath bool, err error) {
	gomod := s.tc.GOMOD
	if gomod == "" || gomod == os.DevNull {
		gomod = ""
		if buildenv.Getenv(s.g, "GO111MODULE") == "off" {
			gomod, gopath = buildenv.FindGoMod(cmp.Or(dir, ".")), true
		}
		if gomod == "" {
			return nil, false, exitcode.UsageError(errors.New("not in a Go module (no go.mod found): run xcheck inside a module or pass -C DIR"))
		}
	}
	if w := s.tc.GOWORK; w != "" && w != "off" {
		data, err := os.ReadFile(w)
		if err != nil {
			return nil, false, exitcode.UsageError(fmt.Errorf("reading go.work %s: %v (set GOWORK=off to ignore it)", w, unwrapPathError(err)))
		}
		if _, err := modfile.ParseWork(w, data, nil); err != nil {
			return nil, false, exitcode.UsageError(fmt.Errorf("%s", strings.ReplaceAll(err.Error(), "\n", "; ")))
		}
	}
	data, err := os.ReadFile(gomod)
	if err != nil {
		return nil, false, exitcode.UsageError(fmt.Errorf("reading go.mod: %v", unwrapPathError(err)))
	}
	mf, err := modfile.ParseLax(gomod, data, nil)
	if err != nil {
		return nil, false, exitcode.UsageError(fmt.Errorf("%s", strings.ReplaceAll(err.Error(), "\n", "; ")))
	}
	mod = &buildenv.Module{GoMod: gomod, Root: filepath.Dir(gomod)}
	if mf.Module != nil {
		mod.Path = mf.Module.Mod.Path
	}
	if mf.Go != nil {
		pos := finding.Position{File: "go.mod", Line: mf.Go.Syntax.Start.Line, Column: mf.Go.Syntax.Start.LineRune}
		mod.Go = &matrix.GoDirective{Version: mf.Go.Version, Pos: pos}
	}
	if mf.Toolchain != nil {
		mod.Toolchain = mf.Toolchain.Name
		mod.ToolPos = finding.Position{File: "go.mod", Line: mf.Toolchain.Syntax.Start.Line, Column: mf.Toolchain.Syntax.Start.LineRune}
	}
	return mod, gopath, nil
}

// plan is what check and env share: the toolchain, the module, and each
// target's resolved build.
type plan struct {
	s      *session
	mod    *buildenv.Module
	gopath bool // GO111MODULE=off hides mod
	cfg    *config.Config
	builds []*matrix.Build
	prober cc.Prober
}

// planOptions are the settings of check and env that shape the plan.
type planOptions struct {
	dir        string
	specs      []string // --target; the config file's targets when empty
	variants   map[string]string
	mode       matrix.CgoMode
	modeSet    bool   // --cgo was given: it wins over the config file
	configFile string // --config
	shard      shard  // --shard: check only this share of the targets
}

// shard is --shard i/n: the i-th of n disjoint shares of the targets
// (every n-th target of the sorted list, starting at the i-th).
type shard struct{ i, n int }

func parseShard(s string) (shard, error) {
	if s == "" {
		return shard{1, 1}, nil
	}
	var sh shard
	if _, err := fmt.Sscanf(s, "%d/%d", &sh.i, &sh.n); err != nil || sh.n < 1 || sh.i < 1 || sh.i > sh.n || fmt.Sprintf("%d/%d", sh.i, sh.n) != s {
		return shard{}, fmt.Errorf("invalid --shard %q: want I/N with 1 <= I <= N, for example 1/4", s)
	}
	return sh, nil
}

// newPlan opens the session for dir, finds the module and its
// configuration, expands the target specs (the flags', else the config
// file's, else first-class) and resolves every build.
func newPlan(ctx context.Context, o planOptions) (*plan, error) {
	s, err := openSession(ctx, o.dir)
	if err != nil {
		return nil, err
	}
	mod, gopath, err := s.module(o.dir)
	if err != nil {
		return nil, err
	}
	pl := &plan{s: s, mod: mod, gopath: gopath}
	cfgPath := o.configFile
	if cfgPath == "" {
		cfgPath = config.Find(cmp.Or(o.dir, "."), mod.Root)
	}
	if cfgPath != "" {
		if pl.cfg, err = config.Load(cfgPath); err != nil {
			return nil, exitcode.UsageError(err)
		}
	}
	specs := o.specs
	if len(specs) == 0 && pl.cfg != nil {
		specs = pl.cfg.TargetSpecs()
	}
	if len(specs) == 0 {
		specs = []string{"first-class"}
	}
	targets, err := matrix.Expand(specs, s.ports)
	if err != nil {
		if pl.cfg != nil && len(o.specs) == 0 {
			err = fmt.Errorf("%s: %w", pl.cfg.Path, err)
		}
		return nil, exitcode.UsageError(err)
	}
	for i := range targets {
		if targets[i].Variant == "" {
			if vv := matrix.VariantFor(targets[i].GOARCH); vv != nil {
				targets[i].Variant = o.variants[vv.Name]
			}
		}
	}
	if o.shard.n > 1 {
		var mine []matrix.Target
		for i, t := range targets {
			if i%o.shard.n == o.shard.i-1 {
				mine = append(mine, t)
			}
		}
		targets = mine
	}
	mode := o.mode
	if !o.modeSet && pl.cfg != nil && pl.cfg.Cgo != "" {
		mode, _ = matrix.ParseCgoMode(pl.cfg.Cgo)
	}
	var settings map[string]config.Target
	if pl.cfg != nil {
		settings = pl.cfg.TargetSettings()
	}
	pl.builds, err = resolveBuilds(ctx, s, targets, func(t matrix.Target) (matrix.CgoMode, []string) {
		ts, ok := settings[t.String()]
		if !ok {
			return mode, nil
		}
		m := mode
		if ts.Cgo != "" && !o.modeSet {
			m, _ = matrix.ParseCgoMode(ts.Cgo)
		}
		var extra []string
		if ts.CC != "" {
			extra = append(extra, "CC="+ts.CC)
		}
		return m, extra
	})
	if err != nil {
		return nil, exitcode.FailureError(err)
	}
	return pl, nil
}

// names returns the canonical names of the plan's targets.
func (pl *plan) names() []string {
	names := make([]string, len(pl.builds))
	for i, b := range pl.builds {
		names[i] = b.Target.String()
	}
	return names
}

// envFindings applies the environment rules (XC0xxx, XC3003, XC3004).
func (pl *plan) envFindings(ctx context.Context) []finding.Finding {
	s, names := pl.s, pl.names()
	all := buildenv.CheckToolchain(ctx, s.g, s.tc, pl.mod, names, s.switchErr != nil)
	if s.switchErr != nil {
		f, _ := buildenv.SwitchFailure(s.switchErr, pl.mod, names)
		all = append(all, f)
	}
	if pl.gopath {
		f, _ := buildenv.GOPATHMode(s.g, pl.mod.GoMod, names)
		all = append(all, f)
	}
	for _, b := range pl.builds {
		all = append(all, buildenv.CheckTarget(ctx, &pl.prober, s.g, s.tc, b)...)
	}
	return all
}

// resolveBuilds asks the go command, concurrently, how each target builds;
// settings gives each target's cgo mode and extra environment.
func resolveBuilds(ctx context.Context, s *session, targets []matrix.Target, settings func(matrix.Target) (matrix.CgoMode, []string)) ([]*matrix.Build, error) {
	builds := make([]*matrix.Build, len(targets))
	errs := make([]error, len(targets))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			mode, extra := settings(t)
			builds[i], errs[i] = matrix.ResolveBuild(ctx, s.g, s.tc, s.ports, t, mode, extra...)
		}()
	}
	wg.Wait()
	return builds, errors.Join(errs...)
}

func targetResult(b *matrix.Build) report.TargetResult {
	t := b.Target
	return report.TargetResult{
		Name: t.String(), GOOS: t.GOOS, GOARCH: t.GOARCH,
		VariantVar: t.VariantVar(), Variant: b.Variant, VariantFrom: b.VariantFrom,
		IsPort: b.Port != nil, Native: b.Native,
		CgoEnabled: b.CgoEnabled, CgoReason: b.CgoReason, CC: b.CC,
	}
}

// parseVariants parses --variant NAME=VALUE flags.
func parseVariants(vs []string) (map[string]string, error) {
	m := map[string]string{}
	for _, kv := range vs {
		k, v, ok := strings.Cut(kv, "=")
		k = strings.ToUpper(strings.TrimSpace(k))
		vv := matrix.VariantByName(k)
		if !ok || vv == nil {
			return nil, fmt.Errorf("invalid --variant %q: want NAME=VALUE with NAME one of GOARM, GOAMD64, GO386, GOMIPS, GOMIPS64, GOPPC64, GORISCV64, GOARM64", kv)
		}
		c, err := matrix.CanonVariant(vv.Arches[0], v)
		if err != nil {
			return nil, fmt.Errorf("invalid --variant: %v", err)
		}
		m[k] = c
	}
	return m, nil
}

// parseSysroots reads --sysroot values: TARGET=PATH, or PATH for every
// target (the key "").
func parseSysroots(vals []string) (map[string]string, error) {
	m := map[string]string{}
	for _, v := range vals {
		k, p, ok := strings.Cut(v, "=")
		if !ok {
			k, p = "", v
		} else {
			t, err := matrix.Parse(k)
			if err != nil {
				return nil, fmt.Errorf("invalid --sysroot %q: %v", v, err)
			}
			k = t.String()
		}
		if p == "" {
			return nil, fmt.Errorf("invalid --sysroot %q: empty path", v)
		}
		m[k] = p
	}
	return m, nil
}
