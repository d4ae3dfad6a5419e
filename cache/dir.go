package cache

import (
	"os"
	"path/filepath"
)

// Dir returns xcheck's cache directory: $XCHECK_CACHE when set, else
// os.UserCacheDir()/xcheck ($XDG_CACHE_HOME/xcheck or ~/.cache/xcheck on
// Linux, ~/Library/Caches/xcheck on macOS, %LocalAppData%\xcheck on
// Windows). It returns "" (no cache) when XCHECK_CACHE is "off" or no
// user cache directory is known. Every cache xcheck keeps lives below it:
// the port tables (ports/) and the check results (results/).
func Dir() string {
	if d := os.Getenv("XCHECK_CACHE"); d != "" {
		if d == "off" {
			return ""
		}
		if abs, err := filepath.Abs(d); err == nil {
			return abs
		}
		return d
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "xcheck")
}

// WriteFileAtomic writes data to a temporary file in the directory of name
// (created if needed) and renames it into place, so that a reader sees the
// old file or the new one, never a part of it, however many processes
// write at once.
func WriteFileAtomic(name string, data []byte) error {
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, tempPrefix+"*")
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), name); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}

// tempPrefix starts the names of files being written. Trim removes those
// a crashed writer left behind.
const tempPrefix = ".tmp-"
