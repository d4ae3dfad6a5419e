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
//
// SIGINT and SIGTERM are caught for the whole run. The first one cancels
// the run's context: the go commands running are stopped (go/packages
// interrupts `go list` and kills it 5 seconds later), no report is written
// (see errInterrupted) and the run exits 3 (exitcode.Failure, the code
// docs/exit-codes.md gives an interrupted run). A second one, while that
// shutdown runs, quits at once with the same code, without waiting for
// the go commands: only a report being renamed into place is finished
// first (writeFileAtomic), so that even then no --output file is left
// half-written.
func Main(args []string, stdout, stderr io.Writer, exit func(int)) {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	// Room for both signals, so that the second is not dropped while
	// the first is handled.
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		cancel(&interruptedError{sig: <-sigs})
		forceQuit(stderr, exit, <-sigs)
	}()
	exit(Run(ctx, args, stdout, stderr))
}

// interruptedError is the cause of the context of a run stopped by a
// signal.
type interruptedError struct{ sig os.Signal }

func (e *interruptedError) Error() string { return "interrupted by " + signalName(e.sig) }

// signalName names the signals xcheck catches as people write them.
func signalName(sig os.Signal) string {
	switch sig {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return sig.String()
}

// forceQuit ends the process on a second signal, once no --output file
// is between its write and its rename.
func forceQuit(stderr io.Writer, exit func(int), sig os.Signal) {
	outputMu.Lock() // never unlocked: nothing is written after this
	if isTerminal(stderr) {
		fmt.Fprint(stderr, "\r\x1b[K") // the progress line
	}
	fmt.Fprintf(stderr, "xcheck: %s again: quit without waiting for the go commands to stop\n", signalName(sig))
	exit(exitcode.Failure)
}

// errInterrupted ends a run whose context was canceled (SIGINT, SIGTERM)
// before its reports were written. An interrupted run writes no report,
// neither on stdout nor in --output files (an existing one is left as it
// was): whatever it would write would lack the targets it did not finish,
// and of the formats only JSON and SARIF could say so; GitHub code
// scanning or GitLab would take a partial SARIF or Code Quality report as
// "these problems are fixed". A missing file makes the CI step that
// reads it fail visibly instead, and exit code 3 says the run failed.
var errInterrupted = exitcode.FailureError(errors.New("interrupted: no report written"))

// reportedError ends a run with err after its reports were written (a
// target could not be checked): Run prints err as it is, even if the run
// was interrupted while it wrote them.
type reportedError struct{ err error }

func (e *reportedError) Error() string { return e.err.Error() }
func (e *reportedError) Unwrap() error { return e.err }

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
	if ctx.Err() != nil && !errors.As(err, new(*reportedError)) {
		// Whatever failed (a go command killed, a load cut short),
		// it failed because the run was stopped, before any report
		// was written: say that.
		reason := "interrupted"
		var ie *interruptedError
		if errors.As(context.Cause(ctx), &ie) {
			reason = ie.Error()
		}
		fmt.Fprintf(stderr, "xcheck: %s: no report written\n", reason)
		return exitcode.Failure
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
