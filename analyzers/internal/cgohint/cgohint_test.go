package cgohint

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/xcheck-dev/xcheck/matrix"
)

func build(spec, variant string) *matrix.Build {
	t, err := matrix.Parse(spec)
	if err != nil {
		panic(err)
	}
	return &matrix.Build{Target: t, Port: &matrix.Port{GOOS: t.GOOS, GOARCH: t.GOARCH, CgoSupported: t.GOOS != "js"}, Variant: variant}
}

func TestCC(t *testing.T) {
	for _, c := range []struct{ spec, variant, want string }{
		{"linux/arm64", "", "aarch64-linux-gnu-gcc"},
		{"linux/arm", "7", "arm-linux-gnueabihf-gcc"},
		{"linux/arm", "6", "arm-linux-gnueabihf-gcc"},
		{"linux/arm", "5", "arm-linux-gnueabi-gcc"},
		{"linux/arm/v7", "", "arm-linux-gnueabihf-gcc"},
		{"linux/arm", "7,softfloat", "arm-linux-gnueabi-gcc"},
		{"linux/386", "", "i686-linux-gnu-gcc"},
		{"linux/riscv64", "", "riscv64-linux-gnu-gcc"},
		{"linux/mips64le", "", "mips64el-linux-gnuabi64-gcc"},
		{"windows/amd64", "", "x86_64-w64-mingw32-gcc"},
		{"windows/386", "", "i686-w64-mingw32-gcc"},
		{"darwin/arm64", "", "oa64-clang"},
		{"android/arm64", "", "aarch64-linux-android21-clang"},
		{"freebsd/amd64", "", ""},
	} {
		assert.Equal(t, c.want, CC(build(c.spec, c.variant)), c.spec+" "+c.variant)
	}
	native := build("linux/amd64", "")
	native.Native = true
	assert.Equal(t, "gcc", CC(native))
	native.CC = "clang"
	assert.Equal(t, "clang", CC(native))
}

func TestFix(t *testing.T) {
	assert.Equal(t, "build with CGO_ENABLED=1 and CC=aarch64-linux-gnu-gcc, or replace github.com/mattn/go-sqlite3 with the pure-Go modernc.org/sqlite",
		Fix(build("linux/arm64", ""), "github.com/mattn/go-sqlite3"))
	assert.Equal(t, "build with CGO_ENABLED=1 and CC=x86_64-w64-mingw32-gcc",
		Fix(build("windows/amd64", ""), "example.com/x"))
	assert.Equal(t, "build with CGO_ENABLED=1 and CC set to a C compiler for freebsd/amd64",
		Fix(build("freebsd/amd64", ""), "example.com/x"))
	assert.Equal(t, "js/wasm has no cgo support: use a pure-Go package instead, or drop the target",
		Fix(build("js/wasm", ""), "example.com/x"))
	from, to, ok := Alternative("github.com/confluentinc/confluent-kafka-go/v2/kafka")
	assert.True(t, ok)
	assert.Equal(t, "github.com/confluentinc/confluent-kafka-go/v2", from)
	assert.Equal(t, "github.com/twmb/franz-go", to)
	_, _, ok = Alternative("github.com/mattn/go-sqlite3x")
	assert.False(t, ok)
}
