// Command xxhash hashes its arguments with github.com/cespare/xxhash/v2, a
// pure-Go library with assembly for amd64 and arm64 and a Go fallback for
// the other architectures.
package main

import (
	"fmt"
	"os"

	"github.com/cespare/xxhash/v2"
)

func main() {
	d := xxhash.New()
	for _, a := range os.Args[1:] {
		_, _ = d.WriteString(a)
		fmt.Printf("%016x %s\n", xxhash.Sum64String(a), a)
	}
	fmt.Printf("%016x (all)\n", d.Sum64())
}
