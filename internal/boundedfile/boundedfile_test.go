package boundedfile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	at := filepath.Join(dir, "at")
	require.NoError(t, os.WriteFile(at, make([]byte, 100), 0o644))
	data, fi, err := Read(at, 100, "a test file")
	require.NoError(t, err)
	assert.Len(t, data, 100)
	assert.EqualValues(t, 100, fi.Size())

	data, fi, err = Read(at, 99, "a test file")
	assert.Nil(t, data)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.NotNil(t, fi)
	assert.Equal(t, at+" is 100 B (100 bytes), over the 99 B limit for a test file: not read", err.Error())

	_, fi, err = Read(dir, 1<<20, "a test file")
	require.ErrorAs(t, err, &e)
	assert.Equal(t, dir+" is a directory, not a regular file: not read", err.Error())
	assert.True(t, fi.IsDir())

	_, fi, err = Read(filepath.Join(dir, "missing"), 1, "a test file")
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.Nil(t, fi)

	assert.Equal(t, "64 MiB", limit(64<<20))
	assert.Equal(t, "4.0 GiB", HumanSize(4<<30))
	assert.Equal(t, "64.0 MiB", HumanSize(64<<20+1))
	assert.Equal(t, "1.5 KiB", HumanSize(1536))
	assert.Equal(t, "100 B", HumanSize(100))
}
