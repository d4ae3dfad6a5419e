package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/internal/exitcode"
)

// cleanGoEnv makes the go command's environment predictable for a test:
// no user go env file, the installed toolchain, no inherited cgo settings.
func cleanGoEnv(t *testing.T) {
	t.Helper()
	t.Setenv("XCHECK_CACHE", t.TempDir())
	t.Setenv("GOENV", "off")
	t.Setenv("GOTOOLCHAIN", "local")
	t.Setenv("GOFLAGS", "-mod=mod")
	for _, k := range []string{"GOROOT", "GO111MODULE", "CGO_ENABLED", "CC", "CXX", "CGO_CFLAGS", "CGO_CPPFLAGS", "CGO_LDFLAGS", "PKG_CONFIG_PATH", "GOOS", "GOARCH", "GOAMD64", "GOARM"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
}

// writeModule writes files (name -> content) under a new temp dir.
func writeModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	return dir
}

func simpleModule(t *testing.T, goVersion string) string {
	return writeModule(t, map[string]string{
		"go.mod":  "module example.com/m\n\ngo " + goVersion + "\n",
		"main.go": "package main\n\nfunc main() {}\n",
	})
}

// cgoModule writes a module whose main package has a cgo file, so that
// a build with CGO_ENABLED=1 runs the C compiler.
func cgoModule(t *testing.T, goVersion string) string {
	return writeModule(t, map[string]string{
		"go.mod":  "module example.com/m\n\ngo " + goVersion + "\n",
		"main.go": "package main\n\n// int answer(void) { return 42; }\nimport \"C\"\n\nfunc main() { _ = C.answer() }\n",
	})
}

func TestXC0001GOROOTMismatch(t *testing.T) {
	cleanGoEnv(t)
	dir := simpleModule(t, "1.22")
	out, err := exec.Command("go", "env", "GOROOT").Output()
	require.NoError(t, err)
	goroot := strings.TrimSpace(string(out))

	// A second installation: a directory whose entries link to the
	// installed Go, so it works but is another GOROOT.
	second := filepath.Join(t.TempDir(), "go-second")
	require.NoError(t, os.Mkdir(second, 0o755))
	entries, err := os.ReadDir(goroot)
	require.NoError(t, err)
	for _, e := range entries {
		require.NoError(t, os.Symlink(filepath.Join(goroot, e.Name()), filepath.Join(second, e.Name())))
	}

	t.Setenv("GOROOT", second)
	stdout, stderr, code := runCLI(t, "-C", dir, "-t", "linux/amd64", "--cgo", "off")
	require.Equal(t, exitcode.Findings, code, stderr)
	assert.Contains(t, stdout, "error XC0001 [linux/amd64] GOROOT="+second+" (go1.")
	assert.Contains(t, stdout, "is not the installation of the go command")

	// The go command's own GOROOT, set explicitly, is fine.
	t.Setenv("GOROOT", goroot)
	stdout, _, code = runCLI(t, "-C", dir, "-t", "linux/amd64", "--cgo", "off")
	assert.Equal(t, exitcode.OK, code)
	assert.NotContains(t, stdout, "XC0001")
}

func TestXC0002ToolchainCannotSwitch(t *testing.T) {
	cleanGoEnv(t)
	dir := simpleModule(t, "1.99")
	stdout, stderr, code := runCLI(t, "-C", dir, "-t", "linux/amd64,linux/arm64", "--cgo", "off")
	require.Equal(t, exitcode.Findings, code, stderr)
	assert.Contains(t, stdout, "go.mod:3:1: error XC0002 [linux/amd64, linux/arm64] go.mod requires go >= 1.99 but the toolchain is go1.")
	assert.Contains(t, stdout, "GOTOOLCHAIN=local forbids switching")

	// Allowed to switch, but the proxy is off: the go command itself
	// fails, and that failure is the finding.
	t.Setenv("GOTOOLCHAIN", "auto")
	t.Setenv("GOPROXY", "off")
	stdout, stderr, code = runCLI(t, "-C", dir, "-t", "linux/amd64", "--cgo", "off")
	require.Equal(t, exitcode.Findings, code, stderr)
	assert.Contains(t, stdout, "go.mod:3:1: error XC0002 [linux/amd64] the go command cannot switch to the toolchain go.mod requires")
	assert.Contains(t, stdout, "toolchain not available")

	// A module the toolchain can build.
	t.Setenv("GOTOOLCHAIN", "local")
	stdout, _, code = runCLI(t, "-C", simpleModule(t, "1.22"), "-t", "linux/amd64", "--cgo", "off")
	assert.Equal(t, exitcode.OK, code)
	assert.NotContains(t, stdout, "XC0002")
}

func TestXC0003GOPATHMode(t *testing.T) {
	cleanGoEnv(t)
	dir := simpleModule(t, "1.22")
	sub := filepath.Join(dir, "cmd", "tool")
	require.NoError(t, os.MkdirAll(sub, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(sub, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644))
	t.Setenv("GO111MODULE", "off")
	t.Setenv("GOFLAGS", "")
	stdout, stderr, code := runCLI(t, "-C", sub, "-t", "linux/amd64", "--cgo", "off")
	require.Equal(t, exitcode.Findings, code, stderr)
	assert.Contains(t, stdout, "error XC0003 [linux/amd64] GO111MODULE=off puts the go command in GOPATH mode, but "+filepath.Join(dir, "go.mod")+" exists")

	t.Setenv("GO111MODULE", "on")
	stdout, _, code = runCLI(t, "-C", sub, "-t", "linux/amd64", "--cgo", "off")
	assert.Equal(t, exitcode.OK, code)
	assert.NotContains(t, stdout, "XC0003")
}

func TestXC0004HostPathsInCrossBuild(t *testing.T) {
	cleanGoEnv(t)
	dir := cgoModule(t, "1.22")
	t.Setenv("CGO_ENABLED", "1")
	t.Setenv("CC", "aarch64-linux-gnu-gcc")
	t.Setenv("CGO_CFLAGS", "-O2 -I/usr/include/libmount -I /usr/include")
	t.Setenv("CGO_LDFLAGS", "-L/usr/lib/x86_64-linux-gnu")
	t.Setenv("PKG_CONFIG_PATH", "/usr/lib/x86_64-linux-gnu/pkgconfig:/opt/arm64/lib/pkgconfig")
	stdout, stderr, code := runCLI(t, "-C", dir, "-t", "linux/arm64,linux/amd64", "--fail-on", "warning")
	require.Equal(t, exitcode.Findings, code, stderr)
	for _, want := range []string{
		`warning XC0004 [linux/arm64] CGO_CFLAGS points at the build machine's "/usr/include/libmount" in a cross build`,
		`warning XC0004 [linux/arm64] CGO_CFLAGS points at the build machine's "/usr/include" in a cross build`,
		`warning XC0004 [linux/arm64] CGO_LDFLAGS points at the build machine's "/usr/lib/x86_64-linux-gnu" in a cross build`,
		`warning XC0004 [linux/arm64] PKG_CONFIG_PATH points at the build machine's "/usr/lib/x86_64-linux-gnu/pkgconfig" in a cross build`,
	} {
		assert.Contains(t, stdout, want)
	}
	assert.Contains(t, stdout, `warning XC0004 [linux/arm64] CXX=g++ targets x86_64-linux-gnu (linux/amd64) in a cross build for linux/arm64`)
	assert.Contains(t, stdout, "fix: set CXX=aarch64-linux-gnu-g++")
	assert.NotContains(t, stdout, "/opt/arm64", "target paths are fine")
	assert.NotContains(t, stdout, "XC0004 [linux/amd64", "native builds may use host paths")
	assert.NotContains(t, stdout, "XC3003 [linux/arm64", "the arm64 cross compiler is right for linux/arm64")
	assert.Contains(t, stdout, `error XC3003 [linux/amd64] cgo is on but the C compiler "aarch64-linux-gnu-gcc" targets aarch64-linux-gnu (linux/arm64), not linux/amd64`)
	assert.Contains(t, stdout, "fix: unset CC to use the build machine's C compiler, or build with CGO_ENABLED=0")

	// Target paths and the target's C++ compiler: quiet.
	t.Setenv("CXX", "aarch64-linux-gnu-g++")
	t.Setenv("CGO_CFLAGS", "-O2 -I/usr/aarch64-linux-gnu/include")
	t.Setenv("CGO_LDFLAGS", "")
	t.Setenv("PKG_CONFIG_PATH", "")
	stdout, _, _ = runCLI(t, "-C", dir, "-t", "linux/arm64")
	assert.NotContains(t, stdout, "XC0004")
	assert.NotContains(t, stdout, "XC3003")
}

func TestXC0005CgoUnpinned(t *testing.T) {
	cleanGoEnv(t)
	dir := simpleModule(t, "1.22")
	stdout, stderr, code := runCLI(t, "-C", dir, "-t", "linux/amd64,linux/arm64")
	require.Equal(t, exitcode.OK, code, stderr)
	assert.Contains(t, stdout, `info XC0005 [linux/amd64] CGO_ENABLED is not set: cgo is on because C compiler "gcc" was found`)
	assert.NotContains(t, stdout, "XC0005 [linux/arm64", "cross builds are deterministic: cgo off")

	t.Setenv("CGO_ENABLED", "0")
	stdout, _, _ = runCLI(t, "-C", dir, "-t", "linux/amd64")
	assert.NotContains(t, stdout, "XC0005")
}

func TestXC0006InconsistentVendoring(t *testing.T) {
	cleanGoEnv(t)
	t.Setenv("GOFLAGS", "")
	dir := writeModule(t, map[string]string{
		"go.mod":     "module example.com/m\n\ngo 1.22\n\nrequire example.com/dep v0.0.0\n\nreplace example.com/dep => ./dep\n",
		"main.go":    "package main\n\nimport _ \"example.com/dep\"\n\nfunc main() {}\n",
		"dep/go.mod": "module example.com/dep\n\ngo 1.22\n",
		"dep/dep.go": "package dep\n",
	})
	cmd := exec.Command("go", "mod", "vendor")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)

	stdout, stderr, code := runCLI(t, "-C", dir, "-t", "linux/amd64", "--cgo", "off")
	require.Equal(t, exitcode.OK, code, stderr)
	assert.NotContains(t, stdout, "XC0006")

	// Break vendor/modules.txt: drop the "## explicit" marker.
	mt := filepath.Join(dir, "vendor", "modules.txt")
	data, err := os.ReadFile(mt)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(mt, []byte(strings.ReplaceAll(string(data), "## explicit", "")), 0o644))
	stdout, stderr, code = runCLI(t, "-C", dir, "-t", "linux/amd64", "--cgo", "off")
	require.Equal(t, exitcode.Findings, code, stderr)
	assert.Contains(t, stdout, "vendor/modules.txt: error XC0006 [linux/amd64] inconsistent vendoring: example.com/dep@v0.0.0: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt")
}

func TestXC3003CCWrongTarget(t *testing.T) {
	cleanGoEnv(t)
	dir := cgoModule(t, "1.22")
	t.Setenv("CGO_ENABLED", "1")
	stdout, stderr, code := runCLI(t, "-C", dir, "-t", "linux/arm64,linux/amd64")
	require.Equal(t, exitcode.Findings, code, stderr)
	assert.Contains(t, stdout, `error XC3003 [linux/arm64] cgo is on but the C compiler "gcc" targets x86_64-linux-gnu (linux/amd64), not linux/arm64`)
	assert.Contains(t, stdout, "fix: set CC=aarch64-linux-gnu-gcc (apt-get install gcc-aarch64-linux-gnu), or build with CGO_ENABLED=0")
	assert.NotContains(t, stdout, "XC3003 [linux/amd64")

	// The float ABI counts on 32-bit ARM: GOARM=7 is hard-float.
	t.Setenv("CC", "arm-linux-gnueabi-gcc")
	stdout, _, code = runCLI(t, "-C", dir, "-t", "linux/arm/v7")
	assert.Equal(t, exitcode.Findings, code)
	assert.Contains(t, stdout, `error XC3003 [linux/arm/v7] cgo is on but the C compiler "arm-linux-gnueabi-gcc" targets arm-linux-gnueabi (soft-float), while GOARM=7 needs hard-float`)
	stdout, _, _ = runCLI(t, "-C", dir, "-t", "linux/arm/v5")
	assert.NotContains(t, stdout, "XC3003")

	t.Setenv("CC", "aarch64-linux-gnu-gcc")
	stdout, _, _ = runCLI(t, "-C", dir, "-t", "linux/arm64")
	assert.NotContains(t, stdout, "XC3003")
	assert.NotContains(t, stdout, "XC3004")
}

func TestXC3004CCMissing(t *testing.T) {
	cleanGoEnv(t)
	dir := cgoModule(t, "1.22")
	t.Setenv("CGO_ENABLED", "1")
	t.Setenv("CC", "riscv64-nonexistent-gcc")
	stdout, stderr, code := runCLI(t, "-C", dir, "-t", "linux/riscv64")
	require.Equal(t, exitcode.Findings, code, stderr)
	assert.Contains(t, stdout, `error XC3004 [linux/riscv64] cgo is on (CGO_ENABLED=1 in the environment) but the C compiler "riscv64-nonexistent-gcc" is not installed`)
	assert.Contains(t, stdout, "fix: set CC=riscv64-linux-gnu-gcc (apt-get install gcc-riscv64-linux-gnu), or build with CGO_ENABLED=0")

	t.Setenv("CGO_ENABLED", "0")
	stdout, _, _ = runCLI(t, "-C", dir, "-t", "linux/riscv64")
	assert.NotContains(t, stdout, "XC3004")
}

// TestCToolchainPureGo: with cgo on and a broken C compiler, a build
// whose packages have no cgo file never runs the compiler and succeeds,
// so XC3004 is a warning that says why; with a cgo file it is an error.
func TestCToolchainPureGo(t *testing.T) {
	cleanGoEnv(t)
	t.Setenv("CGO_ENABLED", "1")
	t.Setenv("CC", "riscv64-nonexistent-gcc")
	stdout, stderr, code := runCLI(t, "-C", simpleModule(t, "1.22"), "-t", "linux/riscv64")
	require.Equal(t, exitcode.OK, code, stderr)
	assert.Contains(t, stdout, `warning XC3004 [linux/riscv64] cgo is on (CGO_ENABLED=1 in the environment) but the C compiler "riscv64-nonexistent-gcc" is not installed`)
	assert.Contains(t, stdout, "why: no package of this target's build has cgo files")
	assert.NotContains(t, stdout, "error XC3004")

	// The standard library's net package has cgo files when cgo is on.
	dir := writeModule(t, map[string]string{
		"go.mod":  "module example.com/m\n\ngo 1.22\n",
		"main.go": "package main\n\nimport \"net\"\n\nfunc main() { _, _ = net.LookupHost(\"example.com\") }\n",
	})
	stdout, stderr, code = runCLI(t, "-C", dir, "-t", "linux/riscv64")
	require.Equal(t, exitcode.Findings, code, stderr)
	assert.Contains(t, stdout, "error XC3004 [linux/riscv64]")
}
