package matrix

import (
	"fmt"
	"slices"
	"strings"

	"github.com/xcheck-dev/xcheck/finding"
)

// GoDirective is the module's go directive and where it stands.
type GoDirective struct {
	Version string           // "1.20" or "1.21.3"
	Pos     finding.Position // go.mod:LINE:COL
}

// Check applies the XC1xxx rules to one resolved build.
func Check(b *Build, tc *Toolchain, ports *Ports, pol Policy, dir *GoDirective) []finding.Finding {
	t := b.Target
	name := t.String()
	var fs []finding.Finding
	add := func(r *finding.Rule, pos finding.Position, msg, fix string) {
		f := finding.New(r, name, pos, msg)
		if fix != "" {
			f.Fix = fix
		}
		fs = append(fs, f)
	}

	if b.Port == nil {
		msg := fmt.Sprintf("%q is not a port of %s", t.Pair(), tc.GoVersion)
		h := HistoryOf(t.Pair())
		if h.Removed != "" {
			last := previousRelease(h.Removed)
			msg += fmt.Sprintf(" (removed in go%s; go%s was the last release with it)", h.Removed, last)
		}
		var fix []string
		if s := Suggest(t, ports); len(s) > 0 {
			fix = append(fix, "did you mean "+strings.Join(s, " or ")+"?")
		}
		if h.Removed != "" {
			fix = append(fix, fmt.Sprintf("build this target with go%s", previousRelease(h.Removed)))
		} else {
			fix = append(fix, "use a port listed by `xcheck targets`")
		}
		add(RuleUnknownPort, finding.Position{}, msg, strings.Join(fix, " Or "))
		return fs
	}
	p := b.Port

	if p.Broken {
		msg := fmt.Sprintf("the port is marked broken in %s", tc.GoVersion)
		if h := HistoryOf(t.Pair()); h.Broken != "" {
			msg += fmt.Sprintf(" (since go%s)", h.Broken)
		}
		add(RuleBrokenPort, finding.Position{}, msg, "")
	} else if !p.FirstClass {
		add(RuleSecondaryPort, finding.Position{}, fmt.Sprintf("secondary (not first-class) port of %s", tc.GoVersion), "")
	}

	if b.CgoRequested && !p.CgoSupported {
		add(RuleCgoUnsupported, finding.Position{},
			fmt.Sprintf("cgo is requested (%s) but the port does not support cgo", b.CgoReason), "")
	}

	if why, ok := NeedsExternalLinking(t.Pair()); ok && !b.CgoEnabled {
		add(RuleExternalLinkNoCgo, finding.Position{},
			fmt.Sprintf("%s, but cgo is off (%s)", why, b.CgoReason), "")
	}

	if dir != nil && dir.Version != "" {
		if h := HistoryOf(t.Pair()); h.Added != "" && CompareGo(ReleaseOf(dir.Version), h.Added) < 0 {
			add(RulePortNewerThanGoDirective, dir.Pos,
				fmt.Sprintf("the port was added in go%s but go.mod declares go %s", h.Added, dir.Version),
				fmt.Sprintf("raise the go directive to %s or later, or drop the target", h.Added))
		}
	}

	if key, min := MinOS(tc.Release(), t.GOOS, t.GOARCH); key != "" && min != "" {
		if floor, ok := pol.MinOS[key]; ok && CompareDotted(min, floor) > 0 {
			fix := fmt.Sprintf("raise the floor to %s %s", OSName(key), min)
			if last := LastReleaseSupporting(key, t.Pair(), floor); last != "" {
				fix = fmt.Sprintf("build with go%s (the last release that supports %s %s), or %s", last, OSName(key), floor, fix)
			}
			what := t.GOOS
			if r, _ := ReleaseFor(tc.Release()); r.PortMinOS[t.Pair()] != "" {
				what = t.Pair()
			}
			add(RuleOSMinimumAboveFloor, finding.Position{},
				fmt.Sprintf("%s binaries for %s need %s %s or later, but the declared floor is %s %s",
					tc.GoVersion, what, OSName(key), min, OSName(key), floor), fix)
		}
	}

	if vv := VariantFor(t.GOARCH); vv != nil && b.VariantFrom == "environment" {
		if err := vv.Valid(b.Variant); err != nil {
			where := b.variantIn
			if where == "" {
				where = "in the environment"
			}
			add(RuleInvalidVariant, finding.Position{}, err.Error()+" "+where,
				fmt.Sprintf("set %s to a valid value or unset it (the go command would silently build %s=%s)", vv.Name, vv.Name, vv.Default))
		}
	}
	return fs
}

// LastReleaseSupporting returns the newest Go release in the table that
// has the port pair and whose minimum for the --min-os key is at or below
// floor, or "".
func LastReleaseSupporting(key, pair, floor string) string {
	h := HistoryOf(pair)
	last := ""
	for _, r := range releases {
		if r.MinOS == nil {
			continue
		}
		if h.Added != "" && CompareGo(r.Go, h.Added) < 0 || h.Removed != "" && CompareGo(r.Go, h.Removed) >= 0 {
			continue // the release does not have the port
		}
		min := r.MinOS[key]
		if m, ok := r.PortMinOS[pair]; ok {
			min = m
		}
		if min != "" && CompareDotted(min, floor) <= 0 {
			last = r.Go
		}
	}
	return last
}

func previousRelease(rel string) string {
	var major, minor int
	if _, err := fmt.Sscanf(rel, "%d.%d", &major, &minor); err != nil || minor == 0 {
		return rel
	}
	return fmt.Sprintf("%d.%d", major, minor-1)
}

var osAliases = map[string]string{
	"macos": "darwin", "osx": "darwin", "mac": "darwin", "macosx": "darwin",
	"win": "windows", "win32": "windows", "win64": "windows",
}

var archAliases = map[string]string{
	"x86_64": "amd64", "x64": "amd64", "x86-64": "amd64",
	"aarch64": "arm64", "armv8": "arm64", "arm64e": "arm64",
	"i386": "386", "i686": "386", "x86": "386", "ia32": "386",
	"armhf": "arm", "armel": "arm", "armv7": "arm", "armv6": "arm", "armv7l": "arm", "armv5": "arm",
	"ppc64el": "ppc64le", "powerpc64le": "ppc64le", "powerpc64": "ppc64",
	"mipsel": "mipsle", "mips64el": "mips64le",
	"riscv": "riscv64", "loongarch64": "loong64", "wasm32": "wasm",
}

// Suggest returns the ports a mistyped or removed target most likely meant.
func Suggest(t Target, ports *Ports) []string {
	goos, goarch := t.GOOS, t.GOARCH
	if a, ok := osAliases[goos]; ok {
		goos = a
	}
	if a, ok := archAliases[goarch]; ok {
		goarch = a
	}
	if p, ok := ports.Lookup(goos, goarch); ok && !p.Broken && (goos != t.GOOS || goarch != t.GOARCH) {
		return []string{p.Pair()}
	}
	type cand struct {
		pair string
		d    int
	}
	var cs []cand
	for _, p := range ports.List {
		if p.Broken {
			continue
		}
		var d int
		switch {
		case p.GOOS == goos:
			d = editDistance(p.GOARCH, goarch)
			if strings.HasPrefix(p.GOARCH, goarch) || strings.HasPrefix(goarch, p.GOARCH) {
				d = min(d, 1)
			}
		case p.GOARCH == goarch:
			d = editDistance(p.GOOS, goos)
		default:
			continue
		}
		if d <= 2 {
			cs = append(cs, cand{p.Pair(), d})
		}
	}
	slices.SortStableFunc(cs, func(a, b cand) int { return a.d - b.d })
	var out []string
	for i, c := range cs {
		if i == 2 || c.d > cs[0].d {
			break
		}
		out = append(out, c.pair)
	}
	return out
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
