package abi

// Tests of ReadSysroot against real Debian cross sysroots, with readelf
// (binutils) as an independent oracle. The sysroots come from the Debian
// packages listed in scripts/apt-packages.txt; CI installs them, so with
// CI=true a missing sysroot or readelf fails the test instead of skipping.

import (
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// needHostThing skips the test, or fails it when CI=true, if ok is false.
func needHostThing(t testing.TB, ok bool, what, pkg string) {
	t.Helper()
	if ok {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is missing; CI installs it (apt-get install -y %s, see scripts/apt-packages.txt)", what, pkg)
	}
	t.Skipf("%s is missing; install it with: apt-get update && apt-get install -y %s", what, pkg)
}

func needSysroot(t testing.TB, dir, pkg string) {
	t.Helper()
	fi, err := os.Stat(dir)
	needHostThing(t, err == nil && fi.IsDir(), "sysroot "+dir, pkg)
}

func needReadelf(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("readelf")
	needHostThing(t, err == nil, "readelf", "binutils")
	return p
}

// readelf runs readelf -W with the given options on file.
func readelf(t testing.TB, file string, opts ...string) string {
	t.Helper()
	args := append([]string{"-W"}, opts...)
	cmd := exec.Command(needReadelf(t), append(args, file)...)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "readelf %v %s: %s", opts, file, out)
	return string(out)
}

// oracle is what readelf says about one ELF file.
type oracle struct {
	class   elf.Class
	data    elf.Data
	osabi   elf.OSABI
	machine elf.Machine
	flags   uint32
	abiTag  string // "3.2.0", "" if none
	interp  string
	soname  string
	needed  []string
	defined []string            // version definitions, base excluded
	needs   map[string][]string // "lib GLIBC_x" -> symbols
	// ARM (readelf -A)
	cpuArch    string // "v7"
	cpuName    string
	vfpArgs    string // "VFP registers", "" if absent
	mipsFP     string // "Hard float (32-bit CPU, Any FPU)"
	mipsISA    string // "MIPS32r2"
	hasVersion bool
}

var readelfMachines = map[string]elf.Machine{
	"AArch64":                       elf.EM_AARCH64,
	"ARM":                           elf.EM_ARM,
	"RISC-V":                        elf.EM_RISCV,
	"PowerPC64":                     elf.EM_PPC64,
	"IBM S/390":                     elf.EM_S390,
	"MIPS R3000":                    elf.EM_MIPS,
	"Advanced Micro Devices X86-64": elf.EM_X86_64,
}

var readelfOSABIs = map[string]elf.OSABI{
	"UNIX - System V": elf.ELFOSABI_NONE,
	"UNIX - GNU":      elf.ELFOSABI_LINUX,
}

func field(out, name string) string {
	re := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(name) + `:\s*(.*?)\s*$`)
	m := re.FindStringSubmatch(out)
	if m == nil {
		return ""
	}
	return m[1]
}

func readOracle(t *testing.T, file string) oracle {
	t.Helper()
	var o oracle
	h := readelf(t, file, "-h")
	switch field(h, "Class") {
	case "ELF32":
		o.class = elf.ELFCLASS32
	case "ELF64":
		o.class = elf.ELFCLASS64
	default:
		t.Fatalf("readelf class %q", field(h, "Class"))
	}
	switch d := field(h, "Data"); {
	case strings.Contains(d, "little endian"):
		o.data = elf.ELFDATA2LSB
	case strings.Contains(d, "big endian"):
		o.data = elf.ELFDATA2MSB
	default:
		t.Fatalf("readelf data %q", d)
	}
	var ok bool
	o.osabi, ok = readelfOSABIs[field(h, "OS/ABI")]
	require.True(t, ok, "unknown readelf OS/ABI %q", field(h, "OS/ABI"))
	o.machine, ok = readelfMachines[field(h, "Machine")]
	require.True(t, ok, "unknown readelf machine %q", field(h, "Machine"))
	flags := strings.SplitN(field(h, "Flags"), ",", 2)[0]
	v, err := strconv.ParseUint(strings.TrimPrefix(flags, "0x"), 16, 32)
	require.NoError(t, err)
	o.flags = uint32(v)

	if m := regexp.MustCompile(`OS: Linux, ABI: (\d+\.\d+\.\d+)`).FindStringSubmatch(readelf(t, file, "-n")); m != nil {
		o.abiTag = m[1]
	}
	if m := regexp.MustCompile(`\[Requesting program interpreter: (.*)\]`).FindStringSubmatch(readelf(t, file, "-l")); m != nil {
		o.interp = m[1]
	}
	d := readelf(t, file, "-d")
	if m := regexp.MustCompile(`\(SONAME\)\s+Library soname: \[(.*)\]`).FindStringSubmatch(d); m != nil {
		o.soname = m[1]
	}
	for _, m := range regexp.MustCompile(`\(NEEDED\)\s+Shared library: \[(.*)\]`).FindAllStringSubmatch(d, -1) {
		o.needed = append(o.needed, m[1])
	}

	vers := readelf(t, file, "-V")
	o.hasVersion = !strings.Contains(vers, "No version information found")
	if i := strings.Index(vers, "Version definition section"); i >= 0 {
		sec := vers[i:]
		if j := strings.Index(sec, "Version needs section"); j >= 0 {
			sec = sec[:j]
		}
		for _, m := range regexp.MustCompile(`Flags: (\S+)\s+Index: \d+\s+Cnt: \d+\s+Name: (\S+)`).FindAllStringSubmatch(sec, -1) {
			if m[1] != "BASE" {
				o.defined = append(o.defined, m[2])
			}
		}
	}
	// Needed versions: index -> (file, version) from -V, then the
	// undefined dynamic symbols that carry each index.
	type need struct{ file, ver string }
	byIndex := map[string]need{}
	if i := strings.Index(vers, "Version needs section"); i >= 0 {
		cur := ""
		for _, line := range strings.Split(vers[i:], "\n") {
			if m := regexp.MustCompile(`File: (\S+)\s+Cnt:`).FindStringSubmatch(line); m != nil {
				cur = m[1]
			}
			if m := regexp.MustCompile(`Name: (\S+)\s+Flags: .*Version: (\d+)`).FindStringSubmatch(line); m != nil {
				byIndex[m[2]] = need{cur, m[1]}
			}
		}
	}
	o.needs = map[string][]string{}
	for _, n := range byIndex {
		o.needs[n.file+" "+n.ver] = nil
	}
	if len(byIndex) > 0 {
		// "[<localentry>: 8]" may stand before UND on ppc64.
		symRE := regexp.MustCompile(`^\s*\d+:\s.*\sUND\s+([^@\s]+)@(\S+) \((\d+)\)\s*$`)
		for _, line := range strings.Split(readelf(t, file, "--dyn-syms"), "\n") {
			if m := symRE.FindStringSubmatch(line); m != nil {
				if n, ok := byIndex[m[3]]; ok {
					k := n.file + " " + n.ver
					o.needs[k] = append(o.needs[k], m[1])
				}
			}
		}
		for k := range o.needs {
			sort.Strings(o.needs[k])
			o.needs[k] = compactStrings(o.needs[k])
		}
	}

	if o.machine == elf.EM_ARM || o.machine == elf.EM_MIPS {
		a := readelf(t, file, "-A")
		o.cpuArch = field(a, "Tag_CPU_arch")
		o.cpuName = strings.Trim(field(a, "Tag_CPU_name"), `"`)
		o.vfpArgs = field(a, "Tag_ABI_VFP_args")
		o.mipsFP = field(a, "FP ABI")
		o.mipsISA = field(a, "ISA")
	}
	return o
}

func compactStrings(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// highestGlibc picks the highest GLIBC_x.y[.z] with sort -V (coreutils),
// an implementation independent of CompareVersions.
func highestGlibc(t *testing.T, names []string) string {
	t.Helper()
	var in []string
	for _, n := range names {
		if regexp.MustCompile(`^GLIBC_[0-9]+(\.[0-9]+)+$`).MatchString(n) {
			in = append(in, n)
		}
	}
	if len(in) == 0 {
		return ""
	}
	cmd := exec.Command("sort", "-V")
	cmd.Stdin = strings.NewReader(strings.Join(in, "\n") + "\n")
	out, err := cmd.Output()
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return lines[len(lines)-1]
}

// Names readelf -A prints for Tag_CPU_arch, and Tag_ABI_VFP_args values.
var readelfARMArch = map[string]ARMArch{"v4T": 2, "v5TE": 4, "v6": 6, "v7": 10, "v8": 14}
var readelfVFPArgs = map[string]uint64{"AAPCS": 0, "VFP registers": 1, "custom": 2, "compatible": 3}
var readelfMIPSFP = map[string]MIPSFPABI{
	"Hard float (double precision)":       MIPSFPDouble,
	"Hard float (single precision)":       MIPSFPSingle,
	"Soft float":                          MIPSFPSoft,
	"Hard float (32-bit CPU, Any FPU)":    MIPSFPXX,
	"Hard float (32-bit CPU, 64-bit FPU)": MIPSFP64,
}

// debianSysroot is one Debian 12 cross sysroot and the facts
// platform-facts.md §5 records for it.
type debianSysroot struct {
	triple  string
	pkg     string
	machine elf.Machine
	class   elf.Class
	data    elf.Data
	osabi   elf.OSABI
	flags   uint32
	kernel  string
	interp  string
	// ARM
	floatABI FloatABI
	cpuArch  ARMArch
	vfpArgs  int // -1 absent
	// MIPS
	mipsFP MIPSFPABI
}

var debianSysroots = []debianSysroot{
	{triple: "aarch64-linux-gnu", pkg: "libc6-dev-arm64-cross", machine: elf.EM_AARCH64, class: elf.ELFCLASS64, data: elf.ELFDATA2LSB, osabi: elf.ELFOSABI_LINUX, kernel: "3.7.0", interp: "/lib/ld-linux-aarch64.so.1"},
	{triple: "arm-linux-gnueabihf", pkg: "libc6-dev-armhf-cross", machine: elf.EM_ARM, class: elf.ELFCLASS32, data: elf.ELFDATA2LSB, osabi: elf.ELFOSABI_LINUX, flags: 0x05000400, kernel: "3.2.0", interp: "/lib/ld-linux-armhf.so.3", floatABI: FloatABIHard, cpuArch: 10, vfpArgs: 1},
	{triple: "arm-linux-gnueabi", pkg: "libc6-dev-armel-cross", machine: elf.EM_ARM, class: elf.ELFCLASS32, data: elf.ELFDATA2LSB, osabi: elf.ELFOSABI_NONE, flags: 0x05000200, kernel: "3.2.0", interp: "/lib/ld-linux.so.3", floatABI: FloatABISoft, cpuArch: 4, vfpArgs: -1},
	{triple: "riscv64-linux-gnu", pkg: "libc6-dev-riscv64-cross", machine: elf.EM_RISCV, class: elf.ELFCLASS64, data: elf.ELFDATA2LSB, osabi: elf.ELFOSABI_LINUX, flags: 0x5, kernel: "4.15.0", interp: "/lib/ld-linux-riscv64-lp64d.so.1"},
	{triple: "powerpc64le-linux-gnu", pkg: "libc6-dev-ppc64el-cross", machine: elf.EM_PPC64, class: elf.ELFCLASS64, data: elf.ELFDATA2LSB, osabi: elf.ELFOSABI_LINUX, flags: 0x2, kernel: "3.10.0", interp: "/lib64/ld64.so.2"},
	{triple: "s390x-linux-gnu", pkg: "libc6-dev-s390x-cross", machine: elf.EM_S390, class: elf.ELFCLASS64, data: elf.ELFDATA2MSB, osabi: elf.ELFOSABI_LINUX, kernel: "3.2.0", interp: "/lib/ld64.so.1"},
	{triple: "mipsel-linux-gnu", pkg: "libc6-dev-mipsel-cross", machine: elf.EM_MIPS, class: elf.ELFCLASS32, data: elf.ELFDATA2LSB, osabi: elf.ELFOSABI_NONE, flags: 0x70001007, kernel: "3.2.0", interp: "/lib/ld.so.1", mipsFP: MIPSFPXX},
}

func TestReadSysrootDebianCross(t *testing.T) {
	for _, want := range debianSysroots {
		t.Run(want.triple, func(t *testing.T) {
			root := "/usr/" + want.triple
			needSysroot(t, root, want.pkg)
			needReadelf(t)
			s, err := ReadSysroot(root)
			require.NoError(t, err)
			assert.Empty(t, s.Problems)

			// Layout.
			assert.Equal(t, want.triple, s.Triple)
			assert.Contains(t, s.LibDirs, "lib")
			assert.Equal(t, "lib/crt1.o", s.Crt1)

			// Facts from platform-facts.md §5.
			assert.Equal(t, LibcGlibc, s.Libc.Value)
			assert.Equal(t, Source{File: "lib/libc.so.6", Section: ".gnu.version_d"}, s.Libc.Source)
			assert.Equal(t, "2.36", s.LibcVersion.Value)
			assert.Equal(t, want.machine, s.Machine.Value.Machine)
			assert.Equal(t, want.class, s.Machine.Value.Class)
			assert.Equal(t, want.data, s.Machine.Value.Data)
			assert.Equal(t, want.osabi, s.Machine.Value.OSABI)
			assert.Equal(t, want.flags, s.Machine.Value.Flags, "e_flags %#x", s.Machine.Value.Flags)
			assert.Equal(t, want.kernel, s.Kernel.Value.String())
			assert.Equal(t, ABITagLinux, s.Kernel.Value.OS)
			assert.Equal(t, want.interp, s.Interp.Value)
			assert.True(t, s.HasLoader(want.interp), "loader %s in %v", want.interp, s.Loaders)
			require.Len(t, s.KernelTags, 2)
			assert.Equal(t, Source{File: "lib/libc.so.6", Section: ".note.ABI-tag"}, s.KernelTags[0].Source)
			assert.Equal(t, Source{File: "lib/crt1.o", Section: ".note.ABI-tag"}, s.KernelTags[1].Source)
			for _, name := range []string{"libc", "libm", "libpthread", "ld.so"} {
				assert.NotNil(t, s.Library(name), name)
			}

			// The libc.so linker script resolves inside the sysroot.
			require.NotNil(t, s.LinkerScript)
			assert.Equal(t, "lib/libc.so", s.LinkerScript.Source.File)
			require.Len(t, s.LinkerScript.Inputs, 3)
			for _, in := range s.LinkerScript.Inputs {
				assert.NoError(t, in.Err)
				assert.NotEmpty(t, in.File, in.Path)
				assert.Equal(t, "sysroot prefix", in.Via)
			}
			assert.Equal(t, "lib/libc.so.6", s.LinkerScript.Inputs[0].File)
			assert.True(t, s.LinkerScript.Inputs[2].AsNeeded)

			// The oracle: readelf on the same files.
			o := readOracle(t, filepath.Join(root, "lib/libc.so.6"))
			assert.Equal(t, o.machine, s.Machine.Value.Machine)
			assert.Equal(t, o.class, s.Machine.Value.Class)
			assert.Equal(t, o.data, s.Machine.Value.Data)
			assert.Equal(t, o.osabi, s.Machine.Value.OSABI)
			assert.Equal(t, o.flags, s.Machine.Value.Flags)
			assert.Equal(t, o.interp, s.Interp.Value)
			assert.Equal(t, o.abiTag, s.KernelTags[0].Value.String())
			assert.Equal(t, "GLIBC_"+s.LibcVersion.Value, highestGlibc(t, o.defined))
			libc := s.Library("libc")
			assert.Equal(t, o.defined, libc.Versions)
			assert.Equal(t, o.soname, libc.Soname)
			crt := readOracle(t, filepath.Join(root, "lib/crt1.o"))
			assert.Equal(t, crt.abiTag, s.KernelTags[1].Value.String())

			for _, l := range s.Libraries {
				lo := readOracle(t, filepath.Join(root, l.Source.File))
				assert.Equal(t, highestGlibc(t, lo.defined), l.MaxVersion, l.Name)
				assert.Equal(t, lo.soname, l.Soname, l.Name)
			}

			switch want.machine {
			case elf.EM_ARM:
				assert.Equal(t, want.floatABI, s.ARMFloatABI.Value)
				assert.Equal(t, Source{File: "lib/libc.so.6", Section: "e_flags"}, s.ARMFloatABI.Source)
				assert.Equal(t, want.cpuArch, s.ARMCPUArch.Value)
				assert.Equal(t, readelfARMArch[o.cpuArch], s.ARMCPUArch.Value, "readelf says %q", o.cpuArch)
				assert.Equal(t, o.cpuName, s.ARMCPUName.Value)
				assert.Equal(t, ".ARM.attributes", s.ARMCPUArch.Source.Section)
				if want.vfpArgs < 0 {
					assert.False(t, s.ARMABIVFPArgs.Known())
					assert.Empty(t, o.vfpArgs)
				} else {
					assert.Equal(t, uint64(want.vfpArgs), s.ARMABIVFPArgs.Value)
					v, ok := readelfVFPArgs[o.vfpArgs]
					assert.True(t, ok, "readelf Tag_ABI_VFP_args %q", o.vfpArgs)
					assert.Equal(t, v, s.ARMABIVFPArgs.Value)
				}
			case elf.EM_MIPS:
				assert.Equal(t, want.mipsFP, s.MIPSFPABI.Value)
				assert.Equal(t, readelfMIPSFP[o.mipsFP], s.MIPSFPABI.Value, "readelf says %q", o.mipsFP)
				assert.Equal(t, Source{File: "lib/libc.so.6", Section: ".MIPS.abiflags"}, s.MIPSFPABI.Source)
				assert.Equal(t, "MIPS"+strings.ToUpper(s.MIPSISA.Value[:2])+s.MIPSISA.Value[2:], o.mipsISA)
				assert.False(t, s.MIPSNaN2008.Value)
			default:
				assert.False(t, s.ARMFloatABI.Known())
				assert.False(t, s.MIPSFPABI.Known())
			}
		})
	}
}

// TestReadELFNeedsMatchReadelf compares the needed versions, and the
// symbols that need each, with readelf -V and --dyn-syms.
func TestReadELFNeedsMatchReadelf(t *testing.T) {
	for _, ds := range debianSysroots {
		for _, lib := range []string{"libm.so.6", "libc.so.6"} {
			t.Run(ds.triple+"/"+lib, func(t *testing.T) {
				root := "/usr/" + ds.triple
				needSysroot(t, root, ds.pkg)
				file := filepath.Join(root, "lib", lib)
				o := readOracle(t, file)
				x, err := ReadELF(file)
				require.NoError(t, err)
				got := map[string][]string{}
				for _, l := range x.Needs {
					for _, v := range l.Versions {
						got[l.Library+" "+v.Name] = v.Symbols
					}
				}
				assert.Equal(t, o.needs, got)
				assert.Equal(t, o.needed, x.Needed)
				assert.Equal(t, o.soname, x.Soname)
			})
		}
	}
}

func TestReadSysrootMusl(t *testing.T) {
	root := "/usr/lib/x86_64-linux-musl"
	needSysroot(t, root, "musl-dev")
	s, err := ReadSysroot(root)
	require.NoError(t, err)
	assert.Empty(t, s.Problems)
	assert.Equal(t, LibcMusl, s.Libc.Value)
	assert.Equal(t, "libc.so", s.Libc.Source.File)
	assert.Equal(t, []string{"."}, s.LibDirs)
	assert.Equal(t, "x86_64-linux-musl", s.Triple)
	assert.Equal(t, "crt1.o", s.Crt1)
	assert.Nil(t, s.LinkerScript, "musl's libc.so is the library itself")

	// Oracle for the version: the Debian package version.
	out, err := exec.Command("dpkg-query", "-W", "-f", "${Version}", "musl").Output()
	if err == nil {
		upstream := strings.SplitN(string(out), "-", 2)[0]
		assert.Equal(t, upstream, s.LibcVersion.Value)
	}
	assert.Equal(t, Source{File: "libc.so", Section: ".rodata"}, s.LibcVersion.Source)

	o := readOracle(t, filepath.Join(root, "libc.so"))
	assert.Equal(t, o.machine, s.Machine.Value.Machine)
	assert.Equal(t, o.class, s.Machine.Value.Class)
	assert.Equal(t, o.osabi, s.Machine.Value.OSABI)
	assert.False(t, o.hasVersion)
	assert.Empty(t, o.abiTag)
	assert.False(t, s.Kernel.Known(), "musl has no ABI tag")
	assert.Empty(t, s.Library("libc").MaxVersion)
}

// TestReadSysrootHostMultiarch reads the host's own root file system, a
// usr-merged multiarch layout (/lib -> usr/lib) with glibc and musl both
// installed.
func TestReadSysrootHostMultiarch(t *testing.T) {
	const libc = "/lib/x86_64-linux-gnu/libc.so.6"
	if _, err := os.Stat(libc); err != nil {
		t.Skipf("host is not Debian amd64 multiarch: %v", err)
	}
	s, err := ReadSysroot("/")
	require.NoError(t, err)
	assert.Equal(t, "x86_64-linux-gnu", s.Triple)
	assert.Equal(t, LibcGlibc, s.Libc.Value)
	assert.Equal(t, "lib/x86_64-linux-gnu/libc.so.6", s.Libc.Source.File)
	o := readOracle(t, libc)
	assert.Equal(t, "GLIBC_"+s.LibcVersion.Value, highestGlibc(t, o.defined))
	assert.Equal(t, o.abiTag, s.Kernel.Value.String())
	assert.Equal(t, o.interp, s.Interp.Value)
	assert.True(t, s.HasLoader(o.interp))
	for _, p := range s.Problems {
		// Only the ambiguity note is expected (musl-dev adds x86_64-linux-musl).
		assert.Contains(t, p.Error(), "several multiarch triples")
	}
}

func ExampleReadSysroot() {
	s, err := ReadSysroot("/usr/aarch64-linux-gnu")
	if err != nil || !s.Libc.Known() {
		return // the sysroot is not installed
	}
	fmt.Println(s.Libc.Value, s.LibcVersion.Value, "from", s.LibcVersion.Source)
	fmt.Println("kernel >=", s.Kernel.Value, "from", s.Kernel.Source)
	fmt.Println(s.Machine.Value.Machine, s.Interp.Value)
}
