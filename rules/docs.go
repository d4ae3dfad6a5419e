package rules

import (
	"os"
	"path/filepath"
)

// Docs returns the generated documentation files: file name -> content.
func Docs() map[string]string {
	m := map[string]string{"README.md": Index()}
	for _, r := range All() {
		m[r.ID+".md"] = r.Markdown()
	}
	return m
}

// WriteDocs writes Docs into dir, removing stale rule pages.
func WriteDocs(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	docs := Docs()
	old, _ := filepath.Glob(filepath.Join(dir, "XC*.md"))
	for _, f := range old {
		if _, ok := docs[filepath.Base(f)]; !ok {
			if err := os.Remove(f); err != nil {
				return err
			}
		}
	}
	for name, content := range docs {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}
