// Package fastsum sums bytes modulo a large prime.
package fastsum

// prime does not fit in a 32-bit int.
const prime = 1<<40 - 87

// Sum returns the sum of b modulo prime.
func Sum(b []byte) int {
	s := 0
	for _, c := range b {
		s = (s + int(c)) % prime
	}
	return s
}
