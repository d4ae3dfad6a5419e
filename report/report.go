// Package report renders xcheck results. Every format has one small
// renderer that writes to an injected io.Writer; none of them touches
// os.Stdout, os.Args or the working directory.
package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/xcheck-dev/xcheck/finding"
)

// SchemaVersion is the version of the JSON schema (docs/json.md). It
// changes only when a field is removed or changes meaning, or an
// enumerated value is added. Version 2 added the verdict "error" (a
// target that could not be checked), targets[].error and
// summary.unchecked.
const SchemaVersion = 2

// Report is everything one run produced.
type Report struct {
	Tool      Tool
	Toolchain Toolchain
	// Root is the module root; finding paths are relative to it.
	Root     string
	Targets  []TargetResult
	Findings []finding.Finding // merged and sorted
	Rules    []*finding.Rule   // every rule xcheck knows (for SARIF metadata)
	FailOn   finding.FailOn
}

// Tool identifies xcheck.
type Tool struct {
	Name    string
	Version string
}

// Toolchain is the go command that the checked builds would use.
type Toolchain struct {
	GoVersion  string
	GOROOT     string
	GOHOSTOS   string
	GOHOSTARCH string
}

// TargetResult is one target's resolved settings and verdict.
type TargetResult struct {
	Name        string // canonical target name: linux/arm/v7
	GOOS        string
	GOARCH      string
	VariantVar  string // GOARM
	Variant     string // effective value: 7
	VariantFrom string // target, environment, default
	IsPort      bool
	Native      bool
	CgoEnabled  bool
	CgoReason   string
	CC          string
	Sysroot     string
	// Error, when not empty, says why xcheck could not check the target
	// (the go command could not list its packages): its verdict is then
	// finding.VerdictError, whatever its findings, which are only those
	// found before the failure.
	Error   string
	Verdict finding.Verdict
	Counts  finding.Counts
	// Packages is the number of packages in the target's import graph as
	// xcheck loaded it (the standard library included); 0 when its
	// packages were not loaded (a target that fails before compiling,
	// xcheck inspect).
	Packages int
}

// Finalize computes each target's verdict and counts from the findings.
// A target with an Error gets finding.VerdictError.
func (r *Report) Finalize() {
	for i := range r.Targets {
		t := &r.Targets[i]
		t.Verdict = finding.VerdictFor(t.Name, r.Findings)
		if t.Error != "" {
			t.Verdict = finding.VerdictError
		}
		t.Counts = finding.Count(r.Findings, t.Name)
	}
}

// Unchecked returns the targets that could not be checked (those with an
// Error), in report order.
func (r *Report) Unchecked() []TargetResult {
	var out []TargetResult
	for _, t := range r.Targets {
		if t.Error != "" {
			out = append(out, t)
		}
	}
	return out
}

// Failed reports whether the run fails at r.FailOn.
func (r *Report) Failed() bool { return r.FailOn.Fails(r.Findings) }

// Renderer writes a report in one format.
type Renderer interface {
	Render(w io.Writer, r *Report) error
}

// Options tune renderers.
type Options struct {
	Color   bool // text: ANSI colours
	Verbose bool // text: show info findings' details, env lines
	Quiet   bool // text: only findings, no header or table
	// ShowSuppressed: text also lists suppressed findings, marked so.
	ShowSuppressed bool
}

// Formats lists the output formats.
var Formats = []string{"text", "json", "sarif", "github", "markdown", "codequality"}

// New returns the renderer for format.
func New(format string, opt Options) (Renderer, error) {
	switch format {
	case "text":
		return &Text{Options: opt}, nil
	case "json":
		return JSON{}, nil
	case "sarif":
		return SARIF{}, nil
	case "github":
		return GitHub{}, nil
	case "markdown", "md":
		return Markdown{}, nil
	case "codequality", "gitlab":
		return CodeQuality{}, nil
	}
	return nil, fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(Formats, ", "))
}

// usedRules returns the rules used by findings, by ID.
func usedRules(r *Report) []*finding.Rule {
	seen := map[string]*finding.Rule{}
	for _, f := range r.Findings {
		seen[f.Rule.ID] = f.Rule
	}
	out := make([]*finding.Rule, 0, len(seen))
	for _, ru := range seen {
		out = append(out, ru)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
