package leakguard

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sync"
	"unicode/utf8"
)

// DefaultMaxCarry is the default bound of a [RedactingWriter]'s carry-over.
const DefaultMaxCarry = 4 << 10

// maxCall bounds the text of one redact call a RedactingWriter makes, so a
// huge Write is redacted in pieces (cut at line ends) instead of exceeding
// the engine's input limit.
const maxCall = 1 << 20

// WriterOption tunes [NewRedactingWriter].
type WriterOption func(*RedactingWriter)

// WithMaxCarry bounds the carry-over (see [RedactingWriter]); n below 256
// is raised to 256.
func WithMaxCarry(n int) WriterOption {
	return func(w *RedactingWriter) { w.maxCarry = max(n, 256) }
}

// WithRedaction passes options (style, path) to every redaction the
// writer makes.
func WithRedaction(opts ...RedactOption) WriterOption {
	return func(w *RedactingWriter) { w.opts = append(w.opts, opts...) }
}

// RedactingWriter redacts secrets in a stream before they reach the
// underlying writer, including a secret that arrives split across Write
// calls.
//
// It works line by line. A Write redacts and forwards every complete line
// at once, and keeps the rest (the last, unfinished line) as carry-over,
// because it may be the start of a secret whose end has not arrived. The
// carry-over is bounded by [WithMaxCarry] ([DefaultMaxCarry], 4 KiB,
// unless set), which trades memory and latency against safety:
//
//   - Latency: text is held back only until its line ends (an interactive
//     stream that writes whole lines sees no delay), or until the line
//     outgrows the bound.
//   - Size: memory is the bound plus one Write. A line longer than the
//     bound is cut at its last space or tab (else at the bound) and the
//     part before the cut is forwarded; a secret that straddles such a cut,
//     or needs context from before it (a `password=` on the same line), can
//     escape detection. Raise the bound for streams with very long lines.
//   - Armored blocks (`-----BEGIN ...` up to `-----END ...`, as in PEM and
//     PGP private keys) span lines: an unfinished block is held back as a
//     whole, as long as it fits within the bound, so the key is found when
//     its last line arrives. A longer block is forwarded line by line.
//
// Each piece is redacted on its own. [Scanner.Redact] replaces every
// occurrence of a secret it found, even where no rule would recognise it
// (a password repeated without its `password=`); the writer does that
// within a piece, not for a bare repetition in a later piece.
//
// [RedactingWriter.Flush] and [RedactingWriter.Close] forward the
// carry-over; call Flush only where the stream has a natural break.
//
// Bytes that are not valid UTF-8 reach the underlying writer as U+FFFD.
//
// A RedactingWriter is safe for concurrent use. After an error (the
// engine's, or the underlying writer's) it withholds everything and every
// method returns that error: text that could not be redacted is never
// forwarded.
type RedactingWriter struct {
	w        io.Writer
	s        *Scanner
	opts     []RedactOption
	maxCarry int

	mu     sync.Mutex
	buf    []byte // not yet redacted
	err    error
	closed bool
}

// ErrWriterClosed is returned by a [RedactingWriter] used after Close.
var ErrWriterClosed = errors.New("leakguard: write to a closed RedactingWriter")

// NewRedactingWriter returns a writer that redacts secrets found by s
// before writing to w. Close it (or Flush it) to forward the last line.
// Closing it does not close w.
func NewRedactingWriter(w io.Writer, s *Scanner, opts ...WriterOption) *RedactingWriter {
	rw := &RedactingWriter{w: w, s: s, maxCarry: DefaultMaxCarry}
	for _, o := range opts {
		o(rw)
	}
	return rw
}

// Write redacts and forwards the complete lines of what has been written
// so far, and keeps the rest. It reports len(p) unless it fails.
//
// # Errors
//
// [ErrWriterClosed] after Close, the engine's error, or the underlying
// writer's error; the error is kept and returned by every later call.
func (w *RedactingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return 0, ErrWriterClosed
	}
	if w.err != nil {
		return 0, w.err
	}
	w.buf = append(w.buf, p...)
	if err := w.drain(false); err != nil {
		w.err = err
		return 0, err
	}
	return len(p), nil
}

// Flush redacts and forwards everything written so far, including an
// unfinished line.
//
// # Errors
//
// As Write.
func (w *RedactingWriter) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return ErrWriterClosed
	}
	if w.err != nil {
		return w.err
	}
	if err := w.drain(true); err != nil {
		w.err = err
	}
	return w.err
}

// Close flushes and makes further writes fail. It does not close the
// underlying writer. Closing twice is not an error.
//
// # Errors
//
// As Flush.
func (w *RedactingWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return w.err
	}
	w.closed = true
	if w.err == nil {
		w.err = w.drain(true)
	}
	w.buf = nil
	return w.err
}

// drain forwards the part of the buffer that is ready, in pieces of at
// most maxCall bytes.
func (w *RedactingWriter) drain(final bool) error {
	for {
		n := w.cut(final)
		if n == 0 {
			return nil
		}
		// The engine's calls have their own deadline (WithTimeout); a
		// Write has no context to offer.
		out, _, err := w.s.Redact(context.Background(), string(w.buf[:n]), w.opts...)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w.w, out); err != nil {
			return err
		}
		rest := copy(w.buf, w.buf[n:])
		w.buf = w.buf[:rest]
		// Give back the memory of a huge Write.
		if cap(w.buf) > 4*maxCall && rest < maxCall {
			w.buf = append([]byte(nil), w.buf...)
		}
	}
}

// cut returns how many leading bytes of the buffer to redact and forward
// now (0: keep waiting).
func (w *RedactingWriter) cut(final bool) int {
	n := len(w.buf)
	if n == 0 {
		return 0
	}
	if final && n <= maxCall {
		return n
	}
	win := w.buf[:min(n, maxCall)]
	if c := bytes.LastIndexByte(win, '\n') + 1; c > 0 {
		if h := openArmor(win[:c]); h >= 0 && n-h <= w.maxCarry && !final {
			c = h
		}
		if c > 0 {
			return c
		}
	}
	if !final && n <= w.maxCarry {
		return 0
	}
	// No line end within reach and the carry is over its bound (or a
	// flush of more than one call's worth): cut at the last blank, or
	// else keep a quarter of the bound.
	c := bytes.LastIndexAny(win, " \t") + 1
	if c == 0 || (!final && n-c > w.maxCarry) {
		c = len(win)
		if !final {
			c = min(n-w.maxCarry/4, len(win))
		}
	}
	// Never split a UTF-8 sequence: each part would become U+FFFD.
	for c > 0 && c < n && !utf8.RuneStart(w.buf[c]) {
		c--
	}
	if c == 0 {
		c = len(win)
	}
	return c
}

// openArmor returns the offset of the line that starts the last armored
// block (`-----BEGIN `) in text if that block is not closed (`-----END `)
// in text, or -1.
func openArmor(text []byte) int {
	b := bytes.LastIndex(text, []byte("-----BEGIN "))
	if b < 0 || bytes.Contains(text[b:], []byte("-----END ")) {
		return -1
	}
	return bytes.LastIndexByte(text[:b], '\n') + 1
}
