package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/xcheck-dev/xcheck/finding"
)

// Markdown renders a summary for a pull request comment (GitHub-flavoured
// markdown): a heading with the error and warning counts, a table of
// targets, the targets that could not be checked and why, then the
// unsuppressed findings grouped by severity, each with a link to its
// rule's documentation. It uses no emoji and no HTML beyond
// <br> inside table cells.
type Markdown struct{}

// Render implements Renderer.
func (Markdown) Render(w io.Writer, r *Report) error {
	ew := &errWriter{w: w}
	c := finding.Count(r.Findings, "")

	heading := "no findings"
	if c.Errors+c.Warnings+c.Infos > 0 {
		heading = plural(c.Errors, "error") + ", " + plural(c.Warnings, "warning")
		if c.Infos > 0 {
			heading += fmt.Sprintf(", %d info", c.Infos)
		}
	}
	unchecked := r.Unchecked()
	if len(unchecked) > 0 {
		heading += ", " + plural(len(unchecked), "target") + " not checked"
	}
	fmt.Fprintf(ew, "## xcheck: %s\n\n", heading)

	var meta []string
	if v := strings.TrimSpace(r.Tool.Name + " " + r.Tool.Version); v != "" {
		meta = append(meta, v)
	}
	if r.Toolchain.GoVersion != "" {
		meta = append(meta, r.Toolchain.GoVersion)
	}
	line := upperFirst(summaryLine(r)) + "."
	if len(meta) > 0 {
		line += " Checked with " + strings.Join(meta, ", ") + "."
	}
	if r.Failed() {
		line += fmt.Sprintf(" **The run fails** (`--fail-on %s`).", r.FailOn)
	}
	if len(unchecked) > 0 {
		line += " **The check is incomplete**: xcheck could not check " + plural(len(unchecked), "target") + "."
	}
	fmt.Fprintf(ew, "%s\n\n", line)

	if len(r.Targets) > 0 {
		fmt.Fprintln(ew, "| Target | cgo | Verdict | Errors | Warnings | Info |")
		fmt.Fprintln(ew, "| --- | --- | --- | ---: | ---: | ---: |")
		for _, t := range r.Targets {
			verdict := verdictWord(t.Verdict)
			if t.Verdict == finding.VerdictFail || t.Verdict == finding.VerdictError {
				verdict = "**" + verdict + "**"
			}
			fmt.Fprintf(ew, "| %s | %s | %s | %d | %d | %d |\n",
				mdCode(t.Name), onOff(t.CgoEnabled), verdict,
				t.Counts.Errors, t.Counts.Warnings, t.Counts.Infos)
		}
		fmt.Fprintln(ew)
	}

	if len(unchecked) > 0 {
		fmt.Fprintf(ew, "### Not checked (%d)\n\n", len(unchecked))
		fmt.Fprintln(ew, "| Target | Reason |")
		fmt.Fprintln(ew, "| --- | --- |")
		for _, t := range unchecked {
			fmt.Fprintf(ew, "| %s | %s |\n", mdCode(t.Name), mdCell(oneLine(t.Error)))
		}
		fmt.Fprintln(ew)
	}

	for _, group := range []struct {
		sev   finding.Severity
		title string
	}{
		{finding.Error, "Errors"},
		{finding.Warning, "Warnings"},
		{finding.Info, "Info"},
	} {
		var fs []*finding.Finding
		for i := range r.Findings {
			f := &r.Findings[i]
			if !f.Suppressed && f.Severity == group.sev {
				fs = append(fs, f)
			}
		}
		if len(fs) == 0 {
			continue
		}
		fmt.Fprintf(ew, "### %s (%d)\n\n", group.title, len(fs))
		fmt.Fprintln(ew, "| Rule | Location | Targets | Message | Fix |")
		fmt.Fprintln(ew, "| --- | --- | --- | --- | --- |")
		for _, f := range fs {
			loc := "-"
			if f.Pos.IsValid() {
				loc = mdCode(f.Pos.String())
			}
			targets := make([]string, len(f.Targets))
			for i, t := range f.Targets {
				targets[i] = mdCode(t)
			}
			fix := mdCell(f.Fix)
			if fix == "" {
				fix = "-"
			}
			fmt.Fprintf(ew, "| [%s](%s) %s | %s | %s | %s | %s |\n",
				f.Rule.ID, ruleDocURL(f.Rule.ID), mdCell(f.Rule.Name),
				loc, strings.Join(targets, ", "), mdCell(f.Message), fix)
		}
		fmt.Fprintln(ew)
	}
	return ew.err
}

// mdCell escapes text for a table cell: pipes would end the cell, '<'
// could start an HTML tag, and newlines would end the row.
func mdCell(s string) string {
	s = strings.TrimRight(s, "\n")
	return strings.NewReplacer(
		`|`, `\|`,
		`<`, `&lt;`,
		"\r\n", "<br>",
		"\n", "<br>",
	).Replace(s)
}

// mdCode formats s as a code span inside a table cell. GitHub unescapes
// \| inside code spans in tables; backticks in s lengthen the fence.
func mdCode(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\n", " "), "|", `\|`)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
