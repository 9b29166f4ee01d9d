package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/leakguard/leakguard/host-go"
	"github.com/leakguard/leakguard/host-go/embed"
	"github.com/leakguard/leakguard/host-go/plugin"
)

// Batches of at most batchBytes of text or batchFiles documents: the cut
// the CLI makes (host-go/cmd/leakguard), so that the calls measured are
// the calls a tree scan makes.
const (
	batchBytes = 1 << 20
	batchFiles = 256
)

// batches cuts docs into ScanDocuments batches.
func batches(docs []Doc) [][]leakguard.Document {
	var out [][]leakguard.Document
	var cur []leakguard.Document
	size := 0
	for _, d := range docs {
		if len(cur) > 0 && (len(cur) == batchFiles || size+len(d.Text) > batchBytes) {
			out = append(out, cur)
			cur, size = nil, 0
		}
		cur = append(cur, leakguard.Document{Path: d.Path, Text: d.Text})
		size += len(d.Text)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// goHostThroughput scans the corpus with the Go API on one instance, with
// the default rules (rules == "") or a rule file.
func goHostThroughput(ctx context.Context, m *Manifest, c *Corpus, docs []Doc, rulesName, rules string) (Row, error) {
	opts := []leakguard.Option{leakguard.WithPoolSize(1)}
	if rules != "" {
		opts = append(opts, leakguard.WithRules(rules))
	}
	s, err := leakguard.New(ctx, opts...)
	if err != nil {
		return Row{}, fmt.Errorf("the Go host: %w", err)
	}
	defer s.Close(ctx)
	work := batches(docs)
	var locs []Location
	seconds, err := timed(m.Runs, func() error {
		locs = locs[:0]
		for _, b := range work {
			fs, err := s.ScanDocuments(ctx, b)
			if err != nil {
				return fmt.Errorf("the Go host: %w", err)
			}
			for _, f := range fs {
				locs = append(locs, Location{f.Path, f.Line, f.EndLine})
			}
		}
		return nil
	})
	if err != nil {
		return Row{}, err
	}
	return throughputRow("wazero", rulesName, c, seconds, locs), nil
}

// throughputRow is the row of a throughput measurement; locations are kept
// for the generated corpus only (the recall column).
func throughputRow(engine, rules string, c *Corpus, seconds []float64, locs []Location) Row {
	r := Row{
		Kind: "throughput", Engine: engine, Rules: rules, Corpus: c.Name,
		Bytes: c.Bytes, Files: len(c.Files), Seconds: seconds, Findings: len(locs),
	}
	if c.Name == "planted" {
		r.Locations = locs
	}
	return r
}

// goHostStart measures the module's compile time in the Go host and a fresh
// instance's first scan: plugin.New with a warm compilation cache
// (instantiate, describe), then one scan of the sample file.
func goHostStart(ctx context.Context, m *Manifest, cacheDir string) ([]Row, error) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := plugin.NewConfig().WithPoolSize(1).WithLogger(quiet)
	compile, err := timed(m.Runs, func() error {
		p, err := plugin.New(ctx, embed.Binary, cfg)
		if err != nil {
			return fmt.Errorf("the Go host: %w", err)
		}
		return p.Close(ctx)
	})
	if err != nil {
		return nil, err
	}

	if err := os.RemoveAll(cacheDir); err != nil {
		return nil, err
	}
	cached := cfg.WithCacheDir(cacheDir)
	warm, err := plugin.New(ctx, embed.Binary, cached)
	if err != nil {
		return nil, fmt.Errorf("the Go host: %w", err)
	}
	if err := warm.Close(ctx); err != nil {
		return nil, err
	}

	rows := []Row{{Kind: "compile", Engine: "wazero", What: "plugin.New, no cache (instrument, compile, instantiate, describe)", Seconds: compile}}
	var load []float64
	for _, sample := range m.Samples {
		req, err := sampleRequest(m, sample)
		if err != nil {
			return nil, err
		}
		var first, total []float64
		findings := 0
		for range m.Fresh {
			t0 := time.Now()
			p, err := plugin.New(ctx, embed.Binary, cached)
			if err != nil {
				return nil, fmt.Errorf("the Go host: %w", err)
			}
			t1 := time.Now()
			reply, err := p.Call(ctx, "scan", req)
			t2 := time.Now()
			if err != nil {
				return nil, fmt.Errorf("the Go host: %w", err)
			}
			var r struct {
				Findings []json.RawMessage `json:"findings"`
			}
			if err := json.Unmarshal(reply, &r); err != nil {
				return nil, fmt.Errorf("the Go host's scan reply: %w", err)
			}
			findings = len(r.Findings)
			if err := p.Close(ctx); err != nil {
				return nil, err
			}
			load = append(load, t1.Sub(t0).Seconds())
			first = append(first, t2.Sub(t1).Seconds())
			total = append(total, t2.Sub(t0).Seconds())
		}
		rows = append(rows,
			Row{Kind: "start", Engine: "wazero", What: "first scan on the fresh instance", Sample: sample.Name, Seconds: first, Findings: findings},
			Row{Kind: "start", Engine: "wazero", What: "load + first scan", Sample: sample.Name, Seconds: total, Findings: findings})
	}
	return append(rows, Row{Kind: "start", Engine: "wazero", What: "load: plugin.New with a warm cache (instantiate, describe)", Seconds: load}), nil
}

// sampleRequest is a start measurement's scan request: the sample with the
// default rules.
func sampleRequest(m *Manifest, s Sample) ([]byte, error) {
	req := map[string]string{"text": ""}
	if s.Path != nil {
		c, err := m.corpus("planted")
		if err != nil {
			return nil, err
		}
		b, err := os.ReadFile(filepath.Join(c.Root, filepath.FromSlash(*s.Path)))
		if err != nil {
			return nil, err
		}
		req["text"], req["path"] = string(b), *s.Path
	}
	return json.Marshal(req)
}
