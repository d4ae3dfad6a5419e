package xc3002_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/xcheck-dev/xcheck/analyzers/xc3002"
	"github.com/xcheck-dev/xcheck/loader/loadertest"
)

func TestAnalyzer(t *testing.T) {
	t.Setenv("CGO_ENABLED", "0") // the !cgo files are the ones compiled
	analysistest.Run(t, analysistest.TestData(), xc3002.Analyzer, "stub", "panics", "purego")
}

// A fake go-sqlite3 with a cgo implementation and a !cgo stub, used
// through main -> db -> github.com/mattn/go-sqlite3.
const module = `
-- m/go.mod --
module example.com/m

go 1.22

require github.com/mattn/go-sqlite3 v1.14.22

replace github.com/mattn/go-sqlite3 v1.14.22 => ../sqlite3
-- m/main.go --
package main

import "example.com/m/db"

func main() { db.Open() }
-- m/db/db.go --
package db

import (
	"database/sql"

	_ "github.com/mattn/go-sqlite3"
)

// Open opens the database.
func Open() { sql.Open("sqlite3", "x.db") }
-- sqlite3/go.mod --
module github.com/mattn/go-sqlite3

go 1.22
-- sqlite3/sqlite3.go --
//go:build cgo

package sqlite3

// static int open_db(void) { return 0; }
import "C"

import (
	"database/sql"
	"database/sql/driver"
)

func init() { sql.Register("sqlite3", &SQLiteDriver{}) }

// SQLiteDriver is the driver.
type SQLiteDriver struct{}

// Open opens a connection.
func (d *SQLiteDriver) Open(name string) (driver.Conn, error) {
	C.open_db()
	return nil, nil
}
-- sqlite3/sqlite3_other.go --
//go:build !cgo

package sqlite3

import (
	"database/sql"
	"database/sql/driver"
	"errors"
)

var errorMsg = errors.New("Binary was compiled with 'CGO_ENABLED=0', go-sqlite3 requires cgo to work. This is a stub")

func init() { sql.Register("sqlite3", &SQLiteDriver{}) }

// SQLiteDriver is the stub driver.
type SQLiteDriver struct{}

// Open always fails.
func (d *SQLiteDriver) Open(name string) (driver.Conn, error) {
	return nil, errorMsg
}
`

func TestFires(t *testing.T) {
	t.Parallel()
	dir := loadertest.WriteModule(t, module)
	fs := loadertest.Load(t, filepath.Join(dir, "m"), loadertest.Build(t, "linux/arm64", false), loadertest.Build(t, "windows/386", false))
	require.Len(t, fs, 2, loadertest.Dump(fs))
	f := loadertest.Of(fs, "XC3002", "linux/arm64")[0]
	assert.Equal(t, "db/db.go:6:4", f.Pos.String())
	assert.Equal(t, `"github.com/mattn/go-sqlite3" builds without cgo from a stub that fails at run time`, f.Message)
	assert.Equal(t, []string{
		"example.com/m -> example.com/m/db -> github.com/mattn/go-sqlite3",
		`github.com/mattn/go-sqlite3@v1.14.22/sqlite3_other.go:19:1: Open always fails: "Binary was compiled with 'CGO_ENABLED=0', go-sqlite3 requires cgo to work. This is a stub"`,
		"its cgo implementation is left out: sqlite3.go",
		"cgo is off: CGO_ENABLED=0 in the environment",
	}, f.Why)
	assert.Equal(t, "build with CGO_ENABLED=1 and CC=aarch64-linux-gnu-gcc, or replace github.com/mattn/go-sqlite3 with the pure-Go modernc.org/sqlite", f.Fix)
	assert.Contains(t, loadertest.Of(fs, "XC3002", "windows/386")[0].Fix, "CC=i686-w64-mingw32-gcc")
}

func TestQuiet(t *testing.T) {
	t.Parallel()
	dir := loadertest.WriteModule(t, module)
	fs := loadertest.Load(t, filepath.Join(dir, "m"), loadertest.Build(t, "linux/arm64", true))
	assert.Empty(t, fs, loadertest.Dump(fs))
}
