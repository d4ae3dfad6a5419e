package abi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/xcheck-dev/xcheck/abi/cc"
	"github.com/xcheck-dev/xcheck/matrix"
)

// ErrNoSysroot is wrapped by the [*DiscoverError] that [Discover] returns
// when no step finds a sysroot for the target.
var ErrNoSysroot = errors.New("no sysroot found")

// Method is the discovery step that found a sysroot.
type Method string

// Discovery steps, in the order [Discover] tries them.
const (
	// MethodFlag: --sysroot TARGET=PATH, --sysroot PATH (every target),
	// or the sysroot key of a target in .xcheck.yaml.
	MethodFlag Method = "flag"
	// MethodCgoFlags: --sysroot=PATH in CGO_CFLAGS, CGO_CPPFLAGS or
	// CGO_LDFLAGS, or in the words of CC.
	MethodCgoFlags Method = "cgo-flags"
	// MethodPrintSysroot: `$CC -print-sysroot`, when it prints neither
	// "" nor "/".
	MethodPrintSysroot Method = "print-sysroot"
	// MethodLinkLine: the start file (Scrt1.o, crt1.o) in the link
	// command `$CC -###` prints. Wrappers that add a -specs file, such
	// as Debian's musl-gcc, are only seen right this way.
	MethodLinkLine Method = "link-line"
	// MethodPrintFileName: `$CC -print-file-name=libc.so.6`, when it
	// prints an absolute path.
	MethodPrintFileName Method = "print-file-name"
	// MethodZig: CC is `zig cc`, which links against the C library it
	// bundles; there is no sysroot to read.
	MethodZig Method = "zig"
	// MethodDebianCross: the Debian cross layout /usr/<triple>
	// (libc6-dev-<arch>-cross).
	MethodDebianCross Method = "debian-cross"
	// MethodMultiarch: Debian multiarch /usr/lib/<triple> or
	// /lib/<triple> of the build machine (its own architecture, or a
	// foreign one added with dpkg --add-architecture); the sysroot is
	// the root file system.
	MethodMultiarch Method = "multiarch"
)

// Discovery is where a target's sysroot is and how it was found.
type Discovery struct {
	// Root is the sysroot, an absolute host path; "" when there is none
	// to read (MethodZig).
	Root string `json:"root"`
	// Triple is the multiarch triple to read in Root, for
	// [ReadSysrootTriple]; "" for the default choice.
	Triple string `json:"triple,omitempty"`
	// Method is the step that found it.
	Method Method `json:"method"`
	// How says, for people, which flag, command or directory found it:
	// "--sysroot linux/arm64=/srv/arm64", "aarch64-linux-gnu-gcc
	// -print-file-name=libc.so.6", "Debian cross layout
	// /usr/aarch64-linux-gnu".
	How string `json:"how"`
	// Tried lists the steps tried before, and why each gave nothing.
	Tried []string `json:"tried,omitempty"`
}

// DiscoverError is the error of [Discover]: no sysroot was found, or the
// one given explicitly is not usable.
type DiscoverError struct {
	Target string   // "linux/s390x"
	Tried  []string // each step tried and why it gave nothing
	// Explicit is set when the error is about a sysroot the user named
	// (--sysroot, CGO flags): it is not searched further.
	Explicit string
	Err      error // ErrNoSysroot, or why the explicit sysroot is unusable
}

func (e *DiscoverError) Error() string {
	if e.Explicit != "" {
		return fmt.Sprintf("sysroot for %s: %s: %v", e.Target, e.Explicit, e.Err)
	}
	s := fmt.Sprintf("%v for %s", e.Err, e.Target)
	if len(e.Tried) > 0 {
		s += " (tried " + strings.Join(e.Tried, "; ") + ")"
	}
	return s
}

func (e *DiscoverError) Unwrap() error { return e.Err }

// Discover finds the sysroot the C toolchain of build b links against.
// The first step that finds one wins, and the result says which:
//
//  1. explicit[target]: the --sysroot flag or configuration, keyed by the
//     target's name ("linux/arm/v7"), then by its GOOS/GOARCH pair
//     ("linux/arm"), then by "" (every target);
//  2. --sysroot=PATH (or --sysroot PATH) in CGO_CFLAGS, CGO_CPPFLAGS or
//     CGO_LDFLAGS (b.GoEnv, else env), or in CC itself;
//  3. `$CC -print-sysroot`, unless it prints "" or "/" (Debian's cross
//     compilers print "/");
//  4. the start file of the link command `$CC -###` prints, and then
//     `$CC -print-file-name=libc.so.6`: an absolute result is a library
//     directory, and its sysroot is what is left after removing
//     lib/<triple>, usr/lib, lib64 or lib (Debian's
//     /usr/lib/gcc-cross/aarch64-linux-gnu/12/../../../../aarch64-linux-gnu/lib/libc.so.6
//     is /usr/aarch64-linux-gnu);
//  5. the Debian cross layout /usr/<triple>, for the triples of
//     [cc.Triplets] of the target;
//  6. Debian multiarch /usr/lib/<triple> or /lib/<triple> with a C
//     library: the root file system "/", read for that triple.
//
// Steps 3 and 4 run only when CC exists and targets the target's
// GOOS/GOARCH (a host compiler's sysroot says nothing about the target;
// XC3003 reports the compiler). When CC is `zig cc`, which brings its own
// C library, the result is MethodZig with no Root.
//
// env is the environment the C compiler runs with (PATH). prober may be
// nil. Directories need a C library (libc.so.6, libc.so or crt1.o) to
// count, except an explicit sysroot, which is used as given: a path that
// is not a directory is a [*DiscoverError] with Explicit set.
func Discover(ctx context.Context, prober *cc.Prober, b *matrix.Build, env []string, explicit map[string]string) (Discovery, error) {
	d := discoverer{fsRoot: "/", prober: prober}
	return d.discover(ctx, b, env, explicit)
}

// discoverer is Discover with the root of the file system the Debian
// layouts are looked up in, so tests can use a fake one.
type discoverer struct {
	fsRoot string
	prober *cc.Prober
}

func (d discoverer) discover(ctx context.Context, b *matrix.Build, env []string, explicit map[string]string) (Discovery, error) {
	t := b.Target
	name := t.String()
	goarm := b.Variant
	if t.GOARCH != "arm" {
		goarm = ""
	}
	var tried []string
	found := func(root, triple string, m Method, how string) (Discovery, error) {
		return Discovery{Root: root, Triple: triple, Method: m, How: how, Tried: tried}, nil
	}
	bad := func(what string, err error) (Discovery, error) {
		return Discovery{Tried: tried}, &DiscoverError{Target: name, Tried: tried, Explicit: what, Err: err}
	}

	// 1. Explicit.
	for _, key := range []string{name, t.Pair(), ""} {
		p, ok := explicit[key]
		if !ok || p == "" {
			continue
		}
		how := "--sysroot " + p
		if key != "" {
			how = "--sysroot " + key + "=" + p
		}
		root, err := explicitDir(p)
		if err != nil {
			return bad(how, err)
		}
		return found(root, d.tripleIn(root, t.GOOS, t.GOARCH, goarm), MethodFlag, how)
	}
	tried = append(tried, "--sysroot: not given")

	// 2. --sysroot in the cgo flags or in CC.
	for _, v := range []string{"CGO_CFLAGS", "CGO_CPPFLAGS", "CGO_LDFLAGS", "CC"} {
		val, ok := b.GoEnv[v]
		switch {
		case v == "CC":
			val = b.CC
		case !ok:
			val = lookupEnv(env, v)
		}
		p, ok := sysrootFlag(val)
		if !ok {
			continue
		}
		how := "--sysroot in " + v
		root, err := explicitDir(p)
		if err != nil {
			return bad(how+" ("+p+")", err)
		}
		return found(root, d.tripleIn(root, t.GOOS, t.GOARCH, goarm), MethodCgoFlags, how+" ("+p+")")
	}
	tried = append(tried, "no --sysroot in CGO_CFLAGS, CGO_CPPFLAGS, CGO_LDFLAGS or CC")

	// 3, 4. Ask the C compiler.
	if b.CC != "" {
		if isZig(b.CC) {
			return found("", "", MethodZig, "CC="+b.CC+" links against the C library zig bundles")
		}
		prober := d.prober
		if prober == nil {
			prober = &cc.Prober{}
		}
		info := prober.Probe(ctx, b.CC, env)
		got := info.Target
		switch {
		case !info.Found():
			tried = append(tried, fmt.Sprintf("CC=%s: %v", b.CC, info.Err))
		case got.GOARCH != "" && (got.GOARCH != t.GOARCH || got.GOOS != "" && got.GOOS != t.GOOS):
			tried = append(tried, fmt.Sprintf("CC=%s targets %s, not %s: its sysroot is not the target's", b.CC, info.Triple, t.Pair()))
		default:
			if r, ok := d.fromCompiler(ctx, info, env, &tried); ok {
				r.Tried = tried
				if r.Triple == "" {
					r.Triple = d.tripleIn(r.Root, t.GOOS, t.GOARCH, goarm)
				}
				return r, nil
			}
		}
	} else {
		tried = append(tried, "CC: not set")
	}

	// 5. Debian cross layout.
	triples := cc.Triplets(t.GOOS, t.GOARCH, goarm)
	for _, tr := range triples {
		dir := filepath.Join(d.fsRoot, "usr", tr)
		if hasLibc(dir, "lib") {
			return found(dir, "", MethodDebianCross, "Debian cross layout "+dir)
		}
		tried = append(tried, dir+": no C library")
	}

	// 6. Debian multiarch in the root file system.
	for _, tr := range multiarchTriples(t.GOOS, t.GOARCH, goarm) {
		for _, lib := range []string{"usr/lib", "lib"} {
			if hasLibc(d.fsRoot, lib+"/"+tr) {
				return found(d.fsRoot, tr, MethodMultiarch, "Debian multiarch "+filepath.Join(d.fsRoot, lib, tr))
			}
		}
		tried = append(tried, filepath.Join(d.fsRoot, "usr/lib", tr)+": no C library")
	}
	return Discovery{Tried: tried}, &DiscoverError{Target: name, Tried: tried, Err: ErrNoSysroot}
}

// fromCompiler runs steps 3 and 4 with the probed compiler.
func (d discoverer) fromCompiler(ctx context.Context, info *cc.Info, env []string, tried *[]string) (Discovery, bool) {
	ccName := info.CC
	out, _, err := runCC(ctx, info, env, "-print-sysroot")
	p := strings.TrimSpace(out)
	switch {
	case err != nil:
		*tried = append(*tried, ccName+" -print-sysroot: "+err.Error())
	case p == "" || p == "/":
		*tried = append(*tried, fmt.Sprintf("%s -print-sysroot: %q", ccName, p))
	default:
		root, err := explicitDir(p)
		if err == nil {
			return Discovery{Root: root, Method: MethodPrintSysroot, How: ccName + " -print-sysroot"}, true
		}
		*tried = append(*tried, fmt.Sprintf("%s -print-sysroot: %s: %v", ccName, p, err))
	}

	_, stderr, err := runCC(ctx, info, env, "-###", "-x", "c", os.DevNull, "-o", os.DevNull)
	if err == nil {
		if start := startFile(stderr); start != "" {
			if root, triple, ok := rootOfLibrary(start); ok && hasLibc(filepath.Dir(realPath(start)), ".") {
				return Discovery{Root: root, Triple: triple, Method: MethodLinkLine,
					How: fmt.Sprintf("%s -### (links %s)", ccName, filepath.Clean(start))}, true
			}
			*tried = append(*tried, fmt.Sprintf("%s -###: %s has no C library beside it", ccName, start))
		} else {
			*tried = append(*tried, ccName+" -###: no start file in the link command")
		}
	} else {
		*tried = append(*tried, ccName+" -###: "+err.Error())
	}

	out, _, err = runCC(ctx, info, env, "-print-file-name=libc.so.6")
	p = strings.TrimSpace(out)
	switch {
	case err != nil:
		*tried = append(*tried, ccName+" -print-file-name=libc.so.6: "+err.Error())
	case !filepath.IsAbs(p):
		*tried = append(*tried, fmt.Sprintf("%s -print-file-name=libc.so.6: %q (not found)", ccName, p))
	default:
		if root, triple, ok := rootOfLibrary(p); ok && fileExists(realPath(p)) {
			return Discovery{Root: root, Triple: triple, Method: MethodPrintFileName,
				How: ccName + " -print-file-name=libc.so.6"}, true
		}
		*tried = append(*tried, fmt.Sprintf("%s -print-file-name=libc.so.6: %s does not exist", ccName, p))
	}
	return Discovery{}, false
}

// LoadSysroot runs [Discover] and reads the sysroot it finds with
// [ReadSysrootTriple]. It returns the discovery (also on error, with the
// steps tried) and the sysroot, which is nil when there is none to read
// (an error, or MethodZig).
func LoadSysroot(ctx context.Context, prober *cc.Prober, b *matrix.Build, env []string, explicit map[string]string) (Discovery, *Sysroot, error) {
	d, err := Discover(ctx, prober, b, env, explicit)
	if err != nil || d.Root == "" {
		return d, nil, err
	}
	s, err := ReadSysrootTriple(d.Root, d.Triple)
	return d, s, err
}

// explicitDir makes p absolute and checks that it is a directory.
func explicitDir(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(abs)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", errors.New("no such directory")
		}
		return "", err
	}
	if !fi.IsDir() {
		return "", errors.New("not a directory")
	}
	return filepath.Clean(abs), nil
}

// sysrootFlag finds --sysroot=PATH or --sysroot PATH in a list of flags
// (quoted the way the go command splits them). The last one wins, as for
// the compiler.
func sysrootFlag(flags string) (string, bool) {
	if !strings.Contains(flags, "--sysroot") {
		return "", false
	}
	words, err := cc.SplitQuoted(flags)
	if err != nil {
		return "", false
	}
	p, ok := "", false
	for i, w := range words {
		switch {
		case strings.HasPrefix(w, "--sysroot="):
			p, ok = strings.TrimPrefix(w, "--sysroot="), true
		case w == "--sysroot" && i+1 < len(words):
			p, ok = words[i+1], true
		}
	}
	return p, ok && p != ""
}

// isZig reports whether CC runs `zig cc`.
func isZig(ccValue string) bool {
	words, err := cc.SplitQuoted(ccValue)
	if err != nil || len(words) == 0 {
		return false
	}
	base := filepath.Base(words[0])
	return base == "zig" && len(words) > 1 && words[1] == "cc" || base == "zig-cc" || base == "zcc"
}

// startFile returns the first absolute path of a C start file (crt1.o,
// Scrt1.o, rcrt1.o, gcrt1.o) in the commands `cc -###` printed.
func startFile(out string) string {
	for _, line := range strings.Split(out, "\n") {
		if !strings.Contains(line, "crt1.o") {
			continue
		}
		words, err := cc.SplitQuoted(line)
		if err != nil {
			continue
		}
		for _, w := range words {
			switch filepath.Base(w) {
			case "crt1.o", "Scrt1.o", "rcrt1.o", "gcrt1.o":
				if filepath.IsAbs(w) {
					return w
				}
			}
		}
	}
	return ""
}

// realPath resolves the symbolic links of the directory of p (so that
// ".." after a link is right), keeping the file name; on error it returns
// the path cleaned.
func realPath(p string) string {
	dir, err := filepath.EvalSymlinks(filepath.Dir(p))
	if err != nil {
		return filepath.Clean(p)
	}
	return filepath.Join(dir, filepath.Base(p))
}

// rootOfLibrary returns the sysroot a file in a library directory belongs
// to: <root>/usr/lib/<triple>/f and <root>/lib/<triple>/f give root and
// the multiarch triple, <root>/usr/lib/f, <root>/lib64/f and <root>/lib/f
// give root; any other directory is a sysroot of its own (a plain library
// directory, which ReadSysroot reads as such).
func rootOfLibrary(p string) (root, triple string, ok bool) {
	if !filepath.IsAbs(p) {
		return "", "", false
	}
	dir := filepath.Dir(realPath(p))
	isLib := func(n string) bool { return n == "lib" || n == "lib64" || n == "lib32" }
	up := func(d string) string {
		if filepath.Base(d) == "usr" {
			return filepath.Dir(d)
		}
		return d
	}
	switch base, parent := filepath.Base(dir), filepath.Dir(dir); {
	case looksLikeTriple(base) && isLib(filepath.Base(parent)):
		return up(filepath.Dir(parent)), base, true
	case isLib(base):
		return up(parent), "", true
	}
	return dir, "", true
}

// tripleIn returns the multiarch triple of the target that root has a C
// library for (root/usr/lib/<triple> or root/lib/<triple>), or "".
func (d discoverer) tripleIn(root, goos, goarch, goarm string) string {
	for _, tr := range multiarchTriples(goos, goarch, goarm) {
		for _, lib := range []string{"usr/lib", "lib"} {
			if hasLibc(root, lib+"/"+tr) {
				return tr
			}
		}
	}
	return ""
}

// multiarchTriples returns the Debian multiarch directory names of a
// target: the triples of cc.Triplets, with i386-linux-gnu for 386.
func multiarchTriples(goos, goarch, goarm string) []string {
	var out []string
	for _, tr := range cc.Triplets(goos, goarch, goarm) {
		if strings.HasPrefix(tr, "i686-") {
			out = append(out, "i386-"+strings.TrimPrefix(tr, "i686-"))
		}
		out = append(out, tr)
	}
	return out
}

// hasLibc reports whether root/dir holds a C library or a start file.
func hasLibc(root, dir string) bool {
	for _, f := range []string{"libc.so.6", "libc.so", "crt1.o"} {
		if fileExists(filepath.Join(root, dir, f)) {
			return true
		}
	}
	return false
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

func lookupEnv(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
			return v
		}
	}
	return ""
}

// runCC runs the probed compiler with extra arguments after the words of
// CC and returns its standard output and standard error. [cc.Run] keeps
// only the output; `-###` writes to standard error.
func runCC(ctx context.Context, info *cc.Info, env []string, args ...string) (stdout, stderr string, err error) {
	if info.Path == "" {
		return "", "", errors.New("no C compiler")
	}
	words, err := cc.SplitQuoted(info.CC)
	if err != nil || len(words) == 0 {
		return "", "", fmt.Errorf("cannot parse CC=%q", info.CC)
	}
	ctx, cancel := context.WithTimeout(ctx, cc.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, info.Path, append(words[1:], args...)...)
	cmd.Env = env
	cmd.WaitDelay = time.Second
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(errb.String())
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		if msg == "" || ctx.Err() != nil {
			msg = err.Error()
		}
		return out.String(), errb.String(), errors.New(msg)
	}
	return out.String(), errb.String(), nil
}

// DebianArch returns the Debian architecture name of a Linux target, as
// in the package libc6-dev-<arch>-cross: arm64, armhf (GOARM 6 and 7) or
// armel (GOARM 5 or softfloat), i386, ppc64el, mipsel, mips64el, ... It
// returns "" when Debian has no such architecture.
func DebianArch(goarch, goarm string) string {
	switch goarch {
	case "amd64", "arm64", "riscv64", "s390x", "mips", "mips64", "ppc64":
		return goarch
	case "386":
		return "i386"
	case "arm":
		if softARM(goarm) {
			return "armel"
		}
		return "armhf"
	case "ppc64le":
		return "ppc64el"
	case "mipsle":
		return "mipsel"
	case "mips64le":
		return "mips64el"
	}
	return ""
}

// softARM reports whether a GOARM value builds for the soft-float ABI:
// GOARM=5, or any GOARM with ",softfloat".
func softARM(goarm string) bool {
	return strings.HasPrefix(goarm, "5") || strings.Contains(goarm, "softfloat")
}
