package inspect

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
)

// MaxWalkFiles caps the files Walk returns for one directory argument.
const MaxWalkFiles = 1 << 20

// Entry is one file to read, as Walk found it.
type Entry struct {
	Path string
	// Explicit is set for a path named on the command line, as opposed
	// to a file found by walking a directory. A file found by walking
	// whose format is unknown (a README, a checksum list) is skipped
	// rather than reported.
	Explicit bool
	// Err is why the path could not be walked (a missing argument, an
	// unreadable directory); the entry is then an unreadable artifact.
	Err error
}

// Walk expands the command line's paths into the files to read, in order:
// a file is itself (symbolic links are followed when it is read); a
// directory is walked recursively, entries in lexical order, without
// following symbolic links to directories (so a cycle cannot loop; a link
// to a file is listed). A path that does not exist is an entry with Err
// set, so that it is reported with the other artifacts. A file named
// twice (on its own and inside a directory) is read once.
func Walk(paths []string) []Entry {
	var out []Entry
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			out = append(out, Entry{Path: p, Explicit: true, Err: pathError(p, err)})
			continue
		}
		if !fi.IsDir() {
			out = append(out, Entry{Path: p, Explicit: true})
			continue
		}
		root := p
		if li, err := os.Lstat(p); err == nil && li.Mode()&fs.ModeSymlink != 0 {
			// WalkDir does not follow a root that is a link; a
			// trailing separator makes the system resolve it.
			root = p + string(filepath.Separator)
		}
		n := 0
		err = filepath.WalkDir(root, func(q string, d fs.DirEntry, err error) error {
			if err != nil {
				out = append(out, Entry{Path: q, Err: pathError(q, err)})
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				// A link to a directory is not followed; a link to
				// a file (or a broken one) is listed.
				if fi, err := os.Stat(q); err == nil && fi.IsDir() {
					return nil
				}
			} else if !d.Type().IsRegular() {
				return nil // sockets, devices, pipes
			}
			if n >= MaxWalkFiles {
				out = append(out, Entry{Path: p, Err: fmt.Errorf("%s: more than %d files; inspect fewer at a time", p, MaxWalkFiles)})
				return fs.SkipAll
			}
			n++
			out = append(out, Entry{Path: q})
			return nil
		})
		if err != nil {
			out = append(out, Entry{Path: p, Explicit: true, Err: pathError(p, err)})
		}
	}
	return dedupe(out)
}

// dedupe keeps the first entry of each path; a path also named on the
// command line is explicit.
func dedupe(in []Entry) []Entry {
	seen := map[string]int{}
	var out []Entry
	for _, e := range in {
		k := filepath.Clean(e.Path)
		if i, ok := seen[k]; ok {
			out[i].Explicit = out[i].Explicit || e.Explicit
			continue
		}
		seen[k] = len(out)
		out = append(out, e)
	}
	return out
}

// ReadAll reads the entries' artifacts concurrently (GOMAXPROCS at a
// time) and returns them in the order of entries. Files found by walking
// a directory whose format is unknown are left out; skipped counts them.
func ReadAll(entries []Entry, opt Options) (arts []*Artifact, skipped int) {
	res := make([]*Artifact, len(entries))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, e := range entries {
		if e.Err != nil {
			res[i] = &Artifact{Path: e.Path, Err: e.Err}
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			res[i] = Read(e.Path, opt)
		}()
	}
	wg.Wait()
	for i, a := range res {
		if a.Unknown && !entries[i].Explicit {
			skipped++
			continue
		}
		arts = append(arts, a)
	}
	return arts, skipped
}

// SortArtifacts orders artifacts by path, then member.
func SortArtifacts(arts []*Artifact) {
	sort.SliceStable(arts, func(i, j int) bool {
		if arts[i].Path != arts[j].Path {
			return arts[i].Path < arts[j].Path
		}
		return arts[i].Member < arts[j].Member
	})
}
