package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	leakguard "github.com/leakguard/leakguard/host-go"
	"github.com/leakguard/leakguard/host-go/internal/walk"
)

const scanHelp = `usage: leakguard scan [flags] [path ...]
       leakguard scan [flags] -
       leakguard scan [flags] --git [repo]

Scans files and directories (default: .), standard input (-), or with --git
every line that any commit of a repository added. Directories are walked
recursively: .gitignore files are honoured, symbolic links are not followed,
.git is skipped, and binary files and files over --max-size are skipped.
Paths in the report are relative to the directory given; a file named on
the command line is reported under the path as given (and scanned even if a
.gitignore would leave it out); standard input has no path. Several paths
are scanned in the order given.

exit status: 0 nothing found, 1 secrets found, 2 usage or runtime error (also
when some inputs could not be scanned: the report still lists what was found)

flags:
`

// batchBytes is how much text one engine call scans at most (a larger file
// goes alone): enough to make the per-call cost vanish, small enough that
// the work spreads evenly over the instances.
const batchBytes = 1 << 20

// batchFiles bounds the documents of one call, for trees of tiny files.
const batchFiles = 256

type scanFlags struct {
	format, config, baseline, ignoreFile, color string
	git, verbose, noProgress, reveal            bool
	maxSize                                     int64
	jobs                                        int
}

var formats = []string{"text", "json", "jsonl", "sarif"}

func runScan(ctx context.Context, args []string, e env) (int, error) {
	var f scanFlags
	fs := newFlagSet("scan", e, scanHelp)
	fs.StringVar(&f.format, "format", "text", "report format: text, json, jsonl or sarif")
	fs.StringVar(&f.config, "config", "", "rule `file` (TOML) to use instead of the default rules")
	fs.StringVar(&f.baseline, "baseline", "", "a previous JSON report `file`: findings in it (same fingerprint and path) are not reported again")
	fs.StringVar(&f.ignoreFile, "ignore-file", "", "`file` of fingerprints to ignore, one per line, # comments (default: .leakguardignore in the scan root, if present)")
	fs.BoolVar(&f.git, "git", false, "scan the history of the git repository given (default: .)")
	fs.Int64Var(&f.maxSize, "max-size", walk.DefaultMaxSize, "skip files larger than this many `bytes` (at most the default)")
	fs.IntVar(&f.jobs, "j", runtime.NumCPU(), "how many scans run at once")
	fs.StringVar(&f.color, "color", "auto", "colours in the text report: auto (on a terminal, unless NO_COLOR is set), always or never")
	fs.BoolVar(&f.noProgress, "no-progress", false, "never draw a progress bar (one is drawn on a terminal for scans longer than a second)")
	fs.BoolVar(&f.reveal, "reveal", false, "show each secret in full instead of masked (the report then holds the secrets)")
	fs.BoolVar(&f.verbose, "v", false, "say which files were skipped, and why")
	paths, err := parseFlags(fs, args)
	if err != nil {
		return exitError, err
	}
	switch {
	case !slices.Contains(formats, f.format):
		return exitError, usagef("unknown format %q (text, json, jsonl or sarif)", f.format)
	case f.color != "auto" && f.color != "always" && f.color != "never":
		return exitError, usagef("--color must be auto, always or never, not %q", f.color)
	case f.jobs < 1:
		return exitError, usagef("-j must be at least 1")
	case f.maxSize < 1 || f.maxSize > walk.DefaultMaxSize:
		return exitError, usagef("--max-size must be between 1 and %d (the engine's limit on one document)", walk.DefaultMaxSize)
	case f.git && len(paths) > 1:
		return exitError, usagef("--git takes one repository, not %d paths", len(paths))
	case f.git && slices.Contains(paths, "-"):
		return exitError, usagef("--git cannot read a repository from standard input")
	case countOf(paths, "-") > 1:
		return exitError, usagef("standard input (-) can be scanned once")
	}

	var extra []leakguard.Option
	if f.reveal {
		extra = append(extra, leakguard.WithReveal())
	}
	s, err := newScanner(ctx, e, f.config, f.jobs, extra...)
	if err != nil {
		return exitError, err
	}
	defer s.Close(context.WithoutCancel(ctx))
	for _, w := range s.Warnings() {
		if w.Rule != "" {
			fmt.Fprintf(e.stderr, "leakguard: warning: rule %s is not used: %s\n", w.Rule, w.Message)
		} else {
			fmt.Fprintf(e.stderr, "leakguard: warning: %s\n", w.Message)
		}
	}

	var res *scanResult
	switch {
	case f.git:
		repo := "."
		if len(paths) == 1 {
			repo = paths[0]
		}
		res, err = scanGit(ctx, s, repo, f, e)
	default:
		if len(paths) == 0 {
			paths = []string{"."}
		}
		res, err = scanPaths(ctx, s, paths, f, e)
	}
	if err != nil {
		return exitError, err
	}
	if f.verbose {
		for _, n := range res.notes {
			fmt.Fprintf(e.stderr, "leakguard: skipped %s\n", n)
		}
	}

	findings, err := filterFindings(res.findings, f, res.roots)
	if err != nil {
		return exitError, err
	}
	color := f.format == "text" && (f.color == "always" || (f.color == "auto" && isTerminal(e.stdout) && e.getenv("NO_COLOR") == ""))
	if err := writeReport(ctx, s, findings, f.format, color, e.stdout); err != nil {
		return exitError, err
	}
	if res.failed > 0 {
		return exitError, fmt.Errorf("%d %s could not be scanned (see above)", res.failed, plural(res.failed, "input", "inputs"))
	}
	if len(findings) > 0 {
		return exitFindings, nil
	}
	return exitClean, nil
}

// reportChunk is how many findings one report call formats when the
// format allows the report to be made in pieces (jsonl): a huge history
// scan must not exceed the engine's input limit in one call.
const reportChunk = 5000

// writeReport formats findings through the engine and writes the report.
func writeReport(ctx context.Context, s *leakguard.Scanner, findings []leakguard.Finding, format string, color bool, w io.Writer) error {
	chunk := len(findings)
	if format == "jsonl" {
		chunk = reportChunk
	}
	for i := 0; i == 0 || i < len(findings); i += chunk {
		part := findings[i:min(i+chunk, len(findings))]
		out, err := s.Report(ctx, part, leakguard.Format(format), leakguard.WithColor(color))
		if errors.Is(err, leakguard.ErrTooLarge) {
			return fmt.Errorf("%d findings are too many for one %s report (%w); use --format jsonl", len(findings), format, err)
		}
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, out); err != nil {
			return fmt.Errorf("write the report: %w", err)
		}
		if chunk == 0 {
			break
		}
	}
	return nil
}

func countOf(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// newScanner loads the engine with a pool of jobs instances, the rule file
// if one is given, and a compilation cache so that the next start is fast.
func newScanner(ctx context.Context, e env, config string, jobs int, extra ...leakguard.Option) (*leakguard.Scanner, error) {
	opts := append([]leakguard.Option{leakguard.WithPoolSize(jobs)}, extra...)
	if config != "" {
		opts = append(opts, leakguard.WithRulesFile(config))
	}
	if dir := cacheDir(e); dir != "" {
		opts = append(opts, leakguard.WithCacheDir(dir))
	}
	return leakguard.New(ctx, opts...)
}

// cacheDir is where compiled code is kept between runs:
// $LEAKGUARD_CACHE_DIR, else leakguard/ in the user's cache directory; ""
// (no cache) when that cannot be created, or when LEAKGUARD_CACHE_DIR is
// "off".
func cacheDir(e env) string {
	dir := e.getenv("LEAKGUARD_CACHE_DIR")
	if dir == "off" {
		return ""
	}
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(base, "leakguard")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return ""
	}
	return dir
}

// scanResult is what a scan found, before baseline and ignore filtering.
type scanResult struct {
	findings []leakguard.Finding
	// notes say what was skipped and why ("path: binary"), for -v.
	notes []string
	// failed counts inputs that could not be scanned (already reported).
	failed int
	// roots are the directories whose .leakguardignore applies.
	roots []string
}

// progressFor returns a progress bar on stderr when it is a terminal and
// the user did not turn it off, else one that draws nothing.
func progressFor(e env, f scanFlags, label string, files, bytes int64) *progress {
	if f.noProgress || !isTerminal(e.stderr) {
		return startProgress(nil, nil, label, files, bytes)
	}
	return startProgress(e.stderr, terminalWidth(e.stderr), label, files, bytes)
}

// note says why a file was skipped, for -v.
type note struct {
	arg        int
	path, text string
}

// scanPaths scans files, directory trees and standard input ("-"), in the
// order given: a directory's files in byte order of their paths, relative
// to it; a file under the path as given; standard input without a path.
func scanPaths(ctx context.Context, s *leakguard.Scanner, paths []string, f scanFlags, e env) (*scanResult, error) {
	res := &scanResult{}
	var (
		files []walk.File
		argOf []int // the argument each file came from
		stdin []byte
		notes []note
	)
	for arg, p := range paths {
		if p == "-" {
			data, err := io.ReadAll(io.LimitReader(e.stdin, f.maxSize+1))
			if err != nil {
				return nil, fmt.Errorf("read standard input: %w", err)
			}
			if int64(len(data)) > f.maxSize {
				return nil, fmt.Errorf("standard input is larger than the size limit (%d bytes); lower it with --max-size only if that is intended", f.maxSize)
			}
			stdin = data
			files = append(files, walk.File{OSPath: "-", Size: int64(len(data))})
			argOf = append(argOf, arg)
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("cannot scan %s: %w", p, err)
		}
		switch {
		case info.IsDir():
			w, err := walk.Walk(p, walk.Options{MaxSize: f.maxSize})
			if err != nil {
				return nil, err
			}
			res.roots = append(res.roots, p)
			files = append(files, w.Files...)
			for range w.Files {
				argOf = append(argOf, arg)
			}
			for _, sk := range w.Skipped {
				notes = append(notes, note{arg, sk.Path, sk.Reason})
			}
		case info.Mode().IsRegular():
			// A file named on the command line is scanned even if a
			// .gitignore would leave it out.
			name := filepath.ToSlash(p)
			if info.Size() > f.maxSize {
				notes = append(notes, note{arg, name, fmt.Sprintf("larger than the size limit (%d bytes > %d)", info.Size(), f.maxSize)})
				continue
			}
			files = append(files, walk.File{Path: name, OSPath: p, Size: info.Size()})
			argOf = append(argOf, arg)
		default:
			return nil, fmt.Errorf("cannot scan %s: not a regular file or a directory", p)
		}
	}

	var total int64
	for _, file := range files {
		total += file.Size
	}
	prog := progressFor(e, f, "scanning", int64(len(files)), total)
	outcomes := scanFiles(ctx, s, files, stdin, f, prog)
	prog.finish()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i, o := range outcomes {
		name := files[i].Path
		if files[i].OSPath == "-" {
			name = "-"
		}
		switch {
		case o.err != nil:
			fmt.Fprintf(e.stderr, "leakguard: cannot scan %s: %v\n", name, o.err)
			res.failed++
		case o.note != "":
			notes = append(notes, note{argOf[i], name, o.note})
		}
		res.findings = append(res.findings, o.findings...)
	}
	// In the order of the arguments, each tree's in path order.
	slices.SortStableFunc(notes, func(a, b note) int {
		if a.arg != b.arg {
			return a.arg - b.arg
		}
		return strings.Compare(a.path, b.path)
	})
	for _, n := range notes {
		res.notes = append(res.notes, n.path+": "+n.text)
	}
	return res, nil
}

// outcome is what became of one file.
type outcome struct {
	findings []leakguard.Finding
	note     string // why it was skipped
	err      error  // why it could not be scanned
}

// scanFiles reads and scans files on f.jobs goroutines, several files per
// engine call, and returns one outcome per file, in order. A file whose
// OSPath is "-" is standard input, whose content is stdin.
func scanFiles(ctx context.Context, s *leakguard.Scanner, files []walk.File, stdin []byte, f scanFlags, prog *progress) []outcome {
	outcomes := make([]outcome, len(files))
	work := make(chan [2]int)
	var wg sync.WaitGroup
	for range f.jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range work {
				scanBatch(ctx, s, files, stdin, b[0], b[1], f.maxSize, outcomes)
				var bytes int64
				for _, file := range files[b[0]:b[1]] {
					bytes += file.Size
				}
				prog.add(int64(b[1]-b[0]), bytes)
			}
		}()
	}
	for i := 0; i < len(files) && ctx.Err() == nil; {
		j, size := i, int64(0)
		for j < len(files) && j-i < batchFiles && (j == i || size+files[j].Size <= batchBytes) {
			size += files[j].Size
			j++
		}
		select {
		case work <- [2]int{i, j}:
		case <-ctx.Done():
		}
		i = j
	}
	close(work)
	wg.Wait()
	return outcomes
}

// scanBatch reads files[lo:hi] and scans them in one call, recording each
// file's outcome. When the call fails (one file too large once encoded, or
// one that crashes the engine), each file is scanned alone, so that one
// bad file costs only itself.
func scanBatch(ctx context.Context, s *leakguard.Scanner, files []walk.File, stdin []byte, lo, hi int, maxSize int64, outcomes []outcome) {
	var docs []leakguard.Document
	for i := lo; i < hi; i++ {
		if files[i].OSPath == "-" {
			// Standard input is scanned whatever it holds, and has no path.
			docs = append(docs, leakguard.Document{ID: strconv.Itoa(i), Text: string(stdin)})
			continue
		}
		data, err := walk.ReadFile(files[i], maxSize)
		switch {
		case errors.Is(err, walk.ErrTooLarge):
			// The file grew after the walk saw it.
			size := maxSize + 1
			if info, err := os.Lstat(files[i].OSPath); err == nil {
				size = info.Size()
			}
			outcomes[i].note = fmt.Sprintf("larger than the size limit (%d bytes > %d)", size, maxSize)
		case err != nil:
			outcomes[i].err = err
		case walk.IsBinary(data):
			outcomes[i].note = "binary"
		default:
			// The index is the document's id, to route the findings back;
			// it is removed from the findings, which report the path.
			docs = append(docs, leakguard.Document{ID: strconv.Itoa(i), Path: files[i].Path, Text: string(data)})
		}
	}
	scanDocs(ctx, s, docs, func(doc int, fs []leakguard.Finding) { outcomes[doc].findings = append(outcomes[doc].findings, fs...) },
		func(doc int, err error) { outcomes[doc].err = err })
}

// scanDocs scans docs (whose IDs are indexes) in one call and hands each
// document's findings, its Document field cleared, to found. If the call
// fails, each document is scanned alone and failures go to failed.
func scanDocs(ctx context.Context, s *leakguard.Scanner, docs []leakguard.Document, found func(int, []leakguard.Finding), failed func(int, error)) {
	if len(docs) == 0 {
		return
	}
	findings, err := s.ScanDocuments(ctx, docs)
	if err != nil {
		if len(docs) == 1 || ctx.Err() != nil {
			for _, d := range docs {
				idx, _ := strconv.Atoi(d.ID)
				failed(idx, err)
			}
			return
		}
		for _, d := range docs {
			scanDocs(ctx, s, []leakguard.Document{d}, found, failed)
		}
		return
	}
	// Findings come in document order: hand over the run of each document.
	valid := make(map[string]bool, len(docs))
	for _, d := range docs {
		valid[d.ID] = true
	}
	for i := 0; i < len(findings); {
		id := findings[i].Document
		j := i
		for j < len(findings) && findings[j].Document == id {
			findings[j].Document = ""
			j++
		}
		idx, err := strconv.Atoi(id)
		if !valid[id] || err != nil {
			// The engine broke the protocol; trust none of this reply.
			for _, d := range docs {
				idx, _ := strconv.Atoi(d.ID)
				failed(idx, fmt.Errorf("the engine reported a finding in an unknown document %q", id))
			}
			return
		}
		found(idx, findings[i:j:j])
		i = j
	}
}
