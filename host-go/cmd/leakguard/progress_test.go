package main

import (
	"bytes"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestProgressLine(t *testing.T) {
	cases := []struct {
		name         string
		width        int
		files, bytes int64
		totalFiles   int64
		totalBytes   int64
		want         string
	}{
		{"half way", 80, 5, 512 << 10, 10, 1 << 20,
			"scanning [==============              ]  50%  5/10 files  512.0 KiB/1.0 MiB  3s"},
		{"done", 72, 10, 1 << 20, 10, 1 << 20,
			"scanning [=====================] 100%  10/10 files  1.0 MiB/1.0 MiB  3s"},
		{"too narrow for a bar", 30, 1, 10, 2, 20,
			"scanning  50%  1/2 files  10 "},
		{"unknown total", 80, 7, 3 << 30, 0, 0,
			"scanning: 7 files, 3.0 GiB  3s"},
	}
	for _, c := range cases {
		p := &progress{width: func() int { return c.width }, label: "scanning", totalFiles: c.totalFiles, totalBytes: c.totalBytes}
		p.add(c.files, c.bytes)
		got := p.line(3 * time.Second)
		if got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
		if len(got) >= c.width {
			t.Errorf("%s: %d columns, wider than the terminal's %d", c.name, len(got), c.width)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the progress goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestProgressDrawsLateAndErases(t *testing.T) {
	width := func() int { return 80 }

	// A scan that ends before the delay draws nothing.
	var quick syncBuffer
	p := startProgressAfter(time.Hour, &quick, width, "scanning", 1, 1)
	p.add(1, 1)
	p.finish()
	if quick.String() != "" {
		t.Errorf("a short scan drew %q", quick.String())
	}

	// A long one draws, redraws, and erases its line at the end.
	var slow syncBuffer
	p = startProgressAfter(time.Millisecond, &slow, width, "scanning", 4, 4)
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(slow.String(), "0/4 files") && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	p.add(4, 4)
	for !strings.Contains(slow.String(), "4/4 files") && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	p.finish()
	out := slow.String()
	if !strings.HasPrefix(out, "\rscanning [") || !strings.Contains(out, "4/4 files") || !strings.HasSuffix(out, "\r\x1b[K") {
		t.Errorf("progress output %q", out)
	}

	// Without a terminal there is no writer, and nothing happens.
	p = startProgress(nil, nil, "scanning", 1, 1)
	p.add(1, 1)
	p.finish()
}

// TestProgressOnlyOnTerminals checks the choice: no bar when stderr is a
// pipe, a file or a buffer, or when the user turned it off.
func TestProgressOnlyOnTerminals(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, e := range []env{{stderr: &bytes.Buffer{}}, {stderr: f}} {
		if p := progressFor(e, scanFlags{}, "scanning", 1, 1); p.w != nil {
			t.Errorf("a bar on %T, which is not a terminal", e.stderr)
		}
	}
	if p := progressFor(env{stderr: os.Stderr}, scanFlags{noProgress: true}, "scanning", 1, 1); p.w != nil {
		t.Error("a bar despite --no-progress")
	}
}
