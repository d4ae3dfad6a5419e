package report

import (
	"fmt"
	"strings"

	"github.com/xcheck-dev/xcheck/finding"
)

// Project links used by the SARIF and markdown renderers. Rule pages live in
// xcheck's repository, not in the checked module's, so links are absolute.
const (
	informationURI = "https://github.com/xcheck-dev/xcheck"
	ruleDocBase    = informationURI + "/blob/main/docs/rules/"
)

// ruleDocURL returns the documentation page of a rule.
func ruleDocURL(id string) string { return ruleDocBase + id + ".md" }

// verdictWord is the human word for a verdict in text and markdown output.
func verdictWord(v finding.Verdict) string {
	switch v {
	case finding.VerdictOK:
		return "ok"
	case finding.VerdictWarn:
		return "warnings"
	case finding.VerdictFail:
		return "fails"
	case finding.VerdictError:
		return "not checked"
	}
	return string(v)
}

// plural returns "1 error", "2 errors", "0 errors".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// onOff renders a boolean as on/off, as CGO_ENABLED reads.
func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// host returns "GOHOSTOS/GOHOSTARCH", or "" when unknown.
func (t Toolchain) host() string {
	if t.GOHOSTOS == "" && t.GOHOSTARCH == "" {
		return ""
	}
	return t.GOHOSTOS + "/" + t.GOHOSTARCH
}

// summaryLine is the one-line summary shared by the text and markdown
// renderers: "3 errors, 1 warning, 2 info (1 suppressed) across 4
// targets", and ", 1 not checked" when a target could not be checked.
func summaryLine(r *Report) string {
	c := finding.Count(r.Findings, "")
	var b strings.Builder
	if c.Errors+c.Warnings+c.Infos == 0 {
		b.WriteString("no findings")
	} else {
		fmt.Fprintf(&b, "%s, %s, %d info", plural(c.Errors, "error"), plural(c.Warnings, "warning"), c.Infos)
	}
	if c.Suppressed > 0 {
		fmt.Fprintf(&b, " (%d suppressed)", c.Suppressed)
	}
	fmt.Fprintf(&b, " across %s", plural(len(r.Targets), "target"))
	if n := len(r.Unchecked()); n > 0 {
		fmt.Fprintf(&b, ", %d not checked", n)
	}
	return b.String()
}

// uncheckedLine says why a target could not be checked, in one line:
// "linux/arm64 not checked: loading packages: go: ...".
func uncheckedLine(t *TargetResult) string {
	return t.Name + " not checked: " + oneLine(t.Error)
}

// oneLine joins the non-blank lines of s with "; ".
func oneLine(s string) string {
	var lines []string
	for l := range strings.Lines(s) {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "; ")
}

// findingTargets renders a finding's targets as "linux/arm64, windows/amd64".
func findingTargets(f *finding.Finding) string { return strings.Join(f.Targets, ", ") }
