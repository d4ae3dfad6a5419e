// Package cli is the xcheck command line. cmd/xcheck only calls Main, so
// the whole command runs in-process in tests: arguments, output streams,
// environment and the exit function are all injected.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/xcheck-dev/xcheck/internal/exitcode"
)

// Main runs xcheck with args (without the program name) and calls exit with
// the exit code.
func Main(args []string, stdout, stderr io.Writer, exit func(int)) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	exit(Run(ctx, args, stdout, stderr))
}

// Run runs xcheck and returns its exit code. Errors are printed once, as one
// line on stderr.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	err := run(ctx, args, stdout, stderr)
	if err == nil {
		return exitcode.OK
	}
	var fe *findingsError
	if errors.As(err, &fe) {
		return exitcode.Findings
	}
	if errors.Is(err, flag.ErrHelp) {
		return exitcode.OK
	}
	msg := strings.TrimSpace(err.Error())
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	fmt.Fprintf(stderr, "xcheck: %s\n", msg)
	return exitcode.Code(err)
}

// findingsError ends a run that found problems at or above --fail-on. It is
// not printed: the report already says everything.
type findingsError struct{}

func (*findingsError) Error() string { return "findings at or above --fail-on" }

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"check", "check packages against targets (the default command)", runCheck},
		{"merge", "merge the JSON reports of several runs (--shard) into one report", runMerge},
		{"init", "write a starter .xcheck.yaml (targets from .goreleaser.yaml, else first-class)", runInit},
		{"env", "show the toolchain and environment each target's build will use, and check it", runEnv},
		{"sysroot", "show what a target sysroot provides; with --target, check it", runSysroot},
		{"inspect", "audit built binaries, objects and archives against targets and floors (release gate)", runInspect},
		{"targets", "list the port matrix of the Go toolchain in use", runTargets},
		{"rules", "list every rule", runRules},
		{"cache", "show (info) or empty (clean) the result cache", runCacheCmd},
		{"explain", "show the documentation of a rule: xcheck explain XC1001", runExplain},
		{"version", "print xcheck's version", runVersion},
		{"help", "show this help", nil},
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "help", "-h", "-help", "--help":
			usage(stdout)
			return nil
		}
		for _, c := range commands() {
			if c.name == args[0] && c.run != nil {
				return c.run(ctx, args[1:], stdout, stderr)
			}
		}
		if !strings.HasPrefix(args[0], "-") && !looksLikePackage(args[0]) && !isFileArg(args[0]) {
			return exitcode.UsageError(fmt.Errorf("unknown command %q (see `xcheck help`)", args[0]))
		}
	}
	return runCheck(ctx, args, stdout, stderr)
}

// looksLikePackage tells package patterns (./..., ., ./cmd/x,
// example.com/m/...) from mistyped subcommands.
func looksLikePackage(s string) bool {
	return strings.HasPrefix(s, ".") || strings.HasPrefix(s, "/") || strings.Contains(s, "/") || strings.Contains(s, "...")
}

func usage(w io.Writer) {
	fmt.Fprint(w, `xcheck: cross-compilation preflight linter for Go

Usage:
  xcheck [check] [flags] [packages]   check packages (default ./...) for each target
  xcheck env [-t targets]             the toolchain and environment each target's build uses
  xcheck inspect [flags] FILE|DIR...  audit built binaries: exit 1 when one would not run on a target
  xcheck targets [--format json]      the port matrix of the Go toolchain in use
  xcheck rules [--format json]        every rule
  xcheck explain RULE                 a rule's documentation
  xcheck cache info|clean             the result cache
  xcheck version

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Run 'xcheck check -h' for the flags of check. Exit codes: 0 ok, 1 findings at or
above --fail-on, 2 usage or configuration error, 3 xcheck could not do its job.
Docs: https://github.com/xcheck-dev/xcheck/tree/main/docs
`)
}

// version, if set at link time, is xcheck's version: release builds
// (make release) set it with
// -ldflags "-X github.com/xcheck-dev/xcheck/internal/cli.version=v1.2.3".
var version string

// Version returns xcheck's version: the one set at link time, else the
// module version from the build info (go install ...@v1.2.3 records it,
// a build inside a git checkout records a pseudo-version).
func Version() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok || bi.Main.Version == "" {
		return "(devel)"
	}
	return bi.Main.Version
}

func runVersion(_ context.Context, args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("version")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	bi, _ := debug.ReadBuildInfo()
	gov := "unknown"
	if bi != nil {
		gov = bi.GoVersion
	}
	fmt.Fprintf(stdout, "xcheck %s (built with %s)\n", Version(), gov)
	return nil
}
