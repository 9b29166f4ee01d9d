package leakguard

import (
	"strings"
	"testing"
)

// TestCut checks where a RedactingWriter cuts its buffer: at line ends,
// before an unfinished armored block, and at a blank (or a rune boundary)
// once an unfinished line outgrows the bound.
func TestCut(t *testing.T) {
	pem := "-----BEGIN PRIVATE KEY-----\nMIIB\n"
	long := strings.Repeat("word ", 30) // 150 bytes
	cases := []struct {
		name     string
		buf      string
		maxCarry int
		final    bool
		want     int
	}{
		{"empty", "", 256, false, 0},
		{"an unfinished line waits", "abc", 256, false, 0},
		{"complete lines go", "a\nb\nc", 256, false, 4},
		{"everything goes on flush", "a\nb\nc", 256, true, 5},
		{"an open armored block is held", "x\n" + pem, 256, false, 2},
		{"an open armored block at the start", pem + "MIIC", 256, false, 0},
		{"a closed armored block goes", pem + "-----END PRIVATE KEY-----\nz", 256, false, len(pem) + 26},
		{"an armored block over the bound goes", "x\n" + pem + strings.Repeat("A", 300) + "\n", 256, false, len(pem) + 303},
		{"a long line is cut at its last blank", long + "tail", 128, false, len(long)},
		{"a long line without blanks keeps a quarter of the bound", strings.Repeat("a", 300), 128, false, 300 - 32},
		{"a forced cut never splits a rune", strings.Repeat("é", 150), 128, false, 300 - 32},
		{"a forced cut backs off to a rune start", strings.Repeat("€", 100), 128, false, 267},
	}
	for _, c := range cases {
		w := &RedactingWriter{maxCarry: c.maxCarry, buf: []byte(c.buf)}
		if got := w.cut(c.final); got != c.want {
			t.Errorf("%s: cut = %d, want %d", c.name, got, c.want)
		}
	}
}

// TestCutBoundsCalls checks that a huge buffer is handed to the engine in
// pieces of at most maxCall bytes, cut at line ends.
func TestCutBoundsCalls(t *testing.T) {
	line := strings.Repeat("x", 999) + "\n"
	w := &RedactingWriter{maxCarry: DefaultMaxCarry, buf: []byte(strings.Repeat(line, 3*maxCall/len(line)))}
	for _, final := range []bool{false, true} {
		got := w.cut(final)
		if got > maxCall || got == 0 || w.buf[got-1] != '\n' {
			t.Errorf("final=%v: cut = %d, want a line end within %d bytes", final, got, maxCall)
		}
	}
}

func TestOpenArmor(t *testing.T) {
	cases := []struct {
		text string
		want int
	}{
		{"no armor\n", -1},
		{"a\n-----BEGIN X-----\nb\n", 2},
		{"-----BEGIN X-----\n", 0},
		{"a\n-----BEGIN X-----\nb\n-----END X-----\n", -1},
		{"-----BEGIN A-----\n-----END A-----\nq\n-----BEGIN B-----\n", 36},
		{"key: \"-----BEGIN X-----\\nabc\n", 0},
	}
	for _, c := range cases {
		if got := openArmor([]byte(c.text)); got != c.want {
			t.Errorf("openArmor(%q) = %d, want %d", c.text, got, c.want)
		}
	}
}
