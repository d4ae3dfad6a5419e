package gocmd

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// linkDir is the directory PrependXcheckGo put first in PATH, "" when it
// did not. It is set before anything else runs and never changes after.
var linkDir string

// LinkDir returns the private directory that PrependXcheckGo put first in
// PATH (it holds only a link named go to $XCHECK_GO), or "" when it did
// not.
func LinkDir() string { return linkDir }

// WithoutLinkDir returns the PATH list path without LinkDir: what the
// user's PATH is. Keys that must not change from run to run (the result
// cache's) use it, since the directory is new in every run.
func WithoutLinkDir(path string) string {
	if linkDir == "" {
		return path
	}
	var keep []string
	for _, d := range filepath.SplitList(path) {
		if d != linkDir {
			keep = append(keep, d)
		}
	}
	return strings.Join(keep, string(os.PathListSeparator))
}

// PrependXcheckGo makes $XCHECK_GO the go command of every go command
// xcheck starts, not only of those it starts itself (Go.Run):
// golang.org/x/tools/go/packages, which runs `go list` for the loader,
// starts exec.Command("go", ...), looked up in the process's PATH. When
// XCHECK_GO is set and names a go command that can be run, PrependXcheckGo
// creates a private temporary directory (os.MkdirTemp, mode 0700) holding
// a symbolic link named go to it (go.exe on Windows), and puts that
// directory first in the process's PATH with os.Setenv, so that the go
// command that go/packages finds is $XCHECK_GO, and so is the go of the
// programs xcheck starts (they inherit PATH). The go command finds its
// GOROOT through the link, as it resolves its own executable's links.
//
// A relative XCHECK_GO with a directory part is made absolute (relative
// to the current directory, not to -C's), for Go.Run too.
//
// When XCHECK_GO is unset, or names no go command that can be run (not
// found, or found only through a relative PATH entry, which Go.Run
// refuses), PrependXcheckGo changes nothing: Go.Run reports the problem
// as it always did, before anything is listed.
//
// It changes the process's environment: call it once, from main, before
// anything else runs, and call the returned function (which removes the
// directory; it may be called more than once, from any goroutine) before
// the process exits. An error means XCHECK_GO could not be made the go of
// PATH (no temporary directory, no symbolic link allowed).
func PrependXcheckGo() (cleanup func(), err error) {
	nop := func() {}
	bin := os.Getenv("XCHECK_GO")
	if bin == "" {
		return nop, nil
	}
	path, err := exec.LookPath(bin)
	if err != nil {
		// Missing, or relative to the current directory
		// (exec.ErrDot): Go.Run says so, and runs nothing.
		return nop, nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nop, nil
	}
	dir, err := os.MkdirTemp("", "xcheck-go-")
	if err != nil {
		return nop, fmt.Errorf("XCHECK_GO: making it the go of PATH: %v", err)
	}
	name := "go"
	if runtime.GOOS == "windows" {
		name += cmp.Or(strings.ToLower(filepath.Ext(abs)), ".exe")
	}
	if err := os.Symlink(abs, filepath.Join(dir, name)); err != nil {
		os.RemoveAll(dir)
		var le *os.LinkError
		if errors.As(err, &le) {
			err = le.Err
		}
		return nop, fmt.Errorf("XCHECK_GO: making it the go of PATH: cannot create a symbolic link to %s: %v (put that go command first in PATH instead)", abs, err)
	}
	old := os.Getenv("PATH")
	newPath := dir
	if old != "" {
		newPath += string(os.PathListSeparator) + old
	}
	if err := os.Setenv("PATH", newPath); err != nil {
		os.RemoveAll(dir)
		return nop, fmt.Errorf("XCHECK_GO: making it the go of PATH: %v", err)
	}
	if bin != abs && strings.ContainsRune(bin, filepath.Separator) {
		// A relative path ("./go", "bin/go") is relative to where
		// xcheck started, also for Go.Run with -C, which runs the go
		// command in another directory.
		_ = os.Setenv("XCHECK_GO", abs)
	}
	linkDir = dir
	var once sync.Once
	return func() { once.Do(func() { os.RemoveAll(dir) }) }, nil
}
