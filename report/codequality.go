package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/xcheck-dev/xcheck/finding"
)

// CodeQuality renders findings as a GitLab Code Quality report (the Code
// Climate issue format GitLab reads from artifacts:reports:codequality),
// shown in merge request widgets and diffs. docs/ci.md describes the
// mapping; in short:
//
//   - a JSON array, one object per unsuppressed finding (GitLab has no
//     notion of a suppressed issue), `[]` when there are none;
//   - check_name is the rule ID, description the message with the
//     targets and the fix, severity critical (error), major (warning) or
//     info;
//   - location.path is relative to the module root, location.lines.begin
//     the line (1 when unknown). GitLab needs a file for every issue, so
//     a finding without one (about a target or the toolchain), or with
//     a file outside the module (a sysroot library), is placed on go.mod
//     line 1, the module's own file, and its real place is named in the
//     description;
//   - fingerprint is a hash of the rule, place, message and targets:
//     stable across runs, so GitLab can tell new issues from fixed ones,
//     and distinct for distinct findings.
type CodeQuality struct{}

type cqIssue struct {
	Type        string     `json:"type"`
	CheckName   string     `json:"check_name"`
	Description string     `json:"description"`
	Categories  []string   `json:"categories"`
	Severity    string     `json:"severity"`
	Fingerprint string     `json:"fingerprint"`
	Location    cqLocation `json:"location"`
}

type cqLocation struct {
	Path  string  `json:"path"`
	Lines cqLines `json:"lines"`
}

type cqLines struct {
	Begin int `json:"begin"`
}

// Render implements Renderer.
func (CodeQuality) Render(w io.Writer, r *Report) error {
	issues := make([]cqIssue, 0, len(r.Findings))
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Suppressed {
			continue
		}
		issues = append(issues, codeQualityIssue(f))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(issues)
}

func codeQualityIssue(f *finding.Finding) cqIssue {
	desc := f.Message
	if len(f.Targets) > 0 {
		desc += " [" + findingTargets(f) + "]"
	}
	loc := cqLocation{Path: f.Pos.File, Lines: cqLines{Begin: max(f.Pos.Line, 1)}}
	if !inModule(f.Pos.File) {
		if f.Pos.File != "" {
			desc += " (in " + f.Pos.String() + ")"
		}
		loc = cqLocation{Path: "go.mod", Lines: cqLines{Begin: 1}}
	} else if f.Pos.Section != "" {
		desc += " (section " + f.Pos.Section + ")"
	}
	if f.Fix != "" {
		desc += " — fix: " + f.Fix
	}
	return cqIssue{
		Type:        "issue",
		CheckName:   f.Rule.ID,
		Description: desc,
		Categories:  []string{"Compatibility"},
		Severity:    codeQualitySeverity(f.Severity),
		Fingerprint: codeQualityFingerprint(f),
		Location:    loc,
	}
}

// inModule reports whether a finding's file is a path relative to the
// module root.
func inModule(file string) bool {
	return file != "" && !path.IsAbs(file) && !strings.HasPrefix(file, "../") &&
		!(len(file) > 1 && file[1] == ':') // C:\ on Windows
}

// codeQualitySeverity maps xcheck's severities to GitLab's (info, minor,
// major, critical, blocker): an error breaks the build for a target,
// a warning a program at run time.
func codeQualitySeverity(s finding.Severity) string {
	switch s {
	case finding.Error:
		return "critical"
	case finding.Warning:
		return "major"
	}
	return "info"
}

func codeQualityFingerprint(f *finding.Finding) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00%d\x00%s\x00%s\x00%s", f.Rule.ID, f.Pos.File, f.Pos.Line, f.Pos.Column, f.Pos.Section, f.Message, strings.Join(f.Targets, ","))
	return hex.EncodeToString(h.Sum(nil)[:16])
}
