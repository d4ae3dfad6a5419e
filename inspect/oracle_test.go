package inspect

import (
	"debug/elf"
	"fmt"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readelf's view of an ELF file (or of every member of an archive), the
// independent oracle the reader is compared with.
type readelfView struct {
	class, data, osabi, typ, machine string
	flags                            uint32
	interp                           string
	needed, runpath, rpath           []string
	soname                           string
	abiTag                           string
	needs                            map[string][]string // "libc.so.6 GLIBC_2.34" -> symbols
	cpuArch, vfpArgs                 string
}

func readelfOut(t *testing.T, args ...string) string {
	t.Helper()
	p, err := exec.LookPath("readelf")
	if err != nil {
		needTool(t, "readelf", "binutils")
	}
	out, err := exec.Command(p, append([]string{"-W"}, args...)...).CombinedOutput()
	require.NoError(t, err, "readelf %v: %s", args, out)
	return string(out)
}

func field(out, name string) string {
	m := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(name) + `:\s*(.*)$`).FindStringSubmatch(out)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(m[1])
}

func viewOf(t *testing.T, file string) readelfView {
	t.Helper()
	var v readelfView
	h := readelfOut(t, "-h", file)
	v.class, v.data, v.osabi, v.typ, v.machine = field(h, "Class"), field(h, "Data"), field(h, "OS/ABI"), field(h, "Type"), field(h, "Machine")
	fl, err := strconv.ParseUint(strings.TrimPrefix(strings.SplitN(field(h, "Flags"), ",", 2)[0], "0x"), 16, 32)
	require.NoError(t, err)
	v.flags = uint32(fl)
	if m := regexp.MustCompile(`\[Requesting program interpreter: (.*)\]`).FindStringSubmatch(readelfOut(t, "-l", file)); m != nil {
		v.interp = m[1]
	}
	d := readelfOut(t, "-d", file)
	for _, m := range regexp.MustCompile(`\(NEEDED\)\s+Shared library: \[(.*)\]`).FindAllStringSubmatch(d, -1) {
		v.needed = append(v.needed, m[1])
	}
	for _, m := range regexp.MustCompile(`\(RUNPATH\)\s+Library runpath: \[(.*)\]`).FindAllStringSubmatch(d, -1) {
		v.runpath = append(v.runpath, m[1])
	}
	for _, m := range regexp.MustCompile(`\(RPATH\)\s+Library rpath: \[(.*)\]`).FindAllStringSubmatch(d, -1) {
		v.rpath = append(v.rpath, m[1])
	}
	if m := regexp.MustCompile(`\(SONAME\)\s+Library soname: \[(.*)\]`).FindStringSubmatch(d); m != nil {
		v.soname = m[1]
	}
	if m := regexp.MustCompile(`OS: Linux, ABI: (\d+\.\d+\.\d+)`).FindStringSubmatch(readelfOut(t, "-n", file)); m != nil {
		v.abiTag = m[1]
	}
	// Version needs: index -> "file version" from -V, then the
	// undefined dynamic symbols carrying each index.
	vers := readelfOut(t, "-V", file)
	byIndex := map[string]string{}
	v.needs = map[string][]string{}
	if i := strings.Index(vers, "Version needs section"); i >= 0 {
		file := ""
		for _, line := range strings.Split(vers[i:], "\n") {
			if m := regexp.MustCompile(`File: (\S+)\s+Cnt:`).FindStringSubmatch(line); m != nil {
				file = m[1]
			}
			if m := regexp.MustCompile(`Name: (\S+)\s+Flags: .*Version: (\d+)`).FindStringSubmatch(line); m != nil {
				byIndex[m[2]] = file + " " + m[1]
				v.needs[file+" "+m[1]] = nil
			}
		}
	}
	syms := readelfOut(t, "--dyn-syms", file)
	for _, m := range regexp.MustCompile(`(?m)\sUND\s+([^@\s]+)@(\S+) \((\d+)\)$`).FindAllStringSubmatch(syms, -1) {
		if k, ok := byIndex[m[3]]; ok {
			v.needs[k] = append(v.needs[k], m[1])
		}
	}
	for k := range v.needs {
		slices.Sort(v.needs[k])
		v.needs[k] = slices.Compact(v.needs[k])
	}
	a := readelfOut(t, "-A", file)
	v.cpuArch, v.vfpArgs = field(a, "Tag_CPU_arch"), field(a, "Tag_ABI_VFP_args")
	return v
}

var readelfMachines = map[string]elf.Machine{
	"AArch64": elf.EM_AARCH64, "ARM": elf.EM_ARM, "Advanced Micro Devices X86-64": elf.EM_X86_64,
	"RISC-V": elf.EM_RISCV, "Intel 80386": elf.EM_386,
}

// compareWithReadelf checks the facts Read found in an ELF artifact
// against readelf's view of the same file.
func compareWithReadelf(t *testing.T, a *Artifact, v readelfView) {
	t.Helper()
	x := a.ELF
	require.NotNil(t, x, "%s: %v", a.Name(), a.Err)
	assert.Equal(t, v.class, "ELF"+strings.TrimPrefix(x.Class.String(), "ELFCLASS"), "class")
	if strings.Contains(v.data, "little endian") {
		assert.Equal(t, elf.ELFDATA2LSB, x.Data)
	} else {
		assert.Equal(t, elf.ELFDATA2MSB, x.Data)
	}
	assert.Equal(t, readelfMachines[v.machine], x.Machine, "machine %q", v.machine)
	assert.Equal(t, v.flags, x.Flags, "e_flags")
	switch {
	case strings.HasPrefix(v.osabi, "UNIX - System V"):
		assert.Equal(t, elf.ELFOSABI_NONE, x.OSABI)
	case strings.HasPrefix(v.osabi, "UNIX - GNU"):
		assert.Equal(t, elf.ELFOSABI_LINUX, x.OSABI)
	}
	// readelf tells a PIE executable from a shared object by DF_1_PIE.
	switch {
	case strings.HasPrefix(v.typ, "EXEC"):
		assert.Equal(t, "executable", a.Kind)
	case strings.Contains(v.typ, "Position-Independent Executable"):
		assert.True(t, a.PIE, "PIE")
		assert.Contains(t, a.Kind, "PIE")
	case strings.Contains(v.typ, "Shared object"):
		assert.Equal(t, "shared object", a.Kind)
	case strings.HasPrefix(v.typ, "REL"):
		assert.Equal(t, "relocatable object", a.Kind)
	default:
		t.Errorf("readelf type %q", v.typ)
	}
	assert.Equal(t, v.interp, x.Interp, "PT_INTERP")
	assert.Equal(t, v.needed, x.Needed, "DT_NEEDED")
	assert.Equal(t, v.runpath, x.RunPath, "DT_RUNPATH")
	assert.Equal(t, v.rpath, x.RPath, "DT_RPATH")
	assert.Equal(t, v.soname, x.Soname, "DT_SONAME")
	assert.Equal(t, v.abiTag, a.KernelMin(), "ABI tag")
	got := map[string][]string{}
	for _, n := range x.NeededVersions("") {
		got[n.Library+" "+n.Name] = n.Symbols
	}
	assert.Equal(t, v.needs, got, "version needs and their symbols")
	if x.Machine == elf.EM_ARM {
		require.NotNil(t, x.ARM)
		if v.cpuArch != "" {
			arch, ok := x.ARM.Attributes.CPUArch()
			assert.True(t, ok)
			assert.Equal(t, v.cpuArch, arch.String(), "Tag_CPU_arch")
		}
		fa, _ := x.ARM.EffectiveFloatABI()
		switch v.vfpArgs {
		case "VFP registers":
			assert.Equal(t, "hard", fa.String())
		case "":
			// no tag: the soft-float default, unless e_flags says
		default:
			t.Logf("Tag_ABI_VFP_args %q", v.vfpArgs)
		}
	}
}

// TestReadMatchesReadelf builds real artifacts and compares what Read
// finds with readelf.
func TestReadMatchesReadelf(t *testing.T) {
	for _, name := range []string{
		"go-linux-arm64-cgo", "go-linux-arm64", "go-linux-arm7", "go-linux-amd64-cgo", "go-linux-amd64-pie",
		"go-linux-riscv64", "go-static-glibc",
		"c-aarch64", "c-aarch64-static", "c-armhf", "c-armel", "c-riscv64", "c-musl", "c-musl-static", "cxx-aarch64",
		"o-armhf.o", "o-armel.o", "libver-v2.so", "app-ver",
	} {
		t.Run(name, func(t *testing.T) {
			p := artifact(t, name)
			a := Read(p, Options{})
			require.NoError(t, a.Err)
			assert.Equal(t, FormatELF, a.Format)
			compareWithReadelf(t, a, viewOf(t, p))
		})
	}
}

// TestReadArchiveMatchesReadelf compares every member of real archives
// with readelf's view of the same member.
func TestReadArchiveMatchesReadelf(t *testing.T) {
	for _, name := range []string{"libarmel.a", "libarmhf.a", "libmixed.a"} {
		t.Run(name, func(t *testing.T) {
			p := artifact(t, name)
			a := Read(p, Options{})
			require.NoError(t, a.Err)
			assert.Equal(t, FormatArchive, a.Format)
			// readelf names each member "File: lib.a(member)".
			h := readelfOut(t, "-h", p)
			var members []string
			for _, m := range regexp.MustCompile(`(?m)^File: .*\((.*)\)$`).FindAllStringSubmatch(h, -1) {
				members = append(members, m[1])
			}
			var got []string
			for _, m := range a.Members {
				got = append(got, m.Member)
			}
			assert.Equal(t, members, got)
			for _, m := range a.Members {
				// Extract the member to compare it on its own.
				dir := t.TempDir()
				cmd := exec.Command("ar", "x", p, m.Member)
				cmd.Dir = dir
				out, err := cmd.CombinedOutput()
				require.NoError(t, err, "%s", out)
				compareWithReadelf(t, m, viewOf(t, dir+"/"+m.Member))
			}
		})
	}
}

// TestReadLibcArchive walks glibc's own libc.a (about 1,800 members) and
// compares the member names with ar's list.
func TestReadLibcArchive(t *testing.T) {
	p := "/usr/aarch64-linux-gnu/lib/libc.a"
	if _, err := exec.LookPath("ar"); err != nil {
		needTool(t, "ar", "binutils")
	}
	a := Read(p, Options{})
	if a.Err != nil && strings.Contains(a.Err.Error(), "no such file") {
		needTool(t, p, "libc6-dev-arm64-cross")
	}
	require.NoError(t, a.Err)
	out, err := exec.Command("ar", "t", p).Output()
	require.NoError(t, err)
	names := strings.Fields(string(out))
	require.Greater(t, len(names), 1000)
	assert.Equal(t, len(names), len(a.Members)+a.OtherMembers)
	for i, m := range a.Members {
		if i < len(names) && m.Member != names[i] {
			t.Fatalf("member %d is %q, ar says %q", i, m.Member, names[i])
		}
		require.NoError(t, m.Err, m.Member)
		require.Equal(t, "arm64", m.GOARCH, m.Member)
	}
	assert.Equal(t, "arm64", a.GOARCH)
	assert.Contains(t, fmt.Sprint(a.Rows()), "members")
}
