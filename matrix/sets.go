package matrix

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/xcheck-dev/xcheck/finding"
)

// Sets are the named target sets --target accepts besides targets and globs.
var Sets = map[string]string{
	"all":         "every port of the toolchain in use that is not marked broken",
	"first-class": "the first-class ports (darwin/amd64, darwin/arm64, linux/386, linux/amd64, linux/arm, linux/arm64, windows/386, windows/amd64)",
	"cgo":         "every port that supports cgo and is not marked broken",
}

// Expand turns --target specs (targets, set names, globs such as linux/*
// or */arm64, comma lists) into targets, sorted, without duplicates. A
// malformed spec, an unknown set or a glob that matches no port is an
// error (a usage error for the CLI). A well-formed target that is not a
// port is returned as is: checking it reports XC1001.
func Expand(specs []string, ports *Ports) ([]Target, error) {
	return expand(specs, ports, false)
}

// ExpandWithBroken is Expand, but sets and globs include the ports the
// toolchain marks as broken.
func ExpandWithBroken(specs []string, ports *Ports) ([]Target, error) {
	return expand(specs, ports, true)
}

func expand(specs []string, ports *Ports, broken bool) ([]Target, error) {
	var out []Target
	for _, s := range specs {
		for _, spec := range SplitList(s) {
			ts, err := expandOne(spec, ports, broken)
			if err != nil {
				return nil, err
			}
			out = append(out, ts...)
		}
	}
	slices.SortFunc(out, func(a, b Target) int { return finding.CompareTargetNames(a.String(), b.String()) })
	return slices.Compact(out), nil
}

func expandOne(spec string, ports *Ports, broken bool) ([]Target, error) {
	lower := strings.ToLower(strings.TrimSpace(spec))
	var keep func(Port) bool
	switch {
	case lower == "all":
		keep = func(p Port) bool { return broken || !p.Broken }
	case lower == "first-class" || lower == "firstclass":
		keep = func(p Port) bool { return p.FirstClass && (broken || !p.Broken) }
	case lower == "cgo":
		keep = func(p Port) bool { return p.CgoSupported && (broken || !p.Broken) }
	case strings.ContainsAny(lower, "*?["):
		if _, err := path.Match(lower, "a/b"); err != nil || strings.Count(lower, "/") != 1 {
			return nil, &ParseError{spec, "a glob must look like GOOS/GOARCH with * wildcards, for example linux/* or */arm64"}
		}
		keep = func(p Port) bool {
			ok, _ := path.Match(lower, p.Pair())
			return ok && (broken || !p.Broken)
		}
	case !strings.Contains(lower, "/"):
		return nil, fmt.Errorf("unknown target set %q: use GOOS/GOARCH (for example linux/arm64), a glob (linux/*) or a set (%s)", spec, strings.Join(setNames(), ", "))
	default:
		t, err := Parse(lower)
		if err != nil {
			return nil, err
		}
		return []Target{t}, nil
	}
	var out []Target
	for _, p := range ports.List {
		if keep(p) {
			out = append(out, Target{GOOS: p.GOOS, GOARCH: p.GOARCH})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("target pattern %q matches no port of %s (see `xcheck targets`)", spec, ports.GoVersion)
	}
	return out, nil
}

func setNames() []string {
	var names []string
	for n := range Sets {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// FirstClass returns the first-class ports of the table.
func FirstClass(ports *Ports) []Target {
	ts, _ := expandOne("first-class", ports, false)
	return ts
}
