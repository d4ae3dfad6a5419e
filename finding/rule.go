package finding

import (
	"fmt"
	"regexp"
	"strings"
)

// Rule describes one check. Its fields are the single source of the rule's
// documentation: `xcheck explain`, `xcheck rules`, docs/rules/*.md and the
// SARIF rule metadata are all generated from them.
type Rule struct {
	ID       string   // stable, never reused: XC1001
	Name     string   // short kebab-case name, distinct from the ID: unknown-port
	Severity Severity // default severity
	Title    string   // one lowercase line: what the rule finds

	// Why explains what breaks, and on which targets (markdown).
	Why string
	// Example shows the rule firing: a command line and its output, or a
	// snippet of code (markdown).
	Example string
	// Fix is the default fix, a verb phrase; findings may refine it.
	Fix string
}

var ruleID = regexp.MustCompile(`^XC[0-9]{4}$`)
var ruleName = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Validate checks that r is well formed.
func (r *Rule) Validate() error {
	switch {
	case !ruleID.MatchString(r.ID):
		return fmt.Errorf("rule %q: ID must look like XC1234", r.ID)
	case !ruleName.MatchString(r.Name):
		return fmt.Errorf("rule %s: name %q must be kebab-case", r.ID, r.Name)
	case r.Severity < Info || r.Severity > Error:
		return fmt.Errorf("rule %s: invalid severity", r.ID)
	case r.Title == "" || strings.HasSuffix(r.Title, "."):
		return fmt.Errorf("rule %s: title must be set and not end in a period", r.ID)
	case r.Why == "" || r.Fix == "":
		return fmt.Errorf("rule %s: Why and Fix are required", r.ID)
	}
	return nil
}

// Family returns the rule family a rule ID belongs to.
func Family(id string) string {
	if len(id) < 3 {
		return ""
	}
	switch id[2] {
	case '0':
		return "environment"
	case '1':
		return "targets and toolchain"
	case '2':
		return "sources"
	case '3':
		return "cgo"
	case '4':
		return "sysroot and ABI"
	case '5':
		return "artifacts"
	case '9':
		return "directives"
	}
	return ""
}

// Markdown renders the rule's documentation page.
func (r *Rule) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s: %s\n\n", r.ID, r.Name)
	fmt.Fprintf(&b, "%s.\n\n", upperFirst(r.Title))
	fmt.Fprintf(&b, "| | |\n|---|---|\n| ID | `%s` |\n| Name | `%s` |\n| Default severity | %s |\n| Family | %s (XC%cxxx) |\n\n",
		r.ID, r.Name, r.Severity, Family(r.ID), r.ID[2])
	fmt.Fprintf(&b, "## Why it breaks\n\n%s\n\n", strings.TrimSpace(r.Why))
	if r.Example != "" {
		fmt.Fprintf(&b, "## Example\n\n%s\n\n", strings.TrimSpace(r.Example))
	}
	fmt.Fprintf(&b, "## Fix\n\n%s.\n", upperFirst(strings.TrimSpace(r.Fix)))
	return b.String()
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
