package purego

// Always-failing function in a file without a !cgo constraint.
func Broken() error { panic("x") }
