package cache

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/xcheck-dev/xcheck/internal/boundedfile"
)

// contentExts are the extensions of the files whose content can change a
// check's result: the files the go command builds into a package (go help
// packages; go/build), .syso objects included.
var contentExts = map[string]bool{
	".go": true, ".s": true, ".S": true, ".sx": true, ".c": true, ".h": true,
	".cc": true, ".cpp": true, ".cxx": true, ".hh": true, ".hpp": true, ".hxx": true,
	".m": true, ".f": true, ".F": true, ".for": true, ".f90": true,
	".swig": true, ".swigcxx": true, ".syso": true,
}

// contentNames are the other files whose content counts: the module and
// workspace files, vendor/modules.txt and xcheck's configuration file.
var contentNames = map[string]bool{
	"go.mod": true, "go.sum": true, "go.work": true, "go.work.sum": true,
	"modules.txt": true, ".xcheck.yaml": true,
}

// TreeStats says what HashTree read.
type TreeStats struct {
	Dirs, Files int   // directories walked, files listed
	Hashed      int   // files whose content was hashed
	Bytes       int64 // bytes hashed
}

// HashTree returns a digest of the module tree at root as the go command
// sees it for `./...`: every directory, except those the go command
// ignores (names starting with "." or "_", testdata) and nested modules
// (a directory with its own go.mod, recorded by the content of that
// go.mod); the content of every file that can change how a package builds
// (Go, assembly, C and other sources, .syso objects, go.mod, go.sum,
// vendor/modules.txt, .xcheck.yaml); and, when a Go file of the tree
// mentions "embed" (only then can a //go:embed pattern name them), the
// names of all other files and directories. Other files are left out so
// that reports, binaries and logs written into the module do not change
// the digest. Symbolic links are recorded with their target; links to
// directories are not followed, as the go command does not follow them.
//
// Contents are hashed, not modification times: a checkout, a `touch` or
// a CI cache restore changes times but not results. Unreadable files and
// directories are recorded as such, not errors; files over MaxHashedSize
// by their size and modification time.
func HashTree(root string) (Key, TreeStats, error) { return hashTree(root, false) }

// HashTreeHeaders is HashTree with only the header of each Go file: what
// the go command reads to list packages (build constraints, the package
// clause, the imports with the cgo preamble, //go:embed directives; see
// GoHeader). Two trees with the same header digest list the same
// packages, with the same files and imports, for every target.
func HashTreeHeaders(root string) (Key, TreeStats, error) { return hashTree(root, true) }

func hashTree(root string, headers bool) (Key, TreeStats, error) {
	var (
		st    TreeStats
		lines []treeLine
		jobs  []int // indexes into lines of the files to hash
	)
	root = filepath.Clean(root)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if err != nil {
			if path == root {
				return err
			}
			lines = append(lines, treeLine{kind: "error", rel: rel})
			if d != nil && d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		name := d.Name()
		switch {
		case d.IsDir():
			if path != root {
				if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" {
					return filepath.SkipDir
				}
				if _, err := os.Lstat(filepath.Join(path, "go.mod")); err == nil {
					lines = append(lines, treeLine{kind: "module", rel: rel})
					jobs = append(jobs, len(lines)-1)
					lines[len(lines)-1].file = filepath.Join(path, "go.mod")
					return filepath.SkipDir
				}
			}
			st.Dirs++
			lines = append(lines, treeLine{kind: "dir", rel: rel})
		case d.Type()&fs.ModeSymlink != 0:
			st.Files++
			target, _ := os.Readlink(path)
			lines = append(lines, treeLine{kind: "link", rel: rel, extra: target})
			if counts(name) {
				if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
					lines[len(lines)-1].file = path
					jobs = append(jobs, len(lines)-1)
				}
			}
		default:
			st.Files++
			lines = append(lines, treeLine{kind: "file", rel: rel})
			if counts(name) && d.Type().IsRegular() {
				lines[len(lines)-1].file = path
				jobs = append(jobs, len(lines)-1)
			}
		}
		return nil
	})
	if err != nil {
		return Key{}, st, err
	}

	// Hash the contents in parallel: reading many small files is
	// mostly system calls.
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		next  = make(chan int)
		embed bool // a Go file mentions "embed"
	)
	for range min(runtime.GOMAXPROCS(0), 8) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				data, large, err := readHashed(lines[i].file)
				if err != nil {
					lines[i].extra = "unreadable"
					continue
				}
				if large != "" {
					sum := sha256.Sum256([]byte(large))
					lines[i].extra, lines[i].sum = "large", sum[:]
					continue
				}
				if headers && filepath.Ext(lines[i].file) == ".go" {
					data = GoHeader(data)
				}
				sum := sha256.Sum256(data)
				lines[i].sum = sum[:]
				e := filepath.Ext(lines[i].file) == ".go" && bytes.Contains(data, []byte(`"embed"`))
				mu.Lock()
				st.Hashed++
				st.Bytes += int64(len(data))
				embed = embed || e
				mu.Unlock()
			}
		}()
	}
	for _, i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()

	slices.SortFunc(lines, func(a, b treeLine) int { return strings.Compare(a.rel, b.rel) })
	h := NewHash("tree")
	h.Add("headers", fmt.Sprint(headers))
	for _, l := range lines {
		if !embed && l.sum == nil && (l.kind == "dir" || l.kind == "file" || l.kind == "link") {
			continue
		}
		h.Add(l.kind, l.rel, l.extra)
		if l.sum != nil {
			h.AddBytes("sum", l.sum)
		}
	}
	return h.Sum(), st, nil
}

// MaxHashedSize is the largest file whose content the tree digests hash,
// 64 MiB (the loader reads no larger Go file: loader.MaxSourceSize). A
// larger file is recorded by its size and modification time, so that a
// hostile module's multi-GiB file costs neither the time to read it nor
// the memory to hold it.
const MaxHashedSize = 64 << 20

// readHashed reads a file to hash, or, for a regular file over
// MaxHashedSize (at open time or while it is read), returns what
// identifies it instead.
func readHashed(name string) (data []byte, large string, err error) {
	data, fi, err := boundedfile.Read(name, MaxHashedSize, "a file of the module")
	var be *boundedfile.Error
	if errors.As(err, &be) && be.Mode.IsRegular() {
		return nil, fmt.Sprintf("large size=%d mtime=%d", fi.Size(), fi.ModTime().UnixNano()), nil
	}
	return data, "", err
}

// treeLine is one entry of a tree digest.
type treeLine struct {
	kind  string // dir, file, link, module, error
	rel   string // slash-separated path relative to the root
	extra string // link target; "unreadable"; "large" (readHashed)
	file  string // the file to hash, if any
	sum   []byte
}

// counts reports whether the content of a file with this name counts.
func counts(name string) bool {
	return contentExts[filepath.Ext(name)] || contentNames[name]
}

// GoHeader returns what the go command reads of a Go file to list its
// package (go/build): everything up to the end of the imports (build
// constraints, the package clause, the imports and the cgo preamble
// with its #cgo lines), then the //go:embed lines of the rest of the
// file. A file whose header does not parse is returned whole.
func GoHeader(src []byte) []byte {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.ImportsOnly|parser.ParseComments)
	if err != nil || f.Name == nil {
		return src
	}
	end := f.Name.End()
	for _, d := range f.Decls {
		end = max(end, d.End())
	}
	n := fset.File(f.Package).Offset(end)
	if n < 0 || n > len(src) {
		return src
	}
	out := append([]byte(nil), src[:n]...)
	for line := range bytes.Lines(src[n:]) {
		if t := bytes.TrimSpace(line); bytes.HasPrefix(t, []byte("//go:embed")) {
			out = append(out, '\n')
			out = append(out, t...)
		}
	}
	return out
}
