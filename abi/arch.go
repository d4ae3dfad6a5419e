package abi

import (
	"debug/elf"
	"fmt"
)

// elfArch is the ELF identification Go's linker writes for a GOARCH
// (platform-facts §5a).
type elfArch struct {
	machine elf.Machine
	class   elf.Class
	data    elf.Data
}

var goarchELF = map[string]elfArch{
	"386":      {elf.EM_386, elf.ELFCLASS32, elf.ELFDATA2LSB},
	"amd64":    {elf.EM_X86_64, elf.ELFCLASS64, elf.ELFDATA2LSB},
	"arm":      {elf.EM_ARM, elf.ELFCLASS32, elf.ELFDATA2LSB},
	"arm64":    {elf.EM_AARCH64, elf.ELFCLASS64, elf.ELFDATA2LSB},
	"loong64":  {elf.EM_LOONGARCH, elf.ELFCLASS64, elf.ELFDATA2LSB},
	"mips":     {elf.EM_MIPS, elf.ELFCLASS32, elf.ELFDATA2MSB},
	"mipsle":   {elf.EM_MIPS, elf.ELFCLASS32, elf.ELFDATA2LSB},
	"mips64":   {elf.EM_MIPS, elf.ELFCLASS64, elf.ELFDATA2MSB},
	"mips64le": {elf.EM_MIPS, elf.ELFCLASS64, elf.ELFDATA2LSB},
	"ppc64":    {elf.EM_PPC64, elf.ELFCLASS64, elf.ELFDATA2MSB},
	"ppc64le":  {elf.EM_PPC64, elf.ELFCLASS64, elf.ELFDATA2LSB},
	"riscv64":  {elf.EM_RISCV, elf.ELFCLASS64, elf.ELFDATA2LSB},
	"s390x":    {elf.EM_S390, elf.ELFCLASS64, elf.ELFDATA2MSB},
}

// GOARCH returns the Go architecture whose code the machine runs
// ("arm64"), or "" when Go has none (32-bit s390, MIPS n32, x32, ...).
func (m MachineInfo) GOARCH() string {
	if m.Machine == elf.EM_MIPS && m.Class == elf.ELFCLASS32 && m.Flags&EF_MIPS_ABI2 != 0 {
		return "" // n32
	}
	for goarch, a := range goarchELF {
		if a.machine == m.Machine && a.class == m.Class && a.data == m.Data {
			return goarch
		}
	}
	return ""
}

// String describes the machine: "AArch64 64-bit little-endian".
func (m MachineInfo) String() string {
	s := fmt.Sprintf("%s %s %s", machineName(m.Machine), className(m.Class), dataName(m.Data))
	if m.Machine == elf.EM_MIPS && m.Class == elf.ELFCLASS32 && m.Flags&EF_MIPS_ABI2 != 0 {
		s += " n32"
	}
	return s
}

func machineName(m elf.Machine) string {
	switch m {
	case elf.EM_386:
		return "i386"
	case elf.EM_X86_64:
		return "x86-64"
	case elf.EM_ARM:
		return "ARM"
	case elf.EM_AARCH64:
		return "AArch64"
	case elf.EM_LOONGARCH:
		return "LoongArch"
	case elf.EM_MIPS:
		return "MIPS"
	case elf.EM_PPC64:
		return "PowerPC64"
	case elf.EM_PPC:
		return "PowerPC"
	case elf.EM_RISCV:
		return "RISC-V"
	case elf.EM_S390:
		return "S/390"
	}
	return m.String()
}

func className(c elf.Class) string {
	switch c {
	case elf.ELFCLASS32:
		return "32-bit"
	case elf.ELFCLASS64:
		return "64-bit"
	}
	return c.String()
}

func dataName(d elf.Data) string {
	switch d {
	case elf.ELFDATA2LSB:
		return "little-endian"
	case elf.ELFDATA2MSB:
		return "big-endian"
	}
	return d.String()
}

// ELFIdent returns the ELF machine, class and byte order of goarch's
// objects, and false for a GOARCH without ELF objects.
func ELFIdent(goarch string) (elf.Machine, elf.Class, elf.Data, bool) {
	a, ok := goarchELF[goarch]
	return a.machine, a.class, a.data, ok
}

// GOARCHOfELF returns the GOARCH whose objects have this ELF machine, class
// and byte order, or "".
func GOARCHOfELF(m elf.Machine, c elf.Class, d elf.Data) string {
	for name, a := range goarchELF {
		if a == (elfArch{m, c, d}) {
			return name
		}
	}
	return ""
}
