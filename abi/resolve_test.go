package abi

import (
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

func TestResolve(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "usr/lib/aarch64-linux-gnu/libc.so.6", []byte("x"))
	writeFile(t, root, "etc/hostname", []byte("inside"))
	symlink(t, root, "lib", "usr/lib")                                                        // relative, usr-merge
	symlink(t, root, "usr/lib/aarch64-linux-gnu/libc.so", "/lib/aarch64-linux-gnu/libc.so.6") // absolute: re-rooted
	symlink(t, root, "usr/lib/aarch64-linux-gnu/up", "../../../../../../../../etc/hostname")  // ".." clamps at root
	symlink(t, root, "usr/lib/aarch64-linux-gnu/escape", "/../../../../etc/hostname")         // absolute with ".."
	symlink(t, root, "usr/lib/aarch64-linux-gnu/dir", "..")                                   // to a directory
	symlink(t, root, "lib64", "lib")                                                          // chain
	symlink(t, root, "usr/lib/aarch64-linux-gnu/chain", "/lib64/aarch64-linux-gnu/libc.so")   // link to a link

	tests := []struct{ in, want string }{
		{"lib/aarch64-linux-gnu/libc.so.6", "usr/lib/aarch64-linux-gnu/libc.so.6"},
		{"/lib/aarch64-linux-gnu/libc.so.6", "usr/lib/aarch64-linux-gnu/libc.so.6"},
		{"lib/aarch64-linux-gnu/libc.so", "usr/lib/aarch64-linux-gnu/libc.so.6"},
		{"lib/aarch64-linux-gnu/up", "etc/hostname"},
		{"lib/aarch64-linux-gnu/escape", "etc/hostname"},
		{"lib/aarch64-linux-gnu/dir", "usr/lib"},
		{"lib/aarch64-linux-gnu/chain", "usr/lib/aarch64-linux-gnu/libc.so.6"},
		{"../../../etc/hostname", "etc/hostname"},
		{"/", "."},
		{"", "."},
		{"lib/./aarch64-linux-gnu//../aarch64-linux-gnu/libc.so.6", "usr/lib/aarch64-linux-gnu/libc.so.6"},
	}
	for _, tt := range tests {
		got, err := Resolve(root, tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, filepath.Join(root, filepath.FromSlash(tt.want)), got, tt.in)
		assert.True(t, got == root || strings.HasPrefix(got, root+string(filepath.Separator)), "%s escaped: %s", tt.in, got)
	}
	b, err := os.ReadFile(mustResolve(t, root, "lib/aarch64-linux-gnu/escape"))
	require.NoError(t, err)
	assert.Equal(t, "inside", string(b), "the host's /etc/hostname must never be read")
}

func mustResolve(t *testing.T, root, p string) string {
	t.Helper()
	got, err := Resolve(root, p)
	require.NoError(t, err)
	return got
}

func TestResolveErrors(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "lib/file", []byte("x"))
	symlink(t, root, "lib/loop1", "loop2")
	symlink(t, root, "lib/loop2", "/lib/loop1")
	symlink(t, root, "lib/self", "self")
	symlink(t, root, "lib/dangling", "/nonexistent/libc.so.6")
	symlink(t, root, "lib/tofile", "file")

	_, err := Resolve(root, "lib/loop1")
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrSymlinkLoop)
	var pe *fs.PathError
	require.True(t, errors.As(err, &pe))
	assert.Equal(t, "lib/loop1", pe.Path)
	assert.Contains(t, err.Error(), "more than 40 links")

	_, err = Resolve(root, "lib/self/x")
	assert.ErrorIs(t, err, ErrSymlinkLoop)

	_, err = Resolve(root, "lib/dangling")
	assert.ErrorIs(t, err, fs.ErrNotExist)
	assert.Contains(t, err.Error(), `"/nonexistent" does not exist in the sysroot`)

	_, err = Resolve(root, "lib/missing")
	assert.ErrorIs(t, err, fs.ErrNotExist)

	_, err = Resolve(root, "lib/file/x")
	assert.ErrorIs(t, err, syscall.ENOTDIR)
	assert.Contains(t, err.Error(), `"/lib/file" is not a directory`)

	_, err = Resolve(root, "lib/tofile/x")
	assert.ErrorIs(t, err, syscall.ENOTDIR)
}

func TestResolveLinkChainOf40(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "target", []byte("x"))
	prev := "/target"
	for i := 0; i < MaxSymlinkHops; i++ {
		name := "l" + strings.Repeat("x", i)
		symlink(t, root, name, prev)
		prev = "/" + name
	}
	_, err := Resolve(root, prev)
	require.NoError(t, err, "exactly 40 links is allowed")
	symlink(t, root, "one-more", prev)
	_, err = Resolve(root, "one-more")
	assert.ErrorIs(t, err, ErrSymlinkLoop)
}
