package loader_test

import (
	"context"
	"errors"
	"go/types"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/analyzers/graph"
	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/internal/gocmd"
	"github.com/xcheck-dev/xcheck/loader"
	"github.com/xcheck-dev/xcheck/loader/loadertest"
	"github.com/xcheck-dev/xcheck/matrix"
)

func load(t *testing.T, cfg loader.Config, builds []*matrix.Build, patterns ...string) ([]finding.Finding, *loader.Stats, error) {
	t.Helper()
	if cfg.BaseEnv == nil {
		cfg.BaseEnv = loadertest.Env()
	}
	return loader.Load(context.Background(), cfg, builds, patterns)
}

func positions(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Pos.String())
	}
	return out
}

// The demo module's problems, each on the targets where `go build` fails,
// at the position go vet reports.
func TestLoadDemo(t *testing.T) {
	t.Parallel()
	bs := []*matrix.Build{
		loadertest.Build(t, "linux/amd64", true),
		loadertest.Build(t, "linux/386", false),
		loadertest.Build(t, "linux/arm/v7", false),
		loadertest.Build(t, "windows/amd64", false),
	}
	fs, stats, err := load(t, loader.Config{Dir: demoDir}, bs)
	require.NoError(t, err)
	dump := loadertest.Dump(fs)

	sig := loadertest.Of(fs, "XC2001", "windows/amd64")
	require.Len(t, sig, 1, dump)
	assert.Equal(t, "internal/reload/reload.go:13:27", sig[0].Pos.String())
	assert.Equal(t, "undefined: syscall.SIGUSR1", sig[0].Message)
	assert.Equal(t, "example.com/demo -> example.com/demo/internal/reload", sig[0].Why[0])

	for _, tg := range []string{"linux/386", "linux/arm/v7"} {
		of := loadertest.Of(fs, "XC2001", tg)
		require.Len(t, of, 1, dump)
		assert.Equal(t, "internal/fastsum/fastsum.go:11:22", of[0].Pos.String())
		assert.Contains(t, of[0].Message, "overflows int")
	}
	for _, tg := range []string{"linux/386", "linux/arm/v7", "windows/amd64"} {
		require.Len(t, loadertest.Of(fs, "XC3001", tg), 1, dump)
	}
	assert.Contains(t, loadertest.Of(fs, "XC3001", "linux/arm/v7")[0].Fix, "CC=arm-linux-gnueabihf-gcc")
	assert.Contains(t, loadertest.Of(fs, "XC3001", "windows/amd64")[0].Fix, "CC=x86_64-w64-mingw32-gcc")

	// The overflow is one finding for both 32-bit targets once merged.
	var overflow []finding.Finding
	for _, f := range finding.Merge(fs) {
		if f.Rule.ID == "XC2001" && strings.Contains(f.Message, "overflows") {
			overflow = append(overflow, f)
		}
	}
	require.Len(t, overflow, 1, dump)
	assert.Equal(t, []string{"linux/386", "linux/arm/v7"}, overflow[0].Targets)

	// linux/amd64 with cgo on builds.
	for _, f := range fs {
		if slices.Contains(f.Targets, "linux/amd64") {
			assert.NotEqual(t, finding.Error, f.Severity, dump)
		}
	}

	// One parse per file, shared by the targets.
	require.Len(t, stats.Targets, 4)
	assert.Positive(t, stats.CacheHits)
	for _, ts := range stats.Targets {
		assert.NoError(t, ts.Err)
		assert.Positive(t, ts.Packages)
		// With cgo off, ./... does not match internal/store.
		wantRoots := 3
		if ts.Target == "linux/amd64" {
			wantRoots = 4
		}
		assert.Equal(t, wantRoots, ts.Roots, ts.Target)
	}
}

const cgoModule = `
-- go.mod --
module example.com/m

go 1.22
-- main.go --
package main

import "example.com/m/clib"

func main() { println(clib.Version()) }
-- clib/clib.go --
package clib

/*
static int version(void) { return 3; }
*/
import "C"

// Version calls C.
func Version() int { return int(C.version()) }

// Broken is a Go type error next to the cgo code.
var Broken int = "not an int"
`

// A target with cgo on but no C compiler still loads and type-checks: the
// C compiler is never run.
func TestCgoWithMissingCompiler(t *testing.T) {
	t.Parallel()
	dir := loadertest.WriteModule(t, cgoModule)
	env := gocmd.MergeEnv(loadertest.Env(), "CC=aarch64-nonexistent-gcc", "CXX=aarch64-nonexistent-g++")
	b := loadertest.Build(t, "linux/arm64", true)
	b.CC = "aarch64-nonexistent-gcc"
	fs, stats, err := load(t, loader.Config{Dir: dir, BaseEnv: env}, []*matrix.Build{b})
	require.NoError(t, err)
	require.Len(t, stats.Targets, 1)
	require.NoError(t, stats.Targets[0].Err)

	// The Go code of the cgo package was type-checked: its error is found,
	// and C.version() is not one.
	errs := loadertest.Of(fs, "XC2001", "linux/arm64")
	require.Len(t, errs, 1, loadertest.Dump(fs))
	assert.Equal(t, "clib/clib.go:12:18", errs[0].Pos.String())
	assert.Contains(t, errs[0].Message, `cannot use "not an int"`)
	assert.Empty(t, loadertest.Of(fs, "XC3001", ""))
}

// Bad input is findings (or one clear error), never a panic, and the
// other targets are still checked.
func TestBadInput(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		archive string
		check   func(t *testing.T, fs []finding.Finding)
	}{
		{
			name: "syntax error",
			archive: `
-- go.mod --
module example.com/m

go 1.22
-- main.go --
package main

import "example.com/m/good"

func main() { good.F( }
-- good/good.go --
package good

func F() {}

var X int = "typo"
`,
			check: func(t *testing.T, fs []finding.Finding) {
				dump := loadertest.Dump(fs)
				assert.Contains(t, dump, "main.go:5:23: XC2001")
				assert.Contains(t, dump, "syntax error:")
				// The other package is still type-checked.
				assert.Contains(t, dump, "good/good.go:5:13: XC2001")
			},
		},
		{
			name: "replace to a missing directory",
			archive: `
-- go.mod --
module example.com/m

go 1.22

require example.com/dep v0.0.0

replace example.com/dep => ../missing
-- main.go --
package main

import "example.com/dep"

func main() { dep.F() }
`,
			check: func(t *testing.T, fs []finding.Finding) {
				of := loadertest.Of(fs, "XC2001", "")
				require.NotEmpty(t, of, loadertest.Dump(fs))
				assert.Equal(t, "main.go:3:8", of[0].Pos.String())
				assert.Contains(t, of[0].Message, "replacement directory ../missing does not exist")
				assert.NotContains(t, loadertest.Dump(fs), "undefined: dep.F")
			},
		},
		{
			name: "package with only test files",
			archive: `
-- go.mod --
module example.com/m

go 1.22
-- main.go --
package main

func main() {}
-- testonly/x_test.go --
package testonly

import "testing"

func TestX(t *testing.T) {}
`,
			check: func(t *testing.T, fs []finding.Finding) {
				assert.Empty(t, fs)
			},
		},
		{
			name: "import cycle",
			archive: `
-- go.mod --
module example.com/m

go 1.22
-- main.go --
package main

import "example.com/m/a"

func main() { a.A() }
-- a/a.go --
package a

import "example.com/m/b"

func A() { b.B() }
-- b/b.go --
package b

import "example.com/m/a"

func B() { a.A() }
`,
			check: func(t *testing.T, fs []finding.Finding) {
				dump := loadertest.Dump(fs)
				assert.Contains(t, dump, "import cycle not allowed")
				assert.NotContains(t, dump, "undefined")
			},
		},
		{
			name: "package importing itself",
			archive: `
-- go.mod --
module example.com/m

go 1.22
-- main.go --
package main

import "example.com/m/a"

func main() { a.A() }
-- a/a.go --
package a

import "example.com/m/a"

func A() { a.A() }
`,
			check: func(t *testing.T, fs []finding.Finding) {
				dump := loadertest.Dump(fs)
				assert.Contains(t, dump, "import cycle not allowed", dump)
				assert.Len(t, fs, 2, dump) // one per target
			},
		},
		{
			name: "invalid #cgo line",
			archive: `
-- go.mod --
module example.com/m

go 1.22
-- main.go --
package main

import "example.com/m/c"

func main() { c.F() }
-- c/c.go --
package c

/*
#cgo foo bar
*/
import "C"

func F() { C.f() }
`,
			check: func(t *testing.T, fs []finding.Finding) {
				// The go command rejects the #cgo line, with cgo on or off.
				require.Len(t, fs, 2, loadertest.Dump(fs))
				for _, f := range fs {
					assert.Equal(t, "XC2001", f.Rule.ID)
					assert.Equal(t, "c/c.go: invalid #cgo line: #cgo foo bar", f.Message)
					assert.Equal(t, "main.go:3:8", f.Pos.String())
				}
			},
		},
		{
			name: "cgo preamble that does not parse",
			archive: `
-- go.mod --
module example.com/m

go 1.22
-- main.go --
package main

import "example.com/m/c"

func main() { c.F() }
-- c/c.go --
package c

/*
int f( {
*/
import "C"

func F() { C.f() }
`,
			check: func(t *testing.T, fs []finding.Finding) {
				// cgo off: the package has no files. cgo on: the C code is
				// not compiled, so nothing is reported.
				require.Len(t, fs, 1, loadertest.Dump(fs))
				assert.Equal(t, "XC3001", fs[0].Rule.ID)
				assert.Equal(t, []string{"linux/arm64"}, fs[0].Targets)
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := loadertest.WriteModule(t, c.archive)
			bs := []*matrix.Build{loadertest.Build(t, "linux/amd64", true), loadertest.Build(t, "linux/arm64", false)}
			fs, stats, err := load(t, loader.Config{Dir: dir}, bs)
			require.NoError(t, err)
			for _, ts := range stats.Targets {
				require.NoError(t, ts.Err, ts.Target)
			}
			c.check(t, fs)
		})
	}
}

// Errors of the go command itself are errors, once per message, naming
// the targets.
func TestLoadErrors(t *testing.T) {
	t.Parallel()
	bs := []*matrix.Build{loadertest.Build(t, "linux/amd64", false), loadertest.Build(t, "windows/amd64", false)}

	t.Run("bad pattern", func(t *testing.T) {
		t.Parallel()
		dir := loadertest.WriteModule(t, "-- go.mod --\nmodule example.com/m\n\ngo 1.22\n-- main.go --\npackage main\n\nfunc main() {}\n")
		fs, _, err := load(t, loader.Config{Dir: dir}, bs, "./nope")
		require.Error(t, err)
		assert.Empty(t, fs)
		var lerr *loader.Error
		require.ErrorAs(t, err, &lerr)
		assert.Equal(t, []string{"linux/amd64", "windows/amd64"}, lerr.Targets)
		assert.Equal(t, 1, strings.Count(err.Error(), "\n")+1, err.Error())
		assert.Contains(t, err.Error(), "directory not found")
		assert.Contains(t, err.Error(), "linux/amd64, windows/amd64")
	})
	t.Run("broken go.mod", func(t *testing.T) {
		t.Parallel()
		dir := loadertest.WriteModule(t, "-- go.mod --\nmodule example.com/m\n\ngo 1.22\nrequire (\n-- main.go --\npackage main\n")
		_, _, err := load(t, loader.Config{Dir: dir}, bs)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "go.mod")
		assert.NotContains(t, err.Error(), "stderr=")
	})
	t.Run("skips targets that are not ports", func(t *testing.T) {
		t.Parallel()
		dir := loadertest.WriteModule(t, "-- go.mod --\nmodule example.com/m\n\ngo 1.22\n-- main.go --\npackage main\n\nfunc main() {}\n")
		notPort := &matrix.Build{Target: matrix.Target{GOOS: "windows", GOARCH: "arm"}}
		fs, stats, err := load(t, loader.Config{Dir: dir}, []*matrix.Build{notPort, bs[0]})
		require.NoError(t, err)
		assert.Empty(t, fs)
		require.Len(t, stats.Targets, 1)
		assert.Equal(t, "linux/amd64", stats.Targets[0].Target)
	})
	t.Run("cancelled", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, _, err := loader.Load(ctx, loader.Config{Dir: demoDir, BaseEnv: loadertest.Env()}, bs, nil)
		require.Error(t, err)
		assert.True(t, errors.Is(err, context.Canceled), err)
	})
}

const depModule = `
-- m/go.mod --
module example.com/m

go 1.22

require example.com/dep v1.2.3

replace example.com/dep v1.2.3 => ../dep
-- m/main.go --
package main

import "example.com/m/internal/app"

func main() { app.Run() }
-- m/internal/app/app.go --
package app

import "example.com/dep/sig"

// Run runs.
func Run() { sig.Notify() }
-- dep/go.mod --
module example.com/dep

go 1.22
-- dep/sig/sig.go --
package sig

import (
	"os"
	"os/signal"
	"syscall"
)

// Notify listens for SIGUSR2.
func Notify() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGUSR2)
}
`

// Errors in dependencies are at module@version/path, with the chain from
// the user's package.
func TestDependencyPositions(t *testing.T) {
	t.Parallel()
	dir := loadertest.WriteModule(t, depModule)
	bs := []*matrix.Build{loadertest.Build(t, "windows/amd64", false), loadertest.Build(t, "linux/amd64", false)}
	fs, _, err := load(t, loader.Config{Dir: filepath.Join(dir, "m")}, bs)
	require.NoError(t, err)
	require.Len(t, fs, 1, loadertest.Dump(fs))
	f := fs[0]
	assert.Equal(t, "XC2001", f.Rule.ID)
	assert.Equal(t, []string{"windows/amd64"}, f.Targets)
	assert.Equal(t, "example.com/dep@v1.2.3/sig/sig.go:12:27", f.Pos.String())
	assert.Equal(t, "example.com/m -> example.com/m/internal/app -> example.com/dep/sig", f.Why[0])
}

// Build tags come from Config.Tags, else from -tags in GOFLAGS.
func TestTags(t *testing.T) {
	t.Parallel()
	dir := loadertest.WriteModule(t, `
-- go.mod --
module example.com/m

go 1.22
-- main.go --
package main

func main() {}
-- pro.go --
//go:build pro

package main

var _ int = "pro only"
`)
	bs := []*matrix.Build{loadertest.Build(t, "linux/amd64", false)}
	fs, _, err := load(t, loader.Config{Dir: dir}, bs)
	require.NoError(t, err)
	assert.Empty(t, fs)

	fs, _, err = load(t, loader.Config{Dir: dir, Tags: []string{""}}, bs) // --tags ""
	require.NoError(t, err)
	assert.Empty(t, fs)

	fs, _, err = load(t, loader.Config{Dir: dir, Tags: []string{"pro"}}, bs)
	require.NoError(t, err)
	assert.Equal(t, []string{"pro.go:5:13"}, positions(fs))

	env := gocmd.MergeEnv(loadertest.Env(), "GOFLAGS=-mod=mod -tags=pro")
	fs, _, err = load(t, loader.Config{Dir: dir, BaseEnv: env}, bs)
	require.NoError(t, err)
	assert.Equal(t, []string{"pro.go:5:13"}, positions(fs))
}

// Files shared by targets are parsed once; a shared Cache reparses only
// edited files.
func TestParseCache(t *testing.T) {
	t.Parallel()
	dir := loadertest.WriteModule(t, "-- go.mod --\nmodule example.com/m\n\ngo 1.22\n-- main.go --\npackage main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println() }\n")
	bs := []*matrix.Build{loadertest.Build(t, "linux/amd64", false), loadertest.Build(t, "linux/arm64", false)}
	cache := loader.NewCache()
	_, s1, err := load(t, loader.Config{Dir: dir, Cache: cache}, bs)
	require.NoError(t, err)
	assert.Positive(t, s1.ParsedFiles)
	assert.Positive(t, s1.CacheHits)

	_, s2, err := load(t, loader.Config{Dir: dir, Cache: cache}, bs)
	require.NoError(t, err)
	assert.Zero(t, s2.ParsedFiles)

	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nfunc main() { var x int = \"\" }\n"), 0o644))
	fs, s3, err := load(t, loader.Config{Dir: dir, Cache: cache}, bs)
	require.NoError(t, err)
	assert.Equal(t, int64(1), s3.ParsedFiles)
	assert.NotEmpty(t, fs)
}

func TestLoadTargets(t *testing.T) {
	t.Parallel()
	bs := []*matrix.Build{loadertest.Build(t, "linux/arm64", false)}
	gs, _, err := loader.LoadTargets(context.Background(), loader.Config{Dir: demoDir, BaseEnv: loadertest.Env()}, bs, nil)
	require.NoError(t, err)
	require.Len(t, gs, 1)
	g := gs[0]
	assert.Equal(t, "linux/arm64", g.Name)
	store := g.Lookup("example.com/demo/internal/store")
	require.NotNil(t, store)
	assert.True(t, store.NoFiles())
	require.Len(t, store.CgoExcluded, 1)
	assert.Equal(t, "store.go", filepath.Base(store.CgoExcluded[0]))
	assert.True(t, g.Lookup("example.com/demo").Main)
	assert.True(t, g.Lookup("net").Standard)
	assert.Equal(t, int64(8), g.Lookup("example.com/demo").TypesSizes.Sizeof(types.Typ[types.Int]))
	assert.Equal(t, []string{"example.com/demo", "example.com/demo/internal/store"}, pathsOf(g.Chain(store)))
}

func pathsOf(ps []*graph.Package) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.PkgPath)
	}
	return out
}
