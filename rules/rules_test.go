package rules

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRulesValid(t *testing.T) {
	require.NoError(t, Validate())
	require.NotEmpty(t, All())
}

func TestLookup(t *testing.T) {
	assert.Equal(t, "XC1001", Lookup("xc1001").ID)
	assert.Equal(t, "XC1001", Lookup("unknown-port").ID)
	assert.Nil(t, Lookup("XC0000"))
}

// TestDocsUpToDate fails when docs/rules/ and the rule definitions
// disagree. Run `make docs` to regenerate.
func TestDocsUpToDate(t *testing.T) {
	dir := filepath.Join("..", "docs", "rules")
	for name, want := range Docs() {
		got, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err, "docs/rules/%s is missing: run `make docs`", name)
		assert.Equal(t, want, string(got), "docs/rules/%s is stale: run `make docs`", name)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.md"))
	require.NoError(t, err)
	assert.Len(t, files, len(Docs()), "docs/rules has pages for rules that do not exist: run `make docs`")
}
