package cli

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/mattn/go-isatty"

	"github.com/xcheck-dev/xcheck/loader"
	"github.com/xcheck-dev/xcheck/matrix"
)

// progress draws one status line on a terminal's stderr while check runs:
// the stage, then which targets are being listed and type-checked, how
// many of their packages are done, and the elapsed time. The line is
// redrawn in place (carriage return, erase to end of line) and erased
// before the report is written, so it never mixes with stdout, even when
// both are the same terminal.
//
// A nil *progress is valid and draws nothing: that is what newProgress
// returns when stderr is not a terminal or -q was given.
type progress struct {
	w     io.Writer
	start time.Time
	now   func() time.Time
	width int           // columns; the line is cut to width-1
	delay time.Duration // nothing is drawn before this much time has passed
	every time.Duration // redraw interval

	mu       sync.Mutex
	stage    string
	ntargets int               // targets to load, when known
	targets  []*targetProgress // in the order they started
	byName   map[string]*targetProgress
	last     string // the line on screen, "" if none
	stopped  bool
	quit     chan struct{}
	done     chan struct{}
}

type targetProgress struct {
	name           string
	phase          loader.Phase
	checked, total int
}

// newProgress returns the progress display for stderr, or nil when there
// should be none: stderr is not a terminal, TERM=dumb, or quiet.
func newProgress(stderr io.Writer, quiet bool) *progress {
	if quiet || os.Getenv("TERM") == "dumb" || !isTerminal(stderr) {
		return nil
	}
	width := 80
	if c, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && c >= 20 {
		width = c
	}
	return &progress{
		w: stderr, start: time.Now(), now: time.Now, width: width,
		delay: 300 * time.Millisecond, every: 100 * time.Millisecond,
		byName: map[string]*targetProgress{},
	}
}

// isTerminal reports whether w is a terminal. A writer may say so itself
// with an IsTerminal method (tests use that to get progress output).
func isTerminal(w io.Writer) bool {
	if t, ok := w.(interface{ IsTerminal() bool }); ok {
		return t.IsTerminal()
	}
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// run starts redrawing the line every p.every until stop.
func (p *progress) run() {
	if p == nil {
		return
	}
	p.quit, p.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(p.done)
		t := time.NewTicker(p.every)
		defer t.Stop()
		for {
			select {
			case <-p.quit:
				return
			case <-t.C:
				p.draw()
			}
		}
	}()
}

// stop stops redrawing and erases the line. It may be called more than
// once.
func (p *progress) stop() {
	if p == nil {
		return
	}
	p.mu.Lock()
	if p.stopped {
		p.mu.Unlock()
		return
	}
	p.stopped = true
	p.mu.Unlock()
	if p.quit != nil {
		close(p.quit)
		<-p.done
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.last != "" {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.last = ""
	}
}

// setStage names what runs before the packages are loaded.
func (p *progress) setStage(s string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.stage = s
	p.mu.Unlock()
}

// setTargets says which builds will be loaded: those of ports.
func (p *progress) setTargets(builds []*matrix.Build) {
	if p == nil {
		return
	}
	n := 0
	for _, b := range builds {
		if b != nil && b.Port != nil {
			n++
		}
	}
	p.mu.Lock()
	p.ntargets = n
	p.mu.Unlock()
}

// update records a target's progress; it is loader.Config.Progress.
func (p *progress) update(e loader.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.byName[e.Target]
	if t == nil {
		t = &targetProgress{name: e.Target}
		p.byName[e.Target] = t
		p.targets = append(p.targets, t)
	}
	t.phase = e.Phase
	if e.Phase != loader.PhaseDone {
		t.checked, t.total = e.Checked, e.Total
	}
}

// loaderHook returns the function for loader.Config.Progress: nil when
// there is no display, so the loader does not call anything.
func (p *progress) loaderHook() func(loader.Progress) {
	if p == nil {
		return nil
	}
	return p.update
}

// draw writes the current line if it changed.
func (p *progress) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if p.stopped || now.Sub(p.start) < p.delay {
		return
	}
	line := p.line(now)
	if line == p.last {
		return
	}
	fmt.Fprint(p.w, "\r"+line+"\x1b[K")
	p.last = line
}

// line renders the status, cut to the terminal width:
//
//	xcheck 2.1s · 3/8 targets done · checking linux/arm64 412/1503, windows/amd64 80/1200 · loading darwin/arm64
func (p *progress) line(now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "xcheck %.1fs", now.Sub(p.start).Seconds())
	if len(p.targets) == 0 {
		if p.stage != "" {
			b.WriteString(" · " + p.stage)
		}
		return cut(b.String(), p.width-1)
	}
	var done int
	var loading, checking, analyzing []string
	for _, t := range p.targets {
		switch t.phase {
		case loader.PhaseDone:
			done++
		case loader.PhaseListing:
			loading = append(loading, t.name)
		case loader.PhaseChecking:
			checking = append(checking, fmt.Sprintf("%s %d/%d", t.name, t.checked, t.total))
		case loader.PhaseAnalyzing:
			analyzing = append(analyzing, t.name)
		}
	}
	total := max(len(p.targets), p.ntargets)
	fmt.Fprintf(&b, " · %d/%d targets done", done, total)
	for _, part := range []struct {
		verb  string
		items []string
	}{{"checking", checking}, {"analyzing", analyzing}, {"loading", loading}} {
		if len(part.items) > 0 {
			b.WriteString(" · " + part.verb + " " + strings.Join(part.items, ", "))
		}
	}
	return cut(b.String(), p.width-1)
}

// cut shortens s to at most n runes, ending with "…" when cut.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
