package leakguard

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestEncodeUTF8Vectors checks, with the shared vectors of
// tests/walk/utf8.jsonl, that text on its way to the engine has every byte
// that is not part of valid UTF-8 replaced by one U+FFFD, as every
// leakguard host does, so that offsets in findings agree across hosts.
func TestEncodeUTF8Vectors(t *testing.T) {
	file := filepath.Join("..", "tests", "walk", "utf8.jsonl")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	cases := 0
	for n := 1; sc.Scan(); n++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var c struct {
			Note string `json:"note"`
			Hex  string `json:"hex"`
			Text string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("%s:%d: %v", file, n, err)
		}
		raw, err := hex.DecodeString(c.Hex)
		if err != nil {
			t.Fatalf("%s:%d: %v", file, n, err)
		}
		cases++
		enc, err := encode(Document{Text: string(raw)})
		if err != nil {
			t.Fatal(err)
		}
		var back Document
		if err := json.Unmarshal(enc, &back); err != nil {
			t.Fatal(err)
		}
		if back.Text != c.Text {
			t.Errorf("%s:%d (%s): the engine would see %q, want %q", file, n, c.Note, back.Text, c.Text)
		}
	}
	if cases == 0 {
		t.Fatalf("no cases in %s", file)
	}
}

// TestEncodeKeepsMarkup checks that text is not HTML-escaped on its way
// to the engine (which would make it up to six times larger).
func TestEncodeKeepsMarkup(t *testing.T) {
	enc, err := encode(Document{Text: "<a href=\"x?a=1&b=2\">"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"text":"<a href=\"x?a=1&b=2\">"}`; string(enc) != want {
		t.Errorf("got %s, want %s", enc, want)
	}
}
