package cli

import (
	"bytes"
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/loader"
	"github.com/xcheck-dev/xcheck/matrix"
)

// ttyBuffer is a stderr that says it is a terminal.
type ttyBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *ttyBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *ttyBuffer) IsTerminal() bool { return true }

func (b *ttyBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestProgressLine(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	p := &progress{start: t0, width: 200, byName: map[string]*targetProgress{}}
	assert.Equal(t, "xcheck 0.0s", p.line(t0))
	p.setStage("resolving targets")
	assert.Equal(t, "xcheck 0.4s · resolving targets", p.line(t0.Add(400*time.Millisecond)))

	p.setTargets([]*matrix.Build{{Port: &matrix.Port{}}, {Port: &matrix.Port{}}, {Port: &matrix.Port{}}, {}})
	p.update(loader.Progress{Target: "linux/arm64", Phase: loader.PhaseListing})
	p.update(loader.Progress{Target: "windows/amd64", Phase: loader.PhaseListing})
	assert.Equal(t, "xcheck 1.0s · 0/3 targets done · loading linux/arm64, windows/amd64", p.line(t0.Add(time.Second)))

	p.update(loader.Progress{Target: "linux/arm64", Phase: loader.PhaseChecking, Checked: 12, Total: 250})
	p.update(loader.Progress{Target: "darwin/arm64", Phase: loader.PhaseListing})
	assert.Equal(t, "xcheck 2.5s · 0/3 targets done · checking linux/arm64 12/250 · loading windows/amd64, darwin/arm64",
		p.line(t0.Add(2500*time.Millisecond)))

	p.update(loader.Progress{Target: "linux/arm64", Phase: loader.PhaseAnalyzing, Checked: 250, Total: 250})
	p.update(loader.Progress{Target: "windows/amd64", Phase: loader.PhaseDone})
	assert.Equal(t, "xcheck 3.0s · 1/3 targets done · analyzing linux/arm64 · loading darwin/arm64", p.line(t0.Add(3*time.Second)))

	// Cut to the terminal width.
	p.width = 30
	line := p.line(t0.Add(3 * time.Second))
	assert.Equal(t, "xcheck 3.0s · 1/3 targets do…", line)
	assert.Equal(t, 29, len([]rune(line)))
}

func TestProgressDraw(t *testing.T) {
	var w ttyBuffer
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	p := &progress{w: &w, start: now, now: func() time.Time { return now }, width: 80, delay: 300 * time.Millisecond, byName: map[string]*targetProgress{}}
	p.setStage("resolving targets")
	p.draw()
	assert.Empty(t, w.String(), "nothing before the delay: quick runs never flash a line")
	now = now.Add(500 * time.Millisecond)
	p.draw()
	p.draw() // unchanged: not written again
	assert.Equal(t, "\rxcheck 0.5s · resolving targets\x1b[K", w.String())
	p.stop()
	p.stop()
	assert.Equal(t, "\rxcheck 0.5s · resolving targets\x1b[K\r\x1b[K", w.String(), "stop erases the line, once")
	now = now.Add(time.Second)
	p.draw()
	assert.True(t, strings.HasSuffix(w.String(), "\r\x1b[K"), "nothing drawn after stop")
}

func TestProgressOff(t *testing.T) {
	t.Setenv("TERM", "xterm")
	assert.Nil(t, newProgress(&bytes.Buffer{}, false), "not a terminal")
	assert.Nil(t, newProgress(&ttyBuffer{}, true), "-q")
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	require.NoError(t, err)
	defer f.Close()
	assert.Nil(t, newProgress(f, false), "a file is not a terminal")
	assert.NotNil(t, newProgress(&ttyBuffer{}, false))
	t.Setenv("TERM", "dumb")
	assert.Nil(t, newProgress(&ttyBuffer{}, false), "TERM=dumb")

	// The nil display is safe to use.
	var p *progress
	p.run()
	p.setStage("x")
	p.setTargets(nil)
	assert.Nil(t, p.loaderHook())
	p.stop()
}

// On a terminal, a real run shows its progress on stderr and erases it;
// stdout is the same as without a terminal.
func TestProgressRun(t *testing.T) {
	t.Setenv("TERM", "xterm")
	t.Setenv("NO_COLOR", "1")
	args := []string{"-C", "../../testdata/demo", "-t", "linux/arm64,windows/amd64,linux/386,darwin/arm64", "./..."}

	// A cache of its own for each run, so that none is a cache hit.
	t.Setenv("XCHECK_CACHE", t.TempDir())
	var plainOut, plainErr bytes.Buffer
	code := Run(context.Background(), args, &plainOut, &plainErr)
	require.Equal(t, 1, code, plainErr.String())
	assert.Empty(t, plainErr.String())

	t.Setenv("XCHECK_CACHE", t.TempDir())
	var out bytes.Buffer
	var tty ttyBuffer
	t0 := time.Now()
	require.Equal(t, 1, Run(context.Background(), args, &out, &tty))
	took := time.Since(t0)
	assert.Equal(t, plainOut.String(), out.String())
	got := tty.String()
	if took < time.Second {
		// A fast machine may finish a stage between two redraws; the
		// line format is TestProgressLine's business.
		t.Logf("run took %s", took)
	} else {
		assert.Regexp(t, `^\rxcheck \d+\.\ds · `, got)
		assert.Regexp(t, `(loading|checking|analyzing) .*(linux/arm64|windows/amd64)`, got)
	}
	if got != "" {
		assert.True(t, strings.HasSuffix(got, "\r\x1b[K"), "the line is erased at the end: %q", got[max(0, len(got)-80):])
		assert.NotContains(t, got, "\n", "progress never ends a line")
	}

	// -q: nothing.
	t.Setenv("XCHECK_CACHE", t.TempDir())
	var qtty ttyBuffer
	out.Reset()
	require.Equal(t, 1, Run(context.Background(), append([]string{"-q"}, args...), &out, &qtty))
	assert.Empty(t, qtty.String())
}
