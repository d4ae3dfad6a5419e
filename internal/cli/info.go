package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/xcheck-dev/xcheck/internal/exitcode"
	"github.com/xcheck-dev/xcheck/matrix"
	"github.com/xcheck-dev/xcheck/report"
	"github.com/xcheck-dev/xcheck/rules"
)

// portJSON is one row of `xcheck targets --format json`. The first four
// fields mirror `go tool dist list -json`.
type portJSON struct {
	GOOS            string     `json:"goos"`
	GOARCH          string     `json:"goarch"`
	CgoSupported    bool       `json:"cgo_supported"`
	FirstClass      bool       `json:"first_class"`
	Broken          bool       `json:"broken"`
	ExternalLinking bool       `json:"external_linking"`
	MinOS           *minOSJSON `json:"min_os,omitempty"`
	Variant         string     `json:"variant_var,omitempty"`
}

type minOSJSON struct {
	OS      string `json:"os"`
	Version string `json:"version"`
}

type targetsJSON struct {
	Version   int        `json:"version"`
	GoVersion string     `json:"go_version"`
	Ports     []portJSON `json:"ports"`
}

func runTargets(ctx context.Context, args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("targets")
	format := fs.String("format", "text", "text or json")
	dir := fs.String("C", "", "run as if in `dir` (its go.mod may select another toolchain)")
	broken := fs.Bool("broken", false, "include ports the toolchain marks as broken")
	var specs stringList
	fs.Var(&specs, "target", "only these targets, sets or globs (repeatable)")
	fs.Var(&specs, "t", "shorthand for --target")
	fs.Usage = func() { printDefaults(stdout, fs, "xcheck targets [flags]") }
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return exitcode.UsageError(fmt.Errorf("targets takes no arguments (got %q); use --target to filter", pos[0]))
	}
	if *format != "text" && *format != "json" {
		return exitcode.UsageError(fmt.Errorf("unknown format %q for targets (want text or json)", *format))
	}
	s, err := openSession(ctx, *dir)
	if err != nil {
		return err
	}
	keep := func(matrix.Port) bool { return true }
	if len(specs) > 0 {
		expand := matrix.Expand
		if *broken {
			expand = matrix.ExpandWithBroken
		}
		ts, err := expand(specs, s.ports)
		if err != nil {
			return exitcode.UsageError(err)
		}
		want := map[string]bool{}
		for _, t := range ts {
			want[t.Pair()] = true
		}
		keep = func(p matrix.Port) bool { return want[p.Pair()] }
	}
	rel := s.tc.Release()
	out := targetsJSON{Version: 1, GoVersion: s.tc.GoVersion, Ports: []portJSON{}}
	for _, p := range s.ports.List {
		if (p.Broken && !*broken) || !keep(p) {
			continue
		}
		_, ext := matrix.NeedsExternalLinking(p.Pair())
		row := portJSON{GOOS: p.GOOS, GOARCH: p.GOARCH, CgoSupported: p.CgoSupported, FirstClass: p.FirstClass, Broken: p.Broken, ExternalLinking: ext}
		if k, v := matrix.MinOS(rel, p.GOOS, p.GOARCH); k != "" && v != "" {
			row.MinOS = &minOSJSON{OS: k, Version: v}
		}
		if vv := matrix.VariantFor(p.GOARCH); vv != nil {
			row.Variant = vv.Name
		}
		out.Ports = append(out.Ports, row)
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	yn := func(b bool) string {
		if b {
			return "yes"
		}
		return "-"
	}
	tbl := report.NewTable(nil)
	tbl.Header("TARGET", "FIRST-CLASS", "CGO", "EXTERNAL LINK", "OS MINIMUM ("+s.tc.GoVersion+")", "VARIANT")
	for _, p := range out.Ports {
		name := p.GOOS + "/" + p.GOARCH
		if p.Broken {
			name += " (broken)"
		}
		min := "-"
		if p.MinOS != nil {
			min = matrix.OSName(p.MinOS.OS) + " " + p.MinOS.Version
		}
		v := p.Variant
		if v == "" {
			v = "-"
		}
		ext := "-"
		if p.ExternalLinking {
			ext = "required"
		}
		if err := tbl.Append([]string{name, yn(p.FirstClass), yn(p.CgoSupported), ext, min, v}); err != nil {
			return err
		}
	}
	if err := tbl.Render(stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d ports of %s\n", len(out.Ports), s.tc.GoVersion)
	return nil
}

type ruleJSON struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Severity string `json:"severity"`
	Title    string `json:"title"`
	Fix      string `json:"fix"`
	Docs     string `json:"docs"`
}

func runRules(_ context.Context, args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("rules")
	format := fs.String("format", "text", "text or json")
	fs.Usage = func() { printDefaults(stdout, fs, "xcheck rules [--format json]") }
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return exitcode.UsageError(fmt.Errorf("rules takes no arguments; use `xcheck explain %s`", pos[0]))
	}
	switch *format {
	case "json":
		var out []ruleJSON
		for _, r := range rules.All() {
			out = append(out, ruleJSON{r.ID, r.Name, r.Severity.String(), r.Title, r.Fix, "docs/rules/" + r.ID + ".md"})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "text":
		tbl := report.NewTable(nil)
		tbl.Header("ID", "NAME", "SEVERITY", "WHAT IT FINDS")
		for _, r := range rules.All() {
			if err := tbl.Append([]string{r.ID, r.Name, r.Severity.String(), r.Title}); err != nil {
				return err
			}
		}
		return tbl.Render(stdout)
	}
	return exitcode.UsageError(fmt.Errorf("unknown format %q for rules (want text or json)", *format))
}

func runExplain(_ context.Context, args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("explain")
	fs.Usage = func() { printDefaults(stdout, fs, "xcheck explain RULE...") }
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return exitcode.UsageError(fmt.Errorf("explain needs a rule ID, for example `xcheck explain XC1001` (see `xcheck rules`)"))
	}
	var pages []string
	for _, id := range pos {
		r := rules.Lookup(id)
		if r == nil {
			return exitcode.UsageError(fmt.Errorf("unknown rule %q (see `xcheck rules`)", id))
		}
		pages = append(pages, r.Markdown())
	}
	_, err = io.WriteString(stdout, strings.Join(pages, "\n"))
	return err
}
