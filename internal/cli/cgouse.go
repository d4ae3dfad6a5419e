package cli

import (
	"slices"
	"sync"

	"github.com/xcheck-dev/xcheck/abi"
	"github.com/xcheck-dev/xcheck/analyzers/graph"
	"github.com/xcheck-dev/xcheck/buildenv"
	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/matrix"
)

// cToolchainRules are the rules about the C toolchain and sysroot a cgo
// build compiles and links with. They stop a build only when the C
// compiler runs: when a package of the target's build has cgo files, or
// the port links every program externally.
var cToolchainRules = []*finding.Rule{
	buildenv.RuleCCMissing, buildenv.RuleCCWrongTarget,
	abi.RuleSysrootArchMismatch, abi.RuleLibcMismatch, abi.RuleARMFloatABIMismatch,
	abi.RuleMIPSFloatABIMismatch, abi.RuleNoSysroot,
}

// pureGoWhy is the evidence added to a C toolchain finding of a target
// whose build has no cgo file.
const pureGoWhy = "no package of this target's build has cgo files, so `go build` does not run the C compiler " +
	"and succeeds; it fails as soon as a dependency adds cgo (or set CGO_ENABLED=0 to build pure Go on purpose)"

// cgoUse records, per loaded target with cgo on, whether its build has
// cgo files, and adjusts the severity of the findings whose effect
// depends on it. The loader's Extra hook calls see, concurrently.
type cgoUse struct {
	// partial is set when only part of the module is loaded (file
	// arguments): a part without cgo says nothing about the whole
	// build, so nothing is demoted.
	partial bool

	mu     sync.Mutex
	pureGo map[string]bool // cgo on, no cgo file, no external linking
	used   map[string]bool // cgo on and a package has cgo files
}

func (u *cgoUse) see(g *graph.Target) {
	if g.Build == nil || !g.Build.CgoEnabled {
		return
	}
	uses := g.UsesCgo()
	_, external := matrix.NeedsExternalLinking(g.Build.Target.Pair())
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.pureGo == nil {
		u.pureGo, u.used = map[string]bool{}, map[string]bool{}
	}
	switch {
	case uses:
		u.used[g.Name] = true
	case !external && !u.partial:
		u.pureGo[g.Name] = true
	}
}

// adjust applies demoteForPureGo and promoteNoCgoPort.
func (u *cgoUse) adjust(fs []finding.Finding) []finding.Finding {
	u.mu.Lock()
	defer u.mu.Unlock()
	return promoteNoCgoPort(demoteForPureGo(fs, u.pureGo), u.used)
}

// noCgoPortWhy is the evidence added to XC1004 when the build has cgo
// files.
const noCgoPortWhy = "packages of this target's build have cgo files: with CGO_ENABLED=1 the go command runs cgo " +
	"for them and for runtime/cgo, which fails on this port (\"cgo: unknown ptrSize for $GOARCH\")"

// promoteNoCgoPort raises XC1004 (cgo requested on a port without cgo
// support) to an error for the targets in used, whose build runs cgo.
func promoteNoCgoPort(fs []finding.Finding, used map[string]bool) []finding.Finding {
	return split(fs, used, func(f *finding.Finding) bool {
		return f.Rule == matrix.RuleCgoUnsupported && f.Severity == finding.Warning
	}, func(f *finding.Finding) {
		f.Severity = finding.Error
		f.Why = append(slices.Clip(f.Why), noCgoPortWhy)
	})
}

// demoteForPureGo lowers the C toolchain errors of the targets in pureGo
// (cgo on, but no cgo file in the build and no external linking) to
// warnings: the problem is real but does not break today's build. A
// finding for several targets is split when only some are pure Go.
func demoteForPureGo(fs []finding.Finding, pureGo map[string]bool) []finding.Finding {
	return split(fs, pureGo, func(f *finding.Finding) bool {
		return f.Severity == finding.Error && slices.Contains(cToolchainRules, f.Rule)
	}, func(f *finding.Finding) {
		f.Severity = finding.Warning
		f.Why = append(slices.Clip(f.Why), pureGoWhy)
	})
}

// split applies change to the part of each finding matched by match that
// is about targets in set, splitting findings whose other targets stay
// as they are.
func split(fs []finding.Finding, set map[string]bool, match func(*finding.Finding) bool, change func(*finding.Finding)) []finding.Finding {
	if len(set) == 0 {
		return fs
	}
	out := fs[:0:0]
	for _, f := range fs {
		if !match(&f) || len(f.Targets) == 0 {
			out = append(out, f)
			continue
		}
		var in, other []string
		for _, t := range f.Targets {
			if set[t] {
				in = append(in, t)
			} else {
				other = append(other, t)
			}
		}
		if len(other) > 0 {
			g := f
			g.Targets = other
			out = append(out, g)
		}
		if len(in) > 0 {
			g := f
			g.Targets = in
			change(&g)
			out = append(out, g)
		}
	}
	return out
}
