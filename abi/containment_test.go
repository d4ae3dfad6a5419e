package abi

import (
	"debug/elf"
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

// TestResolveContainment resolves every kind of symbolic link a sysroot
// unpacked from a vendor tarball can hold, in a real tree, next to a
// decoy "host" directory that must never be reached: each path resolves
// to a file inside the sysroot, as the target system would see it, or
// fails with an error that says why. Whatever the outcome, a result is
// inside the sysroot and has no symbolic link left in it.
func TestResolveContainment(t *testing.T) {
	top := t.TempDir()
	root := filepath.Join(top, "sysroot")
	host := filepath.Join(top, "host") // what an escape would reach
	writeFile(t, host, "etc/passwd", []byte("host"))
	writeFile(t, host, "lib/libc.so.6", []byte("host"))

	writeFile(t, root, "usr/lib/aarch64-linux-gnu/libc.so.6", []byte("inside"))
	writeFile(t, root, "etc/passwd", []byte("inside"))
	writeFile(t, root, "usr/include/stdio.h", []byte("inside"))
	ln := func(name, target string) { symlink(t, root, name, target) }
	ln("lib", "usr/lib")                                 // relative, to a directory (usr-merge)
	ln("lib64", "/usr/lib")                              // absolute, to a directory
	ln("usr/lib/aarch64-linux-gnu/libc.so", "libc.so.6") // relative, sibling
	ln("usr/lib/aarch64-linux-gnu/abs.so", "/lib/aarch64-linux-gnu/libc.so.6")
	ln("usr/lib/aarch64-linux-gnu/chain3", "chain2") // relative → relative → absolute → file
	ln("usr/lib/aarch64-linux-gnu/chain2", "../aarch64-linux-gnu/chain1")
	ln("usr/lib/aarch64-linux-gnu/chain1", "/lib64/aarch64-linux-gnu/abs.so")
	ln("usr/lib/aarch64-linux-gnu/up", "../../../../../../../../../../etc/passwd") // ".." clamps at the root
	ln("usr/lib/aarch64-linux-gnu/uphost", "../../../../host/etc/passwd")          // names the decoy through ".."
	ln("usr/lib/aarch64-linux-gnu/abshost", host+"/etc/passwd")                    // the decoy's absolute host path
	ln("usr/lib/aarch64-linux-gnu/absup", "/../../etc/passwd")
	ln("usr/lib/aarch64-linux-gnu/mid", "x/../../../../etc/../etc/./passwd") // ".." after a missing name
	ln("usr/lib/aarch64-linux-gnu/slashes", "//usr///include//stdio.h")
	ln("usr/lib/aarch64-linux-gnu/root", "/")
	ln("usr/lib/aarch64-linux-gnu/dotdot", "..")
	ln("usr/lib/aarch64-linux-gnu/viadir", "/lib/../lib64/../etc/passwd") // ".." after a link: the parent of its target
	ln("usr/lib/aarch64-linux-gnu/loop1", "loop2")                        // loops
	ln("usr/lib/aarch64-linux-gnu/loop2", "/lib/aarch64-linux-gnu/loop1")
	ln("usr/lib/aarch64-linux-gnu/self", "self")
	ln("usr/lib/aarch64-linux-gnu/grow", "grow/x") // a loop that grows the path
	ln("usr/lib/aarch64-linux-gnu/dirloop", "../aarch64-linux-gnu/dirloop/libc.so.6")
	ln("usr/lib/aarch64-linux-gnu/dangling", "/lib/libnothere.so")
	ln("usr/lib/aarch64-linux-gnu/notdir", "libc.so.6/x")
	// A link whose target is 1,601 components, and links that each put
	// 2,000 more in front of what is left to resolve: the pending path
	// is capped (a link target is at most 4095 bytes).
	writeFile(t, root, "usr/lib/aarch64-linux-gnu/d/keep", nil)
	ln("usr/lib/aarch64-linux-gnu/wide", strings.Repeat("d/../", 800)+"libc.so.6")
	ln("usr/lib/aarch64-linux-gnu/wide1", "wide2/"+strings.Repeat("x/", 2000))
	ln("usr/lib/aarch64-linux-gnu/wide2", "wide3/"+strings.Repeat("x/", 2000))
	ln("usr/lib/aarch64-linux-gnu/wide3", strings.Repeat("x/", 2000))

	const lib = "usr/lib/aarch64-linux-gnu/"
	tests := []struct {
		path string
		want string // resolved, relative to root; "" for an error
		err  error  // wrapped by the error
		msg  string // in the error
	}{
		{path: "lib/aarch64-linux-gnu/libc.so.6", want: lib + "libc.so.6"},
		{path: "/lib64/aarch64-linux-gnu/libc.so.6", want: lib + "libc.so.6"},
		{path: lib + "libc.so", want: lib + "libc.so.6"},
		{path: lib + "abs.so", want: lib + "libc.so.6"},
		{path: "lib/aarch64-linux-gnu/chain3", want: lib + "libc.so.6"},
		{path: lib + "up", want: "etc/passwd"},
		{path: lib + "absup", want: "etc/passwd"},
		{path: lib + "mid", err: fs.ErrNotExist, msg: `"/usr/lib/aarch64-linux-gnu/x" does not exist in the sysroot`},
		{path: lib + "slashes", want: "usr/include/stdio.h"},
		{path: lib + "root", want: "."},
		{path: lib + "dotdot", want: "usr/lib"},
		{path: lib + "viadir", err: fs.ErrNotExist, msg: `"/usr/lib64" does not exist`}, // "/lib/.." is /usr, as on the target
		{path: "../../../../etc/passwd", want: "etc/passwd"},
		{path: "/..//./etc/passwd", want: "etc/passwd"},
		{path: lib + "uphost", err: fs.ErrNotExist, msg: `"/host" does not exist in the sysroot`},
		{path: lib + "abshost", err: fs.ErrNotExist, msg: "does not exist in the sysroot"},
		{path: host + "/lib/libc.so.6", err: fs.ErrNotExist},
		{path: lib + "loop1", err: ErrSymlinkLoop, msg: "more than 40 links"},
		{path: lib + "self", err: ErrSymlinkLoop},
		{path: lib + "grow", err: ErrSymlinkLoop},
		{path: lib + "dirloop", err: ErrSymlinkLoop},
		{path: lib + "dangling", err: fs.ErrNotExist, msg: `"/usr/lib/libnothere.so" does not exist in the sysroot`},
		{path: lib + "notdir", err: syscall.ENOTDIR, msg: "is not a directory"},
		{path: lib + "libc.so.6/x", err: syscall.ENOTDIR},
		{path: lib + "wide", want: lib + "libc.so.6"},
		{path: lib + "wide1", msg: "more than 4096 components"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got, err := Resolve(root, tt.path)
			if tt.want == "" {
				require.Error(t, err, "resolved to %s", got)
				var pe *fs.PathError
				require.True(t, errors.As(err, &pe), "%T", err)
				assert.Equal(t, tt.path, pe.Path)
				if tt.err != nil {
					assert.ErrorIs(t, err, tt.err)
				}
				if tt.msg != "" {
					assert.Contains(t, err.Error(), tt.msg)
				}
				if !strings.Contains(tt.path, top) {
					assert.NotContains(t, err.Error(), top, "errors name paths inside the sysroot")
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, filepath.Join(root, filepath.FromSlash(tt.want)), got)
			// Inside the sysroot, no link left on the way.
			rel, err := filepath.Rel(root, got)
			require.NoError(t, err)
			assert.False(t, rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)), "%s escaped to %s", tt.path, got)
			real, err := filepath.EvalSymlinks(got)
			require.NoError(t, err)
			assert.Equal(t, got, real, "a symbolic link is left in %s", got)
			if fi, err := os.Stat(got); err == nil && fi.Mode().IsRegular() && fi.Size() > 0 {
				b, err := os.ReadFile(got)
				require.NoError(t, err)
				assert.Equal(t, "inside", string(b), "the decoy host file was reached")
			}
		})
	}
}

// TestReadSysrootLinksContained: libraries that are symbolic links out of
// the sysroot are reported, and what they point to on the host is never
// read, even when the host has a valid C library there.
func TestReadSysrootLinksContained(t *testing.T) {
	top := t.TempDir()
	root := filepath.Join(top, "sysroot")
	writeFile(t, top, "host/lib/libc.so.6", synthAArch64Glibc()) // a libc an escape would find
	writeFile(t, root, "lib/crt1.o", synthObject(elf.EM_AARCH64, elf.ELFCLASS64, 3, 7, 0))
	symlink(t, root, "lib/libc.so.6", "../../host/lib/libc.so.6")               // relative, climbing out
	symlink(t, root, "lib/libm.so.6", filepath.Join(top, "host/lib/libc.so.6")) // absolute host path
	symlink(t, root, "lib/libpthread.so.0", "libpthread.so.0")                  // self loop
	s, err := ReadSysroot(root)
	require.NoError(t, err)
	assert.ErrorIs(t, problemFor(t, s, "lib/libc.so.6"), fs.ErrNotExist)
	assert.Contains(t, problemFor(t, s, "lib/libc.so.6").Error(), `"/host" does not exist in the sysroot`)
	assert.ErrorIs(t, problemFor(t, s, "lib/libm.so.6"), fs.ErrNotExist)
	assert.ErrorIs(t, problemFor(t, s, "lib/libpthread.so.0"), ErrSymlinkLoop)
	assert.NotEqual(t, LibcGlibc, s.Libc.Value, "the host's libc was read")
	assert.Empty(t, s.LibcVersion.Value)
	assert.Nil(t, s.Library("libm"))
}
