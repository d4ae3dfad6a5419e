package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xcheck-dev/xcheck/finding"
)

// JSON renders a report in xcheck's versioned JSON schema, documented in
// docs/json.md. The wire types below are the schema: they are separate
// from the internal model so that the model can change without breaking
// consumers. Change them only together with docs/json.md and, for
// incompatible changes, SchemaVersion.
type JSON struct{}

type jsonReport struct {
	Version   int           `json:"version"`
	Tool      jsonTool      `json:"tool"`
	Toolchain jsonToolchain `json:"toolchain"`
	Targets   []jsonTarget  `json:"targets"`
	Findings  []FindingJSON `json:"findings"`
	Summary   jsonSummary   `json:"summary"`
}

type jsonTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type jsonToolchain struct {
	GoVersion string `json:"go_version"`
	GOROOT    string `json:"goroot"`
	Host      string `json:"host"` // GOHOSTOS/GOHOSTARCH
}

type jsonTarget struct {
	Target     string       `json:"target"`
	GOOS       string       `json:"goos"`
	GOARCH     string       `json:"goarch"`
	Variant    *jsonVariant `json:"variant,omitempty"` // absent when the GOARCH has no variant variable
	IsPort     bool         `json:"is_port"`
	Native     bool         `json:"native"`
	CgoEnabled bool         `json:"cgo_enabled"`
	CgoReason  string       `json:"cgo_reason"`
	CC         string       `json:"cc"`
	Sysroot    string       `json:"sysroot"`
	Verdict    string       `json:"verdict"`
	Error      string       `json:"error"` // why the target could not be checked (verdict "error"); "" otherwise
	Counts     jsonCounts   `json:"counts"`
	Packages   int          `json:"packages"` // in the target's import graph, standard library included; 0 if not loaded
}

type jsonVariant struct {
	Name  string `json:"name"`  // GOARM
	Value string `json:"value"` // 7
	From  string `json:"from"`  // target, environment, default
}

type jsonCounts struct {
	Errors     int `json:"errors"`
	Warnings   int `json:"warnings"`
	Info       int `json:"info"`
	Suppressed int `json:"suppressed"`
}

// FindingJSON is one finding in the JSON schema (docs/json.md); other
// commands that print findings as JSON (xcheck env) use it too.
type FindingJSON struct {
	Rule       string   `json:"rule"`
	Name       string   `json:"name"`
	Severity   string   `json:"severity"`
	Targets    []string `json:"targets"`
	File       string   `json:"file,omitempty"`    // absent when the finding has no position
	Line       int      `json:"line,omitempty"`    // absent when unknown
	Column     int      `json:"column,omitempty"`  // absent when unknown
	Section    string   `json:"section,omitempty"` // artifacts only
	Message    string   `json:"message"`
	Why        []string `json:"why"`
	Fix        string   `json:"fix"`
	Suppressed bool     `json:"suppressed"`
}

type jsonSummary struct {
	Errors     int    `json:"errors"`
	Warnings   int    `json:"warnings"`
	Info       int    `json:"info"`
	Suppressed int    `json:"suppressed"`
	Targets    int    `json:"targets"`
	Unchecked  int    `json:"unchecked"` // targets with verdict "error"
	Failed     bool   `json:"failed"`
	FailOn     string `json:"fail_on"`
}

// Render implements Renderer.
func (JSON) Render(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(toJSON(r))
}

func toJSON(r *Report) *jsonReport {
	out := &jsonReport{
		Version: SchemaVersion,
		Tool:    jsonTool{Name: r.Tool.Name, Version: r.Tool.Version},
		Toolchain: jsonToolchain{
			GoVersion: r.Toolchain.GoVersion,
			GOROOT:    r.Toolchain.GOROOT,
			Host:      r.Toolchain.host(),
		},
		Targets:  make([]jsonTarget, 0, len(r.Targets)),
		Findings: make([]FindingJSON, 0, len(r.Findings)),
	}
	for _, t := range r.Targets {
		jt := jsonTarget{
			Target:     t.Name,
			GOOS:       t.GOOS,
			GOARCH:     t.GOARCH,
			IsPort:     t.IsPort,
			Native:     t.Native,
			CgoEnabled: t.CgoEnabled,
			CgoReason:  t.CgoReason,
			CC:         t.CC,
			Sysroot:    t.Sysroot,
			Verdict:    string(t.Verdict),
			Error:      t.Error,
			Counts:     toJSONCounts(t.Counts),
			Packages:   t.Packages,
		}
		if t.VariantVar != "" {
			jt.Variant = &jsonVariant{Name: t.VariantVar, Value: t.Variant, From: t.VariantFrom}
		}
		out.Targets = append(out.Targets, jt)
	}
	out.Findings = FindingsJSON(r.Findings)
	c := finding.Count(r.Findings, "")
	out.Summary = jsonSummary{
		Errors:     c.Errors,
		Warnings:   c.Warnings,
		Info:       c.Infos,
		Suppressed: c.Suppressed,
		Targets:    len(r.Targets),
		Unchecked:  len(r.Unchecked()),
		Failed:     r.Failed(),
		FailOn:     r.FailOn.String(),
	}
	return out
}

func toJSONCounts(c finding.Counts) jsonCounts {
	return jsonCounts{Errors: c.Errors, Warnings: c.Warnings, Info: c.Infos, Suppressed: c.Suppressed}
}

// MaxJSONSize is the most DecodeJSON reads: 256 MiB. A report of the
// first-class ports of a large module is a few hundred kilobytes, and
// 256 MiB holds about half a million findings; what is bigger is not a
// report xcheck wrote, and is refused before it can take the memory of
// the machine (decoding holds the document and what it decodes to).
const MaxJSONSize = 256 << 20

// TooLargeError is returned by DecodeJSON for an input longer than the
// limit it reads.
type TooLargeError struct {
	Limit int64 // bytes
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("xcheck JSON report is larger than %s, the most xcheck reads", FormatSize(e.Limit))
}

// FormatSize writes a byte count for people: "256 MiB", "1 GiB",
// "1536 bytes".
func FormatSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d bytes", n)
}

// readLimited reads r to its end and returns what it read, or a
// *TooLargeError as soon as r has more than limit bytes. It reads into
// chunks and joins them once at the end, so an input over the limit
// costs about limit bytes of memory, not the doubling of a growing
// buffer.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	const chunk = 1 << 20
	var (
		chunks [][]byte
		total  int64
	)
	for {
		// One byte past the limit tells a longer input from one that
		// ends there.
		want := min(chunk, limit+1-total)
		buf := make([]byte, want)
		n, err := io.ReadFull(r, buf)
		total += int64(n)
		if total > limit {
			return nil, &TooLargeError{Limit: limit}
		}
		if n > 0 {
			chunks = append(chunks, buf[:n])
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if len(chunks) == 1 {
		return chunks[0], nil
	}
	data := make([]byte, 0, total)
	for i, c := range chunks {
		data = append(data, c...)
		chunks[i] = nil
	}
	return data, nil
}

// DecodeJSON reads a report written by the JSON renderer, for commands
// that combine the results of several runs (xcheck merge). It reads at
// most MaxJSONSize bytes: a longer input is a *TooLargeError.
//
// Rules are resolved by ID with lookup; an ID that lookup does not know
// (a report from a newer xcheck) gets a placeholder Rule carrying the ID,
// the name and the severity found in the report. lookup may be nil.
// Report.Rules is set to the rules the findings use. Report.Root is not part
// of the schema and stays empty. The summary is recomputed from the
// findings when needed (Report.Failed), not read back.
//
// Documents with a version other than SchemaVersion are rejected; unknown
// fields are ignored, as the versioning policy allows new fields within a
// version.
func DecodeJSON(r io.Reader, lookup func(id string) *finding.Rule) (*Report, error) {
	return DecodeJSONLimit(r, lookup, MaxJSONSize)
}

// DecodeJSONLimit is DecodeJSON reading at most limit bytes (at most
// MaxJSONSize, whatever limit says): an input longer than that is a
// *TooLargeError, returned once limit bytes are read, without decoding
// any. The document is read whole before it is decoded: an input over the
// limit costs about limit bytes of memory, a document under it about
// twice its size plus what it decodes to.
func DecodeJSONLimit(r io.Reader, lookup func(id string) *finding.Rule, limit int64) (*Report, error) {
	data, err := readLimited(r, min(limit, MaxJSONSize))
	if err != nil {
		return nil, err
	}
	var in jsonReport
	if err := json.Unmarshal(data, &in); err != nil {
		return nil, fmt.Errorf("decoding xcheck JSON report: %w", err)
	}
	data = nil // let it go while the report is built
	if in.Version != SchemaVersion {
		return nil, fmt.Errorf("xcheck JSON report has schema version %d, want %d", in.Version, SchemaVersion)
	}
	out := &Report{
		Tool: Tool{Name: in.Tool.Name, Version: in.Tool.Version},
		Toolchain: Toolchain{
			GoVersion: in.Toolchain.GoVersion,
			GOROOT:    in.Toolchain.GOROOT,
		},
	}
	if in.Toolchain.Host != "" {
		goos, goarch, ok := strings.Cut(in.Toolchain.Host, "/")
		if !ok {
			return nil, fmt.Errorf("xcheck JSON report: toolchain.host %q is not GOOS/GOARCH", in.Toolchain.Host)
		}
		out.Toolchain.GOHOSTOS, out.Toolchain.GOHOSTARCH = goos, goarch
	}
	if in.Summary.FailOn != "" {
		fo, err := finding.ParseFailOn(in.Summary.FailOn)
		if err != nil {
			return nil, fmt.Errorf("xcheck JSON report: summary.fail_on: %w", err)
		}
		out.FailOn = fo
	}

	for i, jt := range in.Targets {
		v := finding.Verdict(jt.Verdict)
		switch v {
		case finding.VerdictOK, finding.VerdictWarn, finding.VerdictFail, finding.VerdictError:
		default:
			return nil, fmt.Errorf("xcheck JSON report: targets[%d] (%s): unknown verdict %q", i, jt.Target, jt.Verdict)
		}
		// Finalize gives the verdict "error" to the targets with an
		// error, and only to them: the two must agree.
		if (v == finding.VerdictError) != (jt.Error != "") {
			return nil, fmt.Errorf("xcheck JSON report: targets[%d] (%s): verdict %q with error %q: only the verdict \"error\" has an error, and always", i, jt.Target, jt.Verdict, jt.Error)
		}
		t := TargetResult{
			Name:       jt.Target,
			GOOS:       jt.GOOS,
			GOARCH:     jt.GOARCH,
			IsPort:     jt.IsPort,
			Native:     jt.Native,
			CgoEnabled: jt.CgoEnabled,
			CgoReason:  jt.CgoReason,
			CC:         jt.CC,
			Sysroot:    jt.Sysroot,
			Error:      jt.Error,
			Packages:   jt.Packages,
			Verdict:    v,
			Counts: finding.Counts{
				Errors:     jt.Counts.Errors,
				Warnings:   jt.Counts.Warnings,
				Infos:      jt.Counts.Info,
				Suppressed: jt.Counts.Suppressed,
			},
		}
		if jt.Variant != nil {
			t.VariantVar, t.Variant, t.VariantFrom = jt.Variant.Name, jt.Variant.Value, jt.Variant.From
		}
		out.Targets = append(out.Targets, t)
	}

	rules := map[string]*finding.Rule{}
	for i, jf := range in.Findings {
		sev, err := finding.ParseSeverity(jf.Severity)
		if err != nil {
			return nil, fmt.Errorf("xcheck JSON report: findings[%d]: %w", i, err)
		}
		if jf.Rule == "" {
			return nil, fmt.Errorf("xcheck JSON report: findings[%d]: no rule", i)
		}
		ru, ok := rules[jf.Rule]
		if !ok {
			if lookup != nil {
				ru = lookup(jf.Rule)
			}
			if ru == nil {
				ru = &finding.Rule{ID: jf.Rule, Name: jf.Name, Severity: sev}
			}
			rules[jf.Rule] = ru
		}
		f := finding.Finding{
			Rule:     ru,
			Severity: sev,
			Targets:  jf.Targets,
			Pos: finding.Position{
				File:    jf.File,
				Line:    jf.Line,
				Column:  jf.Column,
				Section: jf.Section,
			},
			Message:    jf.Message,
			Why:        jf.Why,
			Fix:        jf.Fix,
			Suppressed: jf.Suppressed,
		}
		if len(f.Targets) == 0 {
			f.Targets = nil
		}
		if len(f.Why) == 0 {
			f.Why = nil
		}
		out.Findings = append(out.Findings, f)
	}
	out.Rules = usedRules(out)
	return out, nil
}

// FindingsJSON converts findings to their JSON form.
func FindingsJSON(fs []finding.Finding) []FindingJSON {
	out := make([]FindingJSON, 0, len(fs))
	for _, f := range fs {
		out = append(out, FindingJSON{
			Rule:       f.Rule.ID,
			Name:       f.Rule.Name,
			Severity:   f.Severity.String(),
			Targets:    append([]string{}, f.Targets...),
			File:       f.Pos.File,
			Line:       f.Pos.Line,
			Column:     f.Pos.Column,
			Section:    f.Pos.Section,
			Message:    f.Message,
			Why:        append([]string{}, f.Why...),
			Fix:        f.Fix,
			Suppressed: f.Suppressed,
		})
	}
	return out
}
