package cache

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Key names an entry: the SHA-256 of everything the entry's content
// depends on (see Hash).
type Key [sha256.Size]byte

func (k Key) String() string { return hex.EncodeToString(k[:]) }

// Kind is the kind of an entry; each kind has its own directory.
type Kind string

const (
	// KindRun entries hold the report of a whole `xcheck check` run.
	KindRun Kind = "run"
	// KindTarget entries hold what the loader reuses for one target:
	// the types of the dependencies outside the module and what the
	// type checker concluded about them.
	KindTarget Kind = "target"
	// KindList entries hold the package list (go list) of one target.
	KindList Kind = "list"
)

var kinds = []Kind{KindRun, KindTarget, KindList}

// Limits on what Put stores and Get believes.
const (
	// MaxEntrySize bounds an entry's payload: larger ones are not
	// stored, and a file claiming more is corrupt.
	MaxEntrySize = 256 << 20
	// DefaultMaxAge is how long an entry may go unused before Trim
	// removes it.
	DefaultMaxAge = 7 * 24 * time.Hour
	// DefaultMaxSize bounds the results directory: Trim removes the
	// least recently used entries beyond it.
	DefaultMaxSize = 1 << 30
	// trimEvery is how often Put trims, at most.
	trimEvery = 24 * time.Hour
	// touchEvery is how stale an entry's modification time may get
	// before Get refreshes it (it records the last use, for Trim).
	touchEvery = time.Hour
)

// Entry file layout: a fixed header, then the payload.
//
//	magic    8 bytes  "XCKCACHE"
//	version  4 bytes  big-endian formatVersion
//	key     32 bytes  the entry's key
//	size     8 bytes  big-endian payload length
//	sum     32 bytes  SHA-256 of the payload
//	payload  size bytes
const (
	magic         = "XCKCACHE"
	formatVersion = 1
	headerSize    = len(magic) + 4 + sha256.Size + 8 + sha256.Size
)

// ErrMiss is returned by Get when there is no usable entry.
var ErrMiss = errors.New("cache miss")

// CorruptError is returned by Get for an entry that failed its checks; the
// entry was removed (when the directory allows it), so the next Put
// replaces it.
type CorruptError struct {
	Path   string
	Reason string
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("corrupt cache entry %s: %s (dropped)", e.Path, e.Reason)
}

// Cache is the results directory of xcheck's cache. Entries are files
// named by their key, written atomically (temporary file and rename in the
// same directory) and checksummed, so that any number of processes can
// read and write one Cache at once: a reader sees a whole entry or none,
// and an entry damaged on disk is detected, dropped and recomputed. A
// Cache is safe for concurrent use.
type Cache struct {
	root string // the cache directory (Dir)
	dir  string // root/results
	now  func() time.Time
}

// Open returns the results cache in root (normally Dir()), creating its
// directory if needed. It fails when root is "" or the directory cannot
// be created; a directory that exists but cannot be written is opened
// (Get works, Put fails).
func Open(root string) (*Cache, error) {
	if root == "" {
		return nil, errors.New("no cache directory (XCHECK_CACHE=off, or no user cache directory)")
	}
	c := At(root)
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return nil, err
	}
	return c, nil
}

// At returns the results cache in root without creating anything: for
// Info, Trim and Clean of a cache that may not exist.
func At(root string) *Cache {
	return &Cache{root: root, dir: filepath.Join(root, "results"), now: time.Now}
}

// Root returns the cache directory the results directory is in.
func (c *Cache) Root() string { return c.root }

// path returns the file of an entry.
func (c *Cache) path(kind Kind, k Key) string {
	s := k.String()
	return filepath.Join(c.dir, string(kind), s[:2], s)
}

// Get returns the payload of the entry kind/k. It returns ErrMiss when
// there is none, and a *CorruptError when the file is damaged (it is
// then removed). Reading refreshes the entry's modification time, at most
// once an hour, so that Trim keeps what is used.
func (c *Cache) Get(kind Kind, k Key) ([]byte, error) {
	name := c.path(kind, k)
	f, err := os.Open(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, ErrMiss
		}
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, int64(headerSize+MaxEntrySize+1)))
	f.Close()
	if err != nil {
		return nil, err
	}
	payload, reason := decode(data, k)
	if reason != "" {
		return nil, c.drop(name, reason)
	}
	if now := c.now(); now.Sub(st.ModTime()) > touchEvery {
		_ = os.Chtimes(name, now, now) // best effort: a read-only cache still reads
	}
	return payload, nil
}

// drop removes a corrupt entry and returns the error saying so.
func (c *Cache) drop(name, reason string) error {
	_ = os.Remove(name)
	return &CorruptError{Path: name, Reason: reason}
}

// decode checks an entry file and returns its payload, or the reason it
// is not a valid entry for key k.
func decode(data []byte, k Key) ([]byte, string) {
	if len(data) < headerSize {
		return nil, fmt.Sprintf("%d bytes, shorter than the header", len(data))
	}
	h := data[:headerSize]
	if string(h[:len(magic)]) != magic {
		return nil, "not a cache entry"
	}
	h = h[len(magic):]
	if v := binary.BigEndian.Uint32(h); v != formatVersion {
		return nil, fmt.Sprintf("format version %d, want %d", v, formatVersion)
	}
	h = h[4:]
	if !bytes.Equal(h[:sha256.Size], k[:]) {
		return nil, "the entry is for another key"
	}
	h = h[sha256.Size:]
	size := binary.BigEndian.Uint64(h)
	h = h[8:]
	payload := data[headerSize:]
	if size > MaxEntrySize || size != uint64(len(payload)) {
		return nil, fmt.Sprintf("payload of %d bytes, header says %d", len(payload), size)
	}
	if sum := sha256.Sum256(payload); !bytes.Equal(sum[:], h[:sha256.Size]) {
		return nil, "checksum mismatch"
	}
	return payload, ""
}

// encode returns the entry file for payload under key k.
func encode(k Key, payload []byte) []byte {
	out := make([]byte, 0, headerSize+len(payload))
	out = append(out, magic...)
	out = binary.BigEndian.AppendUint32(out, formatVersion)
	out = append(out, k[:]...)
	out = binary.BigEndian.AppendUint64(out, uint64(len(payload)))
	sum := sha256.Sum256(payload)
	out = append(out, sum[:]...)
	return append(out, payload...)
}

// Put stores payload as the entry kind/k, replacing any entry there. The
// file is not synced: after a crash a torn entry fails its checksum and
// is recomputed, which is all a cache needs. Once a day, Put also trims
// the cache (Trim with the default limits).
func (c *Cache) Put(kind Kind, k Key, payload []byte) error {
	if len(payload) > MaxEntrySize {
		return fmt.Errorf("cache entry of %d bytes is larger than %d", len(payload), MaxEntrySize)
	}
	if err := WriteFileAtomic(c.path(kind, k), encode(k, payload)); err != nil {
		return err
	}
	c.maybeTrim()
	return nil
}

// maybeTrim trims the cache when the last trim is more than trimEvery
// ago, as recorded by the modification time of the trim stamp file.
func (c *Cache) maybeTrim() {
	stamp := filepath.Join(c.dir, "trim.txt")
	now := c.now()
	if st, err := os.Stat(stamp); err == nil && now.Sub(st.ModTime()) < trimEvery {
		return
	}
	// Whoever rewrites the stamp first trims; a concurrent run that also
	// saw an old stamp trims too, which is harmless.
	if err := WriteFileAtomic(stamp, []byte(now.UTC().Format(time.RFC3339)+"\n")); err != nil {
		return
	}
	_, _, _ = c.Trim(DefaultMaxAge, DefaultMaxSize)
}

// entryFile is one file of the results directory.
type entryFile struct {
	path  string
	kind  Kind
	size  int64
	mtime time.Time
	temp  bool // a temporary file being (or left) written
}

// list returns every entry and temporary file, oldest first.
func (c *Cache) list() ([]entryFile, error) {
	var out []entryFile
	for _, kind := range kinds {
		root := filepath.Join(c.dir, string(kind))
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				return err
			}
			if d.IsDir() || !d.Type().IsRegular() {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return nil // removed meanwhile
			}
			out = append(out, entryFile{
				path: path, kind: kind, size: info.Size(), mtime: info.ModTime(),
				temp: strings.HasPrefix(d.Name(), tempPrefix),
			})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	slices.SortFunc(out, func(a, b entryFile) int { return a.mtime.Compare(b.mtime) })
	return out, nil
}

// Trim removes the entries not used for maxAge, then, while the entries
// take more than maxSize bytes, the least recently used ones; and the
// temporary files of writers that crashed (older than an hour). It
// returns how many files it removed and their size. Entries in use by a
// concurrent run may be removed: that run then misses or fails to write,
// nothing worse.
func (c *Cache) Trim(maxAge time.Duration, maxSize int64) (removed int, freed int64, err error) {
	files, err := c.list()
	if err != nil {
		return 0, 0, err
	}
	now := c.now()
	var keep []entryFile
	var total int64
	rm := func(f entryFile) {
		if os.Remove(f.path) == nil {
			removed++
			freed += f.size
		}
	}
	for _, f := range files {
		age := now.Sub(f.mtime)
		switch {
		case f.temp && age > time.Hour:
			rm(f)
		case f.temp:
		case age > maxAge:
			rm(f)
		default:
			keep = append(keep, f)
			total += f.size
		}
	}
	for _, f := range keep { // oldest first
		if total <= maxSize {
			break
		}
		rm(f)
		total -= f.size
	}
	return removed, freed, nil
}

// Clean removes every entry (the whole results directory, recreated
// empty). Runs in progress lose the entries they were about to write.
func (c *Cache) Clean() error {
	for _, kind := range kinds {
		if err := os.RemoveAll(filepath.Join(c.dir, string(kind))); err != nil {
			return err
		}
	}
	return nil
}

// Info describes the results directory.
type Info struct {
	Dir     string // the results directory
	Entries int
	Size    int64 // bytes, entries only
	ByKind  map[Kind]KindInfo
	// Oldest and Newest are the last-use times of the least and most
	// recently used entries; zero when there is none.
	Oldest, Newest time.Time
}

// KindInfo counts the entries of one kind.
type KindInfo struct {
	Entries int
	Size    int64
}

// Info returns the number and size of the entries.
func (c *Cache) Info() (Info, error) {
	in := Info{Dir: c.dir, ByKind: map[Kind]KindInfo{}}
	files, err := c.list()
	if err != nil {
		return in, err
	}
	for _, f := range files {
		if f.temp {
			continue
		}
		in.Entries++
		in.Size += f.size
		ki := in.ByKind[f.kind]
		ki.Entries++
		ki.Size += f.size
		in.ByKind[f.kind] = ki
		if in.Oldest.IsZero() {
			in.Oldest = f.mtime
		}
		in.Newest = f.mtime
	}
	return in, nil
}
