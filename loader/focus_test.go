package loader_test

import (
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/loader"
	"github.com/xcheck-dev/xcheck/loader/loadertest"
	"github.com/xcheck-dev/xcheck/matrix"
)

// focusModule: leaf is imported by mid, mid by the main package; other
// stands alone, gone is imported by user but its directory was deleted.
const focusModule = `
-- go.mod --
module example.com/f

go 1.22
-- main.go --
package main

import "example.com/f/mid"

func main() { mid.M() }
-- mid/mid.go --
package mid

import "example.com/f/leaf"

func M() { leaf.L() }
-- leaf/leaf.go --
package leaf

func L() {}
-- other/other.go --
package other

func O() {}
-- user/user.go --
package user

import _ "example.com/f/gone"
`

func TestFocus(t *testing.T) {
	t.Parallel()
	dir := loadertest.WriteModule(t, focusModule)
	bs := []*matrix.Build{loadertest.Build(t, "linux/amd64", false), loadertest.Build(t, "windows/amd64", false)}
	for _, tt := range []struct {
		focus []string
		want  []string
	}{
		{[]string{"example.com/f/leaf"}, []string{"example.com/f", "example.com/f/leaf", "example.com/f/mid"}},
		{[]string{"example.com/f/mid"}, []string{"example.com/f", "example.com/f/mid"}},
		{[]string{"example.com/f/other"}, []string{"example.com/f/other"}},
		{[]string{"example.com/f/gone"}, []string{"example.com/f/user"}},
		{[]string{"example.com/f/nothing"}, nil},
	} {
		_, stats, err := load(t, loader.Config{Dir: dir, Focus: tt.focus}, bs, "./...")
		require.NoError(t, err, tt.focus)
		require.Len(t, stats.Targets, 2)
		for _, ts := range stats.Targets {
			got := slices.Sorted(slices.Values(ts.Focused))
			assert.Equal(t, tt.want, got, "%v for %s", tt.focus, ts.Target)
		}
	}
}

func TestProgress(t *testing.T) {
	t.Parallel()
	dir := loadertest.WriteModule(t, focusModule)
	require.NoError(t, os.RemoveAll(filepath.Join(dir, "user")))
	bs := []*matrix.Build{loadertest.Build(t, "linux/amd64", false), loadertest.Build(t, "linux/arm64", false)}
	var (
		mu     sync.Mutex
		events = map[string][]loader.Progress{}
	)
	_, _, err := load(t, loader.Config{Dir: dir, Progress: func(p loader.Progress) {
		mu.Lock()
		events[p.Target] = append(events[p.Target], p)
		mu.Unlock()
	}}, bs)
	require.NoError(t, err)
	require.Len(t, events, 2)
	for target, evs := range events {
		require.GreaterOrEqual(t, len(evs), 4, target)
		assert.Equal(t, loader.PhaseListing, evs[0].Phase, target)
		assert.Equal(t, loader.PhaseChecking, evs[1].Phase, target)
		total := evs[1].Total
		assert.Positive(t, total, target)
		assert.Equal(t, 0, evs[1].Checked)
		last := evs[len(evs)-1]
		assert.Equal(t, loader.PhaseDone, last.Phase, target)
		an := evs[len(evs)-2]
		assert.Equal(t, loader.PhaseAnalyzing, an.Phase, target)
		assert.Equal(t, total, an.Checked, target)
		// Checked counts up to Total, one package at a time.
		n := 0
		for _, e := range evs[2 : len(evs)-2] {
			assert.Equal(t, loader.PhaseChecking, e.Phase)
			assert.Equal(t, total, e.Total)
			n++
		}
		assert.Equal(t, total, n, target)
	}
}
