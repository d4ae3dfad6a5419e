package config

import (
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSchemaMatchesConfig holds docs/xcheck.schema.json and docs/config.md
// against the keys the parser accepts, so neither goes stale.
func TestSchemaMatchesConfig(t *testing.T) {
	data, err := os.ReadFile("../docs/xcheck.schema.json")
	require.NoError(t, err)
	var schema struct {
		Properties map[string]struct {
			Items struct {
				OneOf []struct {
					Properties map[string]any `json:"properties"`
				} `json:"oneOf"`
			} `json:"items"`
			Properties map[string]any `json:"properties"`
		} `json:"properties"`
	}
	require.NoError(t, json.Unmarshal(data, &schema))
	doc, err := os.ReadFile("../docs/config.md")
	require.NoError(t, err)

	keys := func(v any) []string {
		var out []string
		rt := reflect.TypeOf(v)
		for i := 0; i < rt.NumField(); i++ {
			if tag := rt.Field(i).Tag.Get("yaml"); tag != "" {
				out = append(out, strings.Split(tag, ",")[0])
			}
		}
		slices.Sort(out)
		return out
	}
	mapKeys := func(m map[string]any) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	var top []string
	for k := range schema.Properties {
		top = append(top, k)
	}
	slices.Sort(top)
	assert.Equal(t, keys(Config{}), top, "top-level keys")
	assert.Equal(t, keys(Rules{}), mapKeys(schema.Properties["rules"].Properties), "rules keys")
	require.Len(t, schema.Properties["targets"].Items.OneOf, 2)
	assert.Equal(t, keys(Target{}), mapKeys(schema.Properties["targets"].Items.OneOf[1].Properties), "target keys")
	for _, k := range slices.Concat(keys(Config{}), keys(Rules{}), keys(Target{})) {
		assert.Contains(t, string(doc), k+":", "docs/config.md documents %q", k)
	}
}
