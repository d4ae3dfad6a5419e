// Command term reports whether stdin is a terminal and its size, through
// golang.org/x/term, which uses golang.org/x/sys/unix on Unix systems,
// golang.org/x/sys/windows on Windows and a stub elsewhere.
package main

import (
	"fmt"
	"os"

	"golang.org/x/term"
)

func main() {
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		fmt.Println("not a terminal")
		return
	}
	w, h, err := term.GetSize(fd)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(w, h)
}
