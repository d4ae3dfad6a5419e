// Command netns prints the current network namespace through
// github.com/vishvananda/netns, a Linux library whose other platforms get
// stubs that return an error. It resolves a host name too, so the standard
// library's net package (cgo resolver when cgo is on) is part of the build.
package main

import (
	"fmt"
	"net"

	"github.com/vishvananda/netns"
)

func main() {
	ns, err := netns.Get()
	if err != nil {
		fmt.Println("netns:", err)
	} else {
		fmt.Println("netns:", ns)
		_ = ns.Close()
	}
	addrs, err := net.LookupHost("localhost")
	fmt.Println(addrs, err)
}
