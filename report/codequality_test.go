package report

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/finding"
)

// cqIssueJSON is what GitLab reads from a Code Quality report: the
// required keys, decoded independently of the renderer's types.
type cqIssueJSON struct {
	Description string `json:"description"`
	CheckName   string `json:"check_name"`
	Fingerprint string `json:"fingerprint"`
	Severity    string `json:"severity"`
	Location    struct {
		Path  string `json:"path"`
		Lines struct {
			Begin int `json:"begin"`
		} `json:"lines"`
	} `json:"location"`
}

func decodeCodeQuality(t *testing.T, r *Report) []cqIssueJSON {
	t.Helper()
	var issues []cqIssueJSON
	out := render(t, CodeQuality{}, r)
	require.NoError(t, json.Unmarshal(out, &issues), "%s", out)
	return issues
}

func TestCodeQuality(t *testing.T) {
	issues := decodeCodeQuality(t, fixtureReport())
	// The suppressed finding is left out; the two cgo-stub findings were
	// merged into one.
	require.Len(t, issues, 3)
	seen := map[string]bool{}
	for _, is := range issues {
		assert.NotEmpty(t, is.Description)
		assert.Regexp(t, `^XC\d{4}$`, is.CheckName)
		assert.Contains(t, []string{"info", "minor", "major", "critical", "blocker"}, is.Severity)
		assert.NotEmpty(t, is.Location.Path)
		assert.GreaterOrEqual(t, is.Location.Lines.Begin, 1)
		assert.Regexp(t, `^[0-9a-f]{32}$`, is.Fingerprint)
		assert.False(t, seen[is.Fingerprint], "fingerprints are unique")
		seen[is.Fingerprint] = true
	}
	byRule := map[string]cqIssueJSON{}
	for _, is := range issues {
		byRule[is.CheckName] = is
	}
	te := byRule["XC2001"]
	assert.Equal(t, "critical", te.Severity)
	assert.Equal(t, "internal/mem/size.go", te.Location.Path)
	assert.Equal(t, 14, te.Location.Lines.Begin)
	assert.Equal(t, "cannot use 1 << 32 (untyped int constant 4294967296) as int value in variable declaration (overflows) [linux/arm/v6] — fix: declare the value as int64", te.Description)
	assert.Equal(t, "major", byRule["XC3001"].Severity)
	assert.Contains(t, byRule["XC3001"].Description, "[js/wasm, windows/386]")

	// A finding about a target has no file: GitLab needs one, go.mod.
	sp := byRule["XC1005"]
	assert.Equal(t, "info", sp.Severity)
	assert.Equal(t, "go.mod", sp.Location.Path)
	assert.Equal(t, 1, sp.Location.Lines.Begin)

	// The same report gives the same fingerprints.
	again := decodeCodeQuality(t, fixtureReport())
	for i := range issues {
		assert.Equal(t, issues[i].Fingerprint, again[i].Fingerprint)
	}
}

func TestCodeQualityOutsideModule(t *testing.T) {
	f := finding.Finding{
		Rule: &finding.Rule{ID: "XC4003"}, Severity: finding.Error, Targets: []string{"linux/arm64"},
		Pos:     finding.Position{File: "/usr/aarch64-linux-gnu/lib/libc.so.6", Section: ".gnu.version_d"},
		Message: "glibc too new",
	}
	is := codeQualityIssue(&f)
	assert.Equal(t, cqLocation{Path: "go.mod", Lines: cqLines{Begin: 1}}, is.Location)
	assert.Equal(t, "glibc too new [linux/arm64] (in /usr/aarch64-linux-gnu/lib/libc.so.6 [.gnu.version_d])", is.Description)

	f.Pos = finding.Position{File: "bin/app.syso", Section: ".text"}
	is = codeQualityIssue(&f)
	assert.Equal(t, cqLocation{Path: "bin/app.syso", Lines: cqLines{Begin: 1}}, is.Location)
	assert.Equal(t, "glibc too new [linux/arm64] (section .text)", is.Description)

	// Findings that differ only in their targets are different issues.
	g := f
	g.Targets = []string{"linux/arm"}
	assert.NotEqual(t, codeQualityFingerprint(&f), codeQualityFingerprint(&g))
}

func TestCodeQualityEmpty(t *testing.T) {
	assert.Equal(t, "[]\n", string(render(t, CodeQuality{}, emptyReport())))
	rd, err := New("gitlab", Options{})
	require.NoError(t, err)
	assert.IsType(t, CodeQuality{}, rd)
}
