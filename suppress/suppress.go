// Package suppress applies //xcheck:ignore and //xcheck:file-ignore
// directives to findings, the way staticcheck's ignore directives work:
//
//	//xcheck:ignore XC2001[,XC3001] reason       the same line, or the line below
//	//xcheck:file-ignore XC2001 reason            the whole file
//
// A directive needs a reason (XC9001), and a directive that suppressed
// nothing in a run is itself reported (XC9002). Suppressed findings are kept,
// marked Suppressed: reports carry them (SARIF suppressions, JSON
// "suppressed": true) and count them, and they never fail a run.
package suppress

import (
	"bytes"
	"fmt"
	"go/scanner"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/xcheck-dev/xcheck/finding"
)

// Rules of this package.
var (
	RuleNoReason = &finding.Rule{
		ID: "XC9001", Name: "directive-without-reason", Severity: finding.Warning,
		Title: "an //xcheck:ignore directive gives no reason",
		Why: "A suppression is a decision that a finding does not matter for this code; without the reason, " +
			"the next reader cannot tell whether it still holds (the target list changed, the dependency was " +
			"fixed). xcheck still applies the directive.",
		Example: "```go\n//xcheck:ignore XC2001\nsignal.Notify(c, syscall.SIGUSR1)\n```\n\n```\nreload.go:12:1: warning XC9001 //xcheck:ignore needs a reason after the rule IDs\n```",
		Fix:     "write the reason after the rule IDs: //xcheck:ignore XC2001 only built for unix, see build.sh",
	}
	RuleUnused = &finding.Rule{
		ID: "XC9002", Name: "unused-directive", Severity: finding.Warning,
		Title: "an //xcheck:ignore directive suppressed nothing",
		Why: "A directive that matches no finding (the code was fixed, the rule ID is mistyped, the line " +
			"moved) hides nothing today but would silently hide a future finding on that line. Directives " +
			"match findings of the targets checked in this run only.",
		Example: "```\nmain.go:7:1: warning XC9002 //xcheck:ignore XC2001 matched no finding\n```",
		Fix:     "remove the directive, or fix its rule IDs and place it on or above the line of the finding",
	}
	RuleMalformed = &finding.Rule{
		ID: "XC9003", Name: "malformed-directive", Severity: finding.Warning,
		Title: "an //xcheck: directive cannot be read",
		Why: "A directive with an unknown verb (`//xcheck:ignroe`) or without rule IDs suppresses nothing, " +
			"so the finding it was meant for still fails the run, or the typo hides the intent.",
		Example: "```\nmain.go:7:1: warning XC9003 unknown directive //xcheck:ignroe (want //xcheck:ignore or //xcheck:file-ignore)\n```",
		Fix:     "write //xcheck:ignore RULE[,RULE] reason or //xcheck:file-ignore RULE[,RULE] reason",
	}
)

// Rules lists the XC9xxx rules.
var Rules = []*finding.Rule{RuleNoReason, RuleUnused, RuleMalformed}

// Directive is one //xcheck: comment.
type Directive struct {
	Pos    finding.Position // where the comment starts
	File   bool             // file-ignore
	Rules  []string         // rule IDs, upper case
	Reason string
	used   bool
}

var directiveRE = regexp.MustCompile(`^//xcheck:(\S+)\s*(.*)$`)
var ruleIDRE = regexp.MustCompile(`^XC[0-9]{4}$`)

// Parse reads the directives in the Go source src of file rel (a path
// relative to the module root, as findings name it), and the findings the
// malformed ones deserve. A directive is a line comment that starts with
// //xcheck: (like //go: directives): text inside string literals, and
// comments that only mention a directive ("// write //xcheck:ignore ..."),
// are not directives.
func Parse(rel string, src []byte) ([]*Directive, []finding.Finding) {
	var ds []*Directive
	var problems []finding.Finding
	if !bytes.Contains(src, []byte("//xcheck:")) {
		return nil, nil
	}
	fset := token.NewFileSet()
	file := fset.AddFile(rel, -1, len(src))
	var sc scanner.Scanner
	sc.Init(file, src, func(token.Position, string) {}, scanner.ScanComments)
	for {
		at, tok, lit := sc.Scan()
		if tok == token.EOF {
			break
		}
		if tok != token.COMMENT || !strings.HasPrefix(lit, "//xcheck:") {
			continue
		}
		// Positions as in the file: //line comments do not move them.
		p := fset.PositionFor(at, false)
		pos := finding.Position{File: rel, Line: p.Line, Column: p.Column}
		m := directiveRE.FindStringSubmatch(strings.TrimSpace(lit))
		if m == nil {
			continue
		}
		verb, rest := m[1], m[2]
		if verb != "ignore" && verb != "file-ignore" {
			problems = append(problems, finding.New(RuleMalformed, "", pos,
				fmt.Sprintf("unknown directive //xcheck:%s (want //xcheck:ignore or //xcheck:file-ignore)", verb)))
			continue
		}
		ids, reason := rest, ""
		if i := strings.IndexAny(rest, " \t"); i >= 0 {
			ids, reason = rest[:i], rest[i+1:]
		}
		d := &Directive{Pos: pos, File: verb == "file-ignore", Reason: strings.TrimSpace(reason)}
		bad := ids == ""
		for _, id := range strings.Split(ids, ",") {
			id = strings.ToUpper(strings.TrimSpace(id))
			if !ruleIDRE.MatchString(id) {
				bad = true
				break
			}
			d.Rules = append(d.Rules, id)
		}
		if bad {
			problems = append(problems, finding.New(RuleMalformed, "", pos,
				fmt.Sprintf("//xcheck:%s needs rule IDs such as XC2001 or XC2001,XC3001 (got %q)", verb, ids)))
			continue
		}
		if d.Reason == "" {
			problems = append(problems, finding.New(RuleNoReason, "", pos,
				fmt.Sprintf("//xcheck:%s needs a reason after the rule IDs", verb)))
		}
		ds = append(ds, d)
	}
	return ds, problems
}

// MaxFileSize is the size of the largest Go file Scan reads directives
// from; larger files are skipped.
const MaxFileSize = 32 << 20

// Scan reads the directives of every Go file below root (skipping vendor,
// testdata and hidden directories; symbolic links are not followed).
func Scan(root string) ([]*Directive, []finding.Finding, error) {
	var ds []*Directive
	var problems []finding.Finding
	err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable parts are not ours to report
		}
		name := e.Name()
		if e.IsDir() {
			if path != root && (name == "vendor" || name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			if path != root {
				if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
					return filepath.SkipDir // another module
				}
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || !e.Type().IsRegular() {
			return nil
		}
		// Files are read whole: a huge one (a 4 GiB sparse x.go takes no
		// disk) is skipped, and a directive in it suppresses nothing.
		if fi, err := e.Info(); err != nil || fi.Size() > MaxFileSize {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return nil
		}
		d, p := Parse(filepath.ToSlash(rel), src)
		ds = append(ds, d...)
		problems = append(problems, p...)
		return nil
	})
	return ds, problems, err
}

// Apply marks the findings that directives suppress, and returns fs with the
// directive findings (no reason, malformed, unused) added. targets are the
// targets of the run: directive findings apply to all of them.
func Apply(fs []finding.Finding, ds []*Directive, problems []finding.Finding, targets []string) []finding.Finding {
	byFile := map[string][]*Directive{}
	for _, d := range ds {
		byFile[d.Pos.File] = append(byFile[d.Pos.File], d)
	}
	for i := range fs {
		f := &fs[i]
		for _, d := range byFile[f.Pos.File] {
			if !slices.Contains(d.Rules, f.Rule.ID) {
				continue
			}
			if d.File || d.Pos.Line == f.Pos.Line || d.Pos.Line+1 == f.Pos.Line {
				f.Suppressed = true
				d.used = true
			}
		}
	}
	out := fs
	for _, p := range problems {
		p.Targets = slices.Clone(targets)
		out = append(out, p)
	}
	for _, d := range ds {
		if !d.used {
			verb := "ignore"
			if d.File {
				verb = "file-ignore"
			}
			f := finding.New(RuleUnused, "", d.Pos,
				fmt.Sprintf("//xcheck:%s %s matched no finding", verb, strings.Join(d.Rules, ",")))
			f.Targets = slices.Clone(targets)
			out = append(out, f)
		}
	}
	return out
}
