// Package loadertest loads real module shapes with the real go command,
// hermetically, for the tests of the loader and of the source rules.
package loadertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"

	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/internal/gocmd"
	"github.com/xcheck-dev/xcheck/loader"
	"github.com/xcheck-dev/xcheck/matrix"
)

// WriteModule writes the files of a txtar archive into a new temporary
// directory and returns it. The archive's comment is ignored.
func WriteModule(t testing.TB, archive string) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range txtar.Parse([]byte(archive)).Files {
		name := filepath.Join(dir, filepath.FromSlash(f.Name))
		require.NoError(t, os.MkdirAll(filepath.Dir(name), 0o755))
		require.NoError(t, os.WriteFile(name, f.Data, 0o644))
	}
	return dir
}

// Env returns an environment in which the go command works offline:
// modules come only from the module itself and replace directives.
func Env() []string {
	return gocmd.MergeEnv(os.Environ(),
		"GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local",
		"GONOSUMDB=*", "GONOSUMCHECK=1", "GOSUMDB=off")
}

// Build returns a build of target spec ("linux/arm64", "linux/arm/v7")
// with cgo on or off, as matrix.ResolveBuild would for an explicit
// CGO_ENABLED. The variant defaults as the go command's would.
func Build(t testing.TB, spec string, cgo bool) *matrix.Build {
	t.Helper()
	tg, err := matrix.Parse(spec)
	require.NoError(t, err)
	b := &matrix.Build{
		Target:       tg,
		Port:         &matrix.Port{GOOS: tg.GOOS, GOARCH: tg.GOARCH, CgoSupported: !slices.Contains([]string{"js", "wasip1", "plan9"}, tg.GOOS)},
		CgoEnabled:   cgo,
		CgoRequested: cgo,
		Native:       tg.Pair() == "linux/amd64",
		Variant:      tg.Variant,
	}
	if b.Variant == "" && tg.GOARCH == "arm" {
		b.Variant = "7"
	}
	if cgo {
		b.CgoReason = "CGO_ENABLED=1 in the environment"
	} else {
		b.CgoReason = "CGO_ENABLED=0 in the environment"
	}
	return b
}

// Load loads dir's ./... for builds and returns the findings; it fails the
// test if Load returns an error.
func Load(t testing.TB, dir string, builds ...*matrix.Build) []finding.Finding {
	t.Helper()
	fs, _, err := loader.Load(context.Background(), loader.Config{Dir: dir, BaseEnv: Env()}, builds, nil)
	require.NoError(t, err)
	return fs
}

// Of returns the findings of rule id (for target, if not empty).
func Of(fs []finding.Finding, id, target string) []finding.Finding {
	var out []finding.Finding
	for _, f := range fs {
		if f.Rule.ID == id && (target == "" || slices.Contains(f.Targets, target)) {
			out = append(out, f)
		}
	}
	return out
}

// Dump renders findings one per line, for failure messages.
func Dump(fs []finding.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.Pos.String() + ": " + f.Rule.ID + " " + strings.Join(f.Targets, ",") + " " + f.Message)
		for _, w := range f.Why {
			b.WriteString("\n    why: " + w)
		}
		if f.Fix != "" {
			b.WriteString("\n    fix: " + f.Fix)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// Download runs `go mod download` in dir through the module proxy (the
// environment's GOPROXY, not Env's "off"), so that tests of real modules
// find their dependencies in the module cache on a fresh machine, and
// fails the test if that is not possible.
func Download(t testing.TB, dir string) {
	t.Helper()
	env := gocmd.MergeEnv(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOTOOLCHAIN=local")
	cmd := exec.Command("go", "mod", "download")
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "downloading the dependencies of %s through the module proxy:\n%s", dir, out)
}
