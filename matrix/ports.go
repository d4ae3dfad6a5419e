package matrix

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/xcheck-dev/xcheck/cache"
	"github.com/xcheck-dev/xcheck/internal/gocmd"
)

// Port is one entry of `go tool dist list -json -broken`.
type Port struct {
	GOOS         string `json:"GOOS"`
	GOARCH       string `json:"GOARCH"`
	CgoSupported bool   `json:"CgoSupported"`
	FirstClass   bool   `json:"FirstClass"`
	Broken       bool   `json:"Broken,omitempty"`
}

// Pair returns "GOOS/GOARCH".
func (p Port) Pair() string { return p.GOOS + "/" + p.GOARCH }

// Ports is the port table of one toolchain.
type Ports struct {
	GoVersion string // go1.26.8
	List      []Port // sorted by GOOS, GOARCH; broken ports included
}

// Lookup returns the port goos/goarch.
func (ps *Ports) Lookup(goos, goarch string) (Port, bool) {
	i, ok := slices.BinarySearchFunc(ps.List, goos+"/"+goarch, func(p Port, k string) int {
		return strings.Compare(p.Pair(), k)
	})
	if !ok {
		return Port{}, false
	}
	return ps.List[i], true
}

// ParsePorts parses the JSON printed by `go tool dist list -json`.
func ParsePorts(goVersion string, data []byte) (*Ports, error) {
	var list []Port
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, fmt.Errorf("go tool dist list -json printed invalid JSON: %v", err)
	}
	if len(list) == 0 {
		return nil, errors.New("go tool dist list -json printed no ports")
	}
	for _, p := range list {
		if !word.MatchString(p.GOOS) || !word.MatchString(p.GOARCH) {
			return nil, fmt.Errorf("go tool dist list -json printed an invalid port %q", p.Pair())
		}
	}
	slices.SortFunc(list, func(a, b Port) int { return strings.Compare(a.Pair(), b.Pair()) })
	list = slices.CompactFunc(list, func(a, b Port) bool { return a.Pair() == b.Pair() })
	return &Ports{GoVersion: goVersion, List: list}, nil
}

// Toolchain is the go command a build would use, as `go env` reports it
// from the module directory (so GOTOOLCHAIN switching applies).
type Toolchain struct {
	GoVersion   string // GOVERSION: go1.26.8
	GOROOT      string
	GOHOSTOS    string
	GOHOSTARCH  string
	GOTOOLCHAIN string
	GOMOD       string // path of go.mod, "/dev/null" or "" outside a module
	GOFLAGS     string
	GOWORK      string // go.work in use; "" or "off" when none
}

// Release returns the toolchain's Go release as "1.26".
func (tc *Toolchain) Release() string { return ReleaseOf(tc.GoVersion) }

// Host returns the host target.
func (tc *Toolchain) Host() Target { return Target{GOOS: tc.GOHOSTOS, GOARCH: tc.GOHOSTARCH} }

// DetectToolchain asks the go command about itself.
func DetectToolchain(ctx context.Context, g *gocmd.Go) (*Toolchain, error) {
	m, err := g.Env(ctx, nil, "GOVERSION", "GOROOT", "GOHOSTOS", "GOHOSTARCH", "GOTOOLCHAIN", "GOMOD", "GOFLAGS", "GOWORK")
	if err != nil {
		return nil, err
	}
	tc := &Toolchain{
		GoVersion: m["GOVERSION"], GOROOT: m["GOROOT"], GOHOSTOS: m["GOHOSTOS"],
		GOHOSTARCH: m["GOHOSTARCH"], GOTOOLCHAIN: m["GOTOOLCHAIN"], GOMOD: m["GOMOD"], GOFLAGS: m["GOFLAGS"], GOWORK: m["GOWORK"],
	}
	if ReleaseOf(tc.GoVersion) == "" || tc.GOROOT == "" {
		return nil, fmt.Errorf("go env printed no usable GOVERSION/GOROOT (GOVERSION=%q)", tc.GoVersion)
	}
	return tc, nil
}

// LoadPorts returns the port table of the toolchain, from the cache in
// cacheDir when present (keyed by Go version and GOROOT), otherwise from
// `go tool dist list -json -broken`, which it then caches. An empty
// cacheDir disables the cache. A cache that cannot be read or written is
// ignored.
func LoadPorts(ctx context.Context, g *gocmd.Go, tc *Toolchain, cacheDir string) (*Ports, error) {
	var cacheFile string
	if cacheDir != "" {
		h := sha256.Sum256([]byte(tc.GoVersion + "\x00" + tc.GOROOT))
		cacheFile = filepath.Join(cacheDir, "ports", fileSafe(tc.GoVersion)+"-"+hex.EncodeToString(h[:6])+".json")
		if data, err := os.ReadFile(cacheFile); err == nil {
			if ps, err := ParsePorts(tc.GoVersion, data); err == nil {
				return ps, nil
			}
			// A corrupt entry is dropped and recomputed.
			_ = os.Remove(cacheFile)
		}
	}
	data, err := g.Run(ctx, nil, "tool", "dist", "list", "-json", "-broken")
	if err != nil {
		// Toolchains before -broken existed reject the flag.
		var err2 error
		data, err2 = g.Run(ctx, nil, "tool", "dist", "list", "-json")
		if err2 != nil {
			return nil, err
		}
	}
	ps, err := ParsePorts(tc.GoVersion, data)
	if err != nil {
		return nil, err
	}
	if cacheFile != "" {
		_ = cache.WriteFileAtomic(cacheFile, data)
	}
	return ps, nil
}

// fileSafe makes a Go version ("go1.26.8 X:boringcrypto", "devel
// go1.27-abcdef0 Tue Jan 6 ...") usable in a file name on every system.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' {
			return r
		}
		return '_'
	}, s)
}
