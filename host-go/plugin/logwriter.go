package plugin

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
)

// maxLogLine caps one logged line: a guest that writes without newlines
// cannot make the host buffer without bound.
const maxLogLine = 8 << 10

// keptLines is how many of the latest stderr lines an instance keeps, to
// explain a trap.
const keptLines = 8

// lineWriter turns what a guest writes to one stream into log records, one
// per line, and remembers the latest lines so that a trap can be explained
// with the guest's own last words (its panic message).
//
// The guest writes through WASI fd_write, which wazero runs on the calling
// goroutine; the mutex is there because a Plugin's Close may flush while a
// call is still writing.
type lineWriter struct {
	logger *slog.Logger
	level  slog.Level
	keep   bool

	mu      sync.Mutex
	partial []byte
	recent  [keptLines]string
	next    int // index in recent of the next line
	count   int // lines in recent since the last reset
}

func newLineWriter(logger *slog.Logger, level slog.Level, keep bool) *lineWriter {
	return &lineWriter{logger: logger, level: level, keep: keep}
}

// Write implements io.Writer. It never fails: losing a log line must not
// fail the guest's call.
func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			room := maxLogLine - len(w.partial)
			if len(p) < room {
				w.partial = append(w.partial, p...)
				return n, nil
			}
			w.partial = append(w.partial, p[:room]...)
			p = p[room:]
			w.emit()
			continue
		}
		if len(w.partial)+i > maxLogLine {
			i = maxLogLine - len(w.partial)
			w.partial = append(w.partial, p[:i]...)
			p = p[i:]
		} else {
			w.partial = append(w.partial, p[:i]...)
			p = p[i+1:]
		}
		w.emit()
	}
	return n, nil
}

// emit logs the buffered line and empties the buffer. Called with mu held.
func (w *lineWriter) emit() {
	line := string(bytes.TrimRight(w.partial, "\r"))
	w.partial = w.partial[:0]
	if w.keep {
		w.recent[w.next] = line
		w.next = (w.next + 1) % keptLines
		if w.count < keptLines {
			w.count++
		}
	}
	w.logger.Log(context.Background(), w.level, line)
}

// flush logs a trailing line that had no newline.
func (w *lineWriter) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.partial) > 0 {
		w.emit()
	}
}

// reset forgets the kept lines, so that a call is explained only by what
// it printed itself.
func (w *lineWriter) reset() {
	w.mu.Lock()
	w.count = 0
	w.mu.Unlock()
}

// lines returns the kept lines, oldest first, plus a pending partial line.
func (w *lineWriter) lines() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, 0, w.count+1)
	for i := w.count; i > 0; i-- {
		out = append(out, w.recent[(w.next-i+keptLines)%keptLines])
	}
	if len(w.partial) > 0 {
		out = append(out, string(w.partial))
	}
	return out
}
