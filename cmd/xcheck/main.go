// Command xcheck is a cross-compilation preflight linter for Go: it tells,
// before any build runs, whether a module will build, link and run on each
// target platform, and if not, why and how to fix it.
//
//	xcheck --target linux/arm64,windows/amd64 ./...
//
// See https://github.com/xcheck-dev/xcheck/tree/main/docs.
package main

import (
	"os"

	"github.com/xcheck-dev/xcheck/internal/cli"
)

func main() {
	cli.Main(os.Args[1:], os.Stdout, os.Stderr, os.Exit)
}
