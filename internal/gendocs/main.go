// Command gendocs writes docs/rules/ from the rule definitions:
//
//	go run ./internal/gendocs [-dir docs/rules]
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/xcheck-dev/xcheck/rules"
)

func main() {
	dir := flag.String("dir", "docs/rules", "output directory")
	flag.Parse()
	if err := rules.WriteDocs(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}
