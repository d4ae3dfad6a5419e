// Package store wraps a C library.
package store

/*
#include <stdlib.h>
static int version(void) { return 3; }
*/
import "C"

// Version returns the C library's version.
func Version() int { return int(C.version()) }
