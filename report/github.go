package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/xcheck-dev/xcheck/finding"
)

// GitHub renders findings as GitHub Actions workflow commands, which the
// runner turns into annotations on the pull request:
//
//	::error file=db/open.go,line=9,col=2,title=XC3001 cgo-stub::message [windows/386] — fix: ...
//
// One command per unsuppressed finding; errors are ::error, warnings
// ::warning and info ::notice. file, line and col are left out when
// unknown. A target that could not be checked is an ::error of its own,
// first, titled "xcheck: TARGET not checked", with the reason. Nothing
// else is written, so the output can go straight to the job log.
type GitHub struct{}

// Render implements Renderer.
func (GitHub) Render(w io.Writer, r *Report) error {
	ew := &errWriter{w: w}
	for _, t := range r.Unchecked() {
		fmt.Fprintf(ew, "::error title=%s::%s\n", githubProperty("xcheck: "+t.Name+" not checked"), githubData(uncheckedLine(&t)))
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Suppressed {
			continue
		}
		fmt.Fprintln(ew, githubCommand(f))
	}
	return ew.err
}

func githubCommand(f *finding.Finding) string {
	cmd := "notice"
	switch f.Severity {
	case finding.Error:
		cmd = "error"
	case finding.Warning:
		cmd = "warning"
	}

	var props []string
	if f.Pos.IsValid() {
		props = append(props, "file="+githubProperty(f.Pos.File))
		if f.Pos.Line > 0 {
			props = append(props, fmt.Sprintf("line=%d", f.Pos.Line))
			if f.Pos.Column > 0 {
				props = append(props, fmt.Sprintf("col=%d", f.Pos.Column))
			}
		}
	}
	props = append(props, "title="+githubProperty(strings.TrimSpace(f.Rule.ID+" "+f.Rule.Name)))

	msg := f.Message
	if len(f.Targets) > 0 {
		msg += " [" + findingTargets(f) + "]"
	}
	if f.Pos.Section != "" {
		msg += " (section " + f.Pos.Section + ")"
	}
	if f.Fix != "" {
		msg += " — fix: " + f.Fix
	}
	return "::" + cmd + " " + strings.Join(props, ",") + "::" + githubData(msg)
}

// githubData escapes the message of a workflow command.
func githubData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// githubProperty escapes a property value of a workflow command, where
// ':' and ',' are also special.
func githubProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
