// Package config reads .xcheck.yaml, the project's xcheck configuration:
// its release targets (with per-target cgo, C compiler, sysroot and
// variant), policies (OS, glibc and kernel floors), rule selection and
// severities, path excludes and the failure threshold. Flags override the
// file. docs/config.md documents every key; docs/xcheck.schema.json is its
// JSON schema.
//
// Unknown keys and values of the wrong type are errors that name the file
// and line.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/matrix"
)

// FileName is the name xcheck looks for.
const FileName = ".xcheck.yaml"

// MaxSize bounds the configuration file.
const MaxSize = 1 << 20

// Config is a parsed .xcheck.yaml.
type Config struct {
	Path string // the file it came from

	Version int      `yaml:"version"`
	Targets []Target `yaml:"targets"`
	Cgo     string   `yaml:"cgo"`
	Tags    []string `yaml:"tags"`

	MinOS  map[string]string `yaml:"min-os"`
	Glibc  string            `yaml:"glibc"`
	Libc   string            `yaml:"libc"`
	Kernel string            `yaml:"kernel"`

	Rules   Rules    `yaml:"rules"`
	Exclude []string `yaml:"exclude"`
	FailOn  string   `yaml:"fail-on"`
}

// Target is one release target, either a plain string ("linux/arm64", a
// set or a glob) or a mapping with per-target settings.
type Target struct {
	Spec    string `yaml:"target"`
	Cgo     string `yaml:"cgo"`     // auto, on, off
	CC      string `yaml:"cc"`      // C compiler for this target
	Sysroot string `yaml:"sysroot"` // target sysroot
	line    int
}

// Rules selects rules and overrides severities.
type Rules struct {
	Disable  []string          `yaml:"disable"`
	Enable   []string          `yaml:"enable"` // only these (when set)
	Severity map[string]string `yaml:"severity"`
}

// Error is a configuration error at a line of the file.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// UnmarshalYAML accepts a string or a mapping.
func (t *Target) UnmarshalYAML(n *yaml.Node) error {
	t.line = n.Line
	if n.Kind == yaml.ScalarNode {
		return n.Decode(&t.Spec)
	}
	type plain Target
	var p plain
	dec := n
	if err := decodeStrict(dec, &p); err != nil {
		return err
	}
	*t = Target(p)
	t.line = n.Line
	return nil
}

// decodeStrict decodes n into v, rejecting unknown keys.
func decodeStrict(n *yaml.Node, v any) error {
	if n.Kind != yaml.MappingNode {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: want a mapping", n.Line)}}
	}
	out, err := yaml.Marshal(n)
	if err != nil {
		return err
	}
	d := yaml.NewDecoder(bytes.NewReader(out))
	d.KnownFields(true)
	if err := d.Decode(v); err != nil {
		// Line numbers of the re-encoded node are relative to it.
		return fmt.Errorf("line %d: %s", n.Line, stripLine(err.Error()))
	}
	return nil
}

func stripLine(s string) string {
	s = strings.TrimPrefix(s, "yaml: ")
	s = strings.TrimPrefix(s, "unmarshal errors:\n  ")
	if i := strings.Index(s, ": "); i >= 0 && strings.HasPrefix(s, "line ") {
		s = s[i+2:]
	}
	return s
}

// Find returns the configuration file for dir: the first .xcheck.yaml in
// dir or its parents, stopping at the module root (the directory with
// go.mod) or the file system root. It returns "" when there is none.
func Find(dir, moduleRoot string) string {
	d, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	stop, _ := filepath.Abs(moduleRoot)
	for {
		p := filepath.Join(d, FileName)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p
		}
		if d == stop {
			return ""
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}

// Load reads and validates the file at path.
func Load(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &Error{File: path, Msg: err.Error()}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, &Error{File: path, Msg: err.Error()}
	}
	if len(data) > MaxSize {
		return nil, &Error{File: path, Msg: fmt.Sprintf("larger than %d bytes", MaxSize)}
	}
	return Parse(path, data)
}

// Parse parses and validates configuration data read from path.
func Parse(path string, data []byte) (*Config, error) {
	c := &Config{Path: path}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlError(path, err)
	}
	if err := c.validate(data); err != nil {
		return nil, err
	}
	return c, nil
}

func yamlError(path string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n  ")
	line := 0
	if strings.HasPrefix(msg, "line ") {
		if _, err := fmt.Sscanf(msg, "line %d:", &line); err == nil {
			if i := strings.Index(msg, ": "); i >= 0 {
				msg = msg[i+2:]
			}
		}
	}
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i] + " (and more)"
	}
	return &Error{File: path, Line: line, Msg: msg}
}

// lineOf finds the first line of data where key: appears, for errors about
// values (the YAML decoder reports lines only for syntax and type errors).
func lineOf(data []byte, key string) int {
	for i, l := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, key+":") || strings.HasPrefix(t, "- "+key+":") {
			return i + 1
		}
	}
	return 0
}

func (c *Config) validate(data []byte) error {
	bad := func(key, format string, args ...any) error {
		return &Error{File: c.Path, Line: lineOf(data, key), Msg: fmt.Sprintf(format, args...)}
	}
	if c.Version != 0 && c.Version != 1 {
		return bad("version", "unsupported version %d (this xcheck reads version 1)", c.Version)
	}
	for _, t := range c.Targets {
		at := func(format string, args ...any) error {
			return &Error{File: c.Path, Line: t.line, Msg: fmt.Sprintf(format, args...)}
		}
		if strings.TrimSpace(t.Spec) == "" {
			return at("a target needs a value (GOOS/GOARCH, a set or a glob)")
		}
		if strings.Contains(t.Spec, "/") && !strings.ContainsAny(t.Spec, "*?[") {
			if _, err := matrix.Parse(t.Spec); err != nil {
				return at("%v", err)
			}
		}
		if t.Cgo != "" {
			if _, err := matrix.ParseCgoMode(t.Cgo); err != nil {
				return at("invalid cgo %q (want auto, on or off)", t.Cgo)
			}
		}
		if (t.CC != "" || t.Sysroot != "" || t.Cgo != "") && strings.ContainsAny(t.Spec, "*?[,") {
			return at("per-target settings need a single target, not %q", t.Spec)
		}
	}
	if c.Cgo != "" {
		if _, err := matrix.ParseCgoMode(c.Cgo); err != nil {
			return bad("cgo", "invalid cgo %q (want auto, on or off)", c.Cgo)
		}
	}
	if len(c.MinOS) > 0 {
		var p matrix.Policy
		for k, v := range c.MinOS {
			if err := p.ParseMinOS(k + "=" + v); err != nil {
				return bad("min-os", "%v", err)
			}
		}
	}
	if c.Libc != "" && c.Libc != "glibc" && c.Libc != "musl" {
		return bad("libc", "invalid libc %q (want glibc or musl)", c.Libc)
	}
	for _, kv := range []struct{ key, v string }{{"glibc", c.Glibc}, {"kernel", c.Kernel}} {
		if kv.v != "" && !isDotted(kv.v) {
			return bad(kv.key, "invalid %s version %q: want a dotted number such as 2.28", kv.key, kv.v)
		}
	}
	for _, id := range slices.Concat(c.Rules.Disable, c.Rules.Enable) {
		if !isRuleID(id) {
			return bad("rules", "invalid rule ID %q (want XC followed by four digits)", id)
		}
	}
	for id, sev := range c.Rules.Severity {
		if !isRuleID(id) {
			return bad("severity", "invalid rule ID %q (want XC followed by four digits)", id)
		}
		if _, err := finding.ParseSeverity(sev); err != nil {
			return bad("severity", "%s: %v", id, err)
		}
	}
	for _, pat := range c.Exclude {
		if _, err := path.Match(strings.ReplaceAll(pat, "**", "*"), ""); err != nil {
			return bad("exclude", "invalid pattern %q: %v", pat, err)
		}
	}
	if c.FailOn != "" {
		if _, err := finding.ParseFailOn(c.FailOn); err != nil {
			return bad("fail-on", "%v", err)
		}
	}
	return nil
}

func isRuleID(s string) bool {
	if len(s) != 6 || !strings.HasPrefix(strings.ToUpper(s), "XC") {
		return false
	}
	for _, c := range s[2:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func isDotted(s string) bool {
	parts := strings.Split(s, ".")
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return len(parts) <= 4
}

// TargetSpecs returns the target specs of the file.
func (c *Config) TargetSpecs() []string {
	var out []string
	for _, t := range c.Targets {
		out = append(out, t.Spec)
	}
	return out
}

// TargetSettings returns the per-target settings keyed by the canonical
// target name.
func (c *Config) TargetSettings() map[string]Target {
	m := map[string]Target{}
	for _, t := range c.Targets {
		if t.Cgo == "" && t.CC == "" && t.Sysroot == "" {
			continue
		}
		if pt, err := matrix.Parse(t.Spec); err == nil {
			m[pt.String()] = t
		}
	}
	return m
}

// Apply applies the rule selection, severity overrides and path excludes
// to findings. Findings of disabled rules and in excluded paths are
// dropped (excludes match the finding's file, relative to the module root,
// with path.Match; "**" matches any number of directories).
func (c *Config) Apply(fs []finding.Finding) []finding.Finding {
	if c == nil {
		return fs
	}
	var out []finding.Finding
	for _, f := range fs {
		id := f.Rule.ID
		if containsFold(c.Rules.Disable, id) {
			continue
		}
		if len(c.Rules.Enable) > 0 && !containsFold(c.Rules.Enable, id) {
			continue
		}
		if f.Pos.File != "" && c.excluded(f.Pos.File) {
			continue
		}
		for k, v := range c.Rules.Severity {
			if strings.EqualFold(k, id) {
				f.Severity, _ = finding.ParseSeverity(v)
			}
		}
		out = append(out, f)
	}
	return out
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

func (c *Config) excluded(file string) bool {
	file = filepath.ToSlash(file)
	for _, pat := range c.Exclude {
		if matchGlob(pat, file) {
			return true
		}
	}
	return false
}

// matchGlob matches name against pat, where "**" stands for any number of
// path elements.
func matchGlob(pat, name string) bool {
	if !strings.Contains(pat, "**") {
		ok, _ := path.Match(pat, name)
		return ok
	}
	pp := strings.Split(pat, "/")
	np := strings.Split(name, "/")
	var match func(i, j int) bool
	match = func(i, j int) bool {
		if i == len(pp) {
			return j == len(np)
		}
		if pp[i] == "**" {
			for k := j; k <= len(np); k++ {
				if match(i+1, k) {
					return true
				}
			}
			return false
		}
		if j == len(np) {
			return false
		}
		if ok, _ := path.Match(pp[i], np[j]); !ok {
			return false
		}
		return match(i+1, j+1)
	}
	return match(0, 0)
}
