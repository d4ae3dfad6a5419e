package xc2004

// KnownOS is knownOS, for the test that holds it against the toolchain.
var KnownOS = knownOS
