package xc3006_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/loader"
	"github.com/xcheck-dev/xcheck/loader/loadertest"
	"github.com/xcheck-dev/xcheck/matrix"
)

const module = `
-- go.mod --
module example.com/m

go 1.22
-- main.go --
package main

import (
	"net/http"
	"os/user"
)

func main() {
	u, _ := user.Current()
	http.ListenAndServe(":8080", nil)
	println(u)
}
`

// nativeAuto is linux/amd64 as a native build with cgo on by default.
func nativeAuto(t *testing.T) *matrix.Build {
	b := loadertest.Build(t, "linux/amd64", true)
	b.CgoRequested = false
	b.CgoReason = `native build and C compiler "gcc" found`
	return b
}

func load(t *testing.T, dir string, tags []string, bs ...*matrix.Build) []finding.Finding {
	t.Helper()
	fs, _, err := loader.Load(context.Background(), loader.Config{Dir: dir, BaseEnv: loadertest.Env(), Tags: tags}, bs, nil)
	require.NoError(t, err)
	return fs
}

func TestFires(t *testing.T) {
	t.Parallel()
	dir := loadertest.WriteModule(t, module)
	fs := load(t, dir, nil, nativeAuto(t))
	require.Len(t, fs, 2, loadertest.Dump(fs))
	net, usr := fs[0], fs[1]
	assert.Equal(t, finding.Info, net.Severity)
	assert.Equal(t, "main.go:4:2", net.Pos.String())
	assert.Equal(t, `"net" is built with cgo, so the binary links the C library dynamically`, net.Message)
	assert.Equal(t, "example.com/m -> net/http -> net", net.Why[0])
	assert.Equal(t, `CGO_ENABLED is not set and cgo is on: native build and C compiler "gcc" found`, net.Why[1])
	assert.Equal(t, "set CGO_ENABLED=0 for release builds, or build with -tags netgo", net.Fix)
	assert.Equal(t, "main.go:5:2", usr.Pos.String())
	assert.Equal(t, "example.com/m -> os/user", usr.Why[0])
	assert.Contains(t, usr.Fix, "osusergo")
}

func TestQuiet(t *testing.T) {
	t.Parallel()
	dir := loadertest.WriteModule(t, module)
	// Pure-Go tags.
	assert.Empty(t, load(t, dir, []string{"netgo", "osusergo"}, nativeAuto(t)))
	// cgo asked for explicitly, cgo off, not linux.
	assert.Empty(t, load(t, dir, nil,
		loadertest.Build(t, "linux/amd64", true),
		loadertest.Build(t, "linux/arm64", false),
		loadertest.Build(t, "darwin/arm64", true),
		loadertest.Build(t, "windows/amd64", true)))
}
