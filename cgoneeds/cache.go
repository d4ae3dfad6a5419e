package cgoneeds

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/xcheck-dev/xcheck/abi/cc"
	"github.com/xcheck-dev/xcheck/internal/boundedfile"
)

// Timeout bounds one run of pkg-config or of the C compiler.
const Timeout = 10 * time.Second

// maxOutput caps what is kept of a command's output.
const maxOutput = 64 << 10

// Cache holds what does not change between targets: compiler probes,
// pkg-config answers and what library files are. Share one between the
// targets of a run; it is safe for concurrent use. The zero Cache is
// ready to use.
type Cache struct {
	prober cc.Prober

	mu   sync.Mutex
	ccs  map[string]*compiler
	pcs  map[string]*pcRun
	objs map[objKey]*object
	srcs map[objKey]*Source
}

func (c *Cache) init() {
	if c.ccs == nil {
		c.ccs = map[string]*compiler{}
		c.pcs = map[string]*pcRun{}
		c.objs = map[objKey]*object{}
		c.srcs = map[objKey]*Source{}
	}
}

// compiler is what the target's C compiler says about its own files.
type compiler struct {
	info *cc.Info
	// usable is set when the compiler exists and targets the target's
	// GOOS/GOARCH; its own directories are searched only then.
	usable      bool
	includeDirs []string // -print-file-name=include, include-fixed
	libDir      string   // directory of -print-libgcc-file-name
}

// compiler probes ccValue (CC) with env for a target.
func (c *Cache) compiler(ctx context.Context, ccValue string, env []string, goos, goarch string) *compiler {
	key := strings.Join([]string{ccValue, lookupEnv(env, "PATH"), goos, goarch}, "\x00")
	c.mu.Lock()
	c.init()
	if v, ok := c.ccs[key]; ok {
		c.mu.Unlock()
		return v
	}
	c.mu.Unlock()

	comp := &compiler{}
	if ccValue != "" {
		comp.info = c.prober.Probe(ctx, ccValue, env)
		t := comp.info.Target
		comp.usable = comp.info.Found() && t.GOARCH == goarch && (t.GOOS == "" || t.GOOS == goos || t.GOOS == "linux" && goos == "android")
	}
	if comp.usable {
		for _, name := range []string{"include", "include-fixed"} {
			out, err := cc.Run(ctx, comp.info, env, "-print-file-name="+name)
			d := strings.TrimSpace(out)
			if err == nil && filepath.IsAbs(d) {
				if fi, err := os.Stat(d); err == nil && fi.IsDir() {
					comp.includeDirs = append(comp.includeDirs, filepath.Clean(d))
				}
			}
		}
		if out, err := cc.Run(ctx, comp.info, env, "-print-libgcc-file-name"); err == nil {
			f := strings.TrimSpace(out)
			if filepath.IsAbs(f) {
				if fi, err := os.Stat(f); err == nil && fi.Mode().IsRegular() {
					comp.libDir = filepath.Dir(f)
				}
			}
		}
	}
	c.mu.Lock()
	c.ccs[key] = comp
	c.mu.Unlock()
	return comp
}

// pcRun is one pkg-config run.
type pcRun struct {
	ok       bool
	notFound bool     // the pkg-config program is not installed
	flags    []string // --cflags --libs output, split
	errLine  string   // the most telling line of its error output
}

// pkgConfigEnvVars are the variables that change pkg-config's answer.
var pkgConfigEnvVars = []string{
	"PKG_CONFIG_PATH", "PKG_CONFIG_LIBDIR", "PKG_CONFIG_SYSROOT_DIR",
	"PKG_CONFIG_ALLOW_SYSTEM_CFLAGS", "PKG_CONFIG_ALLOW_SYSTEM_LIBS", "PKG_CONFIG_TOP_BUILD_DIR",
	"PKG_CONFIG_SYSTEM_INCLUDE_PATH", "PKG_CONFIG_SYSTEM_LIBRARY_PATH", "PATH",
}

// pkgConfig runs `PKG_CONFIG --cflags --libs [flags] -- pkg` with env.
func (c *Cache) pkgConfig(ctx context.Context, prog string, env []string, flags []string, pkg string) *pcRun {
	parts := []string{prog, pkg, strings.Join(flags, " ")}
	for _, k := range pkgConfigEnvVars {
		v, ok := lookupEnvOK(env, k)
		if ok {
			parts = append(parts, k+"="+v)
		} else {
			parts = append(parts, k+"!")
		}
	}
	key := strings.Join(parts, "\x00")
	c.mu.Lock()
	c.init()
	if v, ok := c.pcs[key]; ok {
		c.mu.Unlock()
		return v
	}
	c.mu.Unlock()

	r := runPkgConfig(ctx, prog, env, flags, pkg)
	c.mu.Lock()
	c.pcs[key] = r
	c.mu.Unlock()
	return r
}

func runPkgConfig(ctx context.Context, prog string, env []string, flags []string, pkg string) *pcRun {
	path, err := lookPath(prog, env)
	if err != nil {
		return &pcRun{notFound: true, errLine: err.Error()}
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	args := append([]string{"--cflags", "--libs"}, flags...)
	args = append(args, "--", pkg)
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = env
	cmd.WaitDelay = time.Second
	var stdout, stderr capped
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if err != nil {
		r := &pcRun{errLine: pcErrorLine(stderr.String())}
		if ctx.Err() != nil {
			r.errLine = "pkg-config timed out after " + Timeout.String()
		} else if r.errLine == "" {
			r.errLine = err.Error()
		}
		return r
	}
	words, _, err := splitQuoted(stdout.String())
	if err != nil {
		return &pcRun{errLine: "cannot split pkg-config output: " + err.Error()}
	}
	return &pcRun{ok: true, flags: words}
}

// pcErrorLine picks the line of pkg-config's error output that says what
// is missing: pkgconf ends with "Package 'bar', required by 'foo', not
// found"; the first line is the generic "Package foo was not found".
func pcErrorLine(stderr string) string {
	var lines []string
	for _, l := range strings.Split(stderr, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.Contains(lines[i], "required by") {
			return lines[i]
		}
	}
	if len(lines) > 0 {
		return lines[0]
	}
	return ""
}

// capped is a bytes.Buffer that keeps the first maxOutput bytes.
type capped struct{ bytes.Buffer }

func (c *capped) Write(p []byte) (int, error) {
	if room := maxOutput - c.Len(); room > 0 {
		c.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// objKey identifies a file's content cheaply.
type objKey struct {
	path  string
	size  int64
	mtime int64
}

// object reads (or recalls) what the file path in d is.
func (c *Cache) object(d dirSpec, path string) *object {
	fi, err := os.Stat(path)
	if err != nil {
		return &object{kind: objOther, what: "unreadable", err: err}
	}
	if !fi.Mode().IsRegular() {
		return &object{kind: objOther, what: "not a regular file"}
	}
	key := objKey{path, fi.Size(), fi.ModTime().UnixNano()}
	c.mu.Lock()
	c.init()
	if o, ok := c.objs[key]; ok {
		c.mu.Unlock()
		return o
	}
	c.mu.Unlock()
	var o *object
	f, err := open(d, path)
	if err != nil {
		o = &object{kind: objOther, what: "unreadable", err: err}
	} else {
		o = readObject(f, fi.Size(), filepath.Base(path))
		f.Close()
	}
	c.mu.Lock()
	c.objs[key] = o
	c.mu.Unlock()
	return o
}

// source reads (or recalls) a C file or header. One that is not a
// regular file (a named pipe would block the read for ever) or is over
// MaxSourceSize is not read: a *boundedfile.Error.
func (c *Cache) source(path string) (*Source, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	key := objKey{path, fi.Size(), fi.ModTime().UnixNano()}
	c.mu.Lock()
	c.init()
	if s, ok := c.srcs[key]; ok {
		c.mu.Unlock()
		return s, nil
	}
	c.mu.Unlock()
	data, _, err := boundedfile.Read(path, MaxSourceSize, "a C source file")
	if err != nil {
		return nil, err
	}
	s := NewSource(path, string(data))
	c.mu.Lock()
	c.srcs[key] = s
	c.mu.Unlock()
	return s, nil
}

func lookupEnvOK(env []string, key string) (string, bool) {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}

func lookupEnv(env []string, key string) string {
	v, _ := lookupEnvOK(env, key)
	return v
}

// lookPath finds prog in the PATH of env (not of this process); a
// program found through a relative PATH entry is an error, as in the go
// command (see [cc.LookPathIn]).
func lookPath(prog string, env []string) (string, error) {
	if strings.Contains(prog, "/") {
		return exec.LookPath(prog)
	}
	return cc.LookPathIn(prog, lookupEnv(env, "PATH"))
}
