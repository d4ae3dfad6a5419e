package suppress

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/internal/memtest"
)

// TestScanSkipsHugeFiles: a module's 4 GiB sparse Go file is not read
// (Scan reads files whole); the directives of the others still are.
func TestScanSkipsHugeFiles(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "go.mod"), []byte("module m\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, "a.go"), []byte("package m\n\n//xcheck:ignore XC2001 a reason\nvar x = 1\n"), 0o644))
	memtest.SparseFile(t, filepath.Join(root, "huge.go"), memtest.GiB4, memtest.Chunk{Data: []byte("package m\n//xcheck:ignore XC2001 never read\n")})
	var ds []*Directive
	var err error
	u := memtest.Measure(func() { ds, _, err = Scan(root) })
	t.Logf("peak heap %.1f MiB, allocated %.1f MiB, %s", float64(u.Peak)/memtest.MiB, float64(u.Total)/memtest.MiB, u.Elapsed)
	require.NoError(t, err)
	require.Len(t, ds, 1)
	assert.Equal(t, "a.go", ds[0].Pos.File)
	assert.Less(t, u.Total, uint64(memtest.MiB))
}
