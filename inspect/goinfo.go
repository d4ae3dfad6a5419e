package inspect

import (
	"debug/buildinfo"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/goretk/gore"

	"github.com/xcheck-dev/xcheck/matrix"
)

// GoInfo is the build info of a Go binary.
type GoInfo struct {
	// GoVersion is the Go toolchain that built the binary ("go1.26.8");
	// for a guess it may be empty or wrong.
	GoVersion string
	Path      string // the main package ("example.com/app/cmd/app")
	Main      Module
	Deps      []Module
	// Settings are the build settings in the order the go command
	// recorded them: -buildmode, -compiler, -ldflags, -tags, -trimpath,
	// CGO_ENABLED, GOARCH, GOOS, GOARM/GOAMD64/..., vcs.*.
	Settings []Setting

	// Guess is set when the binary had no build info readable by
	// debug/buildinfo and these facts come from github.com/goretk/gore,
	// which recovers them from the pclntab and the binary's strings.
	// gore v0.12 knows no Go release after 1.23: for newer binaries its
	// version is wrong or missing. GuessNote says what it could not tell.
	Guess     bool
	GuessNote string
	// Packages are, for a guess, the packages gore found (standard
	// library included), sorted; nil otherwise.
	Packages []string
}

// Module is a module of the build list.
type Module struct {
	Path    string
	Version string
	Sum     string
	Replace *Module
}

// Setting is one build setting.
type Setting struct {
	Key, Value string
}

// Setting returns the value of the build setting key ("GOARM"), "" if it
// was not recorded.
func (g *GoInfo) Setting(key string) string {
	if g == nil {
		return ""
	}
	for _, s := range g.Settings {
		if s.Key == key {
			return s.Value
		}
	}
	return ""
}

// Cgo reports whether the binary was built with cgo, and whether that is
// known: from CGO_ENABLED in the build settings, or for a guess from
// runtime/cgo among the packages.
func (g *GoInfo) Cgo() (cgo, known bool) {
	if g == nil {
		return false, false
	}
	switch g.Setting("CGO_ENABLED") {
	case "1":
		return true, true
	case "0":
		return false, true
	}
	if g.Guess && g.Packages != nil {
		return slices.Contains(g.Packages, "runtime/cgo"), true
	}
	return false, false
}

// Release returns the Go release of GoVersion ("1.26"), "" if unknown.
func (g *GoInfo) Release() string {
	if g == nil || g.GoVersion == "" {
		return ""
	}
	return matrix.ReleaseOf(g.GoVersion)
}

// source names where the facts came from, for positions and evidence.
func (g *GoInfo) source() string {
	if g.Guess {
		return "gore"
	}
	return "Go build info"
}

// readBuildInfo calls debug/buildinfo, turning a panic into an error.
func readBuildInfo(r io.ReaderAt) (bi *debug.BuildInfo, err error) {
	defer func() {
		if p := recover(); p != nil {
			bi, err = nil, fmt.Errorf("debug/buildinfo panicked: %v", p)
		}
	}()
	return buildinfo.Read(r)
}

func goInfoOf(bi *debug.BuildInfo) *GoInfo {
	g := &GoInfo{GoVersion: bi.GoVersion, Path: bi.Path, Main: moduleOf(&bi.Main)}
	for _, d := range bi.Deps {
		g.Deps = append(g.Deps, moduleOf(d))
	}
	for _, s := range bi.Settings {
		g.Settings = append(g.Settings, Setting{s.Key, s.Value})
	}
	return g
}

func moduleOf(m *debug.Module) Module {
	if m == nil {
		return Module{}
	}
	out := Module{Path: m.Path, Version: m.Version, Sum: m.Sum}
	if m.Replace != nil {
		r := moduleOf(m.Replace)
		out.Replace = &r
	}
	return out
}

// maxGorePackages caps the packages kept from gore.
const maxGorePackages = 1 << 14

// goreInfo asks gore for what a binary without build info can tell: the
// compiler version and the packages. gore is not hardened against hostile
// input, so a panic is an error, and only its answers are kept.
func goreInfo(path string) (gi *GoInfo, err error) {
	defer func() {
		if p := recover(); p != nil {
			gi, err = nil, fmt.Errorf("gore panicked: %v", p)
		}
	}()
	f, err := gore.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	g := &GoInfo{Guess: true}
	var notes []string
	if v, err := f.GetCompilerVersion(); err == nil && v != nil && v.Name != "" {
		g.GoVersion = v.Name
		notes = append(notes, "gore v0.12 knows no Go release after 1.23, so the version may be wrong")
	} else {
		notes = append(notes, "gore could not tell the Go version (it knows no release after Go 1.23)")
	}
	if bi := f.BuildInfo; bi != nil && bi.ModInfo != nil {
		g.Path = bi.ModInfo.Path
		g.Main = moduleOf(&bi.ModInfo.Main)
		for _, s := range bi.ModInfo.Settings {
			g.Settings = append(g.Settings, Setting{s.Key, s.Value})
		}
	}
	seen := map[string]bool{}
	var errs []error
	for _, get := range []func() ([]*gore.Package, error){f.GetSTDLib, f.GetPackages, f.GetVendors, f.GetUnknown} {
		pkgs, err := get()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, p := range pkgs {
			if p == nil || p.Name == "" || seen[p.Name] || len(seen) >= maxGorePackages {
				continue
			}
			seen[p.Name] = true
			g.Packages = append(g.Packages, p.Name)
		}
	}
	if len(g.Packages) == 0 && g.GoVersion == "" {
		if len(errs) > 0 {
			return nil, errors.Join(errs...)
		}
		return nil, errors.New("gore found neither a Go version nor packages")
	}
	slices.Sort(g.Packages)
	if g.Packages == nil {
		notes = append(notes, "gore found no packages")
	}
	g.GuessNote = strings.Join(notes, "; ")
	return g, nil
}
