// Package reload reloads configuration on SIGUSR1.
package reload

import (
	"os"
	"os/signal"
	"syscall"
)

// OnSignal calls f whenever the process receives SIGUSR1.
func OnSignal(f func()) {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGUSR1)
	go func() {
		for range c {
			f()
		}
	}()
}
