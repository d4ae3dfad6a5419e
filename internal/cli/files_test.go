package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/xcheck-dev/xcheck/buildenv"
	"github.com/xcheck-dev/xcheck/internal/exitcode"
)

func TestParseFileArgs(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	require.NoError(t, os.MkdirAll("pkg", 0o755))
	require.NoError(t, os.WriteFile("README.md", nil, 0o644))
	require.NoError(t, os.WriteFile("pkg/a.go", nil, 0o644))

	for _, args := range [][]string{{"./..."}, {"."}, {"pkg"}, {"./pkg", "example.com/m/..."}, {"gopkg.in/yaml.v3"}, {"std"}} {
		fm, err := parseFileArgs(args)
		require.NoError(t, err, args)
		assert.Nil(t, fm, "%v are package patterns", args)
	}
	for _, args := range [][]string{
		{"pkg/a.go"},
		{"README.md"},              // an existing file
		{"gone/deleted.go"},        // ends in .go
		{"go.mod"}, {"sub/go.sum"}, // module files, even deleted
		{"pkg/a.go", "deleted.txt"}, // with a file, anything else is a (deleted) file
	} {
		fm, err := parseFileArgs(args)
		require.NoError(t, err, args)
		require.NotNil(t, fm, "%v are files", args)
		assert.Equal(t, args, fm.files)
	}
	for _, args := range [][]string{{"pkg/a.go", "./..."}, {"pkg/a.go", "pkg"}, {"README.md", "."}} {
		_, err := parseFileArgs(args)
		assert.ErrorContains(t, err, "cannot mix file names", args)
		assert.Equal(t, exitcode.Usage, exitcode.Code(err))
	}

	fm, _ := parseFileArgs([]string{"README.md", "docs/x.png"})
	assert.False(t, fm.relevant(), "no Go package file: nothing to run")
	for _, f := range []string{"a.go", "x/y.s", "c.h", "lib.syso", "go.sum", "sub/.xcheck.yaml"} {
		fm, _ := parseFileArgs([]string{"README.md", f})
		assert.True(t, fm.relevant(), f)
	}
}

func TestResolveFiles(t *testing.T) {
	root := writeModule(t, map[string]string{
		"go.mod":             "module example.com/m\n\ngo 1.22\n",
		"main.go":            "package main\n",
		"a/b/b.go":           "package b\n",
		"a/b/b_arm64.s":      "",
		"testdata/t.go":      "package t\n",
		"_old/o.go":          "package o\n",
		"nested/go.mod":      "module example.com/nested\n",
		"nested/x/x.go":      "package x\n",
		"docs/readme.md":     "",
		"vendor/modules.txt": "",
	})
	t.Chdir(filepath.Dir(root))
	mod := &buildenv.Module{GoMod: filepath.Join(root, "go.mod"), Root: root, Path: "example.com/m"}
	rel := func(p string) string { return filepath.Join(filepath.Base(root), p) }
	resolve := func(files ...string) *fileMode {
		t.Helper()
		var args []string
		for _, f := range files {
			args = append(args, rel(f))
		}
		fm := &fileMode{files: args}
		require.NoError(t, fm.resolve(filepath.Base(root), mod, ""))
		return fm
	}

	fm := resolve("a/b/b.go", "a/b/b_arm64.s", "main.go", "a/gone/g.go", "docs/readme.md", "testdata/t.go", "_old/o.go", "nested/x/x.go")
	assert.False(t, fm.whole)
	assert.Equal(t, "./...", fm.pattern)
	assert.Equal(t, []string{"example.com/m/a/b", "example.com/m", "example.com/m/a/gone"}, fm.focus)
	assert.Equal(t, []string{rel("docs/readme.md"), rel("testdata/t.go"), rel("_old/o.go"), rel("nested/x/x.go")}, fm.ignored)
	assert.Equal(t, []string{"example.com/m/a/b", "example.com/m", "example.com/m/a/gone"}, fm.loaderFocus())

	for _, f := range []string{"go.mod", "go.sum", "vendor/modules.txt"} {
		fm := resolve("a/b/b.go", f)
		assert.True(t, fm.whole, f)
		assert.Nil(t, fm.loaderFocus(), f)
	}
	// A go.sum of a nested module is not this module's.
	assert.False(t, resolve("nested/go.sum").whole)
	assert.True(t, resolve("docs/readme.md").empty())

	// A file outside the module, and -C below the module root.
	outside := filepath.Join(t.TempDir(), "x.go")
	fm = &fileMode{files: []string{outside}}
	require.NoError(t, fm.resolve(filepath.Join(root, "a"), mod, ""))
	assert.Equal(t, []string{outside}, fm.ignored)
	assert.Equal(t, "../...", fm.pattern)

	// A deleted configuration file: the defaults apply again.
	assert.True(t, resolve(".xcheck.yaml").whole)
	// The configuration file in use, wherever it is.
	cfg := filepath.Join(root, "a", ".xcheck.yaml")
	fm = &fileMode{files: []string{cfg}}
	require.NoError(t, fm.resolve(root, mod, cfg))
	assert.True(t, fm.whole)
}

func TestFileModeFilter(t *testing.T) {
	fm := &fileMode{modPath: "example.com/m", checked: map[string]bool{".": true, "a/b": true}}
	for file, keep := range map[string]bool{
		"":                   true, // about a target
		"go.mod":             true,
		"main.go":            true,
		"a/b/b.go":           true,
		"a/b/b_arm64.s":      true,
		"a/c/c.go":           false, // a dependency in the module, not checked
		"/usr/lib/libc.so.6": true,
		"../other/x.go":      true,
		"a/c/notes.txt":      true,
	} {
		assert.Equal(t, keep, fm.inChecked(file), file)
	}
	var none *fileMode
	assert.True(t, none.inChecked("a/c/c.go"))
}

// The pre-commit hooks pass exactly the files xcheck looks at.
func TestPreCommitHooks(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", ".pre-commit-hooks.yaml"))
	require.NoError(t, err)
	var hooks []struct {
		ID            string   `yaml:"id"`
		Entry         string   `yaml:"entry"`
		Language      string   `yaml:"language"`
		Files         string   `yaml:"files"`
		Args          []string `yaml:"args"`
		PassFilenames *bool    `yaml:"pass_filenames"`
		RequireSerial bool     `yaml:"require_serial"`
	}
	require.NoError(t, yaml.Unmarshal(data, &hooks))
	require.Len(t, hooks, 2)
	for _, h := range hooks {
		assert.Equal(t, "xcheck", h.Entry)
		assert.Equal(t, "golang", h.Language)
		assert.True(t, h.RequireSerial, "one run for all files")
		re := regexp.MustCompile(h.Files)
		for ext := range sourceExts {
			assert.True(t, re.MatchString("pkg/a"+ext), "%s: %s", h.ID, ext)
		}
		for name := range moduleFiles {
			assert.True(t, re.MatchString(name), "%s: %s", h.ID, name)
			assert.True(t, re.MatchString("sub/"+name), "%s: sub/%s", h.ID, name)
		}
		for _, no := range []string{"README.md", "a.golden", "go.mod.bak", "x/notgo.sum.txt", "a.gox"} {
			assert.False(t, re.MatchString(no), "%s: %s", h.ID, no)
		}
	}
	assert.Nil(t, hooks[0].PassFilenames, "xcheck gets the file names")
	require.NotNil(t, hooks[1].PassFilenames)
	assert.False(t, *hooks[1].PassFilenames)
	assert.Equal(t, []string{"./..."}, hooks[1].Args)
}
