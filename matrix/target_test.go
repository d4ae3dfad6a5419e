package matrix_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/matrix"
)

func TestParseGood(t *testing.T) {
	tests := []struct {
		in      string
		want    matrix.Target
		str     string   // canonical String()
		env     []string // Env()
		varName string   // VariantVar()
	}{
		{"linux/arm64", matrix.Target{GOOS: "linux", GOARCH: "arm64"}, "linux/arm64",
			[]string{"GOOS=linux", "GOARCH=arm64"}, "GOARM64"},
		{"LINUX/ARM64", matrix.Target{GOOS: "linux", GOARCH: "arm64"}, "linux/arm64",
			[]string{"GOOS=linux", "GOARCH=arm64"}, "GOARM64"},
		{"  darwin/amd64\t", matrix.Target{GOOS: "darwin", GOARCH: "amd64"}, "darwin/amd64",
			[]string{"GOOS=darwin", "GOARCH=amd64"}, "GOAMD64"},
		{"linux/arm/v5", matrix.Target{GOOS: "linux", GOARCH: "arm", Variant: "5"}, "linux/arm/v5",
			[]string{"GOOS=linux", "GOARCH=arm", "GOARM=5"}, "GOARM"},
		{"linux/arm/v6", matrix.Target{GOOS: "linux", GOARCH: "arm", Variant: "6"}, "linux/arm/v6",
			[]string{"GOOS=linux", "GOARCH=arm", "GOARM=6"}, "GOARM"},
		{"linux/arm/v7", matrix.Target{GOOS: "linux", GOARCH: "arm", Variant: "7"}, "linux/arm/v7",
			[]string{"GOOS=linux", "GOARCH=arm", "GOARM=7"}, "GOARM"},
		{"linux/arm/V7", matrix.Target{GOOS: "linux", GOARCH: "arm", Variant: "7"}, "linux/arm/v7",
			[]string{"GOOS=linux", "GOARCH=arm", "GOARM=7"}, "GOARM"},
		{"linux/arm/7", matrix.Target{GOOS: "linux", GOARCH: "arm", Variant: "7"}, "linux/arm/v7",
			[]string{"GOOS=linux", "GOARCH=arm", "GOARM=7"}, "GOARM"},
		{"linux/arm/6,softfloat", matrix.Target{GOOS: "linux", GOARCH: "arm", Variant: "6,softfloat"}, "linux/arm/v6,softfloat",
			[]string{"GOOS=linux", "GOARCH=arm", "GOARM=6,softfloat"}, "GOARM"},
		{"linux/arm/v7,hardfloat", matrix.Target{GOOS: "linux", GOARCH: "arm", Variant: "7,hardfloat"}, "linux/arm/v7,hardfloat",
			[]string{"GOOS=linux", "GOARCH=arm", "GOARM=7,hardfloat"}, "GOARM"},
		{"linux/amd64/v1", matrix.Target{GOOS: "linux", GOARCH: "amd64", Variant: "v1"}, "linux/amd64/v1",
			[]string{"GOOS=linux", "GOARCH=amd64", "GOAMD64=v1"}, "GOAMD64"},
		{"linux/amd64/v2", matrix.Target{GOOS: "linux", GOARCH: "amd64", Variant: "v2"}, "linux/amd64/v2",
			[]string{"GOOS=linux", "GOARCH=amd64", "GOAMD64=v2"}, "GOAMD64"},
		{"linux/amd64/v3", matrix.Target{GOOS: "linux", GOARCH: "amd64", Variant: "v3"}, "linux/amd64/v3",
			[]string{"GOOS=linux", "GOARCH=amd64", "GOAMD64=v3"}, "GOAMD64"},
		{"linux/amd64/V4", matrix.Target{GOOS: "linux", GOARCH: "amd64", Variant: "v4"}, "linux/amd64/v4",
			[]string{"GOOS=linux", "GOARCH=amd64", "GOAMD64=v4"}, "GOAMD64"},
		{"linux/arm64/v8", matrix.Target{GOOS: "linux", GOARCH: "arm64", Variant: "v8.0"}, "linux/arm64/v8.0",
			[]string{"GOOS=linux", "GOARCH=arm64", "GOARM64=v8.0"}, "GOARM64"},
		{"linux/arm64/v9", matrix.Target{GOOS: "linux", GOARCH: "arm64", Variant: "v9.0"}, "linux/arm64/v9.0",
			[]string{"GOOS=linux", "GOARCH=arm64", "GOARM64=v9.0"}, "GOARM64"},
		{"linux/arm64/v8,lse", matrix.Target{GOOS: "linux", GOARCH: "arm64", Variant: "v8.0,lse"}, "linux/arm64/v8.0,lse",
			[]string{"GOOS=linux", "GOARCH=arm64", "GOARM64=v8.0,lse"}, "GOARM64"},
		{"linux/arm64/v9,crypto,lse", matrix.Target{GOOS: "linux", GOARCH: "arm64", Variant: "v9.0,crypto,lse"}, "linux/arm64/v9.0,crypto,lse",
			[]string{"GOOS=linux", "GOARCH=arm64", "GOARM64=v9.0,crypto,lse"}, "GOARM64"},
		{"linux/arm64/v8.2,lse", matrix.Target{GOOS: "linux", GOARCH: "arm64", Variant: "v8.2,lse"}, "linux/arm64/v8.2,lse",
			[]string{"GOOS=linux", "GOARCH=arm64", "GOARM64=v8.2,lse"}, "GOARM64"},
		{"linux/arm64/v9.5,crypto,lse", matrix.Target{GOOS: "linux", GOARCH: "arm64", Variant: "v9.5,crypto,lse"}, "linux/arm64/v9.5,crypto,lse",
			[]string{"GOOS=linux", "GOARCH=arm64", "GOARM64=v9.5,crypto,lse"}, "GOARM64"},
		{"linux/386/softfloat", matrix.Target{GOOS: "linux", GOARCH: "386", Variant: "softfloat"}, "linux/386/softfloat",
			[]string{"GOOS=linux", "GOARCH=386", "GO386=softfloat"}, "GO386"},
		{"linux/mips/softfloat", matrix.Target{GOOS: "linux", GOARCH: "mips", Variant: "softfloat"}, "linux/mips/softfloat",
			[]string{"GOOS=linux", "GOARCH=mips", "GOMIPS=softfloat"}, "GOMIPS"},
		{"linux/mipsle/hardfloat", matrix.Target{GOOS: "linux", GOARCH: "mipsle", Variant: "hardfloat"}, "linux/mipsle/hardfloat",
			[]string{"GOOS=linux", "GOARCH=mipsle", "GOMIPS=hardfloat"}, "GOMIPS"},
		{"linux/mips64le/softfloat", matrix.Target{GOOS: "linux", GOARCH: "mips64le", Variant: "softfloat"}, "linux/mips64le/softfloat",
			[]string{"GOOS=linux", "GOARCH=mips64le", "GOMIPS64=softfloat"}, "GOMIPS64"},
		{"linux/ppc64le/power9", matrix.Target{GOOS: "linux", GOARCH: "ppc64le", Variant: "power9"}, "linux/ppc64le/power9",
			[]string{"GOOS=linux", "GOARCH=ppc64le", "GOPPC64=power9"}, "GOPPC64"},
		{"linux/riscv64/rva22u64", matrix.Target{GOOS: "linux", GOARCH: "riscv64", Variant: "rva22u64"}, "linux/riscv64/rva22u64",
			[]string{"GOOS=linux", "GOARCH=riscv64", "GORISCV64=rva22u64"}, "GORISCV64"},
		// Well formed but not a port: that is XC1001, not a parse error.
		{"foo/bar", matrix.Target{GOOS: "foo", GOARCH: "bar"}, "foo/bar",
			[]string{"GOOS=foo", "GOARCH=bar"}, ""},
		{"windows/arm", matrix.Target{GOOS: "windows", GOARCH: "arm"}, "windows/arm",
			[]string{"GOOS=windows", "GOARCH=arm"}, "GOARM"},
		{"linux/x86_64", matrix.Target{GOOS: "linux", GOARCH: "x86_64"}, "linux/x86_64",
			[]string{"GOOS=linux", "GOARCH=x86_64"}, ""},
		{"js/wasm", matrix.Target{GOOS: "js", GOARCH: "wasm"}, "js/wasm",
			[]string{"GOOS=js", "GOARCH=wasm"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := matrix.Parse(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.str, got.String())
			assert.Equal(t, tt.want.GOOS+"/"+tt.want.GOARCH, got.Pair())
			assert.Equal(t, tt.env, got.Env())
			assert.Equal(t, tt.varName, got.VariantVar())

			// String round-trips.
			again, err := matrix.Parse(got.String())
			require.NoError(t, err)
			assert.Equal(t, got, again)
		})
	}
}

func TestParseBad(t *testing.T) {
	tests := []struct {
		in     string
		reason []string // substrings the error must contain
	}{
		{"", []string{"want GOOS/GOARCH"}},
		{"   ", []string{"want GOOS/GOARCH"}},
		{"foo", []string{"want GOOS/GOARCH", "linux/arm64"}},
		{"linux", []string{"want GOOS/GOARCH"}},
		{"a/b/c/d", []string{"want GOOS/GOARCH or GOOS/GOARCH/VARIANT"}},
		{"/", []string{"GOOS", "letters and digits"}},
		{"linux/", []string{"GOARCH", "letters and digits"}},
		{"/amd64", []string{"GOOS", "letters and digits"}},
		{"li nux/amd64", []string{`GOOS "li nux"`}},
		{"linux/am.d64", []string{`GOARCH "am.d64"`}},
		{"linux/*", []string{"GOARCH"}},
		{"linux/amd64/v5", []string{"GOAMD64", `"v5"`, "v1, v2, v3, v4"}},
		{"linux/amd64/v0", []string{"GOAMD64", `"v0"`}},
		{"linux/amd64/", []string{"empty GOAMD64"}},
		{"linux/arm/v8", []string{"GOARM", `"8"`, "5, 6, 7"}},
		{"linux/arm/8", []string{"GOARM", `"8"`}},
		{"linux/arm/v4", []string{"GOARM", `"4"`}},
		{"linux/arm/v7,softfloat,hardfloat", []string{"GOARM"}},
		{"linux/arm/v7,lse", []string{"GOARM"}},
		{"linux/arm64/v7.0", []string{"GOARM64", `"v7.0"`, "v8.0 to v8.9"}},
		{"linux/arm64/v9.6", []string{"GOARM64", `"v9.6"`}},
		{"linux/arm64/v8.1,softfloat", []string{"GOARM64"}},
		{"linux/arm64/8.1", []string{"GOARM64"}},
		{"linux/riscv64/rva99", []string{"GORISCV64", `"rva99"`, "rva20u64"}},
		{"linux/ppc64le/power7", []string{"GOPPC64", "power8"}},
		{"linux/386/387", []string{"GO386", "sse2, softfloat"}},
		{"linux/mips/v2", []string{"GOMIPS", "hardfloat, softfloat"}},
		{"windows/wasm/v2", []string{"wasm has no variants"}},
		{"foo/bar/v1", []string{"bar has no variants"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := matrix.Parse(tt.in)
			require.Error(t, err)
			assert.Zero(t, got)
			var pe *matrix.ParseError
			require.True(t, errors.As(err, &pe), "error %T is not a *ParseError", err)
			assert.Equal(t, tt.in, pe.Input)
			assert.Contains(t, err.Error(), "invalid target")
			for _, s := range tt.reason {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
}

func TestCanonVariant(t *testing.T) {
	tests := []struct {
		goarch, in, want string
		wantErr          string
	}{
		{"arm", "v6", "6", ""},
		{"arm", "6", "6", ""},
		{"arm", "V5,SOFTFLOAT", "5,softfloat", ""},
		{"arm64", "v8", "v8.0", ""},
		{"arm64", "v8.0", "v8.0", ""},
		{"arm64", "v8,lse", "v8.0,lse", ""},
		{"arm64", "V9,CRYPTO", "v9.0,crypto", ""},
		{"arm64", "v8,", "", "invalid GOARM64"},
		{"arm64", "v10", "", "invalid GOARM64"},
		{"arm64", "v8.1,lse,crypto", "v8.1,lse,crypto", ""},
		{"amd64", "v3", "v3", ""},
		{"riscv64", "rva23u64", "rva23u64", ""},
		{"mips64", "softfloat", "softfloat", ""},
		{"arm", "", "", "empty GOARM"},
		{"amd64", "3", "", "invalid GOAMD64"},
		{"wasm", "satconv", "", "no variants"},
		{"loong64", "v1", "", "no variants"},
	}
	for _, tt := range tests {
		t.Run(tt.goarch+"/"+tt.in, func(t *testing.T) {
			got, err := matrix.CanonVariant(tt.goarch, tt.in)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestVariantVars(t *testing.T) {
	seen := map[string]string{}
	for _, vv := range matrix.VariantVars() {
		require.NotEmpty(t, vv.Name)
		require.NotNil(t, vv.Valid, vv.Name)
		require.NotNil(t, vv.Canon, vv.Name)
		require.NotNil(t, vv.Docker, vv.Name)
		assert.Same(t, vv, matrix.VariantByName(vv.Name))
		// The default is a valid value, and the Docker spelling of every
		// valid value canonicalises back to it.
		require.NoError(t, vv.Valid(vv.Default), vv.Name)
		assert.Equal(t, vv.Default, vv.Canon(vv.Docker(vv.Default)), vv.Name)
		for _, a := range vv.Arches {
			assert.NotContains(t, seen, a, "GOARCH %s has two variant variables", a)
			seen[a] = vv.Name
			assert.Same(t, vv, matrix.VariantFor(a))
		}
	}
	assert.Nil(t, matrix.VariantFor("wasm"))
	assert.Nil(t, matrix.VariantFor("loong64"))
	assert.Nil(t, matrix.VariantByName("GOWASM"))
	assert.Equal(t, map[string]string{
		"arm": "GOARM", "amd64": "GOAMD64", "386": "GO386", "mips": "GOMIPS", "mipsle": "GOMIPS",
		"mips64": "GOMIPS64", "mips64le": "GOMIPS64", "ppc64": "GOPPC64", "ppc64le": "GOPPC64",
		"riscv64": "GORISCV64", "arm64": "GOARM64",
	}, seen)

	goarm := matrix.VariantByName("GOARM")
	assert.Equal(t, "1.22", goarm.SinceValue("6,softfloat"))
	assert.Empty(t, goarm.SinceValue("6"))
	riscv := matrix.VariantByName("GORISCV64")
	assert.Equal(t, "1.23", riscv.Since)
	assert.Equal(t, "1.25", riscv.SinceValue("rva23u64"))
	assert.Empty(t, riscv.SinceValue("rva22u64"))
}

func TestTargetStringWithoutKnownVariantVar(t *testing.T) {
	// A Target built by hand for an arch without a variant variable still
	// prints its variant verbatim.
	tg := matrix.Target{GOOS: "js", GOARCH: "wasm", Variant: "x"}
	assert.Equal(t, "js/wasm/x", tg.String())
	assert.Empty(t, tg.VariantVar())
}

func TestSplitList(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{" , ,", nil},
		{"linux/amd64", []string{"linux/amd64"}},
		{"linux/amd64, darwin/arm64 ,", []string{"linux/amd64", "darwin/arm64"}},
		{"linux/arm/v6,softfloat,linux/amd64", []string{"linux/arm/v6,softfloat", "linux/amd64"}},
		{"linux/arm64/v8.1,lse,crypto,darwin/arm64", []string{"linux/arm64/v8.1,lse,crypto", "darwin/arm64"}},
		{"linux/arm/v7,HardFloat", []string{"linux/arm/v7,hardfloat"}},
		{"linux/*,first-class", []string{"linux/*", "first-class"}},
		// A suffix after a target without a variant is its own spec (and
		// an error later, as an unknown set).
		{"linux/arm,softfloat", []string{"linux/arm", "softfloat"}},
		{"softfloat,linux/arm", []string{"softfloat", "linux/arm"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, matrix.SplitList(tt.in))
		})
	}
	// Every spec SplitList produces for a list of targets parses.
	for _, s := range matrix.SplitList("linux/arm/v6,softfloat,linux/arm64/v8.1,lse,crypto,linux/mips/softfloat") {
		_, err := matrix.Parse(s)
		assert.NoError(t, err, s)
	}
}

func TestParseErrorMessage(t *testing.T) {
	err := &matrix.ParseError{Input: "x", Reason: "because"}
	assert.Equal(t, `invalid target "x": because`, err.Error())
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"linux/arm64", "LINUX/ARM64", "linux/arm/v7", "linux/arm/6,softfloat", "linux/amd64/v3",
		"linux/arm64/v8", "linux/arm64/v8.2,lse,crypto", "linux/386/softfloat", "linux/mips/softfloat",
		"linux/ppc64le/power9", "linux/riscv64/rva22u64", "foo/bar", "a/b/c/d", "linux/amd64/v5",
		"windows/wasm/v2", "", "/", "linux/arm/vv7", "linux/arm/v7,",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tg, err := matrix.Parse(s)
		if err != nil {
			var pe *matrix.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q): error %T is not a *ParseError", s, err)
			}
			return
		}
		str := tg.String()
		again, err := matrix.Parse(str)
		if err != nil {
			t.Fatalf("Parse(%q) = %#v, but its String() %q does not parse: %v", s, tg, str, err)
		}
		if again != tg {
			t.Fatalf("Parse(%q) = %#v, Parse(String() = %q) = %#v", s, tg, str, again)
		}
		if again.String() != str {
			t.Fatalf("String() is not stable: %q then %q", str, again.String())
		}
		for _, part := range []string{tg.GOOS, tg.GOARCH} {
			for _, r := range part {
				if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
					t.Fatalf("Parse(%q) = %#v: name has %q", s, tg, r)
				}
			}
		}
	})
}
