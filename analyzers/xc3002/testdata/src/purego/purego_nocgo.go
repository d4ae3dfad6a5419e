//go:build !cgo

package purego

import "errors"

// Sum is a real implementation.
func Sum(b []byte) int {
	s := 0
	for _, c := range b {
		s += int(c)
	}
	return s
}

// Check fails on bad input only.
func Check(b []byte) error {
	if len(b) == 0 {
		return errors.New("empty")
	}
	return nil
}

// Unsupported always fails, but the file is not a stub: the rest works and
// nothing blames cgo.
func Unsupported() error { return errors.New("not supported") }
