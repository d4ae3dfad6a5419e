// Package matrix knows which GOOS/GOARCH targets exist: it parses target
// strings (linux/arm/v7, linux/amd64/v3, sets such as first-class and globs
// such as linux/*), reads the port table of the toolchain in use from
// `go tool dist list -json`, and holds what each Go release requires of the
// target operating systems. Its checks are the XC1xxx rules.
package matrix

import (
	"fmt"
	"regexp"
	"strings"
)

// Target is one build target: a GOOS/GOARCH pair and, optionally, the value
// of the architecture's variant variable (GOARM, GOAMD64, ...).
type Target struct {
	GOOS   string
	GOARCH string
	// Variant is the Go spelling of the variant value ("7",
	// "6,softfloat", "v3", "softfloat"); empty means the toolchain's
	// default (or the variable from the environment).
	Variant string
}

var word = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// ParseError is a target string that is not well formed.
type ParseError struct {
	Input  string
	Reason string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("invalid target %q: %s", e.Input, e.Reason)
}

// Parse parses one target: GOOS/GOARCH or GOOS/GOARCH/VARIANT, where the
// variant is written the way Docker platforms write it (linux/arm/v7,
// linux/amd64/v3, linux/arm64/v8.2) or as the Go value of the
// architecture's variable (linux/arm/6,softfloat, linux/mips/softfloat,
// linux/ppc64le/power9). A well-formed pair that is not a port of the
// toolchain parses fine: that is a finding (XC1001), not a usage error. An
// invalid variant value is a usage error, even where the go command would
// silently accept it.
func Parse(s string) (Target, error) {
	in := s
	s = strings.TrimSpace(s)
	parts := strings.Split(s, "/")
	if len(parts) < 2 || len(parts) > 3 {
		return Target{}, &ParseError{in, "want GOOS/GOARCH or GOOS/GOARCH/VARIANT, for example linux/arm64 or linux/arm/v7"}
	}
	t := Target{GOOS: strings.ToLower(parts[0]), GOARCH: strings.ToLower(parts[1])}
	if !word.MatchString(t.GOOS) {
		return Target{}, &ParseError{in, fmt.Sprintf("GOOS %q must be letters and digits", parts[0])}
	}
	if !word.MatchString(t.GOARCH) {
		return Target{}, &ParseError{in, fmt.Sprintf("GOARCH %q must be letters and digits", parts[1])}
	}
	if len(parts) == 3 {
		v, err := CanonVariant(t.GOARCH, parts[2])
		if err != nil {
			return Target{}, &ParseError{in, err.Error()}
		}
		t.Variant = v
	}
	return t, nil
}

// CanonVariant validates the variant value v for goarch and returns its Go
// spelling.
func CanonVariant(goarch, v string) (string, error) {
	vv := VariantFor(goarch)
	if vv == nil {
		return "", fmt.Errorf("GOARCH %s has no variants (variants exist for GOARM, GOAMD64, GO386, GOMIPS, GOMIPS64, GOPPC64, GORISCV64, GOARM64)", goarch)
	}
	if v == "" {
		return "", fmt.Errorf("empty %s value", vv.Name)
	}
	c := vv.Canon(strings.ToLower(v))
	if err := vv.Valid(c); err != nil {
		return "", err
	}
	return c, nil
}

// Pair returns "GOOS/GOARCH".
func (t Target) Pair() string { return t.GOOS + "/" + t.GOARCH }

// String returns the canonical name, as used in reports: linux/arm64,
// linux/arm/v7, linux/amd64/v3, linux/mips/softfloat.
func (t Target) String() string {
	if t.Variant == "" {
		return t.Pair()
	}
	vv := VariantFor(t.GOARCH)
	if vv == nil {
		return t.Pair() + "/" + t.Variant
	}
	return t.Pair() + "/" + vv.Docker(t.Variant)
}

// VariantVar returns the name of t's variant variable ("GOARM"), or "".
func (t Target) VariantVar() string {
	if vv := VariantFor(t.GOARCH); vv != nil {
		return vv.Name
	}
	return ""
}

// Env returns the environment variables that select t for the go command.
func (t Target) Env() []string {
	env := []string{"GOOS=" + t.GOOS, "GOARCH=" + t.GOARCH}
	if t.Variant != "" {
		env = append(env, t.VariantVar()+"="+t.Variant)
	}
	return env
}

// SplitList splits a comma-separated list of target specs. A variant
// suffix that follows a comma (",softfloat", ",lse") belongs to the target
// before it, so "linux/arm/v6,softfloat,linux/amd64" is two specs.
func SplitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if variantSuffixes[strings.ToLower(p)] && len(out) > 0 && strings.Count(out[len(out)-1], "/") == 2 {
			out[len(out)-1] += "," + strings.ToLower(p)
			continue
		}
		out = append(out, p)
	}
	return out
}
