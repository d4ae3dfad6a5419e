package report

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

func TestTextColor(t *testing.T) {
	plain := string(render(t, &Text{}, fixtureReport()))
	colored := string(render(t, &Text{Options: Options{Color: true}}, fixtureReport()))

	assert.NotContains(t, plain, "\x1b[", "Color false must not emit ANSI escapes")
	assert.Contains(t, colored, "\x1b[", "Color true must emit ANSI escapes")
	assert.Regexp(t, "\x1b\\[31;1merror\x1b\\[", colored, "errors are bold red")
	// Colour changes nothing else, and the table stays aligned: widths
	// are computed without the escape sequences.
	assert.Equal(t, plain, ansi.ReplaceAllString(colored, ""))
}

func TestTextQuiet(t *testing.T) {
	out := string(render(t, &Text{Options: Options{Quiet: true, Verbose: true}}, fixtureReport()))
	assert.NotContains(t, out, "TARGET")
	assert.NotContains(t, out, "across 4 targets")
	assert.NotContains(t, out, "go1.26.0", "quiet wins over verbose: no header")
	assert.Contains(t, out, "internal/mem/size.go:14:9: error XC2001 [linux/arm/v6] cannot use")

	full := string(render(t, &Text{}, fixtureReport()))
	assert.Contains(t, full, "TARGET")
	assert.Contains(t, full, "\n"+out[:strings.Index(out, "\n")]+"\n", "the first finding follows the header")
}

func TestTextFindingLines(t *testing.T) {
	out := string(render(t, &Text{}, fixtureReport()))
	lines := strings.Split(out, "\n")
	assert.Equal(t, "xcheck v0.3.0, go1.26.0 (/usr/local/go) on linux/amd64", lines[0], "the header comes first")
	assert.Equal(t, "  linux/arm/v6  cross, GOARM=6, cgo on (CGO_ENABLED=1 in the environment), CC=arm-linux-gnueabi-gcc, sysroot=/opt/sysroots/armel", lines[3],
		"one line per target: native or cross, cgo and why, C compiler")
	assert.Equal(t, "info XC1005 [js/wasm] secondary port: the Go team does not block releases on it", lines[6],
		"no position: no location prefix")
	assert.NotContains(t, out, "os/user", "suppressed findings are not shown")
	assert.Contains(t, out, "(1 suppressed)", "but they are counted")
	assert.NotContains(t, out, "fix: test the binary", "info details only in verbose mode")

	verbose := string(render(t, &Text{Options: Options{Verbose: true}}, fixtureReport()))
	assert.Contains(t, verbose, "    fix: test the binary on the target before releasing it")
	assert.Contains(t, verbose, "GOAMD64=v1 (default)")
}

func TestTextMultilineIndent(t *testing.T) {
	r := fixtureReport()
	r.Findings[0].Why = []string{"first line\nsecond line"}
	out := string(render(t, &Text{Options: Options{Verbose: true}}, r))
	assert.Contains(t, out, "    why: first line\n         second line\n")
}

func TestSummaryLine(t *testing.T) {
	assert.Equal(t, "1 error, 1 warning, 1 info (1 suppressed) across 4 targets", summaryLine(fixtureReport()))
	assert.Equal(t, "no findings across 2 targets", summaryLine(emptyReport()))

	r := fixtureReport()
	r.Targets = r.Targets[:1]
	for i := range r.Findings {
		r.Findings[i].Suppressed = true
	}
	assert.Equal(t, "no findings (4 suppressed) across 1 target", summaryLine(r))
}

// failWriter fails after n successful writes.
type failWriter struct {
	n      int
	failed bool
}

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n == 0 {
		w.failed = true
		return 0, assert.AnError
	}
	w.n--
	return len(p), nil
}

func TestRenderWriteErrors(t *testing.T) {
	for _, format := range Formats {
		for _, n := range []int{0, 2} {
			rd, err := New(format, Options{})
			require.NoError(t, err)
			w := &failWriter{n: n}
			err = rd.Render(w, fixtureReport())
			if w.failed {
				assert.ErrorIs(t, err, assert.AnError, "%s must report write errors (after %d writes)", format, n)
			} else {
				assert.NoError(t, err)
			}
		}
	}
}

func TestNew(t *testing.T) {
	for _, f := range Formats {
		rd, err := New(f, Options{})
		require.NoError(t, err, f)
		require.NotNil(t, rd)
	}
	_, err := New("xml", Options{})
	assert.ErrorContains(t, err, `unknown format "xml"`)
}
