package cli

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/xcheck-dev/xcheck/internal/exitcode"
	"github.com/xcheck-dev/xcheck/internal/gocmd"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		// What cmd/xcheck does.
		"xcheck": func() {
			cleanup, err := gocmd.PrependXcheckGo()
			if err != nil {
				fmt.Fprintf(os.Stderr, "xcheck: %v\n", err)
				os.Exit(exitcode.Failure)
			}
			Main(os.Args[1:], os.Stdout, os.Stderr, func(code int) {
				cleanup()
				os.Exit(code)
			})
		},
	})
}

// TestScripts runs the end-to-end CLI scripts in testdata/script: each is a
// module, command lines, their exit codes and expected output. The real go
// command runs underneath.
func TestScripts(t *testing.T) {
	goEnv := map[string]string{}
	for _, k := range []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOROOT"} {
		out, err := exec.Command("go", "env", k).Output()
		if err != nil {
			t.Fatalf("go env %s: %v", k, err)
		}
		goEnv[k] = string(out[:len(out)-1])
	}
	demo, err := filepath.Abs(filepath.Join("..", "..", "testdata", "demo"))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		UpdateScripts:       os.Getenv("XCHECK_UPDATE_SCRIPTS") != "",
		RequireExplicitExec: true,
		Setup: func(e *testscript.Env) error {
			for k, v := range goEnv {
				e.Setenv(k, v)
			}
			e.Setenv("GOTOOLCHAIN", "local")
			e.Setenv("GOFLAGS", "-mod=mod")
			e.Setenv("GOPROXY", "off")
			e.Setenv("NO_COLOR", "1")
			e.Setenv("XCHECK_CACHE", filepath.Join(e.WorkDir, ".xcheck-cache"))
			e.Setenv("DEMO", demo)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// exit CODE CMD ARGS... runs CMD and checks its exact exit code.
			"exit": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) < 2 {
					ts.Fatalf("usage: exit CODE CMD [ARGS...]")
				}
				want, err := strconv.Atoi(args[0])
				if err != nil {
					ts.Fatalf("exit: bad code %q", args[0])
				}
				err = ts.Exec(args[1], args[2:]...)
				got := 0
				var ee *exec.ExitError
				if errors.As(err, &ee) {
					got = ee.ExitCode()
				} else if err != nil {
					ts.Fatalf("exit: %v", err)
				}
				if got != want {
					ts.Fatalf("%s exited %d, want %d", args[1], got, want)
				}
			},
		},
	})
}
