// Package xc3006 reports net and os/user built with cgo on Linux when
// CGO_ENABLED is not pinned: the "pure Go" binary links the C library.
package xc3006

import (
	"fmt"

	"github.com/xcheck-dev/xcheck/analyzers/graph"
	"github.com/xcheck-dev/xcheck/finding"
)

// Rule is XC3006.
var Rule = &finding.Rule{
	ID: "XC3006", Name: "cgo-optional-stdlib", Severity: finding.Info,
	Title: "net or os/user will link the C library because cgo is on by default",
	Why: "On Linux, `net` (DNS resolution) and `os/user` (user and group lookup) use the C library " +
		"through cgo whenever cgo is enabled and the `netgo`/`osusergo` tags are not set. A native " +
		"build enables cgo by default when a C compiler is found, so a program without a line of C " +
		"becomes a dynamically linked binary that needs the build machine's glibc at run time: it " +
		"fails on older distributions, on musl (Alpine) and in scratch or distroless images " +
		"(golang/go#58550, golang/go#60937). The build itself succeeds; the release may not run.",
	Example: "```\n$ xcheck -t linux/amd64 -v ./...\n" +
		"main.go:6:2: info XC3006 [linux/amd64] \"net\" is built with cgo, so the binary links the C library dynamically\n" +
		"    why: example.com/demo -> net\n" +
		"    why: CGO_ENABLED is not set and cgo is on: native build and C compiler \"gcc\" found\n" +
		"    fix: set CGO_ENABLED=0 for release builds, or build with -tags netgo\n```",
	Fix: "set CGO_ENABLED=0 for release builds, or build with -tags netgo,osusergo",
}

// packages and the tag that makes each pure Go.
var stdlib = []struct{ path, tag string }{{"net", "netgo"}, {"os/user", "osusergo"}}

// Check reports net and os/user when they are built with cgo for a Linux
// target whose cgo setting was not chosen explicitly.
func Check(g *graph.Target) []finding.Finding {
	b := g.Build
	if !b.CgoEnabled || b.CgoRequested || b.Target.GOOS != "linux" {
		return nil
	}
	var out []finding.Finding
	for _, s := range stdlib {
		p := g.Lookup(s.path)
		if p == nil || len(p.CgoFiles) == 0 {
			continue // not imported, or pure Go already (netgo, osusergo)
		}
		chain := g.Chain(p)
		f := finding.New(Rule, g.Name, g.ImportSite(chain),
			fmt.Sprintf("%q is built with cgo, so the binary links the C library dynamically", s.path))
		f.Why = []string{graph.ChainString(chain)}
		if b.CgoReason != "" {
			f.Why = append(f.Why, "CGO_ENABLED is not set and cgo is on: "+b.CgoReason)
		}
		f.Fix = "set CGO_ENABLED=0 for release builds, or build with -tags " + s.tag
		out = append(out, f)
	}
	return out
}
