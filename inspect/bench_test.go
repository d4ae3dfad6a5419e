package inspect

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/xcheck-dev/xcheck/matrix"
)

// benchDir builds a release-like directory of real artifacts: every
// regular file of the Debian cross sysroots' library directories (shared
// objects, start files, static archives such as libc.a with its ~1,800
// members), and Go programs for several targets, as links.
func benchDir(b *testing.B) (string, int) {
	b.Helper()
	dir := b.TempDir()
	n := 0
	for _, triple := range []string{"aarch64-linux-gnu", "arm-linux-gnueabihf", "arm-linux-gnueabi", "riscv64-linux-gnu"} {
		lib := filepath.Join("/usr", triple, "lib")
		ents, err := os.ReadDir(lib)
		if err != nil {
			continue
		}
		sub := filepath.Join(dir, triple)
		if err := os.MkdirAll(sub, 0o755); err != nil {
			b.Fatal(err)
		}
		for _, e := range ents {
			if !e.Type().IsRegular() {
				continue
			}
			if err := os.Symlink(filepath.Join(lib, e.Name()), filepath.Join(sub, e.Name())); err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	for _, name := range []string{"go-linux-arm64-cgo", "go-linux-arm64", "go-linux-arm7", "go-windows-amd64", "go-darwin-arm64"} {
		if p, err := buildFixture(name); err == nil {
			if err := os.Symlink(p, filepath.Join(dir, name)); err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	if n < 100 {
		needTool(b, "the Debian cross sysroots (100+ artifacts)", "libc6-dev-arm64-cross libc6-dev-armhf-cross libc6-dev-armel-cross libc6-dev-riscv64-cross")
	}
	return dir, n
}

// BenchmarkInspectDir reads and checks a directory of 100+ real
// artifacts, as `xcheck inspect --target ... DIR` does.
func BenchmarkInspectDir(b *testing.B) {
	dir, n := benchDir(b)
	var cfg Config
	for _, s := range []string{"linux/arm64", "linux/arm/v7", "linux/riscv64", "windows/amd64", "darwin/arm64"} {
		t, _ := matrix.Parse(s)
		cfg.Targets = append(cfg.Targets, t)
	}
	if err := cfg.Policies.Set("glibc", "2.28"); err != nil {
		b.Fatal(err)
	}
	cfg.MinOS = map[string]string{"windows": "10", "linux": "3.2"}
	b.ResetTimer()
	var members int
	for b.Loop() {
		arts, _ := ReadAll(Walk([]string{dir}), Options{Gore: true})
		ck := NewChecker(cfg)
		members = 0
		for _, a := range arts {
			ck.Check(a)
			members += len(a.Members)
		}
	}
	b.ReportMetric(float64(n), "artifacts/op")
	b.ReportMetric(float64(members), "members/op")
}
