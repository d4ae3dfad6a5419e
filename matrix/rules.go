package matrix

import "github.com/xcheck-dev/xcheck/finding"

// The XC1xxx rules: targets and toolchain. IDs are stable and never reused.
var (
	RuleUnknownPort = &finding.Rule{
		ID: "XC1001", Name: "unknown-port", Severity: finding.Error,
		Title: "the target is not a port of the Go toolchain in use",
		Why: "`go build` stops at once with `unsupported GOOS/GOARCH pair` when GOOS/GOARCH is not in " +
			"`go tool dist list` of the toolchain that runs the build. Ports come and go between Go releases: " +
			"windows/arm was marked broken in Go 1.24 and removed in Go 1.26, darwin/386 and darwin/arm went in " +
			"Go 1.15, so a release matrix that worked last year can break on a toolchain upgrade. Spellings from " +
			"other ecosystems (`x86_64`, `aarch64`, `macos`) are not Go ports either.",
		Example: "```\n$ xcheck -t windows/arm,linux/arm64 ./...\nerror XC1001 [windows/arm] \"windows/arm\" is not a port of go1.26.8 (removed in go1.26; go1.25 was the last release with it)\n    fix: did you mean windows/arm64? Or build this target with go1.25\n```",
		Fix:     "use a port listed by `xcheck targets` (or `go tool dist list`), or build this target with a Go release that still has it",
	}
	RuleBrokenPort = &finding.Rule{
		ID: "XC1002", Name: "broken-port", Severity: finding.Warning,
		Title: "the target is a port the toolchain marks as broken",
		Why: "cmd/dist keeps some ports in its table but marks them broken: they are hidden from " +
			"`go tool dist list`, not tested by the Go builders and may not compile at all (linux/sparc64 has no " +
			"compiler backend, openbsd/mips64's runtime does not compile in Go 1.26) or may build binaries that " +
			"nobody has run (freebsd/riscv64 in Go 1.26). xcheck reports a warning, not an error, because some " +
			"broken ports still build.",
		Example: "```\n$ xcheck -t freebsd/riscv64 ./...\nwarning XC1002 [freebsd/riscv64] the port is marked broken in go1.26.8 (since go1.26)\n```",
		Fix:     "drop the target from the release matrix, or test its binaries on real hardware before shipping them",
	}
	RuleSecondaryPort = &finding.Rule{
		ID: "XC1003", Name: "secondary-port", Severity: finding.Info,
		Title: "the target is a secondary (not first-class) port",
		Why: "Only first-class ports (darwin/amd64, darwin/arm64, linux/386, linux/amd64, linux/arm, linux/arm64, " +
			"windows/386, windows/amd64) block Go releases when they break; secondary ports are maintained by " +
			"their owners and may lag behind, lose features or be removed (go.dev/wiki/PortingPolicy).",
		Example: "```\n$ xcheck -t linux/riscv64 ./...\ninfo XC1003 [linux/riscv64] secondary (not first-class) port of go1.26.8\n```",
		Fix:     "test binaries for this target on real hardware or an emulator as part of the release",
	}
	RuleCgoUnsupported = &finding.Rule{
		ID: "XC1004", Name: "cgo-unsupported", Severity: finding.Warning,
		Title: "cgo is requested for a port that has no cgo support",
		Why: "The port's `CgoSupported` is false in `go tool dist list -json` (js/wasm, wasip1/wasm, plan9/*, " +
			"openbsd/ppc64, linux/ppc64 before Go 1.27), yet an explicit `CGO_ENABLED=1` is not ignored: the go command " +
			"then builds the files that import \"C\" and runtime/cgo, and cgo fails (\"cgo: unknown ptrSize for " +
			"$GOARCH \\\"wasm\\\"\"). When no package of the build has cgo files the setting has no effect and this is a " +
			"warning; when one does, the build fails and xcheck reports an error.",
		Example: "```\n$ xcheck -t js/wasm --cgo on ./...\nwarning XC1004 [js/wasm] cgo is requested (--cgo on) but the port does not support cgo\n```",
		Fix:     "build this target with CGO_ENABLED=0 and make sure every package it needs has a pure-Go implementation",
	}
	RuleExternalLinkNoCgo = &finding.Rule{
		ID: "XC1005", Name: "external-linking-needs-cgo", Severity: finding.Error,
		Title: "the port needs the external linker but cgo is off",
		Why: "android/386, android/amd64, android/arm and ios/arm64 can only be linked by the external (C) " +
			"linker, and ios/amd64 builds PIE binaries that the internal linker cannot produce. Since Go 1.22 " +
			"`go build` fails with \"requires external (cgo) linking, but cgo is not enabled\" when cgo is off, " +
			"even for programs without any C code. Cross builds turn cgo off unless CGO_ENABLED=1 is set.",
		Example: "```\n$ xcheck -t android/arm ./...\nerror XC1005 [android/arm] the port requires external (cgo) linking, but cgo is off (cross-compiling: cgo is off unless CGO_ENABLED=1)\n```",
		Fix:     "build with CGO_ENABLED=1 and CC set to the platform's C compiler (Android NDK clang, Xcode clang)",
	}
	RulePortNewerThanGoDirective = &finding.Rule{
		ID: "XC1006", Name: "port-newer-than-go-directive", Severity: finding.Warning,
		Title: "the port is newer than the Go release the module's go directive allows",
		Why: "The `go` directive in go.mod is the oldest Go release the module claims to build with. A port " +
			"added after that release (wasip1/wasm in Go 1.21, openbsd/riscv64 in Go 1.23, ...) cannot be built " +
			"by those older toolchains: a user or a CI job with the older Go gets \"unsupported GOOS/GOARCH pair\".",
		Example: "```\n$ xcheck -t wasip1/wasm ./...\ngo.mod:3:1: warning XC1006 [wasip1/wasm] the port was added in go1.21 but go.mod declares go 1.20\n```",
		Fix:     "raise the go directive in go.mod to the release that added the port, or drop the target",
	}
	RuleOSMinimumAboveFloor = &finding.Rule{
		ID: "XC1007", Name: "os-minimum-above-floor", Severity: finding.Warning,
		Title: "the Go release's minimum OS version is above the declared floor",
		Why: "Every Go release sets the oldest OS its binaries run on: Go 1.21 dropped Windows 7/8 and macOS " +
			"10.13/10.14, Go 1.24 raised the Linux kernel floor to 3.2, Go 1.25 requires macOS 12. The binaries " +
			"still build, but fail at start-up or crash on the older systems (the Windows PE header even still " +
			"says 6.1). `--min-os linux=3.2,macos=11,windows=7` declares the oldest systems the release must " +
			"run on.",
		Example: "```\n$ xcheck -t windows/amd64 --min-os windows=7 ./...\nwarning XC1007 [windows/amd64] go1.26.8 binaries for windows need Windows 10 or later, but the declared floor is Windows 7\n    fix: build with go1.20 (the last release that supports Windows 7), or raise the floor to Windows 10\n```",
		Fix:     "build with an older Go release that still supports the floor, or raise the declared floor",
	}
	RuleInvalidVariant = &finding.Rule{
		ID: "XC1008", Name: "invalid-variant", Severity: finding.Error,
		Title: "an architecture-variant variable in the environment has an invalid value",
		Why: "Go 1.26 silently ignores invalid `GOAMD64` and `GOARM` values: `GOAMD64=v5 go build` builds v1 " +
			"code and `GOARM=8` builds GOARM=7 code, so the release is not what the build script asked for. " +
			"Invalid GOMIPS, GOMIPS64, GOPPC64, GORISCV64 and GOARM64 values make every go command fail, even " +
			"for other architectures.",
		Example: "```\n$ GOAMD64=v5 xcheck -t linux/amd64 ./...\nerror XC1008 [linux/amd64] invalid GOAMD64 value \"v5\" (valid: v1, v2, v3, v4)\n```",
		Fix:     "set the variable to a valid value or unset it",
	}
)

// Rules lists the XC1xxx rules.
var Rules = []*finding.Rule{
	RuleUnknownPort, RuleBrokenPort, RuleSecondaryPort, RuleCgoUnsupported,
	RuleExternalLinkNoCgo, RulePortNewerThanGoDirective, RuleOSMinimumAboveFloor, RuleInvalidVariant,
}
