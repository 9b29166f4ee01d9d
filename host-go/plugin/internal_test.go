package plugin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// captured is a slog.Handler keeping messages, for the line writer's tests.
type captured struct {
	mu    sync.Mutex
	lines []string
}

func (c *captured) Enabled(context.Context, slog.Level) bool { return true }
func (c *captured) Handle(_ context.Context, r slog.Record) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lines = append(c.lines, r.Message)
	return nil
}
func (c *captured) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *captured) WithGroup(string) slog.Handler      { return c }

func TestLineWriterSplitsAnywhere(t *testing.T) {
	text := "first line\nsecond\r\n\nlast without newline"
	want := []string{"first line", "second", "", "last without newline"}
	// Every way of cutting the text in two writes, and byte by byte.
	splits := [][]string{}
	for i := 0; i <= len(text); i++ {
		splits = append(splits, []string{text[:i], text[i:]})
	}
	bytewise := []string{}
	for i := range len(text) {
		bytewise = append(bytewise, text[i:i+1])
	}
	splits = append(splits, bytewise)
	for _, parts := range splits {
		c := &captured{}
		w := newLineWriter(slog.New(c), slog.LevelInfo, true)
		for _, p := range parts {
			if n, err := w.Write([]byte(p)); n != len(p) || err != nil {
				t.Fatalf("Write: %d, %v", n, err)
			}
		}
		if got := w.lines(); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%q: kept %q", parts, got)
		}
		w.flush()
		if strings.Join(c.lines, "|") != strings.Join(want, "|") {
			t.Errorf("%q: logged %q", parts, c.lines)
		}
	}
}

func TestLineWriterBounds(t *testing.T) {
	c := &captured{}
	w := newLineWriter(slog.New(c), slog.LevelInfo, true)
	long := strings.Repeat("x", 2*maxLogLine+10)
	_, _ = w.Write([]byte(long + "\n"))
	if len(c.lines) != 3 || len(c.lines[0]) != maxLogLine || len(c.lines[2]) != 10 {
		t.Errorf("a long line became %d records", len(c.lines))
	}
	for i := range 20 {
		_, _ = fmt.Fprintf(w, "line %d\n", i)
	}
	got := w.lines()
	if len(got) != keptLines || got[0] != fmt.Sprintf("line %d", 20-keptLines) || got[keptLines-1] != "line 19" {
		t.Errorf("kept %q", got)
	}
	w.reset()
	if got := w.lines(); len(got) != 0 {
		t.Errorf("after reset: %q", got)
	}
	// stdout keeps nothing.
	out := newLineWriter(slog.New(c), slog.LevelInfo, false)
	_, _ = out.Write([]byte("a\nb\n"))
	if got := out.lines(); len(got) != 0 {
		t.Errorf("stdout kept %q", got)
	}
}

func TestPanicMessage(t *testing.T) {
	cases := []struct {
		lines []string
		want  string
		ok    bool
	}{
		{[]string{"leakguard: panic: boom at src/a.rs:1:2"}, "boom at src/a.rs:1:2", true},
		{[]string{"x: panic: first", "y: panic: second"}, "second", true},
		{[]string{"thread '<unnamed>' panicked at src/lib.rs:3:5:", "index out of bounds"}, "index out of bounds at src/lib.rs:3:5", true},
		{[]string{"just talking"}, "", false},
		{nil, "", false},
	}
	for _, tc := range cases {
		got, ok := panicMessage(tc.lines)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%q: %q, %v; want %q, %v", tc.lines, got, ok, tc.want, tc.ok)
		}
	}
}

func TestConfig(t *testing.T) {
	d := NewConfig().resolved()
	if d.poolSize != runtime.GOMAXPROCS(0) || d.memoryLimit != DefaultMemoryLimit || d.timeout != 0 ||
		d.maxInput != DefaultMaxInput || d.maxOutput != DefaultMaxOutput || d.logger == nil || d.cacheDir != "" {
		t.Errorf("defaults %+v", d)
	}
	if (Config{}).resolved() != d {
		t.Error("the zero Config differs from NewConfig")
	}
	base := NewConfig()
	c := base.WithPoolSize(3).WithMaxInput(5).WithMaxOutput(6).WithCacheDir("d")
	if base.poolSize != 0 || c.poolSize != 3 || c.maxInput != 5 || c.maxOutput != 6 || c.cacheDir != "d" {
		t.Error("With… changed the receiver or lost a value")
	}
	if c.WithPoolSize(-1).resolved().poolSize != runtime.GOMAXPROCS(0) {
		t.Error("a negative pool size was kept")
	}
	pages := []struct {
		bytes uint64
		want  uint32
	}{{1, 1}, {pageSize, 1}, {pageSize + 1, 2}, {256 << 20, 4096}, {4 << 30, maxPages}, {1 << 40, maxPages}}
	for _, tc := range pages {
		if got := NewConfig().WithMemoryLimit(tc.bytes).resolved().memoryLimitPages(); got != tc.want {
			t.Errorf("%d bytes: %d pages, want %d", tc.bytes, got, tc.want)
		}
	}
}

func TestError(t *testing.T) {
	cause := errors.New("the cause")
	e := newError(CodeBadRequest, "scan", "no text", cause)
	cases := []struct {
		err  *Error
		want string
	}{
		{e, "scan: bad-request: no text"},
		{newError(CodeClosed, "", "gone", nil), "closed: gone"},
		{&Error{Code: CodeTrap}, "trap"},
	}
	for _, tc := range cases {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
	wrapped := fmt.Errorf("outer: %w", e)
	if !errors.Is(wrapped, ErrBadRequest) || errors.Is(wrapped, ErrMalformed) || !errors.Is(wrapped, cause) {
		t.Error("errors.Is disagrees with the codes or loses the cause")
	}
	if errors.Is(e, errors.New("bad-request")) {
		t.Error("matched an error that is not an *Error")
	}
	sentinels := []*Error{ErrUnknownAction, ErrMalformed, ErrBadRequest, ErrTooLarge, ErrInternal,
		ErrTrap, ErrTimeout, ErrCancelled, ErrMemoryLimit, ErrClosed, ErrBadPlugin}
	seen := map[Code]bool{}
	for _, s := range sentinels {
		if seen[s.Code] || s.Message == "" {
			t.Errorf("sentinel %v repeats a code or says nothing", s)
		}
		seen[s.Code] = true
	}
	for i, c := range guestCodes {
		if sentinels[i].Code != c {
			t.Errorf("guest code %d is %s, want %s (wit/action.wit order)", i, c, sentinels[i].Code)
		}
	}
}

func TestCheckInput(t *testing.T) {
	cases := []struct {
		data string
		at   int
	}{{"\xff", 0}, {"ab\xc3", 2}, {"é\xe2\x82", 2}, {"ok\xed\xa0\x80", 2}}
	for _, tc := range cases {
		if got := invalidUTF8At([]byte(tc.data)); got != tc.at {
			t.Errorf("%q: invalid at %d, want %d", tc.data, got, tc.at)
		}
	}
	if got := truncate("héllo", 2); got != "h..." {
		t.Errorf("truncate: %q", got)
	}
}

func TestInstrumentMemo(t *testing.T) {
	empty := []byte("\x00asm\x01\x00\x00\x00")
	want, err := instrument(empty)
	if err != nil {
		t.Fatalf("instrument(empty module): %v", err)
	}
	var m instrumentMemo
	var wg sync.WaitGroup
	got := make([][]byte, 8)
	for i := range got {
		wg.Go(func() {
			out, err := m.get(empty)
			if err != nil {
				t.Errorf("get #%d: %v", i, err)
			}
			got[i] = out
		})
	}
	wg.Wait()
	for i, out := range got {
		if string(out) != string(want) {
			t.Fatalf("get #%d differs from instrument", i)
		}
		if &out[0] != &got[0][0] {
			t.Errorf("get #%d instrumented the module again", i)
		}
	}

	// Failures are remembered too, and the memo stays bounded, dropping
	// the oldest module first.
	for i := range instrumentMemoSize + 1 {
		bad := fmt.Appendf(nil, "not a module %d", i)
		for range 2 {
			if _, err := m.get(bad); !errors.Is(err, errUninstrumentable) {
				t.Fatalf("get(%q) = %v, want errUninstrumentable", bad, err)
			}
		}
	}
	if n := len(m.entries); n != instrumentMemoSize || len(m.order) != n {
		t.Errorf("memo holds %d entries (%d keys), want %d", n, len(m.order), instrumentMemoSize)
	}
	if again, _ := m.get(empty); &again[0] == &got[0][0] {
		t.Error("the oldest module was not evicted")
	}
}
