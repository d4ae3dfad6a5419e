// Package rules is the registry of every xcheck rule. Each rule is defined
// next to the check that reports it (matrix.Rules for XC1xxx, and so on);
// this package only collects them, so that `xcheck rules`, `xcheck explain`,
// docs/rules/ and the SARIF rule metadata all come from one source.
package rules

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/xcheck-dev/xcheck/abi"
	"github.com/xcheck-dev/xcheck/analyzers"
	"github.com/xcheck-dev/xcheck/buildenv"
	"github.com/xcheck-dev/xcheck/cgoneeds"
	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/inspect"
	"github.com/xcheck-dev/xcheck/matrix"
	"github.com/xcheck-dev/xcheck/suppress"
)

var all = sync.OnceValue(func() []*finding.Rule {
	var rs []*finding.Rule
	rs = append(rs, abi.Rules...)
	rs = append(rs, analyzers.Rules...)
	rs = append(rs, buildenv.Rules...)
	rs = append(rs, cgoneeds.Rules...)
	rs = append(rs, inspect.Rules...)
	rs = append(rs, matrix.Rules...)
	rs = append(rs, suppress.Rules...)
	slices.SortFunc(rs, func(a, b *finding.Rule) int { return strings.Compare(a.ID, b.ID) })
	return rs
})

// All returns every rule, sorted by ID.
func All() []*finding.Rule { return all() }

// Lookup finds a rule by ID (case-insensitive) or by name.
func Lookup(idOrName string) *finding.Rule {
	for _, r := range All() {
		if strings.EqualFold(r.ID, idOrName) || r.Name == strings.ToLower(idOrName) {
			return r
		}
	}
	return nil
}

// Validate checks every rule and that IDs and names are unique.
func Validate() error {
	ids, names := map[string]bool{}, map[string]bool{}
	for _, r := range All() {
		if err := r.Validate(); err != nil {
			return err
		}
		if ids[r.ID] || names[r.Name] {
			return fmt.Errorf("rule %s (%s) is registered twice", r.ID, r.Name)
		}
		ids[r.ID], names[r.Name] = true, true
	}
	return nil
}

// Index renders docs/rules/README.md: a table of every rule.
func Index() string {
	var b strings.Builder
	b.WriteString("# xcheck rules\n\nGenerated from the rule definitions by `make docs`; do not edit by hand.\n\n")
	b.WriteString("| ID | Name | Severity | What it finds |\n|---|---|---|---|\n")
	for _, r := range All() {
		fmt.Fprintf(&b, "| [%s](%s.md) | `%s` | %s | %s |\n", r.ID, r.ID, r.Name, r.Severity, r.Title)
	}
	return b.String()
}
