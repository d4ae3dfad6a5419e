// Package buildenv looks at the environment a build really runs in: which go
// command and GOROOT, which Go the module asks for, module mode, the C
// compiler and the CGO_*/PKG_CONFIG_* settings of each target. Its checks
// are the XC0xxx rules plus the C compiler rules XC3003 and XC3004, and it
// feeds `xcheck env`.
package buildenv

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/xcheck-dev/xcheck/abi/cc"
	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/internal/gocmd"
	"github.com/xcheck-dev/xcheck/matrix"
)

// Module is what xcheck knows of the module being checked.
type Module struct {
	GoMod     string // absolute path of go.mod
	Root      string // its directory
	Path      string // the module path, from the module line
	Go        *matrix.GoDirective
	Toolchain string           // the toolchain line ("go1.27.1"), if any
	ToolPos   finding.Position // its position
}

// Getenv returns the user's value of key in g's base environment.
func Getenv(g *gocmd.Go, key string) string {
	for _, kv := range slices.Backward(g.Environ()) {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}

// CheckToolchain applies the toolchain-wide rules. targets are the names of
// every checked target: toolchain problems break all of them.
//
// switchFailed says that the go command already failed to switch to the
// toolchain the module needs (SwitchFailure reports that), so the go line
// is not compared again.
func CheckToolchain(ctx context.Context, g *gocmd.Go, tc *matrix.Toolchain, mod *Module, targets []string, switchFailed bool) []finding.Finding {
	var fs []finding.Finding
	add := func(r *finding.Rule, pos finding.Position, msg, fix string) {
		f := finding.New(r, "", pos, msg)
		f.Targets = slices.Clone(targets)
		if fix != "" {
			f.Fix = fix
		}
		fs = append(fs, f)
	}

	if env := Getenv(g, "GOROOT"); env != "" {
		own, err := g.Env(ctx, []string{"GOROOT="}, "GOROOT")
		if err == nil && own["GOROOT"] != "" && !samePath(env, own["GOROOT"]) {
			bin, _ := g.LookPath()
			add(RuleGOROOTMismatch, finding.Position{},
				fmt.Sprintf("GOROOT=%s (%s) is not the installation of the go command %s (%s, %s)",
					env, goVersionAt(env), bin, own["GOROOT"], goVersionAt(own["GOROOT"])), "")
		}
	}

	if mod != nil {
		need, pos := "", finding.Position{}
		if mod.Go != nil {
			need, pos = mod.Go.Version, mod.Go.Pos
		}
		if t := strings.TrimPrefix(mod.Toolchain, "go"); t != "" && matrix.CompareGo(t, need) > 0 {
			need, pos = t, mod.ToolPos
		}
		if !switchFailed && need != "" && matrix.CompareGo(need, tc.GoVersion) > 0 && cannotSwitch(tc.GOTOOLCHAIN) {
			add(RuleToolchainCannotSwitch, pos,
				fmt.Sprintf("go.mod requires go >= %s but the toolchain is %s and GOTOOLCHAIN=%s forbids switching", need, tc.GoVersion, tc.GOTOOLCHAIN),
				fmt.Sprintf("install go%s, or allow switching with GOTOOLCHAIN=auto and a reachable module proxy", need))
		}
		if detail := inconsistentVendoring(ctx, g, mod); detail != "" {
			add(RuleInconsistentVendor, finding.Position{File: "vendor/modules.txt"}, "inconsistent vendoring: "+detail, "")
		}
	}
	return fs
}

// SwitchFailure turns the go command's failure to switch toolchains (the
// error of `go env` in a module that needs a newer Go) into XC0002, or
// returns false when err is something else.
func SwitchFailure(err error, mod *Module, targets []string) (finding.Finding, bool) {
	msg := err.Error()
	if !strings.Contains(msg, "toolchain not available") && !strings.Contains(msg, "requires go >=") &&
		!strings.Contains(msg, "GOPROXY=off") && !strings.Contains(msg, "downloading go1") {
		return finding.Finding{}, false
	}
	var pos finding.Position
	if mod != nil && mod.Go != nil {
		pos = mod.Go.Pos
	}
	// The go command says what it tried first ("downloading go1.99.0")
	// and why it failed last.
	var ge *gocmd.Error
	reason := msg
	if errors.As(err, &ge) {
		reason = ge.Reason
		lines := strings.Split(strings.TrimSpace(ge.Stderr), "\n")
		if last := strings.TrimSpace(lines[len(lines)-1]); last != "" {
			reason = last
		}
	}
	f := finding.New(RuleToolchainCannotSwitch, "", pos,
		"the go command cannot switch to the toolchain go.mod requires: "+strings.TrimPrefix(reason, "go: "))
	f.Targets = slices.Clone(targets)
	return f, true
}

// cannotSwitch reports whether GOTOOLCHAIN forbids downloading a newer
// toolchain: "local", or "path"/"NAME+path" (only toolchains in PATH).
func cannotSwitch(v string) bool {
	return v == "local" || v == "path" || strings.HasSuffix(v, "+path")
}

func samePath(a, b string) bool {
	ra, err1 := filepath.EvalSymlinks(a)
	rb, err2 := filepath.EvalSymlinks(b)
	if err1 != nil || err2 != nil {
		return filepath.Clean(a) == filepath.Clean(b)
	}
	return ra == rb
}

// goVersionAt reads the Go version of the installation at root.
func goVersionAt(root string) string {
	f, err := os.Open(filepath.Join(root, "VERSION"))
	if err != nil {
		return "unknown version"
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	if s.Scan() && strings.HasPrefix(s.Text(), "go") {
		return s.Text()
	}
	return "unknown version"
}

// inconsistentVendoring runs `go list -m` when the module builds from
// vendor/ and returns the go command's first explanation when vendor/
// does not match go.mod.
func inconsistentVendoring(ctx context.Context, g *gocmd.Go, mod *Module) string {
	_, err := os.Stat(filepath.Join(mod.Root, "vendor", "modules.txt"))
	if err != nil && !strings.Contains(Getenv(g, "GOFLAGS"), "-mod=vendor") {
		return ""
	}
	sub := *g
	sub.Dir = mod.Root
	_, err = sub.Run(ctx, nil, "list", "-m")
	var ge *gocmd.Error
	if err == nil || !errors.As(err, &ge) || !strings.Contains(err.Error(), "inconsistent vendoring") {
		return ""
	}
	return ge.Detail()
}

// FindGoMod walks up from dir to the nearest go.mod, or returns "".
func FindGoMod(dir string) string {
	d, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		p := filepath.Join(d, "go.mod")
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}

// GOPATHMode returns XC0003 when GO111MODULE=off hides the module's go.mod.
func GOPATHMode(g *gocmd.Go, gomod string, targets []string) (finding.Finding, bool) {
	if Getenv(g, "GO111MODULE") != "off" || gomod == "" {
		return finding.Finding{}, false
	}
	f := finding.New(RuleGOPATHMode, "", finding.Position{},
		fmt.Sprintf("GO111MODULE=off puts the go command in GOPATH mode, but %s exists", gomod))
	f.Targets = slices.Clone(targets)
	return f, true
}

// CheckTarget applies the per-target environment rules to one build.
func CheckTarget(ctx context.Context, prober *cc.Prober, g *gocmd.Go, tc *matrix.Toolchain, b *matrix.Build) []finding.Finding {
	if b.Port == nil || b.GoEnv == nil {
		return nil
	}
	name := b.Target.String()
	var fs []finding.Finding
	add := func(r *finding.Rule, msg, fix string) {
		f := finding.New(r, name, finding.Position{}, msg)
		if fix != "" {
			f.Fix = fix
		}
		fs = append(fs, f)
	}

	if b.Native && !b.CgoPinned && b.Port.CgoSupported {
		state := "off because no C compiler"
		if b.CgoEnabled {
			state = "on because C compiler"
		}
		add(RuleCgoUnpinned, fmt.Sprintf("CGO_ENABLED is not set: cgo is %s %q was found", state, b.CC), "")
		if !b.CgoEnabled {
			fs[len(fs)-1].Message = fmt.Sprintf("CGO_ENABLED is not set: cgo is off because the C compiler %q was not found", b.CC)
		}
	}

	if !b.CgoEnabled || !b.Port.CgoSupported {
		return fs
	}

	// The C compiler the build will run.
	env := g.Environ(b.ExtraEnv...)
	info := prober.Probe(ctx, b.CC, env)
	suggest := ""
	if name, how := cc.Suggest(b.Target.GOOS, b.Target.GOARCH, b.Variant); b.Native {
		suggest = "unset CC to use the build machine's C compiler"
	} else if name != "" {
		suggest = "set CC=" + name
		if how != "" {
			suggest += " (" + how + ")"
		}
	}
	var rel *cc.RelativePathError
	switch {
	case errors.As(info.Err, &rel):
		// Found, but only through a relative PATH entry: neither the go
		// command nor xcheck runs it, so the build has no C compiler;
		// "not installed" would send the user looking for the wrong thing.
		add(RuleCCMissing, fmt.Sprintf("cgo is on (%s) but the C compiler %q was found only through a relative PATH entry (%s) and was not run",
			b.CgoReason, b.CC, rel.Path), "remove the relative entry from PATH or set CC to an absolute path")
	case !info.Found() && info.Path == "":
		fix := "install a C compiler for " + b.Target.Pair() + " and set CC to it, or build with CGO_ENABLED=0"
		if suggest != "" {
			fix = suggest + ", or build with CGO_ENABLED=0"
		}
		add(RuleCCMissing, fmt.Sprintf("cgo is on (%s) but the C compiler %q is not installed", b.CgoReason, b.CC), fix)
	case !info.Found():
		add(RuleCCMissing, fmt.Sprintf("cgo is on (%s) but the C compiler %q does not work: %v", b.CgoReason, b.CC, info.Err), "")
	default:
		if msg := mismatch(ctx, info, b, env); msg != "" {
			fix := suggest
			if fix == "" {
				fix = RuleCCWrongTarget.Fix
			}
			add(RuleCCWrongTarget, msg, fix+", or build with CGO_ENABLED=0")
		}
	}

	if !b.Native {
		fs = append(fs, hostLeaks(g, tc, b)...)
		// CXX only runs for packages with C++ files, so a host C++
		// compiler in a cross build is a warning, not an error.
		if cxx := b.GoEnv["CXX"]; cxx != "" {
			if ci := prober.Probe(ctx, cxx, env); ci.Found() {
				if got := ci.Target; got.GOARCH != "" && got.GOOS != "" && (got.GOARCH != b.Target.GOARCH || got.GOOS != b.Target.GOOS) {
					f := finding.New(RuleHostPathLeak, name, finding.Position{},
						fmt.Sprintf("CXX=%s targets %s (%s/%s) in a cross build for %s", cxx, ci.Triple, got.GOOS, got.GOARCH, b.Target.Pair()))
					f.Fix = "set CXX to the C++ cross compiler of the target"
					if n, _ := cc.Suggest(b.Target.GOOS, b.Target.GOARCH, b.Variant); strings.HasSuffix(n, "-gcc") {
						f.Fix = "set CXX=" + strings.TrimSuffix(n, "-gcc") + "-g++"
					}
					fs = append(fs, f)
				}
			}
		}
	}
	return fs
}

// mismatch tells why the probed compiler cannot build for b, or "".
func mismatch(ctx context.Context, info *cc.Info, b *matrix.Build, env []string) string {
	got := info.Target
	t := b.Target
	if got.GOARCH == "" || got.GOOS == "" {
		return "" // a triple we cannot read: do not guess
	}
	osOK := got.GOOS == t.GOOS || (t.GOOS == "ios" && got.GOOS == "darwin")
	if osOK && got.GOARCH == t.GOARCH {
		if t.GOARCH == "arm" && got.Float != "" {
			want := "hard"
			if strings.HasPrefix(b.Variant, "5") || strings.Contains(b.Variant, "softfloat") {
				want = "soft"
			}
			if got.Float != want {
				return fmt.Sprintf("cgo is on but the C compiler %q targets %s (%s-float), while GOARM=%s needs %s-float",
					b.CC, info.Triple, got.Float, b.Variant, want)
			}
		}
		return ""
	}
	// An x86-64 compiler builds 386 code with -m32 when it has the
	// 32-bit C library (gcc-multilib).
	if osOK && t.GOARCH == "386" && got.GOARCH == "amd64" && multilib32(ctx, info, env) {
		return ""
	}
	return fmt.Sprintf("cgo is on but the C compiler %q targets %s (%s/%s), not %s",
		b.CC, info.Triple, got.GOOS, got.GOARCH, t.Pair())
}

func multilib32(ctx context.Context, info *cc.Info, env []string) bool {
	out, err := cc.Run(ctx, info, env, "-m32", "-print-file-name=crt1.o")
	if err != nil {
		return false
	}
	p := strings.TrimSpace(out)
	if !filepath.IsAbs(p) {
		return false
	}
	_, err = os.Stat(p)
	return err == nil
}

var flagPath = regexp.MustCompile(`^-(?:I|L|isystem|idirafter)=?(.*)$`)

// hostLeaks finds build-machine paths in the cgo flags and PKG_CONFIG_PATH
// of a cross build.
func hostLeaks(g *gocmd.Go, tc *matrix.Toolchain, b *matrix.Build) []finding.Finding {
	hostTriples := cc.Triplets(tc.GOHOSTOS, tc.GOHOSTARCH, "")
	isHost := func(p string) bool {
		p = filepath.Clean(p)
		switch p {
		case "/usr/include", "/usr/lib", "/usr/lib64", "/lib", "/lib64", "/usr/local/include", "/usr/local/lib",
			"/usr/lib/pkgconfig", "/usr/share/pkgconfig", "/usr/local/lib/pkgconfig", "/usr/local/share/pkgconfig":
			return true
		}
		for _, tr := range hostTriples {
			for _, pre := range []string{"/usr/include/", "/usr/lib/", "/lib/"} {
				if p == pre+tr || strings.HasPrefix(p, pre+tr+"/") {
					return true
				}
			}
		}
		if strings.HasPrefix(p, "/usr/include/") {
			return true // host header subdirectories such as /usr/include/libmount
		}
		return false
	}
	var fs []finding.Finding
	name := b.Target.String()
	for _, v := range []string{"CGO_CFLAGS", "CGO_CPPFLAGS", "CGO_CXXFLAGS", "CGO_LDFLAGS"} {
		words := strings.Fields(b.GoEnv[v])
		for i, w := range words {
			m := flagPath.FindStringSubmatch(w)
			if m == nil {
				continue
			}
			p := m[1]
			if p == "" && i+1 < len(words) {
				p = words[i+1]
			}
			if p != "" && isHost(p) {
				fs = append(fs, finding.New(RuleHostPathLeak, name, finding.Position{},
					fmt.Sprintf("%s points at the build machine's %q in a cross build", v, p)))
			}
		}
	}
	if pc := Getenv(g, "PKG_CONFIG_PATH"); pc != "" {
		for _, p := range filepath.SplitList(pc) {
			if p != "" && isHost(p) {
				fs = append(fs, finding.New(RuleHostPathLeak, name, finding.Position{},
					fmt.Sprintf("PKG_CONFIG_PATH points at the build machine's %q in a cross build", p)))
			}
		}
	}
	return fs
}

// Blocking returns the first finding of fs that stops every build before
// the go command lists a package (XC0001, XC0002, XC0003, XC0006), or nil.
func Blocking(fs []finding.Finding) *finding.Finding {
	for i, f := range fs {
		switch f.Rule {
		case RuleGOROOTMismatch, RuleToolchainCannotSwitch, RuleGOPATHMode, RuleInconsistentVendor:
			return &fs[i]
		}
	}
	return nil
}
