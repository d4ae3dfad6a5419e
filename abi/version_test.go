package abi

import (
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCompareVersions(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"GLIBC_2.10", "GLIBC_2.9", 1},
		{"GLIBC_2.9", "GLIBC_2.10", -1},
		{"GLIBC_2.36", "GLIBC_2.36", 0},
		{"GLIBC_2.2.5", "GLIBC_2.2", 1},
		{"GLIBC_2.2.5", "GLIBC_2.3", -1},
		{"GLIBC_2.17", "GLIBC_2.2.5", 1},
		{"GLIBCXX_3.4.30", "GLIBCXX_3.4.9", 1},
		{"GLIBC_PRIVATE", "GLIBC_PRIVATE", 0},
		{"GLIBC_2.36", "GLIBC_PRIVATE", -1}, // prefix "GLIBC_" < "GLIBC_PRIVATE"
		{"GLIBC_ABI_DT_RELR", "GLIBC_2.36", 1},
		{"GLIBC_2.99999999999", "GLIBC_2.3", 1}, // part overflows uint32: not numeric
		{"1.2", "1.10", -1},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, CompareVersions(tt.a, tt.b), "CompareVersions(%q, %q)", tt.a, tt.b)
		assert.Equal(t, -tt.want, CompareVersions(tt.b, tt.a), "CompareVersions(%q, %q)", tt.b, tt.a)
	}
}

func TestCompareVersionsSorts(t *testing.T) {
	v := []string{"GLIBC_2.10", "GLIBC_PRIVATE", "GLIBC_2.9", "GLIBC_2.2.5", "GLIBC_ABI_DT_RELR", "GLIBC_2.2", "GLIBC_2.36"}
	sort.Slice(v, func(i, j int) bool { return CompareVersions(v[i], v[j]) < 0 })
	assert.Equal(t, []string{"GLIBC_2.2", "GLIBC_2.2.5", "GLIBC_2.9", "GLIBC_2.10", "GLIBC_2.36", "GLIBC_ABI_DT_RELR", "GLIBC_PRIVATE"}, v)
}

func TestMaxVersion(t *testing.T) {
	names := []string{"libc.so.6", "GLIBC_2.9", "GLIBC_2.10", "GLIBC_PRIVATE", "GLIBC_ABI_DT_RELR", "GLIBC_2.2.5", "GCC_3.0"}
	got, ok := MaxVersion(names, "GLIBC_")
	assert.True(t, ok)
	assert.Equal(t, "GLIBC_2.10", got)

	got, ok = MaxVersion(names, "GCC_")
	assert.True(t, ok)
	assert.Equal(t, "GCC_3.0", got)

	_, ok = MaxVersion([]string{"GLIBC_PRIVATE", "GLIBC_ABI_DT_RELR"}, "GLIBC_")
	assert.False(t, ok, "non-numeric versions are excluded")
	_, ok = MaxVersion(nil, "GLIBC_")
	assert.False(t, ok)
}

func TestParseGlibcVersion(t *testing.T) {
	tests := []struct {
		in   string
		want GlibcVersion
		ok   bool
		str  string
	}{
		{"GLIBC_2.36", GlibcVersion{2, 36, 0}, true, "2.36"},
		{"2.36", GlibcVersion{2, 36, 0}, true, "2.36"},
		{"GLIBC_2.2.5", GlibcVersion{2, 2, 5}, true, "2.2.5"},
		{"GLIBC_PRIVATE", GlibcVersion{}, false, ""},
		{"GLIBC_ABI_DT_RELR", GlibcVersion{}, false, ""},
		{"GLIBC_2", GlibcVersion{}, false, ""},
		{"GLIBC_2.3.4.5", GlibcVersion{}, false, ""},
		{"GLIBC_2.-1", GlibcVersion{}, false, ""},
		{"GLIBC_2.+1", GlibcVersion{}, false, ""},
		{"GLIBC_2.99999", GlibcVersion{}, false, ""},
	}
	for _, tt := range tests {
		got, ok := ParseGlibcVersion(tt.in)
		assert.Equal(t, tt.ok, ok, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
		if ok {
			assert.Equal(t, tt.str, got.String())
		}
	}
	a, _ := ParseGlibcVersion("GLIBC_2.10")
	b, _ := ParseGlibcVersion("GLIBC_2.9")
	assert.Equal(t, 1, a.Compare(b))
	assert.Equal(t, -1, b.Compare(a))
	assert.Equal(t, 0, a.Compare(a))
}

func TestABITagCompare(t *testing.T) {
	a := ABITag{Major: 3, Minor: 10}
	b := ABITag{Major: 3, Minor: 7}
	c := ABITag{Major: 4, Minor: 15}
	assert.Equal(t, 1, a.Compare(b))
	assert.Equal(t, -1, a.Compare(c))
	assert.Equal(t, 0, a.Compare(a))
	assert.Equal(t, "3.10.0", a.String())
	assert.Equal(t, "Linux", ABITagLinux.String())
	assert.Equal(t, "ABITagOS(9)", ABITagOS(9).String())
}
