package abi

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// debianArm64LibcSo is /usr/aarch64-linux-gnu/lib/libc.so from Debian 12's
// libc6-dev-arm64-cross.
const debianArm64LibcSo = `/* GNU ld script
   Use the shared library, but some functions are only in
   the static library, so try that secondarily.  */
OUTPUT_FORMAT(elf64-littleaarch64)
GROUP ( /usr/aarch64-linux-gnu/lib/libc.so.6 /usr/aarch64-linux-gnu/lib/libc_nonshared.a  AS_NEEDED ( /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ) )
`

func TestParseLinkerScriptGlibc(t *testing.T) {
	s, err := ParseLinkerScript([]byte(debianArm64LibcSo))
	require.NoError(t, err)
	assert.Equal(t, []string{"elf64-littleaarch64"}, s.OutputFormat)
	require.Len(t, s.Inputs, 3)
	assert.Equal(t, ScriptInput{Path: "/usr/aarch64-linux-gnu/lib/libc.so.6", Command: "GROUP", Off: strings.Index(debianArm64LibcSo, "/usr/aarch64-linux-gnu/lib/libc.so.6")}, s.Inputs[0])
	assert.Equal(t, "/usr/aarch64-linux-gnu/lib/libc_nonshared.a", s.Inputs[1].Path)
	assert.False(t, s.Inputs[1].AsNeeded)
	assert.Equal(t, "/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1", s.Inputs[2].Path)
	assert.True(t, s.Inputs[2].AsNeeded)
}

func TestParseLinkerScriptForms(t *testing.T) {
	src := `/* comment */ SEARCH_DIR("=/usr/lib") OUTPUT_ARCH(aarch64)
OUTPUT_FORMAT("elf32-littlearm", "elf32-bigarm",
              "elf32-littlearm")
INPUT(libfoo.a, "bar baz.o" -lm)
GROUP(/lib/libc.so.6,AS_NEEDED(/lib/ld.so.1 AS_NEEDED(-lx)))
SECTIONS { .text : { *(.text) } }
ENTRY(_start);`
	s, err := ParseLinkerScript([]byte(src))
	require.NoError(t, err)
	assert.Equal(t, []string{"elf32-littlearm", "elf32-bigarm", "elf32-littlearm"}, s.OutputFormat)
	var got []string
	for _, in := range s.Inputs {
		got = append(got, in.Command+":"+in.Path+map[bool]string{true: ":as-needed", false: ""}[in.AsNeeded])
	}
	assert.Equal(t, []string{
		"INPUT:libfoo.a", "INPUT:bar baz.o", "INPUT:-lm",
		"GROUP:/lib/libc.so.6", "GROUP:/lib/ld.so.1:as-needed", "GROUP:-lx:as-needed",
	}, got)
	assert.True(t, s.Inputs[2].IsLib())
	assert.False(t, s.Inputs[0].IsLib())
}

func TestParseLinkerScriptErrors(t *testing.T) {
	tests := []struct {
		src string
		msg string
		off int
	}{
		{"/* open", "unterminated comment", 0},
		{`GROUP ( "a.so )`, "unterminated string", 8},
		{"GROUP ( a.so", "unterminated GROUP list", 12},
		{"GROUP a.so", "GROUP without '('", 0},
		{"GROUP ( a.so ; )", `unexpected ";" in GROUP list`, 13},
		{"foo ( bar", "unbalanced '('", 4},
		{")", "unbalanced ')'", 0},
		{"x }", "unbalanced '}'", 2},
		{"SECTIONS {", "unbalanced '{'", 9},
		{"INPUT(\"\")", "empty file name in INPUT", 6},
		{"OUTPUT_FORMAT(a", "unterminated OUTPUT_FORMAT", 15},
		{"abc\x00def", "NUL byte in linker script", 3},
		{"GROUP(" + strings.Repeat("AS_NEEDED(", 9) + "x" + strings.Repeat(")", 10), "nested deeper than 8", 86},
	}
	for _, tt := range tests {
		_, err := ParseLinkerScript([]byte(tt.src))
		require.Error(t, err, tt.src)
		assert.Contains(t, err.Error(), tt.msg, tt.src)
		var pe *ParseError
		require.True(t, errors.As(err, &pe))
		assert.Equal(t, tt.off, pe.Off, tt.src)
	}
}

func TestParseLinkerScriptLimits(t *testing.T) {
	_, err := ParseLinkerScript(make([]byte, MaxLinkerScriptSize+1))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "exceeds the 65536-byte limit")

	_, err = ParseLinkerScript([]byte(strings.Repeat("a ", maxScriptTokens+1)))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "more than 16384 tokens")
}

func TestLooksLikeLinkerScript(t *testing.T) {
	assert.True(t, LooksLikeLinkerScript([]byte(debianArm64LibcSo)))
	assert.False(t, LooksLikeLinkerScript([]byte("\x7fELF\x02\x01\x01")))
	assert.False(t, LooksLikeLinkerScript([]byte("!<arch>\nfoo")))
	assert.False(t, LooksLikeLinkerScript([]byte("ab\x00cd")))
	assert.False(t, LooksLikeLinkerScript(nil))
}
