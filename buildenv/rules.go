package buildenv

import "github.com/xcheck-dev/xcheck/finding"

// The environment rules (XC0xxx) and the C compiler rules of the cgo family
// that are decided from the environment alone (XC3003, XC3004).
var (
	RuleGOROOTMismatch = &finding.Rule{
		ID: "XC0001", Name: "goroot-mismatch", Severity: finding.Error,
		Title: "GOROOT in the environment belongs to another Go installation than the go command",
		Why: "The go command found in PATH uses `$GOROOT` from the environment for its standard library and " +
			"tools. When GOROOT points at another installation (a version manager left behind, a second Go " +
			"unpacked in /opt), the build mixes a go command of one release with the compiler and standard " +
			"library of another: `compile: version \"go1.21.0\" does not match go tool version \"go1.26.8\"`, " +
			"or worse, a build that silently uses the older standard library.",
		Example: "```\n$ GOROOT=/opt/go1.21 xcheck ./...\nerror XC0001 [linux/amd64] GOROOT=/opt/go1.21 (go1.21.0) is not the installation of the go command /usr/local/go/bin/go (/usr/local/go, go1.26.8)\n```",
		Fix:     "unset GOROOT (the go command finds its own), or put the go binary of that GOROOT first in PATH",
	}
	RuleToolchainCannotSwitch = &finding.Rule{
		ID: "XC0002", Name: "toolchain-cannot-switch", Severity: finding.Error,
		Title: "the module needs a newer Go than the toolchain in use, and the go command cannot switch",
		Why: "Since Go 1.21 the `go` (and `toolchain`) lines of go.mod name the oldest Go that may build the " +
			"module. A go command that is older downloads the newer toolchain when GOTOOLCHAIN allows it " +
			"(`auto`) and the module proxy is reachable; with `GOTOOLCHAIN=local`, or with the proxy off " +
			"(`GOPROXY=off`, an offline CI runner), `go build` stops with \"go.mod requires go >= 1.N " +
			"(running go 1.M; GOTOOLCHAIN=local)\" or \"toolchain not available\".",
		Example: "```\n$ GOTOOLCHAIN=local xcheck ./...\ngo.mod:3:1: error XC0002 [linux/amd64] go.mod requires go >= 1.27 but the toolchain is go1.26.8 and GOTOOLCHAIN=local forbids switching\n```",
		Fix:     "install the Go release go.mod asks for, or allow switching with GOTOOLCHAIN=auto and a reachable module proxy",
	}
	RuleGOPATHMode = &finding.Rule{
		ID: "XC0003", Name: "gopath-mode", Severity: finding.Error,
		Title: "the go command runs in GOPATH mode although the code has a go.mod",
		Why: "With `GO111MODULE=off` the go command ignores go.mod: dependencies are looked up in GOPATH, " +
			"version requirements and replace directives are dropped, and the build either fails " +
			"(\"cannot find package\") or builds other code than the module says.",
		Example: "```\n$ GO111MODULE=off xcheck ./...\nerror XC0003 [linux/amd64] GO111MODULE=off puts the go command in GOPATH mode, but /src/app/go.mod exists\n```",
		Fix:     "unset GO111MODULE (or set it to on)",
	}
	RuleHostPathLeak = &finding.Rule{
		ID: "XC0004", Name: "host-paths-in-cross-build", Severity: finding.Warning,
		Title: "host-only include, library or pkg-config paths, or the host C++ compiler, leak into a cross build",
		Why: "CGO_CFLAGS, CGO_CPPFLAGS, CGO_LDFLAGS and PKG_CONFIG_PATH are often set once for the build " +
			"machine. In a cross build with cgo, `-I/usr/include`, `-L/usr/lib/x86_64-linux-gnu` or " +
			"`/usr/lib/pkgconfig` make the C cross compiler read the build machine's headers and libraries: " +
			"wrong-arch link errors (\"file in wrong format\", \"skipping incompatible\") or, worse, a binary " +
			"built against the host's ABI. The same goes for CXX left at the host's g++: packages with C++ files " +
			"then fail to build or link.",
		Example: "```\n$ CGO_ENABLED=1 CC=aarch64-linux-gnu-gcc CGO_CFLAGS=-I/usr/include xcheck -t linux/arm64 ./...\nwarning XC0004 [linux/arm64] CGO_CFLAGS points at the build machine's \"/usr/include\" in a cross build\n```",
		Fix:     "point the flags at the target's sysroot (or use --sysroot), and set PKG_CONFIG_LIBDIR and PKG_CONFIG_SYSROOT_DIR for the target instead of PKG_CONFIG_PATH",
	}
	RuleCgoUnpinned = &finding.Rule{
		ID: "XC0005", Name: "cgo-unpinned", Severity: finding.Info,
		Title: "CGO_ENABLED is not pinned, so the result depends on the build machine",
		Why: "For a native build the go command turns cgo on when it finds a C compiler and off when it does " +
			"not (Go 1.20+). The same release script then produces a binary that dynamically links the build " +
			"machine's libc (through net and os/user) on one machine and a static binary on another: the " +
			"glibc version the binary needs changes with the build machine.",
		Example: "```\n$ xcheck -t linux/amd64 ./...\ninfo XC0005 [linux/amd64] CGO_ENABLED is not set: cgo is on because C compiler \"gcc\" was found\n```",
		Fix:     "set CGO_ENABLED=0 (or 1) explicitly in the release build",
	}
	RuleInconsistentVendor = &finding.Rule{
		ID: "XC0006", Name: "inconsistent-vendoring", Severity: finding.Error,
		Title: "vendor/modules.txt disagrees with go.mod",
		Why: "When a module has a vendor directory (and go 1.14+ in go.mod) or GOFLAGS has -mod=vendor, the " +
			"go command builds from vendor/ and refuses to start when vendor/modules.txt does not match " +
			"go.mod: \"inconsistent vendoring\". Every target fails the same way.",
		Example: "```\n$ xcheck ./...\nerror XC0006 [linux/amd64] inconsistent vendoring: golang.org/x/sys@v0.20.0: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt\n```",
		Fix:     "run `go mod vendor`, or build with -mod=mod",
	}
	RuleCCMissing = &finding.Rule{
		ID: "XC3004", Name: "cc-missing", Severity: finding.Error,
		Title: "cgo is on for the target but its C compiler is not installed, or is found only through a relative PATH entry",
		Why: "With CGO_ENABLED=1 the go command runs the C compiler named by CC (or `go env CC`, gcc by " +
			"default) for every cgo package, runtime/cgo included. When that compiler does not exist the " +
			"build fails with `exec: \"aarch64-linux-gnu-gcc\": executable file not found in $PATH`; when CC " +
			"is unset in a cross build, the host gcc is used, which is XC3003. A compiler found only through a relative " +
			"PATH entry (`.`, an empty entry such as a trailing `:`, or a relative directory) is as good as missing: " +
			"since Go 1.19 the go command refuses to run it (`runtime/cgo: exec: \"gcc\": cannot run executable " +
			"found relative to current directory`), and xcheck does not run it either, since it is most likely a " +
			"program of the module being checked; the message then says where it was found." +
			" When no package of the target's build has cgo files (the standard library's `net` and `os/user` count) and the port does not link externally, `go build` never runs the C compiler: xcheck then reports this rule as a warning, since the build breaks only once a dependency adds cgo.",
		Example: "```\n$ CGO_ENABLED=1 CC=aarch64-linux-gnu-gcc xcheck -t linux/arm64 ./...\nerror XC3004 [linux/arm64] cgo is on but the C compiler \"aarch64-linux-gnu-gcc\" is not installed\n    fix: apt-get install gcc-aarch64-linux-gnu\n" +
			"$ PATH=.:$PATH CGO_ENABLED=1 xcheck -t linux/amd64 ./...\nerror XC3004 [linux/amd64] cgo is on (CGO_ENABLED=1 in the environment) but the C compiler \"gcc\" was found only through a relative PATH entry (./gcc) and was not run\n    fix: remove the relative entry from PATH or set CC to an absolute path\n```",
		Fix: "install the target's C cross compiler and set CC to it, or build with CGO_ENABLED=0; when the compiler is found only through a relative PATH entry, remove that entry from PATH or set CC to an absolute path",
	}
	RuleCCWrongTarget = &finding.Rule{
		ID: "XC3003", Name: "cc-wrong-target", Severity: finding.Error,
		Title: "the C compiler builds for another platform than the target",
		Why: "cgo compiles C code with CC, and the go command only passes it flags such as -marm or -m64, " +
			"not a target: when CC is the build machine's gcc (CC unset in a cross build with CGO_ENABLED=1) " +
			"or a cross compiler for another arch or float ABI, the build fails (\"unrecognized command-line " +
			"option '-marm'\", \"file in wrong format\") or links objects of the wrong ABI. xcheck asks the " +
			"compiler (`$CC -dumpmachine`) what it targets instead of trusting its name." +
			" When no package of the target's build has cgo files (the standard library's `net` and `os/user` count) and the port does not link externally, `go build` never runs the C compiler: xcheck then reports this rule as a warning, since the build breaks only once a dependency adds cgo.",
		Example: "```\n$ CGO_ENABLED=1 xcheck -t linux/arm64 ./...\nerror XC3003 [linux/arm64] cgo is on but the C compiler \"gcc\" targets x86_64-linux-gnu (linux/amd64), not linux/arm64\n    fix: set CC=aarch64-linux-gnu-gcc (apt-get install gcc-aarch64-linux-gnu)\n```",
		Fix:     "set CC to a C compiler for the target, for example CC=aarch64-linux-gnu-gcc for linux/arm64",
	}
)

// Rules lists the rules of this package.
var Rules = []*finding.Rule{
	RuleGOROOTMismatch, RuleToolchainCannotSwitch, RuleGOPATHMode, RuleHostPathLeak,
	RuleCgoUnpinned, RuleInconsistentVendor, RuleCCWrongTarget, RuleCCMissing,
}
