package cache

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func key(s string) Key { return NewHash(KindRun).Add("test", s).Sum() }

func TestPutGet(t *testing.T) {
	c, err := Open(t.TempDir())
	require.NoError(t, err)
	_, err = c.Get(KindRun, key("a"))
	require.ErrorIs(t, err, ErrMiss)

	require.NoError(t, c.Put(KindRun, key("a"), []byte("payload a")))
	require.NoError(t, c.Put(KindTarget, key("a"), []byte("target a")))
	require.NoError(t, c.Put(KindRun, key("empty"), nil))
	got, err := c.Get(KindRun, key("a"))
	require.NoError(t, err)
	require.Equal(t, "payload a", string(got))
	got, err = c.Get(KindTarget, key("a"))
	require.NoError(t, err)
	require.Equal(t, "target a", string(got))
	got, err = c.Get(KindRun, key("empty"))
	require.NoError(t, err)
	require.Empty(t, got)

	// Replacing an entry.
	require.NoError(t, c.Put(KindRun, key("a"), []byte("payload a2")))
	got, err = c.Get(KindRun, key("a"))
	require.NoError(t, err)
	require.Equal(t, "payload a2", string(got))

	require.Error(t, c.Put(KindRun, key("big"), make([]byte, MaxEntrySize+1)))
}

// TestCorrupt damages an entry file in every way a crash, a full disk or
// a stray write can, and checks that Get reports it, removes the file,
// and that the next Put makes the entry good again.
func TestCorrupt(t *testing.T) {
	payload := bytes.Repeat([]byte("findings "), 100)
	for _, tc := range []struct {
		name   string
		damage func([]byte) []byte
		reason string
	}{
		{"empty", func([]byte) []byte { return nil }, "shorter than the header"},
		{"truncated header", func(b []byte) []byte { return b[:20] }, "shorter than the header"},
		{"truncated payload", func(b []byte) []byte { return b[:len(b)-1] }, "header says"},
		{"appended", func(b []byte) []byte { return append(b, 'x') }, "header says"},
		{"flipped payload byte", func(b []byte) []byte { b[len(b)-7] ^= 1; return b }, "checksum mismatch"},
		{"flipped checksum byte", func(b []byte) []byte { b[headerSize-1] ^= 1; return b }, "checksum mismatch"},
		{"bad magic", func(b []byte) []byte { b[0] = 'Y'; return b }, "not a cache entry"},
		{"other version", func(b []byte) []byte { b[len(magic)+3]++; return b }, "format version"},
		{"other key", func(b []byte) []byte { b[len(magic)+4] ^= 1; return b }, "another key"},
		{"huge size", func(b []byte) []byte {
			copy(b[len(magic)+4+32:], []byte{0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
			return b
		}, "header says"},
		{"zeros", func(b []byte) []byte { return make([]byte, len(b)) }, "not a cache entry"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Open(t.TempDir())
			require.NoError(t, err)
			k := key("x")
			require.NoError(t, c.Put(KindRun, k, payload))
			name := c.path(KindRun, k)
			data, err := os.ReadFile(name)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(name, tc.damage(data), 0o644))

			_, err = c.Get(KindRun, k)
			var ce *CorruptError
			require.ErrorAs(t, err, &ce)
			require.Contains(t, ce.Reason, tc.reason)
			require.NoFileExists(t, name)
			_, err = c.Get(KindRun, k)
			require.ErrorIs(t, err, ErrMiss)

			require.NoError(t, c.Put(KindRun, k, payload))
			got, err := c.Get(KindRun, k)
			require.NoError(t, err)
			require.Equal(t, payload, got)
		})
	}
}

// TestNotWritable checks that a results directory that cannot be written
// still reads, and that Put fails cleanly. The directory is blocked by a
// file where a subdirectory must go, which stops root too.
func TestNotWritable(t *testing.T) {
	root := t.TempDir()
	c, err := Open(root)
	require.NoError(t, err)
	require.NoError(t, c.Put(KindRun, key("old"), []byte("old")))
	require.NoError(t, os.WriteFile(filepath.Join(root, "results", string(KindTarget)), nil, 0o644))
	require.Error(t, c.Put(KindTarget, key("new"), []byte("new")))
	got, err := c.Get(KindRun, key("old"))
	require.NoError(t, err)
	require.Equal(t, "old", string(got))

	// A cache directory that cannot be created.
	_, err = Open(filepath.Join(root, "results", string(KindTarget), "sub"))
	require.Error(t, err)
	_, err = Open("")
	require.Error(t, err)
}

// TestConcurrent has many writers and readers on the same entries: every
// read sees a whole entry of one writer, or none.
func TestConcurrent(t *testing.T) {
	root := t.TempDir()
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := Open(root) // each its own Cache, as separate processes
			if err != nil {
				errs <- err
				return
			}
			for i := range 50 {
				k := key(fmt.Sprint(i % 5))
				want := bytes.Repeat([]byte(fmt.Sprintf("entry %d ", i%5)), 1000+w)
				if err := c.Put(KindRun, k, want); err != nil {
					errs <- err
				}
				got, err := c.Get(KindRun, k)
				if err != nil {
					errs <- err
					continue
				}
				if !bytes.HasPrefix(got, []byte(fmt.Sprintf("entry %d ", i%5))) || len(got)%len(fmt.Sprintf("entry %d ", i%5)) != 0 {
					errs <- fmt.Errorf("read a mixed entry of %d bytes", len(got))
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	in, err := At(root).Info()
	require.NoError(t, err)
	require.Equal(t, 5, in.Entries)
}

func TestTrimInfoClean(t *testing.T) {
	root := t.TempDir()
	c, err := Open(root)
	require.NoError(t, err)
	now := time.Now()
	c.now = func() time.Time { return now }
	// The stamp of a recent trim, so that Put does not trim on its own.
	require.NoError(t, os.WriteFile(filepath.Join(root, "results", "trim.txt"), nil, 0o644))
	for i, age := range []time.Duration{0, time.Hour, 48 * time.Hour, 10 * 24 * time.Hour} {
		k := key(fmt.Sprint(i))
		require.NoError(t, c.Put(KindRun, k, make([]byte, 1000)))
		require.NoError(t, os.Chtimes(c.path(KindRun, k), now.Add(-age), now.Add(-age)))
	}
	// A temporary file of a writer that crashed, and one being written.
	old := filepath.Join(root, "results", "run", "00", tempPrefix+"crashed")
	require.NoError(t, os.MkdirAll(filepath.Dir(old), 0o755))
	require.NoError(t, os.WriteFile(old, []byte("x"), 0o644))
	require.NoError(t, os.Chtimes(old, now.Add(-2*time.Hour), now.Add(-2*time.Hour)))
	fresh := filepath.Join(root, "results", "run", "00", tempPrefix+"writing")
	require.NoError(t, os.WriteFile(fresh, []byte("x"), 0o644))

	in, err := c.Info()
	require.NoError(t, err)
	require.Equal(t, 4, in.Entries)
	require.Equal(t, int64(4*(headerSize+1000)), in.Size)
	require.Equal(t, 4, in.ByKind[KindRun].Entries)

	// Unused for a week: the 10-day-old entry and the crashed writer's file.
	n, _, err := c.Trim(7*24*time.Hour, 1<<30)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	require.NoFileExists(t, old)
	require.FileExists(t, fresh)
	// Over the size bound: the least recently used go first.
	n, freed, err := c.Trim(7*24*time.Hour, int64(headerSize+1000))
	require.NoError(t, err)
	require.Equal(t, 2, n)
	require.Equal(t, int64(2*(headerSize+1000)), freed)
	_, err = c.Get(KindRun, key("0"))
	require.NoError(t, err)
	_, err = c.Get(KindRun, key("2"))
	require.ErrorIs(t, err, ErrMiss)

	require.NoError(t, c.Clean())
	in, err = c.Info()
	require.NoError(t, err)
	require.Zero(t, in.Entries)
	require.NoError(t, c.Put(KindRun, key("after"), []byte("x")))

	// A cache that does not exist has no entries, and At creates nothing.
	missing := filepath.Join(t.TempDir(), "none")
	in, err = At(missing).Info()
	require.NoError(t, err)
	require.Zero(t, in.Entries)
	require.NoDirExists(t, missing)
}

// TestGetTouches checks that reading an entry marks it used, at most once
// an hour, and that Put trims once a day.
func TestGetTouches(t *testing.T) {
	root := t.TempDir()
	c, err := Open(root)
	require.NoError(t, err)
	now := time.Now()
	c.now = func() time.Time { return now }
	k := key("x")
	require.NoError(t, c.Put(KindRun, k, []byte("x")))
	require.FileExists(t, filepath.Join(root, "results", "trim.txt"))
	past := now.Add(-30 * 24 * time.Hour)
	require.NoError(t, os.Chtimes(c.path(KindRun, k), past, past))
	_, err = c.Get(KindRun, k)
	require.NoError(t, err)
	st, err := os.Stat(c.path(KindRun, k))
	require.NoError(t, err)
	require.WithinDuration(t, now, st.ModTime(), time.Second)

	// A day later, the next Put trims what is older than a week.
	require.NoError(t, os.Chtimes(c.path(KindRun, k), past, past))
	now = now.Add(25 * time.Hour)
	require.NoError(t, c.Put(KindRun, key("y"), []byte("y")))
	require.NoFileExists(t, c.path(KindRun, k))
}

func TestHashTree(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	write("go.mod", "module m\n")
	write("a/a.go", "package a\n")
	write("a/a_amd64.s", "TEXT ·f(SB),0,$0\n")
	write("a/data/asset.bin", "asset")
	write("a/testdata/x.go", "package x\n")
	write(".git/config", "x")
	write("_tools/t.go", "package t\n")
	write("nested/go.mod", "module m/nested\n")
	write("nested/n.go", "package n\n")
	hash := func() Key {
		t.Helper()
		k, _, err := HashTree(dir)
		require.NoError(t, err)
		return k
	}
	base := hash()
	require.Equal(t, base, hash(), "not deterministic")

	same := func(what string, change func()) {
		t.Helper()
		change()
		require.Equal(t, base, hash(), "%s changed the digest", what)
	}
	differ := func(what string, change func()) {
		t.Helper()
		change()
		k := hash()
		require.NotEqual(t, base, k, "%s did not change the digest", what)
		base = k
	}
	same("a new modification time", func() {
		future := time.Now().Add(time.Hour)
		require.NoError(t, os.Chtimes(filepath.Join(dir, "a", "a.go"), future, future))
	})
	same("a file in testdata", func() { write("a/testdata/x.go", "package y\n") })
	same("a file in .git", func() { write(".git/config", "y") })
	same("a file in _tools", func() { write("_tools/t.go", "package u\n") })
	same("a file of a nested module", func() { write("nested/n.go", "package m\n") })
	same("the content of a non-source file", func() { write("a/data/asset.bin", "other asset") })
	same("a new non-source file, without embed", func() { write("a/data/other.bin", "x") })
	same("a new directory, without embed", func() { require.NoError(t, os.Mkdir(filepath.Join(dir, "b"), 0o755)) })
	differ("a Go file's content", func() { write("a/a.go", "package a\n\nfunc F() {}\n") })
	differ("an assembly file's content", func() { write("a/a_amd64.s", "TEXT ·g(SB),0,$0\n") })
	differ("go.mod", func() { write("go.mod", "module m\n\ngo 1.22\n") })
	differ("a nested module's go.mod", func() { write("nested/go.mod", "module m/nested2\n") })
	differ("a Go file importing embed", func() { write("a/e.go", "package a\n\nimport _ \"embed\"\n") })
	same("the content of a non-source file, with embed", func() { write("a/data/asset.bin", "asset again") })
	differ("a new non-source file, with embed", func() { write("a/data/third.bin", "x") })
	differ("a new directory, with embed", func() { require.NoError(t, os.Mkdir(filepath.Join(dir, "c"), 0o755)) })
	differ("a renamed file", func() {
		require.NoError(t, os.Rename(filepath.Join(dir, "a", "a.go"), filepath.Join(dir, "a", "b.go")))
	})
	if runtime.GOOS != "windows" { // symbolic links need privileges there
		differ("a new symbolic link", func() {
			require.NoError(t, os.Symlink("b.go", filepath.Join(dir, "a", "c.go")))
		})
		differ("the target of a linked file", func() { write("a/b.go", "package a\n\nfunc G() {}\n") })
	}
	differ("a removed file", func() { require.NoError(t, os.Remove(filepath.Join(dir, "a", "b.go"))) })

	_, _, err := HashTree(filepath.Join(dir, "missing"))
	require.Error(t, err)
}

func TestStamp(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "f")
	require.Equal(t, "missing", Stamp(f))
	ss := StampAll([]string{dir, f})
	require.Empty(t, Changed(ss))
	require.NoError(t, os.WriteFile(f, []byte("x"), 0o644))
	require.NotEmpty(t, Changed(ss)) // the file appeared (and the directory changed)
	require.Equal(t, f, Changed(ss[1:]))
	ss = StampAll([]string{f})
	require.NoError(t, os.WriteFile(f, []byte("xy"), 0o644))
	require.Equal(t, f, Changed(ss))
}

func TestHashSeparates(t *testing.T) {
	a := NewHash(KindRun).Add("l", "ab", "c").Sum()
	b := NewHash(KindRun).Add("l", "a", "bc").Sum()
	c := NewHash(KindRun).Add("l", "abc").Sum()
	d := NewHash(KindTarget).Add("l", "ab", "c").Sum()
	require.NotEqual(t, a, b)
	require.NotEqual(t, a, c)
	require.NotEqual(t, a, d)
	require.Equal(t, a, NewHash(KindRun).Add("l", "ab", "c").Sum())
	require.Len(t, a.String(), 64)
}

// TestReadBuildID compares ReadBuildID with `go tool buildid` on an ELF,
// a Mach-O and a PE executable, and checks the fallback when there is no
// build ID.
func TestReadBuildID(t *testing.T) {
	if testing.Short() {
		t.Skip("builds executables")
	}
	src := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(src, "go.mod"), []byte("module p\n\ngo 1.22\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(src, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644))
	for _, goos := range []string{"linux", "darwin", "windows"} {
		exe := filepath.Join(t.TempDir(), "p")
		build := exec.Command("go", "build", "-o", exe, ".")
		build.Dir = src
		build.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=0", "GOFLAGS=-mod=mod", "GOWORK=off")
		out, err := build.CombinedOutput()
		require.NoError(t, err, "%s", out)
		want, err := exec.Command("go", "tool", "buildid", exe).Output()
		require.NoError(t, err)
		got, err := ReadBuildID(exe)
		require.NoError(t, err)
		require.Equal(t, strings.TrimSpace(string(want)), got, goos)
		id, err := FileID(exe)
		require.NoError(t, err)
		require.Equal(t, "buildid:"+got, id)
	}

	// Without a build ID, FileID hashes the file.
	noID := filepath.Join(t.TempDir(), "script")
	require.NoError(t, os.WriteFile(noID, []byte("#!/bin/sh\n"), 0o755))
	id, err := FileID(noID)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(id, "sha256:"), id)
	_, err = FileID(filepath.Join(t.TempDir(), "missing"))
	require.Error(t, err)

	self, err := SelfID()
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(self, "buildid:"), self)
}

func TestDir(t *testing.T) {
	t.Setenv("XCHECK_CACHE", "off")
	require.Empty(t, Dir())
	t.Setenv("XCHECK_CACHE", "rel/dir")
	wd, err := os.Getwd()
	require.NoError(t, err)
	require.Equal(t, filepath.Join(wd, "rel", "dir"), Dir())
	t.Setenv("XCHECK_CACHE", "")
	if d, err := os.UserCacheDir(); err == nil {
		require.Equal(t, filepath.Join(d, "xcheck"), Dir())
	}
}

// FuzzDecode checks that no file content makes decode panic, and that
// whatever it accepts is exactly what encode wrote.
func FuzzDecode(f *testing.F) {
	k := key("fuzz")
	f.Add(encode(k, []byte("payload")))
	f.Add(encode(k, nil))
	f.Add([]byte(magic))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		payload, reason := decode(data, k)
		if reason != "" {
			if payload != nil {
				t.Fatal("payload with a reason")
			}
			return
		}
		if !bytes.Equal(encode(k, payload), data) {
			t.Fatal("decode accepted what encode does not write")
		}
	})
}

func TestGoHeader(t *testing.T) {
	const base = `//go:build linux

// Package p does things.
package p

/*
#cgo LDFLAGS: -lm
#include <math.h>
*/
import "C"

import (
	"embed"
	"os"
)

//go:embed static/*
var static embed.FS

func F() { os.Exit(0) }
`
	h := string(GoHeader([]byte(base)))
	require.Contains(t, h, "//go:build linux")
	require.Contains(t, h, "#cgo LDFLAGS: -lm")
	require.Contains(t, h, `"os"`)
	require.Contains(t, h, "//go:embed static/*")
	require.NotContains(t, h, "func F")

	same := func(what, src string) {
		t.Helper()
		require.Equal(t, h, string(GoHeader([]byte(src))), what)
	}
	differ := func(what, src string) {
		t.Helper()
		require.NotEqual(t, h, string(GoHeader([]byte(src))), what)
	}
	same("a function body", strings.Replace(base, "os.Exit(0)", "os.Exit(1)", 1))
	same("a new function", base+"\nfunc G() {}\n")
	differ("the build constraint", strings.Replace(base, "linux", "darwin", 1))
	differ("the package name", strings.Replace(base, "package p", "package q", 1))
	differ("an import", strings.Replace(base, `"os"`, `"io"`, 1))
	differ("a #cgo line", strings.Replace(base, "-lm", "-lz", 1))
	differ("an embed pattern", strings.Replace(base, "static/*", "static/**", 1))
	// A header that does not parse counts whole.
	bad := "package p\n\nimport (\n"
	require.Equal(t, bad, string(GoHeader([]byte(bad))))
}

func TestHashTreeHeaders(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	write("go.mod", "module m\n")
	write("a/a.go", "package a\n\nimport \"os\"\n\nfunc F() { os.Exit(0) }\n")
	write("a/a_amd64.s", "TEXT ·f(SB),0,$0\n")
	hash := func() (Key, Key) {
		t.Helper()
		full, _, err := HashTree(dir)
		require.NoError(t, err)
		headers, _, err := HashTreeHeaders(dir)
		require.NoError(t, err)
		return full, headers
	}
	f0, h0 := hash()
	require.NotEqual(t, f0, h0)
	write("a/a.go", "package a\n\nimport \"os\"\n\nfunc F() { os.Exit(1) }\n")
	f1, h1 := hash()
	require.NotEqual(t, f0, f1, "a body change changes the content digest")
	require.Equal(t, h0, h1, "a body change does not change the header digest")
	write("a/a.go", "package a\n\nimport \"io\"\n\nfunc F() { _ = io.EOF }\n")
	_, h2 := hash()
	require.NotEqual(t, h1, h2, "an import changes the header digest")
	write("a/a_amd64.s", "TEXT ·g(SB),0,$0\n")
	_, h3 := hash()
	require.NotEqual(t, h2, h3, "assembly counts whole")
}
