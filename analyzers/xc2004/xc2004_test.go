package xc2004_test

import (
	"bytes"
	"debug/macho"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/analyzers/xc2004"
	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/loader/loadertest"
)

// need skips the test, or fails it when CI=true, if tool is not on PATH.
func need(t testing.TB, tool, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is missing; CI installs it (apt-get install -y %s, see scripts/apt-packages.txt)", tool, pkg)
	}
	t.Skipf("%s is missing; install it with: apt-get update && apt-get install -y %s", tool, pkg)
	return ""
}

// objects builds, once per test, a C object for each compiler and a
// Windows resource object, into a temporary directory.
type objects struct {
	amd64, arm64, winAMD64, rsrc string
}

func build(t *testing.T) objects {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "blob.c")
	require.NoError(t, os.WriteFile(src, []byte("int blob_add(int a, int b) { return a + b; }\n"), 0o644))
	rc := filepath.Join(dir, "v.rc")
	require.NoError(t, os.WriteFile(rc, []byte("1 VERSIONINFO\nFILEVERSION 1,0,0,0\nBEGIN\nEND\n"), 0o644))
	run := func(out string, args ...string) string {
		name := filepath.Join(dir, out)
		cmd := exec.Command(args[0], append(args[1:], "-o", name)...)
		b, err := cmd.CombinedOutput()
		require.NoError(t, err, "%v: %s", args, b)
		return name
	}
	return objects{
		amd64:    run("amd64.o", need(t, "gcc", "gcc"), "-c", src),
		arm64:    run("arm64.o", need(t, "aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu"), "-c", src),
		winAMD64: run("win64.o", need(t, "x86_64-w64-mingw32-gcc", "gcc-mingw-w64-x86-64"), "-c", src),
		rsrc:     run("rsrc.o", need(t, "x86_64-w64-mingw32-windres", "gcc-mingw-w64-x86-64"), "-O", "coff", rc),
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Dir(to), 0o755))
	require.NoError(t, os.WriteFile(to, b, 0o644))
}

const module = `
-- go.mod --
module example.com/m

go 1.22
-- main.go --
package main

import (
	_ "example.com/m/good"
	_ "example.com/m/native"
)

func main() {}
-- native/native.go --
package native
-- good/good.go --
package good
`

func TestFires(t *testing.T) {
	t.Parallel()
	o := build(t)
	dir := loadertest.WriteModule(t, module)
	// An arm64 object named for linux/amd64; a correct one; a Windows
	// resource object without a platform in its name.
	copyFile(t, o.arm64, filepath.Join(dir, "native", "blob_linux_amd64.syso"))
	copyFile(t, o.amd64, filepath.Join(dir, "good", "blob_linux_amd64.syso"))
	copyFile(t, o.rsrc, filepath.Join(dir, "rsrc.syso"))

	fs := finding.Merge(loadertest.Load(t, dir,
		loadertest.Build(t, "linux/amd64", false),
		loadertest.Build(t, "linux/386", false),
		loadertest.Build(t, "linux/arm64", false),
		loadertest.Build(t, "windows/amd64", false),
		loadertest.Build(t, "windows/arm64", false),
		loadertest.Build(t, "wasip1/wasm", false)))
	dump := loadertest.Dump(fs)
	require.Len(t, fs, 4, dump)
	at := func(target string, sev finding.Severity) finding.Finding {
		t.Helper()
		for _, f := range loadertest.Of(fs, "XC2004", target) {
			if f.Severity == sev && f.Pos.File == "rsrc.syso" {
				return f
			}
		}
		t.Fatalf("no %s for rsrc.syso on %s:\n%s", sev, target, dump)
		return finding.Finding{}
	}

	blob := fs[0]
	assert.Equal(t, "native/blob_linux_amd64.syso [e_machine]", blob.Pos.String())
	assert.Equal(t, finding.Error, blob.Severity)
	assert.Equal(t, []string{"linux/amd64"}, blob.Targets)
	assert.Equal(t, `"blob_linux_amd64.syso" is an ELF object for arm64 (EM_AARCH64)`, blob.Message)
	assert.Equal(t, []string{"example.com/m -> example.com/m/native", `the Go linker accepts only ELF objects for the target's architecture ("elf object but not ...")`}, blob.Why)
	assert.Equal(t, `rebuild "blob_linux_amd64.syso" for the target, or rename it blob_linux_arm64.syso so that only linux/arm64 builds link it`, blob.Fix)

	// rsrc.syso (a windows/amd64 resource object, relocation type 3):
	// 386 has no relocation type 3, nor wasm any: the link fails.
	rej := at("linux/386", finding.Error)
	assert.Equal(t, []string{"linux/386", "wasip1/wasm"}, rej.Targets, dump)
	assert.Equal(t, "rsrc.syso [Machine]", rej.Pos.String())
	assert.Equal(t, `"rsrc.syso" is a PE/COFF object for windows/amd64 (IMAGE_FILE_MACHINE_AMD64)`, rej.Message)
	assert.Contains(t, rej.Why[1], "unknown relocation type")
	assert.Equal(t, "rename it rsrc_windows_amd64.syso so that only windows/amd64 builds link it", rej.Fix)
	// arm64 takes type 3 for one of its own: it links, wrongly.
	cpu := at("windows/arm64", finding.Warning)
	assert.Equal(t, []string{"linux/arm64", "windows/arm64"}, cpu.Targets, dump)
	assert.Contains(t, cpu.Why[1], "the object is for another CPU")
	// linux/amd64: the right CPU, another OS.
	osw := at("linux/amd64", finding.Warning)
	assert.Equal(t, []string{"linux/amd64"}, osw.Targets)
	assert.Equal(t, []string{"example.com/m", "the build succeeds, but the object is made for windows: its code follows that system's conventions, and its Windows resources are ignored"}, osw.Why)

	if testing.Short() {
		return
	}
	// The go command agrees: the arm64 object stops the linux/amd64 link,
	// the resource object stops the linux/386 link (not the amd64 or
	// arm64 ones).
	out, err := goBuild(t, dir, "linux", "amd64")
	require.Error(t, err)
	assert.Contains(t, out, "(blob_linux_amd64): elf object but not amd64")
	require.NoError(t, os.Remove(filepath.Join(dir, "native", "blob_linux_amd64.syso")))
	for _, arch := range []string{"amd64", "arm64"} {
		out, err = goBuild(t, dir, "linux", arch)
		assert.NoError(t, err, out)
	}
	out, err = goBuild(t, dir, "linux", "386")
	require.Error(t, err)
	assert.Contains(t, out, "(rsrc.syso): ")
	assert.Contains(t, out, "unknown relocation type 3")
}

func goBuild(t *testing.T, dir, goos, goarch string) (string, error) {
	t.Helper()
	cmd := exec.Command("go", "build", "-o", os.DevNull, ".")
	cmd.Dir = dir
	cmd.Env = append(loadertest.Env(), "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestQuiet(t *testing.T) {
	t.Parallel()
	o := build(t)
	dir := loadertest.WriteModule(t, module)
	copyFile(t, o.amd64, filepath.Join(dir, "native", "blob_linux_amd64.syso"))
	copyFile(t, o.arm64, filepath.Join(dir, "native", "blob_linux_arm64.syso"))
	copyFile(t, o.winAMD64, filepath.Join(dir, "native", "blob_windows_amd64.syso"))
	copyFile(t, o.rsrc, filepath.Join(dir, "rsrc_windows_amd64.syso"))
	fs := loadertest.Load(t, dir,
		loadertest.Build(t, "linux/amd64", false),
		loadertest.Build(t, "linux/arm64", false),
		loadertest.Build(t, "windows/amd64", false),
		loadertest.Build(t, "windows/arm64", false),
		loadertest.Build(t, "darwin/arm64", false),
		loadertest.Build(t, "linux/riscv64", false))
	assert.Empty(t, fs, loadertest.Dump(fs))
}

// An ELF object for the right CPU links into darwin and windows builds,
// but is made for another system.
func TestOtherOS(t *testing.T) {
	t.Parallel()
	o := build(t)
	dir := loadertest.WriteModule(t, module)
	copyFile(t, o.amd64, filepath.Join(dir, "native", "blob.syso"))
	fs := finding.Merge(loadertest.Load(t, dir,
		loadertest.Build(t, "linux/amd64", false),
		loadertest.Build(t, "darwin/amd64", false),
		loadertest.Build(t, "windows/amd64", false)))
	require.Len(t, fs, 1, loadertest.Dump(fs))
	f := fs[0]
	assert.Equal(t, []string{"darwin/amd64", "windows/amd64"}, f.Targets)
	assert.Equal(t, finding.Warning, f.Severity)
	assert.Equal(t, `"blob.syso" is an ELF object for amd64 (EM_X86_64)`, f.Message)
	assert.Equal(t, "the build succeeds, but the object is made for an ELF system (linux, the BSDs, solaris): its code follows that system's conventions", f.Why[1])
	assert.Equal(t, "rename it blob_linux_amd64.syso so that only linux/amd64 builds link it", f.Fix)
	if !testing.Short() {
		for _, goos := range []string{"darwin", "windows"} {
			out, err := goBuild(t, dir, goos, "amd64")
			assert.NoError(t, err, out)
		}
	}
}

// A truncated object and a file that is no object at all are findings
// with the reason.
func TestMalformed(t *testing.T) {
	t.Parallel()
	o := build(t)
	dir := loadertest.WriteModule(t, module)
	b, err := os.ReadFile(o.amd64)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "native", "cut_amd64.syso"), b[:40], 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "good", "notes.syso"), []byte("not an object\n"), 0o644))
	fs := loadertest.Load(t, dir, loadertest.Build(t, "linux/amd64", false))
	require.Len(t, fs, 2, loadertest.Dump(fs))
	assert.Equal(t, "good/notes.syso", fs[0].Pos.String())
	assert.Equal(t, `"notes.syso" cannot be linked: not an object file the Go linker reads`, fs[0].Message)
	assert.Equal(t, "native/cut_amd64.syso", fs[1].Pos.String())
	assert.Equal(t, finding.Error, fs[1].Severity)
	assert.Contains(t, fs[1].Message, `"cut_amd64.syso" cannot be linked: malformed ELF file: truncated ELF header`)
}

func TestReadFrom(t *testing.T) {
	machoHdr := func(cpu macho.Cpu) []byte {
		var b bytes.Buffer
		_ = binary.Write(&b, binary.LittleEndian, macho.FileHeader{Magic: macho.Magic64, Cpu: cpu, Type: macho.TypeObj})
		b.Write(make([]byte, 4)) // reserved field of the 64-bit header
		return b.Bytes()
	}
	for _, tc := range []struct {
		name, data string
		want       string // Describe(), or "error: ..." for Err
	}{
		{"macho-arm64", string(machoHdr(macho.CpuArm64)), "a Mach-O object for darwin/arm64 (CpuArm64)"},
		{"macho-amd64", string(machoHdr(macho.CpuAmd64)), "a Mach-O object for darwin/amd64 (CpuAmd64)"},
		{"go-object", "go object linux arm go1.26 X:none\n!\n", "a Go object for linux/arm"},
		{"xcoff64", "\x01\xf7\x00\x00", "a XCOFF object for aix/ppc64 (U64_TOCMAGIC)"},
		{"empty", "", "error: empty file"},
		{"ar", "!<arch>\nfoo", "error: not an object file the Go linker reads (an ar archive)"},
		{"fat", "\xca\xfe\xba\xbe\x00\x00\x00\x02", "error: not an object file the Go linker reads (a universal Mach-O file)"},
		{"elf-short", "\x7fELF\x02\x01", "error: malformed ELF file: truncated ELF identification"},
		{"coff-short", "\x64\x86\x01\x00", "error: malformed PE/COFF file"},
		{"macho-short", "\xcf\xfa\xed\xfe\x0c", "error: malformed Mach-O file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := xc2004.ReadFrom(strings.NewReader(tc.data), int64(len(tc.data)), tc.name)
			if rest, ok := strings.CutPrefix(tc.want, "error: "); ok {
				require.Error(t, o.Err)
				assert.Contains(t, o.Err.Error(), rest)
				return
			}
			require.NoError(t, o.Err)
			assert.Equal(t, tc.want, o.Describe())
		})
	}
}

// Every GOOS of the toolchain is a known file name suffix.
func TestKnownOS(t *testing.T) {
	out, err := exec.Command("go", "tool", "dist", "list").Output()
	require.NoError(t, err)
	for _, line := range strings.Fields(string(out)) {
		goos, _, _ := strings.Cut(line, "/")
		assert.True(t, xc2004.KnownOS[goos], goos)
	}
}

// Whatever the bytes, ReadFrom returns an object or a reason, and no
// reader below it panics (ReadFrom's recover is the last line of defence).
func FuzzReadFrom(f *testing.F) {
	for _, seed := range []string{
		"", "\x7fELF\x02\x01\x01", "\x64\x86\x01\x00\x00\x00\x00\x00", "\xcf\xfa\xed\xfe\x0c\x00\x00\x01",
		"go object linux amd64 go1.26\n", "\x01\xf7", "!<arch>\n",
	} {
		f.Add([]byte(seed))
	}
	if b, err := os.ReadFile("/bin/true"); err == nil && len(b) < 1<<20 {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		o := xc2004.ReadFrom(bytes.NewReader(data), int64(len(data)), "fuzz")
		if o.Err != nil {
			if strings.Contains(o.Err.Error(), "internal error") {
				t.Fatal(o.Err)
			}
			return
		}
		if o.Format == "" || o.Section == "" || o.Describe() == "" {
			t.Fatalf("incomplete object %+v", o)
		}
	})
}
