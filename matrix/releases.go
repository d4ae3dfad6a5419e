package matrix

import (
	"go/version"
	"slices"
	"strconv"
	"strings"
)

// Release is what one Go release requires of the systems its binaries run
// on, and how it changed the port table. Sources: the Go release notes
// (go.dev/doc/go1.NN), cmd/dist's port tables and the Go wiki, as collected
// in platform-facts.md; TestReleasesMatchToolchain holds the newest entry
// the toolchain knows against `go tool dist list`.
type Release struct {
	Go string // "1.21"

	// Minimum OS versions for binaries built by this release. Keys are
	// the --min-os names: linux (kernel), macos, windows, ios, freebsd.
	MinOS map[string]string
	// PortMinOS overrides MinOS for single ports ("linux/loong64": "5.19").
	PortMinOS map[string]string

	Added   []string // ports new in this release
	Removed []string // ports gone in this release
	Broken  []string // ports marked broken in this release
	Cgo     []string // ports that gain cgo support in this release
	Notes   []string // other facts worth showing
}

// releases runs from old to new. Entries before 1.17 only record ports
// that were removed then, so that "did you mean" can tell their history.
var releases = []Release{
	{Go: "1.14", Removed: []string{"nacl/386", "nacl/amd64p32", "nacl/arm"}},
	{Go: "1.15", Removed: []string{"darwin/386", "darwin/arm"}},
	{
		Go:    "1.17",
		MinOS: map[string]string{"linux": "2.6.23", "macos": "10.13", "windows": "7", "freebsd": "11"},
		Added: []string{"windows/arm64"},
		Cgo:   []string{"openbsd/mips64"},
		Notes: []string{"openbsd/386 and openbsd/arm make system calls through libc (OpenBSD 6.9 or later)"},
	},
	{
		Go:    "1.18",
		MinOS: map[string]string{"linux": "2.6.32", "macos": "10.13", "windows": "7", "ios": "12", "freebsd": "11"},
		Notes: []string{"GOAMD64 introduced", "last release for FreeBSD 11"},
	},
	{
		Go:        "1.19",
		MinOS:     map[string]string{"linux": "2.6.32", "macos": "10.13", "windows": "7", "ios": "12", "freebsd": "12.2"},
		PortMinOS: map[string]string{"linux/loong64": "5.19"},
		Added:     []string{"linux/loong64"},
	},
	{
		Go:        "1.20",
		MinOS:     map[string]string{"linux": "2.6.32", "macos": "10.13", "windows": "7", "ios": "12", "freebsd": "12.2"},
		PortMinOS: map[string]string{"linux/loong64": "5.19"},
		Added:     []string{"freebsd/riscv64"},
		Notes:     []string{"cgo defaults to off when no C compiler is found", "last release for Windows 7/8 and macOS 10.13/10.14"},
	},
	{
		Go:        "1.21",
		MinOS:     map[string]string{"linux": "2.6.32", "macos": "10.15", "windows": "10", "ios": "12", "freebsd": "12.2"},
		PortMinOS: map[string]string{"linux/loong64": "5.19"},
		Added:     []string{"wasip1/wasm"},
		// openbsd/mips64 was marked broken during the 1.21 cycle
		// (golang/go#58110); linux/sparc64 is listed, as broken, since
		// dist list learned -broken (UNCERTAIN which release exactly).
		Broken: []string{"openbsd/mips64", "linux/sparc64"},
	},
	{
		Go:        "1.22",
		MinOS:     map[string]string{"linux": "2.6.32", "macos": "10.15", "windows": "10", "ios": "12", "freebsd": "12.2"},
		PortMinOS: map[string]string{"linux/loong64": "5.19"},
		Added:     []string{"openbsd/ppc64"},
		Notes:     []string{"the go command fails when external linking is needed but cgo is off"},
	},
	{
		Go:        "1.23",
		MinOS:     map[string]string{"linux": "2.6.32", "macos": "11", "windows": "10", "ios": "12", "freebsd": "12.2"},
		PortMinOS: map[string]string{"linux/loong64": "5.19"},
		Added:     []string{"openbsd/riscv64"},
		Notes:     []string{"GOARM64 and GORISCV64 introduced"},
	},
	{
		Go:        "1.24",
		MinOS:     map[string]string{"linux": "3.2", "macos": "11", "windows": "10", "ios": "12", "freebsd": "12.2"},
		PortMinOS: map[string]string{"linux/loong64": "5.19"},
		Broken:    []string{"windows/arm"},
	},
	{
		Go:        "1.25",
		MinOS:     map[string]string{"linux": "3.2", "macos": "12", "windows": "10", "ios": "12", "freebsd": "12.2"},
		PortMinOS: map[string]string{"linux/loong64": "5.19"},
		Notes:     []string{"last release with windows/arm", "cgo on Windows needs binutils 2.37 or later (DWARF 5)"},
	},
	{
		Go:        "1.26",
		MinOS:     map[string]string{"linux": "3.2", "macos": "12", "windows": "10", "ios": "12", "freebsd": "12.2"},
		PortMinOS: map[string]string{"linux/loong64": "5.19"},
		Removed:   []string{"windows/arm"},
		Broken:    []string{"freebsd/riscv64"},
		Notes:     []string{"last release with the ELFv1 ABI on linux/ppc64"},
	},
	{
		Go:        "1.27",
		MinOS:     map[string]string{"linux": "3.2", "macos": "13", "windows": "10", "ios": "12", "freebsd": "12.2"},
		PortMinOS: map[string]string{"linux/loong64": "5.19", "linux/ppc64": "3.13"},
		Cgo:       []string{"linux/ppc64"},
		Notes:     []string{"linux/ppc64 switches to the ELFv2 ABI"},
	},
}

// Releases returns the release table, oldest first.
func Releases() []Release { return releases }

// ReleaseOf returns the language version of a Go version: "go1.26.8" ->
// "1.26", "1.21rc2" -> "1.21", "devel go1.27-abcdef0 ..." -> "1.27". It
// returns "" for what is not a Go version.
func ReleaseOf(v string) string {
	// Toolchains built from the development branch say
	// "devel go1.27-abcdef0 Tue Jan 6 10:00:00 2026 +0000".
	v = strings.TrimPrefix(v, "devel ")
	if !strings.HasPrefix(v, "go") {
		v = "go" + v
	}
	// Toolchain versions may carry a suffix: "go1.26.8 X:boringcrypto".
	v, _, _ = strings.Cut(v, " ")
	lang := version.Lang(v)
	return strings.TrimPrefix(lang, "go")
}

// CompareGo compares Go release or toolchain versions ("1.21", "go1.26.8").
func CompareGo(a, b string) int {
	if !strings.HasPrefix(a, "go") {
		a = "go" + a
	}
	if !strings.HasPrefix(b, "go") {
		b = "go" + b
	}
	return version.Compare(a, b)
}

// ReleaseFor returns the newest table entry not newer than the Go release
// rel (so a toolchain newer than the table gets the newest entry's facts),
// and whether the table has an entry for exactly rel.
func ReleaseFor(rel string) (Release, bool) {
	var best Release
	for _, r := range releases {
		if r.MinOS == nil {
			continue
		}
		if CompareGo(r.Go, rel) <= 0 {
			best = r
		}
	}
	return best, best.Go != "" && best.Go == rel
}

// MinOS returns, for the Go release rel, the minimum OS version binaries
// for goos/goarch need, and the --min-os key it is expressed in (linux,
// macos, windows, ios, freebsd). It returns "", "" when nothing is known.
func MinOS(rel, goos, goarch string) (key, min string) {
	r, _ := ReleaseFor(rel)
	key = OSKey(goos)
	if key == "" || r.MinOS == nil {
		return "", ""
	}
	if m, ok := r.PortMinOS[goos+"/"+goarch]; ok {
		return key, m
	}
	if goos == "android" {
		return "", ""
	}
	return key, r.MinOS[key]
}

// OSKey returns the --min-os key for goos.
func OSKey(goos string) string {
	switch goos {
	case "linux":
		return "linux"
	case "darwin":
		return "macos"
	case "windows", "ios", "freebsd":
		return goos
	}
	return ""
}

// PortHistory tells when a port was added, removed or marked broken, as far
// as the table knows. Empty strings mean "not recorded" (the port predates
// Go 1.17, or still exists).
type PortHistory struct {
	Added, Removed, Broken string
}

// HistoryOf returns the history of the port goos/goarch.
func HistoryOf(pair string) PortHistory {
	var h PortHistory
	for _, r := range releases {
		if slices.Contains(r.Added, pair) {
			h.Added = r.Go
		}
		if slices.Contains(r.Removed, pair) {
			h.Removed = r.Go
		}
		if slices.Contains(r.Broken, pair) {
			h.Broken = r.Go
		}
	}
	return h
}

// PortsAt returns the set of ports (pairs) that the release rel lists with
// -broken, computed from the current port list by undoing later changes.
// It lets tests hold the table against a live toolchain, and lets XC1006
// tell since when a port exists.
func PortsAt(current []string, currentRel, rel string) map[string]bool {
	set := make(map[string]bool, len(current))
	for _, p := range current {
		set[p] = true
	}
	for i := len(releases) - 1; i >= 0; i-- {
		r := releases[i]
		if CompareGo(r.Go, currentRel) > 0 || CompareGo(r.Go, rel) <= 0 {
			continue
		}
		for _, p := range r.Added {
			delete(set, p)
		}
		for _, p := range r.Removed {
			set[p] = true
		}
	}
	return set
}

// externalLinkPorts need the external linker, and so cgo, even for pure Go
// programs: android/386, android/amd64 and android/arm are in
// internal/platform.MustLinkExternal, ios/arm64 too, and ios/amd64
// defaults to PIE, which the internal linker cannot produce there.
// TestExternalLinkPortsMatchGoBuild holds this against `go build -n`.
var externalLinkPorts = map[string]string{
	"android/386":   "the port requires external (cgo) linking",
	"android/amd64": "the port requires external (cgo) linking",
	"android/arm":   "the port requires external (cgo) linking",
	"ios/arm64":     "the port requires external (cgo) linking",
	"ios/amd64":     "the default PIE binary requires external (cgo) linking",
}

// NeedsExternalLinking reports whether every program for the port needs
// the external linker (and hence cgo), and why.
func NeedsExternalLinking(pair string) (string, bool) {
	r, ok := externalLinkPorts[pair]
	return r, ok
}

// CompareDotted compares dotted numeric versions ("2.6.32" < "3.2",
// "10.15" < "11"), part by part; missing parts count as 0 and non-numeric
// parts compare as 0.
func CompareDotted(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(as), len(bs)); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}
