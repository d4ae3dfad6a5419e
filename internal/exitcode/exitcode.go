// Package exitcode names xcheck's exit codes. They are the same for every
// subcommand and every output format, and documented in docs/exit-codes.md.
package exitcode

import "errors"

const (
	// OK: no finding at or above --fail-on.
	OK = 0
	// Findings: at least one unsuppressed finding at or above --fail-on.
	Findings = 1
	// Usage: bad command line or configuration (malformed target, unknown
	// flag or set, unreadable input file, missing -C directory).
	Usage = 2
	// Failure: xcheck could not do its job (no go command, the toolchain
	// failed or printed garbage, a directory that is not a Go module).
	Failure = 3
)

// Error is an error that carries the exit code it should end the process
// with. It is printed once, on one line, by the CLI.
type Error struct {
	Code int
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// UsageError wraps err with exit code Usage.
func UsageError(err error) error { return &Error{Code: Usage, Err: err} }

// FailureError wraps err with exit code Failure.
func FailureError(err error) error { return &Error{Code: Failure, Err: err} }

// Code returns the exit code carried by err: OK for nil, the code of an
// *Error anywhere in its chain, else Failure.
func Code(err error) int {
	if err == nil {
		return OK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Failure
}
