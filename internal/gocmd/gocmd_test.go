package gocmd

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMergeEnv(t *testing.T) {
	got := MergeEnv([]string{"A=1", "B=2", "A=3", "C"}, "A=9", "D=4")
	assert.Equal(t, []string{"B=2", "C", "A=9", "D=4"}, got)
}

func TestEnvReal(t *testing.T) {
	g := &Go{}
	m, err := g.Env(context.Background(), []string{"GOOS=windows", "GOARCH=arm64"}, "GOOS", "GOARCH", "GOVERSION")
	require.NoError(t, err)
	assert.Equal(t, "windows", m["GOOS"])
	assert.Equal(t, "arm64", m["GOARCH"])
	assert.Regexp(t, `^go1\.`, m["GOVERSION"])
}

func fakeGo(t *testing.T, script string) *Go {
	t.Helper()
	p := filepath.Join(t.TempDir(), "go")
	require.NoError(t, os.WriteFile(p, []byte("#!/bin/sh\n"+script), 0o755))
	return &Go{Bin: p}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()

	_, err := (&Go{Bin: "/nonexistent/go"}).Run(ctx, nil, "env")
	assert.ErrorIs(t, err, ErrNotFound)
	assert.ErrorContains(t, err, "install Go")

	_, err = fakeGo(t, "echo '# pkg' >&2; echo 'go: something broke' >&2; printf '\\tdetail line\\n' >&2; exit 1").Run(ctx, nil, "list")
	var ge *Error
	require.True(t, errors.As(err, &ge))
	assert.Equal(t, "go: something broke", ge.Reason, "the first line that is not a # header")
	assert.Equal(t, "detail line", ge.Detail())
	assert.Equal(t, "go list: go: something broke", err.Error())

	_, err = fakeGo(t, "echo not json").Env(ctx, nil)
	assert.ErrorContains(t, err, "printed invalid JSON")

	slow := fakeGo(t, "sleep 20")
	slow.Timeout = 200 * time.Millisecond
	start := time.Now()
	_, err = slow.Run(ctx, nil, "env")
	assert.ErrorContains(t, err, "timed out after 200ms")
	assert.Less(t, time.Since(start), 10*time.Second, "a hanging go command is killed")

	t.Setenv("XCHECK_GO_TIMEOUT", "300ms")
	slow.Timeout = 0
	_, err = slow.Run(ctx, nil, "env")
	assert.ErrorContains(t, err, "timed out after 300ms")
}
