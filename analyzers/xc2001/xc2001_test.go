package xc2001_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/analyzers/xc2001"
	"github.com/xcheck-dev/xcheck/loader/loadertest"
)

const module = `
-- go.mod --
module example.com/m

go 1.22
-- main.go --
package main

import (
	"example.com/m/internal/reload"
	"example.com/m/internal/store"
	"example.com/m/internal/sum"
)

func main() {
	reload.OnSignal(func() {})
	_ = store.Open("db")
	println(sum.Big)
}
-- internal/reload/reload.go --
package reload

import (
	"os"
	"os/signal"
	"syscall"
)

// OnSignal calls f on SIGUSR1.
func OnSignal(f func()) {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGUSR1)
	go func() {
		for range c {
			f()
		}
	}()
}
-- internal/store/store_linux.go --
package store

// Open opens path.
func Open(path string) error { return nil }
-- internal/store/store_windows.go --
package store

// Open opens path with a share mode.
func Open(path string, mode uint32) error { return nil }
-- internal/store/store_darwin.go --
package store

// Open opens path.
func Open(path string) error { return nil }
-- internal/sum/sum.go --
package sum

// Big does not fit in 32 bits.
const big = 1 << 40

// Big is used as an int.
var Big int = big
`

func TestFires(t *testing.T) {
	t.Parallel()
	dir := loadertest.WriteModule(t, module)
	fs := loadertest.Load(t, dir,
		loadertest.Build(t, "windows/amd64", false),
		loadertest.Build(t, "linux/386", false),
		loadertest.Build(t, "linux/arm/v6", false))
	dump := loadertest.Dump(fs)

	win := loadertest.Of(fs, "XC2001", "windows/amd64")
	require.Len(t, win, 2, dump)
	assert.Equal(t, "internal/reload/reload.go:12:27", win[0].Pos.String())
	assert.Equal(t, "undefined: syscall.SIGUSR1", win[0].Message)
	assert.Equal(t, []string{"example.com/m -> example.com/m/internal/reload"}, win[0].Why)
	assert.Contains(t, win[0].Fix, "//go:build unix")
	// Mismatched signatures: the caller breaks on windows only.
	assert.Equal(t, "main.go:11:21", win[1].Pos.String()) // go/types reports at the closing parenthesis
	assert.Contains(t, win[1].Message, "not enough arguments in call to store.Open")
	assert.Equal(t, xc2001.Rule, win[1].Rule)

	for _, tg := range []string{"linux/386", "linux/arm/v6"} {
		of := loadertest.Of(fs, "XC2001", tg)
		require.Len(t, of, 1, dump)
		assert.Equal(t, "internal/sum/sum.go:7:15", of[0].Pos.String())
		assert.Contains(t, of[0].Message, "(overflows)")
		assert.Contains(t, of[0].Why[1], "32 bits")
	}
}

func TestQuiet(t *testing.T) {
	t.Parallel()
	dir := loadertest.WriteModule(t, module)
	fs := loadertest.Load(t, dir,
		loadertest.Build(t, "linux/amd64", false),
		loadertest.Build(t, "linux/arm64", false),
		loadertest.Build(t, "darwin/arm64", false))
	assert.Empty(t, fs, loadertest.Dump(fs))
}

// Syntax errors are reported once per position, not followed by type
// errors of the same package.
func TestSyntaxError(t *testing.T) {
	t.Parallel()
	dir := loadertest.WriteModule(t, `
-- go.mod --
module example.com/m

go 1.22
-- main.go --
package main

func main() {
	x := 
}
`)
	fs := loadertest.Load(t, dir, loadertest.Build(t, "linux/amd64", false))
	require.Len(t, fs, 1, loadertest.Dump(fs))
	assert.Equal(t, "main.go:5:1", fs[0].Pos.String())
	assert.Contains(t, fs[0].Message, "syntax error: ")
	assert.Equal(t, "example.com/m", fs[0].Why[0])
}

// Continuation lines of an error (other declaration of x) are evidence
// of the error before them.
func TestContinuation(t *testing.T) {
	t.Parallel()
	dir := loadertest.WriteModule(t, `
-- go.mod --
module example.com/m

go 1.22
-- main.go --
package main

func main() {}
-- open_unix.go --
//go:build unix

package main

func open() {}
-- open_linux.go --
package main

func open() {}
`)
	fs := loadertest.Load(t, dir, loadertest.Build(t, "linux/amd64", false), loadertest.Build(t, "darwin/arm64", false))
	require.Len(t, fs, 1, loadertest.Dump(fs))
	f := fs[0]
	assert.Equal(t, []string{"linux/amd64"}, f.Targets)
	assert.Equal(t, "open_unix.go:5:6", f.Pos.String())
	assert.Equal(t, "open redeclared in this block", f.Message)
	assert.Equal(t, []string{"example.com/m", "open_linux.go:3:6: other declaration of open"}, f.Why)
}
