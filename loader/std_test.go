package loader_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/loader"
	"github.com/xcheck-dev/xcheck/loader/loadertest"
	"github.com/xcheck-dev/xcheck/matrix"
)

// The standard library type-checks without a single error for ports of
// every kind, cgo on and off: the declarations-only check of std (bodies
// and big table literals dropped) and FakeImportC raise no false errors
// that could mark the user's packages ill-typed.
func TestStandardLibraryIsClean(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: loads the standard library for many ports")
	}
	t.Parallel()
	var bs []*matrix.Build
	for _, s := range []string{"linux/amd64", "windows/386", "darwin/arm64", "linux/mips", "js/wasm", "plan9/amd64", "android/arm64", "aix/ppc64", "openbsd/arm64"} {
		bs = append(bs, loadertest.Build(t, s, false), loadertest.Build(t, s, true))
	}
	gs, _, err := loader.LoadTargets(context.Background(), loader.Config{Dir: demoDir, BaseEnv: loadertest.Env()}, bs,
		[]string{"net/http", "os/user", "os/signal", "runtime/cgo", "plugin"})
	require.NoError(t, err)
	require.Len(t, gs, len(bs))
	for _, g := range gs {
		for _, p := range g.Packages {
			assert.Empty(t, p.TypeErrors, "%s cgo=%v %s", g.Name, g.Build.CgoEnabled, p.PkgPath)
			assert.Empty(t, p.Errors, "%s cgo=%v %s", g.Name, g.Build.CgoEnabled, p.PkgPath)
			assert.False(t, p.IllTyped, "%s cgo=%v %s", g.Name, g.Build.CgoEnabled, p.PkgPath)
		}
	}
}
