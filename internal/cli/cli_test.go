package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/internal/exitcode"
	"github.com/xcheck-dev/xcheck/rules"
)

func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), code
}

// TestTargetsJSONMatchesDistList holds `xcheck targets --format json`
// against the live `go tool dist list -json`: exactly the same ports, with
// the same cgo and first-class flags.
func TestTargetsJSONMatchesDistList(t *testing.T) {
	t.Setenv("XCHECK_CACHE", t.TempDir())
	want, err := exec.Command("go", "tool", "dist", "list", "-json").Output()
	require.NoError(t, err)
	var dist []struct {
		GOOS, GOARCH             string
		CgoSupported, FirstClass bool
	}
	require.NoError(t, json.Unmarshal(want, &dist))

	stdout, stderr, code := runCLI(t, "targets", "--format", "json")
	require.Equal(t, exitcode.OK, code, stderr)
	var got targetsJSON
	require.NoError(t, json.Unmarshal([]byte(stdout), &got))
	require.Len(t, got.Ports, len(dist))
	for i, d := range dist {
		p := got.Ports[i]
		assert.Equal(t, d.GOOS+"/"+d.GOARCH, p.GOOS+"/"+p.GOARCH)
		assert.Equal(t, d.CgoSupported, p.CgoSupported, "%s/%s", d.GOOS, d.GOARCH)
		assert.Equal(t, d.FirstClass, p.FirstClass, "%s/%s", d.GOOS, d.GOARCH)
		assert.False(t, p.Broken)
	}

	// --broken adds exactly the broken ports of `-broken`.
	all, err := exec.Command("go", "tool", "dist", "list", "-json", "-broken").Output()
	require.NoError(t, err)
	var distAll []json.RawMessage
	require.NoError(t, json.Unmarshal(all, &distAll))
	stdout, _, code = runCLI(t, "targets", "--format", "json", "--broken")
	require.Equal(t, exitcode.OK, code)
	require.NoError(t, json.Unmarshal([]byte(stdout), &got))
	assert.Len(t, got.Ports, len(distAll))
}

func TestTargetsText(t *testing.T) {
	t.Setenv("XCHECK_CACHE", t.TempDir())
	stdout, _, code := runCLI(t, "targets", "-t", "first-class,android/arm")
	require.Equal(t, exitcode.OK, code)
	assert.Contains(t, stdout, "linux/arm64")
	assert.Contains(t, stdout, "required") // android/arm needs external linking
	assert.Contains(t, stdout, "Windows 10")
	assert.Contains(t, stdout, "9 ports of go1.")
	assert.NotContains(t, stdout, "plan9")
}

func TestRulesAndExplain(t *testing.T) {
	stdout, _, code := runCLI(t, "rules")
	require.Equal(t, exitcode.OK, code)
	assert.Contains(t, stdout, "XC1001")
	assert.Contains(t, stdout, "unknown-port")

	stdout, _, code = runCLI(t, "rules", "--format", "json")
	require.Equal(t, exitcode.OK, code)
	var rs []ruleJSON
	require.NoError(t, json.Unmarshal([]byte(stdout), &rs))
	assert.Equal(t, "XC0001", rs[0].ID)
	assert.Len(t, rs, len(rules.All()))

	stdout, _, code = runCLI(t, "explain", "unknown-port")
	require.Equal(t, exitcode.OK, code)
	assert.Contains(t, stdout, "# XC1001: unknown-port")

	_, stderr, code := runCLI(t, "explain")
	assert.Equal(t, exitcode.Usage, code)
	assert.Contains(t, stderr, "explain needs a rule ID")
}

func TestVersionAndHelp(t *testing.T) {
	stdout, _, code := runCLI(t, "version")
	require.Equal(t, exitcode.OK, code)
	assert.Regexp(t, `^xcheck \S+ \(built with go1\.\d+`, stdout)

	stdout, _, code = runCLI(t, "help")
	require.Equal(t, exitcode.OK, code)
	assert.Contains(t, stdout, "xcheck explain RULE")

	stdout, _, code = runCLI(t, "check", "-h")
	require.Equal(t, exitcode.OK, code)
	assert.Contains(t, stdout, "-fail-on")
}

func TestParseFlagsInterleaved(t *testing.T) {
	fs := newFlagSet("x")
	var ts stringList
	fs.Var(&ts, "t", "")
	q := fs.Bool("q", false, "")
	pos, err := parseFlags(fs, []string{"./a/...", "-t", "linux/arm64", "./b", "-q", "--", "-t"})
	require.NoError(t, err)
	assert.Equal(t, []string{"./a/...", "./b", "-t"}, pos)
	assert.Equal(t, stringList{"linux/arm64"}, ts)
	assert.True(t, *q)
}

func TestParseOutputs(t *testing.T) {
	outs, err := parseOutputs([]string{"a.sarif", "b.sarif.json", "json:c.out", "d.md", "e.txt"})
	require.NoError(t, err)
	assert.Equal(t, []output{{"a.sarif", "sarif"}, {"b.sarif.json", "sarif"}, {"c.out", "json"}, {"d.md", "markdown"}, {"e.txt", "text"}}, outs)
	_, err = parseOutputs([]string{"json:"})
	assert.Error(t, err)
}
