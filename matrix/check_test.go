package matrix_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/internal/gocmd"
	"github.com/xcheck-dev/xcheck/matrix"
)

// resolve parses spec and resolves its build with the real go command.
func resolve(t *testing.T, g *gocmd.Go, spec string, mode matrix.CgoMode) (*matrix.Build, *matrix.Toolchain, *matrix.Ports) {
	t.Helper()
	tc, ports := shared(t)
	tg, err := matrix.Parse(spec)
	require.NoError(t, err)
	b, err := matrix.ResolveBuild(t.Context(), g, tc, ports, tg, mode)
	require.NoError(t, err)
	return b, tc, ports
}

// byRule returns the findings of rule id.
func byRule(fs []finding.Finding, id string) []finding.Finding {
	var out []finding.Finding
	for _, f := range fs {
		if f.Rule.ID == id {
			out = append(out, f)
		}
	}
	return out
}

// one asserts that fs has exactly one finding of rule id, for target, and
// returns it.
func one(t *testing.T, fs []finding.Finding, id, target string) finding.Finding {
	t.Helper()
	got := byRule(fs, id)
	require.Len(t, got, 1, "want one %s finding, got %v", id, fs)
	f := got[0]
	assert.Equal(t, id, f.Rule.ID)
	assert.Equal(t, f.Rule.Severity, f.Severity)
	assert.Equal(t, []string{target}, f.Targets)
	assert.NotEmpty(t, f.Fix)
	assert.Equal(t, strings.ToLower(f.Message[:1]), f.Message[:1], "messages start lowercase: %q", f.Message)
	assert.False(t, strings.HasSuffix(f.Message, "."), "messages have no final period: %q", f.Message)
	return f
}

func none(t *testing.T, fs []finding.Finding, id string) {
	t.Helper()
	assert.Empty(t, byRule(fs, id), "want no %s finding", id)
}

func TestRules(t *testing.T) {
	require.Len(t, matrix.Rules, 8)
	ids := map[string]bool{}
	names := map[string]bool{}
	for i, r := range matrix.Rules {
		require.NoError(t, r.Validate())
		assert.Equal(t, "targets and toolchain", finding.Family(r.ID))
		assert.Equal(t, 1001+i, atoi(t, r.ID[2:]), "rules are listed in ID order")
		assert.False(t, ids[r.ID], r.ID)
		assert.False(t, names[r.Name], r.Name)
		ids[r.ID], names[r.Name] = true, true
		assert.Contains(t, r.Example, r.ID, "%s: the example shows the rule firing", r.ID)
	}
}

func atoi(t *testing.T, s string) int {
	n := 0
	for _, c := range s {
		require.True(t, c >= '0' && c <= '9', s)
		n = n*10 + int(c-'0')
	}
	return n
}

func TestCheckUnknownPort(t *testing.T) {
	tests := []struct {
		spec      string
		msg       []string
		fix       []string
		notInFix  []string
		notInMsg  []string
		checkWith func(t *testing.T, f finding.Finding)
	}{
		{
			spec:     "windows/arm",
			msg:      []string{`"windows/arm" is not a port of go1.`, "removed in go1.26", "go1.25 was the last release with it"},
			fix:      []string{"did you mean windows/arm64?", "go1.25"},
			notInFix: []string{"xcheck targets"},
		},
		{
			spec:     "linux/x86_64",
			msg:      []string{`"linux/x86_64" is not a port`},
			fix:      []string{"did you mean linux/amd64?", "xcheck targets"},
			notInMsg: []string{"removed"},
		},
		{
			spec: "macos/arm64",
			msg:  []string{`"macos/arm64" is not a port`},
			fix:  []string{"did you mean darwin/arm64?"},
		},
		{
			spec: "linux/aarch64",
			fix:  []string{"did you mean linux/arm64?"},
		},
		{
			spec: "win64/x64",
			fix:  []string{"did you mean windows/amd64?"},
		},
		{
			spec:     "darwin/386",
			msg:      []string{"removed in go1.15", "go1.14 was the last release"},
			fix:      []string{"build this target with go1.14"},
			notInFix: []string{"did you mean darwin/386"},
		},
		{
			spec:     "foo/bar",
			msg:      []string{`"foo/bar" is not a port`},
			fix:      []string{"use a port listed by `xcheck targets`"},
			notInFix: []string{"did you mean"},
			notInMsg: []string{"removed"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			t.Parallel()
			// The go command is not asked about targets that are not
			// ports, so a missing one does no harm.
			b, tc, ports := resolve(t, &gocmd.Go{Bin: "/nonexistent/go"}, tt.spec, matrix.CgoAuto)
			require.Nil(t, b.Port)
			fs := matrix.Check(b, tc, ports, matrix.Policy{MinOS: map[string]string{"linux": "2.6.32", "windows": "7"}},
				&matrix.GoDirective{Version: "1.16"})
			require.Len(t, fs, 1, "an unknown port gets XC1001 and nothing else: %v", fs)
			f := one(t, fs, "XC1001", b.Target.String())
			assert.Equal(t, finding.Error, f.Severity)
			assert.False(t, f.Pos.IsValid())
			assert.Contains(t, f.Message, tc.GoVersion)
			for _, s := range tt.msg {
				assert.Contains(t, f.Message, s)
			}
			for _, s := range tt.notInMsg {
				assert.NotContains(t, f.Message, s)
			}
			for _, s := range tt.fix {
				assert.Contains(t, f.Fix, s)
			}
			for _, s := range tt.notInFix {
				assert.NotContains(t, f.Fix, s)
			}
		})
	}
}

func TestSuggest(t *testing.T) {
	_, ports := live(t)
	tests := map[string][]string{
		"linux/x86_64":    {"linux/amd64"},
		"linux/aarch64":   {"linux/arm64"},
		"linux/armhf":     {"linux/arm"},
		"linux/ppc64el":   {"linux/ppc64le"},
		"linux/i686":      {"linux/386"},
		"osx/amd64":       {"darwin/amd64"},
		"lnux/amd64":      {"linux/amd64"},
		"linux/amd46":     {"linux/amd64"},
		"windows/arm":     {"windows/arm64"},
		"foo/bar":         nil,
		"linux/sparc":     nil, // linux/sparc64 is broken: never suggested
		"linux/sparc64":   nil,
		"freebsd/riscv":   nil, // alias riscv64, but freebsd/riscv64 is broken
		"wasip1/wasm32":   {"wasip1/wasm"},
		"linux/loongarch": nil,
	}
	for spec, want := range tests {
		t.Run(spec, func(t *testing.T) {
			tg, err := matrix.Parse(spec)
			require.NoError(t, err)
			got := matrix.Suggest(tg, ports)
			assert.LessOrEqual(t, len(got), 2)
			if want == nil {
				assert.Empty(t, got)
				return
			}
			assert.Equal(t, want, got)
		})
	}
}

func TestCheckBrokenAndSecondary(t *testing.T) {
	t.Run("XC1002 freebsd/riscv64", func(t *testing.T) {
		b, tc, ports := resolve(t, cleanGo(), "freebsd/riscv64", matrix.CgoAuto)
		require.NotNil(t, b.Port)
		require.True(t, b.Port.Broken)
		fs := matrix.Check(b, tc, ports, matrix.Policy{}, nil)
		f := one(t, fs, "XC1002", "freebsd/riscv64")
		assert.Equal(t, finding.Warning, f.Severity)
		assert.Contains(t, f.Message, "marked broken in "+tc.GoVersion+" (since go1.26)")
		none(t, fs, "XC1003") // broken, so not reported as merely secondary
		none(t, fs, "XC1001")
	})
	t.Run("XC1002 linux/sparc64", func(t *testing.T) {
		b, tc, ports := resolve(t, cleanGo(), "linux/sparc64", matrix.CgoAuto)
		fs := matrix.Check(b, tc, ports, matrix.Policy{}, nil)
		f := one(t, fs, "XC1002", "linux/sparc64")
		assert.Contains(t, f.Message, "(since go1.21)")
	})
	t.Run("XC1003 linux/riscv64", func(t *testing.T) {
		b, tc, ports := resolve(t, cleanGo(), "linux/riscv64", matrix.CgoAuto)
		fs := matrix.Check(b, tc, ports, matrix.Policy{}, nil)
		f := one(t, fs, "XC1003", "linux/riscv64")
		assert.Equal(t, finding.Info, f.Severity)
		assert.Contains(t, f.Message, "secondary")
		assert.Contains(t, f.Message, tc.GoVersion)
		none(t, fs, "XC1002")
	})
	t.Run("XC1003 keeps the variant in the target name", func(t *testing.T) {
		b, tc, ports := resolve(t, cleanGo(), "linux/riscv64/rva22u64", matrix.CgoAuto)
		fs := matrix.Check(b, tc, ports, matrix.Policy{}, nil)
		one(t, fs, "XC1003", "linux/riscv64/rva22u64")
	})
	for _, spec := range []string{"linux/amd64", "linux/arm/v6", "darwin/arm64", "windows/386"} {
		t.Run("quiet "+spec, func(t *testing.T) {
			b, tc, ports := resolve(t, cleanGo(), spec, matrix.CgoAuto)
			assert.Empty(t, matrix.Check(b, tc, ports, matrix.Policy{}, nil), "a first-class port with no policy has no findings")
		})
	}
}

func TestCheckCgoUnsupported(t *testing.T) {
	t.Run("js/wasm --cgo on", func(t *testing.T) {
		b, tc, ports := resolve(t, cleanGo(), "js/wasm", matrix.CgoOn)
		assert.True(t, b.CgoRequested)
		fs := matrix.Check(b, tc, ports, matrix.Policy{}, nil)
		f := one(t, fs, "XC1004", "js/wasm")
		assert.Equal(t, finding.Warning, f.Severity)
		assert.Contains(t, f.Message, "cgo is requested (--cgo on)")
		assert.Contains(t, f.Message, "does not support cgo")
	})
	t.Run("wasip1/wasm CGO_ENABLED=1", func(t *testing.T) {
		b, tc, ports := resolve(t, cleanGo("CGO_ENABLED=1"), "wasip1/wasm", matrix.CgoAuto)
		fs := matrix.Check(b, tc, ports, matrix.Policy{}, nil)
		f := one(t, fs, "XC1004", "wasip1/wasm")
		assert.Contains(t, f.Message, "CGO_ENABLED=1 in the environment")
	})
	for _, mode := range []matrix.CgoMode{matrix.CgoAuto, matrix.CgoOff} {
		t.Run("js/wasm --cgo "+string(mode), func(t *testing.T) {
			b, tc, ports := resolve(t, cleanGo(), "js/wasm", mode)
			assert.False(t, b.CgoRequested)
			none(t, matrix.Check(b, tc, ports, matrix.Policy{}, nil), "XC1004")
		})
	}
	t.Run("linux/arm64 --cgo on", func(t *testing.T) {
		b, tc, ports := resolve(t, cleanGo(), "linux/arm64", matrix.CgoOn)
		assert.True(t, b.CgoEnabled)
		assert.Empty(t, matrix.Check(b, tc, ports, matrix.Policy{}, nil))
	})
}

func TestCheckExternalLinking(t *testing.T) {
	for _, spec := range []string{"android/arm", "android/386", "android/amd64", "ios/amd64", "ios/arm64"} {
		t.Run(spec+" cgo off", func(t *testing.T) {
			t.Parallel()
			for _, mode := range []matrix.CgoMode{matrix.CgoAuto, matrix.CgoOff} {
				b, tc, ports := resolve(t, cleanGo(), spec, mode)
				require.False(t, b.CgoEnabled)
				fs := matrix.Check(b, tc, ports, matrix.Policy{}, nil)
				f := one(t, fs, "XC1005", spec)
				assert.Equal(t, finding.Error, f.Severity)
				assert.Contains(t, f.Message, "requires external (cgo) linking, but cgo is off ("+b.CgoReason+")")
				if mode == matrix.CgoAuto {
					assert.Contains(t, f.Message, "cross-compiling")
				} else {
					assert.Contains(t, f.Message, "--cgo off")
				}
			}
		})
	}
	t.Run("ios/amd64 says why", func(t *testing.T) {
		b, tc, ports := resolve(t, cleanGo(), "ios/amd64", matrix.CgoAuto)
		f := one(t, matrix.Check(b, tc, ports, matrix.Policy{}, nil), "XC1005", "ios/amd64")
		assert.Contains(t, f.Message, "PIE")
	})
	for _, spec := range []string{"android/arm", "ios/amd64"} {
		t.Run(spec+" cgo on", func(t *testing.T) {
			b, tc, ports := resolve(t, cleanGo(), spec, matrix.CgoOn)
			require.True(t, b.CgoEnabled)
			none(t, matrix.Check(b, tc, ports, matrix.Policy{}, nil), "XC1005")
		})
		t.Run(spec+" CGO_ENABLED=1", func(t *testing.T) {
			b, tc, ports := resolve(t, cleanGo("CGO_ENABLED=1"), spec, matrix.CgoAuto)
			require.True(t, b.CgoEnabled)
			none(t, matrix.Check(b, tc, ports, matrix.Policy{}, nil), "XC1005")
		})
	}
	t.Run("android/arm64 cgo off", func(t *testing.T) {
		b, tc, ports := resolve(t, cleanGo(), "android/arm64", matrix.CgoOff)
		require.False(t, b.CgoEnabled)
		none(t, matrix.Check(b, tc, ports, matrix.Policy{}, nil), "XC1005")
	})
}

func TestCheckGoDirective(t *testing.T) {
	pos := finding.Position{File: "go.mod", Line: 3, Column: 1}
	tests := []struct {
		spec, goVersion string
		fires           bool
		added           string
	}{
		{"wasip1/wasm", "1.20", true, "1.21"},
		{"wasip1/wasm", "1.20.14", true, "1.21"},
		{"wasip1/wasm", "1.21rc1", false, ""},
		{"wasip1/wasm", "1.21", false, ""},
		{"wasip1/wasm", "1.21.0", false, ""},
		{"wasip1/wasm", "1.26", false, ""},
		{"openbsd/riscv64", "1.22", true, "1.23"},
		{"openbsd/riscv64", "1.23", false, ""},
		{"linux/loong64", "1.18", true, "1.19"},
		{"windows/arm64", "1.16", true, "1.17"},
		{"linux/amd64", "1.11", false, ""}, // predates the table
		{"wasip1/wasm", "", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.spec+"@"+tt.goVersion, func(t *testing.T) {
			t.Parallel()
			b, tc, ports := resolve(t, cleanGo(), tt.spec, matrix.CgoAuto)
			fs := matrix.Check(b, tc, ports, matrix.Policy{}, &matrix.GoDirective{Version: tt.goVersion, Pos: pos})
			if !tt.fires {
				none(t, fs, "XC1006")
				return
			}
			f := one(t, fs, "XC1006", tt.spec)
			assert.Equal(t, pos, f.Pos)
			assert.Equal(t, finding.Warning, f.Severity)
			assert.Contains(t, f.Message, "was added in go"+tt.added+" but go.mod declares go "+tt.goVersion)
			assert.Contains(t, f.Fix, "raise the go directive to "+tt.added)
		})
	}
	t.Run("no go.mod", func(t *testing.T) {
		b, tc, ports := resolve(t, cleanGo(), "wasip1/wasm", matrix.CgoAuto)
		none(t, matrix.Check(b, tc, ports, matrix.Policy{}, nil), "XC1006")
	})
}

func TestCheckOSMinimum(t *testing.T) {
	tests := []struct {
		spec, minOS string
		fires       bool
		msg         string
		fix         []string
		notInFix    []string
	}{
		{spec: "windows/amd64", minOS: "windows=7", fires: true,
			msg: "binaries for windows need Windows 10 or later, but the declared floor is Windows 7",
			fix: []string{"build with go1.20", "raise the floor to Windows 10"}},
		{spec: "windows/amd64", minOS: "windows=10", fires: false},
		{spec: "windows/amd64", minOS: "windows=11", fires: false},
		{spec: "windows/arm64", minOS: "windows=8.1", fires: true, fix: []string{"go1.20"}},
		{spec: "linux/amd64", minOS: "linux=2.6.32", fires: true,
			msg: "need linux kernel 3.2 or later, but the declared floor is linux kernel 2.6.32",
			fix: []string{"build with go1.23", "linux kernel 2.6.32"}},
		{spec: "linux/arm/v6", minOS: "linux=2.6.32", fires: true, fix: []string{"go1.23"}},
		{spec: "linux/amd64", minOS: "linux=3.2", fires: false},
		{spec: "linux/amd64", minOS: "linux=3.2.0", fires: false},
		{spec: "linux/amd64", minOS: "linux=4.19", fires: false},
		// linux/loong64 never ran on kernels before 5.19: no Go release to
		// fall back to.
		{spec: "linux/loong64", minOS: "linux=4.19", fires: true,
			msg: "binaries for linux/loong64 need linux kernel 5.19 or later",
			fix: []string{"raise the floor to linux kernel 5.19"}, notInFix: []string{"build with"}},
		{spec: "linux/loong64", minOS: "linux=5.19", fires: false},
		{spec: "darwin/arm64", minOS: "macos=12", fires: false},
		{spec: "darwin/arm64", minOS: "macos=11", fires: true,
			msg: "need macOS 12 or later, but the declared floor is macOS 11", fix: []string{"build with go1.24"}},
		{spec: "darwin/amd64", minOS: "darwin=10.15", fires: true, fix: []string{"build with go1.22"}},
		{spec: "ios/arm64", minOS: "ios=11", fires: true, notInFix: []string{"build with"}},
		{spec: "freebsd/amd64", minOS: "freebsd=11", fires: true, fix: []string{"build with go1.18"}},
		{spec: "freebsd/amd64", minOS: "freebsd=13", fires: false},
		// The floor of another OS does not apply.
		{spec: "linux/amd64", minOS: "windows=7,macos=10.13", fires: false},
		{spec: "android/arm64", minOS: "linux=2.6.32", fires: false},
		{spec: "openbsd/amd64", minOS: "linux=2.6.32", fires: false},
	}
	for _, tt := range tests {
		t.Run(tt.spec+"_"+tt.minOS, func(t *testing.T) {
			t.Parallel()
			var pol matrix.Policy
			require.NoError(t, pol.ParseMinOS(tt.minOS))
			b, tc, ports := resolve(t, cleanGo(), tt.spec, matrix.CgoAuto)
			fs := matrix.Check(b, tc, ports, pol, nil)
			if !tt.fires {
				none(t, fs, "XC1007")
				return
			}
			f := one(t, fs, "XC1007", b.Target.String())
			assert.Equal(t, finding.Warning, f.Severity)
			// The OS minimum is the OS's, unless the port has its own.
			assert.True(t, strings.HasPrefix(f.Message, tc.GoVersion+" binaries for "+b.Target.GOOS+" need") ||
				strings.HasPrefix(f.Message, tc.GoVersion+" binaries for "+b.Target.Pair()+" need"), f.Message)
			assert.Contains(t, f.Message, tt.msg)
			for _, s := range tt.fix {
				assert.Contains(t, f.Fix, s)
			}
			for _, s := range tt.notInFix {
				assert.NotContains(t, f.Fix, s)
			}
		})
	}
}

func TestCheckInvalidVariant(t *testing.T) {
	tests := []struct {
		env   string
		spec  string
		fires bool
		msg   string
	}{
		{"GOAMD64=v5", "linux/amd64", true, `invalid GOAMD64 value "v5" (valid: v1, v2, v3, v4) in the environment`},
		{"GOAMD64=v3", "linux/amd64", false, ""},
		{"GOAMD64=v5", "linux/amd64/v3", false, ""}, // the target's variant wins
		{"GOAMD64=v5", "linux/arm64", false, ""},    // not the variable of arm64
		{"GOARM=8", "linux/arm", true, `invalid GOARM value "8"`},
		{"GOARM=6", "linux/arm", false, ""},
		{"GOARM=7,softfloat", "linux/arm", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.env+"_"+tt.spec, func(t *testing.T) {
			t.Parallel()
			b, tc, ports := resolve(t, cleanGo(tt.env), tt.spec, matrix.CgoAuto)
			fs := matrix.Check(b, tc, ports, matrix.Policy{}, nil)
			if !tt.fires {
				none(t, fs, "XC1008")
				return
			}
			assert.Equal(t, "environment", b.VariantFrom)
			f := one(t, fs, "XC1008", tt.spec)
			assert.Equal(t, finding.Error, f.Severity)
			assert.Contains(t, f.Message, tt.msg)
			vv := matrix.VariantFor(b.Target.GOARCH)
			assert.Contains(t, f.Fix, vv.Name+"="+vv.Default, "the fix says what the go command would build instead")
		})
	}
}

// TestCheckByHand runs Check on Builds made by hand, without the go
// command.
func TestCheckByHand(t *testing.T) {
	tc := &matrix.Toolchain{GoVersion: "go1.26.8", GOROOT: "/goroot", GOHOSTOS: "linux", GOHOSTARCH: "amd64"}
	ports, err := matrix.ParsePorts(tc.GoVersion, []byte(`[
		{"GOOS":"linux","GOARCH":"amd64","CgoSupported":true,"FirstClass":true},
		{"GOOS":"windows","GOARCH":"arm64","CgoSupported":true},
		{"GOOS":"android","GOARCH":"arm","CgoSupported":true},
		{"GOOS":"plan9","GOARCH":"amd64"},
		{"GOOS":"freebsd","GOARCH":"riscv64","CgoSupported":true,"Broken":true}
	]`))
	require.NoError(t, err)
	port := func(pair string) *matrix.Port {
		goos, goarch, _ := strings.Cut(pair, "/")
		p, ok := ports.Lookup(goos, goarch)
		require.True(t, ok, pair)
		return &p
	}
	target := func(s string) matrix.Target {
		tg, err := matrix.Parse(s)
		require.NoError(t, err)
		return tg
	}

	t.Run("clean", func(t *testing.T) {
		b := &matrix.Build{Target: target("linux/amd64/v3"), Port: port("linux/amd64"), Native: true,
			CgoEnabled: true, Variant: "v3", VariantFrom: "target"}
		assert.Empty(t, matrix.Check(b, tc, ports, matrix.Policy{MinOS: map[string]string{"linux": "3.2"}}, &matrix.GoDirective{Version: "1.21"}))
	})
	t.Run("windows/arm suggests windows/arm64", func(t *testing.T) {
		b := &matrix.Build{Target: target("windows/arm")}
		f := one(t, matrix.Check(b, tc, ports, matrix.Policy{}, nil), "XC1001", "windows/arm")
		assert.Equal(t, `"windows/arm" is not a port of go1.26.8 (removed in go1.26; go1.25 was the last release with it)`, f.Message)
		assert.Equal(t, "did you mean windows/arm64? Or build this target with go1.25", f.Fix)
	})
	t.Run("several rules at once", func(t *testing.T) {
		b := &matrix.Build{Target: target("plan9/amd64"), Port: port("plan9/amd64"),
			CgoEnabled: true, CgoRequested: true, CgoReason: "--cgo on", Variant: "v9", VariantFrom: "environment"}
		fs := matrix.Check(b, tc, ports, matrix.Policy{}, nil)
		one(t, fs, "XC1003", "plan9/amd64")
		one(t, fs, "XC1004", "plan9/amd64")
		one(t, fs, "XC1008", "plan9/amd64")
		assert.Len(t, fs, 3)
	})
	t.Run("android/arm cgo off", func(t *testing.T) {
		b := &matrix.Build{Target: target("android/arm"), Port: port("android/arm"), CgoReason: "--cgo off"}
		f := one(t, matrix.Check(b, tc, ports, matrix.Policy{}, nil), "XC1005", "android/arm")
		assert.Contains(t, f.Message, "requires external (cgo) linking, but cgo is off (--cgo off)")
	})
	t.Run("broken", func(t *testing.T) {
		b := &matrix.Build{Target: target("freebsd/riscv64"), Port: port("freebsd/riscv64")}
		fs := matrix.Check(b, tc, ports, matrix.Policy{MinOS: map[string]string{"freebsd": "12.2"}}, &matrix.GoDirective{Version: "1.19"})
		f := one(t, fs, "XC1002", "freebsd/riscv64")
		assert.Contains(t, f.Message, "marked broken in go1.26.8 (since go1.26)")
		g := one(t, fs, "XC1006", "freebsd/riscv64")
		assert.Contains(t, g.Message, "was added in go1.20 but go.mod declares go 1.19")
		assert.Len(t, fs, 2)
	})
	t.Run("variant from target or default is never XC1008", func(t *testing.T) {
		for _, from := range []string{"target", "default", ""} {
			b := &matrix.Build{Target: target("linux/amd64"), Port: port("linux/amd64"), Native: true,
				Variant: "v9", VariantFrom: from}
			none(t, matrix.Check(b, tc, ports, matrix.Policy{}, nil), "XC1008")
		}
	})
	t.Run("a toolchain newer than the table uses the newest entry", func(t *testing.T) {
		tc := *tc
		tc.GoVersion = "go1.99.1"
		b := &matrix.Build{Target: target("linux/amd64"), Port: port("linux/amd64"), Native: true}
		f := one(t, matrix.Check(b, &tc, ports, matrix.Policy{MinOS: map[string]string{"linux": "3.1"}}, nil), "XC1007", "linux/amd64")
		assert.Contains(t, f.Message, "go1.99.1 binaries for linux need linux kernel 3.2")
	})
}

func TestParseMinOS(t *testing.T) {
	good := []struct {
		in   string
		want map[string]string
	}{
		{"", map[string]string{}},
		{"linux=3.2", map[string]string{"linux": "3.2"}},
		{"linux=3.2,macos=11,windows=7", map[string]string{"linux": "3.2", "macos": "11", "windows": "7"}},
		{" LINUX = 2.6.32 , Darwin=10.15 ,", map[string]string{"linux": "2.6.32", "macos": "10.15"}},
		{"ios=12,freebsd=12.2", map[string]string{"ios": "12", "freebsd": "12.2"}},
		{"linux=3.2,linux=4.4", map[string]string{"linux": "4.4"}},
		{"windows=10.0.19041.1", map[string]string{"windows": "10.0.19041.1"}},
	}
	for _, tt := range good {
		t.Run(tt.in, func(t *testing.T) {
			var p matrix.Policy
			require.NoError(t, p.ParseMinOS(tt.in))
			assert.Equal(t, tt.want, p.MinOS)
		})
	}

	t.Run("merges", func(t *testing.T) {
		p := matrix.Policy{MinOS: map[string]string{"linux": "3.2", "macos": "11"}}
		require.NoError(t, p.ParseMinOS("macos=12,windows=10"))
		assert.Equal(t, map[string]string{"linux": "3.2", "macos": "12", "windows": "10"}, p.MinOS)
	})

	bad := []struct {
		in   string
		want []string
	}{
		{"linux", []string{`invalid --min-os entry "linux"`, "OS=VERSION", "linux, macos, windows, ios, freebsd"}},
		{"solaris=11", []string{`invalid --min-os entry "solaris=11"`}},
		{"android=10", []string{`invalid --min-os entry`}},
		{"=3.2", []string{`invalid --min-os entry`}},
		{"linux=", []string{`invalid --min-os version "" for linux`, "dotted number"}},
		{"linux=abc", []string{`invalid --min-os version "abc" for linux`}},
		{"linux=3.2-rc1", []string{`invalid --min-os version "3.2-rc1"`}},
		{"linux=v3.2", []string{`invalid --min-os version "v3.2"`}},
		{"linux=1.2.3.4.5", []string{`invalid --min-os version "1.2.3.4.5"`}},
		{"linux=3..2", []string{`invalid --min-os version`}},
		{"linux=3.2;macos=11", []string{`invalid --min-os version "3.2;macos=11"`}},
		{"macos=11,linux", []string{`invalid --min-os entry "linux"`}},
	}
	for _, tt := range bad {
		t.Run(tt.in, func(t *testing.T) {
			var p matrix.Policy
			err := p.ParseMinOS(tt.in)
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestParseCgoMode(t *testing.T) {
	for in, want := range map[string]matrix.CgoMode{"auto": matrix.CgoAuto, "ON": matrix.CgoOn, "off": matrix.CgoOff, "Off": matrix.CgoOff} {
		got, err := matrix.ParseCgoMode(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got)
	}
	for _, in := range []string{"", "1", "yes", "true", "auto "} {
		_, err := matrix.ParseCgoMode(in)
		require.Error(t, err, in)
		assert.Contains(t, err.Error(), "want auto, on or off")
	}
}
