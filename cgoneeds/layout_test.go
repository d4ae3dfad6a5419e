package cgoneeds

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLayout(t *testing.T) {
	l := newLayout("/usr/aarch64-linux-gnu", "")
	assert.Equal(t, "aarch64-linux-gnu", l.triple)
	assert.True(t, l.debianCross)
	libdir, sysrootDir := l.pkgConfigEnv()
	assert.Equal(t, "/usr/aarch64-linux-gnu/lib/pkgconfig:/usr/local/lib/aarch64-linux-gnu/pkgconfig:/usr/local/share/pkgconfig:/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig", libdir)
	assert.Empty(t, sysrootDir)
	assert.Equal(t, "", l.leak("/usr/include/libmount"))
	assert.Contains(t, l.leak("/usr/lib/x86_64-linux-gnu"), "another architecture (x86_64-linux-gnu)")

	assert.False(t, newLayout("/usr/x86_64-w64-mingw32", "").debianCross)
	assert.Equal(t, "i386-linux-gnu", newLayout("/", "i686-linux-gnu").multiarch)

	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "usr", "include", "aarch64-linux-gnu"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(root, "usr", "lib", "aarch64-linux-gnu"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(root, "lib"), 0o755))
	l = newLayout(root, "aarch64-linux-gnu")
	assert.False(t, l.debianCross)
	var inc, lib []string
	for _, d := range l.includeDirs() {
		inc = append(inc, d.path)
	}
	for _, d := range l.libDirs() {
		lib = append(lib, d.path)
	}
	assert.Equal(t, []string{"/usr/include/aarch64-linux-gnu", "/usr/include"}, inc)
	assert.Equal(t, []string{"/usr/lib/aarch64-linux-gnu", "/usr/lib", "/lib"}, lib)
	libdir, sysrootDir = l.pkgConfigEnv()
	assert.Equal(t, root+"/usr/lib/aarch64-linux-gnu/pkgconfig:"+root+"/usr/lib/pkgconfig:"+root+"/usr/share/pkgconfig", libdir)
	assert.Equal(t, root, sysrootDir)
	assert.Equal(t, "", l.leak(root+"/usr/include/foo"))
	assert.Contains(t, l.leak("/usr/include/foo"), "outside the sysroot")
	assert.Equal(t, "", l.leak("/m/p/inc", "/m"))
	assert.Contains(t, l.leak(root+"/usr/lib/riscv64-linux-gnu"), "another architecture")
}

func TestParseFlags(t *testing.T) {
	args := func(vals ...string) []flagArg {
		out := make([]flagArg, len(vals))
		for i, v := range vals {
			out[i] = flagArg{val: v}
		}
		return out
	}
	cf := parseCompileFlags(args("-O2", "-I", "inc", "-I/abs", "-I=/usr/include/x", "-isystem$SYSROOT/sys", "-iquote", "q", "-idirafter/after", "-DA", "-DB=2", "-UC", "-nostdinc"), "/sr", "/m/p")
	assert.Equal(t, []dirSpec{{path: "/m/p/inc"}, {path: "/abs"}, {root: "/sr", path: "/usr/include/x"}}, cf.angle)
	assert.Equal(t, []dirSpec{{root: "/sr", path: "/sys"}}, cf.system)
	assert.Equal(t, []dirSpec{{path: "/m/p/q"}}, cf.quote)
	assert.Equal(t, []dirSpec{{path: "/after"}}, cf.after)
	assert.Equal(t, []macroOp{{name: "A", body: "1"}, {name: "B", body: "2"}, {undef: true, name: "C"}}, cf.macros)
	assert.True(t, cf.nostdinc)

	lf := parseLinkFlags(args("-L", "lib", "-L=/usr/lib/x", "-lfoo", "-l", "bar", "-l:libbaz.so.1", "-Wl,-Bstatic", "-lsta", "-Wl,-Bdynamic", "-ldyn",
		"prebuilt/libz.a", "/abs/x.o", "libq.so.1.2", "-framework", "CoreFoundation", "-Wl,-rpath,/x", "notafile"), "/sr", "/m/p")
	assert.Equal(t, []dirSpec{{path: "/m/p/lib"}, {root: "/sr", path: "/usr/lib/x"}}, lf.dirs)
	var libs []string
	for _, l := range lf.libs {
		s := l.option()
		if l.static {
			s += " (static)"
		}
		libs = append(libs, s)
	}
	assert.Equal(t, []string{"-lfoo", "-lbar", "-l:libbaz.so.1", "-lsta (static)", "-ldyn"}, libs)
	var files []string
	for _, f := range lf.files {
		files = append(files, f.path)
	}
	assert.Equal(t, []string{"/m/p/prebuilt/libz.a", "/abs/x.o", "/m/p/libq.so.1.2"}, files)
	assert.Equal(t, []string{"libfoo.so", "libfoo.a"}, libRef{name: "foo"}.candidates("linux"))
	assert.Equal(t, []string{"libfoo.a"}, libRef{name: "foo", static: true}.candidates("linux"))
	assert.Equal(t, []string{"libbaz.so.1"}, libRef{name: ":libbaz.so.1"}.candidates("linux"))
	assert.Equal(t, "libfoo.dll.a", libRef{name: "foo"}.candidates("windows")[0])
}
