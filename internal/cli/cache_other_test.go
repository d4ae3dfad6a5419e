//go:build !linux

package cli

import (
	"os"
	"runtime"
	"testing"
)

// makeReadOnly makes the directory tree at dir read-only with
// permissions; it reports false for root, whom they do not stop, and on
// Windows, where they do not apply to directories.
func makeReadOnly(t *testing.T, dir string) bool {
	t.Helper()
	if os.Geteuid() == 0 || runtime.GOOS == "windows" {
		return false
	}
	return chmodReadOnly(t, dir)
}

// makeFull needs Linux (a small tmpfs).
func makeFull(*testing.T, string) bool { return false }
