package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/internal/exitcode"
	"github.com/xcheck-dev/xcheck/report"
	"github.com/xcheck-dev/xcheck/rules"
)

// maxMergeInput is the most xcheck merge reads from all its reports
// together: 1 GiB, four times what one report may be
// (report.MaxJSONSize). The merged report is held whole, so this bounds
// its memory too.
const maxMergeInput = 1 << 30

// runMerge combines the JSON reports of several runs (the shards of a CI
// matrix) into one report, in any format, with check's exit-code logic.
// A target that a shard could not check makes the merge exit 3 too, after
// the merged report is written.
func runMerge(ctx context.Context, args []string, stdout, _ io.Writer) error {
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
	// The sizes first: a report too large, or reports too large
	// together, are refused before anything is read. Reports that are
	// not regular files (pipes) are held to the same limits as they are
	// read.
	var total int64
	for _, name := range files {
		fi, err := os.Stat(name)
		if err != nil {
			return exitcode.UsageError(fmt.Errorf("%s: %v", name, unwrapPathError(err)))
		}
		if !fi.Mode().IsRegular() {
			continue
		}
		if fi.Size() > report.MaxJSONSize {
			return exitcode.UsageError(fmt.Errorf("%s: %v", name, &report.TooLargeError{Limit: report.MaxJSONSize}))
		}
		total += fi.Size()
	}
	if total > maxMergeInput {
		return exitcode.UsageError(fmt.Errorf("the reports add up to %s, more than the %s xcheck merge reads: merge them in groups, then merge the results", report.FormatSize(total), report.FormatSize(maxMergeInput)))
	}
	merged := &report.Report{Rules: rules.All()}
	seen := map[string]bool{}
	from := map[string]string{} // target -> the report it came from
	var all []finding.Finding
	var read int64
	for i, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return exitcode.UsageError(fmt.Errorf("%s: %v", name, unwrapPathError(err)))
		}
		cr := &countingReader{r: f}
		budget := maxMergeInput - read
		rep, err := report.DecodeJSONLimit(cr, rules.Lookup, budget)
		f.Close()
		read += cr.n
		var tl *report.TooLargeError
		if errors.As(err, &tl) && tl.Limit < report.MaxJSONSize {
			return exitcode.UsageError(fmt.Errorf("%s: the reports add up to more than the %s xcheck merge reads: merge them in groups, then merge the results", name, report.FormatSize(maxMergeInput)))
		}
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
				from[t.Name] = name
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
	if ctx.Err() != nil {
		return errInterrupted
	}
	if err := r.Render(stdout, merged); err != nil {
		return exitcode.FailureError(err)
	}
	for _, o := range outs {
		if err := writeOutput(o, merged); err != nil {
			return exitcode.FailureError(err)
		}
	}
	// A shard that could not check a target exited 3; so does the
	// merge of its report, naming the first such target.
	if un := merged.Unchecked(); len(un) > 0 {
		t := un[0]
		more := ""
		if len(un) > 1 {
			more = fmt.Sprintf(", and %d more target", len(un)-1)
			if len(un) > 2 {
				more += "s"
			}
		}
		reason, _, _ := strings.Cut(t.Error, "\n")
		return &reportedError{exitcode.FailureError(fmt.Errorf("%s was not checked (%s%s): %s", t.Name, from[t.Name], more, reason))}
	}
	if merged.Failed() {
		return &findingsError{}
	}
	return nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func sortTargets(ts []report.TargetResult) {
	slices.SortFunc(ts, func(a, b report.TargetResult) int { return finding.CompareTargetNames(a.Name, b.Name) })
}
