package cgoneeds

import (
	"maps"
	"strconv"
	"strings"
)

// Macros is the macro table of one translation unit, as far as the
// checker knows it: the target's predefined macros, the -D and -U
// options, and the #define and #undef lines seen so far.
type Macros struct {
	defs map[string]macroDef
	// opaque is set once an #include that was not followed (a system
	// header) has been seen: from then on, an identifier that is not
	// known to be undefined may have been defined by that header.
	opaque bool
}

type macroDef struct {
	state tri // yes: defined; no: #undef'd; maybe: unknown
	fn    bool
	body  string // replacement list of an object-like macro
	// valueUnknown is set for predefined macros whose value varies
	// with the compiler (__GNUC__, __STDC_VERSION__).
	valueUnknown bool
}

// NewMacros returns an empty macro table, in which every identifier that
// is not defined is 0 (until an #include is not followed).
func NewMacros() *Macros { return &Macros{defs: map[string]macroDef{}} }

// Clone returns a copy of m.
func (m *Macros) Clone() *Macros {
	return &Macros{defs: maps.Clone(m.defs), opaque: m.opaque}
}

// Define defines name as an object-like macro with the given body, like
// -Dname=body (-Dname is -Dname=1).
func (m *Macros) Define(name, body string) {
	if name == "" {
		return
	}
	if i := strings.IndexByte(name, '('); i > 0 {
		m.defs[name[:i]] = macroDef{state: yes, fn: true}
		return
	}
	m.defs[name] = macroDef{state: yes, body: body}
}

// Undef undefines name, like -Uname.
func (m *Macros) Undef(name string) {
	if name != "" {
		m.defs[name] = macroDef{state: no}
	}
}

// defineUnknown defines name with a value that depends on the compiler.
func (m *Macros) defineUnknown(name string) {
	m.defs[name] = macroDef{state: yes, valueUnknown: true}
}

// define handles "#define rest" in a block compiled with certainty c.
func (m *Macros) define(rest string, c tri) {
	rest = strings.TrimLeft(rest, " \t\v\f\r")
	name := firstIdent(rest)
	if name == "" || name == "defined" {
		return
	}
	if c != yes {
		m.defs[name] = macroDef{state: maybe}
		return
	}
	after := rest[len(name):]
	if strings.HasPrefix(after, "(") {
		m.defs[name] = macroDef{state: yes, fn: true}
		return
	}
	m.defs[name] = macroDef{state: yes, body: strings.TrimSpace(after)}
}

func (m *Macros) undef(name string, c tri) {
	if name == "" {
		return
	}
	if c != yes {
		m.defs[name] = macroDef{state: maybe}
		return
	}
	m.defs[name] = macroDef{state: no}
}

// objectBody returns the body of an object-like macro certainly defined,
// or "".
func (m *Macros) objectBody(name string) string {
	if d, ok := m.defs[name]; ok && d.state == yes && !d.fn && !d.valueUnknown {
		return d.body
	}
	return ""
}

// isDefined says whether name is defined.
func (m *Macros) isDefined(name string) tri {
	if name == "" {
		return maybe
	}
	if d, ok := m.defs[name]; ok {
		return d.state
	}
	return m.absent(name)
}

// absent says what an identifier that was never defined nor undefined
// is: certainly undefined when it is one of the compilers' platform
// macros (the target does not define it: _WIN32 on Linux), or when no
// header has been left unscanned; unknown when it is reserved for the
// implementation (__x, _X: the compiler may predefine it, the C library
// may define it) or a header that was not scanned may define it.
func (m *Macros) absent(name string) tri {
	switch {
	case platformMacros[name]:
		return no
	case strings.HasPrefix(name, "__"), len(name) > 1 && name[0] == '_' && name[1] >= 'A' && name[1] <= 'Z':
		return maybe
	case m.opaque:
		return maybe
	}
	return no
}

// eval evaluates the expression of an #if or #elif.
func (m *Macros) eval(expr string) tri {
	toks, ok := tokenize(expr)
	if !ok {
		return maybe
	}
	budget := maxExpandSteps
	toks, ok = m.expand(toks, 0, nil, &budget)
	if !ok || len(toks) > maxExprTokens {
		return maybe
	}
	p := &exprParser{toks: toks}
	v := p.cond(0)
	if p.err || p.pos != len(p.toks) {
		return maybe
	}
	if !v.ok {
		return maybe
	}
	return triOf(v.v != 0)
}

type tokKind uint8

const (
	tNum tokKind = iota
	tIdent
	tPunct
	tUnknown // a value that is not known
)

type ptok struct {
	kind tokKind
	text string
	val  int64
}

var puncts = []string{"<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "(", ")", "!", "~", "-", "+", "*", "/", "%", "<", ">", "&", "^", "|", "?", ":", ","}

// tokenize splits an #if expression into tokens.
func tokenize(s string) ([]ptok, bool) {
	var out []ptok
	for i := 0; i < len(s); {
		if len(out) > maxExprTokens {
			return nil, false
		}
		c := s[i]
		switch {
		case isHSpace(c) || c == '\n':
			i++
		case isIdentStart(c):
			j := i + 1
			for j < len(s) && isIdentChar(s[j]) {
				j++
			}
			out = append(out, ptok{kind: tIdent, text: s[i:j]})
			i = j
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			j := i + 1
			for j < len(s) && (isIdentChar(s[j]) || s[j] == '.' || s[j] == '\'') {
				j++
			}
			out = append(out, number(s[i:j]))
			i = j
		case c == '\'':
			j := i + 1
			for j < len(s) && s[j] != '\'' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				return nil, false
			}
			lit := s[i+1 : j]
			if len(lit) == 1 && lit[0] != '\\' {
				out = append(out, ptok{kind: tNum, val: int64(lit[0])})
			} else {
				out = append(out, ptok{kind: tUnknown})
			}
			i = j + 1
		default:
			matched := false
			for _, p := range puncts {
				if strings.HasPrefix(s[i:], p) {
					out = append(out, ptok{kind: tPunct, text: p})
					i += len(p)
					matched = true
					break
				}
			}
			if !matched {
				return nil, false
			}
		}
	}
	return out, true
}

// number parses a C integer literal; others (floating point, too large)
// are unknown values.
func number(lit string) ptok {
	s := strings.ReplaceAll(lit, "'", "")
	s = strings.TrimRight(s, "uUlL")
	if len(s) > 1 && s[0] == '0' && s[1] != 'x' && s[1] != 'X' && s[1] != 'b' && s[1] != 'B' {
		s = "0o" + s[1:]
	}
	v, err := strconv.ParseUint(s, 0, 64)
	if err != nil || v > 1<<63-1 {
		return ptok{kind: tUnknown}
	}
	return ptok{kind: tNum, val: int64(v)}
}

// functionLike are the operators of #if expressions that look like
// function calls; their value is not known here.
var functionLike = map[string]bool{
	"__has_include": true, "__has_include_next": true, "__has_attribute": true, "__has_builtin": true,
	"__has_feature": true, "__has_extension": true, "__has_c_attribute": true, "__has_cpp_attribute": true,
	"__has_warning": true, "__has_declspec_attribute": true, "__has_embed": true,
}

// maxExpandSteps bounds the work of expanding one #if expression: macros
// whose bodies name other macros several times expand exponentially.
const maxExpandSteps = 1 << 16

// expand handles defined and expands macros in toks. Identifiers left are
// replaced by 0 when certainly undefined, else by an unknown value.
func (m *Macros) expand(toks []ptok, depth int, hide []string, budget *int) ([]ptok, bool) {
	*budget -= len(toks) + 1
	if depth > maxMacroDepth || *budget < 0 {
		return nil, false
	}
	var out []ptok
	for i := 0; i < len(toks); i++ {
		if len(out) > maxExprTokens {
			return nil, false
		}
		t := toks[i]
		if t.kind != tIdent {
			out = append(out, t)
			continue
		}
		if t.text == "defined" {
			name := ""
			switch {
			case i+1 < len(toks) && toks[i+1].kind == tIdent:
				name = toks[i+1].text
				i++
			case i+3 < len(toks) && toks[i+1].text == "(" && toks[i+2].kind == tIdent && toks[i+3].text == ")":
				name = toks[i+2].text
				i += 3
			default:
				return nil, false
			}
			switch m.isDefined(name) {
			case yes:
				out = append(out, ptok{kind: tNum, val: 1})
			case no:
				out = append(out, ptok{kind: tNum, val: 0})
			default:
				out = append(out, ptok{kind: tUnknown})
			}
			continue
		}
		followedByParen := i+1 < len(toks) && toks[i+1].text == "("
		d, isMacro := m.defs[t.text]
		switch {
		case functionLike[t.text] || isMacro && d.state == yes && d.fn:
			if followedByParen {
				// Skip the balanced argument list.
				level := 0
				j := i + 1
				for ; j < len(toks); j++ {
					if toks[j].text == "(" {
						level++
					} else if toks[j].text == ")" {
						level--
						if level == 0 {
							break
						}
					}
				}
				if j >= len(toks) {
					return nil, false
				}
				i = j
			}
			out = append(out, ptok{kind: tUnknown})
		case isMacro && d.state == yes && !d.valueUnknown:
			if contains(hide, t.text) {
				out = append(out, ptok{kind: tUnknown})
				continue
			}
			body, ok := tokenize(d.body)
			if !ok {
				out = append(out, ptok{kind: tUnknown})
				continue
			}
			if len(body) == 0 {
				continue // expands to nothing
			}
			exp, ok := m.expand(body, depth+1, append(hide[:len(hide):len(hide)], t.text), budget)
			if !ok {
				return nil, false
			}
			if len(exp) > 1 {
				// Keep the expansion grouped as written; C does not,
				// but a macro body used in #if is almost always a
				// complete expression.
				out = append(out, ptok{kind: tPunct, text: "("})
				out = append(out, exp...)
				out = append(out, ptok{kind: tPunct, text: ")"})
			} else {
				out = append(out, exp...)
			}
		case isMacro && d.state == no:
			out = append(out, ptok{kind: tNum, val: 0})
		case isMacro:
			out = append(out, ptok{kind: tUnknown})
		default:
			if m.absent(t.text) == no {
				out = append(out, ptok{kind: tNum, val: 0})
			} else {
				out = append(out, ptok{kind: tUnknown})
			}
		}
	}
	return out, true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// value is an #if value; ok is false when it is not known.
type value struct {
	v  int64
	ok bool
}

type exprParser struct {
	toks []ptok
	pos  int
	err  bool
}

func (p *exprParser) peek() string {
	if p.pos < len(p.toks) && p.toks[p.pos].kind == tPunct {
		return p.toks[p.pos].text
	}
	return ""
}

func (p *exprParser) cond(depth int) value {
	if depth > MaxCondDepth {
		p.err = true
		return value{}
	}
	c := p.binary(0, depth)
	if p.peek() != "?" {
		return c
	}
	p.pos++
	a := p.cond(depth + 1)
	if p.peek() != ":" {
		p.err = true
		return value{}
	}
	p.pos++
	b := p.cond(depth + 1)
	switch {
	case c.ok && c.v != 0:
		return a
	case c.ok:
		return b
	case a.ok && b.ok && a.v == b.v:
		return a
	}
	return value{}
}

// binary operators by precedence, lowest first.
var levels = [][]string{
	{"||"}, {"&&"}, {"|"}, {"^"}, {"&"}, {"==", "!="}, {"<", ">", "<=", ">="}, {"<<", ">>"}, {"+", "-"}, {"*", "/", "%"},
}

func (p *exprParser) binary(level, depth int) value {
	if level == len(levels) {
		return p.unary(depth)
	}
	x := p.binary(level+1, depth)
	for !p.err {
		op := p.peek()
		if !contains(levels[level], op) {
			break
		}
		p.pos++
		y := p.binary(level+1, depth)
		x = apply(op, x, y)
	}
	return x
}

func b2v(b bool) value {
	if b {
		return value{1, true}
	}
	return value{0, true}
}

func apply(op string, x, y value) value {
	switch op {
	case "&&":
		if x.ok && x.v == 0 || y.ok && y.v == 0 {
			return value{0, true}
		}
		if x.ok && y.ok {
			return value{1, true}
		}
		return value{}
	case "||":
		if x.ok && x.v != 0 || y.ok && y.v != 0 {
			return value{1, true}
		}
		if x.ok && y.ok {
			return value{0, true}
		}
		return value{}
	}
	if !x.ok || !y.ok {
		return value{}
	}
	a, b := x.v, y.v
	switch op {
	case "|":
		return value{a | b, true}
	case "^":
		return value{a ^ b, true}
	case "&":
		return value{a & b, true}
	case "==":
		return b2v(a == b)
	case "!=":
		return b2v(a != b)
	case "<":
		return b2v(a < b)
	case ">":
		return b2v(a > b)
	case "<=":
		return b2v(a <= b)
	case ">=":
		return b2v(a >= b)
	case "<<":
		if b < 0 || b > 63 {
			return value{}
		}
		return value{a << b, true}
	case ">>":
		if b < 0 || b > 63 {
			return value{}
		}
		return value{a >> b, true}
	case "+":
		return value{a + b, true}
	case "-":
		return value{a - b, true}
	case "*":
		return value{a * b, true}
	case "/", "%":
		if b == 0 || a == -1<<63 && b == -1 {
			return value{}
		}
		if op == "/" {
			return value{a / b, true}
		}
		return value{a % b, true}
	}
	return value{}
}

func (p *exprParser) unary(depth int) value {
	if depth > MaxCondDepth {
		p.err = true
		return value{}
	}
	if p.pos >= len(p.toks) {
		p.err = true
		return value{}
	}
	t := p.toks[p.pos]
	p.pos++
	switch t.kind {
	case tNum:
		return value{t.val, true}
	case tUnknown:
		return value{}
	case tIdent:
		return value{} // not reached: expand replaces identifiers
	}
	switch t.text {
	case "(":
		v := p.cond(depth + 1)
		if p.peek() != ")" {
			p.err = true
			return value{}
		}
		p.pos++
		return v
	case "!":
		v := p.unary(depth + 1)
		if !v.ok {
			return v
		}
		return b2v(v.v == 0)
	case "~":
		v := p.unary(depth + 1)
		return value{^v.v, v.ok}
	case "-":
		v := p.unary(depth + 1)
		return value{-v.v, v.ok}
	case "+":
		return p.unary(depth + 1)
	}
	p.err = true
	return value{}
}
