package report

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMarkdownEscaping(t *testing.T) {
	assert.Equal(t, `a \| b &lt;nil><br>next`, mdCell("a | b <nil>\nnext"))
	assert.Equal(t, "`a\\|b`", mdCode("a|b"))
	assert.Equal(t, "``a`b``", mdCode("a`b"))
	assert.Equal(t, "`` `x ``", mdCode("`x"))
}

func TestMarkdownPipesInFindings(t *testing.T) {
	r := fixtureReport()
	r.Findings[3].Message = `build tag "linux || darwin" excludes every file`
	r.Findings[3].Fix = "use a | b"
	out := string(render(t, Markdown{}, r))
	assert.Contains(t, out, `build tag "linux \|\| darwin" excludes every file | use a \| b |`)
	for line := range strings.Lines(out) {
		if strings.HasPrefix(line, "| [XC") {
			unescaped := strings.Count(line, "|") - strings.Count(line, `\|`)
			assert.Equal(t, 6, unescaped, "a finding row has 5 cells: %s", line)
		}
	}
}

func TestMarkdownHeading(t *testing.T) {
	assert.True(t, strings.HasPrefix(string(render(t, Markdown{}, fixtureReport())), "## xcheck: 1 error, 1 warning, 1 info\n"))
	assert.True(t, strings.HasPrefix(string(render(t, Markdown{}, emptyReport())), "## xcheck: no findings\n"))
	out := string(render(t, Markdown{}, fixtureReport()))
	assert.Contains(t, out, "[XC2001](https://github.com/xcheck-dev/xcheck/blob/main/docs/rules/XC2001.md)")
	assert.NotContains(t, out, "os/user", "suppressed findings are not listed")
}
