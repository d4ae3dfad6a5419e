package inspect

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/xcheck-dev/xcheck/abi"
	"github.com/xcheck-dev/xcheck/finding"
	"github.com/xcheck-dev/xcheck/matrix"
)

// Fuzz targets for the artifact reader and the archive walker (the
// version-needs walker is fuzzed in package abi: FuzzVersionNeeds). Run
// one with, for example,
//
//	go test ./inspect -run XXX -fuzz FuzzReadFrom -fuzztime 60s
//
// Seeds come from f.Add (hand-made inputs, and small real objects and
// archives when the cross compilers are installed) and from
// testdata/fuzz/<FuzzName>/ (XCHECK_WRITE_FUZZ_SEEDS=1 go test -run
// TestWriteFuzzSeeds ./inspect rewrites the real ones there).

// arHeader returns one ar member header.
func arHeader(name string, size string) []byte {
	return []byte(fmt.Sprintf("%-16s%-12s%-6s%-6s%-8s%-10s`\n", name, "0", "0", "0", "644", size))
}

// handArchives are small archives with the cases real tools write and
// the damage they do not.
func handArchives() [][]byte {
	member := func(name string, data []byte) []byte {
		b := arHeader(name, fmt.Sprint(len(data)))
		b = append(b, data...)
		if len(data)%2 == 1 {
			b = append(b, '\n')
		}
		return b
	}
	cat := func(parts ...[]byte) []byte { return bytes.Join(append([][]byte{[]byte(arMagic)}, parts...), nil) }
	return [][]byte{
		[]byte(arMagic),
		cat(member("/", []byte{0, 0, 0, 0}), member("a.o/", []byte("\x7fELFxx"))),
		cat(member("//", []byte("a-long-member-name.o/\n")), member("/0", []byte("odd"))),
		cat(member("#1/12", []byte("bsd-name.o\x00\x00data"))),
		cat(member("/SYM64/", nil), member("__.SYMDEF", []byte("x"))),
		cat(arHeader("big.o/", "99999999999"), []byte("short")),
		cat(arHeader("neg.o/", "-1")),
		cat(member("/99", []byte("x"))),
		cat([]byte("truncated header")),
		[]byte(arThinMagic),
	}
}

func seedFiles() [][]byte {
	var out [][]byte
	for _, name := range []string{"o-armel.o", "o-aarch64.o", "libarmel.a", "libmixed.a"} {
		if p, err := buildFixture(name); err == nil {
			if b, err := os.ReadFile(p); err == nil && len(b) < 16<<10 {
				out = append(out, b)
			}
		}
	}
	return out
}

func FuzzReadFrom(f *testing.F) {
	for _, b := range handArchives() {
		f.Add(b)
	}
	f.Add([]byte("MZ\x90\x00"))
	f.Add([]byte("\xcf\xfa\xed\xfe\x0c\x00\x00\x01"))
	f.Add([]byte("\xca\xfe\xba\xbe\x00\x00\x00\x02"))
	f.Add([]byte("\x7fELF\x02\x01\x01"))
	f.Add([]byte("#!/bin/sh\necho hi\n"))
	for _, b := range seedFiles() {
		f.Add(b)
	}
	var cfg Config
	for _, s := range []string{"linux/arm", "linux/arm64", "windows/amd64"} {
		t, _ := matrix.Parse(s)
		cfg.Targets = append(cfg.Targets, t)
	}
	_ = cfg.Policies.Set("glibc", "2.17")
	_ = cfg.Policies.Set("kernel", "3.2")
	cfg.CPU = map[string]string{"arm": "6", "amd64": "v1"}
	cfg.MinOS = map[string]string{"windows": "7", "linux": "3.2"}
	cfg.CgoOff = true
	ck := NewChecker(cfg)
	own := NewChecker(Config{})
	f.Fuzz(func(t *testing.T, data []byte) {
		a := ReadFrom(bytes.NewReader(data), int64(len(data)), "fuzz", Options{MaxELFMembers: 64})
		if a.Err == nil && a.Format == FormatELF && a.ELF == nil {
			t.Fatal("ELF without facts and without an error")
		}
		if a.Err != nil && a.Unknown && !errors.Is(a.Err, ErrUnknownFormat) {
			t.Fatalf("unknown format error %v", a.Err)
		}
		var fe *abi.FormatError
		if errors.As(a.Err, &fe) && fe.File != "fuzz" {
			t.Fatalf("error names %q", fe.File)
		}
		fs := append(ck.Check(a), own.Check(a)...)
		for _, fd := range fs {
			if fd.Pos.File != "fuzz" {
				t.Fatalf("finding about %q", fd.Pos.File)
			}
			if err := fd.Rule.Validate(); err != nil {
				t.Fatal(err)
			}
		}
		finding.Merge(fs)
		a.Rows()
		if _, err := json.Marshal(a.JSON()); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzWalkArchive(f *testing.F) {
	for _, b := range handArchives() {
		f.Add(b)
	}
	for _, b := range seedFiles() {
		if IsArchive(b) {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n := 0
		end := int64(8)
		err := WalkArchive(bytes.NewReader(data), int64(len(data)), func(m Member) error {
			n++
			if m.Header < end || m.Header+arHeaderLen > int64(len(data)) {
				t.Fatalf("member %q header at %d, previous end %d, file %d", m.Name, m.Header, end, len(data))
			}
			if m.Size() < 0 || m.Size() > int64(len(data)) {
				t.Fatalf("member %q of %d bytes in a file of %d", m.Name, m.Size(), len(data))
			}
			buf := make([]byte, m.Size())
			if k, err := m.Data.ReadAt(buf, 0); int64(k) != m.Size() {
				t.Fatalf("member %q: read %d of %d: %v", m.Name, k, m.Size(), err)
			}
			end = m.Header + arHeaderLen
			return nil
		})
		if n > MaxArchiveMembers {
			t.Fatalf("%d members", n)
		}
		var ae *ArchiveError
		if err != nil && !errors.As(err, &ae) {
			t.Fatalf("error is %T: %v", err, err)
		}
		if ae != nil && (ae.Off < 0 || ae.Off > int64(len(data))) {
			t.Fatalf("error offset %d outside the %d bytes: %v", ae.Off, len(data), err)
		}
	})
}

// TestWriteFuzzSeeds writes the real seeds (small objects and archives
// built by the cross compilers) into testdata/fuzz, when
// XCHECK_WRITE_FUZZ_SEEDS=1.
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("XCHECK_WRITE_FUZZ_SEEDS") == "" {
		t.Skip("set XCHECK_WRITE_FUZZ_SEEDS=1 to rewrite testdata/fuzz")
	}
	for _, name := range []string{"o-armel.o", "libarmel.a", "libmixed.a"} {
		data, err := os.ReadFile(artifact(t, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, fz := range []string{"FuzzReadFrom", "FuzzWalkArchive"} {
			if fz == "FuzzWalkArchive" && !IsArchive(data) {
				continue
			}
			dir := filepath.Join("testdata", "fuzz", fz)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			content := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", data)
			if err := os.WriteFile(filepath.Join(dir, "real_"+name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
