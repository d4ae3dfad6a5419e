package abi

import (
	"bytes"
	"strings"
)

// Limits of the GNU ld script parser.
const (
	// MaxLinkerScriptSize caps the size of a linker script that is read;
	// glibc's libc.so is about 300 bytes.
	MaxLinkerScriptSize = 64 << 10
	maxScriptTokens     = 1 << 14
	maxScriptDepth      = 8
)

// LinkerScript is what xcheck needs of a GNU ld script such as glibc's
// libc.so: its input files and its output format.
type LinkerScript struct {
	OutputFormat []string      // OUTPUT_FORMAT arguments ("elf64-littleaarch64")
	Inputs       []ScriptInput // GROUP and INPUT files, in order
}

// ScriptInput is one file named by a GROUP or INPUT command.
type ScriptInput struct {
	Path     string // as written: "/usr/aarch64-linux-gnu/lib/libc.so.6", "libc_nonshared.a" or "-lc"
	Command  string // "GROUP" or "INPUT"
	AsNeeded bool   // inside AS_NEEDED ( ... )
	Off      int    // byte offset of the name in the script
}

// IsLib reports whether the input is a -l option ("-lc"), searched for as
// libNAME.so or libNAME.a in the library directories.
func (in ScriptInput) IsLib() bool { return strings.HasPrefix(in.Path, "-l") && len(in.Path) > 2 }

// LooksLikeLinkerScript reports whether data starts like a text file rather
// than a binary (no NUL byte in its first 512 bytes, and not an ELF or ar
// magic number).
func LooksLikeLinkerScript(data []byte) bool {
	head := data
	if len(head) > 512 {
		head = head[:512]
	}
	if len(head) == 0 || bytes.IndexByte(head, 0) >= 0 {
		return false
	}
	return !bytes.HasPrefix(head, []byte("\x7fELF")) && !bytes.HasPrefix(head, []byte("!<arch>\n"))
}

type scriptToken struct {
	kind byte // 'w' word, 's' quoted string, or the punctuation byte itself
	text string
	off  int
}

// ParseLinkerScript parses the parts of a GNU ld script that name files:
// GROUP, INPUT and AS_NEEDED lists (names may be quoted and separated by
// commas or spaces), and OUTPUT_FORMAT. Other commands and their
// parenthesised arguments are skipped; C comments are allowed anywhere.
//
// It refuses data larger than [MaxLinkerScriptSize], data with a NUL byte,
// unbalanced parentheses, unterminated comments and strings, more than
// 16384 tokens and AS_NEEDED nested deeper than 8.
func ParseLinkerScript(data []byte) (*LinkerScript, error) {
	if len(data) > MaxLinkerScriptSize {
		return nil, perr(0, "linker script of %d bytes exceeds the %d-byte limit", len(data), MaxLinkerScriptSize)
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, perr(i, "NUL byte in linker script (not a text file)")
	}
	toks, err := tokenizeScript(data)
	if err != nil {
		return nil, err
	}
	p := &scriptParser{toks: toks, end: len(data)}
	return p.parse()
}

func tokenizeScript(data []byte) ([]scriptToken, error) {
	var toks []scriptToken
	i := 0
	for i < len(data) {
		if len(toks) >= maxScriptTokens {
			return nil, perr(i, "more than %d tokens in linker script", maxScriptTokens)
		}
		c := data[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == '/' && i+1 < len(data) && data[i+1] == '*':
			j := bytes.Index(data[i+2:], []byte("*/"))
			if j < 0 {
				return nil, perr(i, "unterminated comment")
			}
			i += 2 + j + 2
		case c == '"':
			j := bytes.IndexByte(data[i+1:], '"')
			if j < 0 {
				return nil, perr(i, "unterminated string")
			}
			toks = append(toks, scriptToken{'s', string(data[i+1 : i+1+j]), i})
			i += 1 + j + 1
		case strings.IndexByte("(),;={}", c) >= 0:
			toks = append(toks, scriptToken{c, string(c), i})
			i++
		default:
			j := i
			for j < len(data) && !isScriptDelim(data, j) {
				j++
			}
			toks = append(toks, scriptToken{'w', string(data[i:j]), i})
			i = j
		}
	}
	return toks, nil
}

func isScriptDelim(data []byte, j int) bool {
	c := data[j]
	switch c {
	case ' ', '\t', '\n', '\r', '\f', '\v', '(', ')', ',', ';', '"', '{', '}':
		return true
	case '/':
		return j+1 < len(data) && data[j+1] == '*'
	}
	return false
}

type scriptParser struct {
	toks []scriptToken
	pos  int
	end  int // length of the script, for errors at its end
	s    LinkerScript
}

func (p *scriptParser) peek() (scriptToken, bool) {
	if p.pos >= len(p.toks) {
		return scriptToken{}, false
	}
	return p.toks[p.pos], true
}

func (p *scriptParser) parse() (*LinkerScript, error) {
	for {
		t, ok := p.peek()
		if !ok {
			return &p.s, nil
		}
		p.pos++
		switch t.kind {
		case 'w':
			name := t.text
			switch name {
			case "GROUP", "INPUT":
				if err := p.expectOpen(t); err != nil {
					return nil, err
				}
				if err := p.fileList(name, false, 1); err != nil {
					return nil, err
				}
			case "OUTPUT_FORMAT":
				if err := p.expectOpen(t); err != nil {
					return nil, err
				}
				if err := p.outputFormat(); err != nil {
					return nil, err
				}
			default:
				// Another command: skip its arguments, if any.
				if n, ok := p.peek(); ok && n.kind == '(' {
					p.pos++
					if err := p.skipBalanced(n); err != nil {
						return nil, err
					}
				}
			}
		case '(':
			if err := p.skipBalanced(t); err != nil {
				return nil, err
			}
		case ')':
			return nil, perr(t.off, "unbalanced ')'")
		case '{':
			if err := p.skipBraces(t); err != nil {
				return nil, err
			}
		case '}':
			return nil, perr(t.off, "unbalanced '}'")
		default: // ';', ',', '=', strings: nothing to do at top level
		}
	}
}

func (p *scriptParser) expectOpen(cmd scriptToken) error {
	t, ok := p.peek()
	if !ok || t.kind != '(' {
		return perr(cmd.off, "%s without '('", cmd.text)
	}
	p.pos++
	return nil
}

// fileList parses names up to the closing ')' of a GROUP, INPUT or
// AS_NEEDED list whose '(' has been consumed.
func (p *scriptParser) fileList(cmd string, asNeeded bool, depth int) error {
	if depth > maxScriptDepth {
		t, _ := p.peek()
		return perr(t.off, "AS_NEEDED nested deeper than %d", maxScriptDepth)
	}
	for {
		t, ok := p.peek()
		if !ok {
			return perr(p.end, "unterminated %s list", cmd)
		}
		p.pos++
		switch t.kind {
		case ')':
			return nil
		case ',':
		case 'w', 's':
			if t.kind == 'w' && t.text == "AS_NEEDED" {
				if err := p.expectOpen(t); err != nil {
					return err
				}
				if err := p.fileList(cmd, true, depth+1); err != nil {
					return err
				}
				continue
			}
			if t.text == "" {
				return perr(t.off, "empty file name in %s", cmd)
			}
			p.s.Inputs = append(p.s.Inputs, ScriptInput{Path: t.text, Command: cmd, AsNeeded: asNeeded, Off: t.off})
		default:
			return perr(t.off, "unexpected %q in %s list", t.text, cmd)
		}
	}
}

func (p *scriptParser) outputFormat() error {
	for {
		t, ok := p.peek()
		if !ok {
			return perr(p.end, "unterminated OUTPUT_FORMAT")
		}
		p.pos++
		switch t.kind {
		case ')':
			return nil
		case ',':
		case 'w', 's':
			p.s.OutputFormat = append(p.s.OutputFormat, t.text)
		default:
			return perr(t.off, "unexpected %q in OUTPUT_FORMAT", t.text)
		}
	}
}

// skipBalanced skips to the ')' that closes open, which has been consumed.
func (p *scriptParser) skipBalanced(open scriptToken) error {
	depth := 1
	for p.pos < len(p.toks) {
		t := p.toks[p.pos]
		p.pos++
		switch t.kind {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return nil
			}
		}
	}
	return perr(open.off, "unbalanced '('")
}

// skipBraces skips a { ... } block (SECTIONS, MEMORY, VERSION bodies).
func (p *scriptParser) skipBraces(open scriptToken) error {
	depth := 1
	for p.pos < len(p.toks) {
		t := p.toks[p.pos]
		p.pos++
		switch t.kind {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return nil
			}
		}
	}
	return perr(open.off, "unbalanced '{'")
}
