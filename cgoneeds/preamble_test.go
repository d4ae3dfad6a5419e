package cgoneeds

import (
	"go/parser"
	"go/token"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parseGo parses a Go file and returns its preamble.
func parseGo(t testing.TB, src string) *Source {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "/m/p/x.go", src, parser.ParseComments)
	require.NoError(t, err)
	return Preamble(fset, f)
}

// at returns the text of src (a Go file) at line:col.
func at(src string, p Pos) string {
	lines := strings.Split(src, "\n")
	if p.Line < 1 || p.Line > len(lines) || p.Col < 1 || p.Col > len(lines[p.Line-1])+1 {
		return "<out of range>"
	}
	return lines[p.Line-1][p.Col-1:]
}

func scanAll(src *Source, m *Macros) []Include {
	s := &Scanner{Macros: m}
	s.Scan(src)
	return s.Includes
}

func TestPreamblePositions(t *testing.T) {
	src := "package p\n\n" +
		"/*\n" +
		"#cgo linux LDFLAGS: -lpcap\n" +
		"  #include <pcap.h>\n" +
		"#include \"local.h\"\n" +
		"*/\n" +
		"import \"C\"\n"
	pre := parseGo(t, src)
	require.NotNil(t, pre)
	incs := scanAll(pre, PredefinedMacros(Platform{GOOS: "linux", GOARCH: "arm64"}, "gcc"))
	require.Len(t, incs, 2)
	assert.Equal(t, Pos{5, 12}, incs[0].Pos())
	assert.True(t, strings.HasPrefix(at(src, incs[0].Pos()), "<pcap.h>"))
	assert.Equal(t, "pcap.h", incs[0].Name)
	assert.True(t, incs[0].Angle)
	assert.True(t, incs[0].Certain)
	assert.Equal(t, Pos{6, 10}, incs[1].Pos())
	assert.False(t, incs[1].Angle)

	ds, errs := ParseDirectives(pre, "/m/p")
	require.Empty(t, errs)
	require.Len(t, ds, 1)
	assert.Equal(t, Pos{4, 1}, ds[0].Pos)
	assert.Equal(t, []string{"linux"}, ds[0].Cond)
	require.Len(t, ds[0].Args, 1)
	assert.Equal(t, "-lpcap", ds[0].Args[0].Value)
	assert.Equal(t, Pos{4, 21}, ds[0].Args[0].Pos)
}

func TestPreambleLineComments(t *testing.T) {
	src := "package p\n\n" +
		"// #cgo CFLAGS: -I${SRCDIR}/inc -DX=1\n" +
		"//   #include <zlib.h>\n" +
		"import \"C\"\n"
	pre := parseGo(t, src)
	incs := scanAll(pre, NewMacros())
	require.Len(t, incs, 1)
	assert.Equal(t, Pos{4, 15}, incs[0].Pos())
	assert.True(t, strings.HasPrefix(at(src, incs[0].Pos()), "<zlib.h>"))
	ds, errs := ParseDirectives(pre, "/m/p")
	require.Empty(t, errs)
	require.Len(t, ds, 1)
	assert.Equal(t, "-I/m/p/inc", ds[0].Args[0].Value)
	assert.Equal(t, Pos{3, 17}, ds[0].Args[0].Pos)
	assert.Equal(t, "-DX=1", ds[0].Args[1].Value)
}

func TestPreambleImportForms(t *testing.T) {
	// A parenthesised import: the spec's own doc comment.
	pre := parseGo(t, "package p\n\nimport (\n\t\"fmt\"\n\n\t// #include <a.h>\n\t\"C\"\n)\n\nvar _ = fmt.Sprint\n")
	incs := scanAll(pre, NewMacros())
	require.Len(t, incs, 1)
	assert.Equal(t, "a.h", incs[0].Name)
	assert.Equal(t, Pos{6, 14}, incs[0].Pos())

	// No comment: a preamble without text.
	pre = parseGo(t, "package p\n\nimport \"C\"\n")
	require.NotNil(t, pre)
	assert.Empty(t, pre.Text)

	// No import "C".
	assert.Nil(t, parseGo(t, "package p\n\nimport \"fmt\"\n\nvar _ = fmt.Sprint\n"))

	// The comment of a parenthesised group is not a preamble.
	pre = parseGo(t, "package p\n\n// #include <b.h>\nimport (\n\t\"C\"\n)\n")
	assert.Empty(t, scanAll(pre, NewMacros()))
}

func TestDirectiveMatch(t *testing.T) {
	linuxArm64 := Platform{GOOS: "linux", GOARCH: "arm64", Cgo: true}
	for _, tc := range []struct {
		cond []string
		p    Platform
		want bool
	}{
		{nil, linuxArm64, true},
		{[]string{"linux,arm64"}, linuxArm64, true},
		{[]string{"linux,amd64"}, linuxArm64, false},
		{[]string{"linux,amd64", "linux,arm64"}, linuxArm64, true},
		{[]string{"!windows"}, linuxArm64, true},
		{[]string{"!linux"}, linuxArm64, false},
		{[]string{"unix"}, linuxArm64, true},
		{[]string{"linux && (arm64 || riscv64)"}, linuxArm64, true},
		{[]string{"cgo"}, linuxArm64, true},
		{[]string{"!cgo"}, linuxArm64, false},
		{[]string{"linux"}, Platform{GOOS: "android", GOARCH: "arm64"}, true},
		{[]string{"darwin"}, Platform{GOOS: "ios", GOARCH: "arm64"}, true},
		{[]string{"arm.7"}, Platform{GOOS: "linux", GOARCH: "arm", Variant: "7"}, true},
		{[]string{"arm.7"}, Platform{GOOS: "linux", GOARCH: "arm", Variant: "6"}, false},
		{[]string{"amd64.v3"}, Platform{GOOS: "linux", GOARCH: "amd64", Variant: "v3"}, true},
		{[]string{"mytag"}, Platform{GOOS: "linux", GOARCH: "amd64", Tags: []string{"mytag"}}, true},
		{[]string{"go1.1"}, linuxArm64, true},
		{[]string{"linux,"}, linuxArm64, false}, // does not parse
	} {
		d := Directive{Cond: tc.cond}
		assert.Equal(t, tc.want, d.Match(tc.p), "%q on %+v", tc.cond, tc.p)
	}
}

func TestParseDirectivesErrors(t *testing.T) {
	src := NewSource("/m/p/x.go", strings.Join([]string{
		"#cgo LDFLAGS -lfoo",           // no colon
		"#cgo : -lfoo",                 // no verb
		"#cgo BOGUS: -lfoo",            // unknown verb
		"#cgo CFLAGS: -I'unterminated", // quote
		"#cgo CFLAGS: -I${SRCDIR}/a;b", // unsafe
		"#cgo noescape f",
		"#cgo nocallback f",
		"#cgoLDFLAGS: -lx",
		"#cgo pkg-config: --static gtk+-3.0 'a b'",
	}, "\n"))
	ds, errs := ParseDirectives(src, "/m/p")
	assert.Len(t, errs, 5)
	require.Len(t, ds, 1)
	assert.Equal(t, "pkg-config", ds[0].Verb)
	assert.Equal(t, []string{"--static", "gtk+-3.0", "a b"}, []string{ds[0].Args[0].Value, ds[0].Args[1].Value, ds[0].Args[2].Value})
	assert.Equal(t, Pos{9, 36}, ds[0].Args[2].Pos)
}

func TestSplitQuoted(t *testing.T) {
	words, starts, err := splitQuoted(` -a "b c"  d\ e 'f'`)
	require.NoError(t, err)
	assert.Equal(t, []string{"-a", "b c", "d e", "f"}, words)
	assert.Equal(t, []int{1, 4, 11, 16}, starts)
	_, _, err = splitQuoted(`x\`)
	assert.Error(t, err)
}

func TestExpandSrcDir(t *testing.T) {
	v, ok := expandSrcDir("-L${SRCDIR}/lib", "/m/p")
	assert.True(t, ok)
	assert.Equal(t, "-L/m/p/lib", v)
	_, ok = expandSrcDir("${SRCDIR}", "/m/p q;")
	assert.False(t, ok)
	_, ok = expandSrcDir("-lfoo;rm", "/m/p")
	assert.False(t, ok)
}
