package cgoneeds

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// includes scans text for a platform and returns "name" for certain
// includes and "name?" for uncertain ones.
func includes(t *testing.T, p Platform, text string) []string {
	t.Helper()
	incs := scanAll(NewSource("/m/p/x.c", text), PredefinedMacros(p, "gcc"))
	var out []string
	for _, i := range incs {
		s := i.Name
		if !i.Certain {
			s += "?"
		}
		out = append(out, s)
	}
	return out
}

var (
	linuxArm64   = Platform{GOOS: "linux", GOARCH: "arm64", Cgo: true}
	windowsAmd64 = Platform{GOOS: "windows", GOARCH: "amd64", Cgo: true}
)

func TestConditionals(t *testing.T) {
	src := `
#ifdef _WIN32
#include <windows.h>
#else
#include <unistd.h>
#endif
#if defined(__linux__) && defined(__aarch64__)
#  include <asm/hwcap.h>
#elif defined(__APPLE__)
#include <sys/sysctl.h>
#endif
#if defined(__GLIBC__)
#include <gnu/libc-version.h>
#endif
#if __SIZEOF_POINTER__ == 8 && !defined(__x86_64__)
#include <p64.h>
#endif
#if 0
#include <never.h>
#elif 1
#include <elif.h>
#else
#include <else.h>
#endif
#if __has_include(<maybe.h>)
#include <maybe.h>
#else
#include <fallback.h>
#endif
`
	assert.Equal(t, []string{"unistd.h", "asm/hwcap.h", "gnu/libc-version.h?", "p64.h", "elif.h", "maybe.h?", "fallback.h?"}, includes(t, linuxArm64, src))
	assert.Equal(t, []string{"windows.h", "gnu/libc-version.h?", "elif.h", "maybe.h?", "fallback.h?"}, includes(t, windowsAmd64, src))
}

func TestDefinesAndOpaque(t *testing.T) {
	src := `
#ifndef MY_FLAG
#include <noflag.h>
#endif
#define USE_PCAP 1
#if USE_PCAP
#include <pcap.h>
#endif
#include <stdio.h>
#ifndef AFTER_SYSTEM_HEADER
#include <after.h>
#endif
#ifdef FROM_D
#include <fromd.h>
#endif
#undef USE_PCAP
#if USE_PCAP
#include <undef.h>
#endif
#define HDR <viamacro.h>
#include HDR
#include NOT_DEFINED
`
	m := PredefinedMacros(linuxArm64, "gcc")
	m.Define("FROM_D", "1")
	incs := scanAll(NewSource("/x.c", src), m)
	var got []string
	for _, i := range incs {
		s := i.Name
		if !i.Certain {
			s += "?"
		}
		got = append(got, s)
	}
	// Before any system header, MY_FLAG is certainly undefined; after
	// <pcap.h>, a macro could come from it.
	assert.Equal(t, []string{"noflag.h", "pcap.h", "stdio.h", "after.h?", "fromd.h", "viamacro.h"}, got)
}

func TestIncludeGuardAndFollow(t *testing.T) {
	local := NewSource("/m/p/local.h", "#ifndef LOCAL_H\n#define LOCAL_H\n#include <inner.h>\n#include \"local.h\"\n#endif\n")
	once := NewSource("/m/p/once.h", "#pragma once\n#include <once-inner.h>\n")
	s := &Scanner{Macros: PredefinedMacros(linuxArm64, "gcc")}
	s.Follow = func(inc Include) *Source {
		switch inc.Name {
		case "local.h":
			return local
		case "once.h":
			return once
		}
		return nil
	}
	s.Scan(NewSource("/m/p/x.c", "#include <stdio.h>\n#include \"local.h\"\n#include \"local.h\"\n#include \"once.h\"\n#include \"once.h\"\n"))
	var got []string
	for _, i := range s.Includes {
		got = append(got, i.Src.File+":"+i.Pos().String()+":"+i.Name+map[bool]string{true: "", false: "?"}[i.Certain])
	}
	assert.Equal(t, []string{
		"/m/p/x.c:1:10:stdio.h",
		"/m/p/x.c:2:10:local.h",
		"/m/p/local.h:3:10:inner.h", // the guard holds the first time, even after stdio.h
		"/m/p/local.h:4:10:local.h", // the loop is cut
		"/m/p/x.c:3:10:local.h",     // the second time the guard is defined
		"/m/p/x.c:4:10:once.h",
		"/m/p/once.h:2:10:once-inner.h",
		"/m/p/x.c:5:10:once.h",
	}, got)
}

func TestCommentsAndContinuations(t *testing.T) {
	src := "/* #include <in-comment.h>\n   still */ #include <after-comment.h>\n" +
		"// #include <line-comment.h>\n" +
		"#define S \"/* not a comment\"\n" +
		"#include <real.h> // trailing\n" +
		"#if defined(__linux__) && \\\n    defined(__aarch64__)\n#include <continued.h>\n#endif\n" +
		"#inc\\\nlude <spliced.h>\n" +
		"# /* c */ include /* c */ <spaced.h>\n"
	incs := scanAll(NewSource("/x.c", src), PredefinedMacros(linuxArm64, "gcc"))
	var got []string
	for _, i := range incs {
		got = append(got, i.Name+"@"+i.Pos().String())
	}
	// A comment is white space: the line of <after-comment.h> is a
	// directive.
	assert.Equal(t, []string{"after-comment.h@2:22", "real.h@5:10", "continued.h@8:10", "spliced.h@11:6", "spaced.h@12:27"}, got)
}

func TestExpressions(t *testing.T) {
	m := PredefinedMacros(Platform{GOOS: "linux", GOARCH: "arm", Variant: "6"}, "gcc")
	m.Define("TWO", "2")
	m.Define("EXPR", "TWO*3+1")
	m.Define("SELF", "SELF")
	m.Define("EMPTY", "")
	m.Define("F(x)", "")
	for expr, want := range map[string]tri{
		"__ARM_ARCH >= 6":                    yes,
		"__ARM_ARCH >= 7":                    no,
		"defined __ARM_PCS_VFP":              yes,
		"defined(__SOFTFP__)":                no,
		"EXPR == 7":                          yes,
		"(1 ? 2 : 3) == 2 && 0x10 == 16":     yes,
		"010 == 8 && 1 << 4 == 16":           yes,
		"10 / 0":                             maybe,
		"__GNUC__ >= 4":                      maybe,
		"defined(__GNUC__)":                  yes,
		"SELF":                               maybe,
		"EMPTY":                              maybe,
		"F(1)":                               maybe,
		"F(1) || 1":                          yes,
		"F(1) && 0":                          no,
		"UNKNOWN_USER_MACRO":                 no,
		"__UNKNOWN_RESERVED":                 maybe,
		"_WIN32 || __APPLE__":                no,
		"-1 < 0 && ~0 == -1 && !0 && 7%4==3": yes,
		"'a' == 97":                          yes,
		"1 +":                                maybe,
		"(1":                                 maybe,
		"1.5 > 1":                            maybe,
		"defined":                            maybe,
		"__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__": yes,
		"18446744073709551616":                      maybe,
	} {
		assert.Equal(t, want, m.eval(expr), "%s", expr)
	}
}

func TestDeepNestingBounded(t *testing.T) {
	var b strings.Builder
	for range MaxCondDepth + 50 {
		b.WriteString("#if 1\n")
	}
	b.WriteString("#include <deep.h>\n")
	for range MaxCondDepth + 50 {
		b.WriteString("#endif\n")
	}
	b.WriteString("#include <after.h>\n")
	got := includes(t, linuxArm64, b.String())
	assert.Equal(t, []string{"deep.h?", "after.h"}, got)

	expr := strings.Repeat("(", 5000) + "1" + strings.Repeat(")", 5000)
	assert.Equal(t, maybe, NewMacros().eval(expr))
}

func TestPredefinedMacros(t *testing.T) {
	for _, tc := range []struct {
		p       Platform
		defined []string
		absent  []string
	}{
		{linuxArm64, []string{"__linux__", "__aarch64__", "__LP64__", "__unix__"}, []string{"_WIN32", "__x86_64__", "__arm__", "__APPLE__"}},
		{windowsAmd64, []string{"_WIN32", "_WIN64", "__x86_64__", "__MINGW64__"}, []string{"__linux__", "__LP64__", "__unix__"}},
		{Platform{GOOS: "darwin", GOARCH: "arm64"}, []string{"__APPLE__", "__MACH__", "__aarch64__", "__arm64__"}, []string{"__linux__"}},
		{Platform{GOOS: "linux", GOARCH: "arm", Variant: "5"}, []string{"__arm__", "__SOFTFP__"}, []string{"__ARM_PCS_VFP", "__aarch64__"}},
		{Platform{GOOS: "linux", GOARCH: "mips64le"}, []string{"__mips__", "__mips64", "_MIPSEL"}, []string{"_MIPSEB"}},
		{Platform{GOOS: "android", GOARCH: "arm64"}, []string{"__ANDROID__", "__linux__"}, []string{"__gnu_linux__"}},
	} {
		m := PredefinedMacros(tc.p, "gcc")
		for _, d := range tc.defined {
			assert.Equal(t, yes, m.isDefined(d), "%s on %s/%s", d, tc.p.GOOS, tc.p.GOARCH)
		}
		for _, d := range tc.absent {
			assert.Equal(t, no, m.isDefined(d), "%s on %s/%s", d, tc.p.GOOS, tc.p.GOARCH)
		}
	}
	assert.Equal(t, yes, PredefinedMacros(linuxArm64, "/usr/bin/clang").isDefined("__clang__"))
	assert.Equal(t, no, PredefinedMacros(linuxArm64, "aarch64-linux-gnu-gcc").isDefined("__clang__"))
	assert.Equal(t, maybe, PredefinedMacros(linuxArm64, "cc").isDefined("__clang__"))
}

func TestSourcePos(t *testing.T) {
	s := NewSource("f", "ab\ncd\n\nef")
	require.Equal(t, Pos{1, 1}, s.Pos(0))
	assert.Equal(t, Pos{1, 3}, s.Pos(2))
	assert.Equal(t, Pos{2, 1}, s.Pos(3))
	assert.Equal(t, Pos{4, 2}, s.Pos(8))
	assert.Equal(t, Pos{}, s.Pos(-1))
	assert.Equal(t, Pos{}, s.Pos(100))
}

func TestExponentialExpansionBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("#define E\n")
	for i := 30; i > 0; i-- {
		next := fmt.Sprintf("A%d", i+1)
		if i == 30 {
			next = "E"
		}
		fmt.Fprintf(&b, "#define A%d %s %s %s %s\n", i, next, next, next, next)
	}
	b.WriteString("#if A1 1\n#include <x.h>\n#endif\n")
	assert.Equal(t, []string{"x.h?"}, includes(t, linuxArm64, b.String()))
}
