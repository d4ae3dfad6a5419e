// Package loader answers, for each target of a release matrix, "will this
// module build for that target, and if not, why": it loads the module's
// packages once per target with the target's environment, type-checks
// them for that target, and runs the source rules (package analyzers)
// over the result.
//
// # Use
//
// The CLI makes one call, after resolving the builds:
//
//	fs, stats, err := loader.Load(ctx, loader.Config{
//		Dir:  f.dir,                        // -C
//		Root: root,                         // module root (positions are relative to it)
//		Tags: strings.Split(f.tags, ","),   // --tags (empty: -tags of GOFLAGS)
//	}, builds, pkgs)
//
// builds come from matrix.ResolveBuild; targets that are not ports (nil
// Port) are skipped, XC1001 covers them. fs holds one finding per target
// and problem; append them to the other checks' findings before
// finding.Merge. The rules are listed in analyzers.Rules (for the rule
// registry, `xcheck explain` and the SARIF metadata).
//
// Errors: problems in the code (syntax errors, type errors, imports that
// do not resolve, packages without files for a target, import cycles)
// are findings, never errors. err is non-nil only when the go command
// could not list the packages for some targets (a pattern naming nothing,
// a go.mod that does not parse, no go command), or ctx was cancelled. It
// is then an *Error naming the targets, with one line per distinct
// message, and the findings of the other targets are still returned:
// report them, then fail with exit code 3. stats has per-target timings
// (go list, type checking, rules), graph sizes and parse-cache counts,
// for -v output.
//
// LoadTargets returns the loaded graphs instead of findings, for checks
// that need the packages themselves (the cgo preambles, for the ABI
// checks); analyzers.Run turns a graph into findings.
//
// # How a target is loaded
//
// For each target, concurrently (Config.Concurrency listed at a time, of
// which Config.CheckConcurrency type-checked at a time, and as many
// running their rules; the 32-bit targets first):
//
//  1. golang.org/x/tools/go/packages lists the packages matched by the
//     patterns and all their dependencies (`go list -deps`) with the
//     environment base env + GOOS/GOARCH/variant + CGO_ENABLED=0|1 as the
//     Build says, and -tags as a build flag (GOFLAGS of the base
//     environment is kept; like `go build -tags`, the flag overrides a
//     -tags in GOFLAGS). Only names, files, imports and modules are asked
//     for: asking go/packages for types, syntax or compiled files makes
//     it run `go list -compiled`, which runs cgo and so the target's C
//     compiler.
//  2. Every Go file is parsed once per Load, whatever the number of
//     targets: the Cache is keyed by file name and content hash and
//     shares one token.FileSet. (go/packages' ParseFile hook is not used
//     because go/packages does not parse in this mode.) Standard-library
//     files are parsed without comments, and their function bodies and
//     package-level table literals are dropped.
//  3. Packages are type-checked from source with go/types, dependencies
//     first, in parallel (bounded by GOMAXPROCS across all targets; a
//     freed CPU goes to the target that started checking first, so that
//     it finishes and frees its graph first), with
//     types.SizesFor("gc", GOARCH), the go version of each package's
//     module and FakeImportC: references to C.xxx type-check without
//     running cgo. Function bodies of the standard library are not checked
//     (it builds for every port, a test checks that its declarations do);
//     those of the user's module and of its dependencies are, once per
//     set of targets that give a package the same inputs: a package whose
//     bodies one target found clean is checked only for its declarations
//     on another with the same key (its files, sizes, and what it uses of
//     its imports' API; share.go has what the key covers and why that is
//     enough; Config.CheckAllBodies turns this off). Targets with 32-bit
//     words are listed first: their clean bodies count for 64-bit ones.
//     Of go/types' Info, only what the rules read of each package is
//     recorded (analyzers.NewInfo; Config.FullInfo records all of it).
//     Types of two targets are never mixed (a key is a digest); findings
//     carry resolved positions.
//  4. The source rules run over the graph (analyzers.Run): go/analysis
//     analyzers over the packages outside the standard library (with
//     golang.org/x/tools/go/analysis/checker), then the graph checks.
//
// # Reusing the dependencies
//
// With Config.Results (the CLI passes its result cache), Load stores per
// target a snapshot of the frozen packages of the graph (those in GOROOT
// or the module cache, importing only frozen packages): what the type
// checker concluded about each, and the export data of those the module's
// packages import. A later Load whose frozen packages are the same
// restores them from the snapshot (graph.Package.Restored) and
// type-checks only the live ones, the module's own. A snapshot is stored
// only when the rules find the same on the restored graph as on the full
// one, and a rule that needs more of a restored package calls
// graph.Target.NeedFull: the target is then loaded again in full. Load
// also stores each target's package list, keyed by the headers of the
// module's files (imports, build constraints), and reuses it instead of
// running go list when they did not change. See reuse.go, listing.go
// and docs/cache.md.
//
// # cgo without a C compiler
//
// The C compiler is never run. A target with CGO_ENABLED=1 whose CC does
// not exist loads and type-checks like any other: its cgo files are
// parsed and type-checked with C as an opaque package. Whether the C
// compiler exists and matches the target is the ABI checks' job. The flip
// side: errors inside C preambles are not reported here (malformed #cgo
// lines are: the go command reports them).
package loader
