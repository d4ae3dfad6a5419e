package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/internal/exitcode"
	"github.com/xcheck-dev/xcheck/report"
	"github.com/xcheck-dev/xcheck/rules"
)

// runMerge combines the JSON reports of several runs (the shards of a CI
// matrix) into one report, in any format, with check's exit-code logic.
func runMerge(_ context.Context, args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("merge")
	format := fs.String("format", "text", "format on stdout: text, json, sarif, github, markdown, codequality (GitLab)")
	var outputs stringList
	fs.Var(&outputs, "output", "also write the merged report to `FILE` (FORMAT:FILE or by extension); repeatable")
	fs.Var(&outputs, "o", "shorthand for --output")
	failOnFlag := fs.String("fail-on", "", "exit 1 when a finding is at or above: error, warning, info, never (default: the reports' own)")
	noColor := fs.Bool("no-color", false, "no colours in text output")
	fs.Usage = func() { printDefaults(stdout, fs, "xcheck merge [flags] REPORT.json...") }
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return exitcode.UsageError(fmt.Errorf("merge needs the JSON reports to merge (xcheck --format json --shard I/N ... > shard-I.json)"))
	}
	r, err := report.New(*format, report.Options{Color: useColor(stdout, *noColor)})
	if err != nil {
		return exitcode.UsageError(err)
	}
	outs, err := parseOutputs(outputs)
	if err != nil {
		return exitcode.UsageError(err)
	}
	merged := &report.Report{Rules: rules.All()}
	seen := map[string]bool{}
	var all []finding.Finding
	for i, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return exitcode.UsageError(fmt.Errorf("%s: %v", name, unwrapPathError(err)))
		}
		rep, err := report.DecodeJSON(f, rules.Lookup)
		f.Close()
		if err != nil {
			return exitcode.UsageError(fmt.Errorf("%s: %v", name, err))
		}
		if i == 0 {
			merged.Tool, merged.Toolchain, merged.FailOn = rep.Tool, rep.Toolchain, rep.FailOn
		} else if rep.Toolchain.GoVersion != merged.Toolchain.GoVersion {
			return exitcode.UsageError(fmt.Errorf("%s was made with %s, %s with %s: merge reports of one toolchain", name, rep.Toolchain.GoVersion, files[0], merged.Toolchain.GoVersion))
		}
		for _, t := range rep.Targets {
			if !seen[t.Name] {
				seen[t.Name] = true
				merged.Targets = append(merged.Targets, t)
			}
		}
		all = append(all, rep.Findings...)
	}
	if *failOnFlag != "" {
		if merged.FailOn, err = finding.ParseFailOn(*failOnFlag); err != nil {
			return exitcode.UsageError(err)
		}
	}
	sortTargets(merged.Targets)
	merged.Findings = finding.Merge(all)
	merged.Finalize()
	if err := r.Render(stdout, merged); err != nil {
		return exitcode.FailureError(err)
	}
	for _, o := range outs {
		if err := writeOutput(o, merged); err != nil {
			return exitcode.FailureError(err)
		}
	}
	if merged.Failed() {
		return &findingsError{}
	}
	return nil
}

func sortTargets(ts []report.TargetResult) {
	slices.SortFunc(ts, func(a, b report.TargetResult) int { return finding.CompareTargetNames(a.Name, b.Name) })
}
