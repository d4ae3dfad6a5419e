package e2e

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"go/format"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// genModulePath is the module path of the generated module.
const genModulePath = "example.com/load"

// genConfig describes the module generateModule writes: Layers layers of
// PerLayer packages each, plus the root main package. Seed fixes the
// import graph: the same configuration always writes the same bytes.
type genConfig struct {
	Layers, PerLayer int
	Seed             uint64
}

// genModule is what generateModule wrote.
type genModule struct {
	Dir string
	// Packages are the import paths of the module's packages, the root
	// main package included, sorted. Every one of them builds for every
	// target: the per-OS files cover all GOOS values.
	Packages []string
	Files    int   // files written, go.mod included
	Bytes    int64 // their total size
	Lines    int   // lines of Go source, ignored files and tests included
	// Hazard is the one XC2005 hazard planted in the module: a 64-bit
	// atomic on a field at offset 4 of its struct on 32-bit targets.
	Hazard genHazard
}

// genHazard is the position of the planted XC2005 hazard: the argument
// &c.hits of atomic.AddInt64.
type genHazard struct {
	Package string // import path
	File    string // relative to the module root, slash-separated
	Line    int
	Column  int
}

// Which packages get which feature, by the package's index in the module
// (layer*PerLayer + position): fixed residues rather than random draws,
// so that a small module (a hundred packages) has every feature too.
func genHasGenerics(i int) bool { return i%3 == 0 }
func genHasOS(i int) bool       { return i%4 == 1 }
func genHasPerOS(i int) bool    { return i%10 == 2 }
func genHasHTTP(i int) bool     { return i%25 == 3 }
func genHasSignal(i int) bool   { return i%40 == 5 }
func genHasIgnored(i int) bool  { return i%50 == 7 }
func genHasTest(i int) bool     { return i%20 == 11 }

// splitmix64 is a tiny deterministic generator (Steele, Lea and Flood's
// SplitMix64), spelled out here so that the generated module never
// changes with the Go release, as math/rand's streams may.
type splitmix64 struct{ state uint64 }

func (r *splitmix64) next() uint64 {
	r.state += 0x9e3779b97f4a7c15
	z := r.state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a number in [0, n).
func (r *splitmix64) intn(n int) int { return int(r.next() % uint64(n)) }

// genPkg is one generated package.
type genPkg struct {
	index, layer, pos int
	name              string // package name, unique in the module: l07p23
	dir               string // slash-separated, relative to the root: layer07/l07p23
	deps              []*genPkg
}

func (p *genPkg) path() string { return genModulePath + "/" + p.dir }

// generateModule writes the module described by cfg into dir, which must
// exist: a deterministic stand-in for a large real module, with no
// dependency outside the standard library.
//
// Package l<L>p<J> (directory layer<L>/l<L>p<J>) of layer L > 0 imports
// 2 to 4 packages of earlier layers, one of them from layer L-1, so the
// import graph is as deep as it has layers; layer 0 imports only the
// standard library, and the root main package imports every package of
// the last layer. Each package has about 150 to 200 lines: constants, an
// enum with a String method, a struct with methods, an interface its
// dependencies' types satisfy, a mutex-guarded store, parsing with
// strconv, errors wrapped with %w and, in some packages, generics (cmp,
// a generic set and map function), os, net/http, os/signal and syscall,
// files per OS (_linux.go, _windows.go and one for the rest with
// `//go:build !linux && !windows`), a `//go:build ignore` program and an
// external test. The sources are gofmt'ed (go/format).
//
// One package, in the middle layer, plants one XC2005 hazard
// (genModule.Hazard), reported on 386, arm, mips and mipsle only.
func generateModule(dir string, cfg genConfig) (*genModule, error) {
	if cfg.Layers < 1 || cfg.PerLayer < 1 {
		return nil, fmt.Errorf("generateModule: %d layers of %d packages", cfg.Layers, cfg.PerLayer)
	}
	rnd := &splitmix64{state: cfg.Seed}
	layers := make([][]*genPkg, cfg.Layers)
	for l := range layers {
		for j := range cfg.PerLayer {
			name := fmt.Sprintf("l%02dp%02d", l, j)
			p := &genPkg{index: l*cfg.PerLayer + j, layer: l, pos: j, name: name, dir: fmt.Sprintf("layer%02d/%s", l, name)}
			if l > 0 {
				want := 2 + rnd.intn(3)
				seen := map[*genPkg]bool{}
				for k := 0; len(p.deps) < want && k < 4*want; k++ {
					dl := l - 1
					if k > 0 {
						dl = rnd.intn(l)
					}
					d := layers[dl][rnd.intn(cfg.PerLayer)]
					if !seen[d] {
						seen[d] = true
						p.deps = append(p.deps, d)
					}
				}
				slices.SortFunc(p.deps, func(a, b *genPkg) int { return strings.Compare(a.name, b.name) })
			}
			layers[l] = append(layers[l], p)
		}
	}
	hazardPkg := layers[cfg.Layers/2][7%cfg.PerLayer]

	m := &genModule{Dir: dir}
	write := func(rel string, src []byte, gofmt bool) error {
		if gofmt {
			out, err := format.Source(src)
			if err != nil {
				return fmt.Errorf("generated %s does not parse: %v", rel, err)
			}
			src = out
			m.Lines += bytes.Count(src, []byte("\n"))
		}
		name := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
		m.Files++
		m.Bytes += int64(len(src))
		return os.WriteFile(name, src, 0o644)
	}

	if err := write("go.mod", []byte("module "+genModulePath+"\n\ngo 1.24\n"), false); err != nil {
		return nil, err
	}
	for _, layer := range layers {
		for _, p := range layer {
			m.Packages = append(m.Packages, p.path())
			files := map[string][]byte{p.dir + "/" + p.name + ".go": genMainFile(p)}
			if genHasPerOS(p.index) {
				for _, goos := range []string{"linux", "windows", "other"} {
					files[p.dir+"/sys_"+goos+".go"] = genPerOSFile(p, goos)
				}
			}
			if genHasIgnored(p.index) {
				files[p.dir+"/gen_tables.go"] = genIgnoredFile(p)
			}
			if genHasTest(p.index) {
				files[p.dir+"/"+p.name+"_test.go"] = genTestFile(p)
			}
			if p == hazardPkg {
				rel := p.dir + "/hits.go"
				src, line, col := genHazardFile(p)
				files[rel] = src
				m.Hazard = genHazard{Package: p.path(), File: rel, Line: line, Column: col}
			}
			for _, rel := range slices.Sorted(maps.Keys(files)) {
				if err := write(rel, files[rel], true); err != nil {
					return nil, err
				}
			}
		}
	}
	if err := write("main.go", genRootFile(layers[len(layers)-1]), true); err != nil {
		return nil, err
	}
	m.Packages = append(m.Packages, genModulePath)
	slices.Sort(m.Packages)
	return m, nil
}

// genMainFile is the package's main file.
func genMainFile(p *genPkg) []byte {
	var b strings.Builder
	pf := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	i := p.index
	pf("// Package %s is generated code for xcheck's load test (layer %d,\n", p.name, p.layer)
	pf("// package %d): a concurrent store of scored items.\n", p.pos)
	pf("package %s\n\n", p.name)

	imports := []string{"errors", "fmt", "io", "sort", "strconv", "strings", "sync", "sync/atomic", "time"}
	if genHasGenerics(i) {
		imports = append(imports, "cmp")
	}
	if genHasOS(i) || genHasSignal(i) {
		imports = append(imports, "os")
	}
	if genHasHTTP(i) {
		imports = append(imports, "net/http")
	}
	if genHasSignal(i) {
		imports = append(imports, "os/signal", "syscall")
	}
	slices.Sort(imports)
	pf("import (\n")
	for _, imp := range imports {
		pf("\t%q\n", imp)
	}
	if len(p.deps) > 0 {
		pf("\n")
		for _, d := range p.deps {
			pf("\t%q\n", d.path())
		}
	}
	pf(")\n\n")

	pf(`// Seed and Offset make Mix differ between packages.
const (
	Seed   = %d
	Offset = %d
)

// DefaultTTL is how long an item stays fresh.
const DefaultTTL = %d * time.Second

// ErrNotFound is returned by Store.Get for an unknown ID.
var ErrNotFound = errors.New("%s: item not found")

// Kind says what an item is.
type Kind int

// The kinds.
const (
	KindNone Kind = iota
	KindSmall
	KindLarge
)

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case KindNone:
		return "none"
	case KindSmall:
		return "small"
	case KindLarge:
		return "large"
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Item is one stored value.
type Item struct {
	ID      int
	Label   string
	Kind    Kind
	Tags    []string
	Score   float64
	Created time.Time
}

// Scorer is anything with a name and a weight.
type Scorer interface {
	Name() string
	Weight() float64
}

// Name implements Scorer.
func (it *Item) Name() string {
	return fmt.Sprintf("%%s#%%d[%%s]", it.Label, it.ID, strings.Join(it.Tags, ","))
}

// Weight implements Scorer.
func (it *Item) Weight() float64 { return it.Score * float64(len(it.Tags)+1) }

// Fresh reports whether the item is younger than DefaultTTL at now.
func (it *Item) Fresh(now time.Time) bool { return now.Sub(it.Created) < DefaultTTL }

`, 7+i*13%997, i%101, 1+i%59, p.name)

	for _, d := range p.deps {
		pf("var _ %s.Scorer = (*Item)(nil)\n", d.name)
	}
	if len(p.deps) > 0 {
		pf("\n")
	}

	pf(`// Store holds items; it is safe for concurrent use.
type Store struct {
	mu    sync.RWMutex
	items map[int]*Item
	gets  atomic.Int64
}

// NewStore returns an empty store.
func NewStore() *Store { return &Store{items: map[int]*Item{}} }

// Put adds or replaces it.
func (s *Store) Put(it *Item) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items[it.ID] = it
}

// Get returns the item with the ID.
func (s *Store) Get(id int) (*Item, error) {
	s.gets.Add(1)
	s.mu.RLock()
	defer s.mu.RUnlock()
	it, ok := s.items[id]
	if !ok {
		return nil, fmt.Errorf("get %%d: %%w", id, ErrNotFound)
	}
	return it, nil
}

// Gets returns how many times Get was called.
func (s *Store) Gets() int64 { return s.gets.Load() }

// Sorted returns the items by descending weight, then ID.
func (s *Store) Sorted() []*Item {
	s.mu.RLock()
	out := make([]*Item, 0, len(s.items))
	for _, it := range s.items {
		out = append(out, it)
	}
	s.mu.RUnlock()
	sort.Slice(out, func(a, b int) bool {
		if wa, wb := out[a].Weight(), out[b].Weight(); wa != wb {
			return wa > wb
		}
		return out[a].ID < out[b].ID
	})
	return out
}

// WriteTo writes one line per item, sorted.
func (s *Store) WriteTo(w io.Writer) (int64, error) {
	var n int64
	for _, it := range s.Sorted() {
		k, err := fmt.Fprintf(w, "%%s\t%%s\t%%.3f\n", it.Name(), it.Kind, it.Weight())
		n += int64(k)
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// ParseItem parses "id:label:score[:tag,tag...]".
func ParseItem(s string) (*Item, error) {
	f := strings.Split(s, ":")
	if len(f) < 3 {
		return nil, fmt.Errorf("%s: parse %%q: want id:label:score", s)
	}
	id, err := strconv.Atoi(f[0])
	if err != nil {
		return nil, fmt.Errorf("%s: parse %%q: %%w", s, err)
	}
	score, err := strconv.ParseFloat(f[2], 64)
	if err != nil {
		return nil, fmt.Errorf("%s: parse %%q: %%w", s, err)
	}
	it := &Item{ID: id, Label: f[1], Score: score, Kind: KindSmall}
	if score > 100 {
		it.Kind = KindLarge
	}
	if len(f) > 3 && f[3] != "" {
		it.Tags = strings.Split(f[3], ",")
	}
	return it, nil
}

// Mix returns a number derived from n, the package's seed and offset.
func Mix(n int) int { return (n*Seed + Offset) %% 65521 }

`, p.name, p.name, p.name)

	pf("// Compute mixes n with the package's dependencies.\nfunc Compute(n int) int {\n\th := Mix(n)\n")
	for k, d := range p.deps {
		pf("\th ^= %s.Mix(n + %d)\n", d.name, k+1)
	}
	pf("\tif h < 0 {\n\t\th = -h\n\t}\n\treturn h %% 100003\n}\n\n")

	if len(p.deps) > 0 {
		d := p.deps[0]
		pf(`// Link pairs a local item with one of %s.
type Link struct {
	Local  *Item
	Remote *%s.Item
}

// Weight implements Scorer with the sum of both weights.
func (l Link) Weight() float64 { return l.Local.Weight() + l.Remote.Weight() }

// Name implements Scorer.
func (l Link) Name() string { return l.Local.Name() + "->" + l.Remote.Name() }

`, d.name, d.name)
		for _, d := range p.deps {
			if genHasGenerics(d.index) {
				pf(`// UpperTags returns the item's tags in upper case, with %s.MapSlice.
func UpperTags(it *Item) []string { return %s.MapSlice(it.Tags, strings.ToUpper) }

`, d.name, d.name)
				break
			}
		}
	}

	if genHasGenerics(i) {
		pf(`// Set is a set of comparable values.
type Set[T comparable] map[T]struct{}

// Add adds v.
func (s Set[T]) Add(v T) { s[v] = struct{}{} }

// Has reports whether v is in s.
func (s Set[T]) Has(v T) bool {
	_, ok := s[v]
	return ok
}

// MapSlice returns f applied to each element of xs.
func MapSlice[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, 0, len(xs))
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}

// Largest returns the largest of xs, or the zero value.
func Largest[T cmp.Ordered](xs ...T) T {
	var m T
	for k, x := range xs {
		if k == 0 || cmp.Compare(x, m) > 0 {
			m = x
		}
	}
	return m
}

// Pair is a key and its value.
type Pair[K cmp.Ordered, V any] struct {
	Key K
	Val V
}

// SortedPairs returns the entries of m by key.
func SortedPairs[K cmp.Ordered, V any](m map[K]V) []Pair[K, V] {
	out := make([]Pair[K, V], 0, len(m))
	for k, v := range m {
		out = append(out, Pair[K, V]{k, v})
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Key < out[b].Key })
	return out
}

`)
	}
	if genHasOS(i) {
		pf(`// EnvOr returns the environment variable key, or def when it is unset.
func EnvOr(key, def string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return def
}

// Dump writes s to standard output.
func Dump(s *Store) error {
	_, err := s.WriteTo(os.Stdout)
	return err
}

`)
	}
	if genHasHTTP(i) {
		pf(`// Handler serves the item named by the query parameter id.
func Handler(s *Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.Atoi(r.URL.Query().Get("id"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		it, err := s.Get(id)
		if errors.Is(err, ErrNotFound) {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, it.Name())
	})
}

`)
	}
	if genHasSignal(i) {
		pf(`// NotifyStop relays interrupts and SIGTERM to c.
func NotifyStop(c chan<- os.Signal) { signal.Notify(c, os.Interrupt, syscall.SIGTERM) }

`)
	}
	if genHasPerOS(i) {
		pf(`// Platform describes the build: the OS family and the page size.
func Platform() string { return platform() + "/" + strconv.Itoa(pageSize()) }
`)
	}
	return []byte(b.String())
}

// genPerOSFile is one of the per-OS files: goos is linux, windows or
// other; all three declare the same functions.
func genPerOSFile(p *genPkg, goos string) []byte {
	constraint, imp, page := "", "syscall", "syscall.Getpagesize()"
	if goos == "other" {
		constraint, imp, page = "//go:build !linux && !windows\n\n", "os", "os.Getpagesize()"
	}
	return fmt.Appendf(nil, `%spackage %s

import %q

// platform names the OS family this file is built for.
func platform() string { return %q }

// pageSize returns the memory page size.
func pageSize() int { return %s }
`, constraint, p.name, imp, goos, page)
}

// genIgnoredFile is a program excluded from the build by `//go:build
// ignore`, as generators usually are.
func genIgnoredFile(p *genPkg) []byte {
	return fmt.Appendf(nil, `//go:build ignore

// This program writes the tables of package %s. Run it with
// go run gen_tables.go.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stdout, "// Code generated by gen_tables.go; DO NOT EDIT.")
	for i := range 16 {
		fmt.Fprintf(os.Stdout, "const T%%d = %%d\n", i, i*i)
	}
}
`, p.name)
}

// genTestFile is an external test of the package.
func genTestFile(p *genPkg) []byte {
	return fmt.Appendf(nil, `package %s_test

import (
	"testing"

	%q
)

func TestParseItem(t *testing.T) {
	it, err := %s.ParseItem("7:seven:12.5:a,b")
	if err != nil {
		t.Fatal(err)
	}
	if it.ID != 7 || len(it.Tags) != 2 {
		t.Errorf("ParseItem = %%+v", it)
	}
}
`, p.name, p.path(), p.name)
}

// genHazardFile is the file with the planted XC2005 hazard, and the line
// and column of &c.hits.
func genHazardFile(p *genPkg) ([]byte, int, int) {
	src := fmt.Sprintf(`package %s

import "sync/atomic"

// hitCounter counts hits. On 32-bit targets hits is at offset 4: the
// 64-bit atomic below panics there (XC2005, planted on purpose).
type hitCounter struct {
	enabled bool
	hits    int64
}

// Hit counts one hit.
func (c *hitCounter) Hit() int64 {
	return atomic.AddInt64(&c.hits, 1)
}
`, p.name)
	before, _, _ := strings.Cut(src, "&c.hits")
	line := strings.Count(before, "\n") + 1
	col := len(before) - strings.LastIndex(before, "\n")
	return []byte(src), line, col
}

// genRootFile is the root main package, which imports the last layer.
func genRootFile(last []*genPkg) []byte {
	var b strings.Builder
	b.WriteString("// Command load is the root of the module generated for xcheck's load test.\npackage main\n\nimport (\n\t\"fmt\"\n\n")
	for _, p := range last {
		fmt.Fprintf(&b, "\t%q\n", p.path())
	}
	b.WriteString(")\n\nfunc main() {\n\ttotal := 0\n")
	for k, p := range last {
		fmt.Fprintf(&b, "\ttotal += %s.Compute(%d)\n", p.name, k)
	}
	b.WriteString("\tfmt.Println(total)\n}\n")
	return []byte(b.String())
}

// treeDigest returns a digest of every file under dir, names and
// contents.
func treeDigest(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.ToSlash(rel), len(data))
		h.Write(data)
		return nil
	})
	require.NoError(t, err)
	return fmt.Sprintf("%x", h.Sum(nil))
}

// TestGenerateModule checks the generator on a small module: the same
// configuration writes the same bytes, another seed another graph, and
// the module has what the load test relies on.
func TestGenerateModule(t *testing.T) {
	cfg := genConfig{Layers: 4, PerLayer: 25, Seed: 1}
	a, err := generateModule(t.TempDir(), cfg)
	require.NoError(t, err)
	b, err := generateModule(t.TempDir(), cfg)
	require.NoError(t, err)
	assert.Equal(t, treeDigest(t, a.Dir), treeDigest(t, b.Dir), "the same configuration writes the same module")
	c, err := generateModule(t.TempDir(), genConfig{Layers: 4, PerLayer: 25, Seed: 2})
	require.NoError(t, err)
	assert.NotEqual(t, treeDigest(t, a.Dir), treeDigest(t, c.Dir), "another seed writes another module")

	assert.Len(t, a.Packages, 4*25+1)
	assert.Contains(t, a.Packages, genModulePath)
	assert.Equal(t, genModulePath+"/layer02/l02p07", a.Hazard.Package)
	hits, err := os.ReadFile(filepath.Join(a.Dir, filepath.FromSlash(a.Hazard.File)))
	require.NoError(t, err)
	line := strings.Split(string(hits), "\n")[a.Hazard.Line-1]
	assert.True(t, strings.HasPrefix(line[a.Hazard.Column-1:], "&c.hits"), "the hazard's position: %q column %d", line, a.Hazard.Column)

	var perOS, ignored, tests int
	for l := range 4 {
		for j := range 25 {
			name := fmt.Sprintf("l%02dp%02d", l, j)
			dir := filepath.Join(a.Dir, fmt.Sprintf("layer%02d", l), name)
			src, err := os.ReadFile(filepath.Join(dir, name+".go"))
			require.NoError(t, err)
			n := strings.Count(string(src), "\n")
			assert.True(t, n >= 150 && n <= 300, "%s.go has %d lines", name, n)
			if l > 0 {
				deps := strings.Count(string(src), "\t\""+genModulePath+"/")
				assert.True(t, deps >= 2 && deps <= 4, "%s imports %d packages of the module", name, deps)
				assert.Contains(t, string(src), fmt.Sprintf("\"%s/layer%02d/", genModulePath, l-1), "%s imports the layer before it", name)
			}
			if _, err := os.Stat(filepath.Join(dir, "sys_other.go")); err == nil {
				perOS++
			}
			if _, err := os.Stat(filepath.Join(dir, "gen_tables.go")); err == nil {
				ignored++
			}
			if _, err := os.Stat(filepath.Join(dir, name+"_test.go")); err == nil {
				tests++
			}
		}
	}
	assert.Equal(t, 10, perOS, "packages with files per OS")
	assert.Equal(t, 2, ignored, "packages with a //go:build ignore file")
	assert.Equal(t, 5, tests, "packages with a test")
	t.Logf("%d packages, %d files, %d lines, %d bytes", len(a.Packages), a.Files, a.Lines, a.Bytes)
}
