package abi

import (
	"path/filepath"
	"regexp"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/matrix"
)

func target(t *testing.T, s string) matrix.Target {
	t.Helper()
	tg, err := matrix.Parse(s)
	require.NoError(t, err)
	return tg
}

func TestPoliciesSet(t *testing.T) {
	var ps Policies
	require.NoError(t, ps.Set("glibc", "2.28,linux/riscv64=2.27"))
	require.NoError(t, ps.Set("--glibc", "linux/arm64=GLIBC_2.17"))
	require.NoError(t, ps.Set("libc", "glibc, linux/arm/v6,softfloat=musl"))
	require.NoError(t, ps.Set("kernel", "4.4,linux/loong64=5.19"))
	require.NoError(t, ps.Set("kernel", "linux/arm/7=3.2"), "variants are canonicalised")

	assert.Equal(t, Policy{Glibc: "2.28", Libc: LibcGlibc, Kernel: "4.4"}, ps.Default)
	assert.Equal(t, map[string]Policy{
		"linux/riscv64":          {Glibc: "2.27"},
		"linux/arm64":            {Glibc: "2.17"},
		"linux/arm/v6,softfloat": {Libc: LibcMusl},
		"linux/loong64":          {Kernel: "5.19"},
		"linux/arm/v7":           {Kernel: "3.2"},
	}, ps.Targets)

	assert.Equal(t, Policy{Glibc: "2.28", Libc: LibcGlibc, Kernel: "4.4"}, ps.For(target(t, "linux/amd64")))
	assert.Equal(t, Policy{Glibc: "2.27", Libc: LibcGlibc, Kernel: "4.4"}, ps.For(target(t, "linux/riscv64")))
	assert.Equal(t, Policy{Glibc: "2.28", Libc: LibcMusl, Kernel: "4.4"}, ps.For(target(t, "linux/arm/v6,softfloat")))
	assert.Equal(t, Policy{Glibc: "2.28", Libc: LibcGlibc, Kernel: "3.2"}, ps.For(target(t, "linux/arm/v7")))
	assert.Equal(t, Policy{Glibc: "2.28", Libc: LibcGlibc, Kernel: "4.4"}, ps.For(target(t, "linux/arm")), "a variant's entry does not apply to the bare pair")

	// A pair's entry applies to its variants; a variant's wins over it.
	require.NoError(t, ps.Set("glibc", "linux/arm=2.24,linux/arm/v7=2.31"))
	assert.Equal(t, "2.24", ps.For(target(t, "linux/arm/v6")).Glibc)
	assert.Equal(t, "2.31", ps.For(target(t, "linux/arm/v7")).Glibc)
	// Later entries win.
	require.NoError(t, ps.Set("glibc", "2.31"))
	assert.Equal(t, "2.31", ps.For(target(t, "linux/amd64")).Glibc)

	var nilPS *Policies
	assert.True(t, nilPS.For(target(t, "linux/amd64")).IsZero())
	assert.NoError(t, nilPS.Validate(target(t, "linux/arm64")))
}

func TestPoliciesSetErrors(t *testing.T) {
	for _, tc := range []struct{ flag, value, err string }{
		{"glibc", "2.x", `invalid --glibc entry "2.x": "2.x" is not a glibc version (want one such as 2.28 or 2.2.5)`},
		{"glibc", "4.4", `invalid --glibc entry "4.4": "4.4" is not a glibc version: every glibc release is 2.x (did you mean --kernel?)`},
		{"glibc", "linux/amd64/v5=2.28", `invalid --glibc entry "linux/amd64/v5=2.28": invalid target "linux/amd64/v5": invalid GOAMD64 value "v5" (valid: v1, v2, v3, v4)`},
		{"glibc", "linux=2.28", `invalid --glibc entry "linux=2.28": invalid target "linux": want GOOS/GOARCH or GOOS/GOARCH/VARIANT, for example linux/arm64 or linux/arm/v7`},
		{"libc", "uclibc", `invalid --libc entry "uclibc": unknown C library "uclibc" (want glibc or musl)`},
		{"kernel", "4.4-rc1", `invalid --kernel entry "4.4-rc1": "4.4-rc1" is not a kernel version (want one such as 4.4 or 3.10.0)`},
		{"kernel", "linux/arm64=", `invalid --kernel entry "linux/arm64=": "" is not a kernel version (want one such as 4.4 or 3.10.0)`},
		{"musl", "1.2", `abi: unknown policy flag "musl" (want glibc, libc or kernel)`},
	} {
		var ps Policies
		assert.EqualError(t, ps.Set(tc.flag, tc.value), tc.err)
	}
}

func TestSplitPolicyList(t *testing.T) {
	assert.Equal(t, []string{"2.28", "linux/arm/v6,softfloat=2.24", "linux/arm64=2.17"},
		splitPolicyList(" 2.28, linux/arm/v6,softfloat=2.24,,linux/arm64=2.17 "))
	assert.Equal(t, []string{"softfloat=1"}, splitPolicyList("softfloat=1"))
}

func TestParseFloors(t *testing.T) {
	v, err := ParseGlibcFloor("2.28")
	require.NoError(t, err)
	assert.Equal(t, GlibcVersion{2, 28, 0}, v)
	v, err = ParseGlibcFloor(" 2.2.5 ")
	require.NoError(t, err)
	assert.Equal(t, "2.2.5", v.String())
	for _, bad := range []string{"", "2", "2.28.1.1", "abc", "3.0", "GLIBC_PRIVATE", "-2.28"} {
		_, err := ParseGlibcFloor(bad)
		assert.Error(t, err, bad)
	}
	for _, ok := range []string{"4", "4.4", "3.10.0"} {
		k, err := ParseKernelFloor(ok)
		require.NoError(t, err)
		assert.Equal(t, ok, k)
	}
	for _, bad := range []string{"", "4.4.4.4", "v4.4", "4.x", "4.4-rc1"} {
		_, err := ParseKernelFloor(bad)
		assert.Error(t, err, bad)
	}
	k, err := ParseLibc("MUSL")
	require.NoError(t, err)
	assert.Equal(t, LibcMusl, k)
	_, err = ParseLibc("bionic")
	assert.Error(t, err)
}

func TestPoliciesValidate(t *testing.T) {
	var ps Policies
	require.NoError(t, ps.Set("glibc", "2.12"))
	err := ps.Validate(target(t, "linux/arm64"))
	var pe *PolicyError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, PolicyError{Flag: "--glibc", Value: "2.12", Target: "linux/arm64", Baseline: "2.17"}, *pe)
	assert.EqualError(t, err, "--glibc 2.12 is below the oldest glibc for linux/arm64 (2.17): raise it, or give the target its own floor with --glibc linux/arm64=2.17")
	assert.NoError(t, ps.Validate(target(t, "linux/amd64")), "2.12 exists for amd64 (from 2.2.5)")
	assert.NoError(t, ps.Validate(target(t, "windows/arm64")), "no glibc floor outside Linux")

	// The per-target fix the message suggests works.
	require.NoError(t, ps.Set("glibc", "linux/arm64=2.17"))
	assert.NoError(t, ps.Validate(target(t, "linux/arm64")))
	assert.ErrorAs(t, ps.Validate(target(t, "linux/riscv64")), &pe)
	assert.Equal(t, "2.27", pe.Baseline)
	// musl targets have no glibc floor.
	require.NoError(t, ps.Set("libc", "linux/riscv64=musl"))
	assert.NoError(t, ps.Validate(target(t, "linux/riscv64")))
	// The arch baselines themselves are valid floors.
	for _, goarch := range GlibcBaselines() {
		base, ok := GlibcBaseline(goarch)
		require.True(t, ok)
		var ps Policies
		require.NoError(t, ps.Set("glibc", base.String()))
		assert.NoError(t, ps.Validate(matrix.Target{GOOS: "linux", GOARCH: goarch}), goarch)
	}
	_, ok := GlibcBaseline("wasm")
	assert.False(t, ok)
}

// glibcVersionRE matches GLIBC_x.y[.z] version definitions.
var glibcVersionRE = regexp.MustCompile(`^GLIBC_[0-9]+(\.[0-9]+){1,2}$`)

// TestGlibcBaselinesMatchSysroots checks the baseline table against the
// lowest GLIBC_x.y each installed sysroot's libc.so.6 defines, as readelf
// lists them.
func TestGlibcBaselinesMatchSysroots(t *testing.T) {
	goarchOf := map[string]string{
		"aarch64-linux-gnu": "arm64", "arm-linux-gnueabihf": "arm", "arm-linux-gnueabi": "arm",
		"riscv64-linux-gnu": "riscv64", "powerpc64le-linux-gnu": "ppc64le", "s390x-linux-gnu": "s390x",
		"mipsel-linux-gnu": "mipsle",
	}
	check := func(t *testing.T, goarch, libc string) {
		o := readOracle(t, libc)
		var vs []string
		for _, v := range o.defined {
			if glibcVersionRE.MatchString(v) {
				vs = append(vs, v)
			}
		}
		require.NotEmpty(t, vs)
		sort.Slice(vs, func(i, j int) bool { return CompareVersions(vs[i], vs[j]) < 0 })
		base, ok := GlibcBaseline(goarch)
		require.True(t, ok)
		assert.Equal(t, vs[0], "GLIBC_"+base.String(), "%s: lowest version of %s", goarch, libc)
	}
	for _, d := range debianSysroots {
		t.Run(d.triple, func(t *testing.T) {
			root := "/usr/" + d.triple
			needSysroot(t, root, d.pkg)
			check(t, goarchOf[d.triple], filepath.Join(root, "lib/libc.so.6"))
		})
	}
	t.Run("host amd64", func(t *testing.T) {
		const libc = "/lib/x86_64-linux-gnu/libc.so.6"
		if !fileExists(libc) {
			t.Skip("host is not Debian amd64")
		}
		check(t, "amd64", libc)
	})
}

// FuzzPolicyAndFlagParsers: the small parsers of user input never panic,
// and what Set accepts validates and reads back.
func FuzzPolicyAndFlagParsers(f *testing.F) {
	for _, s := range []string{
		"2.28", "2.17,linux/riscv64=2.27", "linux/arm/v6,softfloat=musl,glibc", "=", ",,", "linux/arm64=",
		`--sysroot "/a b" -O2`, `--sysroot='`, "collect2 /x/Scrt1.o", "softfloat=2.28",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, flag := range []string{"glibc", "libc", "kernel"} {
			var ps Policies
			if ps.Set(flag, s) == nil {
				for name := range ps.Targets {
					tg, err := matrix.Parse(name)
					if err != nil {
						t.Fatalf("Set stored an unparsable target %q", name)
					}
					_ = ps.Validate(tg)
				}
				_ = ps.Validate(matrix.Target{GOOS: "linux", GOARCH: "arm64"})
			}
		}
		_, _ = sysrootFlag(s)
		_ = startFile(s)
		_, _, _ = rootOfLibrary("/" + s)
		_ = isZig(s)
	})
}
