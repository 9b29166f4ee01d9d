package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	leakguard "github.com/leakguard/leakguard/host-go"
	"github.com/leakguard/leakguard/host-go/internal/gitlog"
)

// histDoc is one document of a history scan: some of the lines one commit
// added to one file, and for each line of the document the file's line
// number (0 for a separator).
type histDoc struct {
	change *gitlog.Change
	lines  []int
	text   string
}

// histBatch is a run of documents scanned in one call; seq orders the
// batches as git listed the commits.
type histBatch struct {
	seq  int
	docs []histDoc
}

// scanGit scans every line that every commit of repo added. Findings come
// newest commit first (git's order), then in file and line order, and
// carry the commit, its author, date and subject, the file and its line.
//
// The lines a commit added to a file are scanned together as one document,
// in file order, with an empty line where the file had lines the commit did
// not add, so that a secret never seems to span lines that are not
// adjacent. Lines and columns of findings are the file's; start and end
// are offsets in that document.
func scanGit(ctx context.Context, s *leakguard.Scanner, repo string, f scanFlags, e env) (*scanResult, error) {
	res := &scanResult{roots: []string{repo}}
	prog := progressFor(e, f, "scanning history", 0, 0)
	defer prog.finish()

	var (
		mu      sync.Mutex
		results = map[int][]leakguard.Finding{}
		failed  []string
	)
	work := make(chan histBatch, f.jobs)
	var wg sync.WaitGroup
	for range f.jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range work {
				found := scanHistBatch(ctx, s, b, func(d histDoc, err error) {
					mu.Lock()
					failed = append(failed, fmt.Sprintf("commit %s, %s: %v", d.change.Commit.Hash, d.change.Path, err))
					mu.Unlock()
				})
				var bytes int64
				for _, d := range b.docs {
					bytes += int64(len(d.text))
				}
				prog.add(int64(len(b.docs)), bytes)
				mu.Lock()
				results[b.seq] = found
				mu.Unlock()
			}
		}()
	}

	batcher := histBatcher{out: work, maxLine: int(f.maxSize)}
	logErr := gitlog.Log(ctx, repo, func(c *gitlog.Change) error {
		for _, n := range batcher.add(ctx, c) {
			res.notes = append(res.notes, n)
		}
		return ctx.Err()
	})
	batcher.flush(ctx)
	close(work)
	wg.Wait()
	if logErr != nil {
		return nil, logErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for seq := range batcher.seq {
		res.findings = append(res.findings, results[seq]...)
	}
	for _, m := range failed {
		fmt.Fprintf(e.stderr, "leakguard: cannot scan %s\n", m)
	}
	res.failed = len(failed)
	return res, nil
}

// histBatcher cuts changes into documents of at most batchBytes and groups
// them into batches of about batchBytes.
type histBatcher struct {
	out     chan<- histBatch
	maxLine int
	seq     int
	cur     histBatch
	size    int
}

// add splits c into documents and queues them; it returns notes on lines
// skipped for their length.
func (b *histBatcher) add(ctx context.Context, c *gitlog.Change) []string {
	var notes []string
	var text strings.Builder
	var lines []int
	emit := func() {
		if len(lines) == 0 {
			return
		}
		b.queue(ctx, histDoc{change: c, lines: lines, text: text.String()})
		text.Reset()
		lines = nil
	}
	prev := -1
	for _, l := range c.Lines {
		if len(l.Text) > b.maxLine {
			notes = append(notes, fmt.Sprintf("commit %s, %s line %d: longer than the size limit (%d bytes)", c.Commit.Hash, c.Path, l.Number, b.maxLine))
			prev = -1
			continue
		}
		if text.Len() > 0 && text.Len()+len(l.Text)+2 > batchBytes {
			emit()
			prev = -1
		}
		if len(lines) > 0 {
			text.WriteByte('\n')
			if l.Number != prev+1 {
				// A gap in the file: an empty line keeps the parts apart.
				lines = append(lines, 0)
				text.WriteByte('\n')
			}
		}
		text.WriteString(l.Text)
		lines = append(lines, l.Number)
		prev = l.Number
	}
	emit()
	return notes
}

func (b *histBatcher) queue(ctx context.Context, d histDoc) {
	if b.size > 0 && (b.size+len(d.text) > batchBytes || len(b.cur.docs) >= batchFiles) {
		b.flush(ctx)
	}
	b.cur.docs = append(b.cur.docs, d)
	b.size += len(d.text)
}

// flush sends the batch being filled, if any.
func (b *histBatcher) flush(ctx context.Context) {
	if len(b.cur.docs) == 0 {
		return
	}
	b.cur.seq = b.seq
	select {
	case b.out <- b.cur:
		b.seq++
	case <-ctx.Done():
	}
	b.cur, b.size = histBatch{}, 0
}

// scanHistBatch scans one batch and returns its findings in document
// order, placed in their files and commits.
func scanHistBatch(ctx context.Context, s *leakguard.Scanner, b histBatch, failed func(histDoc, error)) []leakguard.Finding {
	docs := make([]leakguard.Document, len(b.docs))
	for i, d := range b.docs {
		docs[i] = leakguard.Document{ID: strconv.Itoa(i), Path: d.change.Path, Text: d.text}
	}
	perDoc := make([][]leakguard.Finding, len(docs))
	scanDocs(ctx, s, docs,
		func(i int, fs []leakguard.Finding) { perDoc[i] = append(perDoc[i], fs...) },
		func(i int, err error) { failed(b.docs[i], err) })
	var out []leakguard.Finding
	for i, fs := range perDoc {
		d := b.docs[i]
		for _, f := range fs {
			// A path-only rule reports the file itself (line 1, no
			// secret): there are no lines to map.
			if !(f.Start == 0 && f.End == 0 && f.Secret == "") {
				f.Line = fileLine(d.lines, f.Line)
				f.EndLine = fileLine(d.lines, f.EndLine)
			}
			c := d.change.Commit
			f.Commit, f.Author, f.Email, f.Date, f.Message = c.Hash, c.Author, c.Email, c.Date, c.Message
			out = append(out, f)
		}
	}
	return out
}

// fileLine maps line n (1-based) of a history document to the file's line.
// A separator (which holds no text, so no secret starts there) maps to the
// line before it.
func fileLine(lines []int, n int) int {
	for i := min(n, len(lines)) - 1; i >= 0; i-- {
		if lines[i] != 0 {
			return lines[i]
		}
	}
	return n
}
