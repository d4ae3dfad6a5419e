package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/olekukonko/tablewriter/tw"

	"github.com/xcheck-dev/xcheck/abi"
	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/inspect"
	"github.com/xcheck-dev/xcheck/internal/exitcode"
	"github.com/xcheck-dev/xcheck/matrix"
	"github.com/xcheck-dev/xcheck/report"
	"github.com/xcheck-dev/xcheck/rules"
)

// inspectFlags are the flags of `xcheck inspect`.
type inspectFlags struct {
	targets  stringList
	glibc    stringList
	libc     stringList
	kernel   stringList
	minOS    stringList
	sysroots stringList
	cpu      stringList
	cgo      string
	format   string
	outputs  stringList
	failOn   string
	noColor  bool
	quiet    bool
	noGore   bool
}

// runInspect audits built artifacts against the declared targets and
// floors (the XC5xxx rules): the release gate.
func runInspect(ctx context.Context, args []string, stdout, _ io.Writer) error {
	var f inspectFlags
	fs := newFlagSet("inspect")
	fs.Var(&f.targets, "target", "targets the artifacts are released for: GOOS/GOARCH[/VARIANT], comma-separated, repeatable; each artifact must be for one of them (default: each artifact's own platform)")
	fs.Var(&f.targets, "t", "shorthand for --target")
	fs.Var(&f.glibc, "glibc", "oldest glibc the Linux binaries must run on: 2.28, or TARGET=2.28; repeatable")
	fs.Var(&f.libc, "libc", "the target systems' C library: glibc or musl, or TARGET=musl; repeatable")
	fs.Var(&f.kernel, "kernel", "oldest Linux kernel the binaries must run on: 4.4, or TARGET=4.4; repeatable")
	fs.Var(&f.minOS, "min-os", "oldest OS versions the binaries must run on: linux=3.2,macos=11,windows=10,ios=12,freebsd=13 (repeatable)")
	fs.Var(&f.sysroots, "sysroot", "the target systems' root file system, for the loader and DT_NEEDED libraries: `TARGET=PATH`, or PATH for every target; repeatable")
	fs.Var(&f.cpu, "cpu", "oldest CPU per architecture: GOARCH/VARIANT such as arm/v6, amd64/v1, arm/7,softfloat; comma-separated, repeatable")
	fs.StringVar(&f.cgo, "cgo", "auto", "off: the Go binaries must be built with CGO_ENABLED=0 (auto and on declare nothing)")
	fs.StringVar(&f.format, "format", "text", "format on stdout: text, json, sarif, github, markdown")
	fs.Var(&f.outputs, "output", "also write a report to `FILE`; format from a FORMAT: prefix (sarif:out.json) or the extension (.json, .sarif, .md, .txt); repeatable")
	fs.Var(&f.outputs, "o", "shorthand for --output")
	fs.StringVar(&f.failOn, "fail-on", "error", "exit 1 when a finding is at or above: error, warning, info, never")
	fs.BoolVar(&f.noColor, "no-color", false, "no colours in text output (also NO_COLOR)")
	fs.BoolVar(&f.quiet, "q", false, "quiet: only findings and the summary, no table of facts per artifact")
	fs.BoolVar(&f.noGore, "no-gore", false, "do not fall back to gore for Go binaries without build info")
	fs.Usage = func() {
		printDefaults(stdout, fs, "xcheck inspect [--target T] [--glibc V] [--libc glibc|musl] [--kernel V] [--min-os OS=V] [--sysroot PATH] [--cpu GOARCH/V] [--cgo off] [--format F] FILE|DIR...")
	}
	paths, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return exitcode.UsageError(errors.New("inspect needs the artifacts to inspect: FILE or DIR arguments (for example dist/)"))
	}
	cfg, err := f.config()
	if err != nil {
		return exitcode.UsageError(err)
	}
	failOn, err := finding.ParseFailOn(f.failOn)
	if err != nil {
		return exitcode.UsageError(err)
	}
	if !slices.Contains(report.Formats, f.format) && f.format != "md" {
		return exitcode.UsageError(fmt.Errorf("unknown format %q (want one of text, json, sarif, github, markdown)", f.format))
	}
	outs, err := parseOutputs(f.outputs)
	if err != nil {
		return exitcode.UsageError(err)
	}

	arts, skipped := inspect.ReadAll(inspect.Walk(paths), inspect.Options{Gore: !f.noGore})
	if len(arts) == 0 {
		return exitcode.UsageError(fmt.Errorf("no binaries to inspect in %s (%d files skipped: not executables, objects or archives)", strings.Join(paths, ", "), skipped))
	}
	ck := inspect.NewChecker(cfg)
	var all []finding.Finding
	for _, a := range arts {
		all = append(all, ck.Check(a)...)
	}
	root, _ := os.Getwd()
	rep := &report.Report{
		Tool:     report.Tool{Name: "xcheck", Version: Version()},
		Root:     root,
		Findings: finding.Merge(all),
		Rules:    rules.All(),
		FailOn:   failOn,
		Targets:  inspectTargets(cfg, arts, f.cgo),
	}
	rep.Finalize()
	res := &inspectResult{rep: rep, arts: arts, skipped: skipped, quiet: f.quiet}
	if ctx.Err() != nil {
		return errInterrupted
	}

	if err := res.render(stdout, f.format, useColor(stdout, f.noColor)); err != nil {
		return exitcode.FailureError(fmt.Errorf("writing report: %v", err))
	}
	for _, o := range outs {
		var buf bytes.Buffer
		if err := res.render(&buf, o.format, false); err != nil {
			return exitcode.FailureError(fmt.Errorf("rendering %s: %v", o.path, err))
		}
		if err := writeFileAtomic(o.path, buf.Bytes()); err != nil {
			return exitcode.FailureError(err)
		}
	}
	if rep.Failed() {
		return &findingsError{}
	}
	return nil
}

// config turns the flags into the checker's configuration.
func (f *inspectFlags) config() (inspect.Config, error) {
	var cfg inspect.Config
	for _, spec := range f.targets {
		for _, s := range matrix.SplitList(spec) {
			t, err := matrix.Parse(s)
			if err != nil {
				return cfg, fmt.Errorf("%v (inspect takes GOOS/GOARCH[/VARIANT] targets, not sets or globs)", err)
			}
			if !slices.Contains(cfg.Targets, t) {
				cfg.Targets = append(cfg.Targets, t)
			}
		}
	}
	for _, fl := range []struct {
		name string
		vals []string
	}{{"glibc", f.glibc}, {"libc", f.libc}, {"kernel", f.kernel}} {
		for _, v := range fl.vals {
			if err := cfg.Policies.Set(fl.name, v); err != nil {
				return cfg, err
			}
		}
	}
	for _, t := range cfg.Targets {
		if err := cfg.Policies.Validate(t); err != nil {
			return cfg, err
		}
	}
	var pol matrix.Policy
	for _, m := range f.minOS {
		if err := pol.ParseMinOS(m); err != nil {
			return cfg, err
		}
	}
	cfg.MinOS = pol.MinOS
	cpu, err := parseCPU(f.cpu)
	if err != nil {
		return cfg, err
	}
	cfg.CPU = cpu
	mode, err := matrix.ParseCgoMode(f.cgo)
	if err != nil {
		return cfg, err
	}
	cfg.CgoOff = mode == matrix.CgoOff
	paths, err := parseSysroots(f.sysroots)
	if err != nil {
		return cfg, err
	}
	for key, p := range paths {
		sr, err := abi.ReadSysroot(p)
		if err != nil {
			return cfg, fmt.Errorf("--sysroot %s: %v", p, err)
		}
		if cfg.Sysroots == nil {
			cfg.Sysroots = map[string]*abi.Sysroot{}
		}
		cfg.Sysroots[key] = sr
	}
	return cfg, nil
}

// parseCPU parses --cpu values: GOARCH/VARIANT entries ("arm/v6",
// "amd64/v1", "arm/6,softfloat"), comma-separated; a suffix after a
// comma (",softfloat") belongs to the entry before it.
func parseCPU(vals []string) (map[string]string, error) {
	var entries []string
	for _, v := range vals {
		for _, p := range strings.Split(v, ",") {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			if !strings.Contains(p, "/") && len(entries) > 0 {
				entries[len(entries)-1] += "," + p
				continue
			}
			entries = append(entries, p)
		}
	}
	m := map[string]string{}
	for _, e := range entries {
		goarch, v, ok := strings.Cut(e, "/")
		goarch = strings.ToLower(strings.TrimSpace(goarch))
		if !ok || goarch == "" || v == "" {
			return nil, fmt.Errorf("invalid --cpu %q: want GOARCH/VARIANT, for example arm/v6 or amd64/v1", e)
		}
		c, err := matrix.CanonVariant(goarch, v)
		if err != nil {
			return nil, fmt.Errorf("invalid --cpu %q: %v", e, err)
		}
		m[goarch] = c
	}
	return m, nil
}

// inspectTargets are the report's targets: the declared ones, else the
// platforms of the artifacts.
func inspectTargets(cfg inspect.Config, arts []*inspect.Artifact, cgo string) []report.TargetResult {
	var out []report.TargetResult
	add := func(t matrix.Target) {
		for _, tr := range out {
			if tr.Name == t.String() {
				return
			}
		}
		tr := report.TargetResult{Name: t.String(), GOOS: t.GOOS, GOARCH: t.GOARCH, IsPort: true}
		switch {
		case cfg.CPU[t.GOARCH] != "":
			tr.VariantVar, tr.Variant, tr.VariantFrom = t.VariantVar(), cfg.CPU[t.GOARCH], "--cpu"
		case t.Variant != "":
			tr.VariantVar, tr.Variant, tr.VariantFrom = t.VariantVar(), t.Variant, "target"
		}
		if cgo == "on" || cgo == "off" {
			tr.CgoEnabled, tr.CgoReason = cgo == "on", "--cgo "+cgo
		}
		out = append(out, tr)
	}
	for _, t := range cfg.Targets {
		add(t)
	}
	if len(cfg.Targets) == 0 {
		for _, a := range arts {
			if t, name := inspect.TargetOf(a); name != "" {
				add(t)
			}
		}
	}
	slices.SortFunc(out, func(a, b report.TargetResult) int { return finding.CompareTargetNames(a.Name, b.Name) })
	return out
}

// inspectResult is what `xcheck inspect` renders.
type inspectResult struct {
	rep     *report.Report
	arts    []*inspect.Artifact
	skipped int
	quiet   bool
}

// verdict returns the verdict of one artifact and its error and warning
// counts, from the unsuppressed findings at its path.
func (r *inspectResult) verdict(a *inspect.Artifact) (finding.Verdict, int, int) {
	v := finding.VerdictOK
	errs, warns := 0, 0
	for _, f := range r.rep.Findings {
		if f.Suppressed || f.Pos.File != a.Path {
			continue
		}
		switch f.Severity {
		case finding.Error:
			errs++
			v = finding.VerdictFail
		case finding.Warning:
			warns++
			if v == finding.VerdictOK {
				v = finding.VerdictWarn
			}
		}
	}
	return v, errs, warns
}

func (r *inspectResult) render(w io.Writer, format string, color bool) error {
	switch format {
	case "text":
		return r.text(w, color)
	case "json":
		return r.json(w)
	case "markdown", "md":
		return r.markdown(w)
	}
	rr, err := report.New(format, report.Options{})
	if err != nil {
		return err
	}
	return rr.Render(w, r.rep)
}

func verdictText(v finding.Verdict) string {
	switch v {
	case finding.VerdictFail:
		return "fails"
	case finding.VerdictWarn:
		return "warnings"
	}
	return "ok"
}

// text writes a table of facts per artifact, the findings, a summary table
// and a summary line.
func (r *inspectResult) text(w io.Writer, color bool) error {
	if !r.quiet {
		for _, a := range r.arts {
			v, _, _ := r.verdict(a)
			head := a.Path
			if p := a.Platform(); p != "" {
				head += ": " + p
			}
			fmt.Fprintf(w, "%s (%s)\n", head, verdictText(v))
			tbl := report.NewTable(nil)
			tbl.Header("  FACT", "VALUE")
			for _, row := range a.Rows() {
				if err := tbl.Append([]string{"  " + row[0], row[1]}); err != nil {
					return err
				}
			}
			if err := tbl.Render(w); err != nil {
				return err
			}
			fmt.Fprintln(w)
		}
	}
	var shown int
	for _, f := range r.rep.Findings {
		if !f.Suppressed {
			shown++
		}
	}
	if shown > 0 {
		if err := (&report.Text{Options: report.Options{Quiet: true, Color: color}}).Render(w, r.rep); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	right := tw.AlignRight
	tbl := report.NewTable([]tw.Align{tw.AlignLeft, tw.AlignLeft, tw.AlignLeft, tw.AlignLeft, right, right})
	tbl.Header("ARTIFACT", "KIND", "PLATFORM", "VERDICT", "ERRORS", "WARNINGS")
	for _, a := range r.arts {
		v, e, wn := r.verdict(a)
		plat := a.Platform()
		if plat == "" {
			plat = "-"
		}
		kind := strings.TrimSpace(string(a.Format) + " " + a.Kind)
		if kind == "" {
			kind = "-"
		}
		if err := tbl.Append([]string{a.Path, kind, plat, verdictText(v), fmt.Sprint(e), fmt.Sprint(wn)}); err != nil {
			return err
		}
	}
	if err := tbl.Render(w); err != nil {
		return err
	}
	c := finding.Count(r.rep.Findings, "")
	line := "no findings"
	if c.Errors+c.Warnings+c.Infos > 0 {
		line = fmt.Sprintf("%s, %s, %d info", plural(c.Errors, "error"), plural(c.Warnings, "warning"), c.Infos)
	}
	line += " across " + plural(len(r.arts), "artifact")
	if r.skipped > 0 {
		line += fmt.Sprintf(" (%s skipped: not binaries)", plural(r.skipped, "file"))
	}
	_, err := fmt.Fprintln(w, line)
	return err
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// json writes the report's JSON (docs/json.md) with one more top-level
// field, "artifacts": the facts of each artifact (docs/inspect.md). New
// fields are allowed within a schema version.
func (r *inspectResult) json(w io.Writer) error {
	var buf bytes.Buffer
	if err := (report.JSON{}).Render(&buf, r.rep); err != nil {
		return err
	}
	doc := bytes.TrimRight(buf.Bytes(), "\n")
	if !bytes.HasSuffix(doc, []byte("}")) {
		return errors.New("unexpected JSON report shape")
	}
	doc = bytes.TrimRight(doc[:len(doc)-1], "\n ")
	arts := make([]inspect.ArtifactJSON, 0, len(r.arts))
	for _, a := range r.arts {
		j := a.JSON()
		v, _, _ := r.verdict(a)
		j.Verdict = string(v)
		arts = append(arts, j)
	}
	var ab bytes.Buffer
	enc := json.NewEncoder(&ab)
	enc.SetIndent("  ", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(arts); err != nil {
		return err
	}
	var out bytes.Buffer
	out.Write(doc)
	out.WriteString(",\n  \"artifacts\": ")
	out.Write(bytes.TrimRight(ab.Bytes(), "\n"))
	fmt.Fprintf(&out, ",\n  \"skipped_files\": %d\n}\n", r.skipped)
	_, err := w.Write(out.Bytes())
	return err
}

// markdown writes the report's markdown summary and a table of the
// artifacts.
func (r *inspectResult) markdown(w io.Writer) error {
	if err := (report.Markdown{}).Render(w, r.rep); err != nil {
		return err
	}
	fmt.Fprintln(w, "### Artifacts")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| Artifact | Kind | Platform | Verdict | Errors | Warnings |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | ---: | ---: |")
	cell := strings.NewReplacer("|", `\|`, "`", "'", "\n", " ")
	for _, a := range r.arts {
		v, e, wn := r.verdict(a)
		verdict := verdictText(v)
		if v == finding.VerdictFail {
			verdict = "**" + verdict + "**"
		}
		_, err := fmt.Fprintf(w, "| `%s` | %s | %s | %s | %d | %d |\n", cell.Replace(a.Path),
			cell.Replace(strings.TrimSpace(string(a.Format)+" "+a.Kind)), cell.Replace(a.Platform()), verdict, e, wn)
		if err != nil {
			return err
		}
	}
	_, err := fmt.Fprintln(w)
	return err
}
