// Package xc2004 reports prebuilt objects (.syso files) that the go
// command links into a target's build although they were made for another
// architecture or operating system, or cannot be read at all.
//
// It is a graph check: .syso files are not Go source, go list names the
// ones it includes for the target (OtherFiles), and the check reads their
// headers with debug/elf (through package abi), debug/pe and debug/macho.
package xc2004

import (
	"bytes"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/xcheck-dev/xcheck/abi"
	"github.com/xcheck-dev/xcheck/analyzers/graph"
	"github.com/xcheck-dev/xcheck/analyzers/internal/goarch"
	"github.com/xcheck-dev/xcheck/finding"
)

// Rule is XC2004.
var Rule = &finding.Rule{
	ID: "XC2004", Name: "syso-wrong-arch", Severity: finding.Error,
	Title: "a .syso object linked into the build is for another architecture or OS",
	Why: "The go command links every `.syso` file of a package into the program, unless the file's " +
		"name restricts it (`blob_linux_arm64.syso`, `rsrc_windows_amd64.syso`); `//go:build` lines " +
		"cannot, as the file is binary. A prebuilt object for another architecture then reaches the " +
		"linker, which stops on an ELF object with \"elf object but not amd64\" (\"elf wasm " +
		"unimplemented\" for WebAssembly) and on a Mach-O object with \"mach-o object but not arm64\". " +
		"A PE/COFF object is read as if it were for the target: the link fails on a relocation type " +
		"the target does not have (\"unknown relocation type 3\" for a windows/amd64 resource file " +
		"in a 386 build), and otherwise succeeds with the object's relocations misapplied and machine " +
		"code the target cannot run, reported as a warning. An object for the right CPU but another " +
		"operating system (a Windows resource file `rsrc.syso` from rsrc or goversioninfo, in a Linux " +
		"build) links too, but its code follows another system's conventions and its resources are " +
		"ignored: a warning as well. A `.syso` that is truncated or not an object file the Go linker " +
		"reads is an error: the linker fails on it, or hands it to an external C linker that rejects " +
		"it. xcheck reads only the headers of each file (the ELF `e_machine`, class and byte order; " +
		"the COFF `Machine` and relocation types; the Mach-O `cputype`) and never panics on a " +
		"malformed one.",
	Example: "```\n$ xcheck -t linux/amd64,linux/arm64 ./...\n" +
		"native/blob_linux_amd64.syso [e_machine]: error XC2004 [linux/amd64] \"blob_linux_amd64.syso\" is an ELF object for arm64 (EM_AARCH64)\n" +
		"    why: example.com/demo -> example.com/demo/native\n" +
		"    why: the Go linker accepts only ELF objects for the target's architecture (\"elf object but not ...\")\n" +
		"    fix: rebuild \"blob_linux_amd64.syso\" for the target, or rename it blob_linux_arm64.syso so that only linux/arm64 builds link it\n" +
		"rsrc.syso [Machine]: warning XC2004 [linux/amd64] \"rsrc.syso\" is a PE/COFF object for windows/amd64 (IMAGE_FILE_MACHINE_AMD64)\n" +
		"    why: example.com/demo\n" +
		"    why: the build succeeds, but the object is made for windows: its code follows that system's conventions, and its Windows resources are ignored\n" +
		"    fix: rename it rsrc_windows_amd64.syso so that only windows/amd64 builds link it\n```",
	Fix: "rebuild the object for the target, or name it NAME_GOOS_GOARCH.syso so that only the builds it was made for link it",
}

// Check reads the .syso files each package of g links for the target
// (outside the standard library) and reports those that do not match it.
func Check(g *graph.Target) []finding.Finding {
	var out []finding.Finding
	for _, p := range g.Packages {
		if p.Standard {
			continue
		}
		for _, file := range p.OtherFiles {
			if !strings.HasSuffix(file, ".syso") {
				continue
			}
			if f, ok := checkFile(g, p, file); ok {
				out = append(out, f)
			}
		}
	}
	return out
}

func checkFile(g *graph.Target, p *graph.Package, file string) (finding.Finding, bool) {
	t := g.Build.Target
	base := filepath.Base(file)
	pos := finding.Position{File: g.FileName(p, file)}
	chain := graph.ChainString(g.Chain(p))
	obj := Read(file)

	if obj.Err != nil {
		f := finding.New(Rule, g.Name, pos, fmt.Sprintf("%q cannot be linked: %s", base, obj.Err))
		f.Pos.Section = obj.Section
		f.Why = []string{chain, "the Go linker reads ELF, Mach-O, PE/COFF and XCOFF objects; it fails on a malformed one and hands any other file to an external C linker"}
		f.Fix = fmt.Sprintf("replace %q with an object built for the target, or remove it", base)
		return f, true
	}
	archOK := obj.GOARCH == t.GOARCH && t.GOARCH != "wasm"
	osOK := obj.OSMatches(t.GOOS)
	if archOK && osOK {
		return finding.Finding{}, false
	}
	f := finding.New(Rule, g.Name, pos, fmt.Sprintf("%q is %s", base, obj.Describe()))
	f.Pos.Section = obj.Section
	f.Why = []string{chain}
	switch {
	case obj.Format == COFF && !archOK:
		// The PE loader takes the object's relocations for the target's:
		// it fails on a type it does not know, else links it.
		if obj.coffRejected(t.GOARCH) {
			f.Why = append(f.Why, "the Go linker cannot apply the object's relocations for the target's architecture: \"unknown relocation type\" or \"unsupported arch\"")
		} else {
			f.Severity = finding.Warning
			f.Why = append(f.Why, "the build succeeds, but the object is for another CPU: the Go linker applies its relocations as if they were the target's, and its machine code cannot run there")
		}
	case t.GOARCH == "wasm":
		f.Why = append(f.Why, "the Go linker cannot link native objects into WebAssembly: \"elf wasm unimplemented\"")
	case !archOK && obj.Format == ELF && obj.byteOrderOnly(t.GOARCH):
		f.Why = append(f.Why, "the object's byte order is not the target's: the Go linker does not check it for MIPS and POWER objects and links machine code the target cannot run")
	case !archOK:
		f.Why = append(f.Why, obj.linkerSays())
	default:
		f.Severity = finding.Warning
		f.Why = append(f.Why, fmt.Sprintf("the build succeeds, but the object is made for %s: its code follows that system's conventions%s", obj.system(), obj.resourcesNote()))
	}
	f.Fix = fixFor(base, obj)
	return f, true
}

// fixFor suggests a file name that restricts the object to the builds it
// was made for.
func fixFor(base string, obj *Object) string {
	name := renamed(base, obj)
	if name == "" || name == base {
		return fmt.Sprintf("rebuild %q for the target, or remove it from the package", base)
	}
	what := strings.TrimPrefix(strings.TrimSuffix(name, ".syso"), stem(base)+"_")
	what = strings.Replace(what, "_", "/", 1)
	if strings.TrimSuffix(base, ".syso") == stem(base) {
		return fmt.Sprintf("rename it %s so that only %s builds link it", name, what)
	}
	return fmt.Sprintf("rebuild %q for the target, or rename it %s so that only %s builds link it", base, name, what)
}

// stem returns base without .syso and without the _GOOS_GOARCH or _GOARCH
// suffix the go command reads.
func stem(base string) string {
	s := strings.TrimSuffix(base, ".syso")
	parts := strings.Split(s, "_")
	n := len(parts)
	if n >= 2 {
		if _, ok := goarch.Lookup(parts[n-1]); ok {
			n--
			if n >= 2 && knownOS[parts[n-1]] {
				n--
			}
		} else if knownOS[parts[n-1]] {
			n--
		}
	}
	return strings.Join(parts[:n], "_")
}

// renamed returns the name that restricts base to the object's platform.
// ELF does not name an operating system: the one base names is kept if
// it uses ELF, else linux, the usual one, is assumed.
func renamed(base string, obj *Object) string {
	if obj.GOARCH == "" {
		return ""
	}
	s := stem(base)
	goos := obj.OS
	if obj.Format == ELF {
		goos = "linux"
		if named := nameOS(base); elfOSes[named] {
			goos = named
		}
	}
	return s + "_" + goos + "_" + obj.GOARCH + ".syso"
}

// nameOS returns the GOOS that base's name restricts it to, or "".
func nameOS(base string) string {
	parts := strings.Split(strings.TrimSuffix(base, ".syso"), "_")
	n := len(parts)
	if n >= 2 {
		if _, ok := goarch.Lookup(parts[n-1]); ok {
			n--
		}
	}
	if n >= 2 && knownOS[parts[n-1]] {
		return parts[n-1]
	}
	return ""
}

// knownOS are the GOOS values (and the unix tag is not a file name suffix).
var knownOS = map[string]bool{
	"aix": true, "android": true, "darwin": true, "dragonfly": true, "freebsd": true, "hurd": true,
	"illumos": true, "ios": true, "js": true, "linux": true, "nacl": true, "netbsd": true, "openbsd": true,
	"plan9": true, "solaris": true, "wasip1": true, "windows": true, "zos": true,
}

// Format is the kind of an object file.
type Format string

const (
	ELF      Format = "ELF"
	MachO    Format = "Mach-O"
	COFF     Format = "PE/COFF"
	XCOFF    Format = "XCOFF"
	GoObject Format = "Go"
)

// Object is what the header of a .syso file says.
type Object struct {
	Format  Format
	GOARCH  string // the architecture it is for; "" if Go has none
	Machine string // the header's name for it: EM_AARCH64, IMAGE_FILE_MACHINE_AMD64, CpuArm64
	OS      string // the GOOS its format implies ("" for ELF: any ELF system)
	Section string // the header field that says so: e_machine, Machine, cputype

	// Resources is set for PE/COFF objects with a .rsrc section (icons,
	// manifests, version information).
	Resources bool
	// Relocs are the relocation types of the PE/COFF sections the Go
	// linker loads.
	Relocs []uint16
	// Err says why the file cannot be linked (malformed, not an object).
	Err error
}

// elfOSes are the ports whose binaries are ELF.
var elfOSes = map[string]bool{
	"linux": true, "android": true, "freebsd": true, "netbsd": true, "openbsd": true,
	"dragonfly": true, "solaris": true, "illumos": true, "hurd": true,
}

// OSMatches reports whether the object's format is the one goos links.
func (o *Object) OSMatches(goos string) bool {
	switch o.Format {
	case ELF:
		return elfOSes[goos]
	case MachO:
		return goos == "darwin" || goos == "ios"
	case COFF:
		return goos == "windows"
	default:
		return o.OS == goos
	}
}

// Describe says what the object is for: "an ELF object for arm64
// (EM_AARCH64)", "a PE/COFF object for windows/amd64".
func (o *Object) Describe() string {
	article := "a"
	if o.Format == ELF {
		article = "an"
	}
	what := o.GOARCH
	if what == "" {
		what = "a CPU Go does not support"
	} else if o.OS != "" {
		what = o.OS + "/" + o.GOARCH
	}
	s := fmt.Sprintf("%s %s object for %s", article, o.Format, what)
	if o.Machine != "" {
		s += " (" + o.Machine + ")"
	}
	return s
}

// linkerSays explains how the linker fails on an object for another
// architecture. It does not name the target, so that findings merge.
func (o *Object) linkerSays() string {
	switch o.Format {
	case ELF:
		return "the Go linker accepts only ELF objects for the target's architecture (\"elf object but not ...\")"
	case MachO:
		return "the Go linker accepts only Mach-O objects for the target's architecture (\"mach-o object but not ...\")"
	case GoObject:
		return "the Go linker stops: \"linked object header mismatch\""
	}
	return "the object's machine code cannot run on the target"
}

// byteOrderOnly reports whether the object is for goarch's machine and
// class, in the other byte order (mips and mipsle, ppc64 and ppc64le).
func (o *Object) byteOrderOnly(target string) bool {
	a, ok1 := goarch.Lookup(target)
	b, ok2 := goarch.Lookup(o.GOARCH)
	return ok1 && ok2 && a.Machine == b.Machine && a.Class == b.Class && a.Order != b.Order
}

// system names the operating system the object is made for.
func (o *Object) system() string {
	if o.OS == "" {
		return "an ELF system (linux, the BSDs, solaris)"
	}
	return o.OS
}

func (o *Object) resourcesNote() string {
	if o.Resources {
		return ", and its Windows resources are ignored"
	}
	return ""
}

// maxHeader bounds what is read to recognize a format.
const maxHeader = 256

// Read reads the header of the object file at path. Problems with the
// file are in Object.Err, never a panic.
func Read(path string) *Object {
	fh, err := os.Open(path)
	if err != nil {
		return &Object{Err: err}
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return &Object{Err: err}
	}
	if !fi.Mode().IsRegular() {
		return &Object{Err: fmt.Errorf("not a regular file (%s)", fi.Mode().Type())}
	}
	return ReadFrom(fh, fi.Size(), path)
}

// ReadFrom reads the header of the object of the given size that r reads;
// name names it in errors. Nothing beyond size is read.
func ReadFrom(r io.ReaderAt, size int64, name string) (obj *Object) {
	defer func() {
		if p := recover(); p != nil {
			obj = &Object{Err: fmt.Errorf("internal error reading the object: %v", p)}
		}
	}()
	if size <= 0 {
		return &Object{Err: errors.New("empty file")}
	}
	var hdr [maxHeader]byte
	n, err := r.ReadAt(hdr[:min(size, maxHeader)], 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return &Object{Err: err}
	}
	h := hdr[:n]
	sr := io.NewSectionReader(r, 0, size)
	switch {
	case bytes.HasPrefix(h, []byte(elf.ELFMAG)):
		return readELF(sr, size, name)
	case len(h) >= 4 && isMacho(binary.BigEndian.Uint32(h)):
		return readMacho(sr)
	case bytes.HasPrefix(h, []byte("go object ")):
		return readGoObject(h)
	case len(h) >= 2 && (h[0] == 0x01 && (h[1] == 0xDF || h[1] == 0xF7)):
		// XCOFF, big-endian magic: 0x01DF 32-bit, 0x01F7 64-bit (aix/ppc64).
		o := &Object{Format: XCOFF, OS: "aix", Section: "f_magic", Machine: "U802TOCMAGIC"}
		if h[1] == 0xF7 {
			o.GOARCH, o.Machine = "ppc64", "U64_TOCMAGIC"
		}
		return o
	case len(h) >= 2 && isCOFF(binary.LittleEndian.Uint16(h)):
		return readCOFF(sr)
	}
	what := "not an object file the Go linker reads"
	switch {
	case bytes.HasPrefix(h, []byte("!<arch>\n")):
		what += " (an ar archive)"
	case len(h) >= 4 && binary.BigEndian.Uint32(h) == macho.MagicFat:
		what += " (a universal Mach-O file)"
	}
	return &Object{Err: errors.New(what)}
}

func isMacho(m uint32) bool {
	// The linker's test: 0xfeedface/0xfeedfacf in either byte order.
	return m&^1 == 0xfeedface || m&^0x01000000 == 0xcefaedfe
}

// coffMachines are the IMAGE_FILE_MACHINE_* values recognized as COFF.
var coffMachines = map[uint16]string{
	pe.IMAGE_FILE_MACHINE_I386:        "IMAGE_FILE_MACHINE_I386",
	pe.IMAGE_FILE_MACHINE_AMD64:       "IMAGE_FILE_MACHINE_AMD64",
	pe.IMAGE_FILE_MACHINE_ARM:         "IMAGE_FILE_MACHINE_ARM",
	pe.IMAGE_FILE_MACHINE_THUMB:       "IMAGE_FILE_MACHINE_THUMB",
	pe.IMAGE_FILE_MACHINE_ARMNT:       "IMAGE_FILE_MACHINE_ARMNT",
	pe.IMAGE_FILE_MACHINE_ARM64:       "IMAGE_FILE_MACHINE_ARM64",
	pe.IMAGE_FILE_MACHINE_IA64:        "IMAGE_FILE_MACHINE_IA64",
	pe.IMAGE_FILE_MACHINE_RISCV64:     "IMAGE_FILE_MACHINE_RISCV64",
	pe.IMAGE_FILE_MACHINE_LOONGARCH64: "IMAGE_FILE_MACHINE_LOONGARCH64",
}

func isCOFF(m uint16) bool { _, ok := coffMachines[m]; return ok }

func readELF(r io.ReaderAt, size int64, name string) *Object {
	o := &Object{Format: ELF, Section: "e_machine"}
	facts, err := abi.NewELFFacts(r, size, name)
	if err != nil {
		var fe *abi.FormatError
		if errors.As(err, &fe) {
			msg := "malformed ELF file: " + fe.Msg
			if fe.Off >= 0 {
				msg += fmt.Sprintf(" (at offset %#x)", fe.Off)
			}
			if fe.Err != nil {
				msg += ": " + fe.Err.Error()
			}
			o.Section = fe.Section
			o.Err = errors.New(msg)
			return o
		}
		o.Section = ""
		o.Err = fmt.Errorf("malformed ELF file: %v", err)
		return o
	}
	o.GOARCH = goarch.OfELF(facts.Machine, facts.Class, facts.Data)
	o.Machine = facts.Machine.String()
	if o.GOARCH == "" {
		// Name the class and byte order when they are what differs.
		o.Machine += fmt.Sprintf(", %s, %s", classBits(facts.Class), facts.Data)
	}
	return o
}

func classBits(c elf.Class) string {
	switch c {
	case elf.ELFCLASS32:
		return "32-bit"
	case elf.ELFCLASS64:
		return "64-bit"
	}
	return c.String()
}

func readMacho(r io.ReaderAt) *Object {
	o := &Object{Format: MachO, OS: "darwin", Section: "cputype"}
	f, err := macho.NewFile(r)
	if err != nil {
		o.Err = fmt.Errorf("malformed Mach-O file: %v", err)
		return o
	}
	defer f.Close()
	o.GOARCH = goarch.OfMacho(f.Cpu)
	o.Machine = f.Cpu.String()
	return o
}

func readCOFF(r io.ReaderAt) *Object {
	o := &Object{Format: COFF, OS: "windows", Section: "Machine"}
	f, err := pe.NewFile(r)
	if err != nil {
		o.Err = fmt.Errorf("malformed PE/COFF file: %v", err)
		return o
	}
	defer f.Close()
	o.GOARCH = goarch.OfPE(f.Machine)
	o.Machine = coffMachines[f.Machine]
	o.Resources = f.Section(".rsrc") != nil
	for _, sect := range f.Sections {
		// The sections cmd/link/internal/loadpe loads.
		if sect.Characteristics&pe.IMAGE_SCN_MEM_DISCARDABLE != 0 ||
			sect.Characteristics&(pe.IMAGE_SCN_CNT_CODE|pe.IMAGE_SCN_CNT_INITIALIZED_DATA|pe.IMAGE_SCN_CNT_UNINITIALIZED_DATA) == 0 {
			continue
		}
		for _, r := range sect.Relocs {
			if !slices.Contains(o.Relocs, r.Type) {
				o.Relocs = append(o.Relocs, r.Type)
			}
		}
	}
	return o
}

// coffRelocs are the relocation types the Go linker's PE loader maps, by
// GOARCH (cmd/link/internal/loadpe); for any other GOARCH it refuses
// every relocation ("unsupported arch").
var coffRelocs = map[string][]uint16{
	"386":   {0x0006, 0x0007, 0x0014},                                 // DIR32, DIR32NB, REL32
	"amd64": {0x0001, 0x0002, 0x0003, 0x0004},                         // ADDR64, ADDR32, ADDR32NB, REL32
	"arm64": {0x0001, 0x0002, 0x0003, 0x0004, 0x0006, 0x0007, 0x000E}, // ADDR32, ADDR32NB, BRANCH26, PAGEBASE_REL21, PAGEOFFSET_12A/12L, ADDR64
}

// coffRejected reports whether the Go linker, linking for goarch, fails
// on one of the object's relocations.
func (o *Object) coffRejected(goarch string) bool {
	for _, r := range o.Relocs {
		if !slices.Contains(coffRelocs[goarch], r) {
			return true
		}
	}
	return false
}

// readGoObject reads "go object GOOS GOARCH ..." (a Go object file used
// as a .syso).
func readGoObject(h []byte) *Object {
	line, _, _ := bytes.Cut(h, []byte("\n"))
	fields := strings.Fields(string(line))
	o := &Object{Format: GoObject, Section: "header"}
	if len(fields) < 4 {
		o.Err = errors.New("malformed Go object header")
		return o
	}
	o.OS, o.GOARCH = fields[2], fields[3]
	if _, ok := goarch.Lookup(o.GOARCH); !ok {
		o.GOARCH = ""
	}
	return o
}
