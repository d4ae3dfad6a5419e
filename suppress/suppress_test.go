package suppress

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/finding"
)

var testRule = &finding.Rule{ID: "XC2001", Name: "type-error", Severity: finding.Error}

func TestParse(t *testing.T) {
	src := []byte(`package p

//xcheck:ignore XC2001,xc3001 only built on unix
var a = 1 //xcheck:ignore XC2001 same line
//xcheck:file-ignore XC2002 generated
//xcheck:ignore XC2001
//xcheck:ignroe XC2001 typo
//xcheck:ignore  reason but no ids
//xcheck:ignore XC20 short id
// not a directive: xcheck:ignore XC2001
`)
	ds, problems := Parse("p.go", src)
	require.Len(t, ds, 4)
	assert.Equal(t, []string{"XC2001", "XC3001"}, ds[0].Rules)
	assert.Equal(t, "only built on unix", ds[0].Reason)
	assert.Equal(t, finding.Position{File: "p.go", Line: 3, Column: 1}, ds[0].Pos)
	assert.Equal(t, 4, ds[1].Pos.Line)
	assert.Equal(t, 11, ds[1].Pos.Column)
	assert.True(t, ds[2].File)
	assert.Equal(t, "", ds[3].Reason)

	var ids []string
	for _, p := range problems {
		ids = append(ids, p.Rule.ID+" "+p.Message)
	}
	assert.Equal(t, []string{
		"XC9001 //xcheck:ignore needs a reason after the rule IDs",
		"XC9003 unknown directive //xcheck:ignroe (want //xcheck:ignore or //xcheck:file-ignore)",
		`XC9003 //xcheck:ignore needs rule IDs such as XC2001 or XC2001,XC3001 (got "reason")`,
		`XC9003 //xcheck:ignore needs rule IDs such as XC2001 or XC2001,XC3001 (got "XC20")`,
	}, ids)

	ds, _ = Parse("t.go", []byte("//xcheck:ignore\tXC2001\tthe reason\n"))
	require.Len(t, ds, 1)
	assert.Equal(t, "the reason", ds[0].Reason, "tabs separate like spaces")

	ds, problems = Parse("q.go", []byte("package q\n"))
	assert.Empty(t, ds)
	assert.Empty(t, problems)
}

func TestApply(t *testing.T) {
	ds, _ := Parse("p.go", []byte("package p\n\n//xcheck:ignore XC2001 reason\nvar a = b\nvar c = d //xcheck:ignore XC2001 reason\n\n\nvar e = f\n//xcheck:ignore XC2002 nothing here\n"))
	fs := []finding.Finding{
		finding.New(testRule, "linux/386", finding.Position{File: "p.go", Line: 4, Column: 9}, "undefined: b"),
		finding.New(testRule, "linux/386", finding.Position{File: "p.go", Line: 5, Column: 9}, "undefined: d"),
		finding.New(testRule, "linux/386", finding.Position{File: "p.go", Line: 8, Column: 9}, "undefined: f"),
		finding.New(testRule, "linux/386", finding.Position{File: "other.go", Line: 4, Column: 9}, "undefined: b"),
	}
	out := Apply(fs, ds, nil, []string{"linux/386"})
	require.Len(t, out, 5)
	assert.True(t, out[0].Suppressed, "the line below the directive")
	assert.True(t, out[1].Suppressed, "the same line")
	assert.False(t, out[2].Suppressed, "three lines below: not covered")
	assert.False(t, out[3].Suppressed, "another file")
	assert.Equal(t, "XC9002", out[4].Rule.ID)
	assert.Equal(t, "//xcheck:ignore XC2002 matched no finding", out[4].Message)
	assert.Equal(t, 9, out[4].Pos.Line)
	assert.Equal(t, []string{"linux/386"}, out[4].Targets)
	assert.False(t, finding.FailOnError.Fails(out[:2]), "suppressed findings never fail a run")

	// file-ignore covers the whole file.
	ds, _ = Parse("p.go", []byte("package p\n//xcheck:file-ignore XC2001 generated code\n"))
	out = Apply([]finding.Finding{fs[2]}, ds, nil, nil)
	require.Len(t, out, 1)
	assert.True(t, out[0].Suppressed)
}

// FuzzParse: directives come from the (untrusted) module being checked.
func FuzzParse(f *testing.F) {
	f.Add([]byte("//xcheck:ignore XC2001 reason\n"))
	f.Add([]byte("x //xcheck:file-ignore XC2001,XC3001\n//xcheck:\n//xcheck:ignore ,,, \n"))
	f.Add([]byte("//xcheck:ignore\tXC2001\treason"))
	f.Add([]byte("package p\n\nvar s = \"//xcheck:ignore XC2001 in a string\"\n/* //xcheck:ignore XC2001 */\nvar x = 1 //xcheck:ignore xc2001,XC3001 a real one\r\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		ds, problems := Parse("f.go", src)
		// Every directive and problem is a comment of its own that
		// starts with //xcheck: at its position.
		lines := bytes.Split(src, []byte("\n"))
		at := func(p finding.Position) []byte {
			if p.File != "f.go" || p.Line < 1 || p.Line > len(lines) || p.Column < 1 || p.Column > len(lines[p.Line-1]) {
				t.Fatalf("position %+v outside the %d lines of the file", p, len(lines))
			}
			return lines[p.Line-1][p.Column-1:]
		}
		malformed := 0
		for _, p := range problems {
			if p.Rule != RuleNoReason {
				malformed++
			}
		}
		if n := bytes.Count(src, []byte("//xcheck:")); len(ds)+malformed > n {
			t.Fatalf("%d directives and %d malformed ones from %d mentions", len(ds), malformed, n)
		}
		var fs []finding.Finding
		for _, d := range ds {
			if len(d.Rules) == 0 {
				t.Fatalf("directive without rules: %+v", d)
			}
			for _, id := range d.Rules {
				if !ruleIDRE.MatchString(id) {
					t.Fatalf("bad rule id %q", id)
				}
			}
			if !bytes.HasPrefix(at(d.Pos), []byte("//xcheck:")) {
				t.Fatalf("directive at %+v does not start with //xcheck:", d.Pos)
			}
			fs = append(fs, finding.New(&finding.Rule{ID: d.Rules[0], Severity: finding.Error}, "linux/arm", d.Pos, "m"))
		}
		for _, p := range problems {
			if p.Pos.Line < 1 {
				t.Fatalf("problem without a line: %+v", p)
			}
			if !bytes.HasPrefix(at(p.Pos), []byte("//xcheck:")) {
				t.Fatalf("problem at %+v does not start with //xcheck:", p.Pos)
			}
		}
		// A finding on the line of a directive for its first rule is
		// suppressed, and no directive of the file is then unused.
		out := Apply(fs, ds, problems, []string{"linux/arm"})
		for _, f := range out[:len(fs)] {
			if !f.Suppressed {
				t.Fatalf("finding %s at %+v not suppressed", f.Rule.ID, f.Pos)
			}
		}
		for _, f := range out[len(fs):] {
			if f.Rule == RuleUnused {
				t.Fatalf("directive reported unused: %s", f.Message)
			}
		}
	})
}

// Regression: text that only mentions a directive (in a string literal, a
// raw string or inside another comment) is not one; xcheck reported its
// own docs and tests as malformed directives.
func TestParseOnlyComments(t *testing.T) {
	src := []byte("// Package p: write //xcheck:ignore XC2001 reason above the line.\npackage p\n\n" +
		"var s = \"//xcheck:ignore in a string\"\n" +
		"var r = `\n//xcheck:ignroe in a raw string\n`\n" +
		"/* //xcheck:ignore XC2001 in a block comment */\n" +
		"//line other.go:100\n" +
		"var x = 1 //xcheck:ignore XC2001 a real one\r\n")
	ds, problems := Parse("p.go", src)
	assert.Empty(t, problems)
	require.Len(t, ds, 1)
	assert.Equal(t, finding.Position{File: "p.go", Line: 10, Column: 11}, ds[0].Pos, "//line comments do not move positions")
	assert.Equal(t, "a real one", ds[0].Reason)
}
