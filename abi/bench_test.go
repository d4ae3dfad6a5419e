package abi

import "testing"

// BenchmarkReadSysroot reads the Debian arm64 cross sysroot
// (libc6-dev-arm64-cross): libc.so.6, libm, libpthread, ld.so, crt1.o and
// the libc.so script.
func BenchmarkReadSysroot(b *testing.B) {
	const root = "/usr/aarch64-linux-gnu"
	needSysroot(b, root, "libc6-dev-arm64-cross")
	b.ReportAllocs()
	for b.Loop() {
		s, err := ReadSysroot(root)
		if err != nil {
			b.Fatal(err)
		}
		if s.Libc.Value != LibcGlibc {
			b.Fatalf("libc %v", s.Libc.Value)
		}
	}
}

// BenchmarkReadELFLibc reads the facts of one libc.so.6 (3000 dynamic
// symbols, about 50 version definitions).
func BenchmarkReadELFLibc(b *testing.B) {
	const file = "/usr/aarch64-linux-gnu/lib/libc.so.6"
	needSysroot(b, "/usr/aarch64-linux-gnu", "libc6-dev-arm64-cross")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadELF(file); err != nil {
			b.Fatal(err)
		}
	}
}
