package matrix

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/xcheck-dev/xcheck/internal/gocmd"
)

// CgoMode is the --cgo flag.
type CgoMode string

const (
	CgoAuto CgoMode = "auto" // what `go build` would decide
	CgoOn   CgoMode = "on"
	CgoOff  CgoMode = "off"
)

// ParseCgoMode parses --cgo values.
func ParseCgoMode(s string) (CgoMode, error) {
	switch m := CgoMode(strings.ToLower(s)); m {
	case CgoAuto, CgoOn, CgoOff:
		return m, nil
	}
	return "", fmt.Errorf("invalid --cgo value %q (want auto, on or off)", s)
}

// Build is a target with the settings its build will really use, as the go
// command reports them with the target's environment.
type Build struct {
	Target Target
	Port   *Port // nil when the target is not a port of the toolchain

	Native       bool   // GOOS/GOARCH equal the host's
	CgoEnabled   bool   // CGO_ENABLED as go build decides it
	CgoReason    string // why: "CGO_ENABLED=1 in the environment", "--cgo on", ...
	CgoRequested bool   // cgo was asked for explicitly (--cgo on or CGO_ENABLED=1)
	CgoPinned    bool   // CGO_ENABLED was set by --cgo, the environment or go env -w
	CC           string // go env CC for the target
	// Variant is the effective value of the variant variable (explicit,
	// from the environment, or the toolchain default) and VariantFrom says
	// which.
	Variant     string
	VariantFrom string // "target", "environment", "default"

	// GoEnv is `go env -json` run with the target's environment.
	GoEnv map[string]string
	// ExtraEnv is what xcheck adds to the user's environment to select
	// the target (GOOS, GOARCH, variant, CGO_ENABLED for --cgo on/off).
	ExtraEnv []string

	// variantIn says where a variant from the environment was set: "in
	// the environment" or "set with go env -w (FILE)".
	variantIn string
}

// ResolveBuild asks the go command, with t's environment, how it would build
// t. For targets that are not ports it asks nothing.
//
// extra is added to the target's environment (a per-target CC=... from the
// configuration file).
func ResolveBuild(ctx context.Context, g *gocmd.Go, tc *Toolchain, ports *Ports, t Target, mode CgoMode, extra ...string) (*Build, error) {
	b := &Build{Target: t, Native: t.GOOS == tc.GOHOSTOS && t.GOARCH == tc.GOHOSTARCH}
	p, ok := ports.Lookup(t.GOOS, t.GOARCH)
	if !ok {
		return b, nil
	}
	b.Port = &p
	env := append(t.Env(), extra...)
	switch mode {
	case CgoOn:
		env = append(env, "CGO_ENABLED=1")
	case CgoOff:
		env = append(env, "CGO_ENABLED=0")
	}
	vv := VariantFor(t.GOARCH)
	// All of go env: one call costs the same as a few variables, and
	// `xcheck env` shows them.
	m, err := g.Env(ctx, env)
	if err != nil {
		return nil, fmt.Errorf("target %s: %w", t, err)
	}
	b.GoEnv, b.ExtraEnv = m, env
	b.CgoEnabled = m["CGO_ENABLED"] == "1"
	b.CC = m["CC"]
	// Settings made with `go env -w` apply like environment variables.
	envFile := readGoEnvFile(m["GOENV"])
	userCgo, userWhere := userSetting(g, envFile, m["GOENV"], "CGO_ENABLED")
	switch {
	case mode == CgoOn:
		b.CgoRequested, b.CgoReason, b.CgoPinned = true, "--cgo on", true
	case mode == CgoOff:
		b.CgoReason, b.CgoPinned = "--cgo off", true
	case userWhere != "" && (userCgo == "0" || userCgo == "1"):
		b.CgoRequested, b.CgoPinned = userCgo == "1", true
		b.CgoReason = "CGO_ENABLED=" + userCgo + " " + userWhere
	case !b.Native && !b.CgoEnabled:
		b.CgoReason = "cross-compiling: cgo is off unless CGO_ENABLED=1"
	case !b.Native:
		// A toolchain built with CGO_ENABLED=1 (or a $GOROOT/go.env
		// that sets it) turns cgo on even for cross builds.
		b.CgoReason = "cross-compiling, but the toolchain turns cgo on by default"
	case !p.CgoSupported:
		b.CgoReason = "the port does not support cgo"
	case b.CgoEnabled:
		b.CgoReason = fmt.Sprintf("native build and C compiler %q found", b.CC)
	default:
		b.CgoReason = fmt.Sprintf("native build but no C compiler %q in PATH", b.CC)
	}
	if vv != nil {
		switch {
		case t.Variant != "":
			b.Variant, b.VariantFrom = t.Variant, "target"
		default:
			if v, where := userSetting(g, envFile, m["GOENV"], vv.Name); v != "" {
				b.Variant, b.VariantFrom, b.variantIn = v, "environment", where
			} else {
				b.Variant, b.VariantFrom = m[vv.Name], "default"
			}
		}
	}
	return b, nil
}

// userSetting returns the value of the go environment variable key as the
// user set it, and where: "in the environment", or "set with go env -w
// (FILE)" when it comes from the go env file. Like the go command, an empty
// environment variable does not hide the file's value. It returns "", ""
// when the user did not set key.
func userSetting(g *gocmd.Go, envFile map[string]string, envFileName, key string) (value, where string) {
	if v, _ := lookupEnv(g, key); v != "" {
		return v, "in the environment"
	}
	if v := envFile[key]; v != "" {
		return v, "set with go env -w (" + envFileName + ")"
	}
	return "", ""
}

// readGoEnvFile reads the go env file (`go env GOENV`; "off" disables it)
// the way the go command does: KEY=VALUE lines, where lines that do not
// start with an upper-case letter or have no '=' are ignored. A missing
// or unreadable file is empty.
func readGoEnvFile(name string) map[string]string {
	if name == "" || name == "off" {
		return nil
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil
	}
	m := make(map[string]string)
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(line, "=")
		if !ok || line[0] < 'A' || line[0] > 'Z' {
			continue
		}
		m[k] = v
	}
	return m
}

func lookupEnv(g *gocmd.Go, key string) (string, bool) {
	env := g.BaseEnv
	if env == nil {
		return os.LookupEnv(key)
	}
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}

// Policy holds the user's declared floors.
type Policy struct {
	// MinOS maps --min-os keys (linux, macos, windows, ios, freebsd) to
	// the oldest version the binaries must run on.
	MinOS map[string]string
}

var dotted = regexp.MustCompile(`^[0-9]+(\.[0-9]+){0,3}$`)

// MinOSKeys are the keys --min-os accepts.
var MinOSKeys = []string{"linux", "macos", "windows", "ios", "freebsd"}

// ParseMinOS parses "linux=3.2,macos=11,windows=7" into p.MinOS (merging
// with what is there).
func (p *Policy) ParseMinOS(s string) error {
	if p.MinOS == nil {
		p.MinOS = make(map[string]string)
	}
	for _, kv := range strings.Split(s, ",") {
		kv = strings.TrimSpace(kv)
		if kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		k = strings.ToLower(strings.TrimSpace(k))
		v = strings.TrimSpace(v)
		if k == "darwin" {
			k = "macos"
		}
		if !ok || !slices.Contains(MinOSKeys, k) {
			return fmt.Errorf("invalid --min-os entry %q: want OS=VERSION with OS one of %s (for example linux=3.2,macos=11,windows=10)", kv, strings.Join(MinOSKeys, ", "))
		}
		if !dotted.MatchString(v) {
			return fmt.Errorf("invalid --min-os version %q for %s: want a dotted number such as 3.2 or 10.15", v, k)
		}
		p.MinOS[k] = v
	}
	return nil
}

// OSName is how findings name the OS of a --min-os key.
func OSName(key string) string {
	switch key {
	case "linux":
		return "linux kernel"
	case "macos":
		return "macOS"
	case "ios":
		return "iOS"
	case "freebsd":
		return "FreeBSD"
	case "windows":
		return "Windows"
	}
	return key
}
