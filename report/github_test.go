package report

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/xcheck-dev/xcheck/finding"
)

func TestGitHubEscaping(t *testing.T) {
	assert.Equal(t, "100%25 done%0D%0Anext: a,b", githubData("100% done\r\nnext: a,b"))
	assert.Equal(t, "C%3A\\src%2Cx%25%0A", githubProperty("C:\\src,x%\n"))
	// % first, so escapes are not escaped twice.
	assert.Equal(t, "%250A", githubData("%0A"))
}

func TestGitHubCommand(t *testing.T) {
	f := finding.Finding{
		Rule: &finding.Rule{ID: "XC1001", Name: "unknown-port"}, Severity: finding.Error,
		Targets: []string{"linux/arm64", "windows/amd64"},
		Pos:     finding.Position{File: "dir,1/a:b.go", Line: 3, Column: 7},
		Message: "50% of\nthe message",
		Fix:     "do x, then y",
	}
	assert.Equal(t,
		"::error file=dir%2C1/a%3Ab.go,line=3,col=7,title=XC1001 unknown-port::50%25 of%0Athe message [linux/arm64, windows/amd64] — fix: do x, then y",
		githubCommand(&f))

	f.Severity, f.Pos, f.Fix = finding.Warning, finding.Position{}, ""
	assert.Equal(t, "::warning title=XC1001 unknown-port::50%25 of%0Athe message [linux/arm64, windows/amd64]", githubCommand(&f))

	f.Severity, f.Pos = finding.Info, finding.Position{File: "bin/app", Section: ".gnu.version_r"}
	assert.Equal(t, "::notice file=bin/app,title=XC1001 unknown-port::50%25 of%0Athe message [linux/arm64, windows/amd64] (section .gnu.version_r)", githubCommand(&f))
}

func TestGitHubSkipsSuppressed(t *testing.T) {
	out := string(render(t, GitHub{}, fixtureReport()))
	assert.Equal(t, 3, strings.Count(out, "\n"))
	assert.NotContains(t, out, "os/user")
	for line := range strings.Lines(out) {
		assert.Regexp(t, `^::(error|warning|notice) [^:]*::`, line)
	}
}
