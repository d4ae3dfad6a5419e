package xc2005_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/xcheck-dev/xcheck/analyzers/xc2005"
	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/loader/loadertest"
)

func TestAnalyzer(t *testing.T) {
	t.Setenv("GOARCH", "arm") // go/packages takes the sizes from the go command
	analysistest.Run(t, analysistest.TestData(), xc2005.Analyzer, "counter")
}

// A dependency-free module: metrics counts with 64-bit atomics, once on a
// misaligned field, once on an aligned one, once with atomic.Int64.
const module = `
-- go.mod --
module example.com/m

go 1.22
-- main.go --
package main

import "example.com/m/metrics"

func main() {
	var c metrics.Counter
	c.Hit()
	println(c.Hits())
}
-- metrics/metrics.go --
package metrics

import "sync/atomic"

// Counter counts.
type Counter struct {
	total  uint64 // first: aligned everywhere
	closed bool
	hits   int64
	misses atomic.Int64
}

// Hit counts a hit.
func (c *Counter) Hit() {
	atomic.AddUint64(&c.total, 1)
	atomic.AddInt64(&c.hits, 1)
	c.misses.Add(0)
}

// Hits returns the hits.
func (c *Counter) Hits() int64 { return atomic.LoadInt64(&c.hits) }
`

func TestFires(t *testing.T) {
	t.Parallel()
	dir := loadertest.WriteModule(t, module)
	fs := finding.Merge(loadertest.Load(t, dir,
		loadertest.Build(t, "linux/386", false),
		loadertest.Build(t, "linux/arm/v7", false),
		loadertest.Build(t, "linux/mipsle", false),
		loadertest.Build(t, "linux/arm64", false),
		loadertest.Build(t, "linux/amd64", false)))
	dump := loadertest.Dump(fs)
	require.Len(t, fs, 2, dump)
	thirtyTwo := []string{"linux/386", "linux/arm/v7", "linux/mipsle"}
	add, load := fs[0], fs[1]
	assert.Equal(t, xc2005.Rule, add.Rule)
	assert.Equal(t, finding.Warning, add.Severity)
	assert.Equal(t, thirtyTwo, add.Targets)
	assert.Equal(t, "metrics/metrics.go:16:18", add.Pos.String())
	assert.Equal(t, `atomic.AddInt64 on field "hits" of "Counter" at offset 12, which is not 64-bit aligned on 32-bit targets`, add.Message)
	assert.Equal(t, []string{
		"example.com/m -> example.com/m/metrics",
		"int64 fields are 4-byte aligned on 386, arm, mips and mipsle; 64-bit atomic operations on them panic at run time",
	}, add.Why)
	assert.Equal(t, `make "hits" an atomic.Int64 (always 64-bit aligned, Go 1.19+), or move it to the start of "Counter"`, add.Fix)
	assert.Equal(t, thirtyTwo, load.Targets)
	assert.Equal(t, "metrics/metrics.go:21:58", load.Pos.String())
	assert.Contains(t, load.Message, "atomic.LoadInt64 on field \"hits\"")
}

func TestQuiet(t *testing.T) {
	t.Parallel()
	dir := loadertest.WriteModule(t, module)
	fs := loadertest.Load(t, dir,
		loadertest.Build(t, "linux/amd64", false),
		loadertest.Build(t, "linux/arm64", false),
		loadertest.Build(t, "linux/riscv64", false),
		loadertest.Build(t, "js/wasm", false))
	assert.Empty(t, fs, loadertest.Dump(fs))
}

// TestMentions checks the syntactic test the loader uses to record types
// only where the analyzer reads them.
func TestMentions(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      bool
	}{
		{"call", "package p\nimport \"sync/atomic\"\nvar n int64\nfunc f() { atomic.AddInt64(&n, 1) }", true},
		{"renamed import", "package p\nimport a \"sync/atomic\"\nvar n uint64\nfunc f() uint64 { return a.LoadUint64(&n) }", true},
		{"dot import", "package p\nimport . \"sync/atomic\"\nvar n int64\nfunc f() { StoreInt64(&n, 1) }", true},
		{"func value", "package p\nimport \"sync/atomic\"\nvar g = atomic.CompareAndSwapUint64", true},
		{"typed atomics only", "package p\nimport \"sync/atomic\"\nvar n atomic.Int64\nfunc f() { n.Add(1) }", false},
		{"32-bit functions only", "package p\nimport \"sync/atomic\"\nvar n int32\nfunc f() { atomic.AddInt32(&n, 1) }", false},
		{"no sync/atomic", "package p\nfunc AddInt64(p *int64, d int64) {}\nvar n int64\nfunc f() { AddInt64(&n, 1) }", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := parser.ParseFile(token.NewFileSet(), "p.go", tc.src, 0)
			require.NoError(t, err)
			assert.Equal(t, tc.want, xc2005.Mentions([]*ast.File{f}))
		})
	}
}
