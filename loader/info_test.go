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
)

// TestNewInfoAgrees checks that recording only what the rules read of
// each package (analyzers.NewInfo) finds exactly what recording all of
// go/types' Info finds, on real modules and on module shapes that make the
// rules which read Info fire: XC2003 (Defs, Uses), XC2005 (Types,
// Selections on 32-bit targets) and XC3002 (Types in !cgo files).
func TestNewInfoAgrees(t *testing.T) {
	if testing.Short() {
		t.Skip("loads real modules twice for several targets")
	}
	dirs := map[string]string{
		"demo":  demoDir,
		"rules": loadertest.WriteModule(t, infoRules),
	}
	for _, name := range []string{"sqlite", "term", "xxhash", "ethtool", "netns"} {
		dir := copyDir(t, filepath.Join("..", "testdata", "realworld", name))
		loadertest.Download(t, dir)
		dirs[name] = dir
	}
	builds := reuseBuilds(t, demoDir)
	builds = append(builds, loadertest.Build(t, "linux/386", false), loadertest.Build(t, "linux/mips", false))
	fired := map[string]bool{}
	for name, dir := range dirs {
		t.Run(name, func(t *testing.T) {
			cfg := loader.Config{Dir: dir, BaseEnv: loadertest.Env()}
			lean, _, err := loader.Load(context.Background(), cfg, builds, nil)
			require.NoError(t, err)
			cfg.FullInfo = true
			full, _, err := loader.Load(context.Background(), cfg, builds, nil)
			require.NoError(t, err)
			requireSame(t, full, lean)
			for _, f := range lean {
				fired[f.Rule.ID] = true
				if f.Rule.ID == "XC2003" && slices.ContainsFunc(f.Why, func(w string) bool { return strings.HasPrefix(w, "used at ") }) {
					fired["XC2003 used at"] = true
				}
			}
		})
	}
	for _, id := range []string{"XC2003", "XC2005", "XC3002", "XC2003 used at"} {
		require.True(t, fired[id], "no module made %s fire: the comparison does not cover what it reads", id)
	}
}

// infoRules is a module on which XC2003 (with and without uses), XC2005
// and XC3002 fire.
const infoRules = `
-- go.mod --
module example.com/inforules

go 1.22
-- main.go --
package main

import (
	"fmt"
	"sync/atomic"

	"example.com/inforules/asm"
	"example.com/inforules/db"
	"example.com/inforules/mix"
)

type counters struct {
	flag bool
	n    int64
}

var c counters

func main() {
	atomic.AddInt64(&c.n, 1)
	fmt.Println(asm.Sum(1, 2), db.Open("x"), mix.F(), mix.G())
}
-- asm/sum.go --
package asm

// Sum is implemented in assembly.
func Sum(a, b int) int
-- asm/sum_amd64.s --
#include "textflag.h"

TEXT ·Sum(SB), NOSPLIT, $0-24
	MOVQ a+0(FP), AX
	ADDQ b+8(FP), AX
	MOVQ AX, ret+16(FP)
	RET
-- mix/mix.go --
package mix

// F is implemented in assembly for amd64 only, G for amd64 and arm64:
// on arm64 the package compiles and only programs using F fail to link
// (XC2003 then reads the uses).
func F() int

func G() int
-- mix/mix_amd64.s --
#include "textflag.h"

TEXT ·F(SB), NOSPLIT, $0-8
	MOVQ $1, ret+0(FP)
	RET

TEXT ·G(SB), NOSPLIT, $0-8
	MOVQ $2, ret+0(FP)
	RET
-- mix/mix_arm64.s --
#include "textflag.h"

TEXT ·G(SB), NOSPLIT, $0-8
	MOVD $2, R0
	MOVD R0, ret+0(FP)
	RET
-- db/db_cgo.go --
//go:build cgo

package db

import "C"

func Open(name string) error { return nil }
-- db/db_nocgo.go --
//go:build !cgo

package db

import "errors"

func Open(name string) error {
	return errors.New("db requires cgo to work. This is a stub")
}
`
