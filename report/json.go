package report

import (
	"encoding/json"
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
	Counts     jsonCounts   `json:"counts"`
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
			Counts:     toJSONCounts(t.Counts),
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
		Failed:     r.Failed(),
		FailOn:     r.FailOn.String(),
	}
	return out
}

func toJSONCounts(c finding.Counts) jsonCounts {
	return jsonCounts{Errors: c.Errors, Warnings: c.Warnings, Info: c.Infos, Suppressed: c.Suppressed}
}

// DecodeJSON reads a report written by the JSON renderer, for commands
// that combine the results of several runs (xcheck merge).
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
	var in jsonReport
	dec := json.NewDecoder(r)
	if err := dec.Decode(&in); err != nil {
		return nil, fmt.Errorf("decoding xcheck JSON report: %w", err)
	}
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
		case finding.VerdictOK, finding.VerdictWarn, finding.VerdictFail:
		default:
			return nil, fmt.Errorf("xcheck JSON report: targets[%d] (%s): unknown verdict %q", i, jt.Target, jt.Verdict)
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
