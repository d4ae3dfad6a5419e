package abi

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeCC writes a shell script that answers like a C compiler:
// -dumpmachine prints triple, -print-sysroot prints sysroot,
// -print-file-name=libc.so.6 prints fileName and -### writes linkLine to
// standard error. It returns the script's path.
func fakeCC(t *testing.T, triple, sysroot, fileName, linkLine string) string {
	t.Helper()
	q := func(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
	script := "#!/bin/sh\nfor a in \"$@\"; do\n  case \"$a\" in\n" +
		"    -dumpmachine) echo " + q(triple) + "; exit 0;;\n" +
		"    -print-sysroot) echo " + q(sysroot) + "; exit 0;;\n" +
		"    -print-file-name=libc.so.6) echo " + q(fileName) + "; exit 0;;\n" +
		"    '-###') echo " + q(linkLine) + " >&2; exit 0;;\n" +
		"  esac\ndone\nexit 1\n"
	p := filepath.Join(t.TempDir(), "fake-gcc")
	require.NoError(t, os.WriteFile(p, []byte(script), 0o755))
	return p
}

// fakeCross writes a Debian-cross-like sysroot for s390x under
// fsRoot/usr/s390x-linux-gnu and returns it.
func fakeCross(t *testing.T, fsRoot string) string {
	t.Helper()
	writeFile(t, fsRoot, "usr/s390x-linux-gnu/lib/libc.so.6", []byte("\x7fELF"))
	return filepath.Join(fsRoot, "usr/s390x-linux-gnu")
}

func TestDiscoverExplicit(t *testing.T) {
	a, b2, c := t.TempDir(), t.TempDir(), t.TempDir()
	d := discoverer{fsRoot: t.TempDir()}
	ctx := context.Background()
	b := testBuild(t, "linux/arm/v7", true)

	got, err := d.discover(ctx, b, nil, map[string]string{"linux/arm/v7": a, "linux/arm": b2, "": c})
	require.NoError(t, err)
	assert.Equal(t, Discovery{Root: a, Method: MethodFlag, How: "--sysroot linux/arm/v7=" + a}, got)

	got, err = d.discover(ctx, b, nil, map[string]string{"linux/arm": b2, "": c})
	require.NoError(t, err)
	assert.Equal(t, b2, got.Root, "the pair's entry applies to every variant")

	got, err = d.discover(ctx, b, nil, map[string]string{"": c, "linux/arm64": a})
	require.NoError(t, err)
	assert.Equal(t, c, got.Root)
	assert.Equal(t, "--sysroot "+c, got.How)

	// An explicit sysroot is used as given, or is an error: no search.
	fakeCross(t, d.fsRoot)
	file := writeFile(t, a, "file", nil)
	for p, msg := range map[string]string{"/nonexistent": "no such directory", file: "not a directory"} {
		_, err = d.discover(ctx, testBuild(t, "linux/s390x", true), nil, map[string]string{"": p})
		var de *DiscoverError
		require.ErrorAs(t, err, &de)
		assert.Equal(t, "--sysroot "+p, de.Explicit)
		assert.EqualError(t, err, "sysroot for linux/s390x: --sysroot "+p+": "+msg)
		assert.NotErrorIs(t, err, ErrNoSysroot)
	}
}

func TestDiscoverExplicitMultiarchTriple(t *testing.T) {
	// A root file system with two multiarch triples: the target's is read.
	root := t.TempDir()
	writeFile(t, root, "usr/lib/x86_64-linux-gnu/libc.so.6", synthAArch64Glibc())
	writeFile(t, root, "usr/lib/aarch64-linux-gnu/libc.so.6", synthAArch64Glibc())
	d := discoverer{fsRoot: t.TempDir()}
	got, err := d.discover(context.Background(), testBuild(t, "linux/arm64", true), nil, map[string]string{"": root})
	require.NoError(t, err)
	assert.Equal(t, "aarch64-linux-gnu", got.Triple)
}

func TestDiscoverCgoFlags(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "my sysroot")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	d := discoverer{fsRoot: t.TempDir()}
	fakeCross(t, d.fsRoot)
	ctx := context.Background()

	b := testBuild(t, "linux/s390x", true)
	b.GoEnv["CGO_CFLAGS"] = `-O2 "--sysroot=` + dir + `" -g`
	got, err := d.discover(ctx, b, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, MethodCgoFlags, got.Method)
	assert.Equal(t, dir, got.Root)
	assert.Equal(t, "--sysroot in CGO_CFLAGS ("+dir+")", got.How)
	assert.Equal(t, []string{"--sysroot: not given"}, got.Tried)

	b = testBuild(t, "linux/s390x", true)
	b.GoEnv["CGO_LDFLAGS"] = "--sysroot '" + dir + "'"
	got, err = d.discover(ctx, b, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, "--sysroot in CGO_LDFLAGS ("+dir+")", got.How)

	// From the environment when go env was not run, and from CC.
	b = testBuild(t, "linux/s390x", true)
	b.GoEnv = nil
	got, err = d.discover(ctx, b, []string{"CGO_CPPFLAGS='--sysroot=" + dir + "'"}, nil)
	require.NoError(t, err)
	assert.Equal(t, "--sysroot in CGO_CPPFLAGS ("+dir+")", got.How)
	b = testBuild(t, "linux/s390x", true)
	b.CC = "s390x-linux-gnu-gcc '--sysroot=" + dir + "'"
	got, err = d.discover(ctx, b, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, "--sysroot in CC ("+dir+")", got.How)

	b = testBuild(t, "linux/s390x", true)
	b.GoEnv["CGO_CFLAGS"] = "--sysroot=/nonexistent"
	_, err = d.discover(ctx, b, nil, nil)
	assert.EqualError(t, err, "sysroot for linux/s390x: --sysroot in CGO_CFLAGS (/nonexistent): no such directory")
}

func TestDiscoverFromCompiler(t *testing.T) {
	ctx := context.Background()
	env := os.Environ()
	d := discoverer{fsRoot: t.TempDir()}
	fakeCross(t, d.fsRoot) // found only if the compiler steps find nothing
	sr := t.TempDir()
	writeFile(t, sr, "usr/lib/libc.so.6", []byte("x"))
	writeFile(t, sr, "usr/lib/Scrt1.o", []byte("x"))

	// -print-sysroot.
	b := testBuild(t, "linux/s390x", true)
	b.CC = fakeCC(t, "s390x-linux-gnu", sr, "libc.so.6", "")
	got, err := d.discover(ctx, b, env, nil)
	require.NoError(t, err)
	assert.Equal(t, MethodPrintSysroot, got.Method)
	assert.Equal(t, sr, got.Root)
	assert.Equal(t, b.CC+" -print-sysroot", got.How)

	// "/" is not a sysroot (Debian's cross compilers): the start file of
	// the link line is.
	b.CC = fakeCC(t, "s390x-linux-gnu", "/", "libc.so.6",
		` /usr/lib/gcc/collect2 -dynamic-linker /lib/ld64.so.1 "`+sr+`/usr/lib/gcc/../Scrt1.o" -lc`)
	got, err = d.discover(ctx, b, env, nil)
	require.NoError(t, err)
	assert.Equal(t, MethodLinkLine, got.Method)
	assert.Equal(t, sr, got.Root)
	assert.Equal(t, b.CC+" -### (links "+sr+"/usr/lib/Scrt1.o)", got.How)
	assert.Contains(t, got.Tried, b.CC+` -print-sysroot: "/"`)

	// -print-file-name=libc.so.6, in a multiarch directory.
	writeFile(t, sr, "usr/lib/s390x-linux-gnu/libc.so.6", []byte("x"))
	require.NoError(t, os.MkdirAll(filepath.Join(sr, "usr/lib/gcc/s390x-linux-gnu/12"), 0o755))
	b.CC = fakeCC(t, "s390x-linux-gnu", "", sr+"/usr/lib/gcc/s390x-linux-gnu/12/../../../s390x-linux-gnu/libc.so.6", "collect2 -lc")
	got, err = d.discover(ctx, b, env, nil)
	require.NoError(t, err)
	assert.Equal(t, MethodPrintFileName, got.Method)
	assert.Equal(t, sr, got.Root)
	assert.Equal(t, "s390x-linux-gnu", got.Triple)
	assert.Contains(t, got.Tried, b.CC+" -###: no start file in the link command")

	// A compiler that knows nothing: on to the Debian layout.
	b.CC = fakeCC(t, "s390x-linux-gnu", "", "libc.so.6", "")
	got, err = d.discover(ctx, b, env, nil)
	require.NoError(t, err)
	assert.Equal(t, MethodDebianCross, got.Method)
	assert.Contains(t, got.Tried, b.CC+` -print-file-name=libc.so.6: "libc.so.6" (not found)`)

	// A compiler for another target is not asked.
	b.CC = fakeCC(t, "x86_64-linux-gnu", sr, "", "")
	got, err = d.discover(ctx, b, env, nil)
	require.NoError(t, err)
	assert.Equal(t, MethodDebianCross, got.Method)
	assert.Contains(t, got.Tried, "CC="+b.CC+" targets x86_64-linux-gnu, not linux/s390x: its sysroot is not the target's")

	// zig cc brings its own C library.
	b.CC = "zig cc -target s390x-linux-gnu.2.28"
	got, err = d.discover(ctx, b, env, nil)
	require.NoError(t, err)
	assert.Equal(t, MethodZig, got.Method)
	assert.Empty(t, got.Root)
	_, s, err := LoadSysroot(ctx, nil, b, env, map[string]string{})
	require.NoError(t, err)
	assert.Nil(t, s)
}

func TestDiscoverDebianLayouts(t *testing.T) {
	ctx := context.Background()
	fsRoot := t.TempDir()
	d := discoverer{fsRoot: fsRoot}
	b := testBuild(t, "linux/s390x", true)

	// binutils-s390x-linux-gnu alone makes /usr/s390x-linux-gnu/bin: not
	// a sysroot.
	require.NoError(t, os.MkdirAll(filepath.Join(fsRoot, "usr/s390x-linux-gnu/bin"), 0o755))
	writeFile(t, fsRoot, "usr/lib/s390x-linux-gnu/bfd-plugins/x", nil)
	_, err := d.discover(ctx, b, nil, nil)
	require.ErrorIs(t, err, ErrNoSysroot)
	var de *DiscoverError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "linux/s390x", de.Target)
	assert.Contains(t, err.Error(), "no sysroot found for linux/s390x (tried --sysroot: not given; ")

	// Multiarch (dpkg --add-architecture s390x).
	writeFile(t, fsRoot, "usr/lib/s390x-linux-gnu/libc.so.6", nil)
	got, err := d.discover(ctx, b, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, Discovery{Root: fsRoot, Triple: "s390x-linux-gnu", Method: MethodMultiarch, How: "Debian multiarch " + fsRoot + "/usr/lib/s390x-linux-gnu", Tried: got.Tried}, got)

	// The cross layout wins over multiarch.
	cross := fakeCross(t, fsRoot)
	got, err = d.discover(ctx, b, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, Discovery{Root: cross, Method: MethodDebianCross, How: "Debian cross layout " + cross, Tried: got.Tried}, got)

	// 386 multiarch is i386-linux-gnu.
	writeFile(t, fsRoot, "lib/i386-linux-gnu/libc.so.6", nil)
	got, err = d.discover(ctx, testBuild(t, "linux/386", true), nil, nil)
	require.NoError(t, err)
	assert.Equal(t, "i386-linux-gnu", got.Triple)

	// GOARM picks armhf or armel.
	writeFile(t, fsRoot, "usr/arm-linux-gnueabi/lib/crt1.o", nil)
	got, err = d.discover(ctx, testBuild(t, "linux/arm/v5", true), nil, nil)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(fsRoot, "usr/arm-linux-gnueabi"), got.Root)
	_, err = d.discover(ctx, testBuild(t, "linux/arm/v7", true), nil, nil)
	assert.ErrorIs(t, err, ErrNoSysroot)
}

// The real cross compilers find the real sysroots.
func TestDiscoverRealCompilers(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ target, cc, pkg, triple string }{
		{"linux/arm64", "aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu", "aarch64-linux-gnu"},
		{"linux/arm/v7", "arm-linux-gnueabihf-gcc", "gcc-arm-linux-gnueabihf", "arm-linux-gnueabihf"},
		{"linux/arm/v5", "arm-linux-gnueabi-gcc", "gcc-arm-linux-gnueabi", "arm-linux-gnueabi"},
		{"linux/riscv64", "riscv64-linux-gnu-gcc", "gcc-riscv64-linux-gnu", "riscv64-linux-gnu"},
	} {
		t.Run(tc.cc, func(t *testing.T) {
			root, pkg := debianRoot(tc.triple)
			needSysroot(t, root, pkg)
			_, err := exec.LookPath(tc.cc)
			needHostThing(t, err == nil, tc.cc, tc.pkg)
			b := testBuild(t, tc.target, true)
			b.CC = tc.cc
			d, s, err := LoadSysroot(ctx, nil, b, os.Environ(), nil)
			require.NoError(t, err)
			assert.Equal(t, MethodLinkLine, d.Method, "tried %v", d.Tried)
			assert.Equal(t, root, d.Root)
			assert.Equal(t, tc.triple, s.Triple)
			assert.Equal(t, LibcGlibc, s.Libc.Value)
			// Debian's cross compilers say "/".
			assert.Contains(t, d.Tried, tc.cc+` -print-sysroot: "/"`)
			// -print-file-name agrees with the link line.
			out, err := exec.Command(tc.cc, "-print-file-name=libc.so.6").Output()
			require.NoError(t, err)
			r, triple, ok := rootOfLibrary(strings.TrimSpace(string(out)))
			assert.True(t, ok)
			assert.Equal(t, root, r)
			assert.Empty(t, triple)
		})
	}
}

// Debian's musl-gcc says x86_64-linux-gnu and -print-file-name finds
// glibc; the link line shows the musl start files.
func TestDiscoverMuslGCC(t *testing.T) {
	_, err := exec.LookPath("musl-gcc")
	needHostThing(t, err == nil, "musl-gcc", "musl-tools")
	b := testBuild(t, "linux/amd64", true)
	b.CC = "musl-gcc"
	d, s, err := LoadSysroot(context.Background(), nil, b, os.Environ(), nil)
	require.NoError(t, err)
	assert.Equal(t, MethodLinkLine, d.Method)
	assert.Equal(t, "/", d.Root)
	assert.Equal(t, "x86_64-linux-musl", d.Triple)
	assert.Equal(t, LibcMusl, s.Libc.Value)
}

func TestDiscoverHostCompilerNotUsedForCrossTarget(t *testing.T) {
	root, pkg := debianRoot("aarch64-linux-gnu")
	needSysroot(t, root, pkg)
	_, err := exec.LookPath("gcc")
	needHostThing(t, err == nil, "gcc", "gcc")
	b := testBuild(t, "linux/arm64", true)
	b.CC = "gcc"
	d, err := Discover(context.Background(), nil, b, os.Environ(), nil)
	require.NoError(t, err)
	assert.Equal(t, MethodDebianCross, d.Method)
	assert.Equal(t, root, d.Root)
}

func TestRootOfLibrary(t *testing.T) {
	for _, tc := range []struct{ in, root, triple string }{
		{"/usr/aarch64-linux-gnu/lib/libc.so.6", "/usr/aarch64-linux-gnu", ""},
		{"/usr/lib/gcc-cross/aarch64-linux-gnu/12/../../../../aarch64-linux-gnu/lib/../lib/libc.so.6", "/usr/aarch64-linux-gnu", ""},
		{"/usr/lib/x86_64-linux-gnu/libc.so.6", "/", "x86_64-linux-gnu"},
		{"/srv/rootfs/lib/aarch64-linux-gnu/libc.so.6", "/srv/rootfs", "aarch64-linux-gnu"},
		{"/srv/rootfs/usr/lib64/libc.so.6", "/srv/rootfs", ""},
		{"/srv/rootfs/lib/libc.so.6", "/srv/rootfs", ""},
		{"/usr/lib/x86_64-linux-musl/Scrt1.o", "/", "x86_64-linux-musl"},
		{"/opt/libs/libc.so.6", "/opt/libs", ""},
	} {
		root, triple, ok := rootOfLibrary(tc.in)
		assert.True(t, ok, tc.in)
		assert.Equal(t, tc.root, root, tc.in)
		assert.Equal(t, tc.triple, triple, tc.in)
	}
	_, _, ok := rootOfLibrary("libc.so.6")
	assert.False(t, ok)
}

func TestSysrootFlag(t *testing.T) {
	for in, want := range map[string]string{
		"--sysroot=/a":                 "/a",
		"-O2 --sysroot /b -g":          "/b",
		"--sysroot=/a --sysroot=/c":    "/c",
		`"--sysroot=/with space" -O2`:  "/with space",
		"-isysroot /x":                 "",
		"--sysroot":                    "",
		"--sysroot=":                   "",
		`--sysroot="/unterminated`:     "",
		"-I/usr/include --sysroot=/s ": "/s",
	} {
		got, ok := sysrootFlag(in)
		assert.Equal(t, want, got, in)
		assert.Equal(t, want != "", ok, in)
	}
}

func TestStartFile(t *testing.T) {
	out := "Using built-in specs.\nCOLLECT_GCC=gcc\n" +
		` /usr/lib/gcc/x86_64-linux-gnu/12/collect2 -plugin x "-plugin-opt=-fresolution=/tmp/cc.res" -dynamic-linker /lib64/ld-linux-x86-64.so.2 -pie -o /dev/null /usr/lib/gcc/x86_64-linux-gnu/12/../../../x86_64-linux-gnu/Scrt1.o /usr/lib/x86_64-linux-gnu/crti.o` + "\n"
	assert.Equal(t, "/usr/lib/gcc/x86_64-linux-gnu/12/../../../x86_64-linux-gnu/Scrt1.o", startFile(out))
	assert.Equal(t, `/q u/crt1.o`, startFile(`ld "/q u/crt1.o"`))
	assert.Empty(t, startFile("ld crt1.o -lc"), "relative start files are not used")
	assert.Empty(t, startFile(""))
}

func TestIsZig(t *testing.T) {
	assert.True(t, isZig("zig cc -target aarch64-linux-gnu.2.28"))
	assert.True(t, isZig("/opt/zig/zig cc"))
	assert.True(t, isZig("zcc"))
	assert.False(t, isZig("zig"))
	assert.False(t, isZig("gcc"))
	assert.False(t, isZig(`"unterminated`))
}

func TestDebianArch(t *testing.T) {
	for _, tc := range []struct{ goarch, goarm, want string }{
		{"arm64", "", "arm64"}, {"arm", "7", "armhf"}, {"arm", "6", "armhf"}, {"arm", "5", "armel"},
		{"arm", "7,softfloat", "armel"}, {"riscv64", "", "riscv64"}, {"ppc64le", "", "ppc64el"},
		{"s390x", "", "s390x"}, {"mipsle", "", "mipsel"}, {"mips", "", "mips"}, {"mips64le", "", "mips64el"},
		{"386", "", "i386"}, {"amd64", "", "amd64"}, {"wasm", "", ""},
	} {
		assert.Equal(t, tc.want, DebianArch(tc.goarch, tc.goarm), tc.goarch+" "+tc.goarm)
	}
	// Each name is a real Debian package: the installed sysroots.
	for _, d := range debianSysroots {
		assert.True(t, strings.HasPrefix(d.pkg, "libc6-dev-") && strings.HasSuffix(d.pkg, "-cross"), d.pkg)
	}
	assert.Equal(t, "libc6-dev-"+DebianArch("arm", "7")+"-cross", sysrootOf["arm-linux-gnueabihf"].pkg)
	assert.Equal(t, "libc6-dev-"+DebianArch("arm", "5")+"-cross", sysrootOf["arm-linux-gnueabi"].pkg)
	assert.Equal(t, "libc6-dev-"+DebianArch("ppc64le", "")+"-cross", sysrootOf["powerpc64le-linux-gnu"].pkg)
	assert.Equal(t, "libc6-dev-"+DebianArch("mipsle", "")+"-cross", sysrootOf["mipsel-linux-gnu"].pkg)
}
