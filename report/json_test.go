package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/finding"
)

func lookupFixtureRule(id string) *finding.Rule {
	for _, r := range fixtureRules {
		if r.ID == id {
			return r
		}
	}
	return nil
}

func TestJSONRoundTrip(t *testing.T) {
	want := fixtureReport()
	var buf bytes.Buffer
	require.NoError(t, JSON{}.Render(&buf, want))
	first := buf.String()

	got, err := DecodeJSON(&buf, lookupFixtureRule)
	require.NoError(t, err)

	assert.Equal(t, want.Tool, got.Tool)
	assert.Equal(t, want.Toolchain, got.Toolchain)
	assert.Equal(t, want.Targets, got.Targets)
	assert.Equal(t, want.Findings, got.Findings)
	assert.Equal(t, want.FailOn, got.FailOn)
	assert.Equal(t, want.Failed(), got.Failed())
	assert.Same(t, ruleTypeError, got.Findings[3].Rule, "rules are resolved through lookup")
	assert.Equal(t, fixtureRules, got.Rules, "Rules are the rules the findings use")
	assert.Empty(t, got.Root, "Root is not part of the schema")

	// Rendering the decoded report gives the same document.
	var again bytes.Buffer
	require.NoError(t, JSON{}.Render(&again, got))
	assert.Equal(t, first, again.String())

	// And the decoded report can be merged again: Finalize recomputes
	// the same verdicts.
	got.Finalize()
	assert.Equal(t, want.Targets, got.Targets)
}

func TestJSONDecodeUnknownRule(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, JSON{}.Render(&buf, fixtureReport()))
	got, err := DecodeJSON(&buf, func(string) *finding.Rule { return nil })
	require.NoError(t, err)
	ru := got.Findings[0].Rule
	assert.Equal(t, &finding.Rule{ID: "XC1005", Name: "secondary-port", Severity: finding.Info}, ru)
	assert.Same(t, got.Findings[1].Rule, got.Findings[2].Rule, "one placeholder per ID")
}

func TestJSONDecodeErrors(t *testing.T) {
	for _, tt := range []struct{ doc, want string }{
		{`{"version": 1}`, "schema version 1, want 2"},
		{`{"version": 3}`, "schema version 3"},
		{`{}`, "schema version 0"},
		{`[`, "decoding"},
		{`{"version":2,"toolchain":{"host":"linux"}}`, "not GOOS/GOARCH"},
		{`{"version":2,"targets":[{"target":"a/b","verdict":"meh"}]}`, `unknown verdict "meh"`},
		{`{"version":2,"findings":[{"rule":"XC1001","severity":"fatal"}]}`, "findings[0]"},
		{`{"version":2,"findings":[{"severity":"error"}]}`, "no rule"},
		{`{"version":2,"summary":{"fail_on":"sometimes"}}`, "fail_on"},
	} {
		_, err := DecodeJSON(strings.NewReader(tt.doc), nil)
		assert.ErrorContains(t, err, tt.want, tt.doc)
	}
}

func TestJSONDecodeIgnoresUnknownFields(t *testing.T) {
	doc := `{"version":2,"new_field":{"x":1},"targets":[{"target":"linux/amd64","goos":"linux","goarch":"amd64","verdict":"ok","future":true}],"findings":[],"summary":{"fail_on":"warning"}}`
	got, err := DecodeJSON(strings.NewReader(doc), nil)
	require.NoError(t, err)
	assert.Equal(t, "linux/amd64", got.Targets[0].Name)
	assert.Equal(t, finding.FailOnWarning, got.FailOn)
}

// TestJSONShape pins the documented field set (docs/json.md): every
// documented key is present, and only the documented omissions happen.
func TestJSONShape(t *testing.T) {
	var doc map[string]any
	require.NoError(t, json.Unmarshal(render(t, JSON{}, fixtureReport()), &doc))
	assert.ElementsMatch(t, []string{"version", "tool", "toolchain", "targets", "findings", "summary"}, keys(doc))
	assert.EqualValues(t, 2, doc["version"])

	targets := doc["targets"].([]any)
	plain := targets[0].(map[string]any) // js/wasm: no variant variable
	assert.ElementsMatch(t, []string{"target", "goos", "goarch", "is_port", "native", "cgo_enabled",
		"cgo_reason", "cc", "sysroot", "verdict", "error", "counts", "packages"}, keys(plain))
	withVariant := targets[2].(map[string]any)
	assert.Equal(t, map[string]any{"name": "GOARM", "value": "6", "from": "target"}, withVariant["variant"])

	findings := doc["findings"].([]any)
	noPos := findings[0].(map[string]any)
	assert.ElementsMatch(t, []string{"rule", "name", "severity", "targets", "message", "why", "fix", "suppressed"}, keys(noPos))
	withPos := findings[3].(map[string]any)
	assert.ElementsMatch(t, []string{"rule", "name", "severity", "targets", "file", "line", "column",
		"message", "why", "fix", "suppressed"}, keys(withPos))

	assert.ElementsMatch(t, []string{"errors", "warnings", "info", "suppressed", "targets", "unchecked", "failed", "fail_on"},
		keys(doc["summary"].(map[string]any)))
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestJSONRoundTripUnchecked: a target that could not be checked keeps
// its verdict "error" and its reason through a round trip and a merge
// (Finalize), whatever its findings say.
func TestJSONRoundTripUnchecked(t *testing.T) {
	want := uncheckedReport()
	require.Equal(t, finding.VerdictError, want.Targets[1].Verdict)
	var buf bytes.Buffer
	require.NoError(t, JSON{}.Render(&buf, want))
	got, err := DecodeJSON(&buf, lookupFixtureRule)
	require.NoError(t, err)
	assert.Equal(t, want.Targets, got.Targets)
	got.Finalize()
	assert.Equal(t, want.Targets, got.Targets)
	require.Len(t, got.Unchecked(), 1)
	assert.Equal(t, "linux/arm64", got.Unchecked()[0].Name)
}

func TestJSONDecodeVerdictErrorNeedsReason(t *testing.T) {
	for _, doc := range []string{
		`{"version":2,"targets":[{"target":"a/b","verdict":"error"}]}`,
		`{"version":2,"targets":[{"target":"a/b","verdict":"ok","error":"go list failed"}]}`,
	} {
		_, err := DecodeJSON(strings.NewReader(doc), nil)
		assert.ErrorContains(t, err, `only the verdict "error" has an error`, doc)
	}
	got, err := DecodeJSON(strings.NewReader(`{"version":2,"targets":[{"target":"a/b","verdict":"error","error":"go list failed"}]}`), nil)
	require.NoError(t, err)
	assert.Equal(t, "go list failed", got.Targets[0].Error)
}
