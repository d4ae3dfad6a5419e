//go:build !cgo

package panics

import "errors"

func Init() error { return errors.New("no GPU in this build") } // want `!cgo fallback: Init always fails, like all 2 exported functions of the file`

func Run() { panic("unsupported") }

func helper() int { return 1 }
