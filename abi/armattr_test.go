package abi

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// armhfAttrs is the .ARM.attributes of Debian 12's armhf libc.so.6
// (readelf -x .ARM.attributes), a real input that also seeds the fuzzer.
var armhfAttrs = []byte("A6\x00\x00\x00aeabi\x00\x01,\x00\x00\x00\x057-A\x00\x06\x0a\x07A\x08\x01\x09\x02\x0a\x03\x0c\x01\x12\x04\x13\x01\x14\x01\x15\x01\x16\x01\x17\x03\x18\x01\x1a\x02\x1c\x01\x1e\x02\x22\x01")

// armelAttrs is the same section of Debian 12's armel libc.so.6: ARMv5TE,
// no Tag_ABI_VFP_args.
var armelAttrs = []byte("A.\x00\x00\x00aeabi\x00\x01$\x00\x00\x00\x055TE\x00\x06\x04\x08\x01\x09\x01\x12\x04\x13\x01\x14\x01\x15\x01\x16\x01\x17\x03\x18\x01\x19\x01\x1a\x02\x1e\x02")

func TestParseARMAttributesReal(t *testing.T) {
	a, err := ParseARMAttributes(armhfAttrs, binary.LittleEndian)
	require.NoError(t, err)
	assert.Equal(t, "7-A", a.CPUName())
	arch, ok := a.CPUArch()
	assert.True(t, ok)
	assert.Equal(t, ARMArch(10), arch)
	assert.Equal(t, "v7", arch.String())
	assert.Equal(t, 7, arch.GOARM())
	prof, ok := a.CPUArchProfile()
	assert.True(t, ok)
	assert.Equal(t, uint64('A'), prof)
	fp, ok := a.FPArch()
	assert.True(t, ok)
	assert.Equal(t, uint64(3), fp)
	vfp, ok := a.ABIVFPArgs()
	assert.True(t, ok)
	assert.Equal(t, uint64(1), vfp)
}

func TestParseARMAttributesArmel(t *testing.T) {
	a, err := ParseARMAttributes(armelAttrs, binary.LittleEndian)
	require.NoError(t, err)
	assert.Equal(t, "5TE", a.CPUName())
	arch, ok := a.CPUArch()
	assert.True(t, ok)
	assert.Equal(t, ARMArch(4), arch)
	assert.Equal(t, 5, arch.GOARM())
	_, ok = a.ABIVFPArgs()
	assert.False(t, ok, "armel libc has no Tag_ABI_VFP_args")
}

func TestParseARMAttributesTags(t *testing.T) {
	le := binary.LittleEndian
	attrs := []byte{
		TagConformance, '2', '.', '0', '9', 0, // 67: string
		TagNoDefaults, 0, // 64: ULEB128, as GNU as writes it
		TagCPURawName, 'x', 0, // 4: string
		TagCompatibility, 1, 'g', 'n', 'u', 0, // 32: ULEB128 then string
		TagCPUArch, 0x84, 0x01, // 6: ULEB128 of two bytes (132)
		65, 'v', '6', 0, // odd tag > 32: string
		66, 5, // even tag > 32: ULEB128
		TagCPUArch, 4, // the last occurrence wins
	}
	a, err := ParseARMAttributes(armAttrSection(le, attrs), le)
	require.NoError(t, err)
	require.Len(t, a.File, 8)
	assert.Equal(t, ARMAttribute{Tag: 67, Str: "2.09", IsString: true}, a.File[0])
	assert.Equal(t, ARMAttribute{Tag: 64}, a.File[1])
	assert.Equal(t, ARMAttribute{Tag: 4, Str: "x", IsString: true}, a.File[2])
	assert.Equal(t, ARMAttribute{Tag: 32, Int: 1, Str: "gnu", IsString: true}, a.File[3])
	assert.Equal(t, ARMAttribute{Tag: 6, Int: 132}, a.File[4])
	assert.Equal(t, ARMAttribute{Tag: 65, Str: "v6", IsString: true}, a.File[5])
	assert.Equal(t, ARMAttribute{Tag: 66, Int: 5}, a.File[6])
	arch, _ := a.CPUArch()
	assert.Equal(t, ARMArch(4), arch)
	assert.Equal(t, 5, arch.GOARM())
	_, ok := a.ABIVFPArgs()
	assert.False(t, ok)
}

// TestParseARMAttributesNoDefaultsFromGas checks Tag_nodefaults against
// the bytes GNU as 2.40 writes for
//
//	.eabi_attribute Tag_nodefaults, 0
//	.eabi_attribute Tag_CPU_name, "foo"
//	.eabi_attribute 6, 10
//
// (objdump -s -j .ARM.attributes). Tag_nodefaults carries a ULEB128 value;
// reading it without one, as Go's cmd/link does, misparses what follows.
func TestParseARMAttributesNoDefaultsFromGas(t *testing.T) {
	gas := []byte("A\x1c\x00\x00\x00aeabi\x00\x01\x12\x00\x00\x00@\x00\x05foo\x00\x06\x0a\x08\x01\x09\x01")
	a, err := ParseARMAttributes(gas, binary.LittleEndian)
	require.NoError(t, err)
	assert.Equal(t, "foo", a.CPUName())
	arch, ok := a.CPUArch()
	assert.True(t, ok)
	assert.Equal(t, ARMArch(10), arch)
}

func TestParseARMAttributesSkipsOtherScopesAndVendors(t *testing.T) {
	le := binary.LittleEndian
	data := []byte{'A'}
	// A "gnu" vendor subsection.
	data = append(data, u32s(le, 4+4+3)...)
	data = append(data, "gnu\x00\x01\x02\x03"...)
	// An "aeabi" subsection with a Tag_Section sub-subsection, then Tag_File.
	sub := append([]byte{TagSection}, u32s(le, 1+4+3)...)
	sub = append(sub, 1, 0, 0xFF) // section list and junk: skipped
	sub = append(sub, TagFile)
	sub = append(sub, u32s(le, 1+4+2)...)
	sub = append(sub, TagABIVFPArgs, 1)
	data = append(data, u32s(le, uint32(4+6+len(sub)))...)
	data = append(data, "aeabi\x00"...)
	data = append(data, sub...)
	a, err := ParseARMAttributes(data, le)
	require.NoError(t, err)
	require.Len(t, a.File, 1)
	v, _ := a.ABIVFPArgs()
	assert.Equal(t, uint64(1), v)
}

func TestParseARMAttributesBigEndian(t *testing.T) {
	be := binary.BigEndian
	a, err := ParseARMAttributes(armAttrSection(be, []byte{TagABIVFPArgs, 1}), be)
	require.NoError(t, err)
	v, ok := a.ABIVFPArgs()
	assert.True(t, ok)
	assert.Equal(t, uint64(1), v)
}

func TestParseARMAttributesErrors(t *testing.T) {
	le := binary.LittleEndian
	good := armAttrSection(le, []byte{TagCPUArch, 10})
	patch := func(off int, v uint32) []byte {
		b := append([]byte{}, good...)
		le.PutUint32(b[off:], v)
		return b
	}
	tests := []struct {
		name string
		data []byte
		msg  string
		off  int
	}{
		{"empty", nil, "empty attributes section", 0},
		{"format", []byte("B\x00"), "unknown attributes format version", 0},
		{"truncated length", []byte("A\x01\x00"), "truncated subsection length", 1},
		{"length beyond section", patch(1, 1000), "subsection length 1000 exceeds the", 1},
		{"length 2^32-1", patch(1, 0xFFFFFFFF), "exceeds the", 1},
		{"length below 4", patch(1, 3), "smaller than its own field", 1},
		{"vendor unterminated", []byte("A\x08\x00\x00\x00abcd"), "vendor name is not NUL-terminated", 5},
		{"sub-subsection beyond", patch(12, 1000), "sub-subsection size 1000 exceeds", 11},
		{"sub-subsection too small", patch(12, 2), "smaller than its header", 11},
		{"string unterminated", armAttrSection(le, []byte{TagCPUName, 'a', 'b'}), "not NUL-terminated", 17},
		{"uleb truncated", armAttrSection(le, []byte{TagCPUArch, 0x80}), "truncated ULEB128", 17},
		{"uleb too long", armAttrSection(le, []byte{TagCPUArch, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}), "overflows 64 bits", 17},
		{"uleb overflow", armAttrSection(le, []byte{TagCPUArch, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02}), "overflows 64 bits", 17},
		{"tag truncated", armAttrSection(le, []byte{0x80}), "truncated ULEB128", 16},
		{"too large", append([]byte{'A'}, make([]byte, MaxARMAttributesSize)...), "exceeds the 1048576-byte limit", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseARMAttributes(tt.data, le)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.msg)
			var pe *ParseError
			require.True(t, errors.As(err, &pe))
			assert.Equal(t, tt.off, pe.Off)
		})
	}
}

func TestULEB128(t *testing.T) {
	v, n, err := uleb128([]byte{0xE5, 0x8E, 0x26})
	require.NoError(t, err)
	assert.Equal(t, uint64(624485), v)
	assert.Equal(t, 3, n)
	v, n, err = uleb128([]byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01})
	require.NoError(t, err)
	assert.Equal(t, ^uint64(0), v)
	assert.Equal(t, 10, n)
}

func TestARMArchNames(t *testing.T) {
	assert.Equal(t, "v5TE", ARMArch(4).String())
	assert.Equal(t, "v6", ARMArch(6).String())
	assert.Equal(t, "v8-A", ARMArch(14).String())
	assert.Equal(t, "ARMArch(99)", ARMArch(99).String())
	assert.Equal(t, 6, ARMArch(9).GOARM())
	assert.Equal(t, 0, ARMArch(11).GOARM(), "v6-M runs no GOARM")
	assert.Equal(t, 0, ARMArch(2).GOARM())
	assert.Equal(t, "hard", FloatABIHard.String())
	assert.Equal(t, "soft", FloatABISoft.String())
	assert.Equal(t, "unknown", FloatABIUnknown.String())
}
