package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/fatih/color"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/xcheck-dev/xcheck/finding"
)

// Text renders a report for people at a terminal: one headline per
// unsuppressed finding with its evidence and fix, then a table of targets
// and a one-line summary.
//
//	internal/mem/size.go:14:9: error XC2001 [linux/arm/v6] cannot use ...
//	    why: int is 32 bits wide when GOARCH=arm
//	    fix: declare the value as int64
//
// Colour is used only when Options.Color is set; the colour objects are
// configured per render, so the global color.NoColor is never consulted.
type Text struct {
	Options
}

// palette holds the colours of one render.
type palette struct {
	pos, err, warn, info, label, ok *color.Color
}

func newPalette(enabled bool) palette {
	mk := func(attrs ...color.Attribute) *color.Color {
		c := color.New(attrs...)
		if enabled {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
		return c
	}
	return palette{
		pos:   mk(color.Bold),
		err:   mk(color.FgRed, color.Bold),
		warn:  mk(color.FgYellow, color.Bold),
		info:  mk(color.FgCyan, color.Bold),
		label: mk(color.Faint),
		ok:    mk(color.FgGreen),
	}
}

func (p palette) severity(s finding.Severity) *color.Color {
	switch s {
	case finding.Error:
		return p.err
	case finding.Warning:
		return p.warn
	}
	return p.info
}

func (p palette) verdict(v finding.Verdict) *color.Color {
	switch v {
	case finding.VerdictFail, finding.VerdictError:
		return p.err
	case finding.VerdictWarn:
		return p.warn
	}
	return p.ok
}

// Render implements Renderer.
func (t *Text) Render(w io.Writer, r *Report) error {
	ew := &errWriter{w: w}
	p := newPalette(t.Color)

	// The header ends with a blank line; findings get one after them.
	wrote := false
	if !t.Quiet {
		t.header(ew, r)
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Suppressed && !t.ShowSuppressed {
			continue
		}
		t.finding(ew, p, f)
		wrote = true
	}
	if t.Quiet {
		return ew.err
	}
	if wrote {
		fmt.Fprintln(ew)
	}
	if err := t.table(ew, p, r); err != nil && ew.err == nil {
		return err
	}
	// Why each target that could not be checked was not.
	for _, tr := range r.Unchecked() {
		fmt.Fprintln(ew, p.err.Sprint(tr.Name+" not checked:")+" "+oneLine(tr.Error))
	}
	fmt.Fprintln(ew, summaryLine(r))
	return ew.err
}

// header prints the toolchain and each target's build
// environment.
func (t *Text) header(w io.Writer, r *Report) {
	tc := r.Toolchain
	line := strings.TrimSpace(r.Tool.Name + " " + r.Tool.Version)
	if tc.GoVersion != "" {
		line += ", " + tc.GoVersion
	}
	if tc.GOROOT != "" {
		line += " (" + tc.GOROOT + ")"
	}
	if h := tc.host(); h != "" {
		line += " on " + h
	}
	fmt.Fprintln(w, line)
	width := 0
	for _, tr := range r.Targets {
		width = max(width, len(tr.Name))
	}
	for _, tr := range r.Targets {
		fmt.Fprintf(w, "  %-*s  %s\n", width, tr.Name, envLine(&tr))
	}
	fmt.Fprintln(w)
}

// envLine tells, in one line, how a target is built: native or cross, the
// variant, cgo on or off and why, and the C compiler (only when cgo is on:
// otherwise none runs).
func envLine(tr *TargetResult) string {
	if !tr.IsPort {
		return "not a port of this toolchain"
	}
	var parts []string
	if tr.Native {
		parts = append(parts, "native")
	} else {
		parts = append(parts, "cross")
	}
	if tr.VariantVar != "" && tr.Variant != "" {
		v := tr.VariantVar + "=" + tr.Variant
		if tr.VariantFrom != "" && tr.VariantFrom != "target" {
			v += " (" + tr.VariantFrom + ")"
		}
		parts = append(parts, v)
	}
	cgo := "cgo off"
	if tr.CgoEnabled {
		cgo = "cgo on"
	}
	if tr.CgoReason != "" {
		cgo += " (" + tr.CgoReason + ")"
	}
	parts = append(parts, cgo)
	if tr.CgoEnabled && tr.CC != "" {
		parts = append(parts, "CC="+tr.CC)
	}
	if tr.Sysroot != "" {
		parts = append(parts, "sysroot="+tr.Sysroot)
	}
	return strings.Join(parts, ", ")
}

// finding prints one finding: its headline, then why and fix lines.
// Info findings show their details only in verbose mode.
func (t *Text) finding(w io.Writer, p palette, f *finding.Finding) {
	var b strings.Builder
	if f.Pos.IsValid() {
		b.WriteString(p.pos.Sprint(f.Pos.String()))
		b.WriteString(": ")
	}
	b.WriteString(p.severity(f.Severity).Sprint(f.Severity.String()))
	b.WriteString(" ")
	b.WriteString(f.Rule.ID)
	if f.Suppressed {
		b.WriteString(" (suppressed)")
	}
	if len(f.Targets) > 0 {
		b.WriteString(" [" + findingTargets(f) + "]")
	}
	b.WriteString(" ")
	b.WriteString(indentLines(f.Message, "    "))
	fmt.Fprintln(w, b.String())

	if f.Severity == finding.Info && !t.Verbose {
		return
	}
	for _, why := range f.Why {
		fmt.Fprintf(w, "    %s %s\n", p.label.Sprint("why:"), indentLines(why, "         "))
	}
	if f.Fix != "" {
		fmt.Fprintf(w, "    %s %s\n", p.label.Sprint("fix:"), indentLines(f.Fix, "         "))
	}
}

// indentLines indents every line of s after the first.
func indentLines(s, indent string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+indent)
}

// table prints the per-target summary table. It is borderless and uses
// ASCII only, so it reads the same in any terminal and in CI logs.
func (t *Text) table(w io.Writer, p palette, r *Report) error {
	right, left := tw.AlignRight, tw.AlignLeft
	tbl := NewTable([]tw.Align{left, left, left, left, right, right, right})
	tbl.Header("TARGET", "CGO", "CC", "VERDICT", "ERRORS", "WARNINGS", "INFO")
	for _, tr := range r.Targets {
		// The C compiler only runs when cgo is on.
		cc := tr.CC
		if cc == "" || !tr.CgoEnabled {
			cc = "-"
		}
		err := tbl.Append([]string{
			tr.Name,
			onOff(tr.CgoEnabled),
			cc,
			p.verdict(tr.Verdict).Sprint(verdictWord(tr.Verdict)),
			fmt.Sprint(tr.Counts.Errors),
			fmt.Sprint(tr.Counts.Warnings),
			fmt.Sprint(tr.Counts.Infos),
		})
		if err != nil {
			return err
		}
	}
	return tbl.Render(w)
}

// errWriter remembers the first write error so renderers can write freely
// and check once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	if err != nil {
		e.err = err
	}
	return n, err
}
