//go:build unix

package e2e

import (
	"os"
	"runtime"
	"syscall"
)

// maxRSSKB returns the peak resident set size of a finished process in
// KiB, from its resource usage (ru_maxrss: KiB on Linux, bytes on darwin).
func maxRSSKB(ps *os.ProcessState) int64 {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return int64(ru.Maxrss) / 1024
	}
	return int64(ru.Maxrss)
}
