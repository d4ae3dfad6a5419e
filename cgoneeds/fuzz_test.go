package cgoneeds

import (
	"bytes"
	"fmt"
	"go/parser"
	"go/token"
	"strings"
	"testing"
	"unicode/utf8"
)

var preambleSeeds = []string{
	"\n#include <stdlib.h>\n#include \"x.h\"\n",
	"\n#cgo linux,arm64 LDFLAGS: -L${SRCDIR}/lib -lfoo\n#cgo !windows CFLAGS: -I${SRCDIR}/inc -DX=\"a b\"\n#cgo pkg-config: --static gtk+-3.0\n",
	"\n#ifdef _WIN32\n#include <windows.h>\n#elif defined(__linux__) && (__SIZEOF_POINTER__ == 8 || FOO)\n#include <unistd.h>\n#else\n#include <other.h>\n#endif\n",
	"\n#define H <m.h>\n#include H\n#include NOPE\n#if __has_include(<a.h>)\n#include <a.h>\n#endif\n",
	"\n/* #include <c.h> */ #include <d.h> // #include <e.h>\n#inc\\\nlude <f.h>\n",
	"\n#if ((((1\n#include <g.h>\n#endif\n#endif\n#else\n#elif 1\n",
	"\n#include \"self.h\"\n#pragma once\n#include_next <n.h>\n#import <o.h>\n",
	"\n#cgo CFLAGS: -I'unterminated\n#cgo LDFLAGS: a\\\n#cgo\t: x\n#cgo nocallback f\n",
	"\n#if 'a' == 97 && 0x7fffffffffffffff + 1 < 0 && 1 / 0 && -9223372036854775807 - 1 / -1\n#include <h.h>\n#endif\n",
	"\n#define A B\n#define B A\n#if A\n#include <i.h>\n#endif\n#define F(x) x\n#if F(1)\n#include <j.h>\n#endif\n",
}

// FuzzPreamble feeds comment text through the whole preamble pipeline:
// a Go file with it as the preamble of import "C" (as a /* */ comment and
// as // comments), the #cgo directive parser, constraint matching, and
// the preprocessor, with a local header that includes itself. Nothing
// may panic, and every position must point into the file, at the header
// name's delimiter for includes.
func FuzzPreamble(f *testing.F) {
	for _, s := range preambleSeeds {
		f.Add(s)
	}
	self := NewSource("/m/p/self.h", "#include \"self.h\"\n#include <inner.h>\n")
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 1<<16 || !utf8.ValidString(text) || strings.ContainsAny(text, "\r\x00") {
			return
		}
		var srcs []string
		if !strings.Contains(text, "*/") {
			srcs = append(srcs, "package p\n\n/*"+text+"*/\nimport \"C\"\n")
		}
		var b strings.Builder
		b.WriteString("package p\n\n")
		for _, l := range strings.Split(text, "\n") {
			b.WriteString("//" + l + "\n")
		}
		b.WriteString("import \"C\"\n")
		srcs = append(srcs, b.String())
		for _, gosrc := range srcs {
			fset := token.NewFileSet()
			file, err := parser.ParseFile(fset, "/m/p/x.go", gosrc, parser.ParseComments)
			if err != nil {
				continue
			}
			pre := Preamble(fset, file)
			if pre == nil {
				t.Fatal("no preamble for a file that imports C")
			}
			lines := strings.Split(gosrc, "\n")
			inFile := func(p Pos) bool {
				return p.Line >= 1 && p.Line <= len(lines) && p.Col >= 1 && p.Col <= len(lines[p.Line-1])+1
			}
			ds, _ := ParseDirectives(pre, "/m/p")
			for _, d := range ds {
				if !inFile(d.Pos) || !strings.HasPrefix(lines[d.Pos.Line-1][d.Pos.Col-1:], "#cgo") {
					t.Fatalf("directive at %v does not point at #cgo in %q", d.Pos, gosrc)
				}
				for _, a := range d.Args {
					if !inFile(a.Pos) {
						t.Fatalf("argument %q at %v is outside the file", a.Value, a.Pos)
					}
				}
				d.Match(Platform{GOOS: "linux", GOARCH: "arm", Variant: "6", Cgo: true})
			}
			s := &Scanner{Macros: PredefinedMacros(Platform{GOOS: "linux", GOARCH: "arm64"}, "gcc")}
			s.Follow = func(inc Include) *Source {
				if inc.Name == "self.h" {
					return self
				}
				return nil
			}
			s.Scan(pre)
			if len(s.Includes) > 2*maxIncludesPerSource {
				t.Fatalf("%d includes", len(s.Includes))
			}
			for _, inc := range s.Includes {
				if inc.Src != pre {
					continue
				}
				p := inc.Pos()
				if !inFile(p) || p.Col > len(lines[p.Line-1]) {
					t.Fatalf("include %q at %v is outside the file", inc.Name, p)
				}
				c := lines[p.Line-1][p.Col-1]
				if c != '<' && c != '"' && !isIdentStart(c) {
					t.Fatalf("include %q at %v points at %q in %q", inc.Name, p, c, gosrc)
				}
			}
		}
	})
}

// arMember returns an ar member header and data.
func arMember(name string, data []byte) []byte {
	h := fmt.Sprintf("%-16s%-12s%-6s%-6s%-8s%-10d`\n", name, "0", "0", "0", "644", len(data))
	out := append([]byte(h), data...)
	if len(data)%2 == 1 {
		out = append(out, '\n')
	}
	return out
}

// FuzzObject feeds bytes to the library classifier (ELF through package
// abi, ar archives, GNU ld scripts).
func FuzzObject(f *testing.F) {
	elfHdr := []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00\xb7\x00\x01\x00\x00\x00")
	f.Add(elfHdr)
	f.Add(append([]byte("!<arch>\n"), arMember("/", []byte("\x00\x00\x00\x00"))...))
	f.Add(bytes.Join([][]byte{[]byte("!<arch>\n"), arMember("//", []byte("a_very_long_member_name.o/\n")), arMember("/0", elfHdr)}, nil))
	f.Add(bytes.Join([][]byte{[]byte("!<arch>\n"), arMember("#1/8", append([]byte("bsdname\x00"), elfHdr...))}, nil))
	f.Add([]byte("!<arch>\nx.o/           0           0     0     644     99999999999`\n"))
	f.Add([]byte("/* GNU ld script */\nGROUP ( /lib/libc.so.6 /usr/lib/libc_nonshared.a AS_NEEDED ( /lib/ld-linux-aarch64.so.1 ) )\n"))
	f.Add([]byte("!<thin>\n"))
	f.Add([]byte("MZ\x90\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		o := readObject(bytes.NewReader(data), int64(len(data)), "fuzz")
		if o == nil || o.kind == 0 {
			t.Fatal("no verdict")
		}
		if len(o.parts) > maxArELFMembers {
			t.Fatalf("%d parts", len(o.parts))
		}
	})
}

func TestReadArchive(t *testing.T) {
	elfHdr := []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\xb7\x00\x01\x00\x00\x00")
	// An archive with only a symbol table and a text member is fine (an
	// empty libpthread.a of glibc 2.34+ has no member at all).
	o := readObject(bytes.NewReader([]byte("!<arch>\n")), 8, "empty.a")
	if o.kind != objArchive || len(o.parts) != 0 {
		t.Fatalf("empty archive: %+v", o)
	}
	data := bytes.Join([][]byte{[]byte("!<arch>\n"), arMember("/", []byte("\x00\x00\x00\x00")), arMember("README/", []byte("text"))}, nil)
	o = readObject(bytes.NewReader(data), int64(len(data)), "text.a")
	if o.kind != objArchive || len(o.parts) != 0 {
		t.Fatalf("text archive: %+v", o)
	}
	// A COFF member in an archive for an ELF target.
	data = bytes.Join([][]byte{[]byte("!<arch>\n"), arMember("a.obj/", []byte("\x64\x86\x01\x00rest"))}, nil)
	o = readObject(bytes.NewReader(data), int64(len(data)), "coff.a")
	if o.kind != objOther || !strings.Contains(o.what, "COFF") {
		t.Fatalf("COFF archive: %+v", o)
	}
	// A truncated ELF member.
	data = bytes.Join([][]byte{[]byte("!<arch>\n"), arMember("a.o/", elfHdr)}, nil)
	o = readObject(bytes.NewReader(data), int64(len(data)), "trunc.a")
	if o.kind != objOther || !strings.Contains(o.what, "damaged member") {
		t.Fatalf("truncated member: %+v", o)
	}
	// A member size beyond the file.
	data = []byte("!<arch>\nx.o/           0           0     0     644     99999999999`\n")
	o = readObject(bytes.NewReader(data), int64(len(data)), "huge.a")
	if o.kind != objOther || o.err == nil {
		t.Fatalf("huge member: %+v", o)
	}
}

// quoteWord quotes w for splitQuoted: every rune escaped, "" for an
// empty word.
func quoteWord(w string) string {
	if w == "" {
		return `""`
	}
	var b strings.Builder
	for _, r := range w {
		b.WriteByte('\\')
		b.WriteRune(r)
	}
	return b.String()
}

// FuzzSplitQuoted fuzzes the word splitter of #cgo lines and of
// pkg-config's output (which comes from the .pc files of a sysroot): word
// starts are increasing offsets inside the input, no word is longer than
// the input, the same input splits the same way, and quoting the words
// and splitting again gives them back. The go command's checks of
// pkg-config arguments run on the words too.
func FuzzSplitQuoted(f *testing.F) {
	for _, s := range []string{
		`-I/usr/include/gtk-3.0 -pthread "-DX=a b" 'q\'' -lgtk-3`,
		`a\ b "c\"d" '' ""`,
		`"unclosed`, `trailing\`, "\t\n -L/x\u00a0y", `--static --define-variable=prefix=/usr -- zlib`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words, starts, err := splitQuoted(s)
		if len(words) != len(starts) {
			t.Fatalf("%d words, %d starts", len(words), len(starts))
		}
		last := -1
		for i, w := range words {
			if starts[i] <= last && !(starts[i] == 0 && last == 0) || starts[i] < 0 || starts[i] > len(s) {
				t.Fatalf("word %d %q starts at %d after %d in %d bytes", i, w, starts[i], last, len(s))
			}
			last = starts[i]
			if len(w) > len(s)*utf8.UTFMax {
				t.Fatalf("word of %d bytes from %d", len(w), len(s))
			}
		}
		again, _, err2 := splitQuoted(s)
		if (err == nil) != (err2 == nil) || len(again) != len(words) {
			t.Fatal("not deterministic")
		}
		if err != nil || !utf8.ValidString(s) {
			return
		}
		quoted := make([]string, len(words))
		var opts, pkgs []Arg
		for i, w := range words {
			quoted[i] = quoteWord(w)
			a := Arg{Value: w, Pos: Pos{Line: 1, Col: starts[i] + 1}}
			if strings.HasPrefix(w, "--") {
				opts = append(opts, a)
			} else {
				pkgs = append(pkgs, a)
			}
		}
		back, _, err := splitQuoted(strings.Join(quoted, " "))
		if err != nil {
			t.Fatalf("quoted words do not split: %v", err)
		}
		if len(back) != len(words) {
			t.Fatalf("round trip: %q, then %q", words, back)
		}
		for i := range words {
			if back[i] != words[i] {
				t.Fatalf("round trip: %q, then %q", words, back)
			}
		}
		if bad, ok := unsafePkgConfigArg(opts, pkgs); ok {
			if bad.arg == "" && len(pkgs) == 0 || !strings.Contains(bad.msg, fmt.Sprintf("%q", bad.arg)) {
				t.Fatalf("bad argument %+v", bad)
			}
		} else {
			for _, a := range opts {
				if strings.HasPrefix(a.Value, "--log-file") {
					t.Fatalf("%q allowed", a.Value)
				}
			}
			for _, a := range pkgs {
				if strings.HasPrefix(a.Value, "-") {
					t.Fatalf("package %q allowed", a.Value)
				}
			}
		}
	})
}
