package cc

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeCompiler writes an executable name into dir that creates marker
// when it runs.
func fakeCompiler(t *testing.T, dir, name, marker string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\necho ran > "+marker+"\necho aarch64-linux-gnu\n"), 0o755))
}

// TestLookPathRelativeEntries is a regression test for running a program
// from the current directory: with a relative PATH entry ("", ".",
// "bin"; a trailing colon is one), lookPath found ./gcc and the probe ran
// it, and the current directory is usually the module being checked. Like
// os/exec.LookPath and the go command, a program found through a relative
// entry is now an error wrapping exec.ErrDot, and is not run.
func TestLookPathRelativeEntries(t *testing.T) {
	abs := t.TempDir()
	other := t.TempDir()
	marker := filepath.Join(t.TempDir(), "ran")
	fakeCompiler(t, abs, "xcheck-fake-cc", marker)
	wd, err := os.Getwd()
	require.NoError(t, err)
	rel, err := filepath.Rel(wd, abs)
	require.NoError(t, err)
	require.False(t, filepath.IsAbs(rel))

	tests := []struct {
		name, path string
		want       string // found path, "" for an error
		dot        bool   // the error wraps exec.ErrDot
	}{
		{"absolute entry", other + ":" + abs, filepath.Join(abs, "xcheck-fake-cc"), false},
		{"relative entry", rel, "", true},
		{"relative after a miss", other + ":" + rel, "", true},
		{"absolute before relative", abs + ":" + rel, filepath.Join(abs, "xcheck-fake-cc"), false},
		{"relative entry with a miss", other + ":" + rel + "/nonexistent", "", false},
		{"empty PATH", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LookPathIn("xcheck-fake-cc", tt.path)
			if tt.want != "" {
				require.NoError(t, err)
				assert.Equal(t, tt.want, got)
				return
			}
			require.Error(t, err)
			assert.Equal(t, tt.dot, errorsIsDot(err), "%v", err)
		})
	}

	// The probe does not run it.
	i := probe(context.Background(), "xcheck-fake-cc", []string{"PATH=" + rel})
	require.Error(t, i.Err)
	assert.Contains(t, i.Err.Error(), `C compiler "xcheck-fake-cc" is found through the relative PATH entry`)
	assert.Empty(t, i.Path)
	_, err = os.Stat(marker)
	assert.ErrorIs(t, err, os.ErrNotExist, "the compiler found through a relative PATH entry ran")
	// The control: through an absolute entry it runs.
	i = probe(context.Background(), "xcheck-fake-cc", []string{"PATH=" + abs})
	require.NoError(t, i.Err)
	assert.Equal(t, "aarch64-linux-gnu", i.Triple)
	assert.FileExists(t, marker)
}

// TestLookPathEmptyEntry: an empty PATH entry (a leading, trailing or
// double colon) is the current directory.
func TestLookPathEmptyEntry(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(t.TempDir(), "ran")
	fakeCompiler(t, dir, "gcc", marker)
	t.Chdir(dir)
	for _, p := range []string{":/nonexistent", "/nonexistent:", "/nonexistent::/nonexistent2", "."} {
		_, err := LookPathIn("gcc", p)
		assert.True(t, errorsIsDot(err), "PATH=%q: %v", p, err)
		var rel *RelativePathError
		if assert.ErrorAs(t, err, &rel, p) {
			assert.Equal(t, RelativePathError{Name: "gcc", Entry: ".", Path: "./gcc"}, *rel, p)
		}
		i := probe(context.Background(), "gcc", []string{"PATH=" + p})
		assert.Error(t, i.Err, p)
		// The probe's error keeps the cause (XC3004 reads it).
		assert.True(t, errorsIsDot(i.Err), "PATH=%q: %v", p, i.Err)
		assert.ErrorAs(t, i.Err, &rel, p)
	}
	_, err := os.Stat(marker)
	assert.ErrorIs(t, err, os.ErrNotExist, "./gcc ran")
}

func errorsIsDot(err error) bool { return errors.Is(err, exec.ErrDot) }
