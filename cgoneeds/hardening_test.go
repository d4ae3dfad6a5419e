package cgoneeds_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/loader/loadertest"
)

// TestPkgConfigUnsafeArgsNotRun is a regression test for a write outside
// xcheck's cache and --output files, driven by the module being checked:
// the flags of a #cgo pkg-config line were passed to pkg-config as they
// were, so `#cgo pkg-config: --log-file=FILE foo` made pkgconf append to
// any file the user can write. The go command allows only the flags of
// its allowlist and refuses the build otherwise; xcheck now reports such
// a line (XC4012) and does not run pkg-config for it.
func TestPkgConfigUnsafeArgsNotRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	marker := filepath.Join(dir, "pkg-config-ran")
	fake := filepath.Join(dir, "fake-pkg-config")
	require.NoError(t, os.WriteFile(fake, []byte("#!/bin/sh\necho \"$@\" >> "+marker+"\necho -DXCFOO\n"), 0o755))
	logFile := filepath.Join(dir, "log")
	module := `
-- go.mod --
module example.com/m

go 1.22
-- pc/pc.go --
package pc

/*
#cgo pkg-config: --log-file=` + logFile + ` xcfoo
#cgo pkg-config: --static -xcfoo
#cgo pkg-config: --with-path=@evil xcfoo
*/
import "C"
`
	_, gs := load(t, module, target{spec: "linux/arm64", env: map[string]string{"PKG_CONFIG": fake}})
	fs := check(gs[0], t.TempDir(), env())
	_, err := os.Stat(marker)
	assert.ErrorIs(t, err, os.ErrNotExist, "pkg-config ran with arguments go build refuses")
	_, err = os.Stat(logFile)
	assert.ErrorIs(t, err, os.ErrNotExist)

	got := loadertest.Of(fs, "XC4012", "")
	require.Len(t, got, 3, loadertest.Dump(fs))
	var msgs []string
	for _, f := range got {
		msgs = append(msgs, f.Pos.String()+" "+f.Message)
	}
	assert.Equal(t, []string{
		`pc/pc.go:4:18 invalid flag in #cgo pkg-config: "--log-file=` + logFile + `" is not a pkg-config flag go build allows`,
		`pc/pc.go:5:27 invalid pkg-config package name "-xcfoo": go build refuses it`,
		`pc/pc.go:6:18 invalid flag in #cgo pkg-config: "--with-path=@evil" is not a pkg-config flag go build allows`,
	}, msgs)
	assert.Contains(t, got[0].Fix, `remove "--log-file=`)

	// The allowed flags still reach pkg-config: the test can see a run.
	_, gs = load(t, strings.ReplaceAll(module, "--log-file="+logFile, "--static --define-variable=prefix=/usr"), target{spec: "linux/arm64", env: map[string]string{"PKG_CONFIG": fake}})
	check(gs[0], t.TempDir(), env())
	b, err := os.ReadFile(marker)
	require.NoError(t, err, "pkg-config was not run for an allowed line")
	assert.Equal(t, "--cflags --libs --static --define-variable=prefix=/usr -- xcfoo\n", string(b))
}
