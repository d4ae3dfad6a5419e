package report

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/finding"
)

func TestSARIFStructure(t *testing.T) {
	var log sarifLog
	require.NoError(t, json.Unmarshal(render(t, SARIF{}, fixtureReport()), &log))
	require.Len(t, log.Runs, 1)
	run := log.Runs[0]

	require.Len(t, run.Tool.Driver.Rules, 3)
	for _, ru := range run.Tool.Driver.Rules {
		assert.NotEqual(t, ru.ID, ru.Name, "a rule name must differ from its ID")
		assert.Equal(t, "https://github.com/xcheck-dev/xcheck/blob/main/docs/rules/"+ru.ID+".md", ru.HelpURI)
	}
	assert.Equal(t, "TypeErrorOnTarget", run.Tool.Driver.Rules[1].Name)
	assert.Equal(t, "note", run.Tool.Driver.Rules[0].DefaultConfiguration.Level)

	for _, res := range run.Results {
		assert.Equal(t, res.RuleID, run.Tool.Driver.Rules[res.RuleIndex].ID, "ruleIndex points at the rule")
	}
	noPos := run.Results[0]
	assert.Empty(t, noPos.Locations, "a finding without a position has no location")
	assert.Equal(t, "secondary port: the Go team does not block releases on it [js/wasm]", noPos.Message.Text)

	suppressed := run.Results[1]
	assert.Equal(t, []sarifSuppression{{Kind: "inSource"}}, suppressed.Suppressions)
	merged := run.Results[2]
	assert.Equal(t, []string{"js/wasm", "windows/386"}, merged.Properties.Targets)
	assert.Equal(t, sarifArtifactLocation{URI: "db/open.go", URIBaseID: "%SRCROOT%"}, merged.Locations[0].PhysicalLocation.ArtifactLocation)
	assert.Equal(t, &sarifRegion{StartLine: 9, StartColumn: 2}, merged.Locations[0].PhysicalLocation.Region)
	assert.Equal(t, map[string]sarifArtifactLocation{"%SRCROOT%": {URI: "file:///home/dev/app/"}}, run.OriginalURIBaseIDs)
	assert.Equal(t, []sarifInvocation{{ExecutionSuccessful: true}}, run.Invocations)
}

func TestSARIFRulesIncludeUnlistedRules(t *testing.T) {
	r := fixtureReport()
	r.Rules = []*finding.Rule{ruleCgoStub}
	rules := sarifRules(r)
	require.Len(t, rules, 3)
	assert.Equal(t, []string{"XC1005", "XC2001", "XC3001"}, []string{rules[0].ID, rules[1].ID, rules[2].ID})
}

func TestSARIFLocations(t *testing.T) {
	for _, tt := range []struct {
		file string
		want sarifArtifactLocation
	}{
		{"db/open.go", sarifArtifactLocation{URI: "db/open.go", URIBaseID: "%SRCROOT%"}},
		{"./a b/c%.go", sarifArtifactLocation{URI: "a%20b/c%25.go", URIBaseID: "%SRCROOT%"}},
		{"../vendor/x.go", sarifArtifactLocation{URI: "../vendor/x.go", URIBaseID: "%SRCROOT%"}},
		{"/usr/local/go/src/os/user/lookup.go", sarifArtifactLocation{URI: "file:///usr/local/go/src/os/user/lookup.go"}},
		{`C:\src\app\main.go`, sarifArtifactLocation{URI: "file:///C:/src/app/main.go"}},
	} {
		got := artifactLocation(tt.file)
		if tt.file == `C:\src\app\main.go` {
			// filepath.ToSlash only converts on Windows; check the
			// classification, not the separators.
			assert.Empty(t, got.URIBaseID, tt.file)
			continue
		}
		assert.Equal(t, tt.want, got, tt.file)
	}
	assert.Equal(t, "file:///home/dev/app/", fileURI("/home/dev/app", true))
	assert.Equal(t, "file:///home/dev/app/", fileURI("/home/dev/app/", true))
}

func TestSARIFRegionWithoutColumn(t *testing.T) {
	f := fixtureReport().Findings[3]
	f.Pos.Column = 0
	res := sarifResultFor(&f, 1)
	assert.Equal(t, &sarifRegion{StartLine: 14}, res.Locations[0].PhysicalLocation.Region)
	f.Pos.Line = 0
	res = sarifResultFor(&f, 1)
	assert.Nil(t, res.Locations[0].PhysicalLocation.Region, "no line, no region")
}

func TestPascalCase(t *testing.T) {
	assert.Equal(t, "NoCgoOnPort", pascalCase("no-cgo-on-port"))
	assert.Equal(t, "Glibc2", pascalCase("glibc2"))
	assert.Equal(t, "", pascalCase(""))
}
