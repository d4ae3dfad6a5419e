package abi

import (
	"fmt"
	"strings"
)

// from renders a value with its source: "2.36 (from lib/libc.so.6
// [.gnu.version_d])".
func from(value string, src Source) string {
	if src.File == "" {
		return value
	}
	if src.Section == "" {
		return value + " (from " + src.File + ")"
	}
	return value + " (from " + src.File + " [" + src.Section + "])"
}

// minVersion returns the lowest of names that is prefix followed by a
// numeric version, or "".
func minVersion(names []string, prefix string) string {
	best := ""
	for _, n := range names {
		p, _, ok := splitVersion(n)
		if !ok || p != prefix {
			continue
		}
		if best == "" || CompareVersions(n, best) < 0 {
			best = n
		}
	}
	return best
}

// Rows returns what the sysroot provides as (fact, value) rows for a
// table, in a fixed order; facts that are unknown are left out. Values
// read from a file end in " (from FILE [SECTION])", FILE relative to
// Root.
func (s *Sysroot) Rows() [][2]string {
	var rows [][2]string
	add := func(name, value string) { rows = append(rows, [2]string{name, value}) }
	add("root", s.Root)
	if s.Triple != "" {
		add("triple", s.Triple)
	}
	if len(s.LibDirs) > 0 {
		add("library dirs", strings.Join(s.LibDirs, ", "))
	}
	if s.Libc.Known() {
		add("libc", from(s.Libc.Value.String(), s.Libc.Source))
	}
	if s.LibcVersion.Known() {
		add("libc version", from(s.LibcVersion.Value, s.LibcVersion.Source))
	}
	for _, l := range s.Libraries {
		if len(l.Versions) == 0 {
			continue
		}
		v := l.MaxVersion
		if lo := minVersion(l.Versions, "GLIBC_"); lo != "" && lo != v {
			v = lo + " .. " + v
		}
		if v == "" {
			v = fmt.Sprintf("%d versions", len(l.Versions))
		}
		add(l.Name+" versions", from(v, l.Source))
	}
	if s.Kernel.Known() {
		add("kernel minimum", from(s.Kernel.Value.OS.String()+" "+s.Kernel.Value.String(), s.Kernel.Source))
	}
	if s.Machine.Known() {
		m := s.Machine.Value
		add("machine", from(fmt.Sprintf("%s, e_flags %#x, OS/ABI %s", m, m.Flags, m.OSABI), s.Machine.Source))
		if g := m.GOARCH(); g != "" {
			add("GOARCH", g)
		}
	}
	if s.Interp.Known() {
		add("loader", from(s.Interp.Value, s.Interp.Source))
	}
	if len(s.Loaders) > 0 {
		var ls []string
		for _, l := range s.Loaders {
			ls = append(ls, l.Path)
		}
		add("loaders present", strings.Join(ls, ", "))
	}
	if s.Crt1 != "" {
		add("crt1.o", s.Crt1)
	}
	if s.ARMFloatABI.Known() {
		add("ARM float ABI", from(s.ARMFloatABI.Value.String(), s.ARMFloatABI.Source))
	}
	if s.ARMCPUArch.Known() {
		v := s.ARMCPUArch.Value
		add("ARM CPU arch", from(fmt.Sprintf("%s (GOARM up to %d)", v, v.GOARM()), s.ARMCPUArch.Source))
	}
	if s.ARMCPUName.Known() {
		add("ARM CPU name", from(s.ARMCPUName.Value, s.ARMCPUName.Source))
	}
	if s.ARMABIVFPArgs.Known() {
		add("ARM Tag_ABI_VFP_args", from(fmt.Sprint(s.ARMABIVFPArgs.Value), s.ARMABIVFPArgs.Source))
	}
	if s.MIPSFPABI.Known() {
		add("MIPS FP ABI", from(s.MIPSFPABI.Value.String(), s.MIPSFPABI.Source))
	}
	if s.MIPSISA.Known() {
		add("MIPS ISA", from(s.MIPSISA.Value, s.MIPSISA.Source))
	}
	if s.MIPSNaN2008.Known() {
		v := "legacy"
		if s.MIPSNaN2008.Value {
			v = "2008"
		}
		add("MIPS NaN encoding", from(v, s.MIPSNaN2008.Source))
	}
	if sc := s.LinkerScript; sc != nil {
		var ins []string
		for _, in := range sc.Inputs {
			switch {
			case in.File != "":
				ins = append(ins, in.File)
			default:
				ins = append(ins, in.Path+" (missing)")
			}
		}
		add("libc.so", from("GNU ld script: "+strings.Join(ins, ", "), sc.Source))
	}
	for _, p := range s.Problems {
		add("problem", p.Error())
	}
	return rows
}

// SysrootJSONVersion is the version of the [SysrootJSON] schema.
const SysrootJSONVersion = 1

// SysrootJSON is the JSON form of a [Sysroot], for `xcheck sysroot
// --format json`. It is a schema: fields are only added. Files are
// relative to Root, slash separated; facts that are unknown are omitted.
type SysrootJSON struct {
	// Version is SysrootJSONVersion.
	Version int `json:"version"`
	// Root is the sysroot, an absolute host path.
	Root string `json:"root"`
	// Triple is the GNU triple of the layout ("aarch64-linux-gnu").
	Triple string `json:"triple,omitempty"`
	// LibDirs are the library directories read, in search order.
	LibDirs []string `json:"lib_dirs"`
	// Libc is the kind of C library: "glibc", "musl", "bionic",
	// "mingw-w64".
	Libc *FactJSON `json:"libc,omitempty"`
	// LibcVersion is "2.36" for glibc (the highest GLIBC_x.y of
	// libc.so.6), the release for musl when its library says it.
	LibcVersion *FactJSON `json:"libc_version,omitempty"`
	// Libraries are libc, libm, libpthread and ld.so, those present.
	Libraries []LibraryJSON `json:"libraries"`
	// KernelMin is the oldest Linux kernel the C library supports: the
	// highest of KernelTags.
	KernelMin *FactJSON `json:"kernel_min,omitempty"`
	// KernelTags are the NT_GNU_ABI_TAG notes of libc.so.6 and crt1.o.
	KernelTags []FactJSON `json:"kernel_tags"`
	// Machine is the ELF identification of the C library.
	Machine *MachineJSON `json:"machine,omitempty"`
	// Interp is the PT_INTERP of the C library: the loader programs
	// linked against it ask for.
	Interp *FactJSON `json:"interp,omitempty"`
	// Loaders are the dynamic loaders present.
	Loaders []LoaderJSON `json:"loaders"`
	// Crt1 is crt1.o, "" if there is none.
	Crt1 string `json:"crt1,omitempty"`
	// ARM is set for 32-bit ARM sysroots.
	ARM *ARMJSON `json:"arm,omitempty"`
	// MIPS is set for MIPS sysroots.
	MIPS *MIPSJSON `json:"mips,omitempty"`
	// LinkerScript is libc.so when it is a GNU ld script (glibc).
	LinkerScript *ScriptJSON `json:"linker_script,omitempty"`
	// Problems are files that were found but could not be used, and
	// "no C library found".
	Problems []ProblemJSON `json:"problems"`
}

// FactJSON is a value and the file (and ELF section) it was read from.
type FactJSON struct {
	Value   string `json:"value"`
	File    string `json:"file"`
	Section string `json:"section,omitempty"`
}

// LibraryJSON is one shared library of the sysroot and the symbol
// versions it defines.
type LibraryJSON struct {
	Name       string   `json:"name"`   // "libc", "libm", "libpthread", "ld.so"
	File       string   `json:"file"`   // relative to the root
	Soname     string   `json:"soname"` // DT_SONAME
	MinVersion string   `json:"min_version,omitempty"`
	MaxVersion string   `json:"max_version,omitempty"`
	Versions   []string `json:"versions"` // defined versions, base excluded
}

// MachineJSON is the ELF header of the C library.
type MachineJSON struct {
	Machine string `json:"machine"` // "EM_AARCH64"
	Class   string `json:"class"`   // "ELFCLASS64"
	Data    string `json:"data"`    // "ELFDATA2LSB"
	OSABI   string `json:"osabi"`   // "ELFOSABI_LINUX"; not reliable alone
	Flags   string `json:"e_flags"` // "0x5000400"
	// GOARCH is the Go architecture of this machine, "" if none.
	GOARCH  string `json:"goarch,omitempty"`
	File    string `json:"file"`
	Section string `json:"section,omitempty"`
}

// LoaderJSON is a dynamic loader present in the sysroot.
type LoaderJSON struct {
	Path string `json:"path"` // as PT_INTERP names it on the target
	File string `json:"file"` // the file, relative to the root
}

// ARMJSON is the 32-bit ARM facts.
type ARMJSON struct {
	FloatABI   *FactJSON `json:"float_abi,omitempty"`    // "hard", "soft"
	CPUArch    *FactJSON `json:"cpu_arch,omitempty"`     // Tag_CPU_arch: "v7"
	MaxGOARM   int       `json:"max_goarm,omitempty"`    // highest GOARM the CPU arch runs
	CPUName    *FactJSON `json:"cpu_name,omitempty"`     // Tag_CPU_name: "7-A"
	ABIVFPArgs *FactJSON `json:"abi_vfp_args,omitempty"` // Tag_ABI_VFP_args: "1"
}

// MIPSJSON is the MIPS facts.
type MIPSJSON struct {
	FPABI   *FactJSON `json:"fp_abi,omitempty"`   // "soft", "double", "fpxx", ...
	ISA     *FactJSON `json:"isa,omitempty"`      // "32r2"
	NaN2008 *bool     `json:"nan2008,omitempty"`  // EF_MIPS_NAN2008
	NaNFile string    `json:"nan_file,omitempty"` // where NaN2008 was read
}

// ScriptJSON is a GNU ld script found as libc.so.
type ScriptJSON struct {
	File   string            `json:"file"`
	Inputs []ScriptInputJSON `json:"inputs"`
}

// ScriptInputJSON is one input of the linker script.
type ScriptInputJSON struct {
	Path     string `json:"path"`           // as written in the script
	AsNeeded bool   `json:"as_needed"`      // inside AS_NEEDED ( )
	File     string `json:"file,omitempty"` // resolved file, "" if missing
	Via      string `json:"via,omitempty"`  // "sysroot", "sysroot prefix", "library path"
	Error    string `json:"error,omitempty"`
}

// ProblemJSON is a file of the sysroot that could not be used.
type ProblemJSON struct {
	File    string `json:"file,omitempty"`
	Section string `json:"section,omitempty"`
	Error   string `json:"error"`
}

func factJSON[T any](f Fact[T], value string) *FactJSON {
	if !f.Known() {
		return nil
	}
	return &FactJSON{Value: value, File: f.Source.File, Section: f.Source.Section}
}

// JSON returns the JSON form of s.
func (s *Sysroot) JSON() SysrootJSON {
	j := SysrootJSON{
		Version: SysrootJSONVersion, Root: s.Root, Triple: s.Triple, Crt1: s.Crt1,
		LibDirs: append([]string{}, s.LibDirs...), Libraries: []LibraryJSON{},
		KernelTags: []FactJSON{}, Loaders: []LoaderJSON{}, Problems: []ProblemJSON{},
	}
	j.Libc = factJSON(s.Libc, s.Libc.Value.String())
	j.LibcVersion = factJSON(s.LibcVersion, s.LibcVersion.Value)
	for _, l := range s.Libraries {
		j.Libraries = append(j.Libraries, LibraryJSON{
			Name: l.Name, File: l.Source.File, Soname: l.Soname,
			MinVersion: minVersion(l.Versions, "GLIBC_"), MaxVersion: l.MaxVersion,
			Versions: append([]string{}, l.Versions...),
		})
	}
	j.KernelMin = factJSON(s.Kernel, s.Kernel.Value.String())
	for _, t := range s.KernelTags {
		j.KernelTags = append(j.KernelTags, *factJSON(t, t.Value.String()))
	}
	if s.Machine.Known() {
		m := s.Machine.Value
		j.Machine = &MachineJSON{
			Machine: m.Machine.String(), Class: m.Class.String(), Data: m.Data.String(),
			OSABI: m.OSABI.String(), Flags: fmt.Sprintf("%#x", m.Flags), GOARCH: m.GOARCH(),
			File: s.Machine.Source.File, Section: s.Machine.Source.Section,
		}
	}
	j.Interp = factJSON(s.Interp, s.Interp.Value)
	for _, l := range s.Loaders {
		j.Loaders = append(j.Loaders, LoaderJSON(l))
	}
	if s.ARMFloatABI.Known() || s.ARMCPUArch.Known() || s.ARMCPUName.Known() || s.ARMABIVFPArgs.Known() {
		j.ARM = &ARMJSON{
			FloatABI:   factJSON(s.ARMFloatABI, s.ARMFloatABI.Value.String()),
			CPUArch:    factJSON(s.ARMCPUArch, s.ARMCPUArch.Value.String()),
			CPUName:    factJSON(s.ARMCPUName, s.ARMCPUName.Value),
			ABIVFPArgs: factJSON(s.ARMABIVFPArgs, fmt.Sprint(s.ARMABIVFPArgs.Value)),
		}
		if s.ARMCPUArch.Known() {
			j.ARM.MaxGOARM = s.ARMCPUArch.Value.GOARM()
		}
	}
	if s.MIPSFPABI.Known() || s.MIPSISA.Known() || s.MIPSNaN2008.Known() {
		j.MIPS = &MIPSJSON{
			FPABI: factJSON(s.MIPSFPABI, s.MIPSFPABI.Value.String()),
			ISA:   factJSON(s.MIPSISA, s.MIPSISA.Value),
		}
		if s.MIPSNaN2008.Known() {
			v := s.MIPSNaN2008.Value
			j.MIPS.NaN2008, j.MIPS.NaNFile = &v, s.MIPSNaN2008.Source.File
		}
	}
	if sc := s.LinkerScript; sc != nil {
		sj := &ScriptJSON{File: sc.Source.File, Inputs: []ScriptInputJSON{}}
		for _, in := range sc.Inputs {
			ij := ScriptInputJSON{Path: in.Path, AsNeeded: in.AsNeeded, File: in.File, Via: in.Via}
			if in.Err != nil {
				ij.Error = in.Err.Error()
			}
			sj.Inputs = append(sj.Inputs, ij)
		}
		j.LinkerScript = sj
	}
	for _, p := range s.Problems {
		j.Problems = append(j.Problems, ProblemJSON{File: p.Source.File, Section: p.Source.Section, Error: p.Err.Error()})
	}
	return j
}
