package report

import "testing"

func TestGolden(t *testing.T) {
	tests := []struct {
		name   string
		format string
		opt    Options
		report func() *Report
	}{
		{"text.golden", "text", Options{}, fixtureReport},
		{"text_verbose.golden", "text", Options{Verbose: true}, fixtureReport},
		{"text_quiet.golden", "text", Options{Quiet: true}, fixtureReport},
		{"text_empty.golden", "text", Options{}, emptyReport},
		{"json.golden", "json", Options{}, fixtureReport},
		{"json_empty.golden", "json", Options{}, emptyReport},
		{"sarif.golden", "sarif", Options{}, fixtureReport},
		{"github.golden", "github", Options{}, fixtureReport},
		{"markdown.golden", "markdown", Options{}, fixtureReport},
		{"markdown_empty.golden", "markdown", Options{}, emptyReport},
		{"codequality.golden", "codequality", Options{}, fixtureReport},
		{"codequality_empty.golden", "codequality", Options{}, emptyReport},
		{"text_unchecked.golden", "text", Options{}, uncheckedReport},
		{"json_unchecked.golden", "json", Options{}, uncheckedReport},
		{"sarif_unchecked.golden", "sarif", Options{}, uncheckedReport},
		{"github_unchecked.golden", "github", Options{}, uncheckedReport},
		{"markdown_unchecked.golden", "markdown", Options{}, uncheckedReport},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd, err := New(tt.format, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name, render(t, rd, tt.report()))
		})
	}
}
