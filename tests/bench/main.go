// Command bench is the Go side of the scan and CLI benchmarks (`just bench`;
// see BENCHMARKS.md). After the Rust steps have prepared the corpus and
// measured the native core and the module under wasmtime, it measures, in
// the same run:
//
//   - the module in the Go host (the leakguard package) and gitleaks'
//     detector (its library, its default rules, Go's regexp) on the same
//     corpus, one core each;
//   - the Go host's compile time and a fresh instance's first scan;
//   - the leakguard CLI against `gitleaks dir` on the Go sources, wall clock;
//   - the module's size;
//
// then prints every step's figures as markdown tables, with the ratios the
// issues set targets for. It judges nothing by speed; it fails only when
// the leakguard engines disagree on what they found, or a step fails.
//
// This is a module of its own so that gitleaks stays out of the product's
// dependencies.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run() error {
	if len(os.Args) == 2 && os.Args[1] == compileOnceFlag {
		return compileOnce(context.Background())
	}
	var (
		manifestPath = flag.String("manifest", "", "the manifest the prepare step wrote")
		results      = flag.String("results", "", "directory of the results files (native.json, wasmtime.json; go.json is written)")
		module       = flag.String("module", "", "the core module, dist/leakguard.wasm")
		lgCLI        = flag.String("leakguard", "", "the leakguard CLI binary")
		glCLI        = flag.String("gitleaks", "", "the gitleaks CLI binary")
		cliCorpus    = flag.String("cli-corpus", "go-src", "the corpus the CLIs scan")
		out          = flag.String("report", "", "also write the report to this file")
		reportOnly   = flag.Bool("report-only", false, "measure nothing: print the report of the results already written")
	)
	flag.Parse()
	if *manifestPath == "" || *results == "" {
		return fmt.Errorf("-manifest and -results are required")
	}
	m, err := loadManifest(*manifestPath)
	if err != nil {
		return err
	}
	ctx := context.Background()
	goResults := filepath.Join(*results, "go.json")
	if !*reportOnly {
		rows, err := measure(ctx, m, *results, *module, *lgCLI, *glCLI, *cliCorpus)
		if err != nil {
			return err
		}
		if err := writeRows(goResults, rows); err != nil {
			return err
		}
	}

	var all []Row
	for _, name := range []string{"native.json", "wasmtime.json", "go.json"} {
		rows, err := readRows(filepath.Join(*results, name))
		if err != nil {
			return fmt.Errorf("results of a step: %w", err)
		}
		all = append(all, rows...)
	}
	r := &Report{Manifest: m, Rows: all}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# leakguard scan benchmarks (%s run; gitleaks %s, regexp: %s)\n\n", m.Mode, m.Gitleaks.Version, gitleaksRegexp)
	r.Write(&buf)
	if _, err := io.Copy(os.Stdout, bytes.NewReader(buf.Bytes())); err != nil {
		return err
	}
	if *out != "" {
		if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	if len(r.Problems) > 0 {
		return fmt.Errorf("the leakguard engines disagree (see the report)")
	}
	return nil
}

// measure runs the Go side's measurements.
func measure(ctx context.Context, m *Manifest, results, module, lgCLI, glCLI, cliCorpus string) ([]Row, error) {
	progress := func(r Row) {
		switch r.Kind {
		case "throughput":
			fmt.Fprintf(os.Stderr, "%s · %s rules · %s: %.1f MB/s (%d findings)\n", r.Engine, r.Rules, r.Corpus, r.MBps(), r.Findings)
		case "cli":
			fmt.Fprintf(os.Stderr, "%s · %s: %.2f s (exit %v, %d findings)\n", r.Engine, r.Corpus, r.Median(), r.ExitCodes, r.Findings)
		default:
			fmt.Fprintf(os.Stderr, "%s · %s %s: %.2f ms\n", r.Engine, r.What, r.Sample, r.Median()*1e3)
		}
	}
	var rows []Row
	add := func(rs ...Row) {
		for _, r := range rs {
			progress(r)
		}
		rows = append(rows, rs...)
	}

	start, err := goHostStart(ctx, m, filepath.Join(results, "wazero-cache"))
	if err != nil {
		return nil, err
	}
	add(start...)

	gitleaksRules, err := os.ReadFile(m.Gitleaks.Config)
	if err != nil {
		return nil, fmt.Errorf("gitleaks' rule file: %w", err)
	}
	for i := range m.Corpora {
		c := &m.Corpora[i]
		docs, err := c.read()
		if err != nil {
			return nil, err
		}
		for _, rs := range []struct{ name, text string }{{"default", ""}, {"gitleaks", string(gitleaksRules)}} {
			row, err := goHostThroughput(ctx, m, c, docs, rs.name, rs.text)
			if err != nil {
				return nil, err
			}
			add(row)
		}
		row, err := gitleaksThroughput(m, c, docs)
		if err != nil {
			return nil, err
		}
		add(row)
	}

	if lgCLI != "" && glCLI != "" {
		c, err := m.corpus(cliCorpus)
		if err != nil {
			return nil, err
		}
		// The CLI keeps compiled code between runs; fill its cache first
		// (on the small generated corpus), so that every timed run is a
		// user's second run. The cold start is measured on its own.
		cacheDir := filepath.Join(results, "cli-cache")
		warm := leakguardCLI(lgCLI, cacheDir)
		gen, err := m.corpus("planted")
		if err != nil {
			return nil, err
		}
		if _, _, _, err := runCLI(ctx, warm, gen.Root, filepath.Join(results, "cli-warm.json")); err != nil {
			return nil, fmt.Errorf("%s: %w", warm.engine, err)
		}
		cli, err := cliRows(ctx, m, c, results, warm, gitleaksCLI(glCLI), leakguardCLI(lgCLI, "off"))
		if err != nil {
			return nil, err
		}
		add(cli...)
	}

	if module != "" {
		st, err := os.Stat(module)
		if err != nil {
			return nil, err
		}
		rows = append(rows, Row{Kind: "size", Engine: "module", What: "dist/" + filepath.Base(module), Bytes: st.Size()})
	}
	return rows, nil
}
