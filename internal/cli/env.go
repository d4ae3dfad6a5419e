package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/xcheck-dev/xcheck/abi/cc"
	"github.com/xcheck-dev/xcheck/buildenv"
	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/internal/exitcode"
	"github.com/xcheck-dev/xcheck/matrix"
	"github.com/xcheck-dev/xcheck/report"
)

// envToolchainJSON is the toolchain part of `xcheck env --format json`.
type envToolchainJSON struct {
	GoCommand   string `json:"go_command"`
	GoVersion   string `json:"go_version"`
	GOROOT      string `json:"goroot"`
	GOTOOLCHAIN string `json:"gotoolchain"`
	GoMod       string `json:"gomod"`
	GoDirective string `json:"go_directive"`
	Toolchain   string `json:"toolchain_directive"`
	ModuleMode  string `json:"module_mode"`
	GO111MODULE string `json:"go111module"`
	GOWORK      string `json:"gowork"`
	GOFLAGS     string `json:"goflags"`
	Host        string `json:"host"`
}

// envTargetJSON is one target (or the host) in `xcheck env`.
type envTargetJSON struct {
	Target      string `json:"target"`
	GOOS        string `json:"goos"`
	GOARCH      string `json:"goarch"`
	IsPort      bool   `json:"is_port"`
	Native      bool   `json:"native"`
	VariantVar  string `json:"variant_var,omitempty"`
	Variant     string `json:"variant,omitempty"`
	VariantFrom string `json:"variant_from,omitempty"`
	CgoEnabled  bool   `json:"cgo_enabled"`
	CgoReason   string `json:"cgo_reason"`
	CC          string `json:"cc"`
	CCTarget    string `json:"cc_target"` // -dumpmachine; "" when not found
	CCError     string `json:"cc_error,omitempty"`
	CXX         string `json:"cxx"`
	CXXTarget   string `json:"cxx_target"` // -dumpmachine; "" when not found
	Sysroot     string `json:"sysroot"`
	CgoCFLAGS   string `json:"cgo_cflags"`
	CgoCPPFLAGS string `json:"cgo_cppflags"`
	CgoCXXFLAGS string `json:"cgo_cxxflags"`
	CgoLDFLAGS  string `json:"cgo_ldflags"`
	PkgConfig   string `json:"pkg_config"`
	PCPath      string `json:"pkg_config_path"`
	PCLibdir    string `json:"pkg_config_libdir"`
	PCSysroot   string `json:"pkg_config_sysroot_dir"`
}

type envJSON struct {
	Version   int                  `json:"version"`
	Toolchain envToolchainJSON     `json:"toolchain"`
	Host      envTargetJSON        `json:"host"`
	Targets   []envTargetJSON      `json:"targets"`
	Findings  []report.FindingJSON `json:"findings"`
}

func runEnv(ctx context.Context, args []string, stdout, _ io.Writer) error {
	var specs, vars stringList
	fs := newFlagSet("env")
	fs.Var(&specs, "target", "targets to show (default: the module's configured targets, else first-class)")
	fs.Var(&specs, "t", "shorthand for --target")
	fs.Var(&vars, "variant", "default variant for targets without one: GOARM=6, GOAMD64=v3, ... (repeatable)")
	dir := fs.String("C", "", "run as if in `dir`")
	cgoFlag := fs.String("cgo", "auto", "cgo for every target: auto, on, off")
	format := fs.String("format", "text", "text or json")
	failOnFlag := fs.String("fail-on", "error", "exit 1 when a finding is at or above: error, warning, info, never")
	cfgFile := fs.String("config", "", "configuration `file` (default: .xcheck.yaml up to the module root)")
	fs.Usage = func() { printDefaults(stdout, fs, "xcheck env [flags]") }
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return exitcode.UsageError(fmt.Errorf("env takes no arguments (got %q); use --target", pos[0]))
	}
	if *format != "text" && *format != "json" {
		return exitcode.UsageError(fmt.Errorf("unknown format %q for env (want text or json)", *format))
	}
	mode, err := matrix.ParseCgoMode(*cgoFlag)
	if err != nil {
		return exitcode.UsageError(err)
	}
	failOn, err := finding.ParseFailOn(*failOnFlag)
	if err != nil {
		return exitcode.UsageError(err)
	}
	variants, err := parseVariants(vars)
	if err != nil {
		return exitcode.UsageError(err)
	}
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	pl, err := newPlan(ctx, planOptions{dir: *dir, specs: specs, variants: variants, mode: mode, modeSet: set["cgo"], configFile: *cfgFile})
	if err != nil {
		return err
	}
	host, err := matrix.ResolveBuild(ctx, pl.s.g, pl.s.tc, pl.s.ports, pl.s.tc.Host(), mode)
	if err != nil {
		return exitcode.FailureError(err)
	}
	fsd := finding.Merge(pl.envFindings(ctx))

	out := envJSON{Version: 1, Toolchain: pl.toolchainJSON(), Host: pl.targetJSON(ctx, host), Findings: report.FindingsJSON(fsd)}
	for _, b := range pl.builds {
		out.Targets = append(out.Targets, pl.targetJSON(ctx, b))
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else if err := renderEnvText(stdout, &out, fsd); err != nil {
		return err
	}
	if failOn.Fails(fsd) {
		return &findingsError{}
	}
	return nil
}

func (pl *plan) toolchainJSON() envToolchainJSON {
	s := pl.s
	bin, _ := s.g.LookPath()
	t := envToolchainJSON{
		GoCommand: bin, GoVersion: s.tc.GoVersion, GOROOT: s.tc.GOROOT, GOTOOLCHAIN: s.tc.GOTOOLCHAIN,
		GoMod: pl.mod.GoMod, Toolchain: pl.mod.Toolchain, GOFLAGS: s.tc.GOFLAGS,
		GO111MODULE: buildenv.Getenv(s.g, "GO111MODULE"),
		Host:        s.tc.GOHOSTOS + "/" + s.tc.GOHOSTARCH,
	}
	if pl.mod.Go != nil {
		t.GoDirective = pl.mod.Go.Version
	}
	if len(pl.builds) > 0 && pl.builds[0].GoEnv != nil {
		t.GOWORK = pl.builds[0].GoEnv["GOWORK"]
	}
	t.ModuleMode = moduleMode(pl, t)
	return t
}

var modFlag = regexp.MustCompile(`(?:^|\s)-mod=(\S+)`)

// moduleMode tells how the go command resolves imports: GOPATH, workspace,
// vendor, or module.
func moduleMode(pl *plan, t envToolchainJSON) string {
	switch {
	case pl.gopath:
		return "GOPATH (GO111MODULE=off)"
	case t.GOWORK != "" && t.GOWORK != "off":
		return "workspace (" + t.GOWORK + ")"
	}
	if m := modFlag.FindStringSubmatch(t.GOFLAGS); m != nil {
		return "module (-mod=" + m[1] + " from GOFLAGS)"
	}
	if _, err := os.Stat(filepath.Join(pl.mod.Root, "vendor", "modules.txt")); err == nil {
		if pl.mod.Go != nil && matrix.CompareGo(pl.mod.Go.Version, "1.14") >= 0 {
			return "vendor (vendor/modules.txt, go >= 1.14)"
		}
	}
	return "module"
}

var sysrootFlag = regexp.MustCompile(`--sysroot[= ](\S+)`)

func (pl *plan) targetJSON(ctx context.Context, b *matrix.Build) envTargetJSON {
	t := b.Target
	j := envTargetJSON{
		Target: t.String(), GOOS: t.GOOS, GOARCH: t.GOARCH, IsPort: b.Port != nil, Native: b.Native,
		VariantVar: t.VariantVar(), Variant: b.Variant, VariantFrom: b.VariantFrom,
		CgoEnabled: b.CgoEnabled, CgoReason: b.CgoReason, CC: b.CC,
	}
	if b.GoEnv == nil {
		return j
	}
	e := b.GoEnv
	j.CXX, j.CgoCFLAGS, j.CgoCPPFLAGS, j.CgoCXXFLAGS, j.CgoLDFLAGS, j.PkgConfig =
		e["CXX"], e["CGO_CFLAGS"], e["CGO_CPPFLAGS"], e["CGO_CXXFLAGS"], e["CGO_LDFLAGS"], e["PKG_CONFIG"]
	g := pl.s.g
	j.PCPath = buildenv.Getenv(g, "PKG_CONFIG_PATH")
	j.PCLibdir = buildenv.Getenv(g, "PKG_CONFIG_LIBDIR")
	j.PCSysroot = buildenv.Getenv(g, "PKG_CONFIG_SYSROOT_DIR")
	env := g.Environ(b.ExtraEnv...)
	info := pl.prober.Probe(ctx, b.CC, env)
	if info.Found() {
		j.CCTarget = info.Triple
		if m := sysrootFlag.FindStringSubmatch(j.CgoCFLAGS + " " + j.CgoLDFLAGS); m != nil {
			j.Sysroot = m[1] + " (--sysroot in CGO flags)"
		} else if out, err := cc.Run(ctx, info, env, "-print-sysroot"); err == nil && strings.TrimSpace(out) != "" {
			j.Sysroot = strings.TrimSpace(out) + " ($CC -print-sysroot)"
		}
	} else if info.Err != nil {
		j.CCError = info.Err.Error()
	}
	if j.CXX != "" {
		if ci := pl.prober.Probe(ctx, j.CXX, env); ci.Found() {
			j.CXXTarget = ci.Triple
		}
	}
	return j
}

func renderEnvText(w io.Writer, e *envJSON, fs []finding.Finding) error {
	tc := e.Toolchain
	fmt.Fprintf(w, "go command   %s (%s, GOROOT %s)\n", tc.GoCommand, tc.GoVersion, tc.GOROOT)
	fmt.Fprintf(w, "GOTOOLCHAIN  %s\n", orDash(tc.GOTOOLCHAIN))
	fmt.Fprintf(w, "go.mod       %s (go %s%s)\n", tc.GoMod, orDash(tc.GoDirective), map[bool]string{true: ", toolchain " + tc.Toolchain, false: ""}[tc.Toolchain != ""])
	fmt.Fprintf(w, "module mode  %s\n", tc.ModuleMode)
	fmt.Fprintf(w, "GOFLAGS      %s\n", orDash(tc.GOFLAGS))
	fmt.Fprintln(w)

	cols := append([]envTargetJSON{e.Host}, e.Targets...)
	header := []string{"SETTING", "host " + e.Host.Target}
	for _, t := range e.Targets {
		header = append(header, t.Target)
	}
	rows := []struct {
		name string
		get  func(t envTargetJSON) string
	}{
		{"build", func(t envTargetJSON) string {
			switch {
			case !t.IsPort:
				return "not a port"
			case t.Native:
				return "native"
			}
			return "cross"
		}},
		{"variant", func(t envTargetJSON) string {
			if t.VariantVar == "" {
				return "-"
			}
			return t.VariantVar + "=" + t.Variant + " (" + t.VariantFrom + ")"
		}},
		{"CGO_ENABLED", func(t envTargetJSON) string {
			if !t.IsPort {
				return "-"
			}
			v := "0"
			if t.CgoEnabled {
				v = "1"
			}
			return v + " (" + t.CgoReason + ")"
		}},
		{"CC", func(t envTargetJSON) string { return orDash(t.CC) }},
		{"CC targets", func(t envTargetJSON) string {
			if t.CCError != "" {
				return "? " + t.CCError
			}
			return orDash(t.CCTarget)
		}},
		{"CXX", func(t envTargetJSON) string { return orDash(t.CXX) }},
		{"CXX targets", func(t envTargetJSON) string { return orDash(t.CXXTarget) }},
		{"sysroot", func(t envTargetJSON) string { return orDash(t.Sysroot) }},
		{"CGO_CFLAGS", func(t envTargetJSON) string { return orDash(t.CgoCFLAGS) }},
		{"CGO_CPPFLAGS", func(t envTargetJSON) string { return orDash(t.CgoCPPFLAGS) }},
		{"CGO_LDFLAGS", func(t envTargetJSON) string { return orDash(t.CgoLDFLAGS) }},
		{"PKG_CONFIG_PATH", func(t envTargetJSON) string { return orDash(t.PCPath) }},
		{"PKG_CONFIG_LIBDIR", func(t envTargetJSON) string { return orDash(t.PCLibdir) }},
		{"PKG_CONFIG_SYSROOT_DIR", func(t envTargetJSON) string { return orDash(t.PCSysroot) }},
	}
	tbl := report.NewTable(nil)
	tbl.Header(header...)
	for _, r := range rows {
		line := []string{r.name}
		for _, c := range cols {
			line = append(line, r.get(c))
		}
		if err := tbl.Append(line); err != nil {
			return err
		}
	}
	if err := tbl.Render(w); err != nil {
		return err
	}
	if len(fs) == 0 {
		fmt.Fprintln(w, "\nno environment findings")
		return nil
	}
	fmt.Fprintln(w)
	return (&report.Text{Options: report.Options{Quiet: true}}).Render(w, &report.Report{Findings: fs})
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}
