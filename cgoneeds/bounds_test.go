package cgoneeds

import (
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/internal/boundedfile"
	"github.com/xcheck-dev/xcheck/internal/memtest"
)

// TestBoundsSparseLibraries: 4 GiB sparse files named by #cgo LDFLAGS (a
// prebuilt library in the module, or one in a vendor sysroot) are
// classified quickly, with the heap growing by less than 64 MiB.
func TestBoundsSparseLibraries(t *testing.T) {
	le := binary.LittleEndian
	hostileELF := make([]byte, 64) // 65535 section headers of 16 KiB
	copy(hostileELF, elf.ELFMAG)
	hostileELF[4], hostileELF[5], hostileELF[6] = 2, 1, 1
	le.PutUint16(hostileELF[18:], uint16(elf.EM_AARCH64))
	le.PutUint64(hostileELF[40:], 64)
	le.PutUint16(hostileELF[58:], 0x4000)
	le.PutUint16(hostileELF[60:], 0xffff)
	member := func(size int64) []byte {
		return []byte(fmt.Sprintf("!<arch>\n%-16s%-12s%-6s%-6s%-8s%-10d`\n", "big.o/", "0", "0", "0", "644", size))
	}
	tests := []struct {
		name   string
		chunks []memtest.Chunk
		kind   objKind
		what   string
	}{
		{"zeros", nil, objOther, "not an ELF file"},
		{"ELF with 65535 section headers of 16 KiB", []memtest.Chunk{{Data: hostileELF}}, objOther, "a damaged ELF file"},
		{"ar member of 4 GiB with a hostile ELF header", []memtest.Chunk{{Data: member(memtest.GiB4 - 68)}, {Off: 68, Data: hostileELF}},
			objOther, `an archive with a damaged member "big.o"`},
		{"ar member claiming more than the file", []memtest.Chunk{{Data: member(9999999999)}}, objOther, "a damaged ar archive"},
		{"linker script of 4 GiB", []memtest.Chunk{{Data: []byte("/* GNU ld script */\nGROUP ( libc.so.6 )\n")}}, objOther, "not an ELF file"},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := memtest.SparseFile(t, filepath.Join(dir, "libfoo.a"), memtest.GiB4, tt.chunks...)
			f, err := os.Open(p)
			require.NoError(t, err)
			defer f.Close()
			var o *object
			u := memtest.Measure(func() { o = readObject(f, memtest.GiB4, p) })
			t.Logf("peak heap %.1f MiB, allocated %.1f MiB, %s", float64(u.Peak)/memtest.MiB, float64(u.Total)/memtest.MiB, u.Elapsed.Round(time.Millisecond))
			assert.Equal(t, tt.kind, o.kind)
			assert.Contains(t, o.what, tt.what)
			assert.Less(t, u.Peak, uint64(64*memtest.MiB), "peak heap growth")
			assert.Less(t, u.Elapsed, 10*time.Second)
		})
	}
}

// TestBoundsSourceNotRegularOrHuge: a C file or header in the module that
// is a named pipe (its open blocked, before: the test would hang) or over
// MaxSourceSize (a sparse file; it was scanned truncated, before) is
// refused before it is read.
func TestBoundsSourceNotRegularOrHuge(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "x.h")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))
	huge := filepath.Join(dir, "huge.c")
	f, err := os.Create(huge)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(MaxSourceSize+1))
	require.NoError(t, f.Close())
	small := filepath.Join(dir, "ok.h")
	require.NoError(t, os.WriteFile(small, []byte("#include <zlib.h>\n"), 0o644))

	c := &Cache{}
	for _, name := range []string{fifo, huge} {
		src, err := c.source(name)
		var be *boundedfile.Error
		require.ErrorAs(t, err, &be, name)
		assert.Nil(t, src)
	}
	src, err := c.source(small)
	require.NoError(t, err)
	assert.Equal(t, small, src.File)
}
