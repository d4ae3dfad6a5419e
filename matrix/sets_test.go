package matrix_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/matrix"
)

func TestExpandLive(t *testing.T) {
	_, ports := live(t)
	nonBroken, _ := distList(t) // without -broken
	withBroken, entries := distList(t, "-broken")
	require.Greater(t, len(withBroken), len(nonBroken), "-broken should list more ports")

	var cgo, linux, arm64 []string
	for _, p := range entries {
		if p.Broken {
			continue
		}
		if p.CgoSupported {
			cgo = append(cgo, p.Pair())
		}
		if p.GOOS == "linux" {
			linux = append(linux, p.Pair())
		}
		if p.GOARCH == "arm64" {
			arm64 = append(arm64, p.Pair())
		}
	}

	tests := []struct {
		name  string
		specs []string
		want  []string
	}{
		{"first-class", []string{"first-class"}, []string{
			"darwin/amd64", "darwin/arm64", "linux/386", "linux/amd64",
			"linux/arm", "linux/arm64", "windows/386", "windows/amd64",
		}},
		{"firstclass alias", []string{"FirstClass"}, []string{
			"darwin/amd64", "darwin/arm64", "linux/386", "linux/amd64",
			"linux/arm", "linux/arm64", "windows/386", "windows/amd64",
		}},
		{"all", []string{"all"}, nonBroken},
		{"ALL", []string{" ALL "}, nonBroken},
		{"cgo", []string{"cgo"}, cgo},
		{"linux/*", []string{"linux/*"}, linux},
		{"*/arm64", []string{"*/arm64"}, arm64},
		{"glob with ?", []string{"linux/mips??"}, []string{"linux/mips64", "linux/mipsle"}},
		{"glob with class", []string{"[dw]*/arm64"}, []string{"darwin/arm64", "windows/arm64"}},
		{"duplicates", []string{"linux/amd64,linux/amd64", "LINUX/AMD64", "linux/arm64", "first-class"}, []string{
			"darwin/amd64", "darwin/arm64", "linux/386", "linux/amd64",
			"linux/arm", "linux/arm64", "windows/386", "windows/amd64",
		}},
		{"variants kept apart", []string{"linux/arm/v6,softfloat,linux/arm,linux/arm/v6", "linux/arm/6"},
			[]string{"linux/arm", "linux/arm/v6", "linux/arm/v6,softfloat"}},
		{"variant is canonical", []string{"linux/arm64/v8"}, []string{"linux/arm64/v8.0"}},
		{"removed port is returned", []string{"windows/arm"}, []string{"windows/arm"}},
		{"unknown pair is returned", []string{"foo/bar"}, []string{"foo/bar"}},
		{"broken port by name is returned", []string{"linux/sparc64"}, []string{"linux/sparc64"}},
		{"empty", []string{"", " , "}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := matrix.Expand(tt.specs, ports)
			require.NoError(t, err)
			names := pairsOf(got)
			assert.Equal(t, sorted(tt.want), sorted(names))
			assert.True(t, slices.IsSortedFunc(names, finding.CompareTargetNames), "not sorted: %v", names)
			assert.Len(t, slices.Compact(slices.Clone(names)), len(names), "duplicates: %v", names)
		})
	}

	t.Run("all has no broken port", func(t *testing.T) {
		got, err := matrix.Expand([]string{"all"}, ports)
		require.NoError(t, err)
		for _, tg := range got {
			p, ok := ports.Lookup(tg.GOOS, tg.GOARCH)
			require.True(t, ok, tg.String())
			assert.False(t, p.Broken, tg.String())
			assert.Empty(t, tg.Variant)
		}
	})

	t.Run("cgo is a subset of all", func(t *testing.T) {
		all, err := matrix.Expand([]string{"all"}, ports)
		require.NoError(t, err)
		cgoTs, err := matrix.Expand([]string{"cgo"}, ports)
		require.NoError(t, err)
		assert.Subset(t, all, cgoTs)
		assert.Less(t, len(cgoTs), len(all))
		assert.NotContains(t, pairsOf(cgoTs), "js/wasm")
		assert.Contains(t, pairsOf(cgoTs), "linux/amd64")
	})

	t.Run("FirstClass", func(t *testing.T) {
		fc, err := matrix.Expand([]string{"first-class"}, ports)
		require.NoError(t, err)
		assert.Equal(t, fc, matrix.FirstClass(ports))
	})
}

func TestExpandErrors(t *testing.T) {
	_, ports := live(t)
	tests := []struct {
		specs []string
		want  []string
	}{
		{[]string{"foo"}, []string{`unknown target set "foo"`, "all, cgo, first-class"}},
		{[]string{"linux/amd64,foo"}, []string{`unknown target set "foo"`}},
		{[]string{"linux/arm,softfloat"}, []string{`unknown target set "softfloat"`}},
		{[]string{"nosuchos/*"}, []string{`"nosuchos/*" matches no port`, ports.GoVersion}},
		{[]string{"*/nosucharch"}, []string{"matches no port"}},
		// Broken ports are not matched by globs.
		{[]string{"linux/sparc*"}, []string{"matches no port"}},
		{[]string{"*"}, []string{"a glob must look like GOOS/GOARCH"}},
		{[]string{"linux/arm/*"}, []string{"a glob must look like GOOS/GOARCH"}},
		{[]string{"linux/["}, []string{"a glob must look like GOOS/GOARCH"}},
		{[]string{"linux/amd64/v9"}, []string{"invalid target", "GOAMD64"}},
		{[]string{"linux/amd64", "a/b/c/d"}, []string{"invalid target"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.specs, " "), func(t *testing.T) {
			got, err := matrix.Expand(tt.specs, ports)
			require.Error(t, err)
			assert.Nil(t, got)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestSetsDocumented(t *testing.T) {
	_, ports := live(t)
	for name, doc := range matrix.Sets {
		assert.NotEmpty(t, doc, name)
		ts, err := matrix.Expand([]string{name}, ports)
		require.NoError(t, err, name)
		assert.NotEmpty(t, ts, name)
	}
}
