package loader_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/loader"
	"github.com/xcheck-dev/xcheck/loader/loadertest"
	"github.com/xcheck-dev/xcheck/matrix"
)

// shareTargets are checked one after the other (Concurrency and
// CheckConcurrency 1), in this order and reversed, so that each case is
// met first by a target where it type-checks and then by one where it
// does not, and the other way round.
var shareTargets = []string{"linux/amd64", "linux/arm64", "darwin/arm64", "windows/amd64", "linux/386", "linux/arm", "freebsd/amd64"}

// TestSharedBodiesSeeAPIDifferences checks that a package whose function
// bodies a target found clean is checked again, bodies included, by a
// target where what those bodies use differs: each case_* package's
// bodies break on some targets only, through one thing the key must
// cover. The findings must be those of checking every body for every
// target (Config.CheckAllBodies), and bodies must have been shared.
func TestSharedBodiesSeeAPIDifferences(t *testing.T) {
	dir := loadertest.WriteModule(t, shareModule)
	for _, order := range []string{"forward", "reversed"} {
		t.Run(order, func(t *testing.T) {
			var builds []*matrix.Build
			for _, spec := range shareTargets {
				builds = append(builds, loadertest.Build(t, spec, false))
			}
			if order == "reversed" {
				slices.Reverse(builds)
			}
			cfg := loader.Config{Dir: dir, BaseEnv: loadertest.Env(), Concurrency: 1, CheckConcurrency: 1}
			got, stats, err := loader.Load(context.Background(), cfg, builds, nil)
			require.NoError(t, err)
			shared := 0
			for _, ts := range stats.Targets {
				shared += ts.SharedBodies
			}
			require.Positive(t, shared, "no target reused another's function bodies: the comparison tests nothing")

			cfg.CheckAllBodies = true
			want, stats, err := loader.Load(context.Background(), cfg, builds, nil)
			require.NoError(t, err)
			for _, ts := range stats.Targets {
				require.Zero(t, ts.SharedBodies, "CheckAllBodies: %s", ts.Target)
			}
			requireSame(t, want, got)

			// Each case breaks on some targets and not on others.
			for _, c := range shareCases {
				var on []string
				for _, f := range want {
					if f.Rule.ID == "XC2001" && strings.HasPrefix(filepath.ToSlash(f.Pos.File), c+"/") {
						on = append(on, f.Targets...)
					}
				}
				require.NotEmpty(t, on, "%s: no type error on any target", c)
				require.Less(t, len(slices.Compact(slices.Sorted(slices.Values(on)))), len(shareTargets), "%s: a type error on every target: %v", c, on)
			}
		})
	}
}

// TestSharedBodiesAgree checks on real modules, with their real
// dependencies, that sharing function bodies between targets finds what
// checking all of them finds.
func TestSharedBodiesAgree(t *testing.T) {
	if testing.Short() {
		t.Skip("loads real modules twice for several targets")
	}
	dirs := map[string]string{"demo": demoDir}
	for _, name := range []string{"sqlite", "term", "xxhash", "ethtool", "netns"} {
		dir := copyDir(t, filepath.Join("..", "testdata", "realworld", name))
		loadertest.Download(t, dir)
		dirs[name] = dir
	}
	bench := copyDir(t, filepath.Join("..", "testdata", "bench"))
	loadertest.Download(t, bench)
	dirs["bench"] = bench
	builds := firstClassBuilds(t)
	builds = append(builds, loadertest.Build(t, "linux/riscv64", false), loadertest.Build(t, "freebsd/amd64", false), loadertest.Build(t, "js/wasm", false))
	shared := 0
	for name, dir := range dirs {
		t.Run(name, func(t *testing.T) {
			cfg := loader.Config{Dir: dir, BaseEnv: loadertest.Env()}
			got, stats, err := loader.Load(context.Background(), cfg, builds, nil)
			require.NoError(t, err)
			for _, ts := range stats.Targets {
				shared += ts.SharedBodies
			}
			cfg.CheckAllBodies = true
			want, _, err := loader.Load(context.Background(), cfg, builds, nil)
			require.NoError(t, err)
			requireSame(t, want, got)
		})
	}
	require.Positive(t, shared, "no target reused another's function bodies: the comparison tests nothing")
}

var shareCases = []string{
	"case_signature", "case_promoted", "case_untyped", "case_strlen", "case_typedconv",
	"case_field", "case_comparable", "case_unkeyed", "case_sealed", "case_dupcase",
	"case_sizes", "case_missing", "case_method", "case_constraint", "case_alias", "case_mapkey",
	"case_var", "case_shift", "case_complement", "case_derived",
	"case_complement2", "case_complement3",
}

// shareModule: api differs by GOOS in ways that only function bodies of
// its importers notice; each case_* package's bodies use one of them.
// free uses api only where the differences do not matter.
const shareModule = `
-- go.mod --
module example.com/share

go 1.22
-- main.go --
package main

import (
	_ "example.com/share/case_alias"
	_ "example.com/share/case_comparable"
	_ "example.com/share/case_complement"
	_ "example.com/share/case_complement2"
	_ "example.com/share/case_complement3"
	_ "example.com/share/case_derived"
	_ "example.com/share/case_constraint"
	_ "example.com/share/case_mapkey"
	_ "example.com/share/case_shift"
	_ "example.com/share/case_var"
	_ "example.com/share/case_dupcase"
	_ "example.com/share/case_field"
	_ "example.com/share/case_method"
	_ "example.com/share/case_missing"
	_ "example.com/share/case_promoted"
	_ "example.com/share/case_sealed"
	_ "example.com/share/case_signature"
	_ "example.com/share/case_sizes"
	_ "example.com/share/case_strlen"
	_ "example.com/share/case_typedconv"
	_ "example.com/share/case_unkeyed"
	_ "example.com/share/case_untyped"
	_ "example.com/share/free"
)

func main() {}
-- api/api.go --
package api

// Conn embeds inner, whose exported fields are promoted.
type Conn struct {
	inner
	Exported int
}

// Sealed is implemented only by this package's types.
type Sealed interface{ sealed() }

type Impl struct{}

type Mode uint32

type File struct{ file *file }

const UZero uint = 0

func Open() *File { return &File{} }
-- api/api_linux.go --
package api

type inner struct {
	fd    int
	Linux string
}

func F(x int) int { return x }

const Big = 1 << 40

const Name = "linux"

const ModeX Mode = 0x10000

type Stat struct{ Mtim int64 }

func GetStat() Stat { return Stat{} }

type Key struct{ a int }

type Lit struct{ A int }

func (Impl) sealed() {}

const Other = "linux"

func LinuxOnly() {}

type file struct{}

func (*File) Fd() uintptr { return 0 }

type Num interface{ ~int | ~int64 }

func Sum[T Num](x ...T) (s T) { return }

type Alias = int

var Var int

const Shift Mode = 1 << 20
-- api/api_other.go --
//go:build !linux

package api

type inner struct{ fd int }

func F(x string) int { return len(x) }

const Big = 1

const Name = "other!"

const ModeX Mode = 0x1

type Stat struct{ Mtimespec int64 }

func GetStat() Stat { return Stat{} }

type Key struct{ a []int }

type Lit struct {
	A int
	b int
}

const Other = "unix"

type file struct{ handle uintptr }

func (*File) Fd() uintptr { return 0 }

func (*File) Close() error { return nil }

type Num interface{ ~int }

func Sum[T Num](x ...T) (s T) { return }

type Alias = string

var Var int64

const Shift Mode = 1
-- free/free.go --
package free

import (
	"fmt"
	"runtime"

	"example.com/share/api"
)

const (
	isLinux = runtime.GOOS == "linux"
	agent   = "free/" + api.Name
)

// Nothing here depends on what differs between the targets.
func Free() string {
	if isLinux {
		return agent
	}
	if runtime.GOOS == "linux" && api.Name != "" {
		return api.Name
	}
	var c api.Conn
	f := api.Open()
	return fmt.Sprint(api.Name, runtime.GOARCH, c.Exported, f.Fd())
}
-- case_signature/c.go --
package case_signature

import "example.com/share/api"

func C() int { return api.F(1) }
-- case_promoted/c.go --
package case_promoted

import "example.com/share/api"

func C() string {
	var c api.Conn
	return c.Linux
}
-- case_untyped/c.go --
package case_untyped

import "example.com/share/api"

func C() int32 {
	var x int32 = api.Big
	return x
}
-- case_strlen/c.go --
package case_strlen

import "example.com/share/api"

func C() int {
	var a [len(api.Name) - 6]byte
	return len(a)
}
-- case_typedconv/c.go --
package case_typedconv

import "example.com/share/api"

func C() uint16 { return uint16(api.ModeX) }
-- case_field/c.go --
package case_field

import "example.com/share/api"

func C() int64 { return api.GetStat().Mtim }
-- case_comparable/c.go --
package case_comparable

import "example.com/share/api"

func C(k, l api.Key) bool { return k == l }
-- case_unkeyed/c.go --
package case_unkeyed

import "example.com/share/api"

func C() api.Lit { return api.Lit{1} }
-- case_sealed/c.go --
package case_sealed

import "example.com/share/api"

func C() api.Sealed { return api.Impl{} }
-- case_dupcase/c.go --
package case_dupcase

import "example.com/share/api"

func C(s string) int {
	switch s {
	case api.Other, "linux":
		return 1
	}
	return 0
}
-- case_sizes/c.go --
package case_sizes

func C() int {
	x := 1 << 40
	return x
}
-- case_missing/c.go --
package case_missing

import "example.com/share/api"

func C() { api.LinuxOnly() }
-- case_constraint/c.go --
package case_constraint

import "example.com/share/api"

func C() int64 { return api.Sum[int64](1, 2) }
-- case_alias/c.go --
package case_alias

import "example.com/share/api"

func C() api.Alias {
	var x api.Alias = 1
	return x
}
-- case_mapkey/c.go --
package case_mapkey

import "example.com/share/api"

func C() map[string]int { return map[string]int{api.Other: 1, "linux": 2} }
-- case_var/c.go --
package case_var

import "example.com/share/api"

func C() int {
	var x int = api.Var
	return x
}
-- case_shift/c.go --
package case_shift

import "example.com/share/api"

func C() api.Mode { return api.Shift << 12 }
-- case_complement/c.go --
package case_complement

// Clean with 32-bit words, broken with 64-bit ones: the one way a
// constant's value depends on the word size (without unsafe).
const intSize = 32 << (^uint(0) >> 63)

func C() int {
	var a [48 - intSize]byte
	return len(a)
}
-- case_derived/c.go --
package case_derived

import "example.com/share/api"

const name = "os: " + api.Name

func C() int {
	var a [len(name) - 10]byte
	return len(a)
}
-- case_complement2/c.go --
package case_complement2

import "example.com/share/api"

func C(x uint) int {
	const intSize = 32 << (^api.UZero >> 63)
	var a [48 - intSize]byte
	return len(a) + int(^x)
}
-- case_complement3/c.go --
package case_complement3

const zero uint = 0

func C(x uint) int {
	var a [48 - 32<<(^zero>>63)]byte
	return len(a) + int(^x)
}
-- case_method/c.go --
package case_method

import "example.com/share/api"

func C() error { return api.Open().Close() }
`
