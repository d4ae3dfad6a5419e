package xc2003_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/analyzers/xc2003"
	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/loader"
	"github.com/xcheck-dev/xcheck/loader/loadertest"
	"github.com/xcheck-dev/xcheck/matrix"
)

// A module with the usual shapes of assembly: sum has amd64 and arm64
// assembly and no fallback; mix has F only in its amd64 assembly, G in
// both; clock takes its
// body from the runtime by //go:linkname; fallback does it right (a
// purego tag and a generic file); dep is the same mistake as sum in a
// dependency.
const module = `
-- m/go.mod --
module example.com/m

go 1.22

require example.com/dep v1.0.0

replace example.com/dep v1.0.0 => ../dep
-- m/main.go --
package main

import (
	"example.com/dep"
	"example.com/m/internal/clock"
	"example.com/m/internal/fallback"
	"example.com/m/internal/mix"
	"example.com/m/internal/sum"
)

func main() {
	println(sum.Sum(nil), mix.F(), mix.G(), clock.Now(), fallback.Add(1, 2), dep.Xor(1, 2))
}
-- m/internal/sum/sum.go --
package sum

// Sum adds up x.
//
//go:noescape
func Sum(x []uint64) uint64
-- m/internal/sum/sum_amd64.s --
#include "textflag.h"

// func Sum(x []uint64) uint64
TEXT ·Sum(SB), NOSPLIT, $0-32
	MOVQ $0, ret+24(FP)
	RET
-- m/internal/sum/sum_arm64.s --
#include "textflag.h"

// func Sum(x []uint64) uint64
TEXT ·Sum(SB), NOSPLIT, $0-32
	MOVD ZR, ret+24(FP)
	RET
-- m/internal/mix/mix.go --
package mix

// F is in assembly.
func F() int

// G is in assembly.
func G() int
-- m/internal/mix/mix_amd64.s --
#include "textflag.h"

TEXT ·F(SB), NOSPLIT, $0-8
	MOVQ $1, ret+0(FP)
	RET

TEXT ·G(SB), NOSPLIT, $0-8
	MOVQ $2, ret+0(FP)
	RET
-- m/internal/mix/mix_arm64.s --
#include "textflag.h"

TEXT ·G(SB), NOSPLIT, $0-8
	MOVD $2, R0
	MOVD R0, ret+0(FP)
	RET
-- m/internal/clock/clock.go --
package clock

import _ "unsafe"

//go:linkname nanotime runtime.nanotime
func nanotime() int64

// Now is the monotonic clock.
func Now() int64 { return nanotime() }
-- m/internal/fallback/fallback.go --
package fallback

// Add adds.
func Add(a, b int) int { return add(a, b) }
-- m/internal/fallback/add_amd64.go --
//go:build !purego

package fallback

//go:noescape
func add(a, b int) int
-- m/internal/fallback/add_amd64.s --
//go:build !purego

#include "textflag.h"

TEXT ·add(SB), NOSPLIT, $0-24
	MOVQ a+0(FP), AX
	ADDQ b+8(FP), AX
	MOVQ AX, ret+16(FP)
	RET
-- m/internal/fallback/add_generic.go --
//go:build !amd64 || purego

package fallback

func add(a, b int) int { return a + b }
-- dep/go.mod --
module example.com/dep

go 1.22
-- dep/xor.go --
package dep

// Xor is in assembly.
func Xor(a, b uint64) uint64
-- dep/xor_amd64.s --
TEXT ·Xor(SB), 0, $0-24
	MOVQ a+0(FP), AX
	XORQ b+8(FP), AX
	MOVQ AX, ret+16(FP)
	RET
`

func load(t *testing.T, dir string, tags []string, bs ...*matrix.Build) []finding.Finding {
	t.Helper()
	fs, _, err := loader.Load(context.Background(), loader.Config{Dir: dir, BaseEnv: loadertest.Env(), Tags: tags}, bs, nil)
	require.NoError(t, err)
	return fs
}

func TestFires(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(loadertest.WriteModule(t, module), "m")
	fs := finding.Merge(loadertest.Load(t, dir,
		loadertest.Build(t, "linux/386", false),
		loadertest.Build(t, "linux/riscv64", false),
		loadertest.Build(t, "linux/arm64", false)))
	dump := loadertest.Dump(fs)
	require.Len(t, fs, 5, dump)
	both := []string{"linux/386", "linux/riscv64"}

	xor := fs[0] // in the dependency
	assert.Equal(t, "example.com/dep@v1.0.0/xor.go:4:6", xor.Pos.String())
	assert.Equal(t, []string{"linux/386", "linux/arm64", "linux/riscv64"}, xor.Targets)
	assert.Equal(t, `missing function body: "Xor" is implemented in assembly only for amd64`, xor.Message)
	assert.Equal(t, []string{
		"example.com/m -> example.com/dep",
		"example.com/dep@v1.0.0/xor_amd64.s:1: TEXT ·Xor(SB)",
		`no assembly or other non-Go file of the package is built for the target, so the compiler stops: "missing function body"`,
	}, xor.Why)
	assert.Equal(t, "declare Xor only in files built for amd64 and add a pure-Go Xor in a file with //go:build !amd64, or add assembly for the target", xor.Fix)

	// mix: no assembly at all on 386 and riscv64; on arm64 G's only.
	f386 := fs[1]
	assert.Equal(t, "internal/mix/mix.go:4:6", f386.Pos.String())
	assert.Equal(t, both, f386.Targets)
	assert.Equal(t, `missing function body: "F" is implemented in assembly only for amd64`, f386.Message)
	fArm := fs[2]
	assert.Equal(t, "internal/mix/mix.go:4:6", fArm.Pos.String())
	assert.Equal(t, []string{"linux/arm64"}, fArm.Targets)
	assert.Equal(t, `missing function body: "F" is implemented in assembly only for amd64`, fArm.Message)
	assert.Equal(t, []string{
		"example.com/m -> example.com/m/internal/mix",
		"internal/mix/mix_amd64.s:3: TEXT ·F(SB)",
		`other assembly of the package is built for the target, so the compiler accepts the declaration and the link of a program that uses it fails: "relocation target example.com/m/internal/mix.F not defined"`,
		"used at main.go:12:28",
	}, fArm.Why)
	g := fs[3]
	assert.Equal(t, "internal/mix/mix.go:7:6", g.Pos.String())
	assert.Equal(t, both, g.Targets)
	assert.Equal(t, `missing function body: "G" is implemented in assembly only for amd64 and arm64`, g.Message)
	assert.Contains(t, g.Why, "internal/mix/mix_arm64.s:3: TEXT ·G(SB)")

	sum := fs[4]
	assert.Equal(t, "internal/sum/sum.go:6:6", sum.Pos.String())
	assert.Equal(t, both, sum.Targets)
	assert.Equal(t, xc2003.Rule, sum.Rule)
	assert.Equal(t, finding.Error, sum.Severity)
	assert.Equal(t, `missing function body: "Sum" is implemented in assembly only for amd64 and arm64`, sum.Message)
	assert.Equal(t, []string{
		"example.com/m -> example.com/m/internal/sum",
		"internal/sum/sum_amd64.s:4: TEXT ·Sum(SB)",
		"internal/sum/sum_arm64.s:4: TEXT ·Sum(SB)",
		`no assembly or other non-Go file of the package is built for the target, so the compiler stops: "missing function body"`,
	}, sum.Why)
	assert.Equal(t, "declare Sum only in files built for amd64 || arm64 and add a pure-Go Sum in a file with //go:build !amd64 && !arm64, or add assembly for the target", sum.Fix)
}

// The go command agrees with TestFires, position for position.
func TestAgreesWithGoBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build for three targets")
	}
	t.Parallel()
	dir := filepath.Join(loadertest.WriteModule(t, module), "m")
	build := func(goarch string, pkgs ...string) string {
		cmd := exec.Command("go", append([]string{"build", "-o", os.DevNull}, pkgs...)...)
		cmd.Dir = dir
		cmd.Env = append(loadertest.Env(), "GOOS=linux", "GOARCH="+goarch, "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		if err == nil {
			return ""
		}
		return string(out)
	}
	// Each package on its own: go build stops at the first broken import.
	for _, arch := range []string{"386", "riscv64"} {
		assert.Contains(t, build(arch, "./internal/sum"), "internal/sum/sum.go:6:6: missing function body", arch)
		out := build(arch, "./internal/mix")
		assert.Contains(t, out, "internal/mix/mix.go:4:6: missing function body", arch)
		assert.Contains(t, out, "internal/mix/mix.go:7:6: missing function body", arch)
		assert.Contains(t, build(arch, "example.com/dep"), "xor.go:4:6: missing function body", arch)
		assert.Empty(t, build(arch, "./internal/clock", "./internal/fallback"), arch)
	}
	// arm64: mix compiles, and the program fails to link on F alone.
	assert.Empty(t, build("arm64", "./internal/mix", "./internal/sum", "./internal/clock", "./internal/fallback"))
	out := build("arm64", ".")
	assert.Contains(t, out, "missing function body") // dep
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(strings.Replace(
		mustRead(t, filepath.Join(dir, "main.go")), `"example.com/dep"`, `dep "example.com/m/internal/fallback"`, 1)), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "internal", "fallback", "xor.go"), []byte("package fallback\n\nfunc Xor(a, b uint64) uint64 { return a ^ b }\n"), 0o644))
	out = build("arm64", ".")
	assert.Contains(t, out, "relocation target example.com/m/internal/mix.F not defined")
	assert.NotContains(t, out, "mix.G")
	// amd64 builds.
	assert.Empty(t, build("amd64", "."))
}

func mustRead(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	return string(b)
}

func TestQuiet(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(loadertest.WriteModule(t, module), "m")
	fs := load(t, dir, nil,
		loadertest.Build(t, "linux/amd64", false),
		loadertest.Build(t, "windows/amd64", false),
		loadertest.Build(t, "darwin/amd64", true))
	assert.Empty(t, fs, loadertest.Dump(fs))
	// purego: the fallback package switches to its generic file; the
	// others are as on amd64.
	fs = load(t, dir, []string{"purego"}, loadertest.Build(t, "linux/amd64", false))
	assert.Empty(t, fs, loadertest.Dump(fs))
}

// Macros that define functions cannot be read: nothing is reported when
// the package has other assembly (the body may be there). Without any
// assembly for the target the compiler fails whatever the macros say.
func TestMacro(t *testing.T) {
	t.Parallel()
	dir := loadertest.WriteModule(t, `
-- go.mod --
module example.com/m

go 1.22
-- m.go --
package m

func F() int
func G() int
-- m_amd64.s --
#include "textflag.h"
#include "defs.h"

#define FUNC(name) TEXT name(SB), NOSPLIT, $0-8; MOVQ $1, ret+0(FP); RET

FUNC(·F)
RET1(·G)
-- defs.h --
#define RET1(name) \
	TEXT name(SB), NOSPLIT, $0-8 \
	MOVQ $1, ret+0(FP) \
	RET
`)
	fs := loadertest.Load(t, dir, loadertest.Build(t, "linux/amd64", false), loadertest.Build(t, "linux/arm64", false))
	require.Len(t, fs, 2, loadertest.Dump(fs))
	for _, f := range fs {
		assert.Equal(t, []string{"linux/arm64"}, f.Targets)
		assert.Contains(t, f.Message, "no assembly for the target defines")
		assert.Contains(t, f.Fix, "give ")
	}
}

// Assembly may name the package in full (with U+2215 for '/'; the
// assembler takes no '.' in a name, so only paths without dots can).
func TestQualified(t *testing.T) {
	t.Parallel()
	dir := loadertest.WriteModule(t, `
-- go.mod --
module local/m

go 1.22
-- main.go --
package main

import "local/m/q"

func main() { println(q.H()) }
-- q/q.go --
package q

// H is in assembly.
func H() int
-- q/q_amd64.s --
TEXT local∕m∕q·H(SB), 0, $0-8
	MOVQ $1, ret+0(FP)
	RET
-- q/q_arm64.s --
TEXT ·H<ABIInternal>(SB), 0, $0-8
	RET
`)
	fs := loadertest.Load(t, dir, loadertest.Build(t, "linux/amd64", false), loadertest.Build(t, "linux/386", false))
	require.Len(t, fs, 1, loadertest.Dump(fs))
	assert.Equal(t, []string{"linux/386"}, fs[0].Targets)
	assert.Equal(t, `missing function body: "H" is implemented in assembly only for amd64 and arm64`, fs[0].Message)
	assert.Equal(t, []string{
		"local/m -> local/m/q",
		"q/q_amd64.s:1: TEXT local∕m∕q·H(SB)",
		"q/q_arm64.s:1: TEXT ·H<ABIInternal>(SB)",
		`no assembly or other non-Go file of the package is built for the target, so the compiler stops: "missing function body"`,
	}, fs[0].Why)
	if !testing.Short() {
		cmd := exec.Command("go", "build", "-o", os.DevNull, ".")
		cmd.Dir = dir
		cmd.Env = append(loadertest.Env(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		assert.NoError(t, err, "%s", out)
	}
}

// The shape of golang.org/x/sys/unix on solaris: the package has assembly
// for the target, and functions declared for every unix whose assembly
// exists only for the others. Nothing uses them there, so the linker
// never looks for them: the build succeeds.
func TestUnused(t *testing.T) {
	t.Parallel()
	dir := loadertest.WriteModule(t, `
-- go.mod --
module example.com/m

go 1.22
-- main.go --
package main

import "example.com/m/sys"

func main() { println(sys.Getpid()) }
-- sys/sys.go --
package sys

// Syscall is in assembly.
func Syscall(trap uintptr) uintptr

// Getpid returns 1.
func Getpid() int { return int(sysvicall(1)) }
-- sys/sys_linux.go --
package sys

func sysvicall(n uintptr) uintptr { return Syscall(n) }
-- sys/sys_other.go --
//go:build !linux

package sys

func sysvicall(n uintptr) uintptr { return n }
-- sys/asm_linux_amd64.s --
TEXT ·Syscall(SB), 0, $0-16
	MOVQ trap+0(FP), AX
	MOVQ AX, ret+8(FP)
	RET
-- sys/asm_solaris_amd64.s --
TEXT ·nothing(SB), 0, $0-0
	RET
`)
	fs := loadertest.Load(t, dir, loadertest.Build(t, "linux/amd64", false), loadertest.Build(t, "solaris/amd64", false))
	assert.Empty(t, fs, loadertest.Dump(fs))
	if !testing.Short() {
		cmd := exec.Command("go", "build", "-o", os.DevNull, ".")
		cmd.Dir = dir
		cmd.Env = append(loadertest.Env(), "GOOS=solaris", "GOARCH=amd64", "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		assert.NoError(t, err, "%s", out)
	}
}
