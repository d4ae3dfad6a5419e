package abi

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"strconv"
)

// SHT_ARM_ATTRIBUTES is the section type of .ARM.attributes; debug/elf
// has no constant for it.
const SHT_ARM_ATTRIBUTES = elf.SectionType(0x70000003)

// ARM e_flags (binutils include/elf/arm.h).
const (
	EF_ARM_EABIMASK       = 0xFF000000
	EF_ARM_ABI_FLOAT_SOFT = 0x200
	EF_ARM_ABI_FLOAT_HARD = 0x400
)

// Limits of the .ARM.attributes parser.
const (
	// MaxARMAttributesSize caps the size of an .ARM.attributes section
	// that is read (real ones are well under 1 KiB).
	MaxARMAttributesSize = 1 << 20
	// maxARMAttrs caps the number of file attributes kept.
	maxARMAttrs = 1 << 12
	// maxULEB128 is the longest ULEB128 accepted, in bytes (64 bits).
	maxULEB128 = 10
)

// ARM build attribute tags used by xcheck (ARM IHI 0045, "Addenda to, and
// errata in, the ABI for the Arm architecture").
const (
	TagFile           = 1
	TagSection        = 2
	TagSymbol         = 3
	TagCPURawName     = 4
	TagCPUName        = 5
	TagCPUArch        = 6
	TagCPUArchProfile = 7
	TagARMISAUse      = 8
	TagTHUMBISAUse    = 9
	TagFPArch         = 10
	TagAdvancedSIMD   = 12
	TagABIHardFPUse   = 27
	TagABIVFPArgs     = 28
	TagCompatibility  = 32
	TagNoDefaults     = 64
	TagConformance    = 67
)

// ARMAttribute is one build attribute. String-valued tags (4, 5, 67 and
// odd tags above 32) have Str set and IsString true; Tag_compatibility (32)
// has both Int and Str.
type ARMAttribute struct {
	Tag      uint64
	Int      uint64
	Str      string
	IsString bool
}

// ARMAttributes holds the file-scope (Tag_File) attributes of the "aeabi"
// vendor subsections of an .ARM.attributes section, in file order.
// Section- and symbol-scope attributes and other vendors' subsections are
// skipped.
type ARMAttributes struct {
	File []ARMAttribute
}

// Lookup returns the last attribute with the given tag.
func (a *ARMAttributes) Lookup(tag uint64) (ARMAttribute, bool) {
	if a == nil {
		return ARMAttribute{}, false
	}
	for i := len(a.File) - 1; i >= 0; i-- {
		if a.File[i].Tag == tag {
			return a.File[i], true
		}
	}
	return ARMAttribute{}, false
}

func (a *ARMAttributes) intAttr(tag uint64) (uint64, bool) {
	at, ok := a.Lookup(tag)
	if !ok || at.IsString {
		return 0, false
	}
	return at.Int, true
}

// CPUName returns Tag_CPU_name (5), such as "7-A", or "".
func (a *ARMAttributes) CPUName() string {
	at, _ := a.Lookup(TagCPUName)
	return at.Str
}

// CPUArch returns Tag_CPU_arch (6).
func (a *ARMAttributes) CPUArch() (ARMArch, bool) {
	v, ok := a.intAttr(TagCPUArch)
	return ARMArch(v), ok
}

// CPUArchProfile returns Tag_CPU_arch_profile (7): 0, 'A', 'R', 'M' or 'S'.
func (a *ARMAttributes) CPUArchProfile() (uint64, bool) { return a.intAttr(TagCPUArchProfile) }

// FPArch returns Tag_FP_arch (10): 0 none, 3 VFPv3, 4 VFPv3-D16, ...
func (a *ARMAttributes) FPArch() (uint64, bool) { return a.intAttr(TagFPArch) }

// ABIVFPArgs returns Tag_ABI_VFP_args (28): 0 base AAPCS (soft-float
// argument passing), 1 VFP registers (hard-float), 2 toolchain-specific,
// 3 compatible with both.
func (a *ARMAttributes) ABIVFPArgs() (uint64, bool) { return a.intAttr(TagABIVFPArgs) }

// ARMArch is the value of Tag_CPU_arch.
type ARMArch uint64

var armArchNames = [...]string{
	"pre-v4", "v4", "v4T", "v5T", "v5TE", "v5TEJ", "v6", "v6KZ", "v6T2", "v6K",
	"v7", "v6-M", "v6S-M", "v7E-M", "v8-A", "v8-R", "v8-M.baseline",
	"v8-M.mainline", "v8.1-A", "v8.2-A", "v8.3-A", "v8.1-M.mainline", "v9-A",
}

func (a ARMArch) String() string {
	if a < ARMArch(len(armArchNames)) {
		return armArchNames[a]
	}
	return "ARMArch(" + strconv.FormatUint(uint64(a), 10) + ")"
}

// GOARM returns the highest GOARM (5, 6 or 7) whose code runs on this
// architecture, or 0 if there is none (pre-v5, or an M-profile core).
func (a ARMArch) GOARM() int {
	switch {
	case a == 3, a == 4, a == 5: // v5T, v5TE, v5TEJ
		return 5
	case a >= 6 && a <= 9: // v6, v6KZ, v6T2, v6K
		return 6
	case a == 10, a == 14, a == 15, a >= 18 && a <= 20, a == 22: // v7, v8-A/R, v8.x-A, v9
		return 7
	}
	return 0
}

// ParseARMAttributes parses the contents of an .ARM.attributes section
// (SHT_ARM_ATTRIBUTES) whose 32-bit lengths are in byte order bo.
//
// The format is a version byte 'A', then vendor subsections: a 32-bit
// length (counting itself), a NUL-terminated vendor name and, for "aeabi",
// sub-subsections of a ULEB128 tag (1 file, 2 section, 3 symbol), a 32-bit
// size (counting the tag and itself) and attributes. Every length is
// checked against the bytes that remain; ULEB128 numbers are limited to 10
// bytes and 64 bits; data longer than [MaxARMAttributesSize] is refused.
func ParseARMAttributes(data []byte, bo binary.ByteOrder) (*ARMAttributes, error) {
	if len(data) > MaxARMAttributesSize {
		return nil, perr(0, "attributes section of %d bytes exceeds the %d-byte limit", len(data), MaxARMAttributesSize)
	}
	if len(data) == 0 {
		return nil, perr(0, "empty attributes section")
	}
	if data[0] != 'A' {
		return nil, perr(0, "unknown attributes format version %q, want 'A'", data[0])
	}
	attrs := &ARMAttributes{}
	off := 1
	for off < len(data) {
		rest := len(data) - off
		if rest < 4 {
			return nil, perr(off, "truncated subsection length: %d bytes left", rest)
		}
		n := uint64(bo.Uint32(data[off:]))
		if n < 4 {
			return nil, perr(off, "subsection length %d is smaller than its own field", n)
		}
		if n > uint64(rest) {
			return nil, perr(off, "subsection length %d exceeds the %d bytes left", n, rest)
		}
		sub := data[off+4 : off+int(n)]
		nul := bytes.IndexByte(sub, 0)
		if nul < 0 {
			return nil, perr(off+4, "vendor name is not NUL-terminated")
		}
		if string(sub[:nul]) == "aeabi" {
			if err := parseARMSubsections(sub[nul+1:], off+4+nul+1, bo, attrs); err != nil {
				return nil, err
			}
		}
		off += int(n)
	}
	return attrs, nil
}

// parseARMSubsections parses the sub-subsections of an "aeabi" vendor
// subsection; base is the offset of data in the section, for errors.
func parseARMSubsections(data []byte, base int, bo binary.ByteOrder, attrs *ARMAttributes) error {
	p := 0
	for p < len(data) {
		tag, n, err := uleb128(data[p:])
		if err != nil {
			return perr(base+p, "sub-subsection tag: %v", err)
		}
		if len(data)-p-n < 4 {
			return perr(base+p, "truncated sub-subsection size")
		}
		size := uint64(bo.Uint32(data[p+n:]))
		if size < uint64(n+4) {
			return perr(base+p, "sub-subsection size %d is smaller than its header", size)
		}
		if size > uint64(len(data)-p) {
			return perr(base+p, "sub-subsection size %d exceeds the %d bytes left", size, len(data)-p)
		}
		if tag == TagFile {
			body := data[p+n+4 : p+int(size)]
			if err := parseARMFileAttrs(body, base+p+n+4, attrs); err != nil {
				return err
			}
		}
		p += int(size)
	}
	return nil
}

func parseARMFileAttrs(data []byte, base int, attrs *ARMAttributes) error {
	q := 0
	for q < len(data) {
		if len(attrs.File) >= maxARMAttrs {
			return perr(base+q, "more than %d attributes", maxARMAttrs)
		}
		tag, n, err := uleb128(data[q:])
		if err != nil {
			return perr(base+q, "attribute tag: %v", err)
		}
		q += n
		a := ARMAttribute{Tag: tag}
		switch {
		case tag == TagCompatibility:
			v, n, err := uleb128(data[q:])
			if err != nil {
				return perr(base+q, "Tag_compatibility flag: %v", err)
			}
			q += n
			s, n, err := cstring(data[q:])
			if err != nil {
				return perr(base+q, "Tag_compatibility vendor: %v", err)
			}
			q += n
			a.Int, a.Str, a.IsString = v, s, true
		case tag == TagNoDefaults:
			// The ABI addenda give Tag_nodefaults a ULEB128 value that is
			// ignored, and GNU as writes it ("@ 00"). Go's cmd/link reads
			// no value here; binutils' readelf skips one byte. Accept a
			// missing value at the very end, like readelf.
			if q < len(data) {
				v, n, err := uleb128(data[q:])
				if err != nil {
					return perr(base+q, "Tag_nodefaults value: %v", err)
				}
				q += n
				a.Int = v
			}
		case tag == TagCPURawName || tag == TagCPUName || tag == TagConformance || (tag > 32 && tag&1 == 1):
			s, n, err := cstring(data[q:])
			if err != nil {
				return perr(base+q, "value of tag %d: %v", tag, err)
			}
			q += n
			a.Str, a.IsString = s, true
		default:
			v, n, err := uleb128(data[q:])
			if err != nil {
				return perr(base+q, "value of tag %d: %v", tag, err)
			}
			q += n
			a.Int = v
		}
		attrs.File = append(attrs.File, a)
	}
	return nil
}

// dataError is a position-less error of a small decoder; callers add the
// position with perr.
type dataError string

func (e dataError) Error() string { return string(e) }

// uleb128 decodes an unsigned LEB128 number of at most 10 bytes that fits
// in 64 bits and returns it with its length.
func uleb128(b []byte) (uint64, int, error) {
	var v uint64
	for i := 0; i < maxULEB128; i++ {
		if i >= len(b) {
			return 0, 0, dataError("truncated ULEB128 number")
		}
		c := b[i]
		if i == maxULEB128-1 && c > 1 {
			return 0, 0, dataError("ULEB128 number overflows 64 bits")
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			return v, i + 1, nil
		}
	}
	return 0, 0, dataError("ULEB128 number longer than 10 bytes")
}

// cstring returns the NUL-terminated string at the start of b and the
// number of bytes it takes, NUL included.
func cstring(b []byte) (string, int, error) {
	i := bytes.IndexByte(b, 0)
	if i < 0 {
		return "", 0, dataError("string is not NUL-terminated")
	}
	return string(b[:i]), i + 1, nil
}
