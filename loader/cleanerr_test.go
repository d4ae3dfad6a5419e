package loader

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCleanLoadError(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"go list failed: err: exit status 1: stderr: go: cannot find main module\n", "go: cannot find main module"},
		// A crashed go command writes nothing to stderr: keep the reason.
		{"error running go list -json: err: signal: segmentation fault: stderr: ", "signal: segmentation fault"},
		{"go [list -e]: exit status 1: stderr=pattern ./x: directory not found", "pattern ./x: directory not found"},
		{"plain error", "plain error"},
	} {
		assert.Equal(t, tc.want, cleanLoadError(errors.New(tc.in)).Error(), tc.in)
	}
}
