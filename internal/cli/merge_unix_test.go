//go:build unix

package cli

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/internal/exitcode"
	"github.com/xcheck-dev/xcheck/internal/memtest"
	"github.com/xcheck-dev/xcheck/report"
)

// TestMergeRefusesEndlessReport gives xcheck merge a named pipe that
// carries a report without end (its size cannot be known in advance):
// merge stops after report.MaxJSONSize bytes, refuses it (exit 2, one
// line), and holds about that much memory, not what the writer would
// send.
func TestMergeRefusesEndlessReport(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 256 MiB")
	}
	fifo := filepath.Join(t.TempDir(), "endless.json")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	var sent int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer f.Close()
		item := []byte(`{"rule":"XC2001","severity":"error","targets":["linux/arm"],"file":"a.go","line":1,"message":"m","why":[],"fix":"","suppressed":false},`)
		var body []byte // 1 MiB of findings, written over and over
		for len(body) < 1<<20 {
			body = append(body, item...)
		}
		n, err := f.Write(reportHead)
		sent += int64(n)
		// Until merge closes its end (EPIPE), or 1 GiB.
		for err == nil && sent < 1<<30 {
			n, err = f.Write(body)
			sent += int64(n)
		}
	}()
	stderr, code, u := mergeMeasured(t, fifo)
	<-done
	t.Logf("the writer sent %.1f MiB", float64(sent)/memtest.MiB)
	assert.Equal(t, exitcode.Usage, code)
	assert.Equal(t, "xcheck: "+fifo+": xcheck JSON report is larger than 256 MiB, the most xcheck reads\n", stderr)
	assert.Less(t, u.Peak, uint64(report.MaxJSONSize+report.MaxJSONSize/4))
	assert.Less(t, sent, int64(report.MaxJSONSize+64<<20), "merge read on")
}
