package plugin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"

	"github.com/leakguard/leakguard/host-go/embed"
	"github.com/leakguard/leakguard/host-go/plugin"
)

// modes are the two ways the host stops a running guest; every test of a
// misbehaving guest runs under both.
var modes = []struct {
	name string
	with func(plugin.Config) plugin.Config
}{
	{"instrumented", func(c plugin.Config) plugin.Config { return c }},
	{"watch", plugin.WatchContexts},
}

// cacheDir is a compilation cache shared by the tests, so that each test
// does not compile the module again (slow under the race detector).
var cacheDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "plugin-test-cache-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	cacheDir = dir
	sharedCache = wazero.NewCompilationCache()
	code := m.Run()
	_ = sharedCache.Close(context.Background())
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// sharedCache is an in-memory compilation cache for the tests that use
// wazero directly.
var sharedCache wazero.CompilationCache

// newConfig is NewConfig with the tests' shared compilation cache.
func newConfig() plugin.Config { return plugin.NewConfig().WithCacheDir(cacheDir) }

// quiet keeps guest output (panic messages, on purpose) out of test logs.
var quiet = slog.New(slog.DiscardHandler)

func hostileWasm(t testing.TB) []byte {
	t.Helper()
	wasm, err := os.ReadFile("testdata/hostile.wasm")
	if err != nil {
		t.Fatalf("%v (run `just build`)", err)
	}
	return wasm
}

func load(t testing.TB, wasm []byte, cfg plugin.Config) *plugin.Plugin {
	t.Helper()
	p, err := plugin.New(context.Background(), wasm, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Close(context.Background()); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return p
}

func loadHostile(t testing.TB, cfg plugin.Config) *plugin.Plugin {
	t.Helper()
	return load(t, hostileWasm(t), cfg.WithLogger(quiet))
}

// wantCode fails unless err is an *Error with code (and, through
// errors.Is, matches the sentinel).
func wantCode(t testing.TB, err error, sentinel *plugin.Error) *plugin.Error {
	t.Helper()
	var perr *plugin.Error
	if !errors.As(err, &perr) {
		t.Fatalf("error %v (%T), want an *plugin.Error with code %s", err, err, sentinel.Code)
	}
	if !errors.Is(err, sentinel) || perr.Code != sentinel.Code {
		t.Fatalf("error %v, want code %s", err, sentinel.Code)
	}
	return perr
}

func mustPing(t testing.TB, p *plugin.Plugin) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := p.Call(ctx, "ping", []byte(`{"echo":"after"}`))
	if err != nil || string(out) != `{"pong":true,"echo":"after"}` {
		t.Fatalf("ping: %s, %v", out, err)
	}
}

func TestModes(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			modules := [][]byte{hostileWasm(t)}
			if m.name == "instrumented" {
				modules = append(modules, embed.Binary)
			}
			for _, wasm := range modules {
				p := load(t, wasm, m.with(newConfig().WithLogger(quiet)))
				want := m.name == "instrumented" && plugin.CompilerAvailable()
				if got := plugin.Instrumented(p); got != want {
					t.Fatalf("instrumented: %v, want %v", got, want)
				}
				mustPing(t, p)
			}
		})
	}
}

func TestConcurrentCalls(t *testing.T) {
	const goroutines, calls = 64, 1000
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			p := loadHostile(t, m.with(newConfig().WithPoolSize(4)))
			ctx := context.Background()
			var wg sync.WaitGroup
			errs := make(chan error, goroutines)
			for g := range goroutines {
				wg.Go(func() {
					for i := range calls {
						echo := fmt.Sprintf("g%d-c%d", g, i)
						out, err := p.Call(ctx, "ping", []byte(`{"echo":"`+echo+`"}`))
						if want := `{"pong":true,"echo":"` + echo + `"}`; err != nil || string(out) != want {
							errs <- fmt.Errorf("call %s: got %s, %v; want %s", echo, out, err, want)
							return
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
		})
	}
}

func TestTrapRecovery(t *testing.T) {
	const pool = 2
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			logs := newRecorder()
			p := load(t, hostileWasm(t), m.with(newConfig().WithPoolSize(pool).WithLogger(slog.New(logs))))
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			// More traps than instances: the pool must refill, or a call
			// would wait forever for a slot.
			for i := range 3 * pool {
				msg := fmt.Sprintf("boom number %d", i)
				_, err := p.Call(ctx, "test-panic", []byte(`{"message":"`+msg+`"}`))
				perr := wantCode(t, err, plugin.ErrTrap)
				if !strings.Contains(perr.Message, msg) || perr.Action != "test-panic" {
					t.Errorf("trap %q lacks the guest's message %q", err, msg)
				}
				if errors.Unwrap(err) == nil {
					t.Errorf("trap %q keeps no cause", err)
				}
				mustPing(t, p)
			}
			if got := logs.count("leakguard: panic: boom number"); got != 3*pool {
				t.Errorf("%d panic lines logged, want %d", got, 3*pool)
			}
			if got := logs.count("plugin: instance discarded"); got != 3*pool {
				t.Errorf("%d discards logged, want %d", got, 3*pool)
			}
			// Traps and pings at once, over every instance.
			var wg sync.WaitGroup
			for i := range 4 * pool {
				wg.Go(func() {
					if i%2 == 0 {
						_, err := p.Call(ctx, "test-panic", []byte(`{}`))
						if !errors.Is(err, plugin.ErrTrap) {
							t.Errorf("concurrent trap: %v", err)
						}
						return
					}
					mustPing(t, p)
				})
			}
			wg.Wait()
		})
	}
}

func TestInterrupt(t *testing.T) {
	cases := []struct {
		name    string
		cfg     func(plugin.Config) plugin.Config
		ctx     func() (context.Context, context.CancelFunc)
		want    *plugin.Error
		wantCtx error
	}{
		{
			name: "ctx deadline",
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 100*time.Millisecond)
			},
			want: plugin.ErrTimeout, wantCtx: context.DeadlineExceeded,
		},
		{
			name: "ctx cancelled",
			ctx: func() (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				time.AfterFunc(100*time.Millisecond, cancel)
				return ctx, cancel
			},
			want: plugin.ErrCancelled, wantCtx: context.Canceled,
		},
		{
			name: "config timeout",
			cfg:  func(c plugin.Config) plugin.Config { return c.WithTimeout(100 * time.Millisecond) },
			ctx:  func() (context.Context, context.CancelFunc) { return context.Background(), func() {} },
			want: plugin.ErrTimeout, wantCtx: context.DeadlineExceeded,
		},
		{
			name: "cancelled before the call",
			ctx: func() (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				return ctx, cancel
			},
			want: plugin.ErrCancelled, wantCtx: context.Canceled,
		},
	}
	for _, m := range modes {
		for _, tc := range cases {
			t.Run(m.name+"/"+tc.name, func(t *testing.T) {
				cfg := m.with(newConfig().WithPoolSize(1))
				if tc.cfg != nil {
					cfg = tc.cfg(cfg)
				}
				p := loadHostile(t, cfg)
				for range 2 {
					ctx, cancel := tc.ctx()
					start := time.Now()
					_, err := p.Call(ctx, "test-loop", []byte(`{}`))
					cancel()
					t.Logf("stopped after %v: %v", time.Since(start), err)
					wantCode(t, err, tc.want)
					if !errors.Is(err, tc.wantCtx) {
						t.Errorf("%v does not wrap %v", err, tc.wantCtx)
					}
					if tc.cfg == nil {
						mustPing(t, p)
					}
				}
			})
		}
	}
}

func TestMemoryLimit(t *testing.T) {
	const limit = 16 << 20
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			p := loadHostile(t, m.with(newConfig().WithPoolSize(1).WithMemoryLimit(limit)))
			for range 3 {
				_, err := p.Call(context.Background(), "test-grow", []byte(`{}`))
				perr := wantCode(t, err, plugin.ErrMemoryLimit)
				if !strings.Contains(perr.Message, fmt.Sprint(limit)) {
					t.Errorf("%v does not name the limit", err)
				}
				mustPing(t, p)
			}
		})
	}
}

func TestOutputLimit(t *testing.T) {
	p := loadHostile(t, newConfig().WithPoolSize(1).WithMaxOutput(1024))
	cases := []struct {
		bytes   int
		wantErr bool
	}{{100, false}, {2000, true}, {1000, false}, {1 << 20, true}, {1013, false}, {1014, true}}
	for _, tc := range cases {
		out, err := p.Call(context.Background(), "test-big-output", fmt.Appendf(nil, `{"bytes":%d}`, tc.bytes))
		if !tc.wantErr {
			if err != nil || len(out) != tc.bytes+len(`{"blob":""}`) {
				t.Errorf("%d bytes: %d bytes back, %v", tc.bytes, len(out), err)
			}
			continue
		}
		perr := wantCode(t, err, plugin.ErrTooLarge)
		if !strings.Contains(perr.Message, "the limit is 1024 bytes") {
			t.Errorf("%v does not name the limit", err)
		}
	}
	mustPing(t, p)
}

func TestRefusedAndGuestErrors(t *testing.T) {
	p := loadHostile(t, newConfig().WithMaxInput(64))
	cases := []struct {
		name, action string
		data         []byte
		want         *plugin.Error
		message      string
	}{
		{"unknown action", "no-such-action", []byte(`{}`), plugin.ErrUnknownAction, "no action named `no-such-action`"},
		{"malformed", "ping", []byte(`{"echo":`), plugin.ErrMalformed, "data is not valid JSON"},
		{"empty", "ping", nil, plugin.ErrMalformed, "data is not valid JSON"},
		{"wrong shape", "ping", []byte(`[]`), plugin.ErrBadRequest, "must be a JSON object"},
		{"unknown field", "ping", []byte(`{"bogus":1}`), plugin.ErrBadRequest, "unknown field `bogus`"},
		{"data not UTF-8", "ping", []byte("{\"echo\":\"\xff\"}"), plugin.ErrMalformed, "data is not valid UTF-8 (at byte 9)"},
		{"name not UTF-8", "pi\xc3ng", []byte(`{}`), plugin.ErrBadRequest, "the action name is not valid UTF-8"},
		{"data too large", "ping", []byte(`{"echo":"` + strings.Repeat("x", 60) + `"}`), plugin.ErrTooLarge, "data is 71 bytes; the limit is 64 bytes"},
		{"name too large", strings.Repeat("n", 65), []byte(`{}`), plugin.ErrTooLarge, "the limit is 64 bytes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := p.Call(context.Background(), tc.action, tc.data)
			if out != nil {
				t.Errorf("reply %s beside an error", out)
			}
			perr := wantCode(t, err, tc.want)
			if !strings.Contains(perr.Message, tc.message) {
				t.Errorf("message %q, want it to contain %q", perr.Message, tc.message)
			}
		})
	}
	mustPing(t, p)
}

func TestBadPlugin(t *testing.T) {
	cases := []struct {
		name    string
		wasm    []byte
		cfg     func(plugin.Config) plugin.Config
		message string
	}{
		{name: "not wasm", wasm: []byte("hello"), message: "does not compile"},
		{name: "empty", wasm: nil, message: "does not compile"},
		{name: "no memory", wasm: stubPlugin{edit: withoutExport("memory")}.wasm(), message: `does not export "memory"`},
		{name: "no realloc", wasm: stubPlugin{edit: withoutExport("cabi_realloc")}.wasm(), message: `does not export "cabi_realloc"`},
		{name: "no call", wasm: stubPlugin{edit: withoutExport("leakguard:plugin/action@0.1.0#call")}.wasm(), message: "#call"},
		{name: "no call post", wasm: stubPlugin{edit: withoutExport("cabi_post_leakguard:plugin/action@0.1.0#call")}.wasm(), message: "cabi_post_"},
		{name: "no describe", wasm: stubPlugin{edit: withoutExport("leakguard:plugin/action@0.1.0#describe")}.wasm(), message: "#describe"},
		{name: "no describe post", wasm: stubPlugin{edit: withoutExport("cabi_post_leakguard:plugin/action@0.1.0#describe")}.wasm(), message: "describe"},
		{
			name: "call has the wrong signature",
			wasm: stubPlugin{edit: func(m *wasmModule) {
				m.funcs[1].params = []byte{i32, i32, i32}
			}}.wasm(),
			message: "has signature (i32, i32, i32) -> (i32), want (i32, i32, i32, i32) -> (i32)",
		},
		{
			name: "imports beyond WASI",
			wasm: stubPlugin{edit: func(m *wasmModule) {
				m.imports = []wasmImport{{module: "env", name: "secret"}}
			}}.wasm(),
			message: "imports env.secret",
		},
		{name: "describe is not JSON", wasm: stubPlugin{desc: "hello"}.wasm(), message: "not return a JSON object"},
		{name: "protocol 2", wasm: stubPlugin{desc: `{"protocol":"2.0","plugin":{"name":"x","version":"1"},"actions":[]}`}.wasm(), message: "speaks protocol 2.0"},
		{name: "describe without actions", wasm: stubPlugin{desc: `{"protocol":"1.0","plugin":{"name":"x","version":"1"}}`}.wasm(), message: "no `actions`"},
		{
			name: "describe traps",
			wasm: stubPlugin{edit: func(m *wasmModule) {
				m.funcs[3].body = []byte{0x00} // unreachable
			}}.wasm(),
			message: "describe failed",
		},
		{
			name: "describe points outside memory",
			wasm: stubPlugin{edit: func(m *wasmModule) {
				m.data[0].bytes = le32(1<<20, 10)
			}}.wasm(),
			message: "outside the guest's memory",
		},
		{
			name:    "memory limit below the module's own memory",
			wasm:    stubPlugin{edit: func(m *wasmModule) { m.memory = 4 }}.wasm(),
			cfg:     func(c plugin.Config) plugin.Config { return c.WithMemoryLimit(2 << 16) },
			message: "over limit of 2 pages",
		},
	}
	for _, m := range modes {
		for _, tc := range cases {
			t.Run(m.name+"/"+tc.name, func(t *testing.T) {
				cfg := m.with(newConfig().WithLogger(quiet))
				if tc.cfg != nil {
					cfg = tc.cfg(cfg)
				}
				p, err := plugin.New(context.Background(), tc.wasm, cfg)
				if err == nil {
					_ = p.Close(context.Background())
					t.Fatal("loaded")
				}
				perr := wantCode(t, err, plugin.ErrBadPlugin)
				if !strings.Contains(perr.Message, tc.message) {
					t.Errorf("message %q, want it to contain %q", perr.Message, tc.message)
				}
			})
		}
	}
}

// TestStubPlugin drives the canonical ABI with a hand-made plugin whose
// return area the test controls: the host must decode what is right and
// refuse what breaks the ABI.
func TestStubPlugin(t *testing.T) {
	msg := "no good"
	cases := []struct {
		name    string
		stub    stubPlugin
		reply   string
		want    *plugin.Error
		message string
	}{
		{name: "ok", stub: stubPlugin{reply: `{"answer":42}`}, reply: `{"answer":42}`},
		{name: "ok, empty reply", stub: stubPlugin{}, reply: ``},
		{
			name: "err bad-request",
			stub: stubPlugin{reply: msg, area: le32(1, 2, stubReplyText, uint32(len(msg)))},
			want: plugin.ErrBadRequest, message: msg,
		},
		{
			name: "err internal",
			stub: stubPlugin{reply: msg, area: le32(1, 4, stubReplyText, uint32(len(msg)))},
			want: plugin.ErrInternal, message: msg,
		},
		{
			name: "err with an undefined code",
			stub: stubPlugin{reply: msg, area: le32(1, 9, stubReplyText, uint32(len(msg)))},
			want: plugin.ErrBadPlugin, message: "error code 9",
		},
		{
			name: "bad discriminant",
			stub: stubPlugin{area: le32(7, 0, 0, 0)},
			want: plugin.ErrBadPlugin, message: "discriminant 7",
		},
		{
			name: "reply outside memory",
			stub: stubPlugin{area: le32(0, 1<<20, 10)},
			want: plugin.ErrBadPlugin, message: "outside the guest's memory",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := load(t, tc.stub.wasm(), newConfig().WithLogger(quiet))
			if d := p.Describe(); d.Name != "stub" || len(d.Actions) != 1 || string(d.Actions[0].Output) != "true" {
				t.Errorf("description %+v", d)
			}
			for range 2 {
				out, err := p.Call(context.Background(), "answer", []byte(`{}`))
				if tc.want == nil {
					if err != nil || string(out) != tc.reply {
						t.Fatalf("got %q, %v; want %q", out, err, tc.reply)
					}
					continue
				}
				perr := wantCode(t, err, tc.want)
				if !strings.Contains(perr.Message, tc.message) {
					t.Errorf("message %q, want it to contain %q", perr.Message, tc.message)
				}
			}
		})
	}
}

// TestUninstrumentable: a module the instrumenter refuses (it already
// exports the flag's name) still loads, under wazero's context watching.
func TestUninstrumentable(t *testing.T) {
	stub := stubPlugin{reply: `{}`, edit: func(m *wasmModule) {
		m.globals = []wasmGlobal{{export: plugin.InterruptExport}}
	}}
	p := load(t, stub.wasm(), newConfig().WithLogger(quiet))
	if plugin.Instrumented(p) {
		t.Fatal("instrumented a module that exports the flag's name")
	}
	if out, err := p.Call(context.Background(), "answer", []byte(`{}`)); err != nil || string(out) != `{}` {
		t.Fatalf("got %q, %v", out, err)
	}
}

func TestDescribe(t *testing.T) {
	p := load(t, embed.Binary, newConfig().WithLogger(quiet))
	d := p.Describe()
	if d.Protocol != "1.0" || d.Name != "leakguard" || d.Version == "" || len(d.Limits) == 0 {
		t.Errorf("description %+v", d)
	}
	ping, ok := d.Action("ping")
	if !ok || ping.Summary == "" || !json.Valid(ping.Input) || !json.Valid(ping.Output) {
		t.Errorf("ping: %+v, %v", ping, ok)
	}
	if _, ok := d.Action("test-panic"); ok {
		t.Error("the shipped module has the hostile actions")
	}
	// The export and the action are two doors to the same text.
	viaAction, err := p.Call(context.Background(), "describe", []byte(`{}`))
	if err != nil || !bytes.Equal(viaAction, p.DescribeJSON()) {
		t.Errorf("describe action %s (%v) differs from the export %s", viaAction, err, p.DescribeJSON())
	}
	// What callers get are copies.
	d.Actions[0].Name = "changed"
	p.DescribeJSON()[0] = 'X'
	if p.Describe().Actions[0].Name == "changed" || p.DescribeJSON()[0] != '{' {
		t.Error("Describe / DescribeJSON expose the plugin's own data")
	}
}

func TestClose(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			ctx := context.Background()
			p, err := plugin.New(ctx, hostileWasm(t), m.with(newConfig().WithPoolSize(1).WithLogger(quiet)))
			if err != nil {
				t.Fatal(err)
			}
			mustPing(t, p)

			// One call loops on the only instance; another waits for it.
			results := make(chan error, 2)
			go func() {
				_, err := p.Call(ctx, "test-loop", []byte(`{}`))
				results <- err
			}()
			time.Sleep(50 * time.Millisecond)
			go func() {
				_, err := p.Call(ctx, "ping", []byte(`{}`))
				results <- err
			}()
			time.Sleep(50 * time.Millisecond)

			// Close waits for calls until its ctx ends, then stops them.
			closeCtx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
			defer cancel()
			if err := p.Close(closeCtx); err != nil {
				t.Fatalf("Close: %v", err)
			}
			for range 2 {
				wantCode(t, <-results, plugin.ErrClosed)
			}
			if err := p.Close(ctx); err != nil {
				t.Errorf("second Close: %v", err)
			}
			_, err = p.Call(ctx, "ping", []byte(`{}`))
			wantCode(t, err, plugin.ErrClosed)
			events := make(chan plugin.Event, 1)
			events <- plugin.Event{CID: json.RawMessage(`1`), Name: "ping"}
			close(events)
			for r := range p.Serve(ctx, events) {
				wantCode(t, r.Err, plugin.ErrClosed)
			}
		})
	}
}

// TestCloseWaits: calls in progress finish normally when Close's ctx
// allows it.
func TestCloseWaits(t *testing.T) {
	p, err := plugin.New(context.Background(), embed.Binary, newConfig().WithPoolSize(2))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var closed sync.Map
	for i := range 8 {
		wg.Go(func() {
			for {
				_, err := p.Call(context.Background(), "ping", []byte(`{}`))
				switch {
				case err == nil:
				case errors.Is(err, plugin.ErrClosed):
					closed.Store(i, true)
					return
				default:
					t.Errorf("call: %v", err)
					return
				}
			}
		})
	}
	time.Sleep(20 * time.Millisecond)
	if err := p.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	for i := range 8 {
		if _, done := closed.Load(i); !done {
			t.Errorf("caller %d never saw ErrClosed", i)
		}
	}
}

func TestCompilationCache(t *testing.T) {
	dir := t.TempDir()
	for range 2 {
		p := load(t, stubPlugin{reply: "{}"}.wasm(), plugin.NewConfig().WithCacheDir(dir).WithLogger(quiet))
		if out, err := p.Call(context.Background(), "answer", []byte(`{}`)); err != nil || string(out) != "{}" {
			t.Fatalf("answer: %s, %v", out, err)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		t.Fatalf("cache dir: %v entries, %v", len(entries), err)
	}
	if _, err := plugin.New(context.Background(), stubPlugin{}.wasm(), plugin.NewConfig().WithCacheDir("/dev/null/x")); err == nil {
		t.Error("an unusable cache directory was accepted")
	}
}

func TestGuestOutputIsLogged(t *testing.T) {
	logs := newRecorder()
	p := load(t, hostileWasm(t), newConfig().WithLogger(slog.New(logs)))
	_, err := p.Call(context.Background(), "test-panic", []byte(`{"message":"logged"}`))
	wantCode(t, err, plugin.ErrTrap)
	r, ok := logs.find("leakguard: panic: logged")
	if !ok {
		t.Fatalf("no log record of the guest's stderr; have %q", logs.messages())
	}
	if r.Level != slog.LevelWarn || r.attrs["stream"] != "stderr" || r.attrs["instance"] == "" {
		t.Errorf("record %+v", r)
	}
}

// recorder is a slog.Handler that keeps every record, its derived
// handlers (WithAttrs) sharing one list.
type recorder struct {
	shared *recorded
	attrs  []slog.Attr
}

type recorded struct {
	mu      sync.Mutex
	records []record
}

type record struct {
	Level   slog.Level
	Message string
	attrs   map[string]string
}

func newRecorder() *recorder { return &recorder{shared: &recorded{}} }

func (h *recorder) Enabled(context.Context, slog.Level) bool { return true }

func (h *recorder) Handle(_ context.Context, r slog.Record) error {
	rec := record{Level: r.Level, Message: r.Message, attrs: map[string]string{}}
	for _, a := range h.attrs {
		rec.attrs[a.Key] = a.Value.String()
	}
	r.Attrs(func(a slog.Attr) bool {
		rec.attrs[a.Key] = a.Value.String()
		return true
	})
	h.shared.mu.Lock()
	defer h.shared.mu.Unlock()
	h.shared.records = append(h.shared.records, rec)
	return nil
}

func (h *recorder) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &recorder{shared: h.shared, attrs: append(append([]slog.Attr(nil), h.attrs...), attrs...)}
}

func (h *recorder) WithGroup(string) slog.Handler { return h }

func (h *recorder) all() []record {
	h.shared.mu.Lock()
	defer h.shared.mu.Unlock()
	return append([]record(nil), h.shared.records...)
}

func (h *recorder) count(prefix string) int {
	n := 0
	for _, r := range h.all() {
		if strings.HasPrefix(r.Message, prefix) {
			n++
		}
	}
	return n
}

func (h *recorder) find(prefix string) (record, bool) {
	for _, r := range h.all() {
		if strings.HasPrefix(r.Message, prefix) {
			return r, true
		}
	}
	return record{}, false
}

func (h *recorder) messages() []string {
	var out []string
	for _, r := range h.all() {
		out = append(out, r.Message)
	}
	return out
}

// TestBusyGuestLetsGoRun: a guest that never returns must not stall the
// rest of the process: the garbage collector's stop-the-world (which needs
// every goroutine at a safe point) and the timer that is to stop the guest
// must still run, with one P as with many.
func TestBusyGuestLetsGoRun(t *testing.T) {
	for _, procs := range []int{1, 2} {
		for _, m := range modes {
			t.Run(fmt.Sprintf("%s/GOMAXPROCS=%d", m.name, procs), func(t *testing.T) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				p := loadHostile(t, m.with(newConfig().WithPoolSize(1)))
				ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
				defer cancel()
				done := make(chan error, 1)
				go func() {
					_, err := p.Call(ctx, "test-loop", []byte(`{}`))
					done <- err
				}()
				gcs := 0
				for {
					select {
					case err := <-done:
						wantCode(t, err, plugin.ErrTimeout)
						if gcs == 0 {
							t.Error("no garbage collection completed while the guest ran")
						}
						return
					default:
						runtime.GC()
						gcs++
					}
				}
			})
		}
	}
}
