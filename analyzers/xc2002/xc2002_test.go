package xc2002_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/loader/loadertest"
)

// A dependency that only exists on windows, imported from a file without
// a build constraint, as golang.org/x/sys/windows often is.
const module = `
-- m/go.mod --
module example.com/m

go 1.22

require golang.example/sys v0.1.0

replace golang.example/sys v0.1.0 => ../sys
-- m/main.go --
package main

import "example.com/m/internal/svc"

func main() { svc.Run() }
-- m/internal/svc/svc.go --
package svc

import "golang.example/sys/windows"

// Run runs the service.
func Run() { windows.Start() }
-- sys/go.mod --
module golang.example/sys

go 1.22
-- sys/windows/service.go --
//go:build windows

package windows

// Start starts.
func Start() {}
-- sys/windows/types_windows.go --
package windows

// Handle is a handle.
type Handle uintptr
`

func TestFires(t *testing.T) {
	t.Parallel()
	dir := loadertest.WriteModule(t, module)
	fs := loadertest.Load(t, filepath.Join(dir, "m"), loadertest.Build(t, "linux/arm64", false), loadertest.Build(t, "darwin/arm64", false))
	dump := loadertest.Dump(fs)
	require.Len(t, fs, 2, dump)
	for _, f := range fs {
		assert.Equal(t, "XC2002", f.Rule.ID)
		assert.Equal(t, "internal/svc/svc.go:3:8", f.Pos.String())
		assert.Equal(t, `build constraints exclude all Go files of "golang.example/sys/windows"`, f.Message)
		assert.Equal(t, "example.com/m -> example.com/m/internal/svc -> golang.example/sys/windows", f.Why[0])
		assert.Equal(t, "excluded: service.go (//go:build windows), types_windows.go", f.Why[1])
	}
	// The importer's use of windows.Start is not reported again.
	assert.Empty(t, loadertest.Of(fs, "XC2001", ""), dump)
}

func TestQuiet(t *testing.T) {
	t.Parallel()
	dir := loadertest.WriteModule(t, module)
	fs := loadertest.Load(t, filepath.Join(dir, "m"), loadertest.Build(t, "windows/amd64", false), loadertest.Build(t, "windows/arm64", false))
	assert.Empty(t, fs, loadertest.Dump(fs))
}

// A package of the module itself with files for other targets only.
func TestFiresInModule(t *testing.T) {
	t.Parallel()
	dir := loadertest.WriteModule(t, `
-- go.mod --
module example.com/m

go 1.22
-- main.go --
package main

import _ "example.com/m/internal/winonly"

func main() {}
-- internal/winonly/a_windows.go --
package winonly
`)
	fs := loadertest.Load(t, dir, loadertest.Build(t, "linux/amd64", false))
	require.Len(t, fs, 1, loadertest.Dump(fs))
	assert.Equal(t, "main.go:3:10", fs[0].Pos.String())
	assert.Equal(t, "excluded: a_windows.go", fs[0].Why[1])
}

// The importer's references to a package without files are not type
// errors, even when the package's name differs from its path.
func TestPackageNameFromFiles(t *testing.T) {
	t.Parallel()
	dir := loadertest.WriteModule(t, `
-- go.mod --
module example.com/m

go 1.22
-- main.go --
package main

import "example.com/m/internal/yaml.v3"

func main() { yaml.Marshal() }
-- internal/yaml.v3/yaml_windows.go --
package yaml

// Marshal marshals.
func Marshal() {}
`)
	fs := loadertest.Load(t, dir, loadertest.Build(t, "linux/amd64", false))
	require.Len(t, fs, 1, loadertest.Dump(fs))
	assert.Equal(t, "XC2002", fs[0].Rule.ID)
}
