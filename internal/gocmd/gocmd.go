// Package gocmd runs the go command the user's build would use: the first
// "go" on PATH (or $XCHECK_GO), in the module directory, so that GOTOOLCHAIN
// switching and go.work/go.mod apply exactly as they would for `go build`.
//
// Every call has a timeout, and every failure is an error that names the
// command and the first line of what it printed.
package gocmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// DefaultTimeout bounds one go command invocation.
const DefaultTimeout = 2 * time.Minute

// Go runs one go command.
type Go struct {
	Bin     string        // the go binary; "go" (looked up in PATH) if empty
	Dir     string        // working directory (-C); current directory if empty
	BaseEnv []string      // base environment; os.Environ() if nil
	Timeout time.Duration // per call; DefaultTimeout if zero
}

func (g *Go) bin() string {
	if g.Bin != "" {
		return g.Bin
	}
	if b := os.Getenv("XCHECK_GO"); b != "" {
		return b
	}
	return "go"
}

// Environ returns the base environment plus extra (extra wins).
func (g *Go) Environ(extra ...string) []string {
	env := g.BaseEnv
	if env == nil {
		env = os.Environ()
	}
	return MergeEnv(env, extra...)
}

// MergeEnv returns env with the KEY=VALUE pairs of extra set, replacing any
// earlier value of the same key.
func MergeEnv(env []string, extra ...string) []string {
	out := make([]string, 0, len(env)+len(extra))
	over := make(map[string]bool, len(extra))
	for _, kv := range extra {
		k, _, _ := strings.Cut(kv, "=")
		over[k] = true
	}
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if !over[k] {
			out = append(out, kv)
		}
	}
	return append(out, extra...)
}

// Error is a failed go command.
type Error struct {
	Args   []string
	Reason string // one line
	Stderr string // all of it, for callers that look closer
	Err    error
}

// Detail returns the first indented line of the go command's output, where
// it explains an error ("inconsistent vendoring in DIR:" is followed by the
// module that is inconsistent), or Reason when there is none.
func (e *Error) Detail() string {
	for _, l := range strings.Split(e.Stderr, "\n") {
		if strings.HasPrefix(l, "\t") && strings.TrimSpace(l) != "" {
			return strings.TrimSpace(l)
		}
	}
	return e.Reason
}

func (e *Error) Error() string {
	return fmt.Sprintf("go %s: %s", strings.Join(e.Args, " "), e.Reason)
}

func (e *Error) Unwrap() error { return e.Err }

// ErrNotFound is wrapped by the error returned when there is no go command.
var ErrNotFound = errors.New("go command not found")

// Run runs go with args and the extra environment, returning its stdout.
func (g *Go) Run(ctx context.Context, extraEnv []string, args ...string) ([]byte, error) {
	timeout := g.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
		if d, err := time.ParseDuration(os.Getenv("XCHECK_GO_TIMEOUT")); err == nil && d > 0 {
			timeout = d
		}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	bin := g.bin()
	path, err := exec.LookPath(bin)
	if errors.Is(err, exec.ErrDot) {
		// The first go in PATH is in the current directory (".", ""
		// or another relative entry): it is the module's, not the
		// user's toolchain, and is never run.
		return nil, &Error{Args: args, Err: fmt.Errorf("%w: %v", ErrNotFound, err),
			Reason: fmt.Sprintf("the first %q in PATH is %s, found through a relative PATH entry (the current directory): not run; remove the relative entry from PATH or set XCHECK_GO", bin, path)}
	}
	if err != nil {
		return nil, &Error{Args: args, Err: fmt.Errorf("%w: %v", ErrNotFound, err),
			Reason: fmt.Sprintf("no go command %q found in PATH: install Go (https://go.dev/dl) or set XCHECK_GO", bin)}
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir = g.Dir
	cmd.Env = g.Environ(extraEnv...)
	cmd.WaitDelay = time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err = cmd.Run()
	if ctx.Err() == context.DeadlineExceeded {
		return nil, &Error{Args: args, Err: ctx.Err(), Reason: fmt.Sprintf("timed out after %s", timeout)}
	}
	if err != nil && ctx.Err() == context.Canceled {
		// The run was interrupted (SIGINT, SIGTERM): the go command
		// was killed, it did not fail.
		return nil, &Error{Args: args, Err: ctx.Err(), Reason: "interrupted"}
	}
	if err != nil {
		return nil, &Error{Args: args, Err: err, Reason: firstLine(stderr.String(), err.Error()), Stderr: stderr.String()}
	}
	return stdout.Bytes(), nil
}

// Env runs `go env -json` for the given variables with the extra
// environment and returns their values.
func (g *Go) Env(ctx context.Context, extraEnv []string, vars ...string) (map[string]string, error) {
	args := append([]string{"env", "-json"}, vars...)
	out, err := g.Run(ctx, extraEnv, args...)
	if err != nil {
		return nil, err
	}
	m := make(map[string]string)
	if err := json.Unmarshal(out, &m); err != nil {
		return nil, &Error{Args: args, Err: err, Reason: "printed invalid JSON: " + err.Error()}
	}
	return m, nil
}

func firstLine(s, fallback string) string {
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "#") {
			return l
		}
	}
	return fallback
}

// LookPath returns the path of the go command that Run would start.
func (g *Go) LookPath() (string, error) {
	return exec.LookPath(g.bin())
}
