package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/finding"
)

func TestParseFull(t *testing.T) {
	c, err := Parse("x.yaml", []byte(`version: 1
targets:
  - linux/amd64
  - first-class
  - target: linux/arm/v7
    cgo: on
    cc: arm-linux-gnueabihf-gcc
    sysroot: /usr/arm-linux-gnueabihf
cgo: off
tags: [netgo, osusergo]
min-os: {windows: "10", linux: "3.2"}
glibc: "2.28"
libc: glibc
kernel: "4.4"
rules:
  disable: [XC1003]
  severity: {XC0005: warning}
exclude: ["internal/gen/**", "*.pb.go"]
fail-on: warning
`))
	require.NoError(t, err)
	assert.Equal(t, []string{"linux/amd64", "first-class", "linux/arm/v7"}, c.TargetSpecs())
	ts := c.TargetSettings()
	require.Contains(t, ts, "linux/arm/v7")
	assert.Equal(t, "arm-linux-gnueabihf-gcc", ts["linux/arm/v7"].CC)
	assert.Equal(t, "on", ts["linux/arm/v7"].Cgo)
	assert.Equal(t, "off", c.Cgo)
	assert.Equal(t, []string{"netgo", "osusergo"}, c.Tags)
	assert.Equal(t, "10", c.MinOS["windows"])
	assert.Equal(t, "warning", c.FailOn)
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"unknown key", "version: 1\ntargts: [linux/amd64]\n", `x.yaml:2: field targts not found in type config.Config`},
		{"wrong type", "version: 1\ntargets: linux/amd64\n", "x.yaml:2: cannot unmarshal !!str `linux/a...` into []config.Target"},
		{"syntax", "targets: [linux/amd64\n", "x.yaml:1: did not find expected ',' or ']'"},
		{"bad target", "targets:\n  - linux/amd64/v9\n", `x.yaml:2: invalid target "linux/amd64/v9": invalid GOAMD64 value "v9"`},
		{"unknown target key", "targets:\n  - target: linux/arm64\n    cpu: v8\n", "x.yaml:2: field cpu not found"},
		{"bad cgo", "targets:\n  - target: linux/arm64\n    cgo: maybe\n", `x.yaml:2: invalid cgo "maybe"`},
		{"settings on a set", "targets:\n  - target: linux/*\n    cc: gcc\n", `x.yaml:2: per-target settings need a single target, not "linux/*"`},
		{"bad glibc", "glibc: two.28\n", `x.yaml:1: invalid glibc version "two.28"`},
		{"bad libc", "version: 1\nlibc: bionic\n", `x.yaml:2: invalid libc "bionic"`},
		{"bad min-os", "min-os: {solaris: \"11\"}\n", `x.yaml:1: invalid --min-os entry "solaris=11"`},
		{"bad rule", "rules:\n  disable: [XC12]\n", `invalid rule ID "XC12"`},
		{"bad severity", "rules:\n  severity: {XC1003: fatal}\n", `XC1003: unknown severity "fatal"`},
		{"bad fail-on", "fail-on: sometimes\n", `x.yaml:1: invalid --fail-on value "sometimes"`},
		{"bad version", "version: 2\n", "x.yaml:1: unsupported version 2"},
		{"empty target", "targets:\n  - \"\"\n", "x.yaml:2: a target needs a value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(tc.src))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestLoadAndFind(t *testing.T) {
	root := t.TempDir()
	sub := filepath.Join(root, "cmd", "x")
	require.NoError(t, os.MkdirAll(sub, 0o755))
	assert.Empty(t, Find(sub, root))
	require.NoError(t, os.WriteFile(filepath.Join(root, FileName), []byte("targets: [linux/arm64]\n"), 0o644))
	assert.Equal(t, filepath.Join(root, FileName), Find(sub, root))
	c, err := Load(Find(sub, root))
	require.NoError(t, err)
	assert.Equal(t, []string{"linux/arm64"}, c.TargetSpecs())

	_, err = Load(filepath.Join(root, "missing.yaml"))
	assert.ErrorContains(t, err, "missing.yaml: no such file or directory")

	big := filepath.Join(root, "big.yaml")
	require.NoError(t, os.WriteFile(big, make([]byte, MaxSize+10), 0o644))
	_, err = Load(big)
	assert.ErrorContains(t, err, "larger than")

	// An empty file is a valid, empty configuration.
	empty := filepath.Join(root, "empty.yaml")
	require.NoError(t, os.WriteFile(empty, nil, 0o644))
	c, err = Load(empty)
	require.NoError(t, err)
	assert.Empty(t, c.Targets)
}

func TestApply(t *testing.T) {
	r1 := &finding.Rule{ID: "XC1003", Severity: finding.Info}
	r2 := &finding.Rule{ID: "XC2001", Severity: finding.Error}
	r3 := &finding.Rule{ID: "XC0005", Severity: finding.Info}
	fs := []finding.Finding{
		finding.New(r1, "linux/riscv64", finding.Position{}, "a"),
		finding.New(r2, "linux/386", finding.Position{File: "internal/gen/x/y.go", Line: 1}, "b"),
		finding.New(r2, "linux/386", finding.Position{File: "api/v1/z.pb.go", Line: 1}, "c"),
		finding.New(r2, "linux/386", finding.Position{File: "main.go", Line: 1}, "d"),
		finding.New(r3, "linux/amd64", finding.Position{}, "e"),
	}
	c, err := Parse("x.yaml", []byte("rules:\n  disable: [xc1003]\n  severity: {XC0005: warning}\nexclude: [\"internal/gen/**\", \"**/*.pb.go\"]\n"))
	require.NoError(t, err)
	out := c.Apply(fs)
	require.Len(t, out, 2)
	assert.Equal(t, "d", out[0].Message)
	assert.Equal(t, finding.Warning, out[1].Severity)
	assert.Equal(t, finding.Info, fs[4].Severity, "the input is not modified")

	c, _ = Parse("x.yaml", []byte("rules:\n  enable: [XC2001]\n"))
	assert.Len(t, c.Apply(fs), 3)
	var nilCfg *Config
	assert.Len(t, nilCfg.Apply(fs), 5)
}

func TestGoreleaserTargets(t *testing.T) {
	ts, err := GoreleaserTargets([]byte(`builds:
  - goos: [linux, windows]
    goarch: [amd64, arm]
    goarm: [6, 7]
    ignore:
      - goos: windows
        goarch: arm
`))
	require.NoError(t, err)
	assert.Equal(t, []string{"linux/amd64", "linux/arm/v6", "linux/arm/v7", "windows/amd64"}, ts)

	ts, err = GoreleaserTargets([]byte("builds:\n  - targets: [linux_amd64_v3, darwin_arm64, linux_arm_7, go_first_class]\n"))
	require.NoError(t, err)
	assert.Equal(t, []string{"linux/amd64/v3", "darwin/arm64", "linux/arm/v7", "first-class"}, ts)

	ts, err = GoreleaserTargets([]byte("builds:\n  - main: ./cmd/x\n"))
	require.NoError(t, err)
	assert.Len(t, ts, 9, "goreleaser's default goos x goarch")

	_, err = GoreleaserTargets([]byte("builds: [\n"))
	assert.Error(t, err)
}

// yamlLines counts the lines of data as YAML does: \r\n, \r, \n, NEL
// (U+0085), LS and PS (U+2028, U+2029) break lines.
func yamlLines(data []byte) int {
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	n := 1
	for _, r := range s {
		switch r {
		case '\n', '\r', '\u0085', '\u2028', '\u2029':
			n++
		}
	}
	return n
}

// FuzzParse: the configuration is read from the checked-out repository.
func FuzzParse(f *testing.F) {
	f.Add([]byte("targets: [linux/amd64]\nrules: {disable: [XC1003]}\n"))
	f.Add([]byte("targets:\n  - target: linux/arm/v7\n    cc: gcc\n"))
	f.Add([]byte("exclude: ['**/x/**']\nmin-os: {linux: '3.2'}\n"))
	f.Add([]byte("version: 1\ntargets:\n  - first-class\n  - target: linux/arm/6,softfloat\n    cgo: on\n    sysroot: /opt/s\nrules:\n  severity: {XC2001: warning}\nfail-on: warning\n"))
	f.Add([]byte("targets: &a [linux/amd64, *a]\n"))
	f.Add([]byte("targets:\n  - target: 'linux/*'\n    cc: gcc\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("f.yaml", data)
		if err != nil {
			// One line naming the file, and a line of it when there is one.
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %T is not a *config.Error: %v", err, err)
			}
			lines := yamlLines(data)
			if ce.File != "f.yaml" || ce.Line < 0 || ce.Line > lines {
				t.Fatalf("error at %s:%d in %d lines: %v", ce.File, ce.Line, lines, err)
			}
			if strings.Contains(ce.Msg, "\n") {
				t.Fatalf("error of several lines: %q", ce.Msg)
			}
			return
		}
		again, err := Parse("f.yaml", data)
		if err != nil || !reflect.DeepEqual(c, again) {
			t.Fatalf("parsing is not deterministic: %v", err)
		}
		for _, tg := range c.Targets {
			if strings.TrimSpace(tg.Spec) == "" {
				t.Fatalf("target without a value: %+v", tg)
			}
		}
		fs := c.Apply([]finding.Finding{finding.New(&finding.Rule{ID: "XC2001", Severity: finding.Error}, "linux/386", finding.Position{File: "a/b.go"}, "m")})
		if len(fs) > 1 {
			t.Fatalf("Apply made %d findings of one", len(fs))
		}
	})
}
