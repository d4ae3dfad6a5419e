package analyzers_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/go/analysis"

	"github.com/xcheck-dev/xcheck/analyzers"
)

func TestRules(t *testing.T) {
	ids, names := map[string]bool{}, map[string]bool{}
	for _, r := range analyzers.Rules {
		require.NoError(t, r.Validate())
		assert.NotEmpty(t, r.Example, r.ID)
		assert.False(t, ids[r.ID] || names[r.Name], "%s registered twice", r.ID)
		ids[r.ID], names[r.Name] = true, true
	}
	assert.Equal(t, []string{"XC2001", "XC2002", "XC2003", "XC2004", "XC2005", "XC3001", "XC3002", "XC3006"}, func() []string {
		var out []string
		for _, r := range analyzers.Rules {
			out = append(out, r.ID)
		}
		return out
	}())
}

func TestAnalyzers(t *testing.T) {
	require.NoError(t, analysis.Validate(analyzers.Analyzers))
}
