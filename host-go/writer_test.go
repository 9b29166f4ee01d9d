package leakguard_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	leakguard "github.com/leakguard/leakguard/host-go"
)

// oneShot redacts text in one call: what a RedactingWriter must produce
// whatever the writes.
func oneShot(t testing.TB, s *leakguard.Scanner, text string) string {
	t.Helper()
	out, findings, err := s.Redact(context.Background(), text)
	if err != nil {
		t.Fatal(err)
	}
	if len(findings) == 0 {
		t.Fatal("the test input has no secrets")
	}
	return out
}

// writeInPieces writes text to a new RedactingWriter cut at the given
// offsets, closes it and returns what reached the underlying writer.
func writeInPieces(t testing.TB, s *leakguard.Scanner, text string, cuts []int, opts ...leakguard.WriterOption) string {
	t.Helper()
	var out bytes.Buffer
	w := leakguard.NewRedactingWriter(&out, s, opts...)
	prev := 0
	for _, c := range append(cuts, len(text)) {
		n, err := w.Write([]byte(text[prev:c]))
		if err != nil || n != c-prev {
			t.Fatalf("Write(%d bytes) = %d, %v", c-prev, n, err)
		}
		prev = c
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// checkRedacted fails if got differs from want or holds a raw secret.
func checkRedacted(t testing.TB, what, got, want string) {
	t.Helper()
	for _, secret := range fakeSecrets {
		for _, part := range strings.Split(secret, "\n") {
			// Every line of a secret that is long enough to be one.
			if len(part) >= 20 && strings.Contains(got, part) {
				t.Fatalf("%s: a secret reached the writer: %q", what, part)
			}
		}
	}
	if got != want {
		t.Fatalf("%s: output differs from one-shot redaction\n got %q\nwant %q", what, got, want)
	}
}

// TestRedactingWriterEveryTwoWaySplit writes the input as two writes, cut
// at every byte offset.
func TestRedactingWriterEveryTwoWaySplit(t *testing.T) {
	s := newScanner(t)
	text := logText()
	want := oneShot(t, s, text)
	for i := 0; i <= len(text); i++ {
		got := writeInPieces(t, s, text, []int{i})
		checkRedacted(t, fmt.Sprintf("cut at %d", i), got, want)
	}
}

// TestRedactingWriterRandomSplits writes the input in many pieces, at
// random offsets from a fixed seed, and byte by byte.
func TestRedactingWriterRandomSplits(t *testing.T) {
	s := newScanner(t)
	text := logText()
	want := oneShot(t, s, text)
	rng := rand.New(rand.NewPCG(4, 2))
	for round := range 200 {
		cuts := make([]int, 1+rng.IntN(30))
		for i := range cuts {
			cuts[i] = rng.IntN(len(text) + 1)
		}
		slices.Sort(cuts)
		got := writeInPieces(t, s, text, cuts)
		checkRedacted(t, fmt.Sprintf("round %d, cuts %v", round, cuts), got, want)
	}
	every := make([]int, len(text))
	for i := range every {
		every[i] = i
	}
	checkRedacted(t, "byte by byte", writeInPieces(t, s, text, every), want)
}

// TestRedactingWriterLineByLine checks that complete lines go out at once
// (no waiting for Close), except an unfinished private key block.
func TestRedactingWriterLineByLine(t *testing.T) {
	s := newScanner(t)
	var out bytes.Buffer
	w := leakguard.NewRedactingWriter(&out, s)
	write := func(text string) {
		t.Helper()
		if _, err := w.Write([]byte(text)); err != nil {
			t.Fatal(err)
		}
	}
	write("token=" + fakeGitHub + "\npartial")
	if got, want := out.String(), "token=[REDACTED:github-pat-classic]\n"; got != want {
		t.Fatalf("after a complete line: %q, want %q", got, want)
	}
	write(" line\n")
	if got, want := out.String(), "token=[REDACTED:github-pat-classic]\npartial line\n"; got != want {
		t.Fatalf("after the partial line ended: %q, want %q", got, want)
	}
	lines := strings.SplitAfter(fakeRSA+"\nafter\n", "\n")
	before := out.Len()
	for _, l := range lines[:len(lines)-3] {
		write(l)
	}
	if out.Len() != before {
		t.Fatalf("an unfinished key block was forwarded: %q", out.String()[before:])
	}
	for _, l := range lines[len(lines)-3:] {
		write(l)
	}
	if got, want := out.String()[before:], "[REDACTED:private-key-rsa]\nafter\n"; got != want {
		t.Fatalf("the key block: %q, want %q", got, want)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestRedactingWriterLongLines checks the carry-over bound: a line longer
// than the bound is cut at a blank and forwarded before it ends.
func TestRedactingWriterLongLines(t *testing.T) {
	s := newScanner(t)
	words := strings.Repeat("lorem ipsum dolor sit amet ", 100) // 2700 bytes
	line := words + "token=" + fakeGitHub + " " + words
	var out bytes.Buffer
	w := leakguard.NewRedactingWriter(&out, s, leakguard.WithMaxCarry(1024))
	for i := 0; i < len(line); i += 100 {
		if _, err := w.Write([]byte(line[i:min(i+100, len(line))])); err != nil {
			t.Fatal(err)
		}
		// What is held back is what went in less what came out (give or
		// take the placeholder's length): never much more than the bound.
		consumed := min(i+100, len(line))
		if pending := consumed - out.Len(); pending > 1024+100+len(fakeGitHub) {
			t.Fatalf("after %d bytes, %d are held back: more than the bound", consumed, pending)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	checkRedacted(t, "long line", out.String(), strings.Replace(line, fakeGitHub, "[REDACTED:github-pat-classic]", 1))
}

func TestRedactingWriterStyles(t *testing.T) {
	s := newScanner(t)
	cases := []struct {
		name string
		opts []leakguard.RedactOption
		want string
	}{
		{"placeholder", nil, "k=[REDACTED:github-pat-classic]\n"},
		{"mask", []leakguard.RedactOption{leakguard.WithStyle(leakguard.StyleMask), leakguard.WithKeep(6)}, "k=" + fakeGitHub[:6] + strings.Repeat("*", len(fakeGitHub)-6) + "\n"},
	}
	for _, c := range cases {
		var out bytes.Buffer
		w := leakguard.NewRedactingWriter(&out, s, leakguard.WithRedaction(c.opts...))
		if _, err := w.Write([]byte("k=" + fakeGitHub + "\n")); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if out.String() != c.want {
			t.Errorf("%s: %q, want %q", c.name, out.String(), c.want)
		}
	}
}

// TestRedactingWriterConcurrent writes whole lines from many goroutines:
// every line arrives intact and redacted.
func TestRedactingWriterConcurrent(t *testing.T) {
	s := newScanner(t)
	var out bytes.Buffer
	w := leakguard.NewRedactingWriter(&out, s)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				fmt.Fprintf(w, "g%d i%d token=%s\n", g, i, fakeGitHub)
			}
		}()
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 200 {
		t.Fatalf("%d lines, want 200", len(lines))
	}
	seen := map[string]bool{}
	for _, l := range lines {
		var g, i int
		if _, err := fmt.Sscanf(l, "g%d i%d token=[REDACTED:github-pat-classic]", &g, &i); err != nil {
			t.Fatalf("a mangled line %q: %v", l, err)
		}
		seen[l] = true
	}
	if len(seen) != 200 {
		t.Fatalf("%d distinct lines, want 200", len(seen))
	}
}

// failingWriter fails every write.
type failingWriter struct{}

var errDisk = errors.New("disk full")

func (failingWriter) Write([]byte) (int, error) { return 0, errDisk }

func TestRedactingWriterErrors(t *testing.T) {
	s := newScanner(t)

	// The underlying writer's error is returned, and kept.
	w := leakguard.NewRedactingWriter(failingWriter{}, s)
	if _, err := w.Write([]byte("line\n")); !errors.Is(err, errDisk) {
		t.Fatalf("Write: %v, want %v", err, errDisk)
	}
	if _, err := w.Write([]byte("more\n")); !errors.Is(err, errDisk) {
		t.Fatalf("second Write: %v, want the kept error", err)
	}

	// An engine failure withholds the text.
	closed := closedScanner(t)
	var out bytes.Buffer
	w = leakguard.NewRedactingWriter(&out, closed)
	if _, err := w.Write([]byte("token=" + fakeGitHub + "\n")); !errors.Is(err, leakguard.ErrClosed) {
		t.Fatalf("Write with a closed scanner: %v, want ErrClosed", err)
	}
	if err := w.Close(); !errors.Is(err, leakguard.ErrClosed) {
		t.Fatalf("Close: %v, want the kept error", err)
	}
	if out.Len() != 0 {
		t.Fatalf("unredacted text was forwarded: %q", out.String())
	}

	// Writing after Close fails; closing twice does not.
	w = leakguard.NewRedactingWriter(&out, s)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := w.Write([]byte("x")); !errors.Is(err, leakguard.ErrWriterClosed) {
		t.Fatalf("Write after Close: %v", err)
	}
}

func TestRedactingWriterFlush(t *testing.T) {
	s := newScanner(t)
	var out bytes.Buffer
	w := leakguard.NewRedactingWriter(&out, s)
	if _, err := w.Write([]byte("no newline, token=" + fakeNPM)); err != nil {
		t.Fatal(err)
	}
	if out.Len() != 0 {
		t.Fatalf("an unfinished line was forwarded before Flush: %q", out.String())
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "no newline, token=[REDACTED:npm-token]"; got != want {
		t.Fatalf("after Flush: %q, want %q", got, want)
	}
}
