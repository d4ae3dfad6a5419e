package cli

import (
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// actionYAML is the part of action.yml the runner reads.
type actionYAML struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Value string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

type actionStep struct {
	ID               string            `yaml:"id"`
	If               string            `yaml:"if"`
	Shell            string            `yaml:"shell"`
	Run              string            `yaml:"run"`
	Uses             string            `yaml:"uses"`
	WorkingDirectory string            `yaml:"working-directory"`
	Env              map[string]string `yaml:"env"`
	With             map[string]string `yaml:"with"`
}

// actionRun is one local run of the composite action, the way the GitHub
// runner runs it: each shell step with `bash --noprofile --norc -eo
// pipefail`, its env and working directory, GITHUB_OUTPUT,
// GITHUB_STEP_SUMMARY and GITHUB_PATH files, and ${{ }} expressions
// resolved. Steps that use other actions are recorded, not run.
type actionRun struct {
	t         *testing.T
	action    *actionYAML
	inputs    map[string]string
	env       []string // the job's environment
	workspace string
	path      []string                     // GITHUB_PATH additions
	outputs   map[string]map[string]string // step ID -> outputs
	uses      []actionStep                 // the `uses:` steps that would run, resolved
	log       strings.Builder              // the steps' stdout and stderr
	failed    string                       // the step that failed
	exitCode  int                          // its exit code
	summary   string                       // GITHUB_STEP_SUMMARY
	actionDir string
}

func loadAction(t *testing.T) (*actionYAML, string) {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	data, err := os.ReadFile(filepath.Join(dir, "action.yml"))
	require.NoError(t, err)
	var a actionYAML
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	require.NoError(t, dec.Decode(&a))
	return &a, dir
}

func (r *actionRun) expr(s string) string {
	r.t.Helper()
	return exprRE.ReplaceAllStringFunc(s, func(m string) string {
		return r.value(strings.TrimSpace(exprRE.FindStringSubmatch(m)[1]))
	})
}

var exprRE = regexp.MustCompile(`\$\{\{(.*?)\}\}`)

// value resolves one context reference: inputs.X, github.action_path,
// steps.ID.outputs.X, or a 'string'.
func (r *actionRun) value(ref string) string {
	r.t.Helper()
	if s, ok := strings.CutPrefix(ref, "'"); ok {
		return strings.TrimSuffix(s, "'")
	}
	parts := strings.Split(ref, ".")
	switch {
	case len(parts) == 2 && parts[0] == "inputs":
		in, ok := r.action.Inputs[parts[1]]
		require.True(r.t, ok, "action.yml uses undeclared input %q", parts[1])
		if v, ok := r.inputs[parts[1]]; ok {
			return v
		}
		return in.Default
	case ref == "github.action_path":
		return r.actionDir
	case len(parts) == 4 && parts[0] == "steps" && parts[2] == "outputs":
		return r.outputs[parts[1]][parts[3]]
	}
	r.t.Fatalf("action.yml: expression %q not supported by this test", ref)
	return ""
}

// cond evaluates an if: of the form `A == B && C != D`.
func (r *actionRun) cond(s string) bool {
	r.t.Helper()
	if s == "" {
		return true
	}
	for _, clause := range strings.Split(s, "&&") {
		clause = strings.TrimSpace(clause)
		op := "=="
		if strings.Contains(clause, "!=") {
			op = "!="
		}
		a, b, ok := strings.Cut(clause, op)
		require.True(r.t, ok, "if: %q not supported by this test", s)
		eq := r.value(strings.TrimSpace(a)) == r.value(strings.TrimSpace(b))
		if eq != (op == "==") {
			return false
		}
	}
	return true
}

func (r *actionRun) run() {
	t := r.t
	t.Helper()
	require.Equal(t, "composite", r.action.Runs.Using)
	tmp := t.TempDir()
	summaryFile := filepath.Join(tmp, "summary.md")
	pathFile := filepath.Join(tmp, "path")
	runnerTemp := filepath.Join(tmp, "runner-temp")
	require.NoError(t, os.MkdirAll(runnerTemp, 0o755))
	r.outputs = map[string]map[string]string{}
	for i, st := range r.action.Runs.Steps {
		if !r.cond(st.If) {
			continue
		}
		if st.Uses != "" {
			st.With = r.resolve(st.With)
			r.uses = append(r.uses, st)
			continue
		}
		require.Equal(t, "bash", st.Shell, "step %d", i)
		script := filepath.Join(tmp, fmt.Sprintf("step%d.sh", i))
		require.NoError(t, os.WriteFile(script, []byte(st.Run), 0o644))
		outFile := filepath.Join(tmp, fmt.Sprintf("output%d", i))
		require.NoError(t, os.WriteFile(outFile, nil, 0o644))
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
		cmd.Dir = filepath.Join(r.workspace, r.expr(st.WorkingDirectory))
		path := strings.Join(append(append([]string(nil), r.path...), envValue(r.env, "PATH")), string(os.PathListSeparator))
		cmd.Env = append(append([]string(nil), r.env...),
			"PATH="+path,
			"GITHUB_ACTIONS=true", "CI=true",
			"GITHUB_WORKSPACE="+r.workspace,
			"GITHUB_ACTION_PATH="+r.actionDir,
			"GITHUB_OUTPUT="+outFile,
			"GITHUB_STEP_SUMMARY="+summaryFile,
			"GITHUB_PATH="+pathFile,
			"RUNNER_TEMP="+runnerTemp,
		)
		for k, v := range st.Env {
			cmd.Env = append(cmd.Env, k+"="+r.expr(v))
		}
		cmd.Stdout, cmd.Stderr = &r.log, &r.log
		err := cmd.Run()

		outs := map[string]string{}
		data, rerr := os.ReadFile(outFile)
		require.NoError(t, rerr)
		for line := range strings.Lines(string(data)) {
			k, v, ok := strings.Cut(strings.TrimSuffix(line, "\n"), "=")
			require.True(t, ok, "GITHUB_OUTPUT line %q", line)
			outs[k] = v
		}
		if st.ID != "" {
			r.outputs[st.ID] = outs
		}
		if data, err := os.ReadFile(pathFile); err == nil {
			r.path = nil
			for line := range strings.Lines(string(data)) {
				r.path = append([]string{strings.TrimSpace(line)}, r.path...)
			}
		}
		if err != nil {
			var ee *exec.ExitError
			require.ErrorAs(t, err, &ee, "step %d", i)
			r.failed, r.exitCode = cmp.Or(st.ID, fmt.Sprint(i)), ee.ExitCode()
			break
		}
	}
	if data, err := os.ReadFile(summaryFile); err == nil {
		r.summary = string(data)
	}
}

func (r *actionRun) resolve(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = r.expr(v)
	}
	return out
}

// output returns an output of the action.
func (r *actionRun) output(name string) string {
	o, ok := r.action.Outputs[name]
	require.True(r.t, ok, "no output %q", name)
	return r.expr(o.Value)
}

// TestAction runs the steps of action.yml locally against temporary
// modules, with a fake GITHUB_* environment.
func TestAction(t *testing.T) {
	if testing.Short() {
		t.Skip("builds xcheck")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	action, actionDir := loadAction(t)
	for i, st := range action.Runs.Steps {
		assert.NotContains(t, st.Run, "${{", "step %d: inputs reach scripts through env only, never pasted into them", i)
	}
	realGo, err := exec.LookPath("go")
	require.NoError(t, err)
	env := append(os.Environ(),
		"GOTOOLCHAIN=local", "GOFLAGS=-mod=mod", "GOPROXY=off", "NO_COLOR=1",
		"XCHECK_CACHE="+t.TempDir(), "XCHECK_GO="+realGo)

	clean := writeModule(t, map[string]string{
		"go.mod":  "module example.com/clean\n\ngo 1.22\n",
		"main.go": "package main\n\nfunc main() {}\n",
	})
	broken := writeModule(t, map[string]string{
		"go.mod": "module example.com/broken\n\ngo 1.22\n",
		"big.go": "package broken\n\nconst big = 1 << 40\n\nvar X int = big\n",
	})

	// version: local builds the xcheck this action.yml sits in.
	r := &actionRun{t: t, action: action, actionDir: actionDir, workspace: clean, env: env,
		inputs: map[string]string{"version": "local", "targets": "linux/amd64"}}
	r.run()
	require.Empty(t, r.failed, r.log.String())
	assert.Equal(t, "0", r.output("exit-code"))
	sarif := r.output("sarif-file")
	require.FileExists(t, sarif)
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	data, err := os.ReadFile(sarif)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &log))
	assert.Equal(t, "2.1.0", log.Version)
	require.FileExists(t, r.output("markdown-file"))
	assert.True(t, strings.HasPrefix(r.summary, "## xcheck: 0 errors"), "step summary: %q", r.summary)
	assert.Contains(t, r.summary, "| `linux/amd64` | on | ok |")
	require.Len(t, r.uses, 1, "SARIF upload")
	assert.True(t, strings.HasPrefix(r.uses[0].Uses, "github/codeql-action/upload-sarif@"), r.uses[0].Uses)
	assert.Equal(t, sarif, r.uses[0].With["sarif_file"])
	assert.Equal(t, "xcheck", r.uses[0].With["category"])
	installed := r.outputs["install"]["path"]
	require.FileExists(t, installed)

	// A released version: go install with GOBIN. A fake go stands in for
	// the download, and passes everything else to the real one.
	fakeBin := t.TempDir()
	goLog := filepath.Join(t.TempDir(), "go.log")
	fakeGo := fmt.Sprintf("#!/bin/sh\nif [ \"$1\" != install ]; then exec %q \"$@\"; fi\n"+
		"echo \"GOBIN=$GOBIN $*\" >> %q\ncp %q \"$GOBIN/xcheck\"\n", realGo, goLog, installed)
	require.NoError(t, os.WriteFile(filepath.Join(fakeBin, "go"), []byte(fakeGo), 0o755))
	fakeEnv := append(append([]string(nil), env...), "PATH="+fakeBin+string(os.PathListSeparator)+os.Getenv("PATH"))
	released := func(inputs map[string]string) *actionRun {
		inputs["version"] = "v1.2.3"
		r := &actionRun{t: t, action: action, actionDir: actionDir, workspace: broken, env: fakeEnv, inputs: inputs}
		r.run()
		return r
	}

	// Findings: annotations, SARIF, summary, and the step fails with 1
	// after the upload. Targets may be separated by newlines and spaces.
	r = released(map[string]string{"targets": "windows/arm\n linux/386", "sarif-category": "xcheck-32bit"})
	gl, err := os.ReadFile(goLog)
	require.NoError(t, err)
	assert.Regexp(t, `^GOBIN=\S+/xcheck-bin install github.com/xcheck-dev/xcheck/cmd/xcheck@v1\.2\.3\n$`, string(gl))
	assert.Equal(t, "verdict", r.failed, r.log.String())
	assert.Equal(t, 1, r.exitCode)
	assert.Equal(t, "1", r.output("exit-code"))
	assert.Contains(t, r.log.String(), "::error file=big.go,line=5,col=13,title=XC2001 ")
	assert.Contains(t, r.log.String(), "::error title=XC1001 ")
	assert.True(t, strings.HasPrefix(r.summary, "## xcheck: 2 errors"), "step summary: %q", r.summary)
	require.FileExists(t, r.output("sarif-file"))
	require.Len(t, r.uses, 1)
	assert.Equal(t, "xcheck-32bit", r.uses[0].With["category"])

	// fail-on-findings: false reports without failing; upload-sarif: false
	// skips the upload; args reach xcheck split on white space.
	r = released(map[string]string{"targets": "linux/386", "fail-on-findings": "false", "upload-sarif": "false", "args": "--fail-on warning  ./..."})
	assert.Empty(t, r.failed, r.log.String())
	assert.Equal(t, "1", r.output("exit-code"))
	assert.Empty(t, r.uses)

	// A usage error: no report, no upload, the step fails with 2.
	r = released(map[string]string{"args": "--fail-on sometimes"})
	assert.Equal(t, "verdict", r.failed)
	assert.Equal(t, 2, r.exitCode)
	assert.Equal(t, "2", r.output("exit-code"))
	assert.Empty(t, r.output("sarif-file"))
	assert.Empty(t, r.uses)
	assert.Contains(t, r.log.String(), `invalid --fail-on value "sometimes"`)
}

// envValue returns the value of key in env (the last one wins, as for
// exec.Cmd).
func envValue(env []string, key string) string {
	var v string
	for _, kv := range env {
		if s, ok := strings.CutPrefix(kv, key+"="); ok {
			v = s
		}
	}
	return v
}
