package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/xcheck-dev/xcheck/cache"
	"github.com/xcheck-dev/xcheck/internal/exitcode"
)

// runCacheCmd is `xcheck cache info|clean`: what the result cache holds, and
// emptying it.
func runCacheCmd(_ context.Context, args []string, stdout, _ io.Writer) error {
	usage := func(w io.Writer) {
		fmt.Fprint(w, `Usage: xcheck cache info [--format json]   the cache directory, its entries and their size
       xcheck cache clean [flags]         remove cached results

The cache is in $XCHECK_CACHE, else the user cache directory (see docs/cache.md).
`)
	}
	if len(args) == 0 {
		usage(stdout)
		return exitcode.UsageError(fmt.Errorf("cache needs a subcommand: info or clean"))
	}
	switch args[0] {
	case "info":
		return cacheInfo(args[1:], stdout)
	case "clean":
		return cacheClean(args[1:], stdout)
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return nil
	}
	return exitcode.UsageError(fmt.Errorf("unknown cache subcommand %q (want info or clean)", args[0]))
}

// cacheInfoJSON is `xcheck cache info --format json`.
type cacheInfoJSON struct {
	Version    int                      `json:"version"`
	Dir        string                   `json:"dir"` // "" when caching is off
	ResultsDir string                   `json:"results_dir,omitempty"`
	Entries    int                      `json:"entries"`
	Bytes      int64                    `json:"bytes"`
	ByKind     map[string]cacheKindJSON `json:"by_kind"`
	PortTables int                      `json:"port_tables"`
	Oldest     string                   `json:"oldest_use,omitempty"` // RFC 3339
	Newest     string                   `json:"newest_use,omitempty"`
	MaxAgeDays int                      `json:"max_age_days"`
	MaxBytes   int64                    `json:"max_bytes"`
}

type cacheKindJSON struct {
	Entries int   `json:"entries"`
	Bytes   int64 `json:"bytes"`
}

func cacheInfo(args []string, stdout io.Writer) error {
	fs := newFlagSet("cache info")
	format := fs.String("format", "text", "text or json")
	fs.Usage = func() { printDefaults(stdout, fs, "xcheck cache info [flags]") }
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return exitcode.UsageError(fmt.Errorf("cache info takes no arguments (got %q)", pos[0]))
	}
	if *format != "text" && *format != "json" {
		return exitcode.UsageError(fmt.Errorf("unknown format %q for cache info (want text or json)", *format))
	}
	root := cache.Dir()
	j := cacheInfoJSON{
		Version: 1, Dir: root, ByKind: map[string]cacheKindJSON{},
		MaxAgeDays: int(cache.DefaultMaxAge / (24 * time.Hour)), MaxBytes: cache.DefaultMaxSize,
	}
	if root != "" {
		in, err := cache.At(root).Info()
		if err != nil {
			return exitcode.FailureError(fmt.Errorf("reading the cache: %v", unwrapPathError(err)))
		}
		j.ResultsDir, j.Entries, j.Bytes = in.Dir, in.Entries, in.Size
		for k, ki := range in.ByKind {
			j.ByKind[string(k)] = cacheKindJSON{Entries: ki.Entries, Bytes: ki.Size}
		}
		if !in.Oldest.IsZero() {
			j.Oldest, j.Newest = in.Oldest.UTC().Format(time.RFC3339), in.Newest.UTC().Format(time.RFC3339)
		}
		if es, err := os.ReadDir(filepath.Join(root, "ports")); err == nil {
			for _, e := range es {
				if e.Type().IsRegular() && filepath.Ext(e.Name()) == ".json" {
					j.PortTables++
				}
			}
		}
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(j)
	}
	if root == "" {
		fmt.Fprintln(stdout, "cache: off (XCHECK_CACHE=off, or no user cache directory)")
		return nil
	}
	run, target, list := j.ByKind[string(cache.KindRun)], j.ByKind[string(cache.KindTarget)], j.ByKind[string(cache.KindList)]
	fmt.Fprintf(stdout, "directory:    %s\n", root)
	fmt.Fprintf(stdout, "results:      %d entries, %s (runs: %d, target dependencies: %d, package lists: %d)\n",
		j.Entries, humanBytes(j.Bytes), run.Entries, target.Entries, list.Entries)
	fmt.Fprintf(stdout, "port tables:  %d\n", j.PortTables)
	if j.Oldest != "" {
		fmt.Fprintf(stdout, "last used:    %s to %s\n", j.Oldest, j.Newest)
	}
	fmt.Fprintf(stdout, "limits:       entries unused for %d days are removed, then the least recently used beyond %s\n",
		j.MaxAgeDays, humanBytes(j.MaxBytes))
	return nil
}

func cacheClean(args []string, stdout io.Writer) error {
	fs := newFlagSet("cache clean")
	all := fs.Bool("all", false, "also remove the cached port tables (everything xcheck caches)")
	olderThan := fs.Duration("older-than", 0, "remove only the results not used for this long (168h: a week)")
	fs.Usage = func() { printDefaults(stdout, fs, "xcheck cache clean [flags]") }
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return exitcode.UsageError(fmt.Errorf("cache clean takes no arguments (got %q)", pos[0]))
	}
	if *all && *olderThan != 0 {
		return exitcode.UsageError(fmt.Errorf("--all and --older-than do not go together"))
	}
	if *olderThan < 0 {
		return exitcode.UsageError(fmt.Errorf("invalid --older-than %s: want a positive duration", *olderThan))
	}
	root := cache.Dir()
	if root == "" {
		fmt.Fprintln(stdout, "cache: off (XCHECK_CACHE=off, or no user cache directory): nothing to clean")
		return nil
	}
	c := cache.At(root)
	if *olderThan > 0 {
		n, size, err := c.Trim(*olderThan, math.MaxInt64)
		if err != nil {
			return exitcode.FailureError(fmt.Errorf("cleaning the cache: %v", unwrapPathError(err)))
		}
		fmt.Fprintf(stdout, "removed %d cached results (%s) unused for %s from %s\n", n, humanBytes(size), *olderThan, root)
		return nil
	}
	in, err := c.Info()
	if err != nil {
		return exitcode.FailureError(fmt.Errorf("reading the cache: %v", unwrapPathError(err)))
	}
	if err := c.Clean(); err != nil {
		return exitcode.FailureError(fmt.Errorf("cleaning the cache: %v", unwrapPathError(err)))
	}
	also := ""
	if *all {
		if err := os.RemoveAll(filepath.Join(root, "ports")); err != nil {
			return exitcode.FailureError(fmt.Errorf("cleaning the cache: %v", unwrapPathError(err)))
		}
		also = " and the port tables"
	}
	fmt.Fprintf(stdout, "removed %d cached results (%s)%s from %s\n", in.Entries, humanBytes(in.Size), also, root)
	return nil
}

// humanBytes formats a size: 0 B, 812 B, 4.0 KiB, 1.2 MiB.
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
