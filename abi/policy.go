package abi

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/xcheck-dev/xcheck/matrix"
)

// Policy is what the binaries for one target must run on: the oldest
// glibc, the kind of C library and the oldest Linux kernel. Empty fields
// declare nothing.
type Policy struct {
	// Glibc is the oldest glibc the binaries must run on ("2.28", as
	// [ParseGlibcFloor] returns it).
	Glibc string
	// Libc is the C library of the target systems: LibcGlibc or
	// LibcMusl; LibcUnknown declares none.
	Libc LibcKind
	// Kernel is the oldest Linux kernel the binaries must run on ("4.4",
	// as [ParseKernelFloor] returns it).
	Kernel string
}

// IsZero reports whether p declares nothing.
func (p Policy) IsZero() bool { return p == Policy{} }

// overlay returns p with the fields q sets replaced.
func (p Policy) overlay(q Policy) Policy {
	if q.Glibc != "" {
		p.Glibc = q.Glibc
	}
	if q.Libc != LibcUnknown {
		p.Libc = q.Libc
	}
	if q.Kernel != "" {
		p.Kernel = q.Kernel
	}
	return p
}

// Policies is the global policy and the per-target ones, as the --glibc,
// --libc and --kernel flags (and the glibc, libc and kernel keys of
// .xcheck.yaml) declare them.
//
// Each flag takes a comma-separated list of entries, and may be repeated
// (later entries win). An entry is either VALUE, for every target, or
// TARGET=VALUE, for one target:
//
//	--glibc 2.28                          every Linux target: glibc 2.28 or newer
//	--glibc 2.17,linux/riscv64=2.27       2.17, but 2.27 for linux/riscv64
//	--glibc linux/arm64=2.17              only linux/arm64
//	--libc musl                           every Linux target runs on musl
//	--libc linux/arm/v6=musl              only linux/arm/v6
//	--kernel 4.4,linux/loong64=5.19
//
// TARGET is written as for --target: GOOS/GOARCH, or GOOS/GOARCH/VARIANT
// (linux/arm/v6, linux/mips/softfloat; the comma of "linux/arm/v6,softfloat"
// is understood). An entry for GOOS/GOARCH applies to every variant of
// the pair; an entry for GOOS/GOARCH/VARIANT applies to targets written
// with that variant and wins over the pair's; both win over the global
// value, field by field. Sets and globs (linux/*) are not accepted.
type Policies struct {
	Default Policy
	// Targets maps canonical target names ("linux/arm64",
	// "linux/arm/v7") to their own policy; unset fields fall back to
	// the pair's entry, then to Default.
	Targets map[string]Policy
}

// For returns the policy of target t.
func (ps *Policies) For(t matrix.Target) Policy {
	if ps == nil {
		return Policy{}
	}
	p := ps.Default.overlay(ps.Targets[t.Pair()])
	if t.Variant != "" {
		p = p.overlay(ps.Targets[t.String()])
	}
	return p
}

// Set parses the value of one flag ("glibc", "libc" or "kernel"; a
// leading "--" is allowed) into ps.
func (ps *Policies) Set(flag, value string) error {
	flag = strings.TrimPrefix(flag, "--")
	for _, e := range splitPolicyList(value) {
		key, val, perTarget := strings.Cut(e, "=")
		if !perTarget {
			key, val = "", e
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		var p Policy
		switch flag {
		case "glibc":
			v, err := ParseGlibcFloor(val)
			if err != nil {
				return fmt.Errorf("invalid --glibc entry %q: %v", e, err)
			}
			p.Glibc = v.String()
		case "libc":
			k, err := ParseLibc(val)
			if err != nil {
				return fmt.Errorf("invalid --libc entry %q: %v", e, err)
			}
			p.Libc = k
		case "kernel":
			v, err := ParseKernelFloor(val)
			if err != nil {
				return fmt.Errorf("invalid --kernel entry %q: %v", e, err)
			}
			p.Kernel = v
		default:
			return fmt.Errorf("abi: unknown policy flag %q (want glibc, libc or kernel)", flag)
		}
		if !perTarget {
			ps.Default = ps.Default.overlay(p)
			continue
		}
		t, err := matrix.Parse(key)
		if err != nil {
			return fmt.Errorf("invalid --%s entry %q: %v", flag, e, err)
		}
		if ps.Targets == nil {
			ps.Targets = make(map[string]Policy)
		}
		ps.Targets[t.String()] = ps.Targets[t.String()].overlay(p)
	}
	return nil
}

// variantSuffixes are the parts of a variant written after a comma
// (GOARM=6,softfloat, GOARM64=v8.2,lse).
var variantSuffixes = map[string]bool{"softfloat": true, "hardfloat": true, "lse": true, "crypto": true}

// splitPolicyList splits a flag value at commas, keeping a variant suffix
// with the target before it: "linux/arm/v6,softfloat=musl,glibc" is
// "linux/arm/v6,softfloat=musl" and "glibc".
func splitPolicyList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		head, _, _ := strings.Cut(p, "=")
		if variantSuffixes[strings.ToLower(head)] && len(out) > 0 && !strings.Contains(out[len(out)-1], "=") {
			out[len(out)-1] += "," + p
			continue
		}
		out = append(out, p)
	}
	return out
}

// ParseGlibcFloor parses a --glibc value: a glibc release such as "2.28"
// or "2.2.5" ("GLIBC_2.28" is accepted too).
func ParseGlibcFloor(s string) (GlibcVersion, error) {
	v, ok := ParseGlibcVersion(strings.TrimSpace(s))
	if !ok {
		return GlibcVersion{}, fmt.Errorf("%q is not a glibc version (want one such as 2.28 or 2.2.5)", s)
	}
	if v.Major != 2 {
		return GlibcVersion{}, fmt.Errorf("%q is not a glibc version: every glibc release is 2.x (did you mean --kernel?)", s)
	}
	return v, nil
}

var kernelRE = regexp.MustCompile(`^[0-9]{1,3}(\.[0-9]{1,3}){0,2}$`)

// ParseKernelFloor parses a --kernel value: a Linux kernel version such
// as "4.4" or "3.2.0".
func ParseKernelFloor(s string) (string, error) {
	s = strings.TrimSpace(s)
	if !kernelRE.MatchString(s) {
		return "", fmt.Errorf("%q is not a kernel version (want one such as 4.4 or 3.10.0)", s)
	}
	return s, nil
}

// ParseLibc parses a --libc value: "glibc" or "musl".
func ParseLibc(s string) (LibcKind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "glibc":
		return LibcGlibc, nil
	case "musl":
		return LibcMusl, nil
	}
	return LibcUnknown, fmt.Errorf("unknown C library %q (want glibc or musl)", s)
}

// glibcBaselines is, per GOARCH, the oldest symbol version the port's
// glibc defines: the first glibc release with that port's ABI. A floor
// below it names a glibc that never existed for the architecture.
//
// Measured as the lowest GLIBC_x.y in .gnu.version_d of the libc.so.6 of
// Debian 12's cross packages (glibc 2.36) with
//
//	readelf -V /usr/<triple>/lib/libc.so.6
//
// arm64, armhf, armel, riscv64, ppc64el, s390x and mipsel are installed
// for the tests, which check this table against them; i386, amd64, mips,
// mips64el and ppc64 were measured the same way from libc6-<arch>-cross
// (apt-get download; dpkg -x). loong64 has no Debian 12 package: its
// value is glibc's (sysdeps/unix/sysv/linux/loongarch/shlib-versions,
// the port was added in 2.36). mips64 is taken to be the same as
// mips64le. i386 and the mips ports define GLIBC_2.0, the version glibc
// 2.1 gave the symbols of the unversioned glibc 2.0.
var glibcBaselines = map[string]GlibcVersion{
	"386":      {2, 0, 0},
	"amd64":    {2, 2, 5},
	"arm":      {2, 4, 0},
	"arm64":    {2, 17, 0},
	"loong64":  {2, 36, 0},
	"mips":     {2, 0, 0},
	"mipsle":   {2, 0, 0},
	"mips64":   {2, 0, 0},
	"mips64le": {2, 0, 0},
	"ppc64":    {2, 3, 0},
	"ppc64le":  {2, 17, 0},
	"riscv64":  {2, 27, 0},
	"s390x":    {2, 2, 0},
}

// GlibcBaseline returns the oldest glibc release for a GOARCH on Linux
// (2.17 for arm64, 2.27 for riscv64), and false for an architecture glibc
// does not support.
func GlibcBaseline(goarch string) (GlibcVersion, bool) {
	v, ok := glibcBaselines[goarch]
	return v, ok
}

// GlibcBaselines returns the GOARCHes with a glibc baseline, sorted.
func GlibcBaselines() []string {
	var out []string
	for k := range glibcBaselines {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// PolicyError is a declared floor that cannot be met: a --glibc floor
// below the oldest glibc of the target's architecture. The command line
// treats it as a usage error.
type PolicyError struct {
	Flag     string // "--glibc"
	Value    string // "2.12"
	Target   string // "linux/arm64"
	Baseline string // "2.17"
}

func (e *PolicyError) Error() string {
	return fmt.Sprintf("%s %s is below the oldest glibc for %s (%s): raise it, or give the target its own floor with %s %s=%s",
		e.Flag, e.Value, e.Target, e.Baseline, e.Flag, e.Target, e.Baseline)
}

// Validate checks the policy of target t against what exists: a glibc
// floor below the oldest glibc of t's architecture is a [*PolicyError].
// Targets other than Linux, and targets declared musl, have no glibc
// floor to check.
func (ps *Policies) Validate(t matrix.Target) error {
	if t.GOOS != "linux" {
		return nil
	}
	p := ps.For(t)
	if p.Glibc == "" || p.Libc == LibcMusl {
		return nil
	}
	floor, err := ParseGlibcFloor(p.Glibc)
	if err != nil {
		return fmt.Errorf("invalid --glibc value for %s: %v", t, err)
	}
	base, ok := GlibcBaseline(t.GOARCH)
	if ok && floor.Compare(base) < 0 {
		return &PolicyError{Flag: "--glibc", Value: p.Glibc, Target: t.Pair(), Baseline: base.String()}
	}
	return nil
}
