// Package finding defines what every xcheck check produces: a Finding about
// one or more targets, tied to a Rule with a stable ID, and the operations
// every report needs (merging identical findings across targets, sorting,
// deciding verdicts and exit status).
//
// Findings are plain values: positions are resolved file:line:col strings,
// never token.Pos, so findings from different package loads can be compared
// and merged.
package finding

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Severity orders findings by how badly they break a release.
type Severity int

const (
	// Info is worth knowing (a secondary port, a cgo-optional package).
	Info Severity = iota + 1
	// Warning means the build succeeds but the result will fail or
	// misbehave on the target (a stub, a glibc too new, a kernel too old).
	Warning
	// Error means the build for that target fails.
	Error
)

func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return fmt.Sprintf("Severity(%d)", int(s))
}

// ParseSeverity parses "error", "warning" or "info".
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(s) {
	case "error":
		return Error, nil
	case "warning", "warn":
		return Warning, nil
	case "info":
		return Info, nil
	}
	return 0, fmt.Errorf("unknown severity %q (want error, warning or info)", s)
}

// Position is a resolved source position, or a location inside a binary
// artifact. The zero Position means "no position" (a finding about the
// toolchain or the target itself).
type Position struct {
	File   string // path, relative to the module root where possible
	Line   int    // 1-based; 0 if unknown
	Column int    // 1-based; 0 if unknown

	// For findings about binary artifacts: the ELF section or segment.
	Section string
}

// IsValid reports whether p names any place at all.
func (p Position) IsValid() bool { return p.File != "" }

func (p Position) String() string {
	if p.File == "" {
		return ""
	}
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
		if p.Column > 0 {
			fmt.Fprintf(&b, ":%d", p.Column)
		}
	}
	if p.Section != "" {
		fmt.Fprintf(&b, " [%s]", p.Section)
	}
	return b.String()
}

func (p Position) compare(q Position) int {
	return cmp.Or(
		cmp.Compare(p.File, q.File),
		cmp.Compare(p.Line, q.Line),
		cmp.Compare(p.Column, q.Column),
		cmp.Compare(p.Section, q.Section),
	)
}

// Finding is one problem, for one or more targets.
type Finding struct {
	Rule     *Rule
	Severity Severity // usually Rule.Severity; config may override it
	Targets  []string // canonical target names, sorted
	Pos      Position
	Message  string   // lowercase, no final period
	Why      []string // evidence: import chain, the file a fact came from
	Fix      string   // a verb phrase telling what to do

	Suppressed bool
}

// New returns a finding of rule r for target at pos, with the rule's
// default severity and fix.
func New(r *Rule, target string, pos Position, msg string) Finding {
	f := Finding{Rule: r, Severity: r.Severity, Pos: pos, Message: msg, Fix: r.Fix}
	if target != "" {
		f.Targets = []string{target}
	}
	return f
}

// key identifies findings that are the same problem on different targets.
func (f *Finding) key() string {
	return strings.Join([]string{
		f.Rule.ID, f.Severity.String(), f.Pos.String(), f.Message, f.Fix,
		strings.Join(f.Why, "\x00"), fmt.Sprint(f.Suppressed),
	}, "\x01")
}

// Merge folds findings that differ only in their targets into one finding
// listing all of them, and returns the result in Sort order. The input is
// not modified.
func Merge(in []Finding) []Finding {
	idx := make(map[string]int, len(in))
	var out []Finding
	for _, f := range in {
		k := f.key()
		if i, ok := idx[k]; ok {
			out[i].Targets = append(out[i].Targets, f.Targets...)
			continue
		}
		idx[k] = len(out)
		f.Targets = slices.Clone(f.Targets)
		f.Why = slices.Clone(f.Why)
		out = append(out, f)
	}
	for i := range out {
		slices.SortFunc(out[i].Targets, CompareTargetNames)
		out[i].Targets = slices.Compact(out[i].Targets)
	}
	Sort(out)
	return out
}

// Sort orders findings deterministically: findings without a position
// (toolchain and target findings) first, then by file, line, column; then
// by rule ID, severity (most severe first), message and targets.
func Sort(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		if a.Pos.IsValid() != b.Pos.IsValid() {
			if a.Pos.IsValid() {
				return 1
			}
			return -1
		}
		return cmp.Or(
			a.Pos.compare(b.Pos),
			cmp.Compare(a.Rule.ID, b.Rule.ID),
			cmp.Compare(b.Severity, a.Severity),
			cmp.Compare(a.Message, b.Message),
			slices.CompareFunc(a.Targets, b.Targets, CompareTargetNames),
		)
	})
}

// CompareTargetNames orders target names by GOOS, then GOARCH, then variant,
// so that "linux/arm" sorts before "linux/arm/v6" and "linux/arm64".
func CompareTargetNames(a, b string) int {
	as, bs := strings.SplitN(a, "/", 3), strings.SplitN(b, "/", 3)
	for i := 0; i < 3; i++ {
		var x, y string
		if i < len(as) {
			x = as[i]
		}
		if i < len(bs) {
			y = bs[i]
		}
		if c := cmp.Compare(x, y); c != 0 {
			return c
		}
	}
	return 0
}

// Verdict is xcheck's prediction for one target.
type Verdict string

const (
	VerdictOK   Verdict = "ok"   // nothing at warning or above
	VerdictWarn Verdict = "warn" // builds, but warnings
	VerdictFail Verdict = "fail" // xcheck predicts the build fails
	// VerdictError: xcheck could not check the target (the go command
	// could not list its packages), so it predicts nothing; VerdictFor
	// never returns it, the command that failed sets it.
	VerdictError Verdict = "error"
)

// VerdictFor returns the verdict for target from the (unsuppressed) findings
// that name it.
func VerdictFor(target string, fs []Finding) Verdict {
	v := VerdictOK
	for _, f := range fs {
		if f.Suppressed || !slices.Contains(f.Targets, target) {
			continue
		}
		switch f.Severity {
		case Error:
			return VerdictFail
		case Warning:
			v = VerdictWarn
		}
	}
	return v
}

// Counts tallies unsuppressed findings by severity, and suppressed ones.
type Counts struct {
	Errors, Warnings, Infos, Suppressed int
}

// Count returns the counts of fs; if target is not empty, only findings for
// that target count.
func Count(fs []Finding, target string) Counts {
	var c Counts
	for _, f := range fs {
		if target != "" && !slices.Contains(f.Targets, target) {
			continue
		}
		if f.Suppressed {
			c.Suppressed++
			continue
		}
		switch f.Severity {
		case Error:
			c.Errors++
		case Warning:
			c.Warnings++
		case Info:
			c.Infos++
		}
	}
	return c
}

// FailOn is the threshold at which findings fail a run.
type FailOn int

const (
	FailOnNever FailOn = iota
	FailOnInfo
	FailOnWarning
	FailOnError
)

// ParseFailOn parses --fail-on values.
func ParseFailOn(s string) (FailOn, error) {
	switch s {
	case "error":
		return FailOnError, nil
	case "warning":
		return FailOnWarning, nil
	case "info":
		return FailOnInfo, nil
	case "never":
		return FailOnNever, nil
	}
	return 0, fmt.Errorf("invalid --fail-on value %q (want error, warning, info or never)", s)
}

func (t FailOn) String() string {
	return [...]string{"never", "info", "warning", "error"}[t]
}

// Fails reports whether any unsuppressed finding is at or above the
// threshold.
func (t FailOn) Fails(fs []Finding) bool {
	if t == FailOnNever {
		return false
	}
	for _, f := range fs {
		if !f.Suppressed && int(f.Severity) >= int(t) {
			return true
		}
	}
	return false
}
