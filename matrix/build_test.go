package matrix_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/internal/gocmd"
	"github.com/xcheck-dev/xcheck/matrix"
)

// crossTarget returns a first-class port that is not the host.
func crossTarget(t *testing.T, tc *matrix.Toolchain) string {
	t.Helper()
	for _, s := range []string{"linux/arm64", "linux/amd64", "windows/amd64"} {
		if s != tc.Host().String() {
			return s
		}
	}
	t.Fatal("unreachable")
	return ""
}

// nativeCgoHost skips the test unless the host port supports cgo and its
// default C compiler is on PATH.
func nativeCgoHost(t *testing.T) (*matrix.Toolchain, *matrix.Ports) {
	t.Helper()
	tc, ports := shared(t)
	p, ok := ports.Lookup(tc.GOHOSTOS, tc.GOHOSTARCH)
	require.True(t, ok)
	if !p.CgoSupported {
		t.Skipf("%s does not support cgo", p.Pair())
	}
	out, err := exec.Command("go", "env", "CC").Output()
	require.NoError(t, err)
	cc := strings.Fields(string(out))
	if len(cc) == 0 {
		t.Skip("go env CC is empty")
	}
	if _, err := exec.LookPath(cc[0]); err != nil {
		t.Skipf("no C compiler %q on PATH", cc[0])
	}
	return tc, ports
}

func TestResolveBuildCross(t *testing.T) {
	tc, _ := shared(t)
	spec := crossTarget(t, tc)

	t.Run("auto", func(t *testing.T) {
		b, _, _ := resolve(t, cleanGo(), spec, matrix.CgoAuto)
		require.NotNil(t, b.Port)
		assert.Equal(t, spec, b.Port.Pair())
		assert.False(t, b.Native)
		assert.False(t, b.CgoEnabled)
		assert.False(t, b.CgoRequested)
		assert.Contains(t, b.CgoReason, "cross-compiling")
		assert.NotEmpty(t, b.CC)
	})
	t.Run("CGO_ENABLED=1 in the environment", func(t *testing.T) {
		b, _, _ := resolve(t, cleanGo("CGO_ENABLED=1"), spec, matrix.CgoAuto)
		assert.True(t, b.CgoEnabled)
		assert.True(t, b.CgoRequested)
		assert.Equal(t, "CGO_ENABLED=1 in the environment", b.CgoReason)
	})
	t.Run("CGO_ENABLED=0 in the environment", func(t *testing.T) {
		b, _, _ := resolve(t, cleanGo("CGO_ENABLED=0"), spec, matrix.CgoAuto)
		assert.False(t, b.CgoEnabled)
		assert.False(t, b.CgoRequested)
		assert.Equal(t, "CGO_ENABLED=0 in the environment", b.CgoReason)
	})
	t.Run("--cgo on", func(t *testing.T) {
		b, _, _ := resolve(t, cleanGo("CGO_ENABLED=0"), spec, matrix.CgoOn)
		assert.True(t, b.CgoEnabled, "--cgo on wins over the environment")
		assert.True(t, b.CgoRequested)
		assert.Equal(t, "--cgo on", b.CgoReason)
	})
	t.Run("--cgo off", func(t *testing.T) {
		b, _, _ := resolve(t, cleanGo("CGO_ENABLED=1"), spec, matrix.CgoOff)
		assert.False(t, b.CgoEnabled, "--cgo off wins over the environment")
		assert.False(t, b.CgoRequested)
		assert.Equal(t, "--cgo off", b.CgoReason)
	})
	t.Run("CC for the target", func(t *testing.T) {
		b, _, _ := resolve(t, cleanGo("CC=my-cross-cc"), spec, matrix.CgoOn)
		assert.Equal(t, "my-cross-cc", b.CC)
	})
}

func TestResolveBuildNative(t *testing.T) {
	t.Run("C compiler found", func(t *testing.T) {
		tc, _ := nativeCgoHost(t)
		b, _, _ := resolve(t, cleanGo(), tc.Host().String(), matrix.CgoAuto)
		assert.True(t, b.Native)
		assert.True(t, b.CgoEnabled)
		assert.False(t, b.CgoRequested, "the default is not a request")
		assert.Contains(t, b.CgoReason, "native build and C compiler")
		assert.Contains(t, b.CgoReason, b.CC)
	})
	t.Run("no C compiler", func(t *testing.T) {
		tc, _ := nativeCgoHost(t)
		goBin, err := exec.LookPath("go")
		require.NoError(t, err)
		dir := t.TempDir()
		require.NoError(t, os.Symlink(goBin, filepath.Join(dir, "go")))
		var env []string
		for _, kv := range cleanEnv() {
			if !strings.HasPrefix(kv, "PATH=") {
				env = append(env, kv)
			}
		}
		env = append(env, "PATH="+dir)
		g := &gocmd.Go{Bin: filepath.Join(dir, "go"), BaseEnv: env}
		b, _, _ := resolve(t, g, tc.Host().String(), matrix.CgoAuto)
		assert.True(t, b.Native)
		assert.False(t, b.CgoEnabled)
		assert.False(t, b.CgoRequested)
		assert.Contains(t, b.CgoReason, "no C compiler")
		assert.Contains(t, b.CgoReason, b.CC)

		// Check has nothing to say about it: it is XC3xxx's business
		// whether a package needs cgo.
		tc2, ports := shared(t)
		assert.Empty(t, matrix.Check(b, tc2, ports, matrix.Policy{}, nil))
	})
	t.Run("port without cgo", func(t *testing.T) {
		// Not native, but the reason order matters: an explicit setting
		// is reported before the port's lack of cgo.
		b, _, _ := resolve(t, cleanGo("CGO_ENABLED=1"), "js/wasm", matrix.CgoAuto)
		assert.True(t, b.CgoRequested)
		assert.Equal(t, "CGO_ENABLED=1 in the environment", b.CgoReason)
	})
}

func TestResolveBuildVariant(t *testing.T) {
	tests := []struct {
		env, spec     string
		variant, from string
	}{
		{"", "linux/arm", "7", "default"},
		{"", "linux/arm/v6", "6", "target"},
		{"", "linux/arm/v6,softfloat", "6,softfloat", "target"},
		{"GOARM=5", "linux/arm", "5", "environment"},
		{"GOARM=5", "linux/arm/v7", "7", "target"},
		{"GOARM=", "linux/arm", "7", "default"},
		{"", "linux/amd64", "v1", "default"},
		{"GOAMD64=v3", "linux/amd64", "v3", "environment"},
		{"", "linux/amd64/v2", "v2", "target"},
		{"", "linux/arm64", "v8.0", "default"},
		{"", "linux/arm64/v8.2,lse", "v8.2,lse", "target"},
		{"", "linux/386", "sse2", "default"},
		{"", "linux/mipsle", "hardfloat", "default"},
		{"GOMIPS64=softfloat", "linux/mips64", "softfloat", "environment"},
		{"", "linux/ppc64le", "power8", "default"},
		{"", "linux/riscv64", "rva20u64", "default"},
		{"GOARM=6", "linux/amd64", "v1", "default"}, // another arch's variable
		{"", "js/wasm", "", ""},
		{"", "linux/loong64", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.env+" "+tt.spec, func(t *testing.T) {
			t.Parallel()
			var extra []string
			if tt.env != "" {
				extra = append(extra, tt.env)
			}
			b, _, _ := resolve(t, cleanGo(extra...), tt.spec, matrix.CgoAuto)
			assert.Equal(t, tt.variant, b.Variant)
			assert.Equal(t, tt.from, b.VariantFrom)
		})
	}
}

func TestResolveBuildNotAPort(t *testing.T) {
	// Targets that are not ports are not asked about: no go command is
	// needed.
	for _, spec := range []string{"windows/arm", "foo/bar", "linux/x86_64"} {
		b, _, _ := resolve(t, &gocmd.Go{Bin: "/nonexistent/go"}, spec, matrix.CgoOn)
		assert.Nil(t, b.Port)
		assert.Equal(t, spec, b.Target.String())
		assert.False(t, b.CgoEnabled)
		assert.Empty(t, b.CgoReason)
	}
}

func TestResolveBuildGoFails(t *testing.T) {
	tc, ports := shared(t)
	tg, err := matrix.Parse("linux/arm64")
	require.NoError(t, err)
	b, err := matrix.ResolveBuild(t.Context(), &gocmd.Go{Bin: "/nonexistent/go"}, tc, ports, tg, matrix.CgoAuto)
	require.Error(t, err)
	assert.Nil(t, b)
	assert.Contains(t, err.Error(), "target linux/arm64")
	assert.Contains(t, err.Error(), "go command")

	// An invalid GOARM64 makes every go command fail, for every arch.
	b, err = matrix.ResolveBuild(t.Context(), cleanGo("GOARM64=v7.0"), tc, ports, tg, matrix.CgoAuto)
	require.Error(t, err)
	assert.Nil(t, b)
	assert.Contains(t, err.Error(), "GOARM64")
}

// TestResolveBuildGoEnvFile: settings made with `go env -w` apply to every
// build just like environment variables; ResolveBuild must see them.
func TestResolveBuildGoEnvFile(t *testing.T) {
	tc, ports := shared(t)
	goenv := func(t *testing.T, lines ...string) *gocmd.Go {
		file := filepath.Join(t.TempDir(), "go.env")
		require.NoError(t, os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644))
		env := cleanEnv()
		for i, kv := range env {
			if kv == "GOENV=off" {
				env[i] = "GOENV=" + file
			}
		}
		return &gocmd.Go{BaseEnv: env}
	}
	spec := crossTarget(t, tc)

	t.Run("CGO_ENABLED=1", func(t *testing.T) {
		b, _, _ := resolve(t, goenv(t, "CGO_ENABLED=1"), spec, matrix.CgoAuto)
		assert.True(t, b.CgoEnabled)
		assert.True(t, b.CgoRequested)
		assert.Contains(t, b.CgoReason, "CGO_ENABLED=1")
		assert.Contains(t, b.CgoReason, "go env -w")
		assert.NotContains(t, b.CgoReason, "cgo is off")
	})
	t.Run("the environment wins over the file", func(t *testing.T) {
		g := goenv(t, "CGO_ENABLED=1")
		g.BaseEnv = append(g.BaseEnv, "CGO_ENABLED=0")
		b, _, _ := resolve(t, g, spec, matrix.CgoAuto)
		assert.False(t, b.CgoEnabled)
		assert.Equal(t, "CGO_ENABLED=0 in the environment", b.CgoReason)
	})
	t.Run("an empty variable does not hide the file", func(t *testing.T) {
		g := goenv(t, "CGO_ENABLED=1")
		g.BaseEnv = append(g.BaseEnv, "CGO_ENABLED=")
		b, _, _ := resolve(t, g, spec, matrix.CgoAuto)
		assert.True(t, b.CgoEnabled)
		assert.True(t, b.CgoRequested)
	})
	t.Run("variant", func(t *testing.T) {
		b, _, _ := resolve(t, goenv(t, "# comment", "GOARM=6"), "linux/arm", matrix.CgoAuto)
		assert.Equal(t, "6", b.Variant)
		assert.Equal(t, "environment", b.VariantFrom)
	})
	t.Run("invalid variant is XC1008", func(t *testing.T) {
		b, _, _ := resolve(t, goenv(t, "GOAMD64=v5"), "linux/amd64", matrix.CgoAuto)
		assert.Equal(t, "v5", b.Variant)
		fs := matrix.Check(b, tc, ports, matrix.Policy{}, nil)
		f := one(t, fs, "XC1008", "linux/amd64")
		assert.Contains(t, f.Message, `invalid GOAMD64 value "v5"`)
		assert.Contains(t, f.Message, "go env -w")
	})
}
