package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// cliRun is one way of scanning a tree from the command line.
type cliRun struct {
	engine string
	// env is added to the environment.
	env []string
	// args builds the command line for a tree and a report file.
	args func(root, report string) []string
	// stdout: the report is the command's standard output.
	stdout bool
	// count reads the number of findings from the report.
	count func(report []byte) (int, error)
}

// leakguardCLI runs the leakguard CLI with its compilation cache in
// cacheDir ("off": none, so every run compiles the module).
func leakguardCLI(bin, cacheDir string) cliRun {
	engine := "leakguard CLI"
	if cacheDir == "off" {
		engine = "leakguard CLI, no compilation cache"
	}
	return cliRun{
		engine: engine,
		env:    []string{"LEAKGUARD_CACHE_DIR=" + cacheDir},
		args: func(root, _ string) []string {
			return []string{bin, "scan", "--format", "json", "--no-progress", root}
		},
		stdout: true,
		count: func(b []byte) (int, error) {
			var r struct {
				Findings []json.RawMessage `json:"findings"`
			}
			err := json.Unmarshal(b, &r)
			return len(r.Findings), err
		},
	}
}

func gitleaksCLI(bin string) cliRun {
	return cliRun{
		engine: "gitleaks CLI",
		args: func(root, report string) []string {
			return []string{bin, "dir", root, "--report-format", "json", "--report-path", report, "--no-banner", "--log-level", "error"}
		},
		count: func(b []byte) (int, error) {
			var r []json.RawMessage
			err := json.Unmarshal(b, &r)
			return len(r), err
		},
	}
}

// cliRows times each CLI over corpus c, runs times, alternating between
// them so that a burst of load on the shared machine hits both alike.
func cliRows(ctx context.Context, m *Manifest, c *Corpus, dir string, clis ...cliRun) ([]Row, error) {
	rows := make([]Row, len(clis))
	for i, cli := range clis {
		rows[i] = Row{Kind: "cli", Engine: cli.engine, Corpus: c.Name, Bytes: c.Bytes, Files: len(c.Files)}
	}
	for range m.Runs {
		for i, cli := range clis {
			report := filepath.Join(dir, fmt.Sprintf("cli-%d.json", i))
			seconds, code, findings, err := runCLI(ctx, cli, c.Root, report)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", cli.engine, err)
			}
			rows[i].Seconds = append(rows[i].Seconds, seconds)
			rows[i].ExitCodes = append(rows[i].ExitCodes, code)
			rows[i].Findings = findings
		}
	}
	return rows, nil
}

// runCLI runs one scan and returns its wall-clock seconds, exit status and
// finding count. Exit status 1 means findings for both tools; anything but
// 0 and 1 is a failure.
func runCLI(ctx context.Context, cli cliRun, root, report string) (float64, int, int, error) {
	_ = os.Remove(report)
	argv := cli.args(root, report)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), cli.env...)
	var out *os.File
	if cli.stdout {
		f, err := os.Create(report)
		if err != nil {
			return 0, 0, 0, err
		}
		defer f.Close()
		out = f
		cmd.Stdout = f
	}
	var stderr limitedBuffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	seconds := time.Since(start).Seconds()
	code := 0
	if exit := (*exec.ExitError)(nil); errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		return 0, 0, 0, err
	}
	if code != 0 && code != 1 {
		return 0, 0, 0, fmt.Errorf("exit status %d: %s", code, stderr.String())
	}
	if out != nil {
		if err := out.Close(); err != nil {
			return 0, 0, 0, err
		}
	}
	b, err := os.ReadFile(report)
	if err != nil {
		return 0, 0, 0, err
	}
	n, err := cli.count(b)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("its report: %w", err)
	}
	return seconds, code, n, nil
}

// limitedBuffer keeps the first 4 KiB written to it: enough of a failing
// tool's stderr to say why.
type limitedBuffer struct{ b []byte }

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := 4096 - len(l.b); room > 0 {
		l.b = append(l.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (l *limitedBuffer) String() string { return string(l.b) }
