package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The SARIF output is checked with Microsoft's SARIF multitool, the
// reference validator: it checks the SARIF 2.1.0 JSON schema and the
// SARIF "smart" validation rules (SARIF1xxx errors, SARIF2xxx warnings).
//
// Install it with scripts/install-sarif-validator.sh. The test finds it
// through $XCHECK_SARIF_VALIDATOR, or at the script's default install path.
// When it is missing, the test skips, except on CI (CI=true), where it
// fails.

// sarifValidator returns the path of the multitool, or skips or fails the
// test when there is none.
func sarifValidator(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("XCHECK_SARIF_VALIDATOR"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("XCHECK_SARIF_VALIDATOR: %v", err)
		}
		return p
	}
	root := os.Getenv("XCHECK_TOOLS")
	if root == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			t.Fatalf("locating the SARIF validator: %v", err)
		}
		root = filepath.Join(home, ".cache", "xcheck-tools")
	}
	p := filepath.Join(root, "sarif-multitool", "current", "package", "Sarif.Multitool")
	if _, err := os.Stat(p); err != nil {
		msg := fmt.Sprintf("SARIF validator not found at %s: run scripts/install-sarif-validator.sh or set XCHECK_SARIF_VALIDATOR", p)
		if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}

// validateSARIF runs the validator on doc and returns the problems it
// reports at level error or warning, as "RULEID: message" strings, plus
// the problems of checkSARIFEnums. It fails the test if the validator
// itself does not run.
//
// The multitool exits 0 whether or not the file is valid (its exit code
// only says whether it ran), so the problems are read from the SARIF log it
// writes with --output.
func validateSARIF(t *testing.T, bin string, doc []byte) []string {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "report.sarif")
	out := filepath.Join(dir, "validation.sarif")
	require.NoError(t, os.WriteFile(in, doc, 0o644))

	// The file must come before the list-valued --log option, or the
	// multitool's option parser swallows it.
	cmd := exec.Command(bin, "validate", in, "--output", out, "--log", "ForceOverwrite")
	cmd.Dir = dir
	console, err := cmd.CombinedOutput()
	require.NoError(t, err, "the SARIF validator failed to run:\n%s", console)

	raw, err := os.ReadFile(out)
	require.NoError(t, err, "the SARIF validator wrote no log:\n%s", console)
	var log struct {
		Runs []struct {
			Invocations []struct {
				ExecutionSuccessful        bool `json:"executionSuccessful"`
				ToolExecutionNotifications []struct {
					Level   string `json:"level"`
					Message struct {
						Text string `json:"text"`
					} `json:"message"`
				} `json:"toolExecutionNotifications"`
			} `json:"invocations"`
			Results []struct {
				RuleID  string `json:"ruleId"`
				Level   string `json:"level"`
				Message struct {
					Text      string   `json:"text"`
					Arguments []string `json:"arguments"`
				} `json:"message"`
			} `json:"results"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal(raw, &log), "the SARIF validator wrote an unreadable log")
	require.NotEmpty(t, log.Runs, "the SARIF validator log has no run")

	var problems []string
	for _, run := range log.Runs {
		for _, inv := range run.Invocations {
			require.True(t, inv.ExecutionSuccessful, "the SARIF validator did not complete:\n%s", console)
			for _, n := range inv.ToolExecutionNotifications {
				if n.Level == "error" {
					t.Fatalf("the SARIF validator reported a tool error: %s\n%s", n.Message.Text, console)
				}
			}
		}
		for _, res := range run.Results {
			level := res.Level
			if level == "" {
				level = "warning" // SARIF's default level
			}
			text := res.Message.Text
			if text == "" {
				text = strings.Join(res.Message.Arguments, "; ")
			}
			switch level {
			case "error", "warning":
				problems = append(problems, fmt.Sprintf("%s %s: %s", level, res.RuleID, text))
			default:
				t.Logf("validator %s %s: %s", level, res.RuleID, text)
			}
		}
	}
	problems = append(problems, checkSARIFEnums(doc)...)
	if len(problems) > 0 {
		t.Logf("validator output:\n%s", console)
	}
	return problems
}

// checkSARIFEnums checks the enumerated strings that the multitool does not:
// its schema engine ignores "enum" constraints on properties without a
// "type", which is how the 2.1.0 schema declares result.level,
// reportingConfiguration.level and suppression.kind.
func checkSARIFEnums(doc []byte) []string {
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID                   string `json:"id"`
						DefaultConfiguration struct {
							Level *string `json:"level"`
						} `json:"defaultConfiguration"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				Level        *string `json:"level"`
				Suppressions []struct {
					Kind string `json:"kind"`
				} `json:"suppressions"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(doc, &log); err != nil {
		return []string{"enum check: " + err.Error()}
	}
	levels := []string{"none", "note", "warning", "error"}
	var problems []string
	for i, run := range log.Runs {
		for j, ru := range run.Tool.Driver.Rules {
			if l := ru.DefaultConfiguration.Level; l != nil && !slices.Contains(levels, *l) {
				problems = append(problems, fmt.Sprintf("enum: runs[%d].tool.driver.rules[%d].defaultConfiguration.level %q", i, j, *l))
			}
		}
		for j, res := range run.Results {
			if l := res.Level; l != nil && !slices.Contains(levels, *l) {
				problems = append(problems, fmt.Sprintf("enum: runs[%d].results[%d].level %q", i, j, *l))
			}
			for k, s := range res.Suppressions {
				if s.Kind != "inSource" && s.Kind != "external" {
					problems = append(problems, fmt.Sprintf("enum: runs[%d].results[%d].suppressions[%d].kind %q", i, j, k, s.Kind))
				}
			}
		}
	}
	return problems
}

func TestSARIFValidates(t *testing.T) {
	bin := sarifValidator(t)

	reports := map[string]*Report{
		"fixture": fixtureReport(),
		"empty":   emptyReport(),
		// A target that could not be checked: a tool execution
		// notification.
		"unchecked": uncheckedReport(),
	}
	// A report read back from JSON, without Root and with a rule the
	// reader does not know: placeholder rule metadata must still validate.
	noRoot := fixtureReport()
	noRoot.Root = ""
	var buf bytes.Buffer
	require.NoError(t, JSON{}.Render(&buf, noRoot))
	decoded, err := DecodeJSON(&buf, nil)
	require.NoError(t, err)
	reports["decoded-placeholder-rules"] = decoded

	for name, r := range reports {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			doc := render(t, SARIF{}, r)
			assert.Empty(t, validateSARIF(t, bin, doc), "SARIF output of the %s report is not valid", name)
		})
	}
}

// TestSARIFValidatorCatchesErrors breaks a valid log in ways the validator
// must notice, so that TestSARIFValidates cannot pass because the
// validator silently accepts everything.
func TestSARIFValidatorCatchesErrors(t *testing.T) {
	bin := sarifValidator(t)
	good := render(t, SARIF{}, fixtureReport())

	tests := []struct {
		name   string
		mutate func(log map[string]any)
		want   string // a substring of one reported problem
	}{
		{
			name: "result level not in the enum",
			mutate: func(log map[string]any) {
				result(log, 0)["level"] = "fatal"
			},
			want: `level "fatal"`,
		},
		{
			name: "result without message",
			mutate: func(log map[string]any) {
				delete(result(log, 0), "message")
			},
			want: "JSON1002",
		},
		{
			name: "line 0",
			mutate: func(log map[string]any) {
				loc := result(log, 1)["locations"].([]any)[0].(map[string]any)
				loc["physicalLocation"].(map[string]any)["region"].(map[string]any)["startLine"] = 0
			},
			want: "JSON1008",
		},
		{
			name: "ruleIndex out of range",
			mutate: func(log map[string]any) {
				result(log, 0)["ruleIndex"] = 42
			},
			want: "SARIF1009",
		},
		{
			name: "relative base URI",
			mutate: func(log map[string]any) {
				run(log)["originalUriBaseIds"] = map[string]any{"%SRCROOT%": map[string]any{"uri": "home/dev/app/"}}
			},
			want: "SARIF1004",
		},
		{
			name: "unknown property",
			mutate: func(log map[string]any) {
				result(log, 1)["suppressions"].([]any)[0].(map[string]any)["reason"] = "test data"
			},
			want: "JSON1005",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var log map[string]any
			require.NoError(t, json.Unmarshal(good, &log))
			tt.mutate(log)
			bad, err := json.MarshalIndent(log, "", "  ")
			require.NoError(t, err)
			problems := validateSARIF(t, bin, bad)
			require.NotEmpty(t, problems, "the validator accepted a broken SARIF log")
			assert.True(t, slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, tt.want) }),
				"want a problem mentioning %q, got:\n%s", tt.want, strings.Join(problems, "\n"))
		})
	}
}

func run(log map[string]any) map[string]any {
	return log["runs"].([]any)[0].(map[string]any)
}

func result(log map[string]any, i int) map[string]any {
	return run(log)["results"].([]any)[i].(map[string]any)
}
