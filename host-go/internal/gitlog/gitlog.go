// Package gitlog reads the lines every commit of a git repository added,
// by running `git log -p` and parsing the patch as it streams, so that a
// repository's whole history is never held in memory at once.
package gitlog

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
)

// Commit identifies a commit.
type Commit struct {
	Hash    string
	Author  string
	Email   string
	Date    string // author date, strict ISO 8601 (git's %aI)
	Message string // the subject line
}

// Line is one added line: its 1-based number in the file as the commit
// left it, and its text without the line feed.
type Line struct {
	Number int
	Text   string
}

// Change is what one commit added to one file.
type Change struct {
	Commit *Commit
	// Path is the file's path in the commit, relative to the repository's
	// top, "/"-separated.
	Path string
	// Lines are in file order.
	Lines []Line
}

// Args are the `git log` arguments Log runs with, after `git -C repo`:
// every commit reachable from any ref, merges aside (their patches repeat
// what their parents added), renames detected (a moved file adds nothing),
// no context lines, and the user's configuration neutralised where it would
// change the patch's shape (colour, external diff drivers, text
// conversion, prefixes, relative paths, quoting).
var Args = []string{
	"-c", "core.quotePath=false",
	"log", "-p", "-U0", "--all", "--no-merges", "-M",
	"--no-color", "--no-ext-diff", "--no-textconv", "--no-relative",
	"--src-prefix=a/", "--dst-prefix=b/",
	"--format=" + headerFormat,
}

// headerFormat starts every commit with a line that no patch line can start
// with (NUL): hash, author, email, date and subject, NUL-separated.
const headerFormat = "%x00%H%x00%an%x00%ae%x00%aI%x00%s"

// Log runs `git log -p` in repo and calls fn for every file of every commit
// that added lines, newest commit first (git's order), files in the order
// git lists them.
//
// # Errors
//
// An error when git cannot be started, exits with an error (its stderr is
// in the message), when the patch cannot be parsed, or when fn fails (fn's
// error is returned as is, and git is stopped).
func Log(ctx context.Context, repo string, fn func(*Change) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", repo}, Args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("git log: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start git: %w", err)
	}
	perr := Parse(out, fn)
	if perr != nil {
		cancel()
		_, _ = io.Copy(io.Discard, out)
	}
	werr := cmd.Wait()
	if perr != nil {
		return perr
	}
	if werr != nil {
		return fmt.Errorf("git log in %s: %w: %s", repo, werr, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// ErrSyntax is wrapped by the errors of [Parse] for output it cannot read.
var ErrSyntax = errors.New("unexpected git log output")

// Parse reads `git log -p -U0` output produced with the header format of
// [Args] from r and calls fn for every file of every commit with added
// lines.
//
// # Errors
//
// The read error, an error wrapping [ErrSyntax] naming the line, or fn's
// error as is.
func Parse(r io.Reader, fn func(*Change) error) error {
	p := parser{r: bufio.NewReaderSize(r, 64<<10), fn: fn}
	return p.run()
}

type parser struct {
	r      *bufio.Reader
	fn     func(*Change) error
	lineNo int

	commit *Commit
	change *Change // the file being read, nil between files
	hunks  bool    // whether the file's hunks have begun
	// In a hunk: the old and new side lines still to come, and the next
	// new line's number.
	oldLeft, newLeft, next int
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("%w at line %d: %s", ErrSyntax, p.lineNo, fmt.Sprintf(format, args...))
}

func (p *parser) run() error {
	for {
		line, err := p.r.ReadString('\n')
		if line == "" && err != nil {
			if err == io.EOF {
				return p.flush()
			}
			return fmt.Errorf("read git log: %w", err)
		}
		p.lineNo++
		line = strings.TrimSuffix(line, "\n")
		if err := p.line(line); err != nil {
			return err
		}
	}
}

// flush hands the file being read, if it added anything, to fn.
func (p *parser) flush() error {
	c := p.change
	p.change = nil
	if c == nil || len(c.Lines) == 0 {
		return nil
	}
	return p.fn(c)
}

func (p *parser) line(line string) error {
	if p.oldLeft > 0 || p.newLeft > 0 {
		return p.hunkLine(line)
	}
	switch {
	case strings.HasPrefix(line, "\x00"):
		if err := p.flush(); err != nil {
			return err
		}
		f := strings.Split(line[1:], "\x00")
		if len(f) != 5 {
			return p.errorf("a commit header with %d fields", len(f))
		}
		p.commit = &Commit{Hash: f[0], Author: f[1], Email: f[2], Date: f[3], Message: f[4]}
	case strings.HasPrefix(line, "diff --git "):
		if err := p.flush(); err != nil {
			return err
		}
		if p.commit == nil {
			return p.errorf("a patch before any commit header")
		}
		p.change = &Change{Commit: p.commit}
		p.hunks = false
	case strings.HasPrefix(line, "--- ") && p.change != nil && !p.hunks:
	case strings.HasPrefix(line, "+++ ") && p.change != nil && !p.hunks:
		path, err := patchPath(line[4:])
		if err != nil {
			return p.errorf("%v", err)
		}
		p.change.Path = path
	case strings.HasPrefix(line, "@@ "):
		if p.change == nil {
			return p.errorf("a hunk outside a file")
		}
		p.hunks = true
		return p.hunkHeader(line)
	case strings.HasPrefix(line, "+") || strings.HasPrefix(line, "-") || strings.HasPrefix(line, " "):
		// A patch line outside a hunk: the hunk header's counts were
		// wrong, or this is not the output this parser was written for.
		return p.errorf("a patch line outside a hunk: %q", line)
	}
	// Anything else is extended header lines (index, mode, rename,
	// similarity, "Binary files ... differ"), the blank line after a
	// commit header, or "\ No newline at end of file".
	return nil
}

// hunkHeader reads "@@ -a[,b] +c[,d] @@ ...".
func (p *parser) hunkHeader(line string) error {
	fields := strings.Fields(line)
	if len(fields) < 4 || fields[3] != "@@" || !strings.HasPrefix(fields[1], "-") || !strings.HasPrefix(fields[2], "+") {
		return p.errorf("a malformed hunk header %q", line)
	}
	_, oldCount, err1 := hunkRange(fields[1][1:])
	start, newCount, err2 := hunkRange(fields[2][1:])
	if err := errors.Join(err1, err2); err != nil {
		return p.errorf("a malformed hunk header %q: %v", line, err)
	}
	p.oldLeft, p.newLeft, p.next = oldCount, newCount, start
	return nil
}

// hunkRange reads "start[,count]"; the count defaults to 1.
func hunkRange(s string) (start, count int, err error) {
	a, b, found := strings.Cut(s, ",")
	if start, err = strconv.Atoi(a); err != nil || start < 0 {
		return 0, 0, fmt.Errorf("bad range %q", s)
	}
	count = 1
	if found {
		if count, err = strconv.Atoi(b); err != nil || count < 0 {
			return 0, 0, fmt.Errorf("bad range %q", s)
		}
	}
	return start, count, nil
}

func (p *parser) hunkLine(line string) error {
	if line == "" {
		return p.errorf("an empty line inside a hunk")
	}
	switch line[0] {
	case '+':
		if p.newLeft == 0 {
			return p.errorf("more added lines than the hunk header announced")
		}
		p.change.Lines = append(p.change.Lines, Line{Number: p.next, Text: line[1:]})
		p.next++
		p.newLeft--
	case '-':
		if p.oldLeft == 0 {
			return p.errorf("more removed lines than the hunk header announced")
		}
		p.oldLeft--
	case ' ':
		if p.oldLeft == 0 || p.newLeft == 0 {
			return p.errorf("more context lines than the hunk header announced")
		}
		p.next++
		p.oldLeft--
		p.newLeft--
	case '\\':
		// "\ No newline at end of file"
	default:
		return p.errorf("an unexpected line inside a hunk: %q", line)
	}
	return nil
}

// patchPath reads the path of a "+++ " line: "/dev/null", b/path (git adds
// a tab after a path with spaces), or a C-quoted "b/path".
func patchPath(s string) (string, error) {
	if s == "/dev/null" {
		return "", nil
	}
	if strings.HasPrefix(s, `"`) {
		var err error
		if s, err = unquote(s); err != nil {
			return "", err
		}
	} else {
		s = strings.TrimSuffix(s, "\t")
	}
	path, ok := strings.CutPrefix(s, "b/")
	if !ok {
		return "", fmt.Errorf("a path without the b/ prefix: %q", s)
	}
	return path, nil
}

// unquote decodes git's C-style quoting of a path: a double-quoted string
// with backslash escapes (\a \b \t \n \v \f \r \" \\ and three-digit octal
// bytes). Text after the closing quote (git's tab) is ignored.
func unquote(s string) (string, error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			return b.String(), nil
		case '\\':
			i++
			if i >= len(s) {
				return "", fmt.Errorf("a quoted path ends in a backslash: %s", s)
			}
			switch e := s[i]; e {
			case 'a':
				b.WriteByte('\a')
			case 'b':
				b.WriteByte('\b')
			case 't':
				b.WriteByte('\t')
			case 'n':
				b.WriteByte('\n')
			case 'v':
				b.WriteByte('\v')
			case 'f':
				b.WriteByte('\f')
			case 'r':
				b.WriteByte('\r')
			case '"', '\\':
				b.WriteByte(e)
			case '0', '1', '2', '3':
				if i+2 >= len(s) {
					return "", fmt.Errorf("a short octal escape in %s", s)
				}
				n, err := strconv.ParseUint(s[i:i+3], 8, 8)
				if err != nil {
					return "", fmt.Errorf("a bad octal escape in %s", s)
				}
				b.WriteByte(byte(n))
				i += 2
			default:
				return "", fmt.Errorf("an unknown escape \\%c in %s", e, s)
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", fmt.Errorf("an unterminated quoted path: %s", s)
}
