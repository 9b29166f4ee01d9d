package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
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

// throughputRow is the row of a throughput measurement.
func throughputRow(engine, rules string, c *Corpus, seconds []float64, locs []Location) Row {
	return Row{
		Kind: "throughput", Engine: engine, Rules: rules, Corpus: c.Name,
		Bytes: c.Bytes, Files: len(c.Files), Seconds: seconds, Findings: len(locs), Locations: locs,
	}
}

// goHostStart measures the module's compile time in the Go host, a new
// Plugin's load time, and a fresh instance's first scan of each sample.
//
// A Plugin's instance is created by New (which runs `describe` on it), so a
// fresh instance is had from a new Plugin. New without a cache directory
// finds the module in the process's in-memory compilation cache after the
// first time, which is what a Go program making another Plugin sees; the
// compile time is therefore measured in fresh processes (compileOnce), and
// the load from the on-disk cache (what a new CLI process sees) on its own.
func goHostStart(ctx context.Context, m *Manifest, cacheDir string) ([]Row, error) {
	compile, err := compileInSubprocesses(ctx, m.Runs)
	if err != nil {
		return nil, err
	}
	rows := []Row{{Kind: "compile", Engine: "wazero", What: "plugin.New in a new process, no cache (instrument, compile, instantiate, describe)", Seconds: compile}}

	cfg := plugin.NewConfig().WithPoolSize(1).WithLogger(slog.New(slog.DiscardHandler))
	if err := os.RemoveAll(cacheDir); err != nil {
		return nil, err
	}
	onDisk := cfg.WithCacheDir(cacheDir)
	// Fill both caches.
	for _, c := range []plugin.Config{cfg, onDisk} {
		p, err := plugin.New(ctx, embed.Binary, c)
		if err != nil {
			return nil, fmt.Errorf("the Go host: %w", err)
		}
		if err := p.Close(ctx); err != nil {
			return nil, err
		}
	}
	diskLoad, err := timed(m.Fresh, func() error {
		p, err := plugin.New(ctx, embed.Binary, onDisk)
		if err != nil {
			return fmt.Errorf("the Go host: %w", err)
		}
		return p.Close(ctx)
	})
	if err != nil {
		return nil, err
	}

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
			p, err := plugin.New(ctx, embed.Binary, cfg)
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
	return append(rows,
		Row{Kind: "start", Engine: "wazero", What: "load: plugin.New, module compiled before in this process (instrument, instantiate, describe)", Seconds: load},
		Row{Kind: "start", Engine: "wazero", What: "plugin.New from the on-disk cache (instrument, load, instantiate, describe)", Seconds: diskLoad}), nil
}

// compileOnceFlag makes this program time one uncached plugin.New and
// print the seconds: the compile measurement, in a process of its own.
const compileOnceFlag = "-compile-once"

// compileOnce is the child's side of compileInSubprocesses.
func compileOnce(ctx context.Context) error {
	cfg := plugin.NewConfig().WithPoolSize(1).WithLogger(slog.New(slog.DiscardHandler))
	start := time.Now()
	p, err := plugin.New(ctx, embed.Binary, cfg)
	if err != nil {
		return fmt.Errorf("the Go host: %w", err)
	}
	seconds := time.Since(start).Seconds()
	if err := p.Close(ctx); err != nil {
		return err
	}
	_, err = fmt.Println(seconds)
	return err
}

// compileInSubprocesses runs this program with compileOnceFlag n times.
func compileInSubprocesses(ctx context.Context, n int) ([]float64, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	var seconds []float64
	for range n {
		out, err := exec.CommandContext(ctx, self, compileOnceFlag).Output()
		if err != nil {
			return nil, fmt.Errorf("timing a compile in a new process: %w", err)
		}
		var s float64
		if _, err := fmt.Sscan(string(out), &s); err != nil {
			return nil, fmt.Errorf("timing a compile in a new process: %q: %w", out, err)
		}
		seconds = append(seconds, s)
	}
	return seconds, nil
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
