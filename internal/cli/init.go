package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/xcheck-dev/xcheck/config"
	"github.com/xcheck-dev/xcheck/internal/exitcode"
)

// runInit writes a starter .xcheck.yaml at the module root: the targets of
// .goreleaser.yaml when there is one, else the first-class ports.
func runInit(ctx context.Context, args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("init")
	dir := fs.String("C", "", "run as if in `dir`")
	force := fs.Bool("force", false, "overwrite an existing .xcheck.yaml")
	fs.Usage = func() { printDefaults(stdout, fs, "xcheck init [-C dir] [--force]") }
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return exitcode.UsageError(fmt.Errorf("init takes no arguments (got %q)", pos[0]))
	}
	s, err := openSession(ctx, *dir)
	if err != nil {
		return err
	}
	mod, _, err := s.module(*dir)
	if err != nil {
		return err
	}
	targets, from := []string{"first-class"}, "the first-class ports"
	for _, name := range []string{".goreleaser.yaml", ".goreleaser.yml"} {
		data, err := os.ReadFile(filepath.Join(mod.Root, name))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return exitcode.UsageError(fmt.Errorf("reading %s: %v", name, unwrapPathError(err)))
		}
		ts, err := config.GoreleaserTargets(data)
		if err != nil {
			return exitcode.UsageError(err)
		}
		if len(ts) > 0 {
			targets, from = ts, "from "+name
		}
		break
	}
	path := filepath.Join(mod.Root, config.FileName)
	if err := config.WriteStarter(path, config.Starter(targets, from), *force); err != nil {
		return exitcode.UsageError(err)
	}
	fmt.Fprintf(stdout, "wrote %s with %d targets (%s)\n", path, len(targets), from)
	return nil
}
