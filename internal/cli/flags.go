package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/xcheck-dev/xcheck/internal/exitcode"
)

// stringList is a repeatable flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("xcheck "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseFlags parses args, allowing flags and positional arguments to be
// interleaved (`xcheck ./... -t linux/arm64`); "--" ends flag parsing.
// Errors are usage errors; -h returns flag.ErrHelp after printing help to
// the flag set's help writer.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, exitcode.UsageError(fmt.Errorf("%v (see `%s -h`)", err, fs.Name()))
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		// flag stops at the first non-flag; "--" is consumed by Parse,
		// so check whether the previous argument was it.
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// printDefaults writes the flag set's help to w.
func printDefaults(w io.Writer, fs *flag.FlagSet, synopsis string) {
	fmt.Fprintf(w, "Usage: %s\n\nFlags:\n", synopsis)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}
