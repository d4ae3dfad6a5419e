package cgoneeds

import (
	"strconv"
	"strings"
)

// PredefinedMacros returns the macros a GCC or Clang C compiler for the
// target predefines, as far as they decide which headers a preamble
// includes: the operating system (__linux__, _WIN32, __APPLE__, ...), the
// architecture (__aarch64__, __x86_64__, __arm__ with __ARM_ARCH and the
// float ABI, ...), the data model and byte order. Macros whose value
// varies between compilers and versions (__GNUC__, __STDC_VERSION__) are
// defined with an unknown value. compiler is the C compiler's name or
// path (CC), used only to tell Clang (__clang__) from GCC; "" leaves
// __clang__ unknown.
//
// The macros of other platforms (_WIN32 on Linux, __aarch64__ on amd64)
// are certainly undefined: no compiler for the target defines them and C
// libraries do not either.
func PredefinedMacros(p Platform, compiler string) *Macros {
	m := NewMacros()
	def := func(names ...string) {
		for _, n := range names {
			m.Define(n, "1")
		}
	}
	val := func(name string, v int) { m.Define(name, strconv.Itoa(v)) }
	def("__STDC__", "__STDC_HOSTED__")
	m.defineUnknown("__STDC_VERSION__")
	m.defineUnknown("__GNUC__")
	m.defineUnknown("__GNUC_MINOR__")
	base := compiler
	if i := strings.LastIndexAny(base, `/\`); i >= 0 {
		base = base[i+1:]
	}
	switch {
	case strings.Contains(base, "clang"), strings.Contains(base, "zig"): // zig cc is Clang
		def("__clang__")
		m.defineUnknown("__clang_major__")
	case strings.Contains(base, "gcc"):
		m.Undef("__clang__")
	default:
		m.defs["__clang__"] = macroDef{state: maybe}
	}

	// Operating system.
	unix := func() { def("__unix__", "__unix", "unix", "__ELF__") }
	switch p.GOOS {
	case "linux":
		def("__linux__", "__linux", "linux", "__gnu_linux__")
		unix()
	case "android":
		def("__linux__", "__linux", "linux", "__ANDROID__")
		m.defineUnknown("__ANDROID_API__")
		unix()
	case "darwin", "ios":
		def("__APPLE__", "__MACH__")
		m.defineUnknown("__ENVIRONMENT_MAC_OS_X_VERSION_MIN_REQUIRED__")
	case "windows":
		def("_WIN32", "__WIN32__", "__WIN32", "WIN32", "__MINGW32__")
		if p.GOARCH == "amd64" || p.GOARCH == "arm64" {
			def("_WIN64", "__WIN64__", "__WIN64", "WIN64", "__MINGW64__")
		}
	case "freebsd":
		m.defineUnknown("__FreeBSD__")
		unix()
	case "netbsd":
		def("__NetBSD__")
		unix()
	case "openbsd":
		def("__OpenBSD__")
		unix()
	case "dragonfly":
		def("__DragonFly__")
		unix()
	case "solaris", "illumos":
		def("__sun", "__sun__", "sun", "__SVR4", "__svr4__")
		unix()
	case "aix":
		def("_AIX", "__unix__", "__unix")
	case "wasip1":
		def("__wasi__")
	}

	// Architecture, data model and byte order.
	lp64 := p.GOOS != "windows"
	bits := 64
	big := false
	switch p.GOARCH {
	case "amd64":
		def("__x86_64__", "__x86_64", "__amd64__", "__amd64", "__SSE__", "__SSE2__")
	case "386":
		def("__i386__", "__i386", "i386")
		bits = 32
	case "arm64":
		def("__aarch64__", "__AARCH64EL__", "__ARM_64BIT_STATE", "__ARM_NEON")
		if p.GOOS == "darwin" || p.GOOS == "ios" {
			def("__arm64__", "__arm64")
		}
	case "arm":
		def("__arm__", "__ARMEL__", "__ARM_EABI__")
		bits = 32
		v, float, _ := strings.Cut(p.Variant, ",")
		n := 7
		if len(v) == 1 && v[0] >= '5' && v[0] <= '7' {
			n = int(v[0] - '0')
		}
		val("__ARM_ARCH", n)
		soft := n == 5 || float == "softfloat"
		if float == "hardfloat" {
			soft = false
		}
		if soft {
			def("__SOFTFP__")
			m.Undef("__ARM_PCS_VFP")
		} else {
			def("__ARM_PCS_VFP")
			m.Undef("__SOFTFP__")
		}
		// Debian's armhf compiler generates Thumb-2 code by default.
		m.defs["__thumb__"] = macroDef{state: maybe}
	case "riscv64":
		def("__riscv")
		val("__riscv_xlen", 64)
	case "ppc64", "ppc64le":
		def("__powerpc64__", "__powerpc__", "__PPC64__", "__PPC__", "_ARCH_PPC", "_ARCH_PPC64", "__ppc64__")
		big = p.GOARCH == "ppc64"
		if big {
			def("__BIG_ENDIAN__")
			val("_CALL_ELF", 1)
		} else {
			def("__LITTLE_ENDIAN__")
			val("_CALL_ELF", 2)
		}
	case "s390x":
		def("__s390x__", "__s390__", "__zarch__")
		big = true
	case "mips", "mipsle", "mips64", "mips64le":
		def("__mips__")
		big = p.GOARCH == "mips" || p.GOARCH == "mips64"
		if strings.HasPrefix(p.GOARCH, "mips64") {
			def("__mips64", "__mips64__")
			val("__mips", 64)
		} else {
			val("__mips", 32)
			bits = 32
		}
		if big {
			def("_MIPSEB", "__MIPSEB__", "__MIPSEB")
		} else {
			def("_MIPSEL", "__MIPSEL__", "__MIPSEL")
		}
		if strings.Contains(p.Variant, "softfloat") {
			def("__mips_soft_float")
			m.Undef("__mips_hard_float")
		} else {
			def("__mips_hard_float")
			m.Undef("__mips_soft_float")
		}
	case "loong64":
		def("__loongarch__", "__loongarch64")
		val("__loongarch_grlen", 64)
	case "wasm":
		def("__wasm__", "__wasm32__")
		bits = 32
	}
	val("__CHAR_BIT__", 8)
	val("__SIZEOF_INT__", 4)
	val("__ORDER_LITTLE_ENDIAN__", 1234)
	val("__ORDER_BIG_ENDIAN__", 4321)
	val("__ORDER_PDP_ENDIAN__", 3412)
	if big {
		val("__BYTE_ORDER__", 4321)
	} else {
		val("__BYTE_ORDER__", 1234)
	}
	if bits == 64 {
		val("__SIZEOF_POINTER__", 8)
		if lp64 {
			def("__LP64__", "_LP64")
			val("__SIZEOF_LONG__", 8)
		} else {
			val("__SIZEOF_LONG__", 4)
		}
	} else {
		val("__SIZEOF_POINTER__", 4)
		val("__SIZEOF_LONG__", 4)
	}
	return m
}

// platformMacros are the macros that identify a platform. A compiler
// defines those of its target and no other, and C libraries do not define
// them, so one that is not defined for the target is certainly undefined.
var platformMacros = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range strings.Fields(`
		__linux__ __linux linux __gnu_linux__ __ANDROID__ __APPLE__ __MACH__
		_WIN32 __WIN32__ __WIN32 WIN32 _WIN64 __WIN64__ __WIN64 WIN64 __MINGW32__ __MINGW64__ __CYGWIN__ __CYGWIN32__ _MSC_VER
		__FreeBSD__ __NetBSD__ __OpenBSD__ __DragonFly__ __sun __sun__ sun __SVR4 __svr4__ _AIX __HAIKU__ __Fuchsia__
		__unix__ __unix unix __ELF__ __wasi__ __EMSCRIPTEN__ __wasm__ __wasm32__ __wasm64__
		__x86_64__ __x86_64 __amd64__ __amd64 _M_X64 _M_AMD64 __i386__ __i386 i386 _M_IX86 _X86_
		__aarch64__ __AARCH64EL__ __AARCH64EB__ __arm64__ __arm64 _M_ARM64 __ARM_64BIT_STATE
		__arm__ __ARMEL__ __ARMEB__ __ARM_EABI__ _M_ARM __thumb__ __ARM_PCS_VFP __SOFTFP__
		__riscv __powerpc64__ __powerpc__ __PPC64__ __PPC__ _ARCH_PPC _ARCH_PPC64 __ppc64__ __ppc__
		__s390x__ __s390__ __zarch__ __mips__ __mips __mips64 __mips64__ _MIPSEB _MIPSEL __MIPSEB__ __MIPSEL__ __MIPSEB __MIPSEL
		__mips_hard_float __mips_soft_float __loongarch__ __loongarch64
		__LP64__ _LP64
		__clang__ __cplusplus __OBJC__`) {
		m[n] = true
	}
	return m
}()
