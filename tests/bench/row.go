package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// Manifest is what the prepare step (benches/scan.rs) wrote: the corpora,
// the planted secrets and how long to measure. Every engine scans exactly
// the files it lists.
type Manifest struct {
	Mode     string    `json:"mode"`
	Runs     int       `json:"runs"`
	Fresh    int       `json:"fresh"`
	Seed     uint64    `json:"seed"`
	Gitleaks Gitleaks  `json:"gitleaks"`
	Corpora  []Corpus  `json:"corpora"`
	Planted  []Planted `json:"planted"`
	Samples  []Sample  `json:"samples"`
}

// Sample is a text fresh instances scan first: a file of the generated
// corpus, or the empty text (Path nil).
type Sample struct {
	Name string  `json:"name"`
	Path *string `json:"path"`
}

// Gitleaks names the gitleaks release and its default rule file.
type Gitleaks struct {
	Version string `json:"version"`
	Config  string `json:"config"`
}

// Corpus is a root and the files under it that the tree walker scans.
type Corpus struct {
	Name    string   `json:"name"`
	Root    string   `json:"root"`
	Files   []string `json:"files"`
	Bytes   int64    `json:"bytes"`
	Skipped int      `json:"skipped"`
}

// Planted is a secret written into the generated corpus.
type Planted struct {
	Path     string `json:"path"`
	Line     int    `json:"line"`
	Provider string `json:"provider"`
}

// Doc is one file of a corpus.
type Doc struct {
	Path string
	Text string
}

func loadManifest(path string) (*Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the manifest (run the prepare step first): %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("manifest %s: %w", path, err)
	}
	if m.Runs < 1 || m.Fresh < 1 || len(m.Corpora) == 0 {
		return nil, fmt.Errorf("manifest %s: runs, fresh and corpora must be set", path)
	}
	return &m, nil
}

// read returns the corpus's files, in walk order.
func (c *Corpus) read() ([]Doc, error) {
	docs := make([]Doc, 0, len(c.Files))
	for _, p := range c.Files {
		b, err := os.ReadFile(filepath.Join(c.Root, filepath.FromSlash(p)))
		if err != nil {
			return nil, fmt.Errorf("corpus %s: %w", c.Name, err)
		}
		docs = append(docs, Doc{Path: p, Text: string(b)})
	}
	return docs, nil
}

// corpus returns the corpus called name.
func (m *Manifest) corpus(name string) (*Corpus, error) {
	for i := range m.Corpora {
		if m.Corpora[i].Name == name {
			return &m.Corpora[i], nil
		}
	}
	return nil, fmt.Errorf("the manifest has no corpus %q", name)
}

// Location is where a finding was: path, first and last line.
type Location struct {
	Path    string
	Line    int
	EndLine int
}

// MarshalJSON writes a location as [path, line, end_line], as the Rust
// steps do.
func (l Location) MarshalJSON() ([]byte, error) {
	return json.Marshal([]any{l.Path, l.Line, l.EndLine})
}

// UnmarshalJSON reads [path, line, end_line].
func (l *Location) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	if len(raw) != 3 {
		return fmt.Errorf("a location has 3 parts, not %d", len(raw))
	}
	if err := json.Unmarshal(raw[0], &l.Path); err != nil {
		return err
	}
	if err := json.Unmarshal(raw[1], &l.Line); err != nil {
		return err
	}
	return json.Unmarshal(raw[2], &l.EndLine)
}

// Row is one measurement, in the shape every step writes (see Row in
// benches/scan/common.rs).
type Row struct {
	// Kind is throughput, start, compile, rules, cli or size.
	Kind      string     `json:"kind"`
	Engine    string     `json:"engine"`
	Rules     string     `json:"rules,omitempty"`
	Corpus    string     `json:"corpus,omitempty"`
	What      string     `json:"what,omitempty"`
	Sample    string     `json:"sample,omitempty"`
	Bytes     int64      `json:"bytes,omitempty"`
	Files     int        `json:"files,omitempty"`
	Seconds   []float64  `json:"seconds,omitempty"`
	Findings  int        `json:"findings"`
	Locations []Location `json:"locations,omitempty"`
	Defined   int        `json:"defined,omitempty"`
	Loaded    int        `json:"loaded,omitempty"`
	Skipped   []Skip     `json:"skipped,omitempty"`
	// ExitCodes are a CLI's exit statuses, one per run.
	ExitCodes []int `json:"exit_codes,omitempty"`
}

// Skip is a rule that did not load, and why.
type Skip struct {
	Rule   *string `json:"rule"`
	Reason string  `json:"reason"`
}

// Median is the median of the row's runs, in seconds.
func (r *Row) Median() float64 { return median(r.Seconds) }

// MBps is the row's throughput in MB/s (10^6 bytes) at its median.
func (r *Row) MBps() float64 { return float64(r.Bytes) / 1e6 / r.Median() }

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	v := slices.Clone(xs)
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

func readRows(path string) ([]Row, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var rows []Row
	if err := json.Unmarshal(b, &rows); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rows, nil
}

func writeRows(path string, rows []Row) error {
	b, err := json.MarshalIndent(rows, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// timed runs pass n times and returns each run's seconds.
func timed(n int, pass func() error) ([]float64, error) {
	seconds := make([]float64, 0, n)
	for range max(n, 1) {
		start := time.Now()
		if err := pass(); err != nil {
			return nil, err
		}
		seconds = append(seconds, time.Since(start).Seconds())
	}
	return seconds, nil
}
