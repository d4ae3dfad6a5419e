package graph

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"golang.org/x/tools/go/packages"
)

func TestFileName(t *testing.T) {
	root := filepath.FromSlash("/src/m")
	tg := &Target{Root: root, GOROOT: filepath.FromSlash("/go")}
	dep := &Package{Package: &packages.Package{Module: &packages.Module{Path: "github.com/x/y", Version: "v1.2.3", Dir: filepath.FromSlash("/mod/github.com/x/y@v1.2.3")}}}
	replaced := &Package{Package: &packages.Package{Module: &packages.Module{Path: "example.com/dep", Version: "v0.0.0",
		Replace: &packages.Module{Path: "../dep", Dir: filepath.FromSlash("/src/dep")}}}}
	for _, c := range []struct {
		p    *Package
		file string
		want string
	}{
		{nil, "/src/m/internal/a.go", "internal/a.go"},
		{dep, "/mod/github.com/x/y@v1.2.3/z/z.go", "github.com/x/y@v1.2.3/z/z.go"},
		{replaced, "/src/dep/sig/sig.go", "example.com/dep@v0.0.0/sig/sig.go"},
		{nil, "/go/src/net/net.go", "$GOROOT/src/net/net.go"},
		{nil, "/elsewhere/x.go", "/elsewhere/x.go"},
		{nil, "/src/mother/x.go", "/src/mother/x.go"},
	} {
		assert.Equal(t, c.want, tg.FileName(c.p, filepath.FromSlash(c.file)), c.file)
	}
}

func TestCleanMessage(t *testing.T) {
	tg := &Target{Root: filepath.FromSlash("/src/m")}
	assert.Equal(t, "build constraints exclude all Go files in internal/x", tg.CleanMessage(filepath.FromSlash("build constraints exclude all Go files in /src/m/internal/x\n")))
}
