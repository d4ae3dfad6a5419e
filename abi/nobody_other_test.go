//go:build !linux

package abi

import "testing"

// runAsNobody is Linux-only; elsewhere the tests do not run as root.
func runAsNobody(t *testing.T) {
	t.Skip("switching users is done on Linux only")
}
