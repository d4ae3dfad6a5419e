package abi

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"os"
	"slices"
	"testing"
)

// Fuzz targets for every parser of untrusted input in this package. Run
// one with, for example,
//
//	go test ./abi -run XXX -fuzz FuzzARMAttributes -fuzztime 60s
//
// Seeds come from f.Add (small real inputs where the sysroots are
// installed, and hand-made ones) and from testdata/fuzz/<FuzzName>/.

// realSection returns the contents of a section of a real file, if the
// file is there.
func realSection(file, name string) []byte {
	f, err := elf.Open(file)
	if err != nil {
		return nil
	}
	defer f.Close()
	s := f.Section(name)
	if s == nil {
		return nil
	}
	b, err := s.Data()
	if err != nil {
		return nil
	}
	return b
}

func checkParseError(t *testing.T, err error, n int) {
	t.Helper()
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error is %T, not *ParseError: %v", err, err)
	}
	if pe.Off < 0 || pe.Off > n {
		t.Fatalf("error offset %d outside the %d bytes of input: %v", pe.Off, n, err)
	}
}

func FuzzARMAttributes(f *testing.F) {
	le := binary.LittleEndian
	f.Add(armhfAttrs)
	f.Add(armelAttrs)
	f.Add([]byte("A\x1c\x00\x00\x00aeabi\x00\x01\x12\x00\x00\x00@\x00\x05foo\x00\x06\x0a\x08\x01\x09\x01"))
	f.Add(armAttrSection(le, []byte{TagCompatibility, 1, 'g', 'n', 'u', 0, TagABIVFPArgs, 1, 65, 'x', 0}))
	f.Add(armAttrSection(binary.BigEndian, []byte{TagCPUArch, 0x84, 0x01}))
	for _, file := range []string{"/usr/arm-linux-gnueabihf/lib/libc.so.6", "/usr/arm-linux-gnueabi/lib/crt1.o"} {
		if b := realSection(file, ".ARM.attributes"); b != nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
			a, err := ParseARMAttributes(data, bo)
			if err != nil {
				checkParseError(t, err, len(data))
				continue
			}
			if len(a.File) > maxARMAttrs {
				t.Fatalf("%d attributes, more than the cap", len(a.File))
			}
			for _, at := range a.File {
				if len(at.Str) > len(data) {
					t.Fatalf("string of %d bytes from %d bytes of input", len(at.Str), len(data))
				}
			}
			a.CPUName()
			a.CPUArch()
			a.CPUArchProfile()
			a.FPArch()
			a.ABIVFPArgs()
		}
	})
}

func FuzzNotes(f *testing.F) {
	le, be := binary.LittleEndian, binary.BigEndian
	f.Add(abiTagNote(le, 3, 2, 0), false)
	f.Add(abiTagNote(be, 4, 15, 0), false)
	f.Add(append(note(le, "GNU", 5, u32s(le, 0xc0000002, 4, 3, 0), 8), abiTagNote(le, 3, 7, 0)...), true)
	f.Add(note(le, "GNU", 3, bytes.Repeat([]byte{0xAB}, 20), 4), false)
	for _, file := range []string{"/usr/aarch64-linux-gnu/lib/libc.so.6", "/usr/s390x-linux-gnu/lib/crt1.o"} {
		if b := realSection(file, ".note.ABI-tag"); b != nil {
			f.Add(b, false)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, align8 bool) {
		align := 4
		if align8 {
			align = 8
		}
		for _, bo := range []binary.ByteOrder{le, be} {
			notes, err := ParseNotes(data, bo, align)
			if err != nil {
				checkParseError(t, err, len(data))
				continue
			}
			last := -1
			for _, n := range notes {
				if n.Off <= last || n.Off+12 > len(data) {
					t.Fatalf("note at %d after %d in %d bytes", n.Off, last, len(data))
				}
				last = n.Off
				if cap(n.Desc) > len(data) || len(n.Name) > len(data) {
					t.Fatalf("note larger than its data")
				}
				ABITagFromNote(n, bo)
			}
		}
	})
}

func FuzzLinkerScript(f *testing.F) {
	f.Add([]byte(debianArm64LibcSo))
	f.Add([]byte(`OUTPUT_FORMAT("elf32-littlearm", "elf32-bigarm", "elf32-littlearm") INPUT(a.o, "b c.o" -lm) GROUP(/lib/libc.so.6 AS_NEEDED(/lib/ld.so.1)) SECTIONS { .text : { *(.text) } }`))
	f.Add([]byte("/* unterminated"))
	f.Add([]byte("GROUP ( AS_NEEDED ( AS_NEEDED ( x ) ) )"))
	if b, err := os.ReadFile("/usr/arm-linux-gnueabihf/lib/libc.so"); err == nil && len(b) < 4096 {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseLinkerScript(data)
		if err != nil {
			checkParseError(t, err, len(data))
			return
		}
		for _, in := range s.Inputs {
			if in.Path == "" || in.Off < 0 || in.Off >= len(data) {
				t.Fatalf("bad input %+v in %d bytes", in, len(data))
			}
			if in.Command != "GROUP" && in.Command != "INPUT" {
				t.Fatalf("bad command %q", in.Command)
			}
		}
	})
}

func FuzzNewELFFacts(f *testing.F) {
	f.Add(synthAArch64Glibc())
	f.Add(synthARMLibc(true))
	f.Add(synthObject(elf.EM_RISCV, elf.ELFCLASS64, 4, 15, 0))
	f.Add(muslLibc("1.2.3"))
	f.Add(verdefBombELF(2))
	be := binary.BigEndian
	abiflags := make([]byte, 24)
	abiflags[2], abiflags[7] = 32, byte(MIPSFPXX)
	mips, _ := newSynth(elf.ELFCLASS32, be, elf.EM_MIPS).
		section(synthSection{name: ".MIPS.abiflags", typ: elf.SHT_MIPS_ABIFLAGS, data: abiflags, align: 8}).
		section(synthSection{name: ".note.ABI-tag", typ: elf.SHT_NOTE, data: abiTagNote(be, 3, 2, 0), align: 4}).
		prog(synthProg{typ: elf.PT_NOTE, section: ".note.ABI-tag"}).
		build()
	f.Add(mips)
	for _, file := range []string{"/usr/aarch64-linux-gnu/lib/crt1.o", "/usr/arm-linux-gnueabihf/lib/crt1.o", "/usr/mipsel-linux-gnu/lib/crt1.o"} {
		if b, err := os.ReadFile(file); err == nil && len(b) < 8192 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := NewELFFacts(bytes.NewReader(data), int64(len(data)), "fuzz")
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error is %T, not *FormatError: %v", err, err)
			}
			if fe.File != "fuzz" {
				t.Fatalf("error names %q", fe.File)
			}
			return
		}
		x.MaxDefinedVersion("GLIBC_")
		x.MaxNeededVersion("GLIBC_")
		if x.ARM != nil {
			x.ARM.EffectiveFloatABI()
		}
	})
}

// fuzzSections are the sections FuzzELFSectionContents fills with fuzz
// data inside an otherwise valid ARM shared object.
var fuzzSections = []string{".gnu.version_d", ".gnu.version_r", ".dynsym", ".dynstr", ".gnu.version", ".dynamic", ".note.ABI-tag", ".ARM.attributes", ".MIPS.abiflags"}

// fuzzSectionELF builds a small ARM "libc" with version definitions and
// needs, whose section fuzzSections[which] holds data.
func fuzzSectionELF(which uint8, data []byte) []byte {
	le := binary.LittleEndian
	// One Elf_Verneed for "ld-linux-armhf.so.3" needing version index 9.
	verneed := make([]byte, 32)
	le.PutUint16(verneed[0:], 1)  // vn_version
	le.PutUint16(verneed[2:], 1)  // vn_cnt
	le.PutUint32(verneed[4:], 1)  // vn_file: "libc.so.6" at 1 in .dynstr
	le.PutUint32(verneed[8:], 16) // vn_aux
	le.PutUint16(verneed[22:], 9) // vna_other
	le.PutUint32(verneed[24:], 1) // vna_name
	o := synthGlibcOpts{
		class: elf.ELFCLASS32, bo: le, machine: elf.EM_ARM, flags: 0x05000400,
		soname: "libc.so.6", versions: []string{"GLIBC_2.4", "GLIBC_2.36"},
		abiTag: [3]uint32{3, 2, 0}, interp: "/lib/ld-linux-armhf.so.3",
		extra: []synthSection{
			{name: ".gnu.version_r", typ: elf.SHT_GNU_VERNEED, data: verneed, align: 4, link: ".dynstr"},
			{name: ".ARM.attributes", typ: SHT_ARM_ATTRIBUTES, data: armhfAttrs, align: 1},
			{name: ".MIPS.abiflags", typ: elf.SHT_MIPS_ABIFLAGS, data: make([]byte, 24), align: 8},
		},
	}
	if data != nil {
		o.replace = map[string][]byte{fuzzSections[int(which)%len(fuzzSections)]: data}
	}
	return o.build()
}

// FuzzELFSectionContents puts fuzz data into one section of a valid file,
// so that it reaches the version, symbol, dynamic, note and attribute code
// (FuzzNewELFFacts mostly exercises the header checks).
func FuzzELFSectionContents(f *testing.F) {
	le := binary.LittleEndian
	base, err := elf.NewFile(bytes.NewReader(fuzzSectionELF(0, nil)))
	if err != nil {
		f.Fatal(err)
	}
	for i, name := range fuzzSections {
		if s := base.Section(name); s != nil {
			if b, err := s.Data(); err == nil {
				f.Add(uint8(i), b)
			}
		}
	}
	f.Add(uint8(0), verdefBomb(le, 3))
	for i, name := range fuzzSections[:6] {
		if b := realSection("/usr/arm-linux-gnueabihf/lib/libm.so.6", name); b != nil && len(b) < 16<<10 {
			f.Add(uint8(i), b)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		b := fuzzSectionELF(which, data)
		x, err := NewELFFacts(bytes.NewReader(b), int64(len(b)), "fuzz")
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error is %T, not *FormatError: %v", err, err)
			}
			return
		}
		x.MaxDefinedVersion("GLIBC_")
		x.MaxNeededVersion("GLIBC_")
	})
}

func TestFuzzSectionELFBase(t *testing.T) {
	b := fuzzSectionELF(0, nil)
	x, err := NewELFFacts(bytes.NewReader(b), int64(len(b)), "base")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := x.MaxDefinedVersion("GLIBC_"); v != "GLIBC_2.36" {
		t.Errorf("defined %q", v)
	}
	if len(x.Needs) != 1 || x.Needs[0].Library != "libc.so.6" || x.Needs[0].Versions[0].Name != "libc.so.6" {
		t.Errorf("needs %+v", x.Needs)
	}
	if x.ARM == nil || x.ARM.Attributes == nil || x.ABITag == nil || x.Interp == "" {
		t.Errorf("facts %+v", x)
	}
}

// synthNeedsELF builds a small aarch64 program that needs GLIBC_2.17,
// GLIBC_2.34 and GLIBC_PRIVATE from libc.so.6: .dynsym holds one
// undefined symbol per version (and one unversioned), .gnu.version
// points each at its Elf_Vernaux. verneed and versym, when not nil,
// replace those two sections (for fuzzing).
func synthNeedsELF(verneed, versym []byte) []byte {
	bo := binary.LittleEndian
	var dynstr bytes.Buffer
	dynstr.WriteByte(0)
	str := func(s string) uint32 {
		off := uint32(dynstr.Len())
		dynstr.WriteString(s)
		dynstr.WriteByte(0)
		return off
	}
	libc := str("libc.so.6")
	vers := []string{"GLIBC_2.17", "GLIBC_2.34", "GLIBC_PRIVATE"}
	syms := []string{"abort", "pthread_create", "_dl_find_object", "unversioned"}
	symVer := []uint16{2, 3, 4, 1}
	verOff := make([]uint32, len(vers))
	for i, v := range vers {
		verOff[i] = str(v)
	}
	dynsym := make([]byte, elf.Sym64Size*(1+len(syms)))
	defVersym := make([]byte, 2*(1+len(syms)))
	for i, s := range syms {
		e := dynsym[elf.Sym64Size*(i+1):]
		bo.PutUint32(e, str(s))
		e[4] = byte(elf.STB_GLOBAL)<<4 | byte(elf.STT_FUNC) // st_shndx 0: undefined
		bo.PutUint16(defVersym[2*(i+1):], symVer[i])
	}
	if versym == nil {
		versym = defVersym
	}
	if verneed == nil {
		verneed = make([]byte, 16+16*len(vers))
		bo.PutUint16(verneed[0:], 1)                 // vn_version
		bo.PutUint16(verneed[2:], uint16(len(vers))) // vn_cnt
		bo.PutUint32(verneed[4:], libc)              // vn_file
		bo.PutUint32(verneed[8:], 16)                // vn_aux
		for i := range vers {
			a := verneed[16+16*i:]
			bo.PutUint16(a[6:], uint16(i+2)) // vna_other: the version index
			bo.PutUint32(a[8:], verOff[i])   // vna_name
			if i < len(vers)-1 {
				bo.PutUint32(a[12:], 16) // vna_next
			}
		}
	}
	dynamic := make([]byte, 32)
	bo.PutUint64(dynamic[0:], uint64(elf.DT_NEEDED))
	bo.PutUint64(dynamic[8:], uint64(libc))
	s := newSynth(elf.ELFCLASS64, bo, elf.EM_AARCH64)
	s.typ = elf.ET_EXEC
	s.section(synthSection{name: ".dynsym", typ: elf.SHT_DYNSYM, flags: elf.SHF_ALLOC, data: dynsym, align: 8, link: ".dynstr", entsize: elf.Sym64Size})
	s.section(synthSection{name: ".dynstr", typ: elf.SHT_STRTAB, flags: elf.SHF_ALLOC, data: dynstr.Bytes(), align: 1})
	s.section(synthSection{name: ".gnu.version", typ: elf.SHT_GNU_VERSYM, flags: elf.SHF_ALLOC, data: versym, align: 2, link: ".dynsym", entsize: 2})
	s.section(synthSection{name: ".gnu.version_r", typ: elf.SHT_GNU_VERNEED, flags: elf.SHF_ALLOC, data: verneed, align: 4, link: ".dynstr"})
	s.section(synthSection{name: ".dynamic", typ: elf.SHT_DYNAMIC, flags: elf.SHF_ALLOC | elf.SHF_WRITE, data: dynamic, align: 8, link: ".dynstr"})
	s.prog(synthProg{typ: elf.PT_INTERP, data: []byte("/lib/ld-linux-aarch64.so.1\x00"), align: 1})
	b, _ := s.build()
	return b
}

func TestSynthNeedsELF(t *testing.T) {
	b := synthNeedsELF(nil, nil)
	x, err := NewELFFacts(bytes.NewReader(b), int64(len(b)), "needs")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, n := range x.NeededVersions("") {
		got[n.Library+" "+n.Name] = n.Symbols
	}
	want := map[string][]string{
		"libc.so.6 GLIBC_2.17":    {"abort"},
		"libc.so.6 GLIBC_2.34":    {"pthread_create"},
		"libc.so.6 GLIBC_PRIVATE": {"_dl_find_object"},
	}
	if len(got) != len(want) {
		t.Fatalf("needs %v, want %v", got, want)
	}
	for k, v := range want {
		if !slices.Equal(got[k], v) {
			t.Errorf("%s: symbols %v, want %v", k, got[k], v)
		}
	}
	if above := x.NeededVersionsAbove("GLIBC_", "2.28"); len(above) != 1 || above[0].Name != "GLIBC_2.34" {
		t.Errorf("above 2.28: %+v", above)
	}
}

// FuzzVersionNeeds fuzzes the version-needs walker: the .gnu.version_r
// and .gnu.version of a small program, so that the bounded verneed walk,
// debug/elf's version lookup and the attribution of symbols to versions
// all see hostile input. Whatever parses must be consistent: symbols
// sorted and unique per version, never more symbols than .dynsym holds,
// and every version NeededVersionsAbove returns above its floor.
func FuzzVersionNeeds(f *testing.F) {
	le := binary.LittleEndian
	base, err := elf.NewFile(bytes.NewReader(synthNeedsELF(nil, nil)))
	if err != nil {
		f.Fatal(err)
	}
	vn, _ := base.Section(".gnu.version_r").Data()
	vs, _ := base.Section(".gnu.version").Data()
	f.Add(vn, vs)
	f.Add(vn, []byte{0, 0, 3, 0x80, 0xff, 0xff, 4, 0, 2, 0})         // a hidden index, an index past the needs
	f.Add(verdefBomb(le, 3), vs)                                     // a verdef-shaped bomb in the needs
	f.Add(append(vn[:16:16], bytes.Repeat([]byte{0xff}, 64)...), vs) // garbage auxiliaries
	f.Add(append(slices.Clone(vn[:12]), 1, 0, 0, 0), vs)             // vn_next loops onto itself
	if b := realSection("/usr/aarch64-linux-gnu/lib/libstdc++.so.6", ".gnu.version_r"); b != nil && len(b) < 4096 {
		f.Add(b, vs)
	}
	f.Fuzz(func(t *testing.T, verneed, versym []byte) {
		b := synthNeedsELF(verneed, versym)
		x, err := NewELFFacts(bytes.NewReader(b), int64(len(b)), "fuzz")
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error is %T, not *FormatError: %v", err, err)
			}
			return
		}
		total := 0
		for _, n := range x.NeededVersions("") {
			if !slices.IsSorted(n.Symbols) || len(slices.Compact(slices.Clone(n.Symbols))) != len(n.Symbols) {
				t.Fatalf("%s: symbols not sorted and unique: %q", n.Name, n.Symbols)
			}
			total += len(n.Symbols)
			if c := CompareVersions(n.Name, n.Name); c != 0 {
				t.Fatalf("CompareVersions(%q, itself) = %d", n.Name, c)
			}
		}
		if total > 4 {
			t.Fatalf("%d symbols attributed, the file has 4", total)
		}
		for _, floor := range []string{"2.0", "2.17", "2.28"} {
			for _, n := range x.NeededVersionsAbove("GLIBC_", floor) {
				if CompareVersions(n.Name, "GLIBC_"+floor) <= 0 || CompareVersions("GLIBC_"+floor, n.Name) >= 0 {
					t.Fatalf("%s returned above %s", n.Name, floor)
				}
			}
		}
	})
}

// encodeMIPSABIFlags is the inverse of ParseMIPSABIFlags.
func encodeMIPSABIFlags(f *MIPSABIFlags, bo binary.ByteOrder) []byte {
	b := make([]byte, mipsABIFlagsSize)
	bo.PutUint16(b[0:], f.Version)
	b[2], b[3], b[4], b[5], b[6], b[7] = f.ISALevel, f.ISARev, f.GPRSize, f.CPR1Size, f.CPR2Size, byte(f.FPABI)
	bo.PutUint32(b[8:], f.ISAExt)
	bo.PutUint32(b[12:], f.ASEs)
	bo.PutUint32(b[16:], f.Flags1)
	bo.PutUint32(b[20:], f.Flags2)
	return b
}

// FuzzMIPSABIFlags fuzzes the .MIPS.abiflags parser: whatever parses
// encodes back to the first 24 bytes it was read from, and anything
// shorter is a *ParseError.
func FuzzMIPSABIFlags(f *testing.F) {
	soft := make([]byte, mipsABIFlagsSize)
	soft[2], soft[3], soft[4], soft[7] = 32, 2, 1, byte(MIPSFPSoft)
	f.Add(soft)
	f.Add(append(bytes.Repeat([]byte{0xff}, mipsABIFlagsSize), 1, 2, 3))
	f.Add(soft[:23])
	for _, file := range []string{"/usr/mipsel-linux-gnu/lib/libc.so.6", "/usr/mips64el-linux-gnuabi64/lib/libc.so.6"} {
		if b := realSection(file, ".MIPS.abiflags"); b != nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
			fl, err := ParseMIPSABIFlags(data, bo)
			if err != nil {
				checkParseError(t, err, len(data))
				if len(data) >= mipsABIFlagsSize {
					t.Fatalf("%d bytes refused: %v", len(data), err)
				}
				continue
			}
			if got := encodeMIPSABIFlags(fl, bo); !bytes.Equal(got, data[:mipsABIFlagsSize]) {
				t.Fatalf("round trip: % x from % x", got, data[:mipsABIFlagsSize])
			}
			if fl.FPABI.String() == "" {
				t.Fatal("FP ABI without a name")
			}
			if want := fl.FPABI != MIPSFPAny && fl.FPABI != MIPSFPSoft && fl.FPABI <= MIPSFP64A; fl.FPABI.Hard() != want {
				t.Fatalf("%v.Hard() = %v", fl.FPABI, !want)
			}
		}
	})
}

// FuzzVersionDefs fuzzes the version-definitions walker: .gnu.version_d
// of a small ARM libc, so that the bounded walk and debug/elf's
// DynamicVersions see hostile input (FuzzELFSectionContents reaches it
// only one time in nine). The walk must stay within its budget, every
// definition must name a string of .dynstr, and MaxDefinedVersion must
// pick one of the names defined. The walker alone is also run on the
// raw bytes, in both byte orders and both section kinds.
func FuzzVersionDefs(f *testing.F) {
	le := binary.LittleEndian
	base, err := elf.NewFile(bytes.NewReader(fuzzSectionELF(0, nil)))
	if err != nil {
		f.Fatal(err)
	}
	vd, _ := base.Section(".gnu.version_d").Data()
	f.Add(vd)
	f.Add(verdefBomb(le, 3))
	f.Add(verdefBomb(binary.BigEndian, 2))
	f.Add(append(slices.Clone(vd[:16]), 1, 0, 0, 0)) // vd_next loops onto itself
	if b := realSection("/usr/arm-linux-gnueabihf/lib/libm.so.6", ".gnu.version_d"); b != nil && len(b) < 4096 {
		f.Add(b)
	}
	dynstr, _ := base.Section(".dynstr").Data()
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, bo := range []binary.ByteOrder{le, binary.BigEndian} {
			for _, verdef := range []bool{true, false} {
				steps, err := walkVersionSection(data, bo, verdef)
				if err != nil {
					checkParseError(t, err, len(data))
					if steps <= maxVersionSteps {
						t.Fatalf("refused after %d steps: %v", steps, err)
					}
				} else if steps > maxVersionSteps {
					t.Fatalf("%d steps without an error", steps)
				}
			}
		}
		b := fuzzSectionELF(0, data)
		x, err := NewELFFacts(bytes.NewReader(b), int64(len(b)), "fuzz")
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error is %T, not *FormatError: %v", err, err)
			}
			return
		}
		if len(x.Defined) > maxVersionSteps {
			t.Fatalf("%d definitions", len(x.Defined))
		}
		for _, d := range x.Defined {
			if d.Name != "" && !bytes.Contains(dynstr, []byte(d.Name)) {
				t.Fatalf("definition %q is not a string of .dynstr", d.Name)
			}
		}
		if v, ok := x.MaxDefinedVersion("GLIBC_"); ok && !slices.Contains(x.DefinedVersionNames(), v) {
			t.Fatalf("MaxDefinedVersion %q is not defined", v)
		}
	})
}
