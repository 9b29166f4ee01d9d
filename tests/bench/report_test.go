package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{3}, 3},
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 3, 2}, 2.5},
	} {
		if got := median(tc.in); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestRecall(t *testing.T) {
	planted := []Planted{
		{Path: "a.go", Line: 3, Provider: "github-pat-classic"},
		{Path: "a.go", Line: 9, Provider: "slack-bot-token"},
		{Path: "keys/id_rsa", Line: 1, Provider: "private-key-rsa"},
		{Path: "b.yaml", Line: 5, Provider: "npm-token"},
	}
	for _, tc := range []struct {
		name   string
		locs   []Location
		found  int
		missed map[string]int
	}{
		{"none", nil, 0, map[string]int{"github-pat-classic": 1, "slack-bot-token": 1, "private-key-rsa": 1, "npm-token": 1}},
		{"exact lines", []Location{{"a.go", 3, 3}, {"a.go", 9, 9}, {"b.yaml", 5, 5}}, 3, map[string]int{"private-key-rsa": 1}},
		{"a range covers the line", []Location{{"b.yaml", 4, 6}}, 1, map[string]int{"github-pat-classic": 1, "slack-bot-token": 1, "private-key-rsa": 1}},
		{"a key file anywhere", []Location{{"keys/id_rsa", 2, 20}}, 1, map[string]int{"github-pat-classic": 1, "slack-bot-token": 1, "npm-token": 1}},
		{"wrong file or line", []Location{{"b.go", 3, 3}, {"a.go", 4, 8}}, 0, map[string]int{"github-pat-classic": 1, "slack-bot-token": 1, "private-key-rsa": 1, "npm-token": 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			found, missed := recall(planted, tc.locs)
			if found != tc.found {
				t.Errorf("found %d, want %d", found, tc.found)
			}
			if len(missed) != len(tc.missed) {
				t.Fatalf("missed %v, want %v", missed, tc.missed)
			}
			for k, n := range tc.missed {
				if missed[k] != n {
					t.Errorf("missed[%s] = %d, want %d", k, missed[k], n)
				}
			}
		})
	}
}

func TestBatches(t *testing.T) {
	doc := func(n int) Doc { return Doc{Path: "p", Text: strings.Repeat("x", n)} }
	many := func(n, size int) []Doc {
		docs := make([]Doc, n)
		for i := range docs {
			docs[i] = doc(size)
		}
		return docs
	}
	for _, tc := range []struct {
		name  string
		docs  []Doc
		sizes []int // documents per batch
	}{
		{"empty", nil, nil},
		{"one", many(1, 10), []int{1}},
		{"file limit", many(batchFiles+1, 1), []int{batchFiles, 1}},
		{"byte limit", many(3, batchBytes/2), []int{2, 1}},
		{"a file over the byte limit goes alone", []Doc{doc(1), doc(batchBytes + 1), doc(1)}, []int{1, 1, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := batches(tc.docs)
			if len(got) != len(tc.sizes) {
				t.Fatalf("%d batches, want %d", len(got), len(tc.sizes))
			}
			for i, b := range got {
				if len(b) != tc.sizes[i] {
					t.Errorf("batch %d has %d documents, want %d", i, len(b), tc.sizes[i])
				}
			}
		})
	}
}

func TestAgreement(t *testing.T) {
	a, b := Location{"a", 1, 1}, Location{"b", 2, 2}
	for _, tc := range []struct {
		name         string
		x, y         []Location
		both, onlyX  int
		onlyY        int
		firstOnlyX   string
		firstOnlyYat int
	}{
		{"equal", []Location{a, b}, []Location{b, a}, 2, 0, 0, "", 0},
		{"overlapping lines pair", []Location{{"a", 1, 9}}, []Location{a}, 1, 0, 0, "", 0},
		{"a match starting a line earlier", []Location{{"a", 38, 38}}, []Location{{"a", 37, 38}}, 1, 0, 0, "", 0},
		{"adjacent lines do not pair", []Location{{"a", 5, 5}}, []Location{{"a", 4, 4}}, 0, 1, 1, "a", 4},
		{"extra on one side", []Location{a, b}, []Location{a}, 1, 1, 0, "b", 0},
		{"multisets", []Location{a}, []Location{a, a}, 1, 0, 1, "", 1},
		{"disjoint", []Location{a}, []Location{b}, 0, 1, 1, "a", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			both, onlyX, onlyY := agreement(tc.x, tc.y)
			if both != tc.both || len(onlyX) != tc.onlyX || len(onlyY) != tc.onlyY {
				t.Fatalf("agreement = %d, %v, %v; want %d, %d, %d", both, onlyX, onlyY, tc.both, tc.onlyX, tc.onlyY)
			}
			if tc.onlyX > 0 && onlyX[0].Path != tc.firstOnlyX {
				t.Errorf("first only-x %v, want path %s", onlyX[0], tc.firstOnlyX)
			}
			if tc.onlyY > 0 && onlyY[0].Line != tc.firstOnlyYat {
				t.Errorf("first only-y %v, want line %d", onlyY[0], tc.firstOnlyYat)
			}
		})
	}
}

func TestLocationJSON(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    Location
		wantErr bool
	}{
		{`["a/b.go",3,4]`, Location{"a/b.go", 3, 4}, false},
		{`["a",1]`, Location{}, true},
		{`{"path":"a"}`, Location{}, true},
		{`[1,2,3]`, Location{}, true},
	} {
		var got Location
		err := json.Unmarshal([]byte(tc.in), &got)
		if (err != nil) != tc.wantErr {
			t.Errorf("%s: error %v, want error: %v", tc.in, err, tc.wantErr)
			continue
		}
		if err != nil {
			continue
		}
		if got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.in, got, tc.want)
		}
		back, err := json.Marshal(got)
		if err != nil || string(back) != tc.in {
			t.Errorf("%s: encodes back as %s (%v)", tc.in, back, err)
		}
	}
}

func TestReportChecksAgreement(t *testing.T) {
	m := &Manifest{Runs: 1, Fresh: 1, Corpora: []Corpus{{Name: "go-src", Bytes: 1e6}}}
	row := func(engine string, findings int) Row {
		return Row{Kind: "throughput", Engine: engine, Rules: "default", Corpus: "go-src", Bytes: 1e6, Seconds: []float64{1}, Findings: findings}
	}
	for _, tc := range []struct {
		name     string
		rows     []Row
		problems int
	}{
		{"agree", []Row{row("native", 5), row("wasmtime", 5), row("wazero", 5), row("gitleaks", 9)}, 0},
		{"gitleaks may differ", []Row{row("native", 5), row("gitleaks", 7)}, 0},
		{"a host disagrees", []Row{row("native", 5), row("wasmtime", 5), row("wazero", 4)}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &Report{Manifest: m, Rows: tc.rows}
			var out strings.Builder
			r.Write(&out)
			if len(r.Problems) != tc.problems {
				t.Errorf("problems %v, want %d", r.Problems, tc.problems)
			}
			if tc.problems > 0 && !strings.Contains(out.String(), "disagree") {
				t.Errorf("the report does not say the engines disagree:\n%s", out.String())
			}
		})
	}
}

func TestReportTargets(t *testing.T) {
	m := &Manifest{Runs: 1, Fresh: 1, Corpora: []Corpus{{Name: "go-src", Bytes: 100e6}}}
	tp := func(engine, rules string, seconds float64) Row {
		return Row{Kind: "throughput", Engine: engine, Rules: rules, Corpus: "go-src", Bytes: 100e6, Seconds: []float64{seconds}}
	}
	for _, tc := range []struct {
		name    string
		rows    []Row
		want    []string
		notWant []string
	}{
		{"go host 12x gitleaks", []Row{tp("wazero", "gitleaks", 1), tp("gitleaks", "gitleaks", 12)},
			[]string{"| Go host vs gitleaks' detector, gitleaks' rules, `go-src` | 12.0x faster | >= 10x | yes |"}, nil},
		{"go host 8x gitleaks", []Row{tp("wazero", "gitleaks", 1), tp("gitleaks", "gitleaks", 8)},
			[]string{"| 8.0x faster | >= 10x | **no** |"}, nil},
		{"wasm 1.2x native", []Row{tp("native-call", "default", 1), tp("wasmtime", "default", 1.2)},
			[]string{"default rules, `go-src` | 1.20x the time | <= 1.5x | yes |"}, nil},
		{"module size", []Row{{Kind: "size", What: "dist/leakguard.wasm", Bytes: 3_100_000}},
			[]string{"| 3.10 MB (3100000 bytes) | < 3 MB | **no** |"}, nil},
		{"start", []Row{{Kind: "start", Engine: "wazero", What: "first scan on the fresh instance", Sample: "typical file (3.0 KB, 1 secret(s))", Seconds: []float64{0.004}}},
			[]string{"| Go (wazero) host: first scan on the fresh instance, typical file (3.0 KB, 1 secret(s)) | 4.00 ms | <= 5 ms | yes |"}, nil},
		{"start, other samples are not judged", []Row{{Kind: "start", Engine: "wasmtime", What: "load + first scan", Sample: "busiest file", Seconds: []float64{0.5}}},
			[]string{"| Rust (wasmtime) | load + first scan | busiest file | 500.00 | 1 | 0 |"}, []string{"<= 5 ms"}},
		{"rules file, all loaded", []Row{{Kind: "rules", Engine: "leakguard", Rules: "gitleaks", Defined: 3, Loaded: 3}},
			[]string{"3 rules defined, 3 loaded, none skipped"}, nil},
		{"rules file, one skipped", []Row{{Kind: "rules", Engine: "leakguard", Rules: "gitleaks", Defined: 3, Loaded: 2, Skipped: []Skip{{Rule: ptr("x"), Reason: "regex: look-around"}}}},
			[]string{"3 rules defined, 2 loaded; problems", "- `x`: regex: look-around"}, nil},
		{"cli", []Row{{Kind: "cli", Engine: "leakguard CLI", Corpus: "go-src", Seconds: []float64{2}, ExitCodes: []int{1}},
			{Kind: "cli", Engine: "gitleaks CLI", Corpus: "go-src", Seconds: []float64{9}, ExitCodes: []int{1}}},
			[]string{"`leakguard scan` vs `gitleaks dir`, `go-src` | 4.5x faster | >= 5x | **no** |"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			(&Report{Manifest: m, Rows: tc.rows}).Write(&out)
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("the report lacks %q:\n%s", w, out.String())
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(out.String(), w) {
					t.Errorf("the report has %q:\n%s", w, out.String())
				}
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
