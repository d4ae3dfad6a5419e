//go:build !cgo
// +build !cgo

package stub

import "errors"

var errorMsg = errors.New("Binary was compiled with 'CGO_ENABLED=0', go-sqlite3 requires cgo to work. This is a stub")

type Driver struct{}

func (Driver) Open(name string) (any, error) { return nil, errorMsg } // want `!cgo fallback: Open always fails: "Binary was compiled with 'CGO_ENABLED=0', go-sqlite3 requires cgo to work. This is a stub"`

func (Driver) Close() error { return errorMsg }

func Version() string { return "stub" }
