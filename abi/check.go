package abi

import (
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/xcheck-dev/xcheck/abi/cc"
	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/matrix"
)

// CheckInput is what [Check] looks at for one target.
type CheckInput struct {
	// Build is the resolved target: GOOS/GOARCH, the effective variant
	// (GOARM, GOMIPS), whether cgo is on.
	Build *matrix.Build
	// Discovery is how the sysroot was found ([Discover], [LoadSysroot]).
	// A zero Discovery with no Sysroot and no Err means nobody looked:
	// then XC4008 is not reported.
	Discovery Discovery
	// Sysroot is the sysroot's facts, nil when there is none.
	Sysroot *Sysroot
	// Err is why there is no Sysroot: the error of Discover (a
	// [*DiscoverError]) or of ReadSysroot.
	Err error
	// Policy is the target's declared floors ([Policies.For]).
	Policy Policy
	// GoVersion is the Go version of the toolchain ("go1.26.8"), for
	// the Go release's own Linux kernel minimum; "" skips that check.
	GoVersion string
	// CC is the probed C compiler of the build, nil if it was not probed.
	CC *cc.Info
}

// Check applies the XC4xxx rules to one Linux target.
//
// With cgo on, the program is linked against the sysroot, and every rule
// applies: no sysroot (XC4008), wrong architecture (XC4001; the other
// sysroot rules are then skipped), C library kind (XC4002), glibc and
// kernel above the floors (XC4003, XC4004), ARM and MIPS float ABI
// (XC4005, XC4007) and ARM CPU (XC4006). With cgo off nothing is linked
// against the sysroot: only the Go release's own kernel minimum (XC4004)
// is checked, and XC4006 when the sysroot was named explicitly (it then
// describes the target devices' CPU). Other operating systems have no
// findings yet.
func Check(ctx context.Context, in CheckInput) []finding.Finding {
	b := in.Build
	if b == nil || b.Port == nil || b.Target.GOOS != "linux" {
		return nil
	}
	c := &checker{in: in, b: b, s: in.Sysroot, name: b.Target.String()}
	cgo := b.CgoEnabled && b.Port.CgoSupported
	explicit := in.Discovery.Method == MethodFlag || in.Discovery.Method == MethodCgoFlags
	linked := cgo && c.noSysroot()
	mismatch := linked && c.archMismatch()
	if mismatch {
		linked = false
	} else if linked {
		c.libcKind()
		c.glibcFloor()
		c.armFloat()
		c.mipsFloat()
	}
	if c.s != nil && !mismatch && (linked || explicit) {
		c.armCPU()
	}
	c.kernel(linked)
	finding.Sort(c.fs)
	return c.fs
}

type checker struct {
	in   CheckInput
	b    *matrix.Build
	s    *Sysroot
	name string
	fs   []finding.Finding
}

func (c *checker) add(r *finding.Rule, pos finding.Position, msg, fix string, why ...string) {
	f := finding.New(r, c.name, pos, msg)
	if fix != "" {
		f.Fix = fix
	}
	f.Why = why
	c.fs = append(c.fs, f)
}

// pos is the position of a fact: the file as a host path, and its section.
func (c *checker) pos(src Source) finding.Position {
	if src.File == "" {
		return finding.Position{}
	}
	return finding.Position{File: filepath.Join(c.s.Root, filepath.FromSlash(src.File)), Section: src.Section}
}

func (c *checker) goarm() string {
	if c.b.Target.GOARCH != "arm" {
		return ""
	}
	if c.b.Variant == "" {
		return "7" // the default since Go 1.21 for cross builds
	}
	return c.b.Variant
}

// installFix tells how to get the target's Debian sysroot.
func (c *checker) installFix() string {
	t := c.b.Target
	triples := cc.Triplets(t.GOOS, t.GOARCH, c.goarm())
	arch := DebianArch(t.GOARCH, c.goarm())
	switch {
	case c.b.Native:
		return "apt-get install libc6-dev"
	case arch != "" && len(triples) > 0:
		return fmt.Sprintf("apt-get install libc6-dev-%s-cross (sysroot /usr/%s)", arch, triples[0])
	}
	return ""
}

// noSysroot reports XC4008 when there is no usable sysroot, and reports
// whether there is one to check.
func (c *checker) noSysroot() bool {
	in := c.in
	fix := c.installFix()
	name := c.name
	withFlag := func(f string) string {
		if f == "" {
			return "name the sysroot with --sysroot " + name + "=PATH"
		}
		return f + ", or name the sysroot with --sysroot " + name + "=PATH"
	}
	var de *DiscoverError
	switch {
	case in.Err != nil && errors.As(in.Err, &de) && de.Explicit != "":
		c.add(RuleNoSysroot, finding.Position{},
			fmt.Sprintf("cgo is on but the sysroot named by %s is unusable: %v", de.Explicit, de.Err),
			"point "+strings.Fields(de.Explicit)[0]+" at the target's sysroot, a directory with lib/libc.so.6 or usr/lib/<triple>/libc.so.6", de.Tried...)
		return false
	case in.Err != nil && errors.Is(in.Err, ErrNoSysroot):
		var tried []string
		if de != nil {
			tried = de.Tried
		}
		c.add(RuleNoSysroot, finding.Position{}, "cgo is on but no sysroot with a C library was found", withFlag(fix), tried...)
		return false
	case in.Err != nil:
		c.add(RuleNoSysroot, finding.Position{}, fmt.Sprintf("cgo is on but the sysroot cannot be read: %v", in.Err), withFlag(fix))
		return false
	case c.s == nil:
		return false // nobody looked, or zig cc: nothing to check
	case !c.s.Libc.Known() && !c.s.Machine.Known():
		why := []string{"found by " + in.Discovery.How}
		for _, p := range c.s.Problems {
			why = append(why, p.Error())
		}
		c.add(RuleNoSysroot, finding.Position{},
			fmt.Sprintf("cgo is on but the sysroot %q has no C library (libc.so.6, libc.so)", c.s.Root), withFlag(fix), why...)
		return false
	}
	return true
}

// archMismatch reports XC4001 and whether it fired.
func (c *checker) archMismatch() bool {
	s := c.s
	want, ok := goarchELF[c.b.Target.GOARCH]
	if !ok || !s.Machine.Known() {
		return false
	}
	m := s.Machine.Value
	n32 := m.Machine == elf.EM_MIPS && m.Class == elf.ELFCLASS32 && m.Flags&EF_MIPS_ABI2 != 0
	if m.Machine == want.machine && m.Class == want.class && m.Data == want.data && !n32 {
		return false
	}
	wantInfo := MachineInfo{Machine: want.machine, Class: want.class, Data: want.data}
	have := m.String()
	if g := m.GOARCH(); g != "" {
		have = "linux/" + g + " (" + have + ")"
	}
	fix := "use a sysroot for " + c.b.Target.Pair()
	t := c.b.Target
	if arch, triples := DebianArch(t.GOARCH, c.goarm()), cc.Triplets(t.GOOS, t.GOARCH, c.goarm()); arch != "" && len(triples) > 0 {
		fix += fmt.Sprintf(": apt-get install libc6-dev-%s-cross and --sysroot %s=/usr/%s", arch, c.name, triples[0])
	}
	c.add(RuleSysrootArchMismatch, c.pos(s.Machine.Source),
		fmt.Sprintf("sysroot %q is for %s, not %s (%s)", s.Root, have, c.b.Target.Pair(), wantInfo),
		fix,
		fmt.Sprintf("%s: e_machine %s, %s, %s, e_flags %#x", s.Machine.Source.File, m.Machine, m.Class, m.Data, m.Flags),
		"sysroot found by "+c.in.Discovery.How)
	return true
}

// libcKind reports XC4002.
func (c *checker) libcKind() {
	want, s := c.in.Policy.Libc, c.s
	if want == LibcUnknown || !s.Libc.Known() || s.Libc.Value == want {
		return
	}
	fix := "link against a glibc sysroot with a glibc C compiler, or declare --libc " + s.Libc.Value.String() + " if the target systems run it"
	if want == LibcMusl {
		fix = "link against a musl sysroot with a musl C compiler (musl-gcc, <arch>-linux-musl-gcc), or declare --libc " + s.Libc.Value.String() + " if the target systems run it"
	}
	why := []string{fmt.Sprintf("%s: the C library is %s", s.Libc.Source, s.Libc.Value)}
	if s.Interp.Known() {
		why = append(why, fmt.Sprintf("%s: programs linked here ask for the loader %s", s.Interp.Source, s.Interp.Value))
	}
	c.add(RuleLibcMismatch, c.pos(s.Libc.Source),
		fmt.Sprintf("the sysroot's C library is %s, but --libc %s was declared", s.Libc.Value, want), fix, why...)
}

// debianGlibc is the glibc of Debian releases, oldest first.
var debianGlibc = []struct {
	release string
	glibc   GlibcVersion
}{
	{"Debian 8 jessie", GlibcVersion{2, 19, 0}},
	{"Debian 9 stretch", GlibcVersion{2, 24, 0}},
	{"Debian 10 buster", GlibcVersion{2, 28, 0}},
	{"Debian 11 bullseye", GlibcVersion{2, 31, 0}},
	{"Debian 12 bookworm", GlibcVersion{2, 36, 0}},
	{"Debian 13 trixie", GlibcVersion{2, 41, 0}},
}

// zigTriple is the `zig cc -target` of a Linux target with glibc.
func zigTriple(goarch, goarm, gomips string) string {
	hf := "gnueabihf"
	switch goarch {
	case "arm":
		if softARM(goarm) {
			hf = "gnueabi"
		}
		return "arm-linux-" + hf
	case "mips", "mipsle":
		if gomips == "softfloat" {
			hf = "gnueabi"
		}
		return map[string]string{"mips": "mips", "mipsle": "mipsel"}[goarch] + "-linux-" + hf
	case "386":
		return "x86-linux-gnu"
	}
	ts := cc.Triplets("linux", goarch, goarm)
	if len(ts) == 0 {
		return ""
	}
	return ts[0]
}

// glibcFloor reports XC4003.
func (c *checker) glibcFloor() {
	s := c.s
	if c.in.Policy.Glibc == "" || s.Libc.Value != LibcGlibc || !s.LibcVersion.Known() {
		return
	}
	floor, ok1 := ParseGlibcVersion(c.in.Policy.Glibc)
	have, ok2 := ParseGlibcVersion(s.LibcVersion.Value)
	if !ok1 || !ok2 || have.Compare(floor) <= 0 {
		return
	}
	why := []string{fmt.Sprintf("%s defines symbol versions up to GLIBC_%s: binaries linked against it can need any of them", s.LibcVersion.Source, have)}
	if v234 := (GlibcVersion{2, 34, 0}); have.Compare(v234) >= 0 && floor.Compare(v234) < 0 {
		why = append(why, "glibc 2.34 moved libpthread into libc: every cgo program linked against glibc 2.34 or newer needs GLIBC_2.34 (pthread_create, __libc_start_main) and fails on older systems with \"version `GLIBC_2.34' not found\"")
	}
	var ways []string
	sysroot := fmt.Sprintf("link against a glibc %s sysroot", floor)
	for i := len(debianGlibc) - 1; i >= 0; i-- {
		if d := debianGlibc[i]; d.glibc.Compare(floor) <= 0 {
			sysroot += fmt.Sprintf(" (for example %s's, glibc %s)", d.release, d.glibc)
			break
		}
	}
	ways = append(ways, sysroot)
	if z := zigTriple(c.b.Target.GOARCH, c.goarm(), c.b.Variant); z != "" {
		ways = append(ways, fmt.Sprintf("use CC=\"zig cc -target %s.%s\"", z, floor))
	}
	ways = append(ways, "raise --glibc to "+have.String())
	c.add(RuleGlibcAboveFloor, c.pos(s.LibcVersion.Source),
		fmt.Sprintf("the sysroot's glibc %s is newer than the declared floor %s", have, floor),
		strings.Join(ways[:len(ways)-1], ", ")+", or "+ways[len(ways)-1], why...)
}

// kernel reports XC4004: the sysroot's ABI tag (when linked) and the Go
// release's minimum against the --kernel floor.
func (c *checker) kernel(linked bool) {
	floor := c.in.Policy.Kernel
	if floor == "" {
		return
	}
	type req struct {
		min, msg, fix, why string
		pos                finding.Position
	}
	var reqs []req
	if linked && c.s.Kernel.Known() && c.s.Kernel.Value.OS == ABITagLinux {
		k := c.s.Kernel
		if min := k.Value.String(); matrix.CompareDotted(min, floor) > 0 {
			reqs = append(reqs, req{
				min: min,
				msg: fmt.Sprintf("the sysroot's C library needs Linux %s or later, above the declared kernel floor %s", min, floor),
				fix: fmt.Sprintf("link against a C library built for Linux %s (an older glibc, configured with --enable-kernel=%s), or raise --kernel to %s", floor, floor, min),
				why: fmt.Sprintf("%s: NT_GNU_ABI_TAG Linux %s; programs linked with its crt1.o die with \"FATAL: kernel too old\" on older kernels", k.Source, min),
				pos: c.pos(k.Source),
			})
		}
	}
	if c.in.GoVersion != "" {
		rel := matrix.ReleaseOf(c.in.GoVersion)
		pair := c.b.Target.Pair()
		if key, min := matrix.MinOS(rel, "linux", c.b.Target.GOARCH); key == "linux" && min != "" && matrix.CompareDotted(min, floor) > 0 {
			gover := c.in.GoVersion
			if !strings.HasPrefix(gover, "go") {
				gover = "go" + gover
			}
			fix := "raise --kernel to " + min
			if last := matrix.LastReleaseSupporting("linux", pair, floor); last != "" {
				fix = fmt.Sprintf("build with go%s (the last release that supports Linux %s), or %s", last, floor, fix)
			}
			reqs = append(reqs, req{
				min: min,
				msg: fmt.Sprintf("%s binaries for %s need Linux %s or later, above the declared kernel floor %s", gover, pair, min, floor),
				fix: fix,
				why: fmt.Sprintf("%s requires Linux %s for %s", gover, min, pair),
			})
		}
	}
	if len(reqs) == 0 {
		return
	}
	top := reqs[0]
	var why []string
	for _, r := range reqs {
		if matrix.CompareDotted(r.min, top.min) > 0 {
			top = r
		}
		why = append(why, r.why)
	}
	c.add(RuleKernelAboveFloor, top.pos, top.msg, top.fix, why...)
}

// armLoaders maps loader names to the float ABI they belong to.
var armLoaders = map[string]FloatABI{
	"ld-linux-armhf.so.3": FloatABIHard,
	"ld-musl-armhf.so.1":  FloatABIHard,
	"ld-linux.so.3":       FloatABISoft,
	"ld-musl-arm.so.1":    FloatABISoft,
}

// armSysrootFloat returns the sysroot's ARM float ABI and where it was
// read: e_flags or Tag_ABI_VFP_args of the C library, else its loader.
func (c *checker) armSysrootFloat() (FloatABI, Source) {
	s := c.s
	if s.ARMFloatABI.Known() {
		return s.ARMFloatABI.Value, s.ARMFloatABI.Source
	}
	if s.Interp.Known() {
		if fa, ok := armLoaders[path.Base(s.Interp.Value)]; ok {
			return fa, s.Interp.Source
		}
	}
	for _, l := range s.Loaders {
		if fa, ok := armLoaders[path.Base(l.Path)]; ok {
			return fa, Source{File: l.File}
		}
	}
	return FloatABIUnknown, Source{}
}

func armFloatName(fa FloatABI) string {
	if fa == FloatABIHard {
		return "hard-float ARM (armhf)"
	}
	return "soft-float ARM (armel)"
}

// armFloat reports XC4005.
func (c *checker) armFloat() {
	if c.b.Target.GOARCH != "arm" {
		return
	}
	have, src := c.armSysrootFloat()
	if have == FloatABIUnknown {
		return
	}
	goarm := c.goarm()
	want := FloatABIHard
	if softARM(goarm) {
		want = FloatABISoft
	}
	var ccFloat FloatABI
	if i := c.in.CC; i != nil && i.Found() && i.Target.GOARCH == "arm" {
		switch i.Target.Float {
		case "hard":
			ccFloat = FloatABIHard
		case "soft":
			ccFloat = FloatABISoft
		}
	}
	goarmBad := want != have
	ccBad := ccFloat != FloatABIUnknown && ccFloat != have
	if !goarmBad && !ccBad {
		return
	}
	why := []string{fmt.Sprintf("%s: the sysroot's C library is %s", src, armFloatName(have))}
	if c.s.Interp.Known() {
		why = append(why, fmt.Sprintf("%s: its programs ask for the loader %s", c.s.Interp.Source, c.s.Interp.Value))
	}
	var msg, fix string
	if goarmBad {
		msg = fmt.Sprintf("GOARM=%s builds for %s, but the sysroot's C library is %s", goarm, armFloatName(want), floatShort(have))
		kind, debArch, triple, other := "hard-float", "armhf", "arm-linux-gnueabihf", "GOARM=5 for soft-float devices"
		if want == FloatABISoft {
			kind, debArch, triple, other = "soft-float", "armel", "arm-linux-gnueabi", "GOARM=6 or 7 for hard-float devices"
		}
		fix = fmt.Sprintf("use a %s sysroot (apt-get install libc6-dev-%s-cross, --sysroot %s=/usr/%s) with CC=%s-gcc, or build with %s",
			kind, debArch, c.name, triple, triple, other)
		why = append(why, fmt.Sprintf("GOARM=%s selects %s", goarm, armFloatName(want)))
	}
	if ccBad {
		i := c.in.CC
		ccWhy := fmt.Sprintf("the C compiler %q targets %s (%s-float)", i.CC, i.Triple, i.Target.Float)
		why = append(why, ccWhy)
		if !goarmBad {
			msg = ccWhy + ", but the sysroot's C library is " + floatShort(have)
			triple := "arm-linux-gnueabihf"
			if have == FloatABISoft {
				triple = "arm-linux-gnueabi"
			}
			fix = fmt.Sprintf("set CC=%s-gcc to match the sysroot (and GOARM), or use a sysroot of the compiler's float ABI", triple)
		}
	}
	c.add(RuleARMFloatABIMismatch, c.pos(src), msg, fix, why...)
}

// floatShort is "soft-float (armel)" or "hard-float (armhf)".
func floatShort(fa FloatABI) string {
	if fa == FloatABIHard {
		return "hard-float (armhf)"
	}
	return "soft-float (armel)"
}

// armCPU reports XC4006.
func (c *checker) armCPU() {
	if c.b.Target.GOARCH != "arm" || !c.s.ARMCPUArch.Known() {
		return
	}
	goarm := c.goarm()
	need := int(goarm[0] - '0')
	arch := c.s.ARMCPUArch
	have := arch.Value.GOARM()
	if have >= need {
		return
	}
	fix := fmt.Sprintf("use a sysroot built for ARMv%d or later (Debian armhf is ARMv7)", need)
	if have >= 5 {
		fix = fmt.Sprintf("build with GOARM=%d for this sysroot's devices, or %s", have, fix)
	}
	why := []string{fmt.Sprintf("%s: Tag_CPU_arch %s", arch.Source, arch.Value)}
	if c.s.ARMCPUName.Known() {
		why = append(why, fmt.Sprintf("%s: Tag_CPU_name %q", c.s.ARMCPUName.Source, c.s.ARMCPUName.Value))
	}
	why = append(why, fmt.Sprintf("GOARM=%d code uses ARMv%d instructions: SIGILL on older CPUs", need, need))
	c.add(RuleARMCPUBelowGOARM, c.pos(arch.Source),
		fmt.Sprintf("the sysroot's C library is built for ARM %s, but GOARM=%d needs ARMv%d", arch.Value, need, need), fix, why...)
}

// mipsFloat reports XC4007.
func (c *checker) mipsFloat() {
	t := c.b.Target
	switch t.GOARCH {
	case "mips", "mipsle", "mips64", "mips64le":
	default:
		return
	}
	s := c.s
	varName := t.VariantVar()
	mode := c.b.Variant
	if mode == "" {
		mode = "hardfloat"
	}
	if s.MIPSFPABI.Known() && s.MIPSFPABI.Value != MIPSFPAny {
		fp := s.MIPSFPABI.Value
		soft := mode == "softfloat"
		if soft && fp.Hard() || !soft && fp == MIPSFPSoft {
			have, other := "hard-float", "hardfloat"
			if fp == MIPSFPSoft {
				have, other = "soft-float", "softfloat"
			}
			want := "hard-float"
			if soft {
				want = "soft-float"
			}
			c.add(RuleMIPSFloatABIMismatch, c.pos(s.MIPSFPABI.Source),
				fmt.Sprintf("%s=%s builds %s code, but the sysroot's C library is %s (fp_abi %s)", varName, mode, want, have, fp),
				fmt.Sprintf("build with %s=%s to match the sysroot, or use a %s sysroot", varName, other, want),
				fmt.Sprintf("%s: fp_abi %d (%s)", s.MIPSFPABI.Source, uint8(fp), fp),
				fmt.Sprintf("%s=%s: Go marks its objects fp_abi %d", varName, mode, map[bool]int{true: 3, false: 1}[soft]))
		}
	}
	if s.MIPSNaN2008.Known() && s.MIPSNaN2008.Value {
		c.add(RuleMIPSFloatABIMismatch, c.pos(s.MIPSNaN2008.Source),
			"the sysroot's C library uses the IEEE 754-2008 NaN encoding (NaN2008), but Go's MIPS objects use the legacy one",
			"use a sysroot built with the legacy NaN encoding (-mnan=legacy)",
			fmt.Sprintf("%s: EF_MIPS_NAN2008 is set", s.MIPSNaN2008.Source))
	}
}
