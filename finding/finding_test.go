package finding

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	ruleA = &Rule{ID: "XC1001", Name: "unknown-port", Severity: Error, Title: "target is not a port of the toolchain",
		Why: "The go command refuses targets it does not know.", Fix: "pick a target from `go tool dist list`"}
	ruleB = &Rule{ID: "XC3001", Name: "cgo-stub", Severity: Warning, Title: "package builds as a stub without cgo",
		Why: "A `!cgo` stub compiles but fails at run time.", Fix: "build with CGO_ENABLED=1"}
)

func pos(file string, line, col int) Position { return Position{File: file, Line: line, Column: col} }

func TestMerge(t *testing.T) {
	in := []Finding{
		New(ruleB, "windows/amd64", pos("db/open.go", 9, 2), "stub"),
		New(ruleB, "linux/arm64", pos("db/open.go", 9, 2), "stub"),
		New(ruleB, "linux/arm", pos("db/open.go", 9, 2), "stub"),
		New(ruleB, "linux/arm64", pos("db/open.go", 9, 2), "stub"), // duplicate target
		New(ruleB, "linux/386", pos("db/open.go", 9, 2), "another message"),
		New(ruleA, "plan9/arm", Position{}, "unknown port"),
	}
	snapshot := deepCopy(in)
	out := Merge(in)

	require.Len(t, out, 3)
	assert.Equal(t, "unknown port", out[0].Message, "no position sorts first")
	assert.Equal(t, []string{"linux/386"}, out[1].Targets)
	assert.Equal(t, "another message", out[1].Message)
	assert.Equal(t, []string{"linux/arm", "linux/arm64", "windows/amd64"}, out[2].Targets,
		"merged, sorted, without duplicates")
	assert.Equal(t, "stub", out[2].Message)
	assert.Equal(t, Warning, out[2].Severity)
	assert.Equal(t, ruleB.Fix, out[2].Fix)

	assert.Equal(t, snapshot, in, "the input is not modified")
	for i := range out {
		for j := range out[i].Targets {
			out[i].Targets[j] = "changed"
		}
	}
	assert.Equal(t, snapshot, in, "the output does not alias the input")
}

func deepCopy(fs []Finding) []Finding {
	out := slices.Clone(fs)
	for i := range out {
		out[i].Targets = slices.Clone(out[i].Targets)
		out[i].Why = slices.Clone(out[i].Why)
	}
	return out
}

func TestMergeKeepsDifferences(t *testing.T) {
	base := New(ruleB, "linux/arm", pos("a.go", 1, 1), "msg")
	variants := map[string]func(f *Finding){
		"severity":   func(f *Finding) { f.Severity = Error },
		"position":   func(f *Finding) { f.Pos.Column = 2 },
		"section":    func(f *Finding) { f.Pos.Section = ".text" },
		"fix":        func(f *Finding) { f.Fix = "other fix" },
		"why":        func(f *Finding) { f.Why = []string{"chain"} },
		"suppressed": func(f *Finding) { f.Suppressed = true },
		"rule":       func(f *Finding) { f.Rule = ruleA },
	}
	for name, change := range variants {
		other := base
		other.Targets = []string{"linux/386"}
		change(&other)
		assert.Len(t, Merge([]Finding{base, other}), 2, "findings differing in %s must not merge", name)
	}
	assert.Len(t, Merge([]Finding{base, base}), 1)
	assert.Empty(t, Merge(nil))
}

func TestSort(t *testing.T) {
	fs := []Finding{
		{Rule: ruleB, Severity: Warning, Pos: pos("b.go", 1, 1), Message: "m"},
		{Rule: ruleA, Severity: Error, Pos: pos("a.go", 10, 1), Message: "m"},
		{Rule: ruleA, Severity: Error, Pos: pos("a.go", 2, 5), Message: "m"},
		{Rule: ruleA, Severity: Error, Pos: pos("a.go", 2, 3), Message: "z"},
		{Rule: ruleB, Severity: Warning, Pos: pos("a.go", 2, 3), Message: "a"},
		{Rule: ruleA, Severity: Warning, Pos: pos("a.go", 2, 3), Message: "a"},
		{Rule: ruleA, Severity: Error, Pos: pos("a.go", 2, 3), Message: "a", Targets: []string{"linux/arm64"}},
		{Rule: ruleA, Severity: Error, Pos: pos("a.go", 2, 3), Message: "a", Targets: []string{"linux/arm"}},
		{Rule: ruleB, Severity: Warning, Message: "no position"},
		{Rule: ruleA, Severity: Error, Message: "no position"},
	}
	Sort(fs)
	var got []string
	for _, f := range fs {
		got = append(got, strings.Join([]string{f.Pos.String(), f.Rule.ID, f.Severity.String(), f.Message, strings.Join(f.Targets, ",")}, " "))
	}
	assert.Equal(t, []string{
		" XC1001 error no position ",
		" XC3001 warning no position ",
		"a.go:2:3 XC1001 error a linux/arm",
		"a.go:2:3 XC1001 error a linux/arm64",
		"a.go:2:3 XC1001 error z ",
		"a.go:2:3 XC1001 warning a ",
		"a.go:2:3 XC3001 warning a ",
		"a.go:2:5 XC1001 error m ",
		"a.go:10:1 XC1001 error m ",
		"b.go:1:1 XC3001 warning m ",
	}, got)
}

func TestCompareTargetNames(t *testing.T) {
	names := []string{"windows/amd64", "linux/arm64", "linux/arm/v7", "linux/arm", "linux/arm/v6", "darwin/arm64", "linux/amd64/v3", "linux/amd64"}
	slices.SortFunc(names, CompareTargetNames)
	assert.Equal(t, []string{"darwin/arm64", "linux/amd64", "linux/amd64/v3", "linux/arm", "linux/arm/v6", "linux/arm/v7", "linux/arm64", "windows/amd64"}, names)
	assert.Zero(t, CompareTargetNames("linux/arm", "linux/arm"))
}

func verdictFixture() []Finding {
	return []Finding{
		{Rule: ruleA, Severity: Error, Targets: []string{"linux/arm", "windows/386"}},
		{Rule: ruleB, Severity: Warning, Targets: []string{"linux/arm64", "windows/386"}},
		{Rule: ruleB, Severity: Info, Targets: []string{"js/wasm"}},
		{Rule: ruleA, Severity: Error, Targets: []string{"darwin/arm64"}, Suppressed: true},
		{Rule: ruleB, Severity: Warning, Targets: []string{"darwin/arm64"}, Suppressed: true},
	}
}

func TestVerdictFor(t *testing.T) {
	fs := verdictFixture()
	for target, want := range map[string]Verdict{
		"linux/arm":    VerdictFail,
		"windows/386":  VerdictFail,
		"linux/arm64":  VerdictWarn,
		"js/wasm":      VerdictOK, // info does not change the verdict
		"darwin/arm64": VerdictOK, // suppressed findings do not count
		"linux/amd64":  VerdictOK,
	} {
		assert.Equal(t, want, VerdictFor(target, fs), target)
	}
	assert.Equal(t, VerdictOK, VerdictFor("linux/arm", nil))
}

func TestCount(t *testing.T) {
	fs := verdictFixture()
	assert.Equal(t, Counts{Errors: 1, Warnings: 1, Infos: 1, Suppressed: 2}, Count(fs, ""))
	assert.Equal(t, Counts{Errors: 1, Warnings: 1}, Count(fs, "windows/386"))
	assert.Equal(t, Counts{Suppressed: 2}, Count(fs, "darwin/arm64"))
	assert.Equal(t, Counts{Infos: 1}, Count(fs, "js/wasm"))
	assert.Equal(t, Counts{}, Count(fs, "linux/amd64"))
	assert.Equal(t, Counts{}, Count(nil, ""))
}

func TestFailOn(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want FailOn
	}{{"error", FailOnError}, {"warning", FailOnWarning}, {"info", FailOnInfo}, {"never", FailOnNever}} {
		got, err := ParseFailOn(tt.s)
		require.NoError(t, err)
		assert.Equal(t, tt.want, got)
		assert.Equal(t, tt.s, got.String(), "String round-trips")
	}
	_, err := ParseFailOn("warn")
	assert.ErrorContains(t, err, `invalid --fail-on value "warn"`)

	only := func(sev Severity, suppressed bool) []Finding {
		return []Finding{{Rule: ruleA, Severity: sev, Targets: []string{"linux/arm"}, Suppressed: suppressed}}
	}
	for _, tt := range []struct {
		threshold FailOn
		fs        []Finding
		want      bool
	}{
		{FailOnError, only(Error, false), true},
		{FailOnError, only(Warning, false), false},
		{FailOnError, only(Error, true), false},
		{FailOnWarning, only(Error, false), true},
		{FailOnWarning, only(Warning, false), true},
		{FailOnWarning, only(Info, false), false},
		{FailOnInfo, only(Info, false), true},
		{FailOnInfo, only(Info, true), false},
		{FailOnNever, only(Error, false), false},
		{FailOnError, nil, false},
	} {
		assert.Equal(t, tt.want, tt.threshold.Fails(tt.fs), "fail-on %s with %v", tt.threshold, tt.fs)
	}
}

func TestSeverity(t *testing.T) {
	for _, s := range []Severity{Info, Warning, Error} {
		got, err := ParseSeverity(s.String())
		require.NoError(t, err)
		assert.Equal(t, s, got)
	}
	got, err := ParseSeverity("WARN")
	require.NoError(t, err)
	assert.Equal(t, Warning, got)
	_, err = ParseSeverity("fatal")
	assert.Error(t, err)
	assert.Equal(t, "Severity(0)", Severity(0).String())
	assert.Greater(t, Error, Warning)
	assert.Greater(t, Warning, Info)
}

func TestPosition(t *testing.T) {
	assert.False(t, Position{}.IsValid())
	assert.Equal(t, "", Position{Line: 3}.String())
	assert.Equal(t, "a.go", Position{File: "a.go"}.String())
	assert.Equal(t, "a.go:3", Position{File: "a.go", Line: 3}.String())
	assert.Equal(t, "a.go:3:4", pos("a.go", 3, 4).String())
	assert.Equal(t, "bin/app [.gnu.version_r]", Position{File: "bin/app", Section: ".gnu.version_r"}.String())
}

func TestNew(t *testing.T) {
	f := New(ruleB, "linux/arm", pos("a.go", 1, 2), "msg")
	assert.Equal(t, Finding{Rule: ruleB, Severity: Warning, Targets: []string{"linux/arm"}, Pos: pos("a.go", 1, 2), Message: "msg", Fix: ruleB.Fix}, f)
	assert.Nil(t, New(ruleA, "", Position{}, "m").Targets)
}

func TestRuleValidate(t *testing.T) {
	require.NoError(t, ruleA.Validate())
	for name, change := range map[string]func(r *Rule){
		"id":       func(r *Rule) { r.ID = "XC12" },
		"name":     func(r *Rule) { r.Name = "Unknown_Port" },
		"severity": func(r *Rule) { r.Severity = 0 },
		"title":    func(r *Rule) { r.Title = "ends with a period." },
		"why":      func(r *Rule) { r.Why = "" },
		"fix":      func(r *Rule) { r.Fix = "" },
	} {
		r := *ruleA
		change(&r)
		assert.Error(t, r.Validate(), name)
	}
}

func TestRuleMarkdown(t *testing.T) {
	md := ruleA.Markdown()
	assert.True(t, strings.HasPrefix(md, "# XC1001: unknown-port\n\nTarget is not a port of the toolchain.\n"))
	assert.Contains(t, md, "| Family | targets and toolchain (XC1xxx) |")
	assert.Contains(t, md, "## Fix\n\nPick a target from `go tool dist list`.\n")
	assert.NotContains(t, md, "## Example", "no example, no section")
	assert.Equal(t, "cgo", Family("XC3001"))
	assert.Equal(t, "", Family("XC"))
}
