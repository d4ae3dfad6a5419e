package xc3001_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/loader/loadertest"
)

// main -> a -> github.com/x/sqlite, whose Go files all use cgo; and
// main -> b -> github.com/mattn/go-sqlite3, whose pure-Go file calls into
// its cgo file.
const module = `
-- m/go.mod --
module example.com/m

go 1.22

require (
	github.com/x/sqlite v1.0.0
	github.com/mattn/go-sqlite3 v1.14.22
)

replace (
	github.com/x/sqlite v1.0.0 => ../sqlite
	github.com/mattn/go-sqlite3 v1.14.22 => ../gosqlite3
)
-- m/main.go --
package main

import (
	"example.com/m/a"
	"example.com/m/b"
)

func main() { a.Open(); b.Open() }
-- m/a/a.go --
package a

import "github.com/x/sqlite"

// Open opens.
func Open() { sqlite.Open() }
-- m/b/b.go --
package b

import sqlite3 "github.com/mattn/go-sqlite3"

// Open opens.
func Open() { _ = sqlite3.Version() }
-- sqlite/go.mod --
module github.com/x/sqlite

go 1.22
-- sqlite/sqlite.go --
package sqlite

// #include <stdlib.h>
// static void open_db(void) {}
import "C"

// Open opens a database.
func Open() { C.open_db() }
-- gosqlite3/go.mod --
module github.com/mattn/go-sqlite3

go 1.22
-- gosqlite3/version.go --
package sqlite3

// Version returns the library version.
func Version() string { return libVersion() }
-- gosqlite3/sqlite3.go --
package sqlite3

// static const char *version(void) { return "3.45"; }
import "C"

func libVersion() string { return C.GoString(C.version()) }
`

func TestFires(t *testing.T) {
	t.Parallel()
	dir := loadertest.WriteModule(t, module)
	fs := loadertest.Load(t, filepath.Join(dir, "m"),
		loadertest.Build(t, "linux/arm64", false),
		loadertest.Build(t, "linux/arm/v7", false),
		loadertest.Build(t, "windows/amd64", false))
	dump := loadertest.Dump(fs)
	require.Len(t, fs, 6, dump)

	all := loadertest.Of(fs, "XC3001", "linux/arm64")
	require.Len(t, all, 2, dump)

	x := all[0]
	assert.Equal(t, "a/a.go:3:8", x.Pos.String())
	assert.Equal(t, `"github.com/x/sqlite" needs cgo but cgo is off: all its buildable Go files use cgo`, x.Message)
	assert.Equal(t, []string{
		"example.com/m -> example.com/m/a -> github.com/x/sqlite",
		"cgo files left out: sqlite.go",
		"cgo is off: CGO_ENABLED=0 in the environment",
	}, x.Why)
	assert.Equal(t, "build with CGO_ENABLED=1 and CC=aarch64-linux-gnu-gcc", x.Fix)

	m := all[1]
	assert.Equal(t, "b/b.go:3:16", m.Pos.String())
	assert.Equal(t, `"github.com/mattn/go-sqlite3" needs cgo but cgo is off: without its cgo files it does not compile`, m.Message)
	assert.Equal(t, "example.com/m -> example.com/m/b -> github.com/mattn/go-sqlite3", m.Why[0])
	assert.Equal(t, "github.com/mattn/go-sqlite3@v1.14.22/version.go:4:32: undefined: libVersion", m.Why[2])
	assert.Equal(t, "build with CGO_ENABLED=1 and CC=aarch64-linux-gnu-gcc, or replace github.com/mattn/go-sqlite3 with the pure-Go modernc.org/sqlite", m.Fix)

	assert.Contains(t, loadertest.Of(fs, "XC3001", "linux/arm/v7")[0].Fix, "CC=arm-linux-gnueabihf-gcc")
	assert.Contains(t, loadertest.Of(fs, "XC3001", "windows/amd64")[0].Fix, "CC=x86_64-w64-mingw32-gcc")
	// The missing cgo half is not also a type error.
	assert.Empty(t, loadertest.Of(fs, "XC2001", ""), dump)
}

// A package of the module itself: the finding points at its import "C".
func TestFiresInModule(t *testing.T) {
	t.Parallel()
	fs := loadertest.Load(t, "../../testdata/demo", loadertest.Build(t, "linux/riscv64", false), loadertest.Build(t, "js/wasm", false))
	of := loadertest.Of(fs, "XC3001", "linux/riscv64")
	require.Len(t, of, 1, loadertest.Dump(fs))
	assert.Equal(t, "internal/store/store.go:8:8", of[0].Pos.String())
	assert.Equal(t, "build with CGO_ENABLED=1 and CC=riscv64-linux-gnu-gcc", of[0].Fix)
	wasm := loadertest.Of(fs, "XC3001", "js/wasm")
	require.Len(t, wasm, 1)
	assert.Contains(t, wasm[0].Fix, "js/wasm has no cgo support")
}

func TestQuiet(t *testing.T) {
	t.Parallel()
	dir := loadertest.WriteModule(t, module)
	// cgo on: everything builds (the C compiler is not run).
	fs := loadertest.Load(t, filepath.Join(dir, "m"), loadertest.Build(t, "linux/arm64", true), loadertest.Build(t, "linux/amd64", true))
	assert.Empty(t, loadertest.Of(fs, "XC3001", ""), loadertest.Dump(fs))
	assert.Empty(t, loadertest.Of(fs, "XC2001", ""), loadertest.Dump(fs))

	// A working pure-Go fallback for cgo off is not this rule's business.
	dir = loadertest.WriteModule(t, `
-- go.mod --
module example.com/m

go 1.22
-- main.go --
package main

import "example.com/m/sum"

func main() { println(sum.Sum([]byte("x"))) }
-- sum/sum_cgo.go --
//go:build cgo

package sum

// static int add(int a, int b) { return a + b; }
import "C"

// Sum adds.
func Sum(b []byte) int {
	s := 0
	for _, c := range b {
		s = int(C.add(C.int(s), C.int(c)))
	}
	return s
}
-- sum/sum_purego.go --
//go:build !cgo

package sum

// Sum adds.
func Sum(b []byte) int {
	s := 0
	for _, c := range b {
		s += int(c)
	}
	return s
}
`)
	fs = loadertest.Load(t, dir, loadertest.Build(t, "linux/arm64", false))
	assert.Empty(t, fs, loadertest.Dump(fs))
}
