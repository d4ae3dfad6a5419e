package loader

import (
	"context"
	"fmt"
	"go/ast"
	"go/scanner"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/internal/boundedfile"
	"github.com/xcheck-dev/xcheck/internal/gocmd"
	"github.com/xcheck-dev/xcheck/internal/memtest"
	"github.com/xcheck-dev/xcheck/matrix"
)

// An internal test: loadertest imports this package. These are its few
// lines the tests need.

func sizeTestEnv() []string {
	return gocmd.MergeEnv(os.Environ(),
		"GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local",
		"GONOSUMDB=*", "GOSUMDB=off")
}

func sizeTestBuild(t *testing.T, spec string) *matrix.Build {
	t.Helper()
	tg, err := matrix.Parse(spec)
	require.NoError(t, err)
	return &matrix.Build{
		Target:     tg,
		Port:       &matrix.Port{GOOS: tg.GOOS, GOARCH: tg.GOARCH, CgoSupported: true},
		Native:     tg.Pair() == "linux/amd64",
		CgoReason:  "CGO_ENABLED=0 in the environment",
		Variant:    map[string]string{"arm": "7"}[tg.GOARCH],
		CgoEnabled: false,
	}
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(data), 0o644))
	}
}

// TestLoadHugeGoFile is a regression test for the loader reading every Go
// file of a target's packages whole: a module with a 4 GiB sparse Go file
// (a few kilobytes of disk; its header is valid, so go list, which reads
// only headers, lists it) made the loader allocate 4 GiB and parse it.
// The file is now refused before it is read, as an error of its package
// at the file, and the rest of the module is still checked.
func TestLoadHugeGoFile(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"go.mod":  "module example.com/m\n\ngo 1.22\n",
		"main.go": "package main\n\nimport \"example.com/m/p\"\n\nfunc main() { println(p.F()) }\n",
		"p/p.go":  "package p\n\nfunc F() int { return 1 }\n",
		// A type error in another package: still reported.
		"q/q.go": "package q\n\nvar V int = \"not an int\"\n",
	})
	big := memtest.SparseFile(t, filepath.Join(dir, "p", "big.go"), memtest.GiB4,
		memtest.Chunk{Data: []byte("package p\n\nvar X = 1\n")})

	cfg := Config{Dir: dir, BaseEnv: sizeTestEnv()}
	builds := []*matrix.Build{sizeTestBuild(t, "linux/amd64"), sizeTestBuild(t, "linux/arm64")}
	var (
		fs    []finding.Finding
		stats *Stats
		err   error
	)
	u := memtest.Measure(func() { fs, stats, err = Load(context.Background(), cfg, builds, nil) })
	t.Logf("4 GiB big.go: peak heap %.1f MiB, allocated %.1f MiB, %s",
		float64(u.Peak)/memtest.MiB, float64(u.Total)/memtest.MiB, u.Elapsed)
	require.NoError(t, err)
	for _, ts := range stats.Targets {
		require.NoError(t, ts.Err, ts.Target)
	}
	// Loading this module reads and keeps a few kilobytes of source; the
	// 64 MiB bound is the one of the other resource tests (abi, inspect).
	assert.Less(t, u.Peak, uint64(64*memtest.MiB), "peak heap")

	var dump strings.Builder
	var huge, typeErr []finding.Finding
	for _, f := range fs {
		fmt.Fprintf(&dump, "%s: %s %v %s\n", f.Pos, f.Rule.ID, f.Targets, f.Message)
		switch {
		case strings.Contains(f.Message, "big.go"):
			huge = append(huge, f)
		case f.Pos.File == "q/q.go":
			typeErr = append(typeErr, f)
		}
	}
	require.NotEmpty(t, huge, dump.String())
	for _, f := range huge {
		assert.Equal(t, finding.Error, f.Severity, dump.String())
		assert.Equal(t, "p/big.go", f.Pos.File, dump.String())
		assert.Equal(t, "p/big.go is 4.0 GiB (4294967296 bytes), over the 64 MiB limit for a Go source file: not read", f.Message)
	}
	var targets []string
	for _, f := range huge {
		targets = append(targets, f.Targets...)
	}
	assert.ElementsMatch(t, []string{"linux/amd64", "linux/arm64"}, targets, dump.String())
	require.NotEmpty(t, typeErr, "the rest of the module is not checked:\n%s", dump.String())
	assert.Contains(t, typeErr[0].Message, "cannot use \"not an int\"")

	// The control: the same file under the limit is read and checked.
	require.NoError(t, os.Truncate(big, 0))
	writeFiles(t, dir, map[string]string{"p/big.go": "package p\n\nvar X int = \"also not an int\"\n"})
	fs, _, err = Load(context.Background(), cfg, builds[:1], nil)
	require.NoError(t, err)
	var found bool
	for _, f := range fs {
		assert.NotContains(t, f.Message, "limit")
		found = found || (f.Pos.File == "p/big.go" && strings.Contains(f.Message, "also not an int"))
	}
	assert.True(t, found, "big.go under the limit was not type-checked")
}

// TestReadSourceLimits: what readSource refuses, and the sizes around
// the limit. Files that are not regular never reach it through go list,
// which opens every Go file (and blocks for ever on a named pipe), but a
// file can be replaced between go list and the loader, and the package
// lists of an earlier run can be reused without go list.
func TestReadSourceLimits(t *testing.T) {
	dir := t.TempDir()

	// At the limit: read whole. One byte more: refused, unread.
	at := memtest.SparseFile(t, filepath.Join(dir, "at.go"), MaxSourceSize, memtest.Chunk{Data: []byte("package p\n")})
	src, err := readSource(at)
	require.NoError(t, err)
	assert.Len(t, src, MaxSourceSize)
	over := memtest.SparseFile(t, filepath.Join(dir, "over.go"), MaxSourceSize+1, memtest.Chunk{Data: []byte("package p\n")})
	src = nil
	u := memtest.Measure(func() { src, err = readSource(over) })
	assert.Nil(t, src)
	var se *boundedfile.Error
	require.ErrorAs(t, err, &se)
	assert.Equal(t, over+" is 64.0 MiB (67108865 bytes), over the 64 MiB limit for a Go source file: not read", err.Error())
	assert.Less(t, u.Total, uint64(memtest.MiB), "a file over the limit was read")

	// A directory, a device and a named pipe named like Go files, and
	// links to them.
	require.NoError(t, os.Mkdir(filepath.Join(dir, "dir.go"), 0o755))
	require.NoError(t, os.Symlink(os.DevNull, filepath.Join(dir, "null.go")))
	cases := map[string]string{
		"dir.go":  "a directory",
		"null.go": "a character device",
	}
	if mkfifo, err := exec.LookPath("mkfifo"); err == nil {
		out, err := exec.Command(mkfifo, filepath.Join(dir, "fifo.go")).CombinedOutput()
		require.NoError(t, err, "%s", out)
		require.NoError(t, os.Symlink("fifo.go", filepath.Join(dir, "fifolink.go")))
		cases["fifo.go"] = "a named pipe (FIFO)"
		cases["fifolink.go"] = "a named pipe (FIFO)"
	} else {
		t.Log("no mkfifo: named pipes not tested")
	}
	for name, kind := range cases {
		// A named pipe without a writer blocks an open for reading: this
		// returns only if readSource does not open it.
		src, err := readSource(filepath.Join(dir, name))
		assert.Nil(t, src, name)
		require.ErrorAs(t, err, &se, name)
		assert.Equal(t, filepath.Join(dir, name)+" is "+kind+", not a regular file: not read", err.Error())
	}

	// The memo of a load gives every caller the same answer.
	fm := newFileMemo()
	for range 2 {
		_, _, err := fm.read(over)
		require.ErrorAs(t, err, &se)
	}
}

// TestParseHostileSourceBounded is a regression test for files under the
// size limit that go/parser turned into hundreds of times their size:
// its scanner reports, and the parser keeps, one error per NUL byte,
// byte of invalid UTF-8 or stray character, however many. A sparse file
// of zeros after a valid header (what TestLoadHugeGoFile's file is,
// under the limit) took 240 times its size. Such files are now scanned
// first and not parsed past maxLexErrors errors; a file with a few such
// errors is still parsed, and reported at each.
func TestParseHostileSourceBounded(t *testing.T) {
	dir := t.TempDir()
	header := []byte("package p\n\nvar X = 1\n")
	fill := func(name string, size int, b ...byte) string {
		src := make([]byte, size)
		copy(src, header)
		for i := len(header); i < size; i++ {
			src[i] = b[(i-len(header))%len(b)]
		}
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, src, 0o644))
		return p
	}
	cases := []struct {
		name, path string
		first      string // the first error
	}{
		{"sparse zeros at the limit", memtest.SparseFile(t, filepath.Join(dir, "zeros.go"), MaxSourceSize, memtest.Chunk{Data: header}),
			"zeros.go:4:1: illegal character NUL"},
		{"stray characters", fill("at.go", 16<<20, '@'), "at.go:4:1: illegal character U+0040 '@'"},
		{"invalid UTF-8", fill("utf8.go", 16<<20, 0xff), "utf8.go:4:1: illegal UTF-8 encoding"},
		{"bad escapes in a string", fill("esc.go", 16<<20, []byte("var s = \""+strings.Repeat(`\q`, 1<<10)+"\"\n")...), "esc.go:4:11: unknown escape sequence"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, fm := NewCache(), newFileMemo()
			var (
				f   *ast.File
				err error
			)
			u := memtest.Measure(func() { f, err = c.parse(fm, tc.path, false) })
			t.Logf("%s: peak heap %.1f MiB, allocated %.1f MiB, %s",
				tc.name, float64(u.Peak)/memtest.MiB, float64(u.Total)/memtest.MiB, u.Elapsed)
			assert.True(t, f == nil, "parsed")
			var el scanner.ErrorList
			require.ErrorAs(t, err, &el)
			assert.Len(t, el, lexErrorsShown+1)
			assert.Equal(t, tc.path[len(dir)+1:]+tc.first[strings.Index(tc.first, ":"):], filepath.Base(el[0].Error()))
			assert.Contains(t, el[len(el)-1].Msg, "too many errors: more than 100 invalid characters or literals, the file is not parsed")
			// The file's bytes (kept by the memo), and little else.
			st, _ := os.Stat(tc.path)
			assert.Less(t, u.Peak, uint64(st.Size())+16*memtest.MiB, "peak heap")
		})
	}

	// A typo is parsed as before: the syntax, and the errors.
	typo := filepath.Join(dir, "typo.go")
	require.NoError(t, os.WriteFile(typo, append([]byte("package p\n\nvar Y = 2 @\n\x00\n"), header[10:]...), 0o644))
	f, err := NewCache().parse(newFileMemo(), typo, false)
	require.NotNil(t, f)
	var el scanner.ErrorList
	require.ErrorAs(t, err, &el)
	assert.Equal(t, "typo.go:3:11: illegal character U+0040 '@'", filepath.Base(el[0].Error()))
}
