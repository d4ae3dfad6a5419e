package report

import (
	"cmp"
	"encoding/json"
	"io"
	"net/url"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/xcheck-dev/xcheck/finding"
)

// SARIF renders a report as a SARIF 2.1.0 log with one run, for code
// scanning services (GitHub code scanning, Azure DevOps, IDE viewers).
// docs/sarif.md describes the mapping.
//
//   - Every rule the report knows is described in tool.driver.rules, from
//     the same fields that generate docs/rules/<ID>.md.
//   - Paths are relative to the module root and carry the uriBaseId
//     %SRCROOT%, defined in originalUriBaseIds when Report.Root is known.
//   - A finding without a position (about a target or the toolchain) is a
//     result without locations, which SARIF allows.
//   - Suppressed findings are kept, with an inSource suppression.
//   - The targets, evidence (why) and fix of a finding are in the result's
//     property bag; the fix is not a SARIF fix, which would need concrete
//     file replacements.
//   - A target that could not be checked (Report.Unchecked) makes the
//     invocation unsuccessful (executionSuccessful false) and is a
//     toolExecutionNotification of level error naming it and the reason;
//     the results are then those of the other targets.
type SARIF struct{}

const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	srcRoot      = "%SRCROOT%"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                        `json:"tool"`
	Invocations        []sarifInvocation                `json:"invocations"`
	OriginalURIBaseIDs map[string]sarifArtifactLocation `json:"originalUriBaseIds,omitempty"`
	Results            []sarifResult                    `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name,omitempty"`
	ShortDescription     *sarifMessage      `json:"shortDescription,omitempty"`
	FullDescription      *sarifMessage      `json:"fullDescription,omitempty"`
	Help                 *sarifMessage      `json:"help,omitempty"`
	HelpURI              string             `json:"helpUri,omitempty"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
	Properties           *sarifRuleProps    `json:"properties,omitempty"`
}

type sarifRuleProps struct {
	Tags []string `json:"tags"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

// sarifMessage is both a message and a multiformatMessageString.
type sarifMessage struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

// sarifNotification is a toolExecutionNotification: here, a target that
// could not be checked.
type sarifNotification struct {
	Level      string                 `json:"level"`
	Message    sarifMessage           `json:"message"`
	Properties sarifNotificationProps `json:"properties"`
}

type sarifNotificationProps struct {
	Target string `json:"target"`
}

type sarifResult struct {
	RuleID       string             `json:"ruleId"`
	RuleIndex    int                `json:"ruleIndex"`
	Level        string             `json:"level"`
	Message      sarifMessage       `json:"message"`
	Locations    []sarifLocation    `json:"locations,omitempty"`
	Suppressions []sarifSuppression `json:"suppressions,omitempty"`
	Properties   sarifResultProps   `json:"properties"`
}

type sarifResultProps struct {
	Targets []string `json:"targets"`
	Why     []string `json:"why,omitempty"`
	Fix     string   `json:"fix,omitempty"`
	Section string   `json:"section,omitempty"` // ELF section of an artifact finding
}

type sarifLocation struct {
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

type sarifSuppression struct {
	Kind string `json:"kind"`
}

// Render implements Renderer.
func (SARIF) Render(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(toSARIF(r))
}

func toSARIF(r *Report) *sarifLog {
	rules := sarifRules(r)
	index := make(map[string]int, len(rules))
	driver := sarifDriver{
		Name:           cmp.Or(r.Tool.Name, "xcheck"),
		Version:        strings.TrimPrefix(r.Tool.Version, "v"), // SARIF wants it to start with a digit
		InformationURI: informationURI,
		Rules:          make([]sarifRule, 0, len(rules)),
	}
	for i, ru := range rules {
		index[ru.ID] = i
		driver.Rules = append(driver.Rules, sarifRuleFor(ru))
	}

	inv := sarifInvocation{ExecutionSuccessful: true}
	for _, t := range r.Unchecked() {
		inv.ExecutionSuccessful = false
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
			Level:      "error",
			Message:    sarifMessage{Text: uncheckedLine(&t)},
			Properties: sarifNotificationProps{Target: t.Name},
		})
	}
	run := sarifRun{
		Tool:        sarifTool{Driver: driver},
		Invocations: []sarifInvocation{inv},
		Results:     make([]sarifResult, 0, len(r.Findings)),
	}
	if r.Root != "" {
		run.OriginalURIBaseIDs = map[string]sarifArtifactLocation{
			srcRoot: {URI: fileURI(r.Root, true)},
		}
	}
	for i := range r.Findings {
		run.Results = append(run.Results, sarifResultFor(&r.Findings[i], index[r.Findings[i].Rule.ID]))
	}
	return &sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}}
}

// sarifRules returns Report.Rules plus any rule a finding uses that is not
// among them, by ID, without duplicates.
func sarifRules(r *Report) []*finding.Rule {
	seen := map[string]bool{}
	var out []*finding.Rule
	for _, ru := range append(slices.Clone(r.Rules), usedRules(r)...) {
		if ru == nil || seen[ru.ID] {
			continue
		}
		seen[ru.ID] = true
		out = append(out, ru)
	}
	slices.SortStableFunc(out, func(a, b *finding.Rule) int { return strings.Compare(a.ID, b.ID) })
	return out
}

func sarifRuleFor(ru *finding.Rule) sarifRule {
	sr := sarifRule{
		ID:                   ru.ID,
		Name:                 pascalCase(ru.Name),
		HelpURI:              ruleDocURL(ru.ID),
		DefaultConfiguration: sarifConfiguration{Level: sarifLevel(ru.Severity)},
	}
	if sr.Name == ru.ID {
		sr.Name = ""
	}
	if ru.Title != "" {
		sr.ShortDescription = &sarifMessage{Text: ru.Title}
	}
	if ru.Why != "" {
		sr.FullDescription = &sarifMessage{Text: strings.TrimSpace(ru.Why)}
	}
	// A placeholder rule (from a report of a newer xcheck) has no docs.
	if ru.Why != "" && len(ru.ID) >= 3 {
		md := ru.Markdown()
		sr.Help = &sarifMessage{Text: md, Markdown: md}
	}
	tags := []string{"cross-compilation"}
	if fam := finding.Family(ru.ID); fam != "" {
		tags = append(tags, fam)
	}
	sr.Properties = &sarifRuleProps{Tags: tags}
	return sr
}

func sarifResultFor(f *finding.Finding, ruleIndex int) sarifResult {
	msg := f.Message
	if len(f.Targets) > 0 {
		msg += " [" + findingTargets(f) + "]"
	}
	res := sarifResult{
		RuleID:    f.Rule.ID,
		RuleIndex: ruleIndex,
		Level:     sarifLevel(f.Severity),
		Message:   sarifMessage{Text: msg},
		Properties: sarifResultProps{
			Targets: append([]string{}, f.Targets...),
			Why:     f.Why,
			Fix:     f.Fix,
			Section: f.Pos.Section,
		},
	}
	if f.Pos.IsValid() {
		loc := sarifLocation{PhysicalLocation: sarifPhysicalLocation{ArtifactLocation: artifactLocation(f.Pos.File)}}
		if f.Pos.Line > 0 {
			loc.PhysicalLocation.Region = &sarifRegion{StartLine: f.Pos.Line, StartColumn: f.Pos.Column}
		}
		res.Locations = []sarifLocation{loc}
	}
	if f.Suppressed {
		res.Suppressions = []sarifSuppression{{Kind: "inSource"}}
	}
	return res
}

// artifactLocation returns the location of a finding's file: relative to
// %SRCROOT% when the path is relative (to the module root), an absolute
// file URI otherwise.
func artifactLocation(file string) sarifArtifactLocation {
	if isAbsPath(file) {
		return sarifArtifactLocation{URI: fileURI(file, false)}
	}
	p := path.Clean(filepath.ToSlash(file))
	return sarifArtifactLocation{URI: (&url.URL{Path: p}).EscapedPath(), URIBaseID: srcRoot}
}

// fileURI turns an absolute path into a file URI; dir adds the trailing
// slash that a base URI needs.
func fileURI(p string, dir bool) string {
	p = filepath.ToSlash(p)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/x -> /C:/x
	}
	if dir && !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

// isAbsPath reports whether p is absolute on any OS (the report may come
// from another machine).
func isAbsPath(p string) bool {
	if filepath.IsAbs(p) || strings.HasPrefix(p, "/") || strings.HasPrefix(p, `\\`) {
		return true
	}
	return len(p) >= 3 && p[1] == ':' && (p[2] == '\\' || p[2] == '/') &&
		('a' <= p[0]|0x20 && p[0]|0x20 <= 'z')
}

func sarifLevel(s finding.Severity) string {
	switch s {
	case finding.Error:
		return "error"
	case finding.Warning:
		return "warning"
	}
	return "note"
}

// pascalCase turns a kebab-case rule name into the PascalCase name SARIF
// viewers expect: "no-cgo-on-port" -> "NoCgoOnPort".
func pascalCase(kebab string) string {
	var b strings.Builder
	for part := range strings.SplitSeq(kebab, "-") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]))
		b.WriteString(part[1:])
	}
	return b.String()
}
