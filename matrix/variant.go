package matrix

import (
	"fmt"
	"regexp"
	"strings"
)

// VariantVar describes the architecture-variant variable of one GOARCH
// (GOARM, GOAMD64, ...): its valid values as of the newest Go release the
// matrix knows, and since which release each spelling is accepted.
type VariantVar struct {
	Name    string   // GOARM
	Arches  []string // arm
	Default string   // the default of official toolchains
	Since   string   // Go release that introduced the variable ("" = before 1.17)
	Valid   func(v string) error
	// Canon maps the Docker-style or loose spelling to the Go spelling
	// ("v7" -> "7", "v8" -> "v8.0"). It may return v unchanged.
	Canon func(v string) string
	// Docker renders the Go spelling in target strings ("7" -> "v7").
	Docker func(v string) string
	// SinceValue reports the Go release that first accepts value v, if it
	// is newer than Since (for example GORISCV64=rva23u64 needs go1.25).
	SinceValue func(v string) string
}

var (
	goarmRE   = regexp.MustCompile(`^[5-7](,(softfloat|hardfloat))?$`)
	goarm64RE = regexp.MustCompile(`^v(8\.[0-9]|9\.[0-5])((,lse)|(,crypto))*$`)
)

func oneOf(name string, vals ...string) func(string) error {
	return func(v string) error {
		for _, x := range vals {
			if v == x {
				return nil
			}
		}
		return fmt.Errorf("invalid %s value %q (valid: %s)", name, v, strings.Join(vals, ", "))
	}
}

func identity(v string) string { return v }

// variantVars lists the variables of Go 1.26 (GOWASM is left out: since
// Go 1.26 its values are ignored).
var variantVars = []*VariantVar{
	{
		Name: "GOARM", Arches: []string{"arm"}, Default: "7",
		Valid: func(v string) error {
			if !goarmRE.MatchString(v) {
				return fmt.Errorf("invalid GOARM value %q (valid: 5, 6, 7, optionally followed by ,softfloat or ,hardfloat)", v)
			}
			return nil
		},
		Canon:  func(v string) string { return strings.TrimPrefix(v, "v") },
		Docker: func(v string) string { return "v" + v },
		SinceValue: func(v string) string {
			if strings.Contains(v, ",") {
				return "1.22"
			}
			return ""
		},
	},
	{
		Name: "GOAMD64", Arches: []string{"amd64"}, Default: "v1", Since: "1.18",
		Valid:  oneOf("GOAMD64", "v1", "v2", "v3", "v4"),
		Canon:  identity,
		Docker: identity,
	},
	{
		Name: "GO386", Arches: []string{"386"}, Default: "sse2",
		Valid:  oneOf("GO386", "sse2", "softfloat"),
		Canon:  identity,
		Docker: identity,
	},
	{
		Name: "GOMIPS", Arches: []string{"mips", "mipsle"}, Default: "hardfloat",
		Valid:  oneOf("GOMIPS", "hardfloat", "softfloat"),
		Canon:  identity,
		Docker: identity,
	},
	{
		Name: "GOMIPS64", Arches: []string{"mips64", "mips64le"}, Default: "hardfloat",
		Valid:  oneOf("GOMIPS64", "hardfloat", "softfloat"),
		Canon:  identity,
		Docker: identity,
	},
	{
		Name: "GOPPC64", Arches: []string{"ppc64", "ppc64le"}, Default: "power8",
		Valid:  oneOf("GOPPC64", "power8", "power9", "power10"),
		Canon:  identity,
		Docker: identity,
	},
	{
		Name: "GORISCV64", Arches: []string{"riscv64"}, Default: "rva20u64", Since: "1.23",
		Valid:  oneOf("GORISCV64", "rva20u64", "rva22u64", "rva23u64"),
		Canon:  identity,
		Docker: identity,
		SinceValue: func(v string) string {
			if v == "rva23u64" {
				return "1.25"
			}
			return ""
		},
	},
	{
		Name: "GOARM64", Arches: []string{"arm64"}, Default: "v8.0", Since: "1.23",
		Valid: func(v string) error {
			if !goarm64RE.MatchString(v) {
				return fmt.Errorf("invalid GOARM64 value %q (valid: v8.0 to v8.9, v9.0 to v9.5, optionally followed by ,lse and/or ,crypto)", v)
			}
			return nil
		},
		Canon: func(v string) string {
			// Docker's linux/arm64/v8 is GOARM64=v8.0, also before a
			// feature suffix (v8,lse).
			if head, rest, found := strings.Cut(v, ","); head == "v8" || head == "v9" {
				v = head + ".0"
				if found {
					v += "," + rest
				}
			}
			return v
		},
		Docker: identity,
	},
}

// VariantFor returns the variant variable of goarch, or nil if it has none.
func VariantFor(goarch string) *VariantVar {
	for _, vv := range variantVars {
		for _, a := range vv.Arches {
			if a == goarch {
				return vv
			}
		}
	}
	return nil
}

// VariantByName returns the variable called name (GOARM, ...), or nil.
func VariantByName(name string) *VariantVar {
	for _, vv := range variantVars {
		if vv.Name == name {
			return vv
		}
	}
	return nil
}

// VariantVars returns every variant variable xcheck knows.
func VariantVars() []*VariantVar { return variantVars }

// floatSuffixes may follow a variant value after a comma; in comma-separated
// target lists they attach to the target before them.
var variantSuffixes = map[string]bool{"softfloat": true, "hardfloat": true, "lse": true, "crypto": true}
