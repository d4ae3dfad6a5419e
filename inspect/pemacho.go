package inspect

import (
	"debug/macho"
	"debug/pe"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"strings"
)

// PEInfo is what xcheck reads from a PE (Windows) file's headers.
type PEInfo struct {
	Machine uint16 // IMAGE_FILE_MACHINE_*
	PE32    bool   // PE32 (32-bit optional header), else PE32+
	// OSVersion and SubsystemVersion are the header's
	// MajorOperatingSystemVersion.Minor and
	// MajorSubsystemVersion.Minor ("6.1"). Go writes 6.1 (Windows 7)
	// whatever Windows its release needs; they are shown, never
	// trusted.
	OSVersion        string
	SubsystemVersion string
	Subsystem        uint16 // 2 GUI, 3 console
	DLL              bool
	// Imports are the DLLs the file imports from, sorted.
	Imports []string
}

// MachOInfo is what xcheck reads from a Mach-O file's load commands.
type MachOInfo struct {
	CPU  macho.Cpu
	Type macho.Type
	// Platform is "macOS", "iOS", ... from LC_BUILD_VERSION or the
	// LC_VERSION_MIN_* command; MinOS and SDK are its versions ("12.0").
	Platform string
	MinOS    string
	SDK      string
	// Dylibs are the libraries the file links (LC_LOAD_DYLIB).
	Dylibs []string
}

// guard runs fn, a call into a standard library parser, and turns a panic
// into an error.
func guard(what string, fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s panicked: %v", what, p)
		}
	}()
	return fn()
}

var peMachines = map[uint16]struct{ goarch, name string }{
	pe.IMAGE_FILE_MACHINE_I386:  {"386", "i386"},
	pe.IMAGE_FILE_MACHINE_AMD64: {"amd64", "x86-64"},
	pe.IMAGE_FILE_MACHINE_ARM64: {"arm64", "ARM64"},
	pe.IMAGE_FILE_MACHINE_ARMNT: {"arm", "ARM Thumb-2"},
	pe.IMAGE_FILE_MACHINE_ARM:   {"arm", "ARM"},
}

// maxPEImports caps the imported DLL names kept.
const maxPEImports = 4096

func (a *Artifact) readPE(r io.ReaderAt, size int64, name string, head []byte) {
	r, err := guardPE(r, size)
	if err != nil {
		a.Err = fmt.Errorf("%s: PE file: %w", name, err)
		return
	}
	if a.readPEHeaders(r, name) {
		a.readGo(r, size, head)
	}
}

// readPEHeaders reads the headers and imports of a PE file, and reports
// whether it is an executable or DLL (not an object).
func (a *Artifact) readPEHeaders(r io.ReaderAt, name string) bool {
	var f *pe.File
	err := guard("debug/pe", func() error {
		var err error
		f, err = pe.NewFile(newBudgetReader(r, parseBudget))
		return err
	})
	if err != nil {
		a.Err = fmt.Errorf("%s: malformed PE file: %w", name, err)
		return false
	}
	info := &PEInfo{Machine: f.Machine, DLL: f.Characteristics&pe.IMAGE_FILE_DLL != 0}
	switch oh := f.OptionalHeader.(type) {
	case *pe.OptionalHeader32:
		info.PE32 = true
		info.OSVersion = fmt.Sprintf("%d.%d", oh.MajorOperatingSystemVersion, oh.MinorOperatingSystemVersion)
		info.SubsystemVersion = fmt.Sprintf("%d.%d", oh.MajorSubsystemVersion, oh.MinorSubsystemVersion)
		info.Subsystem = oh.Subsystem
	case *pe.OptionalHeader64:
		info.OSVersion = fmt.Sprintf("%d.%d", oh.MajorOperatingSystemVersion, oh.MinorOperatingSystemVersion)
		info.SubsystemVersion = fmt.Sprintf("%d.%d", oh.MajorSubsystemVersion, oh.MinorSubsystemVersion)
		info.Subsystem = oh.Subsystem
	default:
		a.PE = info
		a.Kind = "COFF object"
		a.Machine = peMachineName(f.Machine, info)
		a.GOARCH = peMachines[f.Machine].goarch
		a.GOOS, a.GOOSFrom = "windows", "format"
		return false
	}
	_ = guard("debug/pe imports", func() error {
		syms, err := f.ImportedSymbols()
		if err != nil {
			return err
		}
		for _, s := range syms {
			if _, dll, ok := strings.Cut(s, ":"); ok && len(info.Imports) < maxPEImports {
				info.Imports = appendNew(info.Imports, strings.ToLower(dll))
			}
		}
		return nil
	})
	slices.Sort(info.Imports)
	a.PE = info
	a.Machine = peMachineName(f.Machine, info)
	a.GOARCH = peMachines[f.Machine].goarch
	a.GOOS, a.GOOSFrom = "windows", "format"
	if info.DLL {
		a.Kind = "DLL"
	} else {
		a.Kind = "executable"
	}
	return true
}

func peMachineName(m uint16, info *PEInfo) string {
	name := fmt.Sprintf("machine %#x", m)
	if pm, ok := peMachines[m]; ok {
		name = pm.name
	}
	switch {
	case info.OSVersion == "":
		return name + " COFF"
	case info.PE32:
		return name + " PE32"
	}
	return name + " PE32+"
}

func isMachO(h []byte) bool {
	if len(h) < 4 {
		return false
	}
	le, be := binary.LittleEndian.Uint32(h), binary.BigEndian.Uint32(h)
	return le == macho.Magic32 || le == macho.Magic64 || be == macho.Magic32 || be == macho.Magic64
}

func isFatMachO(h []byte) bool {
	return len(h) >= 8 && binary.BigEndian.Uint32(h) == macho.MagicFat
}

var machoCPUs = map[macho.Cpu]struct{ goarch, name string }{
	macho.Cpu386:   {"386", "i386"},
	macho.CpuAmd64: {"amd64", "x86-64"},
	macho.CpuArm:   {"arm", "ARM"},
	macho.CpuArm64: {"arm64", "ARM64"},
	macho.CpuPpc:   {"", "PowerPC"},
	macho.CpuPpc64: {"", "PowerPC64"},
}

// Mach-O load commands debug/macho does not decode.
const (
	lcVersionMinMacOSX   = 0x24
	lcVersionMinIPhoneOS = 0x25
	lcBuildVersion       = 0x32
)

var machoPlatforms = map[uint32]struct{ name, goos string }{
	1: {"macOS", "darwin"}, 2: {"iOS", "ios"}, 3: {"tvOS", "ios"}, 4: {"watchOS", "ios"},
	6: {"Mac Catalyst", "ios"}, 7: {"iOS simulator", "ios"},
}

// machoVersion decodes the nibble-packed xxxx.yy.zz of a Mach-O version.
func machoVersion(v uint32) string {
	s := fmt.Sprintf("%d.%d", v>>16, (v>>8)&0xff)
	if v&0xff != 0 {
		s += fmt.Sprintf(".%d", v&0xff)
	}
	return s
}

func (a *Artifact) readMachO(r io.ReaderAt, size int64, name string, head []byte) {
	r, err := guardMachO(r, size)
	if err != nil {
		a.Err = fmt.Errorf("%s: Mach-O file: %w", name, err)
		return
	}
	if a.readMachOHeaders(r, name) {
		a.readGo(r, size, head)
	}
}

// readMachOHeaders reads the load commands of a Mach-O file, and reports
// whether it is an executable or dynamic library.
func (a *Artifact) readMachOHeaders(r io.ReaderAt, name string) bool {
	var f *macho.File
	err := guard("debug/macho", func() error {
		var err error
		f, err = macho.NewFile(newBudgetReader(r, parseBudget))
		return err
	})
	if err != nil {
		a.Err = fmt.Errorf("%s: malformed Mach-O file: %w", name, err)
		return false
	}
	info := &MachOInfo{CPU: f.Cpu, Type: f.Type}
	goos := "darwin"
	for _, l := range f.Loads {
		raw := l.Raw()
		if len(raw) < 16 {
			continue
		}
		switch f.ByteOrder.Uint32(raw) {
		case lcBuildVersion:
			if len(raw) >= 20 {
				p := f.ByteOrder.Uint32(raw[8:])
				if pl, ok := machoPlatforms[p]; ok {
					info.Platform, goos = pl.name, pl.goos
				} else {
					info.Platform = fmt.Sprintf("platform %d", p)
				}
				info.MinOS = machoVersion(f.ByteOrder.Uint32(raw[12:]))
				info.SDK = machoVersion(f.ByteOrder.Uint32(raw[16:]))
			}
		case lcVersionMinMacOSX, lcVersionMinIPhoneOS:
			if info.Platform == "" {
				info.Platform = "macOS"
				if f.ByteOrder.Uint32(raw) == lcVersionMinIPhoneOS {
					info.Platform, goos = "iOS", "ios"
				}
				info.MinOS = machoVersion(f.ByteOrder.Uint32(raw[8:]))
				info.SDK = machoVersion(f.ByteOrder.Uint32(raw[12:]))
			}
		}
	}
	_ = guard("debug/macho libraries", func() error {
		libs, err := f.ImportedLibraries()
		info.Dylibs = libs
		return err
	})
	a.MachO = info
	cpu := machoCPUs[f.Cpu]
	a.GOARCH = cpu.goarch
	a.Machine = cpu.name
	if a.Machine == "" {
		a.Machine = f.Cpu.String()
	}
	a.GOOS, a.GOOSFrom = goos, "format"
	switch f.Type {
	case macho.TypeExec:
		a.Kind = "executable"
	case macho.TypeDylib:
		a.Kind = "dynamic library"
	case macho.TypeBundle:
		a.Kind = "bundle"
	case macho.TypeObj:
		a.Kind = "object"
	default:
		a.Kind = f.Type.String()
	}
	return f.Type == macho.TypeExec || f.Type == macho.TypeDylib
}

// maxFatArches caps the architectures of a universal file that are read.
const maxFatArches = 16

func (a *Artifact) readFat(r io.ReaderAt, size int64, name string) {
	a.Kind = "universal binary"
	var ff *macho.FatFile
	err := checkFatHeader(r)
	if err == nil {
		err = guard("debug/macho", func() error {
			var err error
			ff, err = macho.NewFatFile(r)
			return err
		})
	}
	if err != nil {
		a.Err = fmt.Errorf("%s: not a valid Mach-O universal file (a Java class file?): %w", name, err)
		return
	}
	defer ff.Close()
	for i, arch := range ff.Arches {
		if i >= maxFatArches {
			a.SkippedMembers++
			continue
		}
		label := machoCPUs[arch.Cpu].goarch
		if label == "" {
			label = arch.Cpu.String()
		}
		off, sz := int64(arch.Offset), int64(arch.Size)
		m := &Artifact{Path: a.Path, Member: label, Format: FormatMachO, Size: sz}
		if off > size || sz > size-off {
			m.Err = fmt.Errorf("%s: architecture extends beyond the end of the file", m.Name())
		} else {
			sr := io.NewSectionReader(r, off, sz)
			head := make([]byte, min(sz, headSize))
			if _, err := sr.ReadAt(head, 0); err != nil && err != io.EOF {
				m.Err = fmt.Errorf("%s: cannot read: %v", m.Name(), err)
			} else {
				m.readMachO(sr, sz, m.Name(), head)
			}
		}
		a.Members = append(a.Members, m)
	}
	a.summarizeMembers()
}
