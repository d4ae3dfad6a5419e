package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/xcheck-dev/xcheck/report"
)

// output is one --output file and its format.
type output struct {
	path, format string
}

var extFormats = map[string]string{
	".json": "json", ".sarif": "sarif", ".md": "markdown", ".markdown": "markdown",
	".txt": "text", ".log": "text",
}

// parseOutputs reads --output values: FORMAT:FILE, or FILE with a known
// extension (a .sarif.json file is SARIF).
func parseOutputs(vals []string) ([]output, error) {
	var outs []output
	for _, v := range vals {
		if f, p, ok := strings.Cut(v, ":"); ok && isFormat(f) {
			if p == "" {
				return nil, fmt.Errorf("invalid --output %q: missing file name", v)
			}
			outs = append(outs, output{p, f})
			continue
		}
		name := strings.ToLower(v)
		format := extFormats[filepath.Ext(name)]
		if strings.HasSuffix(name, ".sarif.json") {
			format = "sarif"
		}
		if format == "" {
			return nil, fmt.Errorf("invalid --output %q: cannot tell the format from the name; write FORMAT:%s with FORMAT one of %s", v, v, strings.Join(report.Formats, ", "))
		}
		outs = append(outs, output{v, format})
	}
	return outs, nil
}

// isFormat reports whether name is a format or an alias of one (md,
// gitlab).
func isFormat(name string) bool {
	_, err := report.New(name, report.Options{})
	return err == nil
}

// writeOutput renders rep into o.path through a temporary file and a
// rename, so that an interrupted run never leaves a partial report.
func writeOutput(o output, rep *report.Report) error {
	r, err := report.New(o.format, report.Options{})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := r.Render(&buf, rep); err != nil {
		return fmt.Errorf("rendering %s: %v", o.path, err)
	}
	return writeFileAtomic(o.path, buf.Bytes())
}

// outputMu is held by writeFileAtomic from the temporary file's creation
// to its rename or removal, and taken for good by forceQuit.
var outputMu sync.Mutex

// writeFileAtomic writes data to name through a temporary file in the same
// directory and a rename: a reader (or a run killed half-way) sees the old
// file or the new one, never a part. The temporary file is removed on
// any error. xcheck catches SIGINT and SIGTERM for the whole run (cli.Main),
// so they cannot stop it between the two (a second signal, which quits at
// once, waits for outputMu); only SIGKILL or a crash can leave a
// ".NAME.tmp-*" file behind, never a partial NAME. The file gets
// the mode of the file it replaces, else 0644.
func writeFileAtomic(name string, data []byte) error {
	// A second SIGINT quits at once, but not between the write and the
	// rename (forceQuit).
	outputMu.Lock()
	defer outputMu.Unlock()
	dir := filepath.Dir(name)
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(name); err == nil && fi.Mode().IsRegular() {
		mode = fi.Mode().Perm()
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(name)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %v", name, unwrapPathError(err))
	}
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Chmod(mode)
	}
	if werr == nil {
		werr = f.Sync()
	}
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(f.Name(), name)
	}
	if werr != nil {
		os.Remove(f.Name())
		return fmt.Errorf("writing %s: %v", name, unwrapPathError(werr))
	}
	return nil
}

// useColor reports whether text output to w is coloured: only on a
// terminal, and never with --no-color or NO_COLOR set.
func useColor(w io.Writer, noColor bool) bool {
	if noColor || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	return isTerminal(w)
}
