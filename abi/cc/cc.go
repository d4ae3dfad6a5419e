// Package cc probes C compilers: what a compiler targets (`-dumpmachine`),
// where its sysroot is, and how its GNU triplet maps to GOOS/GOARCH. cgo
// cross builds break when CC is missing or targets another platform, so
// xcheck asks the compiler itself rather than trusting its name.
package cc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Timeout bounds one compiler invocation.
const Timeout = 10 * time.Second

// Info is what a C compiler says about itself.
type Info struct {
	CC     string // the CC value as configured ("aarch64-linux-gnu-gcc", "zig cc -target ...")
	Path   string // resolved path of the executable; "" when not found
	Triple string // -dumpmachine: aarch64-linux-gnu
	Target Triple // Triple parsed
	Err    error  // why the compiler could not be probed (not found, failed)
}

// Found reports whether the compiler exists and answered.
func (i *Info) Found() bool { return i.Err == nil && i.Path != "" }

// Triple is a GNU target triplet mapped to Go's names.
type Triple struct {
	GOOS, GOARCH string
	// Float is "hard" or "soft" for 32-bit ARM (gnueabihf vs gnueabi),
	// "" otherwise.
	Float string
	Libc  string // gnu, musl, android, mingw, darwin, ""
}

// ParseTriple maps a GNU triplet (x86_64-linux-gnu, arm-linux-gnueabihf,
// aarch64-unknown-linux-musl, x86_64-w64-mingw32, arm64-apple-darwin23)
// to GOOS/GOARCH. Unknown parts map to "".
func ParseTriple(s string) Triple {
	s = strings.TrimSpace(strings.ToLower(s))
	parts := strings.Split(s, "-")
	var t Triple
	if len(parts) == 0 || parts[0] == "" {
		return t
	}
	arch := parts[0]
	switch {
	case arch == "x86_64" || arch == "amd64":
		t.GOARCH = "amd64"
	case arch == "i386" || arch == "i486" || arch == "i586" || arch == "i686" || arch == "x86":
		t.GOARCH = "386"
	case arch == "aarch64" || arch == "arm64":
		t.GOARCH = "arm64"
	case strings.HasPrefix(arch, "arm") || strings.HasPrefix(arch, "thumb"):
		t.GOARCH = "arm"
	case arch == "riscv64":
		t.GOARCH = "riscv64"
	case arch == "powerpc64le" || arch == "ppc64le":
		t.GOARCH = "ppc64le"
	case arch == "powerpc64" || arch == "ppc64":
		t.GOARCH = "ppc64"
	case arch == "s390x":
		t.GOARCH = "s390x"
	case arch == "mips" || arch == "mipsisa32r6":
		t.GOARCH = "mips"
	case arch == "mipsel" || arch == "mipsisa32r6el":
		t.GOARCH = "mipsle"
	case arch == "mips64" || arch == "mipsisa64r6":
		t.GOARCH = "mips64"
	case arch == "mips64el" || arch == "mipsisa64r6el":
		t.GOARCH = "mips64le"
	case arch == "loongarch64":
		t.GOARCH = "loong64"
	case arch == "wasm32":
		t.GOARCH = "wasm"
	}
	rest := strings.Join(parts[1:], "-")
	switch {
	case strings.Contains(rest, "android"):
		t.GOOS, t.Libc = "android", "android"
	case strings.Contains(rest, "linux"):
		t.GOOS = "linux"
		switch {
		case strings.Contains(rest, "musl"):
			t.Libc = "musl"
		case strings.Contains(rest, "gnu"):
			t.Libc = "gnu"
		}
	case strings.Contains(rest, "mingw") || strings.Contains(rest, "windows"):
		t.GOOS, t.Libc = "windows", "mingw"
	case strings.Contains(rest, "darwin") || strings.Contains(rest, "macos"):
		t.GOOS, t.Libc = "darwin", "darwin"
	case strings.Contains(rest, "ios"):
		t.GOOS, t.Libc = "ios", "darwin"
	case strings.Contains(rest, "freebsd"):
		t.GOOS = "freebsd"
	case strings.Contains(rest, "netbsd"):
		t.GOOS = "netbsd"
	case strings.Contains(rest, "openbsd"):
		t.GOOS = "openbsd"
	case strings.Contains(rest, "wasi"):
		t.GOOS = "wasip1"
	}
	if t.GOARCH == "arm" {
		switch {
		case strings.HasSuffix(rest, "eabihf") || strings.Contains(rest, "gnueabihf") || strings.Contains(rest, "musleabihf"):
			t.Float = "hard"
		case strings.Contains(rest, "eabi"):
			t.Float = "soft"
		}
	}
	return t
}

// Triplets returns the usual GNU triplets of C cross compilers for a
// target, most common first (Debian's cross packages first).
func Triplets(goos, goarch, goarm string) []string {
	key := goos + "/" + goarch
	switch key {
	case "linux/amd64":
		return []string{"x86_64-linux-gnu", "x86_64-linux-musl"}
	case "linux/386":
		return []string{"i686-linux-gnu", "i686-linux-musl"}
	case "linux/arm64":
		return []string{"aarch64-linux-gnu", "aarch64-linux-musl"}
	case "linux/arm":
		if strings.HasPrefix(goarm, "5") || strings.Contains(goarm, "softfloat") {
			return []string{"arm-linux-gnueabi", "arm-linux-musleabi"}
		}
		return []string{"arm-linux-gnueabihf", "arm-linux-musleabihf"}
	case "linux/riscv64":
		return []string{"riscv64-linux-gnu", "riscv64-linux-musl"}
	case "linux/ppc64le":
		return []string{"powerpc64le-linux-gnu"}
	case "linux/ppc64":
		return []string{"powerpc64-linux-gnu"}
	case "linux/s390x":
		return []string{"s390x-linux-gnu"}
	case "linux/mips":
		return []string{"mips-linux-gnu"}
	case "linux/mipsle":
		return []string{"mipsel-linux-gnu"}
	case "linux/mips64":
		return []string{"mips64-linux-gnuabi64"}
	case "linux/mips64le":
		return []string{"mips64el-linux-gnuabi64"}
	case "linux/loong64":
		return []string{"loongarch64-linux-gnu"}
	case "windows/amd64":
		return []string{"x86_64-w64-mingw32"}
	case "windows/386":
		return []string{"i686-w64-mingw32"}
	case "windows/arm64":
		return []string{"aarch64-w64-mingw32"}
	}
	return nil
}

// DebianPackage returns the Debian package that provides <triple>-gcc, or "".
func DebianPackage(triple string) string {
	switch triple {
	case "x86_64-w64-mingw32", "i686-w64-mingw32":
		return "gcc-mingw-w64"
	case "x86_64-linux-musl", "aarch64-linux-musl":
		return ""
	}
	if strings.Contains(triple, "linux-gnu") {
		return "gcc-" + triple
	}
	return ""
}

// Prober probes compilers once per distinct CC and environment.
type Prober struct {
	mu    sync.Mutex
	cache map[string]*Info
}

// Probe runs `CC -dumpmachine` (CC may carry arguments, as in
// "zig cc -target aarch64-linux-gnu"; it is split the way the go command
// splits it) with env, and caches the answer.
func (p *Prober) Probe(ctx context.Context, ccValue string, env []string) *Info {
	key := ccValue + "\x00" + lookup(env, "PATH")
	p.mu.Lock()
	if p.cache == nil {
		p.cache = map[string]*Info{}
	}
	if i, ok := p.cache[key]; ok {
		p.mu.Unlock()
		return i
	}
	p.mu.Unlock()
	i := probe(ctx, ccValue, env)
	p.mu.Lock()
	p.cache[key] = i
	p.mu.Unlock()
	return i
}

func probe(ctx context.Context, ccValue string, env []string) *Info {
	info := &Info{CC: ccValue}
	words, err := SplitQuoted(ccValue)
	if err != nil || len(words) == 0 {
		info.Err = fmt.Errorf("cannot parse CC=%q", ccValue)
		return info
	}
	path, err := lookPath(words[0], env)
	if err != nil {
		info.Err = fmt.Errorf("no C compiler %q in PATH", words[0])
		if errors.Is(err, exec.ErrDot) {
			// Wrapped: the checks tell this from a missing compiler
			// ([RelativePathError], [exec.ErrDot]).
			info.Err = fmt.Errorf("the C compiler %w", err)
		}
		return info
	}
	info.Path = path
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, append(words[1:], "-dumpmachine")...)
	cmd.Env = env
	cmd.WaitDelay = time.Second
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			info.Err = fmt.Errorf("%s -dumpmachine timed out after %s", words[0], Timeout)
		} else {
			msg := strings.TrimSpace(stderr.String())
			if i := strings.IndexByte(msg, '\n'); i >= 0 {
				msg = msg[:i]
			}
			if msg == "" {
				msg = err.Error()
			}
			info.Err = fmt.Errorf("%s -dumpmachine failed: %s", words[0], msg)
		}
		return info
	}
	info.Triple = strings.TrimSpace(out.String())
	if i := strings.IndexByte(info.Triple, '\n'); i >= 0 {
		info.Triple = info.Triple[:i]
	}
	info.Target = ParseTriple(info.Triple)
	return info
}

func lookup(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
			return v
		}
	}
	return ""
}

// lookPath finds file in the PATH of env (not of this process), the way
// os/exec.LookPath does: an executable found through a relative PATH entry
// ("", "." or "bin") is an error wrapping [exec.ErrDot], not a result, since
// it would run a program from the current directory (the module being
// checked, most of the time); the go command refuses it too.
func lookPath(file string, env []string) (string, error) {
	if strings.Contains(file, "/") {
		return exec.LookPath(file)
	}
	return LookPathIn(file, lookup(env, "PATH"))
}

// RelativePathError is the error of a program found only through a
// relative PATH entry ("", "." or "bin"): it would run a program from the
// current directory, the module being checked most of the time, so it is
// not run. It wraps [exec.ErrDot], the sentinel os/exec uses for the same
// refusal, so errors.Is(err, exec.ErrDot) tells it from a program that is
// not installed; errors.As gives the details.
type RelativePathError struct {
	Name  string // the program looked up: "gcc"
	Entry string // the PATH entry it was found through: ".", "bin" ("." for an empty entry)
	Path  string // the program as found: "./gcc", "bin/gcc"
}

func (e *RelativePathError) Error() string {
	return fmt.Sprintf("%q is found through the relative PATH entry %q, in the current directory: not run: %v", e.Name, e.Entry, exec.ErrDot)
}

// Unwrap returns [exec.ErrDot].
func (e *RelativePathError) Unwrap() error { return exec.ErrDot }

// LookPathIn finds file in the directories of the PATH value pathList
// like os/exec.LookPath: an executable found through a relative entry is
// a [*RelativePathError] (wrapping [exec.ErrDot]), and the search stops
// there, as it does in the go command.
func LookPathIn(file, pathList string) (string, error) {
	for _, dir := range filepath.SplitList(pathList) {
		if dir == "" {
			dir = "."
		}
		// Not filepath.Join: "gcc" (from ".") would be looked up in
		// this process's PATH; "./gcc" is checked as it is.
		p := dir + string(filepath.Separator) + file
		if _, err := exec.LookPath(p); err != nil {
			continue
		}
		if !filepath.IsAbs(p) {
			return "", &RelativePathError{Name: file, Entry: dir, Path: p}
		}
		return p, nil
	}
	return "", fmt.Errorf("%q not found in PATH", file)
}

// SplitQuoted splits a CC value (or CGO_*FLAGS) into words like cmd/internal/quoted: on
// spaces, with single or double quotes grouping.
func SplitQuoted(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				cur.WriteByte(c)
			}
		case c == '\'' || c == '"':
			quote, inWord = c, true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated quote in %q", s)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// Run runs the probed compiler with extra arguments (after the words of
// CC) and returns its standard output.
func Run(ctx context.Context, info *Info, env []string, args ...string) (string, error) {
	if info.Path == "" {
		return "", errors.New("no C compiler")
	}
	words, err := SplitQuoted(info.CC)
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, info.Path, append(words[1:], args...)...)
	cmd.Env = env
	cmd.WaitDelay = time.Second
	out, err := cmd.Output()
	return string(out), err
}

// Suggest names the C compiler to set as CC for a target, and how to get
// it ("apt-get install gcc-aarch64-linux-gnu", "from the Android NDK"), or
// "" when xcheck knows none.
func Suggest(goos, goarch, goarm string) (ccName, how string) {
	switch goos {
	case "android":
		ndk := map[string]string{"arm64": "aarch64-linux-android", "arm": "armv7a-linux-androideabi", "386": "i686-linux-android", "amd64": "x86_64-linux-android"}[goarch]
		if ndk == "" {
			return "", ""
		}
		return ndk + "21-clang", "from the Android NDK"
	case "darwin", "ios":
		return "clang", "from Xcode on macOS, or osxcross elsewhere"
	}
	ts := Triplets(goos, goarch, goarm)
	if len(ts) == 0 {
		return "", ""
	}
	if pkg := DebianPackage(ts[0]); pkg != "" {
		how = "apt-get install " + pkg
	}
	return ts[0] + "-gcc", how
}
