package abi

import (
	"debug/elf"
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// problemFor returns the problem recorded for file, or fails.
func problemFor(t *testing.T, s *Sysroot, file string) Problem {
	t.Helper()
	for _, p := range s.Problems {
		if p.Source.File == file {
			return p
		}
	}
	t.Fatalf("no problem recorded for %s; problems: %v", file, s.Problems)
	return Problem{}
}

func hasNoLibcProblem(s *Sysroot) bool {
	for _, p := range s.Problems {
		if errors.Is(p, ErrNoLibc) {
			return true
		}
	}
	return false
}

// crossSysroot writes a Debian-cross-like sysroot (root/lib/...) with a
// synthetic aarch64 glibc.
func crossSysroot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	writeFile(t, root, "lib/libc.so.6", synthAArch64Glibc())
	writeFile(t, root, "lib/crt1.o", synthObject(elf.EM_AARCH64, elf.ELFCLASS64, 3, 7, 0))
	writeFile(t, root, "lib/ld-linux-aarch64.so.1", synthGlibcOpts{
		class: elf.ELFCLASS64, bo: binary.LittleEndian, machine: elf.EM_AARCH64,
		soname: "ld-linux-aarch64.so.1", versions: []string{"GLIBC_2.17", "GLIBC_2.35", "GLIBC_PRIVATE"},
	}.build())
	return root
}

func TestReadSysrootSynthCross(t *testing.T) {
	root := crossSysroot(t)
	writeFile(t, root, "lib/libc.so", []byte(strings.ReplaceAll(debianArm64LibcSo, "/usr/aarch64-linux-gnu", root)))
	s, err := ReadSysroot(root)
	require.NoError(t, err)
	assert.Empty(t, s.Problems)
	assert.Equal(t, []string{"lib"}, s.LibDirs)
	assert.Equal(t, LibcGlibc, s.Libc.Value)
	assert.Equal(t, "2.36", s.LibcVersion.Value, "2.36 > 2.34 > 2.17 > 2.9, numerically")
	assert.Equal(t, "lib/libc.so.6 (.gnu.version_d)", s.LibcVersion.Source.String())
	assert.Equal(t, "3.7.0", s.Kernel.Value.String())
	assert.Equal(t, "/lib/ld-linux-aarch64.so.1", s.Interp.Value)
	assert.Equal(t, []Loader{{Path: "/lib/ld-linux-aarch64.so.1", File: "lib/ld-linux-aarch64.so.1"}}, s.Loaders)
	ld := s.Library("ld.so")
	require.NotNil(t, ld)
	assert.Equal(t, "GLIBC_2.35", ld.MaxVersion)
	assert.Nil(t, s.Library("libm"))

	// The script names files by the sysroot's own host path.
	require.NotNil(t, s.LinkerScript)
	for _, in := range s.LinkerScript.Inputs[:1] {
		assert.Equal(t, "sysroot prefix", in.Via)
		assert.Equal(t, "lib/libc.so.6", in.File)
	}
	assert.ErrorIs(t, s.LinkerScript.Inputs[1].Err, fs.ErrNotExist, "libc_nonshared.a is not there")
}

// TestReadSysrootRelocatedScript: a Debian cross sysroot copied elsewhere
// keeps scripts naming /usr/aarch64-linux-gnu/...; those paths are looked
// up inside the sysroot only, and reported missing.
func TestReadSysrootRelocatedScript(t *testing.T) {
	root := crossSysroot(t)
	writeFile(t, root, "lib/libc.so", []byte(debianArm64LibcSo))
	s, err := ReadSysroot(root)
	require.NoError(t, err)
	assert.Equal(t, LibcGlibc, s.Libc.Value, "libc.so.6 is still found in lib/")
	require.NotNil(t, s.LinkerScript)
	require.Len(t, s.LinkerScript.Inputs, 3)
	for _, in := range s.LinkerScript.Inputs {
		assert.Empty(t, in.File)
		assert.ErrorIs(t, in.Err, fs.ErrNotExist, in.Path)
	}
}

func TestReadSysrootScriptInputsSearch(t *testing.T) {
	root := crossSysroot(t)
	writeFile(t, root, "lib/libc_nonshared.a", []byte("!<arch>\n"))
	writeFile(t, root, "lib/libc.so", []byte("GROUP ( libc.so.6 -lc_nonshared AS_NEEDED ( /lib/ld-linux-aarch64.so.1 ) -lnothere )"))
	s, err := ReadSysroot(root)
	require.NoError(t, err)
	in := s.LinkerScript.Inputs
	require.Len(t, in, 4)
	assert.Equal(t, []string{"lib/libc.so.6", "lib/libc_nonshared.a", "lib/ld-linux-aarch64.so.1", ""}, []string{in[0].File, in[1].File, in[2].File, in[3].File})
	assert.Equal(t, []string{"library path", "library path", "sysroot", ""}, []string{in[0].Via, in[1].Via, in[2].Via, in[3].Via})
	assert.ErrorIs(t, in[3].Err, fs.ErrNotExist)
}

func TestReadSysrootKernelMaxOfLibcAndCrt1(t *testing.T) {
	root := crossSysroot(t)
	writeFile(t, root, "lib/crt1.o", synthObject(elf.EM_AARCH64, elf.ELFCLASS64, 4, 4, 0))
	s, err := ReadSysroot(root)
	require.NoError(t, err)
	require.Len(t, s.KernelTags, 2)
	assert.Equal(t, "3.7.0", s.KernelTags[0].Value.String())
	assert.Equal(t, "4.4.0", s.KernelTags[1].Value.String())
	assert.Equal(t, "4.4.0", s.Kernel.Value.String())
	assert.Equal(t, Source{File: "lib/crt1.o", Section: ".note.ABI-tag"}, s.Kernel.Source)
}

func TestReadSysrootMultiarch(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "usr/lib/aarch64-linux-gnu/libc.so.6", synthAArch64Glibc())
	writeFile(t, root, "usr/lib/aarch64-linux-gnu/crt1.o", synthObject(elf.EM_AARCH64, elf.ELFCLASS64, 3, 7, 0))
	writeFile(t, root, "usr/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1", synthAArch64Glibc())
	symlink(t, root, "lib", "usr/lib")
	// A second triple with musl.
	writeFile(t, root, "usr/lib/x86_64-linux-musl/libc.so", muslLibc("1.2.5"))
	s, err := ReadSysroot(root)
	require.NoError(t, err)
	assert.Equal(t, "aarch64-linux-gnu", s.Triple)
	assert.Equal(t, "lib/aarch64-linux-gnu", s.LibDirs[0])
	assert.Equal(t, LibcGlibc, s.Libc.Value)
	assert.Equal(t, "lib/aarch64-linux-gnu/libc.so.6", s.Libc.Source.File)
	assert.Equal(t, "lib/aarch64-linux-gnu/crt1.o", s.Crt1)
	assert.True(t, s.HasLoader("/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1"))
	require.Len(t, s.Problems, 1)
	assert.Contains(t, s.Problems[0].Error(), `several multiarch triples; using "aarch64-linux-gnu", ignoring x86_64-linux-musl`)

	s, err = ReadSysrootTriple(root, "x86_64-linux-musl")
	require.NoError(t, err)
	assert.Empty(t, s.Problems)
	assert.Equal(t, LibcMusl, s.Libc.Value)
	assert.Equal(t, "1.2.5", s.LibcVersion.Value)
}

// muslLibc is a small x86-64 "musl libc.so" with musl's banner and
// version in .rodata and no symbol versioning.
func muslLibc(version string) []byte {
	s := newSynth(elf.ELFCLASS64, binary.LittleEndian, elf.EM_X86_64)
	rodata := "Error loading shared library %s\x00musl libc (x86_64)\x00Version %s\x00" + version + "\x00127.0.0.1\x00"
	s.section(synthSection{name: ".rodata", typ: elf.SHT_PROGBITS, flags: elf.SHF_ALLOC, data: []byte(rodata), align: 8})
	b, _ := s.build()
	return b
}

func TestReadSysrootMuslLayout(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "usr/lib/libc.so", muslLibc("1.2.4"))
	symlink(t, root, "lib/ld-musl-x86_64.so.1", "/usr/lib/libc.so")
	symlink(t, root, "lib/libc.musl-x86_64.so.1", "ld-musl-x86_64.so.1")
	s, err := ReadSysroot(root)
	require.NoError(t, err)
	assert.Empty(t, s.Problems)
	assert.Equal(t, LibcMusl, s.Libc.Value)
	assert.Equal(t, Source{File: "usr/lib/libc.so", Section: ".rodata"}, s.Libc.Source)
	assert.Equal(t, "1.2.4", s.LibcVersion.Value)
	assert.Equal(t, []Loader{{Path: "/lib/ld-musl-x86_64.so.1", File: "usr/lib/libc.so"}}, s.Loaders)
	assert.Equal(t, elf.EM_X86_64, s.Machine.Value.Machine)
	assert.False(t, s.Kernel.Known())
}

func TestReadSysrootMuslLoaderOnly(t *testing.T) {
	root := t.TempDir()
	s := newSynth(elf.ELFCLASS64, binary.LittleEndian, elf.EM_AARCH64)
	b, _ := s.build()
	writeFile(t, root, "lib/ld-musl-aarch64.so.1", b)
	sr, err := ReadSysroot(root)
	require.NoError(t, err)
	assert.Equal(t, LibcMusl, sr.Libc.Value)
	assert.Equal(t, "lib/ld-musl-aarch64.so.1", sr.Libc.Source.File)
	assert.False(t, sr.LibcVersion.Known())
}

func TestReadSysrootBionic(t *testing.T) {
	root := t.TempDir()
	b, _ := newSynth(elf.ELFCLASS64, binary.LittleEndian, elf.EM_AARCH64).
		prog(synthProg{typ: elf.PT_INTERP, data: []byte("/system/bin/linker64\x00")}).
		build()
	writeFile(t, root, "usr/lib/aarch64-linux-android/libc.so", b)
	s, err := ReadSysroot(root)
	require.NoError(t, err)
	assert.Equal(t, LibcBionic, s.Libc.Value)
	assert.Equal(t, Source{File: "usr/lib/aarch64-linux-android/libc.so", Section: "PT_INTERP"}, s.Libc.Source)
	assert.Equal(t, "aarch64-linux-android", s.Triple)
	assert.Equal(t, "/system/bin/linker64", s.Interp.Value)

	// bionic's stub libc.so without PT_INTERP, known by its LIBC version.
	root = t.TempDir()
	writeFile(t, root, "lib/libc.so", synthGlibcOpts{
		class: elf.ELFCLASS64, bo: binary.LittleEndian, machine: elf.EM_AARCH64,
		soname: "libc.so", versions: []string{"LIBC", "LIBC_N", "LIBC_O"},
	}.build())
	s, err = ReadSysroot(root)
	require.NoError(t, err)
	assert.Equal(t, LibcBionic, s.Libc.Value)
	assert.Equal(t, ".gnu.version_d", s.Libc.Source.Section)
}

// arArchive builds an ar archive with the given members.
func arArchive(members map[string][]byte, order []string) []byte {
	b := []byte("!<arch>\n")
	for _, name := range order {
		data := members[name]
		hdr := []byte(strings.Repeat(" ", 60))
		copy(hdr[0:], name)
		copy(hdr[48:], []byte(strings.TrimSpace(strings.Repeat(" ", 0)+itoa(len(data)))))
		copy(hdr[58:], "`\n")
		b = append(b, hdr...)
		b = append(b, data...)
		if len(data)%2 == 1 {
			b = append(b, '\n')
		}
	}
	return b
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

func TestReadSysrootMinGW(t *testing.T) {
	root := t.TempDir()
	// A short import object: Sig1 0, Sig2 0xFFFF, version 0, machine AMD64.
	imp := []byte{0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x64, 0x86, 0, 0, 0, 0}
	writeFile(t, root, "lib/libkernel32.a", arArchive(map[string][]byte{"/": {0, 0, 0, 0}, "dyyms00001.o/": imp}, []string{"/", "dyyms00001.o/"}))
	s, err := ReadSysroot(root)
	require.NoError(t, err)
	assert.Equal(t, LibcMinGW, s.Libc.Value)
	assert.Equal(t, "lib/libkernel32.a", s.Libc.Source.File)
	assert.Equal(t, "mingw-w64", s.Libc.Value.String())

	// An ELF archive of the same name is not mingw-w64.
	root = t.TempDir()
	obj := synthObject(elf.EM_X86_64, elf.ELFCLASS64, 3, 2, 0)
	writeFile(t, root, "lib/libkernel32.a", arArchive(map[string][]byte{"k.o/": obj}, []string{"k.o/"}))
	s, err = ReadSysroot(root)
	require.NoError(t, err)
	assert.Equal(t, LibcUnknown, s.Libc.Value)
	assert.True(t, hasNoLibcProblem(s))
}

func TestReadSysrootNoLibc(t *testing.T) {
	root := t.TempDir()
	s, err := ReadSysroot(root)
	require.NoError(t, err)
	assert.Equal(t, LibcUnknown, s.Libc.Value)
	assert.False(t, s.Libc.Known())
	assert.Empty(t, s.LibDirs)
	assert.True(t, hasNoLibcProblem(s))
	assert.Contains(t, s.Problems[0].Error(), "no C library found in no library directory")

	require.NoError(t, os.MkdirAll(filepath.Join(root, "usr/lib"), 0o755))
	s, err = ReadSysroot(root)
	require.NoError(t, err)
	assert.Equal(t, []string{"usr/lib"}, s.LibDirs)
	assert.Contains(t, s.Problems[0].Error(), "no C library found in usr/lib")
}

func TestReadSysrootRootErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := ReadSysroot(filepath.Join(dir, "missing"))
	require.Error(t, err)
	assert.ErrorIs(t, err, fs.ErrNotExist)
	assert.Contains(t, err.Error(), "abi: sysroot "+filepath.Join(dir, "missing"))
	f := writeFile(t, dir, "file", []byte("x"))
	_, err = ReadSysroot(f)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not a directory")
}

func TestReadSysrootBadLibc(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, root string)
		check func(t *testing.T, p Problem)
	}{
		{"zero-byte libc.so.6", func(t *testing.T, root string) {
			writeFile(t, root, "lib/libc.so.6", nil)
		}, func(t *testing.T, p Problem) {
			assert.ErrorIs(t, p, ErrNotELF)
			assert.Contains(t, p.Error(), "lib/libc.so.6: abi: lib/libc.so.6: empty file")
		}},
		{"text file named libc.so.6", func(t *testing.T, root string) {
			writeFile(t, root, "lib/libc.so.6", []byte("this is not a library\n"))
		}, func(t *testing.T, p Problem) {
			assert.ErrorIs(t, p, ErrNotELF)
			assert.Contains(t, p.Error(), "bad magic number")
		}},
		{"truncated libc.so.6", func(t *testing.T, root string) {
			writeFile(t, root, "lib/libc.so.6", synthAArch64Glibc()[:100])
		}, func(t *testing.T, p Problem) {
			var fe *FormatError
			assert.True(t, errors.As(p, &fe))
		}},
		{"directory named libc.so.6", func(t *testing.T, root string) {
			require.NoError(t, os.MkdirAll(filepath.Join(root, "lib/libc.so.6"), 0o755))
		}, func(t *testing.T, p Problem) {
			assert.Contains(t, p.Error(), "not a regular file (d")
		}},
		{"symlink loop", func(t *testing.T, root string) {
			symlink(t, root, "lib/libc.so.6", "libc-2.36.so")
			symlink(t, root, "lib/libc-2.36.so", "/lib/libc.so.6")
		}, func(t *testing.T, p Problem) {
			assert.ErrorIs(t, p, ErrSymlinkLoop)
		}},
		{"dangling symlink", func(t *testing.T, root string) {
			symlink(t, root, "lib/libc.so.6", "libc-2.36.so")
		}, func(t *testing.T, p Problem) {
			assert.ErrorIs(t, p, fs.ErrNotExist)
			assert.Contains(t, p.Error(), `"/lib/libc-2.36.so" does not exist in the sysroot`)
		}},
		{"absolute symlink escaping the sysroot", func(t *testing.T, root string) {
			// On the host this would be the host's libc; inside the
			// sysroot it does not exist.
			symlink(t, root, "lib/libc.so.6", "/../../../../../../lib/x86_64-linux-gnu/libc.so.6")
		}, func(t *testing.T, p Problem) {
			assert.ErrorIs(t, p, fs.ErrNotExist)
			assert.Contains(t, p.Error(), "does not exist in the sysroot")
		}},
		{"intermediate file", func(t *testing.T, root string) {
			writeFile(t, root, "usr/lib", []byte("a file where a directory should be"))
			symlink(t, root, "lib/libc.so.6", "/usr/lib/libc.so.6")
		}, func(t *testing.T, p Problem) {
			assert.ErrorIs(t, p, syscall.ENOTDIR)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			require.NoError(t, os.MkdirAll(filepath.Join(root, "lib"), 0o755))
			tt.setup(t, root)
			s, err := ReadSysroot(root)
			require.NoError(t, err)
			assert.Equal(t, LibcUnknown, s.Libc.Value)
			assert.True(t, hasNoLibcProblem(s))
			tt.check(t, problemFor(t, s, "lib/libc.so.6"))
		})
	}
}

// TestReadSysrootAbsoluteSymlinkResolvesInside: the libc an absolute link
// names is the sysroot's, never the host's.
func TestReadSysrootAbsoluteSymlinkResolvesInside(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "opt/glibc/libc-2.36.so", synthAArch64Glibc())
	symlink(t, root, "lib/libc.so.6", "/../../opt/glibc/libc-2.36.so")
	s, err := ReadSysroot(root)
	require.NoError(t, err)
	assert.Empty(t, s.Problems)
	assert.Equal(t, LibcGlibc, s.Libc.Value)
	assert.Equal(t, "lib/libc.so.6", s.Libc.Source.File)
	assert.Equal(t, elf.EM_AARCH64, s.Machine.Value.Machine)
}

func TestReadSysrootPermissionDenied(t *testing.T) {
	if os.Geteuid() == 0 {
		// chmod 000 does not stop root: run this test again as nobody.
		runAsNobody(t)
		return
	}
	root := crossSysroot(t)
	p := filepath.Join(root, "lib/libc.so.6")
	require.NoError(t, os.Chmod(p, 0))
	t.Cleanup(func() { _ = os.Chmod(p, 0o644) })
	s, err := ReadSysroot(root)
	require.NoError(t, err)
	pr := problemFor(t, s, "lib/libc.so.6")
	assert.ErrorIs(t, pr, fs.ErrPermission)
}

func TestReadSysrootUnknownLibcStillReportsMachine(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "lib/libc.so.6", synthARMLibc(true)) // no symbol versions
	s, err := ReadSysroot(root)
	require.NoError(t, err)
	assert.Equal(t, LibcUnknown, s.Libc.Value)
	assert.True(t, hasNoLibcProblem(s))
	assert.Equal(t, elf.EM_ARM, s.Machine.Value.Machine)
	assert.Equal(t, FloatABIHard, s.ARMFloatABI.Value)
	assert.Equal(t, ARMArch(10), s.ARMCPUArch.Value)
	assert.Equal(t, "7-A", s.ARMCPUName.Value)
}

func TestReadSysrootHugeScript(t *testing.T) {
	root := crossSysroot(t)
	writeFile(t, root, "lib/libc.so", []byte(strings.Repeat("/* x */\n", MaxLinkerScriptSize/8+1)))
	s, err := ReadSysroot(root)
	require.NoError(t, err)
	assert.Equal(t, LibcGlibc, s.Libc.Value)
	assert.Contains(t, problemFor(t, s, "lib/libc.so").Error(), "larger than the 65536-byte limit")

	writeFile(t, root, "lib/libc.so", []byte("GROUP ( libc.so.6 "))
	s, err = ReadSysroot(root)
	require.NoError(t, err)
	assert.Contains(t, problemFor(t, s, "lib/libc.so").Error(), "GNU ld script: unterminated GROUP list")
}

func TestLooksLikeTriple(t *testing.T) {
	for _, n := range []string{"aarch64-linux-gnu", "arm-linux-gnueabihf", "x86_64-linux-musl", "x86_64-w64-mingw32", "aarch64-linux-android", "mips64el-linux-gnuabi64", "i386-linux-gnu"} {
		assert.True(t, looksLikeTriple(n), n)
	}
	for _, n := range []string{"gcc-cross", "python3", "x86_64", "lib", "gcc-lib-foo", "../x-linux-gnu", "X86_64-Linux-Gnu"} {
		assert.False(t, looksLikeTriple(n), n)
	}
}

func TestSourceString(t *testing.T) {
	assert.Equal(t, "lib/libc.so.6 (.gnu.version_d)", Source{File: "lib/libc.so.6", Section: ".gnu.version_d"}.String())
	assert.Equal(t, "lib/crt1.o", Source{File: "lib/crt1.o"}.String())
	assert.Equal(t, "unknown", LibcUnknown.String())
	assert.Equal(t, "glibc", LibcGlibc.String())
	assert.Equal(t, "musl", LibcMusl.String())
	assert.Equal(t, "bionic", LibcBionic.String())
}
