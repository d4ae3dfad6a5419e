package config

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// goreleaser is the part of .goreleaser.yaml that names build targets.
type goreleaser struct {
	Builds []struct {
		Goos   []string `yaml:"goos"`
		Goarch []string `yaml:"goarch"`
		Goarm  []any    `yaml:"goarm"`
		Ignore []struct {
			Goos   string `yaml:"goos"`
			Goarch string `yaml:"goarch"`
			Goarm  any    `yaml:"goarm"`
		} `yaml:"ignore"`
		Targets []string `yaml:"targets"`
	} `yaml:"builds"`
}

// GoreleaserTargets reads the build targets of a .goreleaser.yaml: the
// explicit `targets` lists (goos_goarch[_variant]) or the goos × goarch
// (× goarm) products minus `ignore`. It returns nil when the file names no
// targets.
func GoreleaserTargets(data []byte) ([]string, error) {
	var g goreleaser
	if err := yaml.Unmarshal(data, &g); err != nil {
		return nil, fmt.Errorf("reading .goreleaser.yaml: %v", err)
	}
	var out []string
	add := func(t string) {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	for _, b := range g.Builds {
		for _, t := range b.Targets {
			if t == "go_first_class" {
				add("first-class")
				continue
			}
			parts := strings.Split(t, "_")
			if len(parts) >= 2 {
				spec := parts[0] + "/" + parts[1]
				if len(parts) >= 3 && parts[1] == "arm" {
					spec += "/v" + parts[2]
				} else if len(parts) >= 3 && parts[1] == "amd64" {
					spec += "/" + parts[2]
				}
				add(spec)
			}
		}
		goos, goarch := b.Goos, b.Goarch
		if len(b.Targets) > 0 && len(goos) == 0 {
			continue
		}
		// goreleaser's defaults.
		if len(goos) == 0 {
			goos = []string{"darwin", "linux", "windows"}
		}
		if len(goarch) == 0 {
			goarch = []string{"386", "amd64", "arm64"}
		}
		for _, os := range goos {
			for _, arch := range goarch {
				ignored := func(arm string) bool {
					for _, ig := range b.Ignore {
						if ig.Goos == os && ig.Goarch == arch && (ig.Goarm == nil || fmt.Sprint(ig.Goarm) == arm) {
							return true
						}
					}
					return false
				}
				if arch == "arm" && len(b.Goarm) > 0 {
					for _, v := range b.Goarm {
						arm := fmt.Sprint(v)
						if !ignored(arm) {
							add(os + "/arm/v" + arm)
						}
					}
					continue
				}
				if !ignored("") {
					add(os + "/" + arch)
				}
			}
		}
	}
	return out, nil
}

// Starter returns the text of a starter .xcheck.yaml for targets, saying
// where they came from.
func Starter(targets []string, from string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# xcheck configuration: see docs/config.md for every key.\n")
	fmt.Fprintf(&b, "version: 1\n\n# Release targets (%s).\ntargets:\n", from)
	for _, t := range targets {
		fmt.Fprintf(&b, "  - %s\n", t)
	}
	b.WriteString(`
# cgo for every target: auto (what go build decides), on, off.
cgo: auto

# Oldest systems the binaries must run on.
# min-os: {linux: "3.2", macos: "12", windows: "10"}

# Rules to skip, and severity overrides.
rules:
  disable: []
  severity: {}

# Findings in these files are dropped ("**" matches directories).
exclude: []

# Exit 1 when a finding is at or above: error, warning, info, never.
fail-on: error
`)
	return b.Bytes()
}

// WriteStarter writes a starter configuration to path; it refuses to
// overwrite an existing file unless force is set.
func WriteStarter(path string, data []byte, force bool) error {
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if err != nil {
		if os.IsExist(err) {
			return fmt.Errorf("%s exists (use --force to overwrite it)", path)
		}
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
