// Command ethtool prints the driver of a network interface through
// github.com/safchain/ethtool, a Linux-only library (ioctl SIOCETHTOOL via
// golang.org/x/sys/unix, without build constraints).
package main

import (
	"fmt"
	"log"
	"os"

	"github.com/safchain/ethtool"
)

func main() {
	e, err := ethtool.NewEthtool()
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()
	name := "eth0"
	if len(os.Args) > 1 {
		name = os.Args[1]
	}
	drv, err := e.DriverName(name)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(name, drv)
}
