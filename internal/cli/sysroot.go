package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/xcheck-dev/xcheck/abi"
	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/internal/exitcode"
	"github.com/xcheck-dev/xcheck/matrix"
	"github.com/xcheck-dev/xcheck/report"
)

// runSysroot prints what a sysroot provides and, with --target, checks it
// against that target as if cgo were on (the XC4xxx rules).
func runSysroot(ctx context.Context, args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("sysroot")
	format := fs.String("format", "text", "text or json")
	target := fs.String("target", "", "check the sysroot against this target (GOOS/GOARCH[/VARIANT]), as for a cgo build")
	fs.StringVar(target, "t", "", "shorthand for --target")
	var policy [3]stringList
	fs.Var(&policy[0], "glibc", "oldest glibc the binaries must run on (with --target)")
	fs.Var(&policy[1], "libc", "the target's C library: glibc or musl (with --target)")
	fs.Var(&policy[2], "kernel", "oldest kernel the binaries must run on (with --target)")
	fs.Usage = func() { printDefaults(stdout, fs, "xcheck sysroot PATH [--target T] [--format json]") }
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return exitcode.UsageError(fmt.Errorf("sysroot needs one PATH (for example /usr/aarch64-linux-gnu)"))
	}
	if *format != "text" && *format != "json" {
		return exitcode.UsageError(fmt.Errorf("unknown format %q for sysroot (want text or json)", *format))
	}
	var pols abi.Policies
	for i, name := range []string{"glibc", "libc", "kernel"} {
		for _, v := range policy[i] {
			if err := pols.Set(name, v); err != nil {
				return exitcode.UsageError(err)
			}
		}
	}
	var t matrix.Target
	if *target != "" {
		if t, err = matrix.Parse(*target); err != nil {
			return exitcode.UsageError(err)
		}
		if err := pols.Validate(t); err != nil {
			return exitcode.UsageError(err)
		}
	}
	sr, err := abi.ReadSysroot(pos[0])
	if err != nil {
		return exitcode.UsageError(err)
	}

	var fsd []finding.Finding
	if *target != "" {
		s, err := openSession(ctx, "")
		if err != nil {
			return err
		}
		b, err := matrix.ResolveBuild(ctx, s.g, s.tc, s.ports, t, matrix.CgoOn)
		if err != nil {
			return exitcode.FailureError(err)
		}
		if b.Port == nil {
			return exitcode.UsageError(fmt.Errorf("%s is not a port of %s", t, s.tc.GoVersion))
		}
		fsd = finding.Merge(abi.Check(ctx, abi.CheckInput{
			Build: b, Discovery: abi.Discovery{Root: sr.Root, Method: abi.MethodFlag, How: "xcheck sysroot " + pos[0]},
			Sysroot: sr, Policy: pols.For(t), GoVersion: s.tc.GoVersion,
		}))
	}

	if *format == "json" {
		out := struct {
			Sysroot  abi.SysrootJSON      `json:"sysroot"`
			Target   string               `json:"target,omitempty"`
			Findings []report.FindingJSON `json:"findings"`
		}{sr.JSON(), *target, report.FindingsJSON(fsd)}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		tbl := report.NewTable(nil)
		tbl.Header("FACT", "VALUE (FROM)")
		for _, row := range sr.Rows() {
			if err := tbl.Append([]string{row[0], row[1]}); err != nil {
				return err
			}
		}
		if err := tbl.Render(stdout); err != nil {
			return err
		}
		if *target != "" {
			fmt.Fprintln(stdout)
			if len(fsd) == 0 {
				fmt.Fprintf(stdout, "no findings for %s\n", t)
			} else if err := (&report.Text{Options: report.Options{Quiet: true}}).Render(stdout, &report.Report{Findings: fsd}); err != nil {
				return err
			}
		}
	}
	if finding.FailOnError.Fails(fsd) {
		return &findingsError{}
	}
	return nil
}
