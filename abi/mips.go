package abi

import (
	"encoding/binary"
	"strconv"
)

// MIPS e_flags (glibc elf.h).
const (
	EF_MIPS_NOREORDER = 0x1
	EF_MIPS_PIC       = 0x2
	EF_MIPS_CPIC      = 0x4
	EF_MIPS_ABI2      = 0x20 // n32
	EF_MIPS_FP64      = 0x200
	EF_MIPS_NAN2008   = 0x400
	EF_MIPS_ABI       = 0x0000F000 // E_MIPS_ABI_O32 0x1000, O64 0x2000, EABI32 0x3000, EABI64 0x4000
	EF_MIPS_ARCH      = 0xF0000000 // EF_MIPS_ARCH_32R2 0x70000000, ...
)

// mipsABIFlagsSize is the size of Elf_MIPS_ABIFlags_v0.
const mipsABIFlagsSize = 24

// MIPSFPABI is the floating-point ABI of a MIPS object (Val_GNU_MIPS_ABI_FP_*).
type MIPSFPABI uint8

// MIPS floating-point ABIs.
const (
	MIPSFPAny    MIPSFPABI = 0
	MIPSFPDouble MIPSFPABI = 1 // hard float, double precision
	MIPSFPSingle MIPSFPABI = 2 // hard float, single precision
	MIPSFPSoft   MIPSFPABI = 3
	MIPSFPOld64  MIPSFPABI = 4
	MIPSFPXX     MIPSFPABI = 5 // hard float, any FPU mode (FPXX)
	MIPSFP64     MIPSFPABI = 6
	MIPSFP64A    MIPSFPABI = 7
)

var mipsFPNames = [...]string{"any", "double", "single", "soft", "old-fp64", "fpxx", "fp64", "fp64a"}

func (f MIPSFPABI) String() string {
	if int(f) < len(mipsFPNames) {
		return mipsFPNames[f]
	}
	return "MIPSFPABI(" + strconv.Itoa(int(f)) + ")"
}

// Hard reports whether f passes floating-point values in FPU registers.
func (f MIPSFPABI) Hard() bool {
	return f == MIPSFPDouble || f == MIPSFPSingle || f == MIPSFPOld64 || f == MIPSFPXX || f == MIPSFP64 || f == MIPSFP64A
}

// MIPSABIFlags is the Elf_MIPS_ABIFlags_v0 structure of .MIPS.abiflags
// (SHT_MIPS_ABIFLAGS) or of the PT_MIPS_ABIFLAGS segment.
type MIPSABIFlags struct {
	Version  uint16
	ISALevel uint8 // 32 or 64 (1..5 for MIPS I..V)
	ISARev   uint8
	GPRSize  uint8 // 1 = 32-bit, 2 = 64-bit
	CPR1Size uint8
	CPR2Size uint8
	FPABI    MIPSFPABI
	ISAExt   uint32
	ASEs     uint32
	Flags1   uint32
	Flags2   uint32
}

// ParseMIPSABIFlags parses the 24-byte Elf_MIPS_ABIFlags_v0 at the start
// of data, in byte order bo. Later versions of the structure start with the
// same fields, so any version is accepted.
func ParseMIPSABIFlags(data []byte, bo binary.ByteOrder) (*MIPSABIFlags, error) {
	if len(data) < mipsABIFlagsSize {
		return nil, perr(0, "abiflags of %d bytes, need %d", len(data), mipsABIFlagsSize)
	}
	return &MIPSABIFlags{
		Version:  bo.Uint16(data[0:]),
		ISALevel: data[2],
		ISARev:   data[3],
		GPRSize:  data[4],
		CPR1Size: data[5],
		CPR2Size: data[6],
		FPABI:    MIPSFPABI(data[7]),
		ISAExt:   bo.Uint32(data[8:]),
		ASEs:     bo.Uint32(data[12:]),
		Flags1:   bo.Uint32(data[16:]),
		Flags2:   bo.Uint32(data[20:]),
	}, nil
}
