// Command demo is a tiny service with real cross-compilation problems.
package main

import (
	"fmt"
	"net"
	"os/user"

	"example.com/demo/internal/fastsum"
	"example.com/demo/internal/reload"
	"example.com/demo/internal/store"
)

func main() {
	u, _ := user.Current()
	addrs, _ := net.LookupHost("localhost")
	reload.OnSignal(func() { fmt.Println("reloading") })
	fmt.Println(u, addrs, fastsum.Sum([]byte("x")), store.Version())
}
