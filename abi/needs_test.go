package abi

import (
	"errors"
	"io/fs"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func needsFacts() *ELFFacts {
	return &ELFFacts{Needs: []NeededLibrary{
		{Library: "libc.so.6", Versions: []NeededVersion{
			{Name: "GLIBC_2.17", Symbols: []string{"abort"}},
			{Name: "GLIBC_2.34", Symbols: []string{"__libc_start_main", "pthread_create"}},
			{Name: "GLIBC_PRIVATE", Symbols: []string{"_dl_x"}},
			{Name: "GLIBC_2.9", Symbols: []string{"pipe2"}},
			{Name: "GLIBC_2.10", Symbols: []string{"accept4"}},
			{Name: "GLIBC_ABI_DT_RELR"},
			{Name: "GLIBC_2.32", Symbols: []string{"pthread_sigmask"}},
		}},
		{Library: "libstdc++.so.6", Versions: []NeededVersion{
			{Name: "GLIBCXX_3.4.30", Symbols: []string{"_ZSt28__throw_bad_array_new_lengthv"}},
			{Name: "CXXABI_1.3", Symbols: []string{"__cxa_begin_catch"}},
		}},
		{Library: "libm.so.6", Versions: []NeededVersion{
			{Name: "GLIBC_2.34", Symbols: []string{"fmaxf"}},
		}},
	}}
}

func names(ns []VersionNeed) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Library+" "+n.Name)
	}
	return out
}

func TestNeededVersionsAbove(t *testing.T) {
	x := needsFacts()
	for _, tc := range []struct {
		prefix, floor string
		want          []string
	}{
		{"GLIBC_", "2.28", []string{"libc.so.6 GLIBC_2.34", "libm.so.6 GLIBC_2.34", "libc.so.6 GLIBC_2.32"}},
		{"GLIBC_", "GLIBC_2.28", []string{"libc.so.6 GLIBC_2.34", "libm.so.6 GLIBC_2.34", "libc.so.6 GLIBC_2.32"}},
		// Part by part: 2.10 is above 2.9, and 2.9 above 2.8.
		{"GLIBC_", "2.8", []string{"libc.so.6 GLIBC_2.34", "libm.so.6 GLIBC_2.34", "libc.so.6 GLIBC_2.32", "libc.so.6 GLIBC_2.17", "libc.so.6 GLIBC_2.10", "libc.so.6 GLIBC_2.9"}},
		{"GLIBC_", "2.9", []string{"libc.so.6 GLIBC_2.34", "libm.so.6 GLIBC_2.34", "libc.so.6 GLIBC_2.32", "libc.so.6 GLIBC_2.17", "libc.so.6 GLIBC_2.10"}},
		{"GLIBC_", "2.34", nil},
		{"GLIBC_", "2.36", nil},
		{"GLIBCXX_", "3.4.24", []string{"libstdc++.so.6 GLIBCXX_3.4.30"}},
		{"GLIBCXX_", "3.4.30", nil},
		{"CXXABI_", "1.3.7", nil},
		// No floor to compare with.
		{"GLIBC_", "PRIVATE", nil},
		{"GLIBC_", "", nil},
		{"", "2.28", nil},
	} {
		got := names(x.NeededVersionsAbove(tc.prefix, tc.floor))
		assert.Equal(t, tc.want, got, "%s above %s", tc.prefix, tc.floor)
	}
	above := x.NeededVersionsAbove("GLIBC_", "2.28")
	assert.Equal(t, []string{"__libc_start_main", "pthread_create"}, above[0].Symbols)
}

func TestNeededVersions(t *testing.T) {
	x := needsFacts()
	assert.Len(t, x.NeededVersions(""), 10)
	assert.Equal(t, []string{"libstdc++.so.6 GLIBCXX_3.4.30"}, names(x.NeededVersions("GLIBCXX_")))
	assert.True(t, IsNumericVersion("GLIBC_2.2.5"))
	assert.False(t, IsNumericVersion("GLIBC_PRIVATE"))
	assert.False(t, IsNumericVersion("GLIBC_ABI_DT_RELR"))
	assert.Equal(t, "GLIBCXX_", VersionPrefix("GLIBCXX_3.4.30"))
	assert.Equal(t, "GLIBC_PRIVATE", VersionPrefix("GLIBC_PRIVATE"))
}

// TestNeededVersionsAboveMatchReadelf checks the symbols named for each
// version above a floor against readelf, on the real libraries of the
// Debian cross sysroots.
func TestNeededVersionsAboveMatchReadelf(t *testing.T) {
	needReadelf(t)
	for _, file := range []string{
		"/usr/aarch64-linux-gnu/lib/libstdc++.so.6",
		"/usr/arm-linux-gnueabihf/lib/libm.so.6",
		"/usr/riscv64-linux-gnu/lib/libc.so.6",
	} {
		t.Run(filepath.Base(filepath.Dir(filepath.Dir(file))), func(t *testing.T) {
			root := filepath.Dir(filepath.Dir(file))
			needSysroot(t, root, "libc6-dev-*-cross")
			o := readOracle(t, file)
			x, err := ReadELF(file)
			require.NoError(t, err)
			for _, n := range x.NeededVersionsAbove("GLIBC_", "2.17") {
				assert.Equal(t, o.needs[n.Library+" "+n.Name], n.Symbols, n.Name)
				assert.Positive(t, CompareVersions(n.Name, "GLIBC_2.17"))
			}
			// Every numeric GLIBC_ need readelf lists above 2.17 is
			// returned.
			var want []string
			for k := range o.needs {
				lib, ver, _ := cutLast(k)
				if IsNumericVersion(ver) && VersionPrefix(ver) == "GLIBC_" && CompareVersions(ver, "GLIBC_2.17") > 0 {
					want = append(want, lib+" "+ver)
				}
			}
			got := names(x.NeededVersionsAbove("GLIBC_", "2.17"))
			slices.Sort(want)
			slices.Sort(got)
			assert.Equal(t, want, got)
		})
	}
}

func cutLast(k string) (string, string, bool) {
	for i := len(k) - 1; i >= 0; i-- {
		if k[i] == ' ' {
			return k[:i], k[i+1:], true
		}
	}
	return k, "", false
}

func TestLookupLibrary(t *testing.T) {
	root := "/usr/aarch64-linux-gnu"
	needSysroot(t, root, "libc6-dev-arm64-cross")
	s, err := ReadSysroot(root)
	require.NoError(t, err)

	l, err := s.LookupLibrary("libc.so.6")
	require.NoError(t, err)
	assert.Equal(t, "lib/libc.so.6", l.File)
	assert.True(t, l.HasVersion("GLIBC_2.34"))
	assert.False(t, l.HasVersion("GLIBC_2.99"))
	assert.Empty(t, l.Facts.Needs, "only the definitions are read")

	// A symbolic link (libstdc++.so.6 -> libstdc++.so.6.0.30).
	l, err = s.LookupLibrary("libstdc++.so.6")
	require.NoError(t, err)
	assert.True(t, l.HasVersion("GLIBCXX_3.4.30"))

	_, err = s.LookupLibrary("libdoesnotexist.so.1")
	require.Error(t, err)
	assert.True(t, errors.Is(err, fs.ErrNotExist), "%v", err)

	_, err = s.LookupLibrary("/lib/ld-linux-aarch64.so.1")
	require.NoError(t, err)

	f, ok := s.HasFile("/lib/ld-linux-aarch64.so.1")
	assert.True(t, ok)
	assert.Equal(t, "lib/ld-linux-aarch64.so.1", f)
	_, ok = s.HasFile("/lib/ld-linux-armhf.so.3")
	assert.False(t, ok)
	_, ok = s.HasFile("/../../../etc/passwd")
	assert.False(t, ok, "never outside the sysroot")
}

func TestLookupLibraryBroken(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "lib/libc.so.6", synthAArch64Glibc())
	writeFile(t, root, "lib/libtext.so.1", []byte("not ELF\n"))
	symlink(t, root, "lib/libdangling.so.1", "libgone.so.1")
	symlink(t, root, "lib/libloop.so.1", "libloop.so.1")
	s, err := ReadSysroot(root)
	require.NoError(t, err)
	_, err = s.LookupLibrary("libc.so.6")
	require.NoError(t, err)
	_, err = s.LookupLibrary("libtext.so.1")
	require.ErrorIs(t, err, ErrNotELF)
	_, err = s.LookupLibrary("libdangling.so.1")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "libdangling.so.1")
	_, err = s.LookupLibrary("libloop.so.1")
	require.ErrorIs(t, err, ErrSymlinkLoop)
	_, err = s.LookupLibrary("")
	require.Error(t, err)
}
