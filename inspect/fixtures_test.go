package inspect

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// The tests inspect artifacts built for real: Go programs with `go build`
// for several targets (cgo on and off), C and C++ programs with the
// Debian cross compilers, and ar archives with `ar`. scripts/setup.sh
// installs the compilers (scripts/apt-packages.txt); without them a test
// is skipped, and in CI (CI=true) it fails. Each artifact is built once per
// test binary, on first use, into a shared temporary directory.

var fixtureDir string

func TestMain(m *testing.M) {
	d, err := os.MkdirTemp("", "xcheck-inspect-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fixtureDir = d
	code := m.Run()
	os.RemoveAll(d)
	os.Exit(code)
}

// goProgram uses net and os/user, so that cgo links glibc's resolver and
// NSS functions when it is on.
const goProgram = `package main

import (
	"fmt"
	"net"
	"os/user"
)

func main() {
	u, err := user.Current()
	addrs, _ := net.LookupHost("localhost")
	fmt.Println(u, err, addrs)
}
`

const cProgram = `#include <stdio.h>
#include <pthread.h>
static void *run(void *p) { return p; }
int main(int argc, char **argv) {
	pthread_t t;
	pthread_create(&t, 0, run, argv);
	pthread_join(t, 0);
	printf("%d %f\n", argc, argc * 1.5);
	return 0;
}
`

const cxxProgram = `#include <string>
#include <iostream>
#include <vector>
int main(int c, char **v) {
	std::string s(v[0]);
	std::vector<int> x(c);
	std::cout << s.size() << x.size() << std::endl;
}
`

const verLib = `int ver_one(void) { return 1; }
int ver_two(void) { return 2; }
`

const verApp = `int ver_two(void);
int main(void) { return ver_two(); }
`

type fixture struct {
	tools []string // commands that must be on PATH
	pkg   string   // Debian package that provides them
	build func(b *builder) error
	deps  []string // fixtures the build reads
}

type builder struct {
	dir string // where sources and outputs go
	out string // the output path
}

func (b *builder) run(env []string, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = b.dir
	cmd.Env = append(os.Environ(), env...)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, buf.String())
	}
	return nil
}

func (b *builder) write(name, content string) string {
	p := filepath.Join(b.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		panic(err)
	}
	return p
}

// goBuild builds goProgram with the environment given.
func goBuild(env ...string) func(b *builder) error {
	return func(b *builder) error {
		src := filepath.Join(fixtureDir, "gosrc")
		if err := os.MkdirAll(src, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte("module example.com/app\n\ngo 1.22\n"), 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(src, "main.go"), []byte(goProgram), 0o644); err != nil {
			return err
		}
		var args []string
		var e []string
		for _, kv := range env {
			if v, ok := strings.CutPrefix(kv, "LDFLAGS="); ok {
				args = append(args, "-ldflags="+v)
				continue
			}
			e = append(e, kv)
		}
		b2 := &builder{dir: src}
		return b2.run(append([]string{"GOTOOLCHAIN=local", "GOFLAGS=-mod=mod", "GOPROXY=off"}, e...), "go", append(append([]string{"build", "-o", b.out}, args...), ".")...)
	}
}

// tamper zeroes the build info magic of a built fixture.
func tamper(from string) func(b *builder) error {
	return func(b *builder) error {
		data, err := os.ReadFile(fixturePath(from))
		if err != nil {
			return err
		}
		i := bytes.Index(data, []byte("\xff Go buildinf:"))
		if i < 0 {
			return fmt.Errorf("%s has no build info", from)
		}
		copy(data[i:], make([]byte, 14))
		return os.WriteFile(b.out, data, 0o755)
	}
}

func cBuild(compiler string, args ...string) func(b *builder) error {
	return func(b *builder) error {
		src := b.write(filepath.Base(b.out)+".c", cProgram)
		return b.run(nil, compiler, append(append([]string{"-O1", "-o", b.out}, args...), src, "-lpthread")...)
	}
}

func cobj(compiler string, args ...string) func(b *builder) error {
	return func(b *builder) error {
		src := b.write(filepath.Base(b.out)+".c", cProgram)
		return b.run(nil, compiler, append(append([]string{"-O1", "-c", "-o", b.out}, args...), src)...)
	}
}

// archive makes an ar archive of fixture objects, each copied under the
// member name given (long names go into the GNU name table).
func archive(members map[string]string) func(b *builder) error {
	return func(b *builder) error {
		var names []string
		for name, from := range members {
			data, err := os.ReadFile(fixturePath(from))
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(b.dir, name), data, 0o644); err != nil {
				return err
			}
			names = append(names, name)
		}
		slices.Sort(names)
		return b.run(nil, "ar", append([]string{"rcs", b.out}, names...)...)
	}
}

// verLibrary builds libver.so.1 for aarch64 with a version script
// defining the versions given (VER_1 ver_one; VER_2 ver_two).
func verLibrary(versions ...string) func(b *builder) error {
	return func(b *builder) error {
		var script strings.Builder
		for i, v := range versions {
			sym := []string{"ver_one", "ver_two"}[i]
			if i == len(versions)-1 && len(versions) == 1 {
				sym = "ver_one; ver_two"
			}
			fmt.Fprintf(&script, "%s { global: %s; };\n", v, sym)
		}
		vs := b.write(filepath.Base(b.out)+".map", script.String())
		src := b.write(filepath.Base(b.out)+".c", verLib)
		return b.run(nil, "aarch64-linux-gnu-gcc", "-shared", "-fPIC", "-o", b.out, "-Wl,-soname,libver.so.1", "-Wl,--version-script="+vs, src)
	}
}

// verApp links an aarch64 program against libver v2 (needing VER_2),
// with the given extra linker flags.
func verApplication(extra ...string) func(b *builder) error {
	return func(b *builder) error {
		lib := fixturePath("libver-v2.so")
		dir := filepath.Join(b.dir, "verlib-"+filepath.Base(b.out))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		data, err := os.ReadFile(lib)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "libver.so"), data, 0o644); err != nil {
			return err
		}
		src := b.write(filepath.Base(b.out)+".c", verApp)
		return b.run(nil, "aarch64-linux-gnu-gcc", append([]string{"-o", b.out, src, "-L" + dir, "-lver"}, extra...)...)
	}
}

var fixtures = map[string]fixture{
	"go-linux-arm64-cgo":  {[]string{"go", "aarch64-linux-gnu-gcc"}, "gcc-aarch64-linux-gnu", goBuild("GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=1", "CC=aarch64-linux-gnu-gcc"), nil},
	"go-linux-arm64":      {[]string{"go"}, "golang", goBuild("GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0"), nil},
	"go-linux-arm7":       {[]string{"go"}, "golang", goBuild("GOOS=linux", "GOARCH=arm", "GOARM=7", "CGO_ENABLED=0"), nil},
	"go-linux-arm6":       {[]string{"go"}, "golang", goBuild("GOOS=linux", "GOARCH=arm", "GOARM=6", "CGO_ENABLED=0"), nil},
	"go-linux-amd64-v3":   {[]string{"go"}, "golang", goBuild("GOOS=linux", "GOARCH=amd64", "GOAMD64=v3", "CGO_ENABLED=0"), nil},
	"go-linux-amd64-cgo":  {[]string{"go", "gcc"}, "gcc", goBuild("GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=1", "CC=gcc"), nil},
	"go-linux-riscv64":    {[]string{"go"}, "golang", goBuild("GOOS=linux", "GOARCH=riscv64", "CGO_ENABLED=0"), nil},
	"go-windows-amd64":    {[]string{"go"}, "golang", goBuild("GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0"), nil},
	"go-darwin-arm64":     {[]string{"go"}, "golang", goBuild("GOOS=darwin", "GOARCH=arm64", "CGO_ENABLED=0"), nil},
	"go-linux-amd64-pie":  {[]string{"go", "gcc"}, "gcc", goBuild("GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=1", "CC=gcc", "GOFLAGS=-mod=mod -buildmode=pie"), nil},
	"go-static-glibc":     {[]string{"go", "gcc"}, "gcc", goBuild("GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=1", "CC=gcc", "LDFLAGS=-linkmode external -extldflags -static"), nil},
	"go-amd64-tampered":   {[]string{"go", "gcc"}, "gcc", tamper("go-linux-amd64-cgo"), []string{"go-linux-amd64-cgo"}},
	"go-windows-tampered": {[]string{"go"}, "golang", tamper("go-windows-amd64"), []string{"go-windows-amd64"}},

	"c-aarch64":        {[]string{"aarch64-linux-gnu-gcc"}, "gcc-aarch64-linux-gnu", cBuild("aarch64-linux-gnu-gcc"), nil},
	"c-aarch64-static": {[]string{"aarch64-linux-gnu-gcc"}, "gcc-aarch64-linux-gnu", cBuild("aarch64-linux-gnu-gcc", "-static"), nil},
	"c-armhf":          {[]string{"arm-linux-gnueabihf-gcc"}, "gcc-arm-linux-gnueabihf", cBuild("arm-linux-gnueabihf-gcc"), nil},
	"c-armel":          {[]string{"arm-linux-gnueabi-gcc"}, "gcc-arm-linux-gnueabi", cBuild("arm-linux-gnueabi-gcc"), nil},
	"c-riscv64":        {[]string{"riscv64-linux-gnu-gcc"}, "gcc-riscv64-linux-gnu", cBuild("riscv64-linux-gnu-gcc"), nil},
	"c-mingw.exe":      {[]string{"x86_64-w64-mingw32-gcc"}, "gcc-mingw-w64-x86-64", cBuild("x86_64-w64-mingw32-gcc"), nil},
	"c-musl":           {[]string{"musl-gcc"}, "musl-tools", cBuild("musl-gcc"), nil},
	"c-musl-static":    {[]string{"musl-gcc"}, "musl-tools", cBuild("musl-gcc", "-static"), nil},
	"cxx-aarch64": {[]string{"aarch64-linux-gnu-g++"}, "g++-aarch64-linux-gnu", func(b *builder) error {
		src := b.write("hello.cc", cxxProgram)
		return b.run(nil, "aarch64-linux-gnu-g++", "-O1", "-o", b.out, src)
	}, nil},

	"o-armhf.o":   {[]string{"arm-linux-gnueabihf-gcc"}, "gcc-arm-linux-gnueabihf", cobj("arm-linux-gnueabihf-gcc"), nil},
	"o-armel.o":   {[]string{"arm-linux-gnueabi-gcc"}, "gcc-arm-linux-gnueabi", cobj("arm-linux-gnueabi-gcc"), nil},
	"o-aarch64.o": {[]string{"aarch64-linux-gnu-gcc"}, "gcc-aarch64-linux-gnu", cobj("aarch64-linux-gnu-gcc"), nil},
	"o-amd64.o":   {[]string{"gcc"}, "gcc", cobj("gcc"), nil},
	"libarmel.a": {[]string{"ar", "arm-linux-gnueabi-gcc"}, "gcc-arm-linux-gnueabi", archive(map[string]string{
		"a.o": "o-armel.o", "a-member-with-a-long-name.o": "o-armel.o",
	}), []string{"o-armel.o"}},
	"libarmhf.a": {[]string{"ar", "arm-linux-gnueabihf-gcc"}, "gcc-arm-linux-gnueabihf", archive(map[string]string{
		"hf1.o": "o-armhf.o", "hf2.o": "o-armhf.o",
	}), []string{"o-armhf.o"}},
	"libmixed.a": {[]string{"ar", "aarch64-linux-gnu-gcc", "gcc"}, "gcc-aarch64-linux-gnu", archive(map[string]string{
		"arm64-one.o": "o-aarch64.o", "arm64-two.o": "o-aarch64.o", "amd64.o": "o-amd64.o",
	}), []string{"o-aarch64.o", "o-amd64.o"}},

	"libver-v1.so": {[]string{"aarch64-linux-gnu-gcc"}, "gcc-aarch64-linux-gnu", verLibrary("VER_1"), nil},
	"libver-v2.so": {[]string{"aarch64-linux-gnu-gcc"}, "gcc-aarch64-linux-gnu", verLibrary("VER_1", "VER_2"), nil},
	"app-ver":      {[]string{"aarch64-linux-gnu-gcc"}, "gcc-aarch64-linux-gnu", verApplication(), []string{"libver-v2.so"}},
}

var fixtureMu sync.Mutex
var fixtureErr = map[string]error{}

func fixturePath(name string) string { return filepath.Join(fixtureDir, name) }

// artifact returns the path of the named fixture, building it first if
// needed. A missing tool skips the test (fails it in CI).
func artifact(t testing.TB, name string) string {
	t.Helper()
	fx, ok := fixtures[name]
	if !ok {
		t.Fatalf("no fixture %q", name)
	}
	for _, tool := range fx.tools {
		if _, err := exec.LookPath(tool); err != nil {
			needTool(t, tool, fx.pkg)
		}
	}
	p, err := buildFixture(name)
	if err != nil {
		t.Fatalf("building %s: %v", name, err)
	}
	return p
}

// buildFixture builds the named fixture and what it needs, once.
func buildFixture(name string) (string, error) {
	fx := fixtures[name]
	for _, tool := range fx.tools {
		if _, err := exec.LookPath(tool); err != nil {
			return "", err
		}
	}
	for _, d := range fx.deps {
		if _, err := buildFixture(d); err != nil {
			return "", err
		}
	}
	fixtureMu.Lock()
	defer fixtureMu.Unlock()
	p := fixturePath(name)
	if err, ok := fixtureErr[name]; ok {
		return p, err
	}
	dir := filepath.Join(fixtureDir, "build-"+name)
	err := os.MkdirAll(dir, 0o755)
	if err == nil {
		err = fx.build(&builder{dir: dir, out: p})
	}
	fixtureErr[name] = err
	return p, err
}

func needTool(t testing.TB, tool, pkg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is missing; CI installs it (apt-get install -y %s, see scripts/apt-packages.txt)", tool, pkg)
	}
	t.Skipf("%s is missing; install it with: apt-get install -y %s", tool, pkg)
}
