package abi

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
)

// MaxSymlinkHops is the number of symbolic links [Resolve] follows for one
// path before it gives up with [ErrSymlinkLoop] (the Linux limit, 40).
const MaxSymlinkHops = 40

// maxPathComponents caps the number of components Resolve keeps pending,
// so that links that expand into ever longer paths stay bounded.
const maxPathComponents = 4096

// Resolve returns the host path of path inside the sysroot root, with
// every symbolic link followed as the target system would see it: path and
// the targets of absolute links are taken relative to root, relative links
// relative to the directory that holds them, and ".." never climbs above
// root. The result is always root or below it.
//
// Resolve follows at most [MaxSymlinkHops] links. Its errors are
// *fs.PathError values naming path (inside the sysroot): one that wraps
// fs.ErrNotExist when a component is missing, syscall.ENOTDIR when a
// non-final component is not a directory, and [ErrSymlinkLoop] for a loop.
// The final component may be of any type, a directory included.
func Resolve(root, path string) (string, error) {
	rel, err := resolveRel(root, path)
	if err != nil {
		return "", err
	}
	return filepath.Join(root, filepath.FromSlash(rel)), nil
}

// resolveRel is Resolve returning the slash-separated path relative to
// root ("." for root itself).
func resolveRel(root, name string) (string, error) {
	fail := func(err error) (string, error) {
		return "", &fs.PathError{Op: "resolve", Path: name, Err: err}
	}
	var done []string             // resolved components, no links among them
	todo := splitComponents(name) // components still to resolve
	hops := 0
	for len(todo) > 0 {
		c := todo[0]
		todo = todo[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(done) > 0 {
				done = done[:len(done)-1]
			}
			continue
		}
		cur := append(done[:len(done):len(done)], c)
		host := filepath.Join(root, filepath.FromSlash(strings.Join(cur, "/")))
		fi, err := os.Lstat(host)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fail(fmt.Errorf("%q does not exist in the sysroot: %w", "/"+strings.Join(cur, "/"), fs.ErrNotExist))
			}
			if errors.Is(err, syscall.ENOTDIR) {
				return fail(fmt.Errorf("%q is not a directory: %w", "/"+strings.Join(done, "/"), syscall.ENOTDIR))
			}
			return fail(err)
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			if len(todo) > 0 && !fi.IsDir() {
				return fail(fmt.Errorf("%q is not a directory: %w", "/"+strings.Join(cur, "/"), syscall.ENOTDIR))
			}
			done = cur
			continue
		}
		hops++
		if hops > MaxSymlinkHops {
			return fail(fmt.Errorf("%w: more than %d links following %q", ErrSymlinkLoop, MaxSymlinkHops, "/"+strings.Join(cur, "/")))
		}
		target, err := os.Readlink(host)
		if err != nil {
			return fail(err)
		}
		target = filepath.ToSlash(target)
		if path.IsAbs(target) {
			done = done[:0]
		}
		next := splitComponents(target)
		if len(next)+len(todo) > maxPathComponents {
			return fail(fmt.Errorf("path through link %q has more than %d components", "/"+strings.Join(cur, "/"), maxPathComponents))
		}
		todo = append(next, todo...)
	}
	if len(done) == 0 {
		return ".", nil
	}
	return strings.Join(done, "/"), nil
}

func splitComponents(p string) []string {
	var out []string
	for _, c := range strings.Split(filepath.ToSlash(p), "/") {
		if c != "" && c != "." {
			out = append(out, c)
		}
	}
	return out
}
