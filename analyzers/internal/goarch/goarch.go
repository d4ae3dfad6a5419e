// Package goarch knows the architectures of the gc toolchain: their names
// and the object-file machine each one links. A test holds the list
// against `go tool dist list`, so that it cannot go stale silently.
package goarch

import (
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/binary"
)

// Arch is one GOARCH and what its objects look like.
type Arch struct {
	Name string // GOARCH

	// ELF: e_machine, class and byte order of its objects (Machine is
	// EM_NONE for wasm, which links no ELF objects).
	Machine elf.Machine
	Class   elf.Class
	Order   binary.ByteOrder

	// PE/COFF IMAGE_FILE_MACHINE_* (0 if Windows has no port for it).
	PEMachine uint16
	// Mach-O CPU type (0 if Apple has no port for it).
	MachoCPU macho.Cpu
}

var le, be = binary.LittleEndian, binary.BigEndian

// All lists the architectures of the gc toolchain, sorted by name.
var All = []Arch{
	{Name: "386", Machine: elf.EM_386, Class: elf.ELFCLASS32, Order: le, PEMachine: pe.IMAGE_FILE_MACHINE_I386, MachoCPU: macho.Cpu386},
	{Name: "amd64", Machine: elf.EM_X86_64, Class: elf.ELFCLASS64, Order: le, PEMachine: pe.IMAGE_FILE_MACHINE_AMD64, MachoCPU: macho.CpuAmd64},
	{Name: "arm", Machine: elf.EM_ARM, Class: elf.ELFCLASS32, Order: le, PEMachine: pe.IMAGE_FILE_MACHINE_ARMNT, MachoCPU: macho.CpuArm},
	{Name: "arm64", Machine: elf.EM_AARCH64, Class: elf.ELFCLASS64, Order: le, PEMachine: pe.IMAGE_FILE_MACHINE_ARM64, MachoCPU: macho.CpuArm64},
	{Name: "loong64", Machine: elf.EM_LOONGARCH, Class: elf.ELFCLASS64, Order: le, PEMachine: pe.IMAGE_FILE_MACHINE_LOONGARCH64},
	{Name: "mips", Machine: elf.EM_MIPS, Class: elf.ELFCLASS32, Order: be},
	{Name: "mips64", Machine: elf.EM_MIPS, Class: elf.ELFCLASS64, Order: be},
	{Name: "mips64le", Machine: elf.EM_MIPS, Class: elf.ELFCLASS64, Order: le},
	{Name: "mipsle", Machine: elf.EM_MIPS, Class: elf.ELFCLASS32, Order: le},
	{Name: "ppc64", Machine: elf.EM_PPC64, Class: elf.ELFCLASS64, Order: be, MachoCPU: macho.CpuPpc64},
	{Name: "ppc64le", Machine: elf.EM_PPC64, Class: elf.ELFCLASS64, Order: le},
	{Name: "riscv64", Machine: elf.EM_RISCV, Class: elf.ELFCLASS64, Order: le, PEMachine: pe.IMAGE_FILE_MACHINE_RISCV64},
	{Name: "s390x", Machine: elf.EM_S390, Class: elf.ELFCLASS64, Order: be},
	{Name: "wasm"},
}

// Names returns the GOARCH names, sorted.
func Names() []string {
	out := make([]string, len(All))
	for i, a := range All {
		out[i] = a.Name
	}
	return out
}

// Lookup returns the architecture named goarch.
func Lookup(goarch string) (Arch, bool) {
	for _, a := range All {
		if a.Name == goarch {
			return a, true
		}
	}
	return Arch{}, false
}

// OfELF returns the GOARCH whose objects have this machine, class and
// byte order, or "" if none does.
func OfELF(m elf.Machine, c elf.Class, d elf.Data) string {
	order := binary.ByteOrder(le)
	if d == elf.ELFDATA2MSB {
		order = be
	}
	for _, a := range All {
		if a.Machine != elf.EM_NONE && a.Machine == m && a.Class == c && a.Order == order {
			return a.Name
		}
	}
	return ""
}

// OfPE returns the GOARCH of a PE/COFF machine, or "".
func OfPE(m uint16) string {
	if m == pe.IMAGE_FILE_MACHINE_ARM || m == pe.IMAGE_FILE_MACHINE_THUMB {
		return "arm"
	}
	for _, a := range All {
		if a.PEMachine != 0 && a.PEMachine == m {
			return a.Name
		}
	}
	return ""
}

// OfMacho returns the GOARCH of a Mach-O CPU type, or "".
func OfMacho(c macho.Cpu) string {
	for _, a := range All {
		if a.MachoCPU != 0 && a.MachoCPU == c {
			return a.Name
		}
	}
	return ""
}
