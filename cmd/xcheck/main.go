// Command xcheck is a cross-compilation preflight linter for Go: it tells,
// before any build runs, whether a module will build, link and run on each
// target platform, and if not, why and how to fix it.
//
//	xcheck --target linux/arm64,windows/amd64 ./...
//
// See https://github.com/xcheck-dev/xcheck/tree/main/docs.
package main

import (
	"fmt"
	"os"

	"github.com/xcheck-dev/xcheck/internal/cli"
	"github.com/xcheck-dev/xcheck/internal/exitcode"
	"github.com/xcheck-dev/xcheck/internal/gocmd"
)

func main() {
	// $XCHECK_GO becomes the go of PATH before anything runs, for the
	// go list that golang.org/x/tools/go/packages starts by name. This
	// changes the process's environment, which is why it is done here and
	// not in cli.Run, which tests call in-process, concurrently.
	cleanup, err := gocmd.PrependXcheckGo()
	if err != nil {
		fmt.Fprintf(os.Stderr, "xcheck: %v\n", err)
		os.Exit(exitcode.Failure)
	}
	cli.Main(os.Args[1:], os.Stdout, os.Stderr, func(code int) {
		cleanup()
		os.Exit(code)
	})
}
