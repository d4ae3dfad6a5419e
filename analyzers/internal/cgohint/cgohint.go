// Package cgohint says how to get cgo working for a target: the C cross
// compiler the usual toolchains name for it (GNU triplets, from
// docs platform-facts §6b) and well-known pure-Go replacements of
// popular cgo packages.
package cgohint

import (
	"fmt"
	"sort"
	"strings"

	"github.com/xcheck-dev/xcheck/matrix"
)

// triplets maps GOOS/GOARCH to the GNU triplet of its usual C cross
// compiler (Debian/Ubuntu cross packages, mingw-w64).
var triplets = map[string]string{
	"linux/amd64":    "x86_64-linux-gnu",
	"linux/386":      "i686-linux-gnu",
	"linux/arm64":    "aarch64-linux-gnu",
	"linux/riscv64":  "riscv64-linux-gnu",
	"linux/ppc64le":  "powerpc64le-linux-gnu",
	"linux/ppc64":    "powerpc64-linux-gnu",
	"linux/s390x":    "s390x-linux-gnu",
	"linux/mips":     "mips-linux-gnu",
	"linux/mipsle":   "mipsel-linux-gnu",
	"linux/mips64":   "mips64-linux-gnuabi64",
	"linux/mips64le": "mips64el-linux-gnuabi64",
	"linux/loong64":  "loongarch64-linux-gnu",
	"windows/amd64":  "x86_64-w64-mingw32",
	"windows/386":    "i686-w64-mingw32",
	"windows/arm64":  "aarch64-w64-mingw32",
}

// Triplet returns the GNU triplet of the usual C cross compiler for b
// ("aarch64-linux-gnu", "arm-linux-gnueabihf"), or "" when the target's
// compilers are not named that way (darwin, ios, android, BSDs).
func Triplet(b *matrix.Build) string {
	t := b.Target
	if t.Pair() == "linux/arm" {
		// GOARM=5 and explicit softfloat use the soft-float EABI (Debian
		// armel); GOARM=6 and 7 are hard-float (armhf).
		v := b.Variant
		if v == "" {
			v = t.Variant
		}
		if strings.HasPrefix(v, "5") || strings.Contains(v, "softfloat") {
			return "arm-linux-gnueabi"
		}
		return "arm-linux-gnueabihf"
	}
	return triplets[t.Pair()]
}

// CC returns the C compiler to suggest for b, as a value for CC or a
// short description when there is no single name.
func CC(b *matrix.Build) string {
	t := b.Target
	if b.Native {
		if b.CC != "" {
			return b.CC
		}
		return "gcc"
	}
	if tr := Triplet(b); tr != "" {
		return tr + "-gcc"
	}
	switch t.GOOS {
	case "darwin":
		if t.GOARCH == "arm64" {
			return "oa64-clang" // osxcross
		}
		return "o64-clang" // osxcross
	case "android":
		arch := map[string]string{"arm64": "aarch64-linux-android", "arm": "armv7a-linux-androideabi", "386": "i686-linux-android", "amd64": "x86_64-linux-android"}[t.GOARCH]
		if arch != "" {
			return arch + "21-clang" // Android NDK, API level 21
		}
	case "ios":
		return "clang" // Xcode
	}
	return ""
}

// alternatives are well-known pure-Go replacements, by module path.
var alternatives = map[string]string{
	"github.com/mattn/go-sqlite3":                   "modernc.org/sqlite",
	"github.com/DataDog/zstd":                       "github.com/klauspost/compress/zstd",
	"github.com/valyala/gozstd":                     "github.com/klauspost/compress/zstd",
	"github.com/cloudflare/golz4":                   "github.com/pierrec/lz4/v4",
	"github.com/libgit2/git2go":                     "github.com/go-git/go-git/v5",
	"github.com/confluentinc/confluent-kafka-go":    "github.com/twmb/franz-go",
	"github.com/confluentinc/confluent-kafka-go/v2": "github.com/twmb/franz-go",
	"github.com/tecbot/gorocksdb":                   "github.com/cockroachdb/pebble",
	"github.com/linxGnu/grocksdb":                   "github.com/cockroachdb/pebble",
	"github.com/jmhodges/levigo":                    "github.com/syndtr/goleveldb/leveldb",
}

// Alternative returns a pure-Go replacement for the cgo package at
// pkgPath (or for the module it belongs to), if a well-known one exists.
func Alternative(pkgPath string) (from, to string, ok bool) {
	keys := make([]string, 0, len(alternatives))
	for k := range alternatives {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
	for _, k := range keys {
		if pkgPath == k || strings.HasPrefix(pkgPath, k+"/") {
			return k, alternatives[k], true
		}
	}
	return "", "", false
}

// Fix returns the fix for "package pkgPath needs cgo, which is off for
// b": how to build with cgo for this target, and a pure-Go replacement
// when one is well known.
func Fix(b *matrix.Build, pkgPath string) string {
	var fix string
	switch {
	case b.Port != nil && !b.Port.CgoSupported:
		fix = fmt.Sprintf("%s has no cgo support: use a pure-Go package instead, or drop the target", b.Target.Pair())
	case CC(b) != "":
		fix = fmt.Sprintf("build with CGO_ENABLED=1 and CC=%s", CC(b))
	default:
		fix = fmt.Sprintf("build with CGO_ENABLED=1 and CC set to a C compiler for %s", b.Target.Pair())
	}
	if from, to, ok := Alternative(pkgPath); ok {
		fix += fmt.Sprintf(", or replace %s with the pure-Go %s", from, to)
	}
	return fix
}
