package cgoneeds

import (
	"context"
	"fmt"
	"go/ast"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/xcheck-dev/xcheck/abi"
	"github.com/xcheck-dev/xcheck/abi/cc"
	"github.com/xcheck-dev/xcheck/analyzers/graph"
	"github.com/xcheck-dev/xcheck/finding"
)

// Config says where a target's C headers and libraries are.
type Config struct {
	// Sysroot is the host path of the target's sysroot: a Debian cross
	// layout (/usr/aarch64-linux-gnu), "/" for a multiarch root file
	// system, or any other root file system (Buildroot, Yocto, an
	// unpacked image). "" means none was found: then headers and -l
	// options are not checked (nothing to check them against), but
	// pkg-config and the prebuilt objects that #cgo LDFLAGS names are.
	Sysroot string
	// Triple is the target's GNU triple ("aarch64-linux-gnu"), which
	// names the multiarch directories. "" means the sysroot's base name
	// if it is a triple, else the usual triple of the target
	// (cc.Triplets).
	Triple string
	// Env is the environment the build runs with: PATH (to find the C
	// compiler and pkg-config), PKG_CONFIG and PKG_CONFIG_*, and
	// CGO_CPPFLAGS, CGO_CFLAGS, CGO_LDFLAGS and CC when the target's
	// Build has no GoEnv. nil means os.Environ().
	Env []string
	// Cache is shared between targets; nil means a new one per call.
	Cache *Cache
	// SysrootFacts is what abi read of Sysroot, if the caller has it;
	// nil means it is read when needed (for XC4013).
	SysrootFacts *abi.Sysroot
	// GlibcFloor is the oldest glibc the binaries must run on ("2.28"),
	// "" for none: prebuilt shared libraries needing newer GLIBC
	// versions are XC4013 warnings.
	GlibcFloor string
}

// Check reports what the cgo packages of a loaded target need from the C
// world and the target's sysroot does not provide: headers (XC4009),
// libraries (XC4010), libraries and prebuilt objects for another
// architecture (XC4011), and pkg-config packages that do not resolve for
// the target (XC4012). It looks at every package of the graph outside the
// standard library that has cgo files for the target, and returns nothing
// when cgo is off. Problems of the environment (a missing pkg-config) are
// findings; Check does not fail.
func Check(ctx context.Context, t *graph.Target, cfg Config) []finding.Finding {
	b := t.Build
	if b == nil || !b.CgoEnabled {
		return nil
	}
	c := newChecker(ctx, t, cfg)
	for _, p := range t.Packages {
		if ctx.Err() != nil {
			break
		}
		if p.Standard || len(p.CgoFiles) == 0 {
			continue
		}
		c.pkg(p)
	}
	finding.Sort(c.out)
	return c.out
}

type checker struct {
	ctx   context.Context
	t     *graph.Target
	cache *Cache
	env   []string
	plat  Platform
	lay   layout
	comp  *compiler
	// sysInc and sysLib are the sysroot's include and library
	// directories that exist.
	sysInc, sysLib []dirSpec

	want      arch
	wantELF   bool // the target links ELF objects of a known machine
	wantFloat abi.FloatABI

	predef *Macros
	// facts is the sysroot as abi reads it, for XC4013; glibcFloor is
	// Config.GlibcFloor.
	facts      *abi.Sysroot
	readFacts  func() *abi.Sysroot // reads facts on first use, if set
	glibcFloor string
	out        []finding.Finding
	seen       map[string]bool
}

func newChecker(ctx context.Context, t *graph.Target, cfg Config) *checker {
	b := t.Build
	c := &checker{ctx: ctx, t: t, cache: cfg.Cache, env: cfg.Env, seen: map[string]bool{}}
	if c.cache == nil {
		c.cache = &Cache{}
	}
	if c.env == nil {
		c.env = os.Environ()
	}
	c.plat = Platform{GOOS: b.Target.GOOS, GOARCH: b.Target.GOARCH, Variant: b.Variant, Cgo: true, Tags: t.Tags}
	if c.plat.Variant == "" {
		c.plat.Variant = b.Target.Variant
	}
	triple := cfg.Triple
	if triple == "" && cfg.Sysroot != "" && !looksLikeTriple(filepath.Base(filepath.Clean(cfg.Sysroot))) {
		if ts := cc.Triplets(c.plat.GOOS, c.plat.GOARCH, c.plat.Variant); len(ts) > 0 {
			triple = ts[0]
		}
	}
	sysroot := cfg.Sysroot
	if fi, err := os.Stat(sysroot); sysroot != "" && (err != nil || !fi.IsDir()) {
		sysroot = "" // not a sysroot: sysroot discovery reports it
	}
	c.lay = newLayout(sysroot, triple)
	c.glibcFloor = cfg.GlibcFloor
	c.facts = cfg.SysrootFacts
	if c.facts == nil && sysroot != "" {
		c.readFacts = func() *abi.Sysroot {
			s, err := abi.ReadSysrootTriple(sysroot, triple)
			if err != nil {
				return nil // sysroot discovery reports it
			}
			return s
		}
	}
	c.sysInc, c.sysLib = c.lay.includeDirs(), c.lay.libDirs()
	ccValue := b.CC
	if ccValue == "" {
		ccValue = c.goenv("CC")
	}
	c.comp = c.cache.compiler(ctx, ccValue, c.env, c.plat.GOOS, c.plat.GOARCH)
	c.predef = PredefinedMacros(c.plat, ccValue)
	if a, ok := archOf(c.plat.GOARCH); ok && elfGOOS[c.plat.GOOS] {
		c.want, c.wantELF = a, true
	}
	if c.plat.GOARCH == "arm" {
		c.wantFloat = abi.FloatABIHard
		v, f, _ := strings.Cut(c.plat.Variant, ",")
		if v == "5" && f != "hardfloat" || f == "softfloat" {
			c.wantFloat = abi.FloatABISoft
		}
	}
	return c
}

// goenv returns a go environment variable as the build sees it.
func (c *checker) goenv(key string) string {
	if m := c.t.Build.GoEnv; m != nil {
		if v, ok := m[key]; ok {
			return v
		}
	}
	return lookupEnv(c.env, key)
}

// report adds a finding, once per rule, position and message.
func (c *checker) report(f finding.Finding) {
	key := f.Rule.ID + "\x00" + f.Pos.String() + "\x00" + f.Message
	if c.seen[key] {
		return
	}
	c.seen[key] = true
	c.out = append(c.out, f)
}

// position resolves a position in a source file of p.
func (c *checker) position(p *graph.Package, file string, pos Pos) finding.Position {
	if file == "" || !pos.IsValid() {
		return finding.Position{}
	}
	return c.t.PositionOf(p, token.Position{Filename: file, Line: pos.Line, Column: pos.Col})
}

// display names a file in a message: relative to the module for the
// module's files, else its host path.
func (c *checker) display(p *graph.Package, file string) string {
	if within(c.t.Root, file) || p.Module != nil && p.Module.Dir != "" && within(p.Module.Dir, file) {
		return c.t.FileName(p, file)
	}
	return filepath.ToSlash(file)
}

// newFinding returns a finding of rule r for the target, at the origin
// of a flag (no position for flags from the environment).
func (c *checker) newFinding(p *graph.Package, r *finding.Rule, from origin, msg string) finding.Finding {
	var pos finding.Position
	if from.src != nil {
		pos = c.position(p, from.src.File, from.pos)
	}
	f := finding.New(r, c.t.Name, pos, msg)
	if from.src == nil {
		f.Why = append(f.Why, from.what+" in the environment")
	} else {
		f.Why = append(f.Why, graph.ChainString(c.t.Chain(p)))
		if from.what != "" {
			f.Why = append(f.Why, "from "+from.what)
		}
	}
	return f
}

// pkgFiles are the parsed cgo parts of a package.
type pkgFiles struct {
	preambles []*Source
	all       []located // every #cgo directive, for every target
}

type located struct {
	d   Directive
	src *Source
}

func (c *checker) pkg(p *graph.Package) {
	var pf pkgFiles
	for _, f := range p.Syntax {
		if f == nil || !importsC(f) {
			continue
		}
		src := Preamble(c.t.Fset, f)
		if src == nil {
			continue
		}
		pf.preambles = append(pf.preambles, src)
		ds, _ := ParseDirectives(src, p.Dir)
		for _, d := range ds {
			pf.all = append(pf.all, located{d, src})
		}
	}

	byVerb := map[string][]flagArg{}
	var pcDirs []located
	for _, l := range pf.all {
		if !l.d.Match(c.plat) {
			continue
		}
		if l.d.Verb == "pkg-config" {
			pcDirs = append(pcDirs, l)
			continue
		}
		for _, a := range l.d.Args {
			byVerb[l.d.Verb] = append(byVerb[l.d.Verb], flagArg{a.Value, origin{src: l.src, pos: a.Pos, what: "#cgo " + l.d.Verb}})
		}
	}

	var pcFlags []flagArg
	for _, l := range pcDirs {
		pcFlags = append(pcFlags, c.pkgConfig(p, l)...)
	}

	compile := slices.Concat(c.envFlags("CGO_CPPFLAGS"), byVerb["CPPFLAGS"], pcFlags, c.envFlags("CGO_CFLAGS"), byVerb["CFLAGS"])
	link := slices.Concat(c.envFlags("CGO_LDFLAGS"), byVerb["LDFLAGS"], pcFlags)
	cf := parseCompileFlags(compile, c.lay.root, p.Dir)
	lf := parseLinkFlags(link, c.lay.root, p.Dir)

	// A sysroot without include (or library) directories is not one
	// to check headers (libraries) against: sysroot discovery and the
	// ABI rules report what it lacks.
	if len(c.sysInc) > 0 {
		c.headers(p, pf, cf)
	}
	if len(c.sysLib) > 0 {
		c.libraries(p, lf)
	}
	c.files(p, lf)
	c.prebuiltForOthers(p, pf)
}

func importsC(f *ast.File) bool {
	for _, s := range f.Imports {
		if s.Path != nil && s.Path.Value == `"C"` {
			return true
		}
	}
	return false
}

// envFlags splits a CGO_*FLAGS variable.
func (c *checker) envFlags(name string) []flagArg {
	words, _, err := splitQuoted(c.goenv(name))
	if err != nil {
		return nil
	}
	out := make([]flagArg, len(words))
	for i, w := range words {
		out[i] = flagArg{w, origin{what: name}}
	}
	return out
}

// --- headers ---------------------------------------------------------

// searchPath is where the compiler looks for headers.
type searchPath struct {
	quote []dirSpec // -iquote
	angle []dirSpec // -I (the package directory first), -isystem, compiler, sysroot, -idirafter
	// builtin: the compiler's own directory is not known; the headers
	// every compiler provides are taken as present.
	builtin bool
}

func (c *checker) searchPath(p *graph.Package, cf compileFlags) *searchPath {
	sp := &searchPath{quote: cf.quote}
	// cmd/go compiles with -I <package dir> before the user's flags.
	sp.angle = append(sp.angle, dirSpec{path: p.Dir, from: origin{what: "the package directory"}})
	sp.angle = append(sp.angle, cf.angle...)
	sp.angle = append(sp.angle, cf.system...)
	if !cf.nostdinc {
		if c.comp.usable {
			for _, d := range c.comp.includeDirs {
				sp.angle = append(sp.angle, dirSpec{path: d})
			}
		}
		sp.builtin = !c.comp.usable || len(c.comp.includeDirs) == 0
		sp.angle = append(sp.angle, c.sysInc...)
	}
	sp.angle = append(sp.angle, cf.after...)
	return sp
}

// found is where an #include resolved.
type found struct {
	path string
	dir  dirSpec
}

// lookup resolves an include seen in a file of directory curDir.
func (sp *searchPath) lookup(inc Include, curDir string) (found, bool) {
	var dirs []dirSpec
	if !inc.Angle {
		dirs = append(dirs, dirSpec{path: curDir})
		dirs = append(dirs, sp.quote...)
	}
	dirs = append(dirs, sp.angle...)
	for _, d := range dirs {
		if p, err := resolve(d, inc.Name); err == nil {
			if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
				return found{p, d}, true
			}
		}
	}
	return found{}, false
}

func (c *checker) macrosFor(cf compileFlags) *Macros {
	m := c.predef.Clone()
	for _, op := range cf.macros {
		if op.undef {
			m.Undef(op.name)
		} else {
			m.Define(op.name, op.body)
		}
	}
	return m
}

func (c *checker) headers(p *graph.Package, pf pkgFiles, cf compileFlags) {
	sp := c.searchPath(p, cf)
	modDir := c.t.Root
	if p.Module != nil && p.Module.Dir != "" {
		modDir = p.Module.Dir
	}
	scan := func(srcs []*Source) {
		s := &Scanner{Macros: c.macrosFor(cf)}
		s.Follow = func(inc Include) *Source {
			fd, ok := sp.lookup(inc, filepath.Dir(inc.Src.File))
			if !ok {
				if inc.Certain && !c.provided(sp, inc) {
					c.missingHeader(p, sp, inc)
				}
				return nil
			}
			// Follow the module's own headers, not the system's.
			if fd.dir.root != "" || !(within(p.Dir, fd.path) || within(modDir, fd.path)) || isCompilerDir(c, fd.dir) {
				return nil
			}
			src, err := c.cache.source(fd.path)
			if err != nil {
				return nil
			}
			return src
		}
		for _, src := range srcs {
			s.Scan(src)
		}
	}
	for _, src := range pf.preambles {
		// Each Go file's preamble is compiled on its own.
		scan([]*Source{src})
	}
	for _, f := range p.OtherFiles {
		if !isCFile(f, c.plat.GOOS) {
			continue
		}
		src, err := c.cache.source(f)
		if err != nil {
			continue
		}
		scan([]*Source{src})
	}
}

func isCompilerDir(c *checker, d dirSpec) bool {
	return d.root == "" && slices.Contains(c.comp.includeDirs, d.path)
}

// isCFile reports whether a file of OtherFiles is C that the target's
// build compiles (C++, Fortran and assembly are not scanned).
func isCFile(name, goos string) bool {
	switch filepath.Ext(name) {
	case ".c":
		return true
	case ".m":
		return goos == "darwin" || goos == "ios"
	}
	return false
}

// provided reports whether a header not found in any directory is
// nevertheless there when the compiler runs: cgo's generated header, or
// a compiler header when the compiler's directory is not known.
func (c *checker) provided(sp *searchPath, inc Include) bool {
	if inc.Name == "_cgo_export.h" {
		return true
	}
	return sp.builtin && isCompilerHeader(inc.Name)
}

func (c *checker) missingHeader(p *graph.Package, sp *searchPath, inc Include) {
	// One finding per package and header: the first place that
	// includes it (the fix is the same for the others).
	key := "header\x00" + p.PkgPath + "\x00" + inc.Name
	if c.seen[key] {
		return
	}
	c.seen[key] = true
	pos := c.position(p, inc.Src.File, inc.Pos())
	f := finding.New(MissingHeader, c.t.Name, pos, fmt.Sprintf("header %q is not in the sysroot or the include directories", inc.Name))
	f.Why = append(f.Why, graph.ChainString(c.t.Chain(p)))
	var dirs []string
	for _, d := range sp.angle[1:] { // the package directory goes without saying
		dirs = append(dirs, c.display(p, d.host()))
	}
	if len(dirs) > 0 {
		f.Why = append(f.Why, "searched "+shortList(dirs, 6))
	}
	if !c.comp.usable {
		f.Why = append(f.Why, "the target's C compiler was not asked for its own include directory (not found, or not for "+c.plat.GOOS+"/"+c.plat.GOARCH+")")
	}
	f.Fix = c.installHint(inc.Name, fmt.Sprintf("%q", inc.Name))
	if !inc.Angle {
		f.Fix += ", or add the directory that holds it with -I in #cgo CFLAGS"
	}
	c.report(f)
}

// shortList joins at most n items.
func shortList(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
}

// --- libraries -------------------------------------------------------

// libDirs is the linker's search path: -L, the compiler's own directory,
// the sysroot's.
func (c *checker) libDirs(lf linkFlags) []dirSpec {
	dirs := slices.Clone(lf.dirs)
	if c.comp.usable && c.comp.libDir != "" {
		dirs = append(dirs, dirSpec{path: c.comp.libDir})
	}
	return append(dirs, c.sysLib...)
}

// verdict is what the linker makes of a candidate file.
type verdict uint8

const (
	vOK           verdict = iota // it links
	vIncompatible                // ld skips it and searches on
	vFatal                       // ld stops on it
	vMissing                     // a linker script names a file that is not there
)

// judgement is a verdict with its explanation.
type judgement struct {
	v    verdict
	file string // the file judged (for a script, the input at fault)
	msg  string // what is wrong: "EM_X86_64, 64-bit LSB (GOARCH amd64)"
	rule *finding.Rule
}

// libResult is the outcome of searching for one -l option.
type libResult struct {
	found   string
	skipped []judgement // incompatible candidates
	fatal   *judgement
}

const maxScriptDepth = 4

func (c *checker) findLib(ref libRef, dirs []dirSpec, depth int) libResult {
	var r libResult
	for _, d := range dirs {
		for _, name := range ref.candidates(c.plat.GOOS) {
			p := findFile(d, name)
			if p == "" {
				continue
			}
			j := c.judge(d, p, dirs, depth)
			switch j.v {
			case vOK:
				r.found = p
				return r
			case vIncompatible:
				r.skipped = append(r.skipped, j)
			default:
				r.fatal = &j
				return r
			}
		}
	}
	return r
}

// judge decides what the linker makes of file p, found in d.
func (c *checker) judge(d dirSpec, p string, dirs []dirSpec, depth int) judgement {
	o := c.cache.object(d, p)
	switch o.kind {
	case objELF, objArchive:
		for _, pt := range o.parts {
			if j := c.judgePart(p, pt); j.v != vOK {
				return j
			}
		}
		return judgement{v: vOK}
	case objScript:
		if depth >= maxScriptDepth {
			return judgement{v: vOK}
		}
		for _, in := range o.script.Inputs {
			if j := c.judgeInput(d, p, in, dirs, depth+1); j.v != vOK {
				return j
			}
		}
		return judgement{v: vOK}
	}
	if !c.wantELF {
		return judgement{v: vOK} // not judged for non-ELF targets
	}
	msg := "is " + o.what
	if o.err != nil {
		msg += ": " + o.err.Error()
	}
	return judgement{v: vFatal, file: p, msg: msg + ", not a library the linker reads", rule: LibraryWrongArch}
}

func (c *checker) judgePart(p string, pt part) judgement {
	if !c.wantELF {
		return judgement{v: vOK}
	}
	file := p
	if pt.member != "" {
		file += "(" + pt.member + ")"
	}
	if pt.arch != c.want {
		return judgement{v: vIncompatible, file: file, msg: "is " + pt.arch.describe() + ", the target needs " + c.want.describe(), rule: LibraryWrongArch}
	}
	if c.wantFloat != abi.FloatABIUnknown && pt.float != abi.FloatABIUnknown && pt.float != c.wantFloat {
		return judgement{v: vFatal, file: file, msg: "uses the " + floatName(pt.float) + " float ABI, the target is " + floatName(c.wantFloat) + " (GOARM=" + c.plat.Variant + ")", rule: LibraryWrongArch}
	}
	return judgement{v: vOK}
}

func floatName(f abi.FloatABI) string {
	switch f {
	case abi.FloatABIHard:
		return "hard-float (armhf)"
	case abi.FloatABISoft:
		return "soft-float (armel)"
	}
	return f.String()
}

// judgeInput resolves and judges one input of a linker script found at
// script in d, the way GNU ld does: -lNAME is searched like an option; an
// absolute path is taken inside the sysroot (or, as Debian's cross
// packages write them, as a host path below the sysroot's location); a
// relative name is looked for in the script's directory, then in the
// library directories.
func (c *checker) judgeInput(d dirSpec, script string, in abi.ScriptInput, dirs []dirSpec, depth int) judgement {
	if in.IsLib() {
		r := c.findLib(libRef{name: in.Path[2:]}, dirs, depth)
		switch {
		case r.found != "":
			return judgement{v: vOK}
		case r.fatal != nil:
			return *r.fatal
		case len(r.skipped) > 0:
			return r.skipped[0]
		}
		return judgement{v: vMissing, file: script, msg: fmt.Sprintf("names %q, which no library directory holds", in.Path), rule: MissingLibrary}
	}
	var cands []struct {
		d dirSpec
		p string
	}
	add := func(dd dirSpec, name string) {
		if p := findFile(dd, name); p != "" {
			cands = append(cands, struct {
				d dirSpec
				p string
			}{dd, p})
		}
	}
	name := filepath.ToSlash(in.Path)
	if strings.HasPrefix(name, "/") {
		root := d.root
		if root == "" {
			root = "/"
		}
		add(dirSpec{root: root, path: "/"}, name)
		if rest, ok := strings.CutPrefix(name, filepath.ToSlash(root)+"/"); ok && root != "/" && len(cands) == 0 {
			add(dirSpec{root: root, path: "/"}, rest)
		}
	} else {
		add(dirSpec{root: d.root, path: filepath.ToSlash(filepath.Dir(strings.TrimPrefix(script, d.root)))}, name)
		for _, dd := range dirs {
			if len(cands) > 0 {
				break
			}
			add(dd, name)
		}
	}
	if len(cands) == 0 {
		return judgement{v: vMissing, file: script, msg: fmt.Sprintf("is a linker script naming %q, which is not in the sysroot", in.Path), rule: MissingLibrary}
	}
	j := c.judge(cands[0].d, cands[0].p, dirs, depth)
	if j.v == vIncompatible {
		j.v = vFatal // named explicitly: ld does not search on
	}
	return j
}

func (c *checker) libraries(p *graph.Package, lf linkFlags) {
	dirs := c.libDirs(lf)
	for _, ref := range lf.libs {
		if ref.name == "" || ref.name == ":" {
			continue
		}
		r := c.findLib(ref, dirs, 0)
		switch {
		case r.found != "":
			c.versionNeeds(p, ref.from, r.found, dirs)
			continue
		case r.fatal != nil:
			c.libProblem(p, ref.from, fmt.Sprintf("%q", ref.option()), *r.fatal)
		case len(r.skipped) > 0:
			j := r.skipped[0]
			f := c.newFinding(p, LibraryWrongArch, ref.from,
				fmt.Sprintf("the only library for %q is for another architecture: %q %s", ref.option(), c.display(p, j.file), j.msg))
			for _, s := range r.skipped[1:] {
				f.Why = append(f.Why, fmt.Sprintf("%s %s", c.display(p, s.file), s.msg))
			}
			f.Why = append(f.Why, "the linker skips it (\"skipping incompatible ... when searching for "+ref.option()+"\") and fails with \"cannot find "+ref.option()+"\"")
			f.Fix = fmt.Sprintf("build %s for %s (CC=%s) and point -L at it, or install the target's package of it into the sysroot", libName(ref), c.t.Name, c.suggestCC())
			c.report(f)
		default:
			f := c.newFinding(p, MissingLibrary, ref.from,
				fmt.Sprintf("no library for %q in the sysroot or the -L directories", ref.option()))
			var ds []string
			for _, d := range dirs {
				ds = append(ds, c.display(p, d.host()))
			}
			f.Why = append(f.Why, fmt.Sprintf("searched %s for %s", shortList(ds, 6), strings.Join(ref.candidates(c.plat.GOOS), ", ")))
			f.Fix = c.installHint(ref.option(), libName(ref)) + ", or add -L for the directory that holds it"
			c.report(f)
		}
	}
}

func libName(ref libRef) string {
	if rest, ok := strings.CutPrefix(ref.name, ":"); ok {
		return rest
	}
	return "lib" + ref.name
}

func (c *checker) suggestCC() string {
	if c.comp.usable && c.comp.info != nil {
		return c.comp.info.CC
	}
	if name, _ := cc.Suggest(c.plat.GOOS, c.plat.GOARCH, c.plat.Variant); name != "" {
		return name
	}
	return "a C compiler for the target"
}

// libProblem reports a candidate the linker stops on.
func (c *checker) libProblem(p *graph.Package, from origin, what string, j judgement) {
	msg := fmt.Sprintf("library for %s: %q %s", what, c.display(p, j.file), j.msg)
	f := c.newFinding(p, j.rule, from, msg)
	if j.rule == MissingLibrary {
		f.Fix = "install the missing file into the sysroot, or fix the linker script"
	} else {
		f.Fix = fmt.Sprintf("replace %q with a build for %s", filepath.Base(j.file), c.t.Name)
	}
	c.report(f)
}

// files checks the objects and libraries that the link line names by
// path: they must exist and be for the target.
func (c *checker) files(p *graph.Package, lf linkFlags) {
	for _, fr := range lf.files {
		fi, err := os.Stat(fr.path)
		if err != nil || !fi.Mode().IsRegular() {
			f := c.newFinding(p, MissingLibrary, fr.from, fmt.Sprintf("prebuilt file %q does not exist", c.display(p, fr.path)))
			f.Fix = fmt.Sprintf("add %q to the module for %s, or link it only on the targets it exists for (a #cgo GOOS,GOARCH LDFLAGS line)", filepath.Base(fr.path), c.t.Name)
			c.report(f)
			continue
		}
		d := dirSpec{path: filepath.Dir(fr.path)}
		if c.lay.root != "" && within(c.lay.root, fr.path) && c.lay.root != string(filepath.Separator) {
			d = dirSpec{root: c.lay.root, path: "/"}
		}
		j := c.judge(d, fr.path, c.libDirs(lf), 0)
		switch j.v {
		case vOK:
			c.versionNeeds(p, fr.from, fr.path, c.libDirs(lf))
		case vIncompatible:
			f := c.newFinding(p, LibraryWrongArch, fr.from, fmt.Sprintf("prebuilt %q is for another architecture: %s", c.display(p, j.file), strings.TrimPrefix(j.msg, "is ")))
			f.Why = append(f.Why, "the linker fails on it: file in wrong format / incompatible object")
			f.Fix = fmt.Sprintf("build %q for %s (CC=%s), or link it only on the targets it was built for (a #cgo GOOS,GOARCH LDFLAGS line)", filepath.Base(fr.path), c.t.Name, c.suggestCC())
			c.report(f)
		default:
			c.libProblem(p, fr.from, fmt.Sprintf("%q", fr.arg), j)
		}
	}
}

// --- prebuilt libraries for other targets only ------------------------

// archToken matches a GOOS or GOARCH between separators in a file name:
// libzstd_linux_arm64.a.
var archToken = regexp.MustCompile(`(?:^|[_.-])(386|amd64|arm|arm64|loong64|mips|mipsle|mips64|mips64le|ppc64|ppc64le|riscv64|s390x|x86_64|aarch64|linux|darwin|windows|freebsd|netbsd|openbsd|android|ios|illumos)(?:[_.-]|$)`)

// prebuiltForOthers reports the shape of valyala/gozstd: a package that
// links a prebuilt library per target, named for the target, with a
// #cgo GOOS,GOARCH LDFLAGS line each, and none for this target. Without
// one, the link fails with undefined references to the library's
// symbols.
func (c *checker) prebuiltForOthers(p *graph.Package, pf pkgFiles) {
	for _, f := range p.OtherFiles {
		switch filepath.Ext(f) {
		case ".c", ".cc", ".cpp", ".cxx", ".m", ".f", ".F", ".for", ".f90":
			return // the package builds C code for the target
		}
	}
	modDir := c.t.Root
	if p.Module != nil && p.Module.Dir != "" {
		modDir = p.Module.Dir
	}
	var others []located
	var names []string
	for _, l := range pf.all {
		if l.d.Verb != "LDFLAGS" {
			continue
		}
		prebuilt := ""
		for _, a := range l.d.Args {
			if !strings.HasPrefix(a.Value, "-") && isObjectFile(a.Value) && filepath.IsAbs(a.Value) && (within(p.Dir, a.Value) || within(modDir, a.Value)) {
				prebuilt = filepath.Base(a.Value)
				break
			}
		}
		if prebuilt == "" {
			continue
		}
		if l.d.Match(c.plat) {
			return // this target links its own
		}
		if len(l.d.Cond) == 0 || !archToken.MatchString(strings.TrimSuffix(prebuilt, filepath.Ext(prebuilt))) {
			continue
		}
		others = append(others, l)
		names = append(names, fmt.Sprintf("%q (%s)", prebuilt, strings.Join(l.d.Cond, " ")))
	}
	if len(others) < 2 {
		return // one conditional library is not a per-target pattern
	}
	first := others[0]
	from := origin{src: first.src, pos: first.d.Pos, what: "#cgo LDFLAGS"}
	f := c.newFinding(p, MissingLibrary, from, fmt.Sprintf("no prebuilt library for this target: the package links one only for %d other targets", len(others)))
	f.Why = append(f.Why, "linked per target: "+shortList(names, 4))
	f.Why = append(f.Why, "with no library for this target the link fails with undefined references to its symbols")
	f.Fix = fmt.Sprintf("build the library for %s and add a `#cgo %s,%s LDFLAGS` line for it, or leave %s out of the release", c.t.Name, c.plat.GOOS, c.plat.GOARCH, c.t.Name)
	c.report(f)
}
