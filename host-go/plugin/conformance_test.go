package plugin_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/leakguard/leakguard/host-go/embed"
	"github.com/leakguard/leakguard/host-go/plugin"
)

// conformanceCase is one line of tests/conformance/*.jsonl (see the README
// there). Data and Reply stay raw: data is sent, and the reply compared,
// as the exact text in the file.
type conformanceCase struct {
	ID       string          `json:"id"`
	Action   string          `json:"action"`
	Data     json.RawMessage `json:"data"`
	DataText *string         `json:"data_text"`
	Reply    json.RawMessage `json:"reply"`
	Error    *struct {
		Code    plugin.Code `json:"code"`
		Message *string     `json:"message"`
	} `json:"error"`
}

// TestConformance runs the shared cases against the embedded module, which
// is what a Go user gets: replies byte for byte, errors by code and, where
// the case gives one, by message.
func TestConformance(t *testing.T) {
	files, err := filepath.Glob("../../tests/conformance/*.jsonl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no conformance cases found (%v)", err)
	}
	p := load(t, embed.Binary, newConfig().WithLogger(quiet))
	ids := map[string]string{}
	for _, file := range files {
		for line, c := range readCases(t, file) {
			where := filepath.Base(file) + ":" + c.ID
			if prev, dup := ids[c.ID]; dup {
				t.Errorf("%s: id also used in %s", where, prev)
			}
			ids[c.ID] = where
			t.Run(filepath.Base(file)+"/"+c.ID, func(t *testing.T) {
				data := []byte(c.Data)
				if c.DataText != nil {
					data = []byte(*c.DataText)
				}
				if (c.Reply == nil) == (c.Error == nil) || (c.Data == nil) == (c.DataText == nil) {
					t.Fatalf("case %d of the file: it needs one of data / data_text and one of reply / error", line+1)
				}
				out, err := p.Call(context.Background(), c.Action, data)
				if c.Reply != nil {
					if err != nil {
						t.Fatalf("error %v, want %s", err, c.Reply)
					}
					if !bytes.Equal(out, c.Reply) {
						t.Fatalf("reply\n  %s\nwant\n  %s", out, c.Reply)
					}
					return
				}
				var perr *plugin.Error
				if !errors.As(err, &perr) {
					t.Fatalf("reply %s (%v), want error %s", out, err, c.Error.Code)
				}
				if perr.Code != c.Error.Code {
					t.Errorf("code %s (%s), want %s", perr.Code, perr.Message, c.Error.Code)
				}
				if c.Error.Message != nil && perr.Message != *c.Error.Message {
					t.Errorf("message\n  %s\nwant\n  %s", perr.Message, *c.Error.Message)
				}
			})
		}
	}
}

func readCases(t *testing.T, file string) []conformanceCase {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []conformanceCase
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var c conformanceCase
		if err := json.Unmarshal(line, &c); err != nil {
			t.Fatalf("%s:%d: %v", file, n, err)
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}
