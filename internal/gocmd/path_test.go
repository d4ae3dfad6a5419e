//go:build unix

package gocmd

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// prepend runs PrependXcheckGo with XCHECK_GO and PATH set, and restores
// the process's state after the test.
func prepend(t *testing.T, xcheckGo, path string) (cleanup func(), err error) {
	t.Helper()
	t.Setenv("XCHECK_GO", xcheckGo)
	t.Setenv("PATH", path)
	t.Cleanup(func() { linkDir = "" })
	cleanup, err = PrependXcheckGo()
	t.Cleanup(cleanup)
	return cleanup, err
}

func TestPrependXcheckGo(t *testing.T) {
	dir := t.TempDir()
	gobin := filepath.Join(dir, "mygo")
	require.NoError(t, os.WriteFile(gobin, []byte("#!/bin/sh\n"), 0o755))
	t.Setenv("TMPDIR", t.TempDir())

	cleanup, err := prepend(t, gobin, "/usr/bin:/bin")
	require.NoError(t, err)
	ld := LinkDir()
	require.NotEmpty(t, ld)
	assert.Equal(t, ld+":/usr/bin:/bin", os.Getenv("PATH"))
	fi, err := os.Stat(ld)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), fi.Mode().Perm(), "private")
	target, err := os.Readlink(filepath.Join(ld, "go"))
	require.NoError(t, err)
	assert.Equal(t, gobin, target)
	found, err := exec.LookPath("go")
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(ld, "go"), found, "go in PATH is XCHECK_GO")
	entries, err := os.ReadDir(ld)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "only the link")
	assert.Equal(t, "/usr/bin:/bin", WithoutLinkDir(os.Getenv("PATH")))

	cleanup()
	cleanup() // again: nothing
	_, err = os.Stat(ld)
	assert.ErrorIs(t, err, os.ErrNotExist)
}

// A name is looked up in PATH, and the link points to the absolute path.
func TestPrependXcheckGoName(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go1.99"), []byte("#!/bin/sh\n"), 0o755))
	_, err := prepend(t, "go1.99", dir)
	require.NoError(t, err)
	target, err := os.Readlink(filepath.Join(LinkDir(), "go"))
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "go1.99"), target)
}

// Nothing changes when XCHECK_GO is unset or names nothing that can be
// run, and when it is found only through a relative PATH entry: Go.Run
// refuses that one, and go/packages must not run it either.
func TestPrependXcheckGoNothing(t *testing.T) {
	cwd := t.TempDir()
	t.Chdir(cwd)
	require.NoError(t, os.WriteFile(filepath.Join(cwd, "go"), []byte("#!/bin/sh\n"), 0o755))
	for _, tc := range []struct{ name, xcheckGo, path string }{
		{"unset", "", "/usr/bin"},
		{"missing", "/nonexistent/go", "/usr/bin"},
		{"not in PATH", "nosuchgo", "/usr/bin"},
		{"relative PATH entry", "go", ".:/usr/bin"},
		{"empty PATH entry", "go", ":/usr/bin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := prepend(t, tc.xcheckGo, tc.path)
			require.NoError(t, err)
			assert.Empty(t, LinkDir())
			assert.Equal(t, tc.path, os.Getenv("PATH"))
			assert.Equal(t, tc.path, WithoutLinkDir(tc.path))
		})
	}
	// And Go.Run still refuses the go of the relative entry.
	t.Setenv("PATH", ".:/usr/bin")
	t.Setenv("XCHECK_GO", "")
	_, err := (&Go{}).Run(t.Context(), nil, "env")
	assert.ErrorContains(t, err, "found through a relative PATH entry")
}

// A relative path is made absolute against the current directory, so
// that Go.Run, which runs in -C's directory, runs the same go command.
func TestPrependXcheckGoRelative(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "bin"), 0o755))
	gobin := filepath.Join(dir, "bin", "go")
	require.NoError(t, os.WriteFile(gobin, []byte("#!/bin/sh\n"), 0o755))
	t.Chdir(dir)
	_, err := prepend(t, "bin/go", "/usr/bin:/bin")
	require.NoError(t, err)
	assert.Equal(t, gobin, os.Getenv("XCHECK_GO"))
	assert.Equal(t, gobin, (&Go{Dir: t.TempDir()}).bin())
}
