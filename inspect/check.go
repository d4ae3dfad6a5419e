package inspect

import (
	"debug/elf"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/xcheck-dev/xcheck/abi"
	"github.com/xcheck-dev/xcheck/abi/cc"
	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/matrix"
)

// Config is what a release declares: the targets its artifacts are for
// and the floors they must meet.
type Config struct {
	// Targets are the declared targets (--target); every artifact must
	// be for one of them, and is checked against those it is for. With
	// none, each artifact is checked against its own platform, and the
	// floors still apply.
	Targets []matrix.Target
	// Policies are --glibc, --libc and --kernel, global or per target.
	Policies abi.Policies
	// MinOS is --min-os: the oldest OS version per key (linux, macos,
	// windows, ios, freebsd).
	MinOS map[string]string
	// CPU is --cpu: the oldest CPU per GOARCH, as a variant value in Go
	// spelling ("arm": "6", "amd64": "v1", "arm": "7,softfloat"). A
	// declared target with a variant (linux/arm/v6) sets its own floor
	// where --cpu says nothing for its GOARCH.
	CPU map[string]string
	// CgoOff is --cgo off: the Go binaries must be built without cgo.
	CgoOff bool
	// Sysroots are --sysroot: the target systems' root file system, by
	// canonical target name, by GOOS/GOARCH, or "" for every target.
	Sysroots map[string]*abi.Sysroot
}

// Checker applies the XC5xxx rules. It caches the sysroot libraries it
// looks up; it is safe for concurrent use.
type Checker struct {
	cfg  Config
	mu   sync.Mutex
	libs map[libKey]libResult
}

type libKey struct{ root, name string }

type libResult struct {
	lib *abi.SharedLibrary
	err error
}

// NewChecker returns a checker for cfg.
func NewChecker(cfg Config) *Checker {
	return &Checker{cfg: cfg, libs: map[libKey]libResult{}}
}

// checkTarget is one target an artifact is checked against.
type checkTarget struct {
	t        matrix.Target
	name     string // canonical name for findings, "" when unknown
	declared bool
}

// TargetOf returns the target an artifact is for, as far as it tells,
// and its name ("" when GOOS or GOARCH is unknown).
func TargetOf(a *Artifact) (matrix.Target, string) {
	t := matrix.Target{GOOS: a.GOOS, GOARCH: a.GOARCH}
	if t.GOOS == "" || t.GOARCH == "" {
		return t, ""
	}
	return t, t.String()
}

// Check applies the rules to one artifact, read by [Read], and returns
// its findings, unmerged and unsorted. Positions name the artifact's path
// and the section a fact came from; findings about archive members name
// the members in their evidence.
func (c *Checker) Check(a *Artifact) []finding.Finding {
	var fs []finding.Finding
	if a.Err != nil {
		fs = append(fs, c.unreadable(a))
	}
	if len(a.Members) > 0 || a.Format == FormatArchive || a.Format == FormatMachOFat {
		return append(fs, c.checkMembers(a)...)
	}
	if a.Err != nil && a.ELF == nil && a.PE == nil && a.MachO == nil {
		return fs
	}
	return append(fs, c.checkOne(a)...)
}

// unreadable is XC5011 for an artifact (or member) that could not be read.
func (c *Checker) unreadable(a *Artifact) finding.Finding {
	reason := strings.TrimPrefix(a.Err.Error(), "abi: ")
	reason = strings.TrimPrefix(reason, a.Name()+": ")
	reason = strings.TrimPrefix(reason, a.Path+": ")
	var msg string
	if errors.Is(a.Err, ErrUnknownFormat) {
		msg = fmt.Sprintf("%q is %s", a.Path, reason)
	} else {
		msg = fmt.Sprintf("cannot inspect %q: %s", a.Name(), reason)
	}
	pos := finding.Position{File: a.Path}
	var fe *abi.FormatError
	if errors.As(a.Err, &fe) && fe.Section != "" {
		pos.Section = fe.Section
	}
	if a.Member != "" {
		pos.Section = strings.TrimSuffix(a.Member+": "+pos.Section, ": ")
	}
	f := finding.New(RuleUnreadableArtifact, "", pos, msg)
	if errors.Is(a.Err, ErrUnknownFormat) {
		f.Fix = "leave it out of the list of artifacts, or name the binary it should have been"
	}
	return f
}

// checkMembers checks the members of an archive or universal file and
// folds identical findings of several members into one that lists them.
func (c *Checker) checkMembers(a *Artifact) []finding.Finding {
	var fs []finding.Finding
	fat := a.Format == FormatMachOFat
	if fat && len(c.cfg.Targets) > 0 {
		// A universal file needs one slice per declared target it
		// is for; slices for other targets are fine.
		var ok []*Artifact
		for _, m := range a.Members {
			if m.Err == nil && len(c.matching(m)) > 0 {
				ok = append(ok, m)
			}
		}
		if len(ok) == 0 && len(a.Members) > 0 {
			return []finding.Finding{c.mismatch(a)}
		}
		for _, m := range ok {
			fs = append(fs, c.checkOne(m)...)
		}
		return fs
	}
	var perMember [][]finding.Finding
	for _, m := range a.Members {
		var mf []finding.Finding
		if m.Err != nil {
			mf = append(mf, c.unreadable(m))
		} else {
			mf = c.checkOne(m)
		}
		perMember = append(perMember, mf)
	}
	return foldMembers(a, perMember)
}

// foldMembers merges findings that differ only in the member they are
// about into one per problem, listing the members.
func foldMembers(a *Artifact, perMember [][]finding.Finding) []finding.Finding {
	type group struct {
		f       finding.Finding
		members []string
	}
	var groups []*group
	byKey := map[string]*group{}
	for i, fs := range perMember {
		for _, f := range fs {
			if f.Rule == RuleUnreadableArtifact {
				groups = append(groups, &group{f: f})
				continue
			}
			k := strings.Join([]string{f.Rule.ID, f.Severity.String(), strings.Join(f.Targets, ","), f.Message, f.Fix, f.Pos.Section}, "\x00")
			g := byKey[k]
			if g == nil {
				g = &group{f: f}
				byKey[k] = g
				groups = append(groups, g)
			}
			g.members = append(g.members, a.Members[i].Member)
		}
	}
	var out []finding.Finding
	for _, g := range groups {
		f := g.f
		if len(g.members) > 0 {
			f.Why = append([]string{membersLine(g.members, len(a.Members))}, f.Why...)
		}
		out = append(out, f)
	}
	return out
}

func membersLine(ms []string, total int) string {
	const show = 8
	word := "members"
	if len(ms) == 1 {
		word = "member"
	}
	s := word + ": " + strings.Join(ms[:min(len(ms), show)], ", ")
	if len(ms) > show {
		s += fmt.Sprintf(", and %d more", len(ms)-show)
	}
	if total > 1 {
		s += fmt.Sprintf(" (%d of %d)", len(ms), total)
	}
	return s
}

// checkOne checks one file or member against each target it is for.
func (c *Checker) checkOne(a *Artifact) []finding.Finding {
	var targets []checkTarget
	if len(c.cfg.Targets) == 0 {
		t, name := TargetOf(a)
		targets = []checkTarget{{t: t, name: name}}
	} else {
		targets = c.matching(a)
		if len(targets) == 0 {
			return []finding.Finding{c.mismatch(a)}
		}
	}
	var fs []finding.Finding
	for _, ct := range targets {
		ck := &artifactCheck{c: c, a: a, ct: ct, pol: c.cfg.Policies.For(ct.t)}
		ck.run()
		fs = append(fs, ck.fs...)
	}
	return fs
}

// elfGOOS are the systems whose binaries are ELF files.
var elfGOOS = map[string]bool{
	"linux": true, "android": true, "freebsd": true, "netbsd": true, "openbsd": true,
	"dragonfly": true, "illumos": true, "solaris": true,
}

// formatRunsOn reports whether files of the format run on goos.
func formatRunsOn(f Format, goos string) bool {
	switch f {
	case FormatELF, FormatArchive:
		return elfGOOS[goos]
	case FormatPE:
		return goos == "windows"
	case FormatMachO, FormatMachOFat:
		return goos == "darwin" || goos == "ios"
	}
	return true
}

// runsOn reports whether an artifact's format and OS fit goos.
func runsOn(a *Artifact, goos string) bool {
	if !formatRunsOn(a.Format, goos) {
		return false
	}
	if a.GOOS == "" || a.GOOS == goos {
		return true
	}
	solarish := func(s string) bool { return s == "solaris" || s == "illumos" }
	return solarish(a.GOOS) && solarish(goos)
}

// matching returns the declared targets the artifact is for.
func (c *Checker) matching(a *Artifact) []checkTarget {
	var out []checkTarget
	for _, t := range c.cfg.Targets {
		if a.GOARCH != "" && a.GOARCH == t.GOARCH && runsOn(a, t.GOOS) {
			out = append(out, checkTarget{t: t, name: t.String(), declared: true})
		}
	}
	return out
}

// describe says what an artifact is: `"dist/app" is a linux/arm64
// executable (AArch64 64-bit little-endian)`; for archive members,
// `objects in "libx.a" are relocatable objects for ?/arm64 (...)`.
func describe(a *Artifact) string {
	if a.Member != "" && a.Format == FormatELF {
		return fmt.Sprintf("objects in %q are %ss for %s", a.Path, a.Kind, platformMachine(a))
	}
	what := a.Kind
	if p := a.Platform(); p != "" {
		what = p + " " + what
	}
	if a.Machine != "" {
		what += " (" + a.Machine + ")"
	}
	name := fmt.Sprintf("%q", a.Path)
	if a.Member != "" {
		name += " (its " + a.Member + " slice)"
	}
	return fmt.Sprintf("%s is %s %s", name, article(what), what)
}

func platformOr(a *Artifact) string {
	if p := a.Platform(); p != "" {
		return p
	}
	return "an unknown platform"
}

func article(s string) string {
	if s != "" && strings.ContainsRune("aeiouAEIOU", rune(s[0])) {
		return "an"
	}
	return "a"
}

// headerSection names the header a file's machine comes from.
func headerSection(a *Artifact) string {
	switch a.Format {
	case FormatPE:
		return "PE header"
	case FormatMachO, FormatMachOFat:
		return "Mach-O header"
	}
	return "ELF header"
}

// mismatch is XC5001: the artifact is for none of the declared targets.
func (c *Checker) mismatch(a *Artifact) finding.Finding {
	var names []string
	for _, t := range c.cfg.Targets {
		names = append(names, t.String())
	}
	section := headerSection(a)
	// When the machine fits and only the OS differs, point at the
	// evidence of the OS.
	for _, t := range c.cfg.Targets {
		if a.GOARCH == t.GOARCH && formatRunsOn(a.Format, t.GOOS) && a.GOOSFrom != "" && a.GOOSFrom != "format" && a.GOOSFrom != "members" {
			section = a.GOOSFrom
			if section == "Go build info" {
				section = goSection(a)
			}
			break
		}
	}
	msg := fmt.Sprintf("%s, not for %s", describe(a), strings.Join(names, " or "))
	f := finding.New(RulePlatformMismatch, "", finding.Position{File: a.Path, Section: section}, msg)
	f.Targets = names
	if len(c.cfg.Targets) == 1 {
		t := c.cfg.Targets[0]
		if a.Go != nil {
			env := "GOOS=" + t.GOOS + " GOARCH=" + t.GOARCH
			if t.Variant != "" {
				env += " " + t.VariantVar() + "=" + t.Variant
			}
			f.Fix = fmt.Sprintf("rebuild it for %s (%s go build), or drop it from the release for this target", t, env)
		} else if trip := cc.Triplets(t.GOOS, t.GOARCH, strings.SplitN(t.Variant, ",", 2)[0]); len(trip) > 0 {
			f.Fix = fmt.Sprintf("rebuild it with the target's C compiler (%s-gcc), or drop it from the release for this target", trip[0])
		}
	}
	return f
}

func platformMachine(a *Artifact) string {
	s := platformOr(a)
	if a.Machine != "" {
		s += " (" + a.Machine + ")"
	}
	return s
}

// goSection is where the Go build info of a file lives.
func goSection(a *Artifact) string {
	if a.Go != nil && a.Go.Guess {
		return "gore"
	}
	if a.Format == FormatELF {
		return ".go.buildinfo"
	}
	return "Go build info"
}

// artifactCheck is the check of one artifact against one target.
type artifactCheck struct {
	c   *Checker
	a   *Artifact
	ct  checkTarget
	pol abi.Policy
	fs  []finding.Finding
}

func (k *artifactCheck) add(r *finding.Rule, section, msg, fix string, why ...string) *finding.Finding {
	f := finding.New(r, k.ct.name, finding.Position{File: k.a.Path, Section: section}, msg)
	if fix != "" {
		f.Fix = fix
	}
	f.Why = why
	k.fs = append(k.fs, f)
	return &k.fs[len(k.fs)-1]
}

// subject names the artifact in messages: `"dist/app"`, `"dist/app"
// (its arm64 slice)` for a universal file, `objects in "libx.a"` for
// archive members (plural: see verb).
func (k *artifactCheck) subject() string {
	switch {
	case k.a.Member != "" && k.a.Format == FormatELF:
		return fmt.Sprintf("objects in %q", k.a.Path)
	case k.a.Member != "":
		return fmt.Sprintf("%q (its %s slice)", k.a.Path, k.a.Member)
	}
	return fmt.Sprintf("%q", k.a.Path)
}

// verb returns the singular or plural form for the subject.
func (k *artifactCheck) verb(one, many string) string {
	if k.a.Member != "" && k.a.Format == FormatELF {
		return many
	}
	return one
}

func (k *artifactCheck) goos() string {
	if k.ct.t.GOOS != "" {
		return k.ct.t.GOOS
	}
	return k.a.GOOS
}

func (k *artifactCheck) goarch() string {
	if k.ct.t.GOARCH != "" {
		return k.ct.t.GOARCH
	}
	return k.a.GOARCH
}

// linux reports whether the artifact is a Linux ELF file for the target
// (or an ELF file whose OS is unknown, with no target to say otherwise).
func (k *artifactCheck) linux() bool {
	if k.a.ELF == nil {
		return false
	}
	g := k.goos()
	return g == "linux" || g == ""
}

func (k *artifactCheck) run() {
	k.symbolVersions()
	k.libc()
	k.sysroot()
	k.cpu()
	k.goOSMinimum()
	k.staticGlibc()
	k.cgo()
	k.kernel()
}

// maxSymbols is how many symbols a finding names per version.
const maxSymbols = 10

func symbolList(syms []string) string {
	if len(syms) == 0 {
		return "no symbol (the version is needed by the loader)"
	}
	s := strings.Join(syms[:min(len(syms), maxSymbols)], ", ")
	if len(syms) > maxSymbols {
		s += fmt.Sprintf(", and %d more", len(syms)-maxSymbols)
	}
	return s
}

// zigArch is the zig cc target architecture of a GOARCH.
var zigArch = map[string]string{
	"amd64": "x86_64", "386": "x86", "arm64": "aarch64", "arm": "arm", "riscv64": "riscv64",
	"ppc64le": "powerpc64le", "ppc64": "powerpc64", "s390x": "s390x", "loong64": "loongarch64",
	"mips": "mips", "mipsle": "mipsel", "mips64": "mips64", "mips64le": "mips64el",
}

// XC5002: needed glibc (and libstdc++) versions above the floor.
func (k *artifactCheck) symbolVersions() {
	x := k.a.ELF
	if x == nil || !k.linux() || k.pol.Glibc == "" || k.pol.Libc == abi.LibcMusl {
		return
	}
	floor := k.pol.Glibc
	if above := x.NeededVersionsAbove("GLIBC_", floor); len(above) > 0 {
		top := above[0].Name
		var why []string
		for _, n := range above {
			why = append(why, fmt.Sprintf("%s from %s: %s", n.Name, n.Library, symbolList(n.Symbols)))
		}
		var fixes []string
		if z, ok := zigArch[k.goarch()]; ok {
			abiSuffix := "gnu"
			if k.goarch() == "arm" {
				abiSuffix = "gnueabihf"
			}
			fixes = append(fixes, fmt.Sprintf("link against a glibc %s sysroot (CC=\"zig cc -target %s-linux-%s.%s\", or an older distribution's cross packages)", floor, z, abiSuffix, floor))
		} else {
			fixes = append(fixes, fmt.Sprintf("link against a glibc %s sysroot", floor))
		}
		if k.a.Go != nil {
			fixes = append(fixes, "build with CGO_ENABLED=0")
		}
		fixes = append(fixes, fmt.Sprintf("raise --glibc to %s", strings.TrimPrefix(top, "GLIBC_")))
		k.add(RuleSymbolVersionAboveFloor, ".gnu.version_r",
			fmt.Sprintf("%s needs glibc %s (%s), above the declared floor %s", k.subject(), strings.TrimPrefix(top, "GLIBC_"), top, floor),
			joinOr(fixes), why...)
	}
	cxx, ok := cxxFloorFor(floor)
	if !ok {
		return
	}
	for _, fam := range []struct{ prefix, floor string }{{"GLIBCXX_", cxx.glibcxx}, {"CXXABI_", cxx.cxxabi}} {
		above := x.NeededVersionsAbove(fam.prefix, fam.floor)
		if len(above) == 0 {
			continue
		}
		var why []string
		for _, n := range above {
			why = append(why, fmt.Sprintf("%s from %s: %s", n.Name, n.Library, symbolList(n.Symbols)))
		}
		k.add(RuleSymbolVersionAboveFloor, ".gnu.version_r",
			fmt.Sprintf("%s needs %s, above %s%s, the newest that systems with glibc %s have (manylinux_%s)",
				k.subject(), above[0].Name, fam.prefix, fam.floor, floor, strings.ReplaceAll(cxx.glibc, ".", "_")),
			"link libstdc++ statically (-static-libstdc++), or build with the GCC of a distribution with the floor's glibc, or raise --glibc",
			why...)
	}
}

func joinOr(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + ", or " + parts[len(parts)-1]
}

// sysrootFor returns the declared sysroot of the target.
func (k *artifactCheck) sysrootFor() *abi.Sysroot {
	m := k.c.cfg.Sysroots
	if m == nil {
		return nil
	}
	if k.ct.name != "" {
		if s, ok := m[k.ct.name]; ok {
			return s
		}
		if s, ok := m[k.ct.t.Pair()]; ok {
			return s
		}
	}
	return m[""]
}

// XC5003: glibc binary for musl systems, or the reverse.
func (k *artifactCheck) libc() {
	a := k.a
	if a.ELF == nil || !k.linux() || (a.Linking != Dynamic && a.Kind != "shared object") {
		return
	}
	if a.Libc != "glibc" && a.Libc != "musl" {
		return
	}
	declared, from := k.pol.Libc, "the target systems run"
	if declared == abi.LibcUnknown {
		if sr := k.sysrootFor(); sr != nil && (sr.Libc.Value == abi.LibcGlibc || sr.Libc.Value == abi.LibcMusl) {
			declared, from = sr.Libc.Value, "the sysroot "+sr.Root+" has"
		}
	}
	if declared != abi.LibcGlibc && declared != abi.LibcMusl || declared.String() == a.Libc {
		return
	}
	evidence := a.LibcFrom
	section := a.LibcFrom
	switch a.LibcFrom {
	case "PT_INTERP":
		evidence = "PT_INTERP " + a.ELF.Interp
	case "DT_NEEDED":
		section = ".dynamic"
		evidence = "DT_NEEDED " + strings.Join(a.ELF.Needed, ", ")
	}
	fix := "build with CGO_ENABLED=0 (a static Go binary runs on both), or link against " + declared.String()
	if a.Go == nil {
		fix = "link against " + declared.String() + " (its C compiler and sysroot), or link statically"
	}
	if declared == abi.LibcMusl {
		if z, ok := zigArch[k.goarch()]; ok {
			fix += fmt.Sprintf(" (CC=musl-gcc, or zig cc -target %s-linux-musl)", z)
		}
	}
	k.add(RuleLibcMismatch, section,
		fmt.Sprintf("%s is dynamically linked against %s (%s), but %s %s", k.subject(), a.Libc, evidence, from, declared), fix)
}

// XC5004 and XC5005: the loader and the needed libraries in the sysroot.
func (k *artifactCheck) sysroot() {
	a := k.a
	sr := k.sysrootFor()
	if sr == nil || a.ELF == nil || !k.linux() {
		return
	}
	x := a.ELF
	if x.Interp != "" {
		if _, ok := sr.HasFile(x.Interp); !ok {
			var have []string
			for _, l := range sr.Loaders {
				have = append(have, l.Path)
			}
			msg := fmt.Sprintf("%s asks for the loader %s, which the sysroot %s does not have", k.subject(), x.Interp, sr.Root)
			fix := ""
			if len(have) > 0 {
				msg += " (it has " + strings.Join(have, ", ") + ")"
				fix = fmt.Sprintf("link with the target's C compiler and sysroot so that PT_INTERP is %s (or set it with -ldflags=-I%s), or build without cgo for a static binary", have[0], have[0])
			}
			k.add(RuleLoaderMissing, "PT_INTERP", msg, fix)
		}
	}
	for _, name := range x.Needed {
		lib, where, err := k.c.lookup(sr, a, name)
		if err != nil {
			msg := fmt.Sprintf("%s needs %s, which the sysroot %s does not have", k.subject(), name, sr.Root)
			var why []string
			if !errors.Is(err, fs.ErrNotExist) {
				msg = fmt.Sprintf("%s needs %s, which the sysroot %s has but cannot be used", k.subject(), name, sr.Root)
				why = append(why, err.Error())
			}
			k.add(RuleNeededLibraryMissing, ".dynamic", msg,
				fmt.Sprintf("install %s on the target systems (and in the sysroot), ship it beside the binary with a RUNPATH of $ORIGIN, or link it statically", name), why...)
			continue
		}
		if len(lib.Facts.Defined) == 0 {
			continue // an unversioned library (musl) satisfies any version with a warning only
		}
		var missing []string
		var names []string
		for _, l := range x.Needs {
			if l.Library != name {
				continue
			}
			for _, v := range l.Versions {
				if v.Flags&elf.VER_FLG_WEAK != 0 || lib.HasVersion(v.Name) {
					continue
				}
				names = append(names, v.Name)
				missing = append(missing, fmt.Sprintf("%s: %s", v.Name, symbolList(v.Symbols)))
			}
		}
		if len(missing) == 0 {
			continue
		}
		slices.SortFunc(names, func(a, b string) int { return abi.CompareVersions(b, a) })
		have := ""
		if fam := abi.VersionPrefix(names[0]); fam != "" {
			if v, ok := lib.Facts.MaxDefinedVersion(fam); ok {
				have = fmt.Sprintf(" (it defines up to %s)", v)
			}
		}
		k.add(RuleNeededLibraryMissing, ".gnu.version_r",
			fmt.Sprintf("%s needs %s from %s, which the sysroot's %s does not define%s", k.subject(), strings.Join(names, ", "), name, where, have),
			"link against the sysroot the target systems match (or an older one), or install the library version the artifact was linked against", missing...)
	}
}

// lookup finds a needed library the way the loader would for the target:
// DT_RPATH (when there is no DT_RUNPATH) and DT_RUNPATH, with $ORIGIN
// taken beside the artifact on this machine and absolute directories
// inside the sysroot, then the sysroot's library directories. It returns
// the library and where it was found.
func (c *Checker) lookup(sr *abi.Sysroot, a *Artifact, name string) (*abi.SharedLibrary, string, error) {
	x := a.ELF
	dirs := x.RunPath
	if len(dirs) == 0 {
		dirs = x.RPath
	}
	for _, list := range dirs {
		for _, d := range strings.Split(list, ":") {
			switch {
			case strings.HasPrefix(d, "$ORIGIN") || strings.HasPrefix(d, "${ORIGIN}"):
				rest := strings.TrimPrefix(strings.TrimPrefix(d, "${ORIGIN}"), "$ORIGIN")
				p := filepath.Join(filepath.Dir(a.Path), filepath.FromSlash(rest), name)
				if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
					f, err := abi.ReadELF(p)
					if err != nil {
						return nil, p, err
					}
					return &abi.SharedLibrary{File: p, Facts: f}, p, nil
				}
			case strings.HasPrefix(d, "/"):
				if l, err := sr.LookupLibrary(path.Join(d, name)); err == nil {
					return l, l.File, nil
				}
			}
		}
	}
	c.mu.Lock()
	r, ok := c.libs[libKey{sr.Root, name}]
	c.mu.Unlock()
	if !ok {
		l, err := sr.LookupLibrary(name)
		r = libResult{l, err}
		c.mu.Lock()
		c.libs[libKey{sr.Root, name}] = r
		c.mu.Unlock()
	}
	if r.err != nil {
		return nil, "", r.err
	}
	return r.lib, r.lib.File, nil
}

// cpuFloor returns the declared CPU floor for the target's GOARCH and
// how it was declared.
func (k *artifactCheck) cpuFloor() (goarch, floor, from string) {
	goarch = k.goarch()
	if goarch == "" {
		return "", "", ""
	}
	if v := k.c.cfg.CPU[goarch]; v != "" {
		return goarch, v, "--cpu " + goarch + "/" + dockerVariant(goarch, v)
	}
	if k.ct.declared && k.ct.t.Variant != "" {
		return goarch, k.ct.t.Variant, "the target " + k.ct.name
	}
	return goarch, "", ""
}

func dockerVariant(goarch, v string) string {
	if vv := matrix.VariantFor(goarch); vv != nil {
		return vv.Docker(v)
	}
	return v
}

// XC5006: CPU level above the floor.
func (k *artifactCheck) cpu() {
	a := k.a
	goarch, floor, from := k.cpuFloor()
	if floor == "" {
		return
	}
	floorName := goarch + "/" + dockerVariant(goarch, floor)
	goFired := false
	if vv := matrix.VariantFor(goarch); vv != nil && a.Go != nil {
		if have := a.Go.Setting(vv.Name); have != "" {
			if above, why := variantAbove(goarch, have, floor); above {
				goFired = true
				msg := fmt.Sprintf("%s is built with %s=%s, above the declared CPU floor %s", k.subject(), vv.Name, have, floorName)
				if from != "--cpu "+floorName {
					msg += " (" + from + ")"
				}
				k.add(RuleCPUAboveFloor, goSection(a), msg, fmt.Sprintf("rebuild with %s=%s", vv.Name, floor), why)
			}
		}
	}
	if goFired || goarch != "arm" || a.ELF == nil || a.ELF.ARM == nil {
		return
	}
	fl := parseARM(floor)
	arm := a.ELF.ARM
	if arch, ok := arm.Attributes.CPUArch(); ok {
		if need := arch.GOARM(); need > fl.level {
			k.add(RuleCPUAboveFloor, arm.AttributesSection,
				fmt.Sprintf("%s %s built for ARM %s (Tag_CPU_arch), above the declared CPU floor %s", k.subject(), k.verb("is", "are"), arch, floorName),
				fmt.Sprintf("compile the C code for the floor (-march=armv%d with %s), or raise the floor", fl.level, armCC(fl)),
				"ARM "+arch.String()+" code needs GOARM="+itoa(need)+" or a newer CPU; the floor is GOARM="+itoa(fl.level))
		}
	}
	if fa, ev := arm.EffectiveFloatABI(); fa == abi.FloatABIHard && !fl.hard {
		k.add(RuleCPUAboveFloor, ev,
			fmt.Sprintf("%s %s the hard-float ABI (VFP registers), but the declared CPU floor %s is soft-float", k.subject(), k.verb("uses", "use"), floorName),
			"compile with the soft-float toolchain (arm-linux-gnueabi-gcc, Debian armel) for FPU-less devices, or raise the floor")
	}
}

func armCC(fl armLevel) string {
	if fl.hard {
		return "arm-linux-gnueabihf-gcc"
	}
	return "arm-linux-gnueabi-gcc"
}

// armLevel is a GOARM value: the architecture level and the float ABI.
type armLevel struct {
	level int
	hard  bool
}

// parseARM parses a GOARM value ("6", "7,softfloat"); 5 is soft-float,
// 6 and 7 hard-float unless a suffix says otherwise.
func parseARM(v string) armLevel {
	head, suffix, _ := strings.Cut(v, ",")
	l := armLevel{level: 7}
	if len(head) == 1 && head[0] >= '5' && head[0] <= '7' {
		l.level = int(head[0] - '0')
	}
	l.hard = l.level >= 6
	switch suffix {
	case "softfloat":
		l.hard = false
	case "hardfloat":
		l.hard = true
	}
	return l
}

// variantOrder is the order of the variant values that are a plain
// ladder, oldest first.
var variantOrder = map[string][]string{
	"amd64":    {"v1", "v2", "v3", "v4"},
	"386":      {"softfloat", "sse2"},
	"mips":     {"softfloat", "hardfloat"},
	"mipsle":   {"softfloat", "hardfloat"},
	"mips64":   {"softfloat", "hardfloat"},
	"mips64le": {"softfloat", "hardfloat"},
	"ppc64":    {"power8", "power9", "power10"},
	"ppc64le":  {"power8", "power9", "power10"},
	"riscv64":  {"rva20u64", "rva22u64", "rva23u64"},
}

// variantAbove reports whether code built with the variant value have
// needs more than the floor provides, and why.
func variantAbove(goarch, have, floor string) (bool, string) {
	switch goarch {
	case "arm":
		h, f := parseARM(have), parseARM(floor)
		switch {
		case h.level > f.level:
			return true, fmt.Sprintf("GOARM=%d code uses ARMv%d instructions; an ARMv%d CPU stops with SIGILL", h.level, h.level, f.level)
		case h.hard && !f.hard:
			return true, "hard-float code needs a VFP unit, which the soft-float floor does not promise"
		}
		return false, ""
	case "arm64":
		h, f := parseARM64(have), parseARM64(floor)
		switch {
		case h.rank > f.rank:
			return true, fmt.Sprintf("GOARM64=%s code uses instructions an Arm %s CPU does not have (SIGILL)", have, strings.SplitN(floor, ",", 2)[0])
		case h.lse && !f.lse:
			return true, "LSE atomics need Armv8.1 or the lse feature"
		case h.crypto && !f.crypto:
			return true, "the crypto feature needs the Arm cryptographic extension"
		}
		return false, ""
	}
	order := variantOrder[goarch]
	hi, fi := slices.Index(order, have), slices.Index(order, floor)
	if hi < 0 || fi < 0 || hi <= fi {
		return false, ""
	}
	return true, fmt.Sprintf("%s code needs a %s CPU; the floor is %s", have, have, floor)
}

type arm64Level struct {
	rank        int
	lse, crypto bool
}

// parseARM64 parses a GOARM64 value ("v8.2,crypto"): v9.x includes
// v8.(x+5); v8.1 and later imply LSE.
func parseARM64(v string) arm64Level {
	parts := strings.Split(v, ",")
	var l arm64Level
	var major, minor int
	if _, err := fmt.Sscanf(parts[0], "v%d.%d", &major, &minor); err == nil {
		if major == 9 {
			l.rank = 2*(minor+5) + 1
		} else {
			l.rank = 2 * minor
		}
		l.lse = major > 8 || minor >= 1
	}
	for _, p := range parts[1:] {
		switch p {
		case "lse":
			l.lse = true
		case "crypto":
			l.crypto = true
		}
	}
	return l
}

// kernelFloor is --kernel, else --min-os linux=.
func (k *artifactCheck) kernelFloor() (string, string) {
	if k.pol.Kernel != "" {
		return k.pol.Kernel, "--kernel"
	}
	if v := k.c.cfg.MinOS["linux"]; v != "" {
		return v, "--min-os linux"
	}
	return "", ""
}

// XC5007: the Go release's OS minimum above --min-os.
func (k *artifactCheck) goOSMinimum() {
	a := k.a
	rel := a.Go.Release()
	if rel == "" {
		return
	}
	goos, goarch := k.goos(), k.goarch()
	key, minimum := matrix.MinOS(rel, goos, goarch)
	if key == "" || minimum == "" {
		return
	}
	floor := k.c.cfg.MinOS[key]
	if key == "linux" && k.pol.Kernel != "" {
		floor = k.pol.Kernel
	}
	if floor == "" || matrix.CompareDotted(minimum, floor) <= 0 {
		return
	}
	what := goos
	if r, _ := matrix.ReleaseFor(rel); r.PortMinOS[goos+"/"+goarch] != "" {
		what = goos + "/" + goarch
	}
	var why []string
	switch {
	case a.PE != nil && a.PE.OSVersion != "":
		why = append(why, fmt.Sprintf("the PE header says %s (Windows %s): the Go linker writes that for every release", a.PE.OSVersion, windowsName(a.PE.OSVersion)))
	case a.MachO != nil && a.MachO.MinOS != "":
		why = append(why, fmt.Sprintf("the Mach-O header says %s %s: the Go linker's value, not the release's requirement", a.MachO.Platform, a.MachO.MinOS))
	}
	if a.Go.Guess {
		why = append(why, "the Go version is a guess: "+a.Go.GuessNote)
	}
	name := matrix.OSName(key)
	fix := fmt.Sprintf("raise the floor to %s %s", name, minimum)
	if last := matrix.LastReleaseSupporting(key, goos+"/"+goarch, floor); last != "" {
		fix = fmt.Sprintf("build with go%s (the last release that supports %s %s), or %s", last, name, floor, fix)
	}
	f := k.add(RuleGoOSMinimumAboveFloor, goSection(a),
		fmt.Sprintf("%s is built by %s, whose %s binaries need %s %s or later, but the declared floor is %s %s",
			k.subject(), a.Go.GoVersion, what, name, minimum, name, floor), fix, why...)
	if a.Go.Guess {
		f.Severity = finding.Warning
	}
}

// windowsName names the Windows release of a PE OS version.
func windowsName(v string) string {
	switch v {
	case "5.1":
		return "XP"
	case "6.0":
		return "Vista"
	case "6.1":
		return "7"
	case "6.2":
		return "8"
	case "6.3":
		return "8.1"
	case "10.0":
		return "10"
	}
	return v
}

// XC5008: statically linked glibc.
func (k *artifactCheck) staticGlibc() {
	a := k.a
	if a.ELF == nil || !k.linux() || !a.IsExecutable() || a.Linking != Static || a.Libc != "glibc" {
		return
	}
	msg := fmt.Sprintf("%s is statically linked against glibc", k.subject())
	if km := a.KernelMin(); km != "" {
		msg += fmt.Sprintf(" (it needs Linux %s or later)", km)
	}
	fix := "link statically against musl, or link dynamically"
	if a.Go != nil {
		fix = "build with CGO_ENABLED=0, or -tags netgo,osusergo, for a static binary without glibc, or link statically against musl"
	}
	k.add(RuleStaticGlibc, a.ELF.ABITagSection, msg, fix)
}

// XC5009: a cgo binary where --cgo off was declared.
func (k *artifactCheck) cgo() {
	a := k.a
	if !k.c.cfg.CgoOff || a.Go == nil {
		return
	}
	cgo, known := a.Go.Cgo()
	if !known || !cgo {
		return
	}
	how := "built with CGO_ENABLED=1"
	if a.Go.Setting("CGO_ENABLED") == "" {
		how = "built with cgo (runtime/cgo is linked in, says gore)"
	}
	var why []string
	if x := a.ELF; x != nil && (x.Interp != "" || len(x.Needed) > 0) {
		s := "it is dynamically linked:"
		if len(x.Needed) > 0 {
			s += " needs " + strings.Join(x.Needed, ", ")
		}
		if x.Interp != "" {
			s += ", loader " + x.Interp
		}
		why = append(why, strings.Replace(s, ":,", ":", 1))
	}
	k.add(RuleCgoBinary, goSection(a), fmt.Sprintf("%s is %s, but --cgo off was declared", k.subject(), how),
		"rebuild with CGO_ENABLED=0", why...)
}

// XC5010: the ABI tag's kernel above the floor.
func (k *artifactCheck) kernel() {
	a := k.a
	if a.ELF == nil || a.ELF.ABITag == nil || a.ELF.ABITag.OS != abi.ABITagLinux || !k.linux() {
		return
	}
	if a.Kind == "relocatable object" {
		return // crt1.o itself; the tag counts where it is linked in
	}
	floor, from := k.kernelFloor()
	if floor == "" {
		return
	}
	tag := a.ELF.ABITag.String()
	if matrix.CompareDotted(tag, floor) <= 0 {
		return
	}
	k.add(RuleKernelAboveFloor, a.ELF.ABITagSection,
		fmt.Sprintf("%s needs Linux %s or later (NT_GNU_ABI_TAG), above the declared kernel floor %s (%s)", k.subject(), tag, floor, from),
		"")
}
