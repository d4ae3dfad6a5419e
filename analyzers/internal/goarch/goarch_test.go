package goarch_test

import (
	"debug/elf"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xcheck-dev/xcheck/analyzers/internal/goarch"
)

// The list is the toolchain's: every GOARCH of `go tool dist list`, and
// nothing else.
func TestAllMatchesToolchain(t *testing.T) {
	out, err := exec.Command("go", "tool", "dist", "list").Output()
	require.NoError(t, err)
	var want []string
	for _, line := range strings.Fields(string(out)) {
		_, arch, ok := strings.Cut(line, "/")
		require.True(t, ok, line)
		want = append(want, arch)
	}
	slices.Sort(want)
	want = slices.Compact(want)
	assert.Equal(t, want, goarch.Names())
}

// Each ELF machine, class and byte order names one GOARCH, and round-trips.
func TestOfELF(t *testing.T) {
	for _, a := range goarch.All {
		if a.Machine == elf.EM_NONE {
			continue
		}
		d := elf.ELFDATA2LSB
		if a.Order.String() == "BigEndian" {
			d = elf.ELFDATA2MSB
		}
		assert.Equal(t, a.Name, goarch.OfELF(a.Machine, a.Class, d), a.Name)
	}
	assert.Empty(t, goarch.OfELF(elf.EM_X86_64, elf.ELFCLASS32, elf.ELFDATA2LSB), "x32 is not a Go architecture")
	assert.Equal(t, "arm", goarch.OfPE(0x1c4))
	assert.Equal(t, "arm64", goarch.OfPE(0xaa64))
	assert.Empty(t, goarch.OfPE(0x1234))
}
