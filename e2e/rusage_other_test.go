//go:build !unix

package e2e

import "os"

// maxRSSKB returns 0: peak memory is read from ru_maxrss, on Unix only.
func maxRSSKB(*os.ProcessState) int64 { return 0 }
