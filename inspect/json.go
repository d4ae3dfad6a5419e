package inspect

import (
	"debug/elf"
	"fmt"
	"strings"

	"github.com/xcheck-dev/xcheck/abi"
)

// ArtifactJSON is one artifact in the "artifacts" array of `xcheck
// inspect --format json` (docs/inspect.md). It is a schema with explicit
// snake_case names, not a dump of Artifact: change it only together with
// the documentation.
type ArtifactJSON struct {
	Path     string `json:"path"`
	Member   string `json:"member,omitempty"`
	Format   string `json:"format,omitempty"`
	Size     int64  `json:"size"`
	Kind     string `json:"kind,omitempty"`
	Platform string `json:"platform,omitempty"` // linux/arm64, ?/arm64
	GOOS     string `json:"goos,omitempty"`
	GOOSFrom string `json:"goos_from,omitempty"`
	GOARCH   string `json:"goarch,omitempty"`
	Machine  string `json:"machine,omitempty"`

	ELF   *ELFJSON   `json:"elf,omitempty"`
	PE    *PEJSON    `json:"pe,omitempty"`
	MachO *MachOJSON `json:"macho,omitempty"`
	Go    *GoJSON    `json:"go,omitempty"`

	Members        []ArtifactJSON `json:"members,omitempty"`
	OtherMembers   int            `json:"other_members,omitempty"`
	SkippedMembers int            `json:"skipped_members,omitempty"`

	Error   string `json:"error,omitempty"`
	Verdict string `json:"verdict,omitempty"` // ok, warn, fail (set by the command)
}

// ELFJSON is the ELF part of an artifact.
type ELFJSON struct {
	Class     string        `json:"class"`  // ELF32, ELF64
	Endian    string        `json:"endian"` // little, big
	OSABI     string        `json:"osabi"`
	Type      string        `json:"type"`
	Machine   string        `json:"machine"` // EM_AARCH64
	Flags     string        `json:"flags"`   // e_flags, hex
	Linking   string        `json:"linking,omitempty"`
	PIE       bool          `json:"pie"`
	Interp    string        `json:"interp,omitempty"`
	Needed    []string      `json:"needed,omitempty"`
	Soname    string        `json:"soname,omitempty"`
	RPath     []string      `json:"rpath,omitempty"`
	RunPath   []string      `json:"runpath,omitempty"`
	Libc      string        `json:"libc,omitempty"`
	LibcFrom  string        `json:"libc_from,omitempty"`
	KernelMin string        `json:"kernel_min,omitempty"`
	ARM       *ARMJSON      `json:"arm,omitempty"`
	Needs     []VersionJSON `json:"version_needs,omitempty"`
}

// ARMJSON is the ARM float ABI and CPU architecture.
type ARMJSON struct {
	EABI         int    `json:"eabi"`
	FloatABI     string `json:"float_abi"` // hard, soft, unknown
	FloatABIFrom string `json:"float_abi_from,omitempty"`
	CPUArch      string `json:"cpu_arch,omitempty"` // v7
	CPUName      string `json:"cpu_name,omitempty"`
	GOARM        int    `json:"goarm,omitempty"` // the GOARM level the CPU arch needs
}

// VersionJSON is one needed symbol version and the symbols that need it.
type VersionJSON struct {
	Library string   `json:"library"`
	Version string   `json:"version"`
	Weak    bool     `json:"weak,omitempty"`
	Symbols []string `json:"symbols"`
}

// PEJSON is the PE part of an artifact.
type PEJSON struct {
	Machine          string   `json:"machine"` // hex
	PE32Plus         bool     `json:"pe32_plus"`
	OSVersion        string   `json:"os_version,omitempty"`
	SubsystemVersion string   `json:"subsystem_version,omitempty"`
	Subsystem        int      `json:"subsystem,omitempty"`
	DLL              bool     `json:"dll"`
	Imports          []string `json:"imports,omitempty"`
}

// MachOJSON is the Mach-O part of an artifact.
type MachOJSON struct {
	CPU      string   `json:"cpu"`
	Type     string   `json:"type"`
	Platform string   `json:"platform,omitempty"`
	MinOS    string   `json:"min_os,omitempty"`
	SDK      string   `json:"sdk,omitempty"`
	Dylibs   []string `json:"dylibs,omitempty"`
}

// GoJSON is the Go build info.
type GoJSON struct {
	GoVersion string        `json:"go_version,omitempty"`
	Path      string        `json:"path,omitempty"`
	Main      *ModuleJSON   `json:"main,omitempty"`
	Deps      []ModuleJSON  `json:"deps,omitempty"`
	Settings  []SettingJSON `json:"settings,omitempty"`
	Guess     bool          `json:"guess"`
	GuessNote string        `json:"guess_note,omitempty"`
	Packages  []string      `json:"packages,omitempty"`
}

// ModuleJSON is a module of the build list.
type ModuleJSON struct {
	Path    string      `json:"path"`
	Version string      `json:"version,omitempty"`
	Sum     string      `json:"sum,omitempty"`
	Replace *ModuleJSON `json:"replace,omitempty"`
}

// SettingJSON is one build setting.
type SettingJSON struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// JSON returns the artifact in its JSON form.
func (a *Artifact) JSON() ArtifactJSON {
	j := ArtifactJSON{
		Path: a.Path, Member: a.Member, Format: string(a.Format), Size: a.Size, Kind: a.Kind,
		Platform: a.Platform(), GOOS: a.GOOS, GOOSFrom: a.GOOSFrom, GOARCH: a.GOARCH, Machine: a.Machine,
		OtherMembers: a.OtherMembers, SkippedMembers: a.SkippedMembers,
	}
	if a.Err != nil {
		j.Error = a.Err.Error()
	}
	if x := a.ELF; x != nil {
		e := &ELFJSON{
			Class: x.Class.String(), Endian: endian(x), OSABI: x.OSABI.String(), Type: x.Type.String(),
			Machine: x.Machine.String(), Flags: fmt.Sprintf("%#x", x.Flags), Linking: string(a.Linking), PIE: a.PIE,
			Interp: x.Interp, Needed: x.Needed, Soname: x.Soname, RPath: x.RPath, RunPath: x.RunPath,
			Libc: a.Libc, LibcFrom: a.LibcFrom, KernelMin: a.KernelMin(),
		}
		if arm := x.ARM; arm != nil {
			fa, ev := arm.EffectiveFloatABI()
			aj := &ARMJSON{EABI: int(arm.EABIVersion), FloatABI: fa.String(), FloatABIFrom: ev}
			if v, ok := arm.Attributes.CPUArch(); ok {
				aj.CPUArch, aj.GOARM = v.String(), v.GOARM()
			}
			if arm.Attributes != nil {
				aj.CPUName = arm.Attributes.CPUName()
			}
			e.ARM = aj
		}
		for _, n := range x.NeededVersions("") {
			syms := n.Symbols
			if syms == nil {
				syms = []string{}
			}
			e.Needs = append(e.Needs, VersionJSON{Library: n.Library, Version: n.Name, Weak: n.Flags&elf.VER_FLG_WEAK != 0, Symbols: syms})
		}
		j.ELF = e
	}
	if p := a.PE; p != nil {
		j.PE = &PEJSON{Machine: fmt.Sprintf("%#x", p.Machine), PE32Plus: !p.PE32 && p.OSVersion != "", OSVersion: p.OSVersion,
			SubsystemVersion: p.SubsystemVersion, Subsystem: int(p.Subsystem), DLL: p.DLL, Imports: p.Imports}
	}
	if m := a.MachO; m != nil {
		j.MachO = &MachOJSON{CPU: m.CPU.String(), Type: m.Type.String(), Platform: m.Platform, MinOS: m.MinOS, SDK: m.SDK, Dylibs: m.Dylibs}
	}
	if g := a.Go; g != nil {
		gj := &GoJSON{GoVersion: g.GoVersion, Path: g.Path, Guess: g.Guess, GuessNote: g.GuessNote, Packages: g.Packages}
		if g.Main.Path != "" {
			m := moduleJSON(g.Main)
			gj.Main = &m
		}
		for _, d := range g.Deps {
			gj.Deps = append(gj.Deps, moduleJSON(d))
		}
		for _, s := range g.Settings {
			gj.Settings = append(gj.Settings, SettingJSON(s))
		}
		j.Go = gj
	}
	for _, m := range a.Members {
		j.Members = append(j.Members, m.JSON())
	}
	return j
}

func moduleJSON(m Module) ModuleJSON {
	j := ModuleJSON{Path: m.Path, Version: m.Version, Sum: m.Sum}
	if m.Replace != nil {
		r := moduleJSON(*m.Replace)
		j.Replace = &r
	}
	return j
}

func endian(x *abi.ELFFacts) string {
	if x.Data.String() == "ELFDATA2MSB" {
		return "big"
	}
	return "little"
}

// Rows returns the facts of the artifact as (fact, value) rows for the
// table of `xcheck inspect`'s text output.
func (a *Artifact) Rows() [][2]string {
	var rows [][2]string
	add := func(k, v string) {
		if v != "" {
			rows = append(rows, [2]string{k, v})
		}
	}
	format := string(a.Format)
	if a.Kind != "" {
		format += " " + a.Kind
	}
	if a.Linking != "" {
		format += ", " + string(a.Linking) + "ally linked"
	}
	add("format", strings.TrimSpace(format))
	add("size", fmt.Sprintf("%d bytes", a.Size))
	plat := a.Platform()
	if plat != "" && a.GOOSFrom != "" {
		plat += " (OS from " + a.GOOSFrom + ")"
	}
	add("platform", plat)
	add("machine", a.Machine)
	if x := a.ELF; x != nil {
		add("class", fmt.Sprintf("%s, %s-endian, OS/ABI %s, e_flags %#x", x.Class, endian(x), x.OSABI, x.Flags))
		add("interpreter", x.Interp)
		add("needed", strings.Join(x.Needed, ", "))
		add("soname", x.Soname)
		add("rpath", strings.Join(x.RPath, ":"))
		add("runpath", strings.Join(x.RunPath, ":"))
		if a.Libc != "" {
			add("libc", a.Libc+" (from "+a.LibcFrom+")")
		}
		if x.ABITag != nil {
			add("kernel minimum", fmt.Sprintf("%s %s (%s)", x.ABITag.OS, x.ABITag, x.ABITagSection))
		}
		if arm := x.ARM; arm != nil {
			fa, ev := arm.EffectiveFloatABI()
			v := fmt.Sprintf("EABI %d, %s-float", arm.EABIVersion, fa)
			if ev != "" {
				v += " (" + ev + ")"
			}
			if cpu, ok := arm.Attributes.CPUArch(); ok {
				v += fmt.Sprintf(", CPU %s (GOARM=%d)", cpu, cpu.GOARM())
			}
			add("arm", v)
		}
		for _, n := range x.NeededVersions("") {
			add("needs "+n.Name, n.Library+": "+symbolList(n.Symbols))
		}
	}
	if p := a.PE; p != nil {
		if p.OSVersion != "" {
			add("PE versions", fmt.Sprintf("OS %s, subsystem %s (%d) (as written; Go writes 6.1 whatever it needs)", p.OSVersion, p.SubsystemVersion, p.Subsystem))
		}
		add("imports", strings.Join(p.Imports, ", "))
	}
	if m := a.MachO; m != nil {
		if m.Platform != "" {
			add("Mach-O platform", fmt.Sprintf("%s, minimum %s, SDK %s", m.Platform, m.MinOS, m.SDK))
		}
		add("dylibs", strings.Join(m.Dylibs, ", "))
	}
	if g := a.Go; g != nil {
		v := g.GoVersion
		if g.Guess {
			v = strings.TrimSpace(v + " (a guess by gore: " + g.GuessNote + ")")
		}
		add("go version", v)
		add("go main", strings.TrimSpace(g.Path+" "+g.Main.Version))
		var set []string
		for _, s := range g.Settings {
			switch {
			case strings.HasPrefix(s.Key, "vcs"), s.Key == "-compiler", s.Value == "":
				continue
			}
			set = append(set, s.Key+"="+s.Value)
		}
		add("go settings", strings.Join(set, " "))
		if n := len(g.Deps); n > 0 {
			add("go deps", fmt.Sprintf("%d modules", n))
		}
		if g.Guess && len(g.Packages) > 0 {
			add("go packages", fmt.Sprintf("%d (gore)", len(g.Packages)))
		}
	} else if a.GoErr != nil {
		add("go build info", "unreadable: "+a.GoErr.Error())
	}
	if len(a.Members) > 0 || a.OtherMembers > 0 {
		v := fmt.Sprintf("%d read", len(a.Members))
		if a.OtherMembers > 0 {
			v += fmt.Sprintf(", %d not ELF", a.OtherMembers)
		}
		if a.SkippedMembers > 0 {
			v += fmt.Sprintf(", %d past the limit", a.SkippedMembers)
		}
		add("members", v)
	}
	if a.Err != nil {
		add("error", a.Err.Error())
	}
	return rows
}
