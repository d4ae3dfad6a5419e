package abi

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func rowMap(rows [][2]string) map[string]string {
	m := map[string]string{}
	for _, r := range rows {
		if _, dup := m[r[0]]; !dup {
			m[r[0]] = r[1]
		}
	}
	return m
}

func TestSysrootRowsArmhf(t *testing.T) {
	root, pkg := debianRoot("arm-linux-gnueabihf")
	needSysroot(t, root, pkg)
	s, err := ReadSysroot(root)
	require.NoError(t, err)
	rows := s.Rows()
	m := rowMap(rows)
	o := readOracle(t, filepath.Join(root, "lib/libc.so.6"))

	assert.Equal(t, [2]string{"root", root}, rows[0])
	assert.Equal(t, "glibc (from lib/libc.so.6 [.gnu.version_d])", m["libc"])
	assert.Equal(t, "2.36 (from lib/libc.so.6 [.gnu.version_d])", m["libc version"])
	assert.Equal(t, "GLIBC_2.4 .. "+highestGlibc(t, o.defined)+" (from lib/libc.so.6 [.gnu.version_d])", m["libc versions"])
	assert.Equal(t, "Linux "+o.abiTag+" (from lib/libc.so.6 [.note.ABI-tag])", m["kernel minimum"])
	assert.Equal(t, "ARM 32-bit little-endian, e_flags 0x5000400, OS/ABI ELFOSABI_LINUX (from lib/libc.so.6 [ELF header])", m["machine"])
	assert.Equal(t, "arm", m["GOARCH"])
	assert.Equal(t, o.interp+" (from lib/libc.so.6 [PT_INTERP])", m["loader"])
	assert.Equal(t, "/lib/ld-linux-armhf.so.3", m["loaders present"])
	assert.Equal(t, "lib/crt1.o", m["crt1.o"])
	assert.Equal(t, "hard (from lib/libc.so.6 [e_flags])", m["ARM float ABI"])
	assert.Equal(t, o.cpuArch+" (GOARM up to 7) (from lib/libc.so.6 [.ARM.attributes])", m["ARM CPU arch"])
	assert.Equal(t, o.cpuName+" (from lib/libc.so.6 [.ARM.attributes])", m["ARM CPU name"])
	assert.Equal(t, "1 (from lib/libc.so.6 [.ARM.attributes])", m["ARM Tag_ABI_VFP_args"])
	assert.Equal(t, "GNU ld script: lib/libc.so.6, lib/libc_nonshared.a, lib/ld-linux-armhf.so.3 (from lib/libc.so)", m["libc.so"])
	assert.NotContains(t, m, "MIPS FP ABI")
	assert.NotContains(t, m, "problem")
}

func TestSysrootRowsMIPSAndMusl(t *testing.T) {
	root, pkg := debianRoot("mipsel-linux-gnu")
	needSysroot(t, root, pkg)
	s, err := ReadSysroot(root)
	require.NoError(t, err)
	m := rowMap(s.Rows())
	assert.Equal(t, "fpxx (from lib/libc.so.6 [.MIPS.abiflags])", m["MIPS FP ABI"])
	assert.Equal(t, "32r2 (from lib/libc.so.6 [.MIPS.abiflags])", m["MIPS ISA"])
	assert.Equal(t, "legacy (from lib/libc.so.6 [e_flags])", m["MIPS NaN encoding"])
	assert.Equal(t, "mipsle", m["GOARCH"])
	assert.NotContains(t, m, "ARM float ABI")

	const musl = "/usr/lib/x86_64-linux-musl"
	needSysroot(t, musl, "musl-dev")
	s, err = ReadSysroot(musl)
	require.NoError(t, err)
	m = rowMap(s.Rows())
	assert.Equal(t, "musl (from libc.so [.rodata])", m["libc"])
	assert.NotContains(t, m, "kernel minimum", "musl has no ABI tag")
	assert.NotContains(t, m, "libc versions", "musl has no symbol versions")
}

func TestSysrootRowsProblems(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "lib/libc.so.6", []byte("not an ELF file"))
	s, err := ReadSysroot(root)
	require.NoError(t, err)
	var problems []string
	for _, r := range s.Rows() {
		if r[0] == "problem" {
			problems = append(problems, r[1])
		}
	}
	require.Len(t, problems, 2)
	assert.Contains(t, problems[0], "lib/libc.so.6: ")
	assert.Contains(t, problems[1], "no C library found")
}

var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// keys collects every object key of a decoded JSON value.
func keys(v any, out map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			out[k] = true
			keys(e, out)
		}
	case []any:
		for _, e := range x {
			keys(e, out)
		}
	}
}

func TestSysrootJSON(t *testing.T) {
	root, pkg := debianRoot("arm-linux-gnueabi")
	needSysroot(t, root, pkg)
	s, err := ReadSysroot(root)
	require.NoError(t, err)
	j := s.JSON()
	data, err := json.Marshal(j)
	require.NoError(t, err)

	var generic any
	require.NoError(t, json.Unmarshal(data, &generic))
	all := map[string]bool{}
	keys(generic, all)
	for k := range all {
		assert.Regexp(t, snakeCase, k)
	}

	var back SysrootJSON
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, j, back)
	assert.Equal(t, SysrootJSONVersion, back.Version)
	assert.Equal(t, root, back.Root)
	assert.Equal(t, &FactJSON{Value: "glibc", File: "lib/libc.so.6", Section: ".gnu.version_d"}, back.Libc)
	assert.Equal(t, "2.36", back.LibcVersion.Value)
	assert.Equal(t, "3.2.0", back.KernelMin.Value)
	require.Len(t, back.KernelTags, 2)
	assert.Equal(t, "lib/crt1.o", back.KernelTags[1].File)
	require.NotNil(t, back.Machine)
	assert.Equal(t, MachineJSON{Machine: "EM_ARM", Class: "ELFCLASS32", Data: "ELFDATA2LSB", OSABI: "ELFOSABI_NONE",
		Flags: "0x5000200", GOARCH: "arm", File: "lib/libc.so.6", Section: "ELF header"}, *back.Machine)
	require.NotNil(t, back.ARM)
	assert.Equal(t, "soft", back.ARM.FloatABI.Value)
	assert.Equal(t, "v5TE", back.ARM.CPUArch.Value)
	assert.Equal(t, 5, back.ARM.MaxGOARM)
	assert.Nil(t, back.ARM.ABIVFPArgs, "armel's libc has no Tag_ABI_VFP_args")
	assert.Nil(t, back.MIPS)
	libc := back.Libraries[0]
	assert.Equal(t, "libc", libc.Name)
	assert.Equal(t, "GLIBC_2.4", libc.MinVersion)
	assert.Equal(t, "GLIBC_2.36", libc.MaxVersion)
	require.NotNil(t, back.LinkerScript)
	assert.Len(t, back.LinkerScript.Inputs, 3)
	assert.Equal(t, "sysroot prefix", back.LinkerScript.Inputs[0].Via)
	assert.Empty(t, back.Problems)
	assert.Contains(t, string(data), `"problems":[]`, "lists are [] not null")

	// A sysroot with nothing in it still marshals, with empty lists.
	empty, err := ReadSysroot(t.TempDir())
	require.NoError(t, err)
	data, err = json.Marshal(empty.JSON())
	require.NoError(t, err)
	assert.Contains(t, string(data), `"libraries":[]`)
	assert.NotContains(t, string(data), `"libc"`)
}

func TestMachineInfoGOARCH(t *testing.T) {
	for goarch, a := range goarchELF {
		assert.Equal(t, goarch, MachineInfo{Machine: a.machine, Class: a.class, Data: a.data}.GOARCH())
	}
	n32 := MachineInfo{Machine: goarchELF["mips64"].machine, Class: goarchELF["mips"].class, Data: goarchELF["mips"].data, Flags: EF_MIPS_ABI2}
	assert.Empty(t, n32.GOARCH())
	assert.Equal(t, "MIPS 32-bit big-endian n32", n32.String())
}
