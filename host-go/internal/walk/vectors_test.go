package walk

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGitignoreVectors runs the shared cases of tests/walk/gitignore.jsonl
// (format in tests/walk/README.md), which the Rust walker runs too.
func TestGitignoreVectors(t *testing.T) {
	file := filepath.Join("..", "..", "..", "tests", "walk", "gitignore.jsonl")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	cases := 0
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var c struct {
			Note      string              `json:"note"`
			Gitignore map[string][]string `json:"gitignore"`
			Path      string              `json:"path"`
			Dir       bool                `json:"dir"`
			Ignored   bool                `json:"ignored"`
		}
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			t.Fatalf("%s:%d: %v", file, n, err)
		}
		cases++
		if got := vectorIgnored(c.Gitignore, c.Path, c.Dir); got != c.Ignored {
			t.Errorf("%s:%d (%s): %q (dir %v) ignored = %v, want %v; .gitignore files %q",
				file, n, c.Note, c.Path, c.Dir, got, c.Ignored, c.Gitignore)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cases < 50 {
		t.Fatalf("only %d cases in %s", cases, file)
	}
}

// vectorIgnored evaluates a case as the README says a walk does: push the
// root's .gitignore, then for each directory on the way down stop if it is
// ignored, else push its .gitignore; finally ask about the path.
func vectorIgnored(files map[string][]string, path string, dir bool) bool {
	var m Matcher
	push := func(base string) {
		if lines, ok := files[base]; ok {
			m.Push(ParseIgnore(base, []byte(strings.Join(lines, "\n")+"\n")))
		}
	}
	push("")
	parts := strings.Split(path, "/")
	for i := 1; i < len(parts); i++ {
		d := strings.Join(parts[:i], "/")
		if m.Ignored(d, true) {
			return true
		}
		push(d)
	}
	return m.Ignored(path, dir)
}
