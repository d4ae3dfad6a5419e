package cli

import (
	"context"
	"io"
	"path/filepath"
	"testing"
)

// BenchmarkCheckDemo runs `xcheck check` in-process on the demo module for
// the first-class targets (8), with a warm port-table cache: what a
// pre-commit hook pays on every run.
func BenchmarkCheckDemo(b *testing.B) {
	b.Setenv("XCHECK_CACHE", b.TempDir())
	demo := filepath.Join("..", "..", "testdata", "demo")
	args := []string{"-C", demo, "-t", "first-class", "--format", "json", "--fail-on", "never", "./..."}
	if code := Run(context.Background(), args, io.Discard, io.Discard); code != 0 {
		b.Fatalf("exit %d", code)
	}
	b.ResetTimer()
	for b.Loop() {
		Run(context.Background(), args, io.Discard, io.Discard)
	}
}
