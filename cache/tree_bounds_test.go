package cache

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/internal/memtest"
)

// TestHashTreeHugeFile checks that a multi-GiB file in the module (a
// sparse one here) is neither read nor held: the tree digest records it by
// size and time, quickly and in bounded memory, and still changes when
// the file does.
func TestHashTreeHugeFile(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/m\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.go"), []byte("package m\n"), 0o644))
	big := memtest.SparseFile(t, filepath.Join(dir, "big.go"), memtest.GiB4)
	blob := memtest.SparseFile(t, filepath.Join(dir, "blob_amd64.syso"), MaxHashedSize+1)

	for _, headers := range []bool{false, true} {
		var (
			k1  Key
			st  TreeStats
			err error
		)
		u := memtest.Measure(func() { k1, st, err = hashTree(dir, headers) })
		require.NoError(t, err)
		t.Logf("headers=%v: %d files hashed, %d bytes; peak heap %.1f MiB in %s", headers, st.Hashed, st.Bytes, float64(u.Peak)/memtest.MiB, u.Elapsed)
		require.Less(t, u.Peak, uint64(16*memtest.MiB), "the huge files were read")
		require.Equal(t, 2, st.Hashed, "go.mod and a.go")

		require.NoError(t, os.Truncate(big, memtest.GiB4+1))
		k2, _, err := hashTree(dir, headers)
		require.NoError(t, err)
		require.NotEqual(t, k1, k2, "a huge file changed size, the digest did not change")
		require.NoError(t, os.Truncate(blob, MaxHashedSize+2))
		k3, _, err := hashTree(dir, headers)
		require.NoError(t, err)
		require.NotEqual(t, k2, k3)
	}

	// At the limit, the content counts.
	exact := filepath.Join(dir, "exact.go")
	require.NoError(t, os.WriteFile(exact, make([]byte, MaxHashedSize), 0o644))
	data, large, err := readHashed(exact)
	require.NoError(t, err)
	require.Empty(t, large)
	require.Len(t, data, MaxHashedSize)
}
