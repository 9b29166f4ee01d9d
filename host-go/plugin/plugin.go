package plugin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// Plugin is a loaded plugin: the module compiled once, and a bounded pool of
// instances that serve calls. It is safe for use by any number of
// goroutines; at most the pool size of calls run at once, the others wait
// for an instance.
type Plugin struct {
	cfg           Config
	memLimitBytes uint64
	logger        *slog.Logger

	runtime  wazero.Runtime
	compiled wazero.CompiledModule
	cache    wazero.CompilationCache
	// ownsCache: the cache is this plugin's (a directory cache) and is
	// closed with it; otherwise it is the process-wide memory cache.
	ownsCache bool
	// instrumented: the module carries an interrupt flag (instrument.go);
	// otherwise wazero watches each call's ctx.
	instrumented bool

	desc     Description
	descJSON []byte

	pool   *pool
	nextID atomic.Uint64

	// state is 2 x (calls in progress) + 1 once closed, so that entering a
	// call and closing agree without a lock.
	state     atomic.Int64
	done      chan struct{} // closed by Close
	drained   chan struct{} // closed when closed and no call is in progress
	drainOnce sync.Once
	closeOnce sync.Once
	closeErr  error
}

// memoryCache is the compilation cache shared by every Plugin of the
// process that has no cache directory: compiling the same module again (a
// second New, a test's fresh Plugin) costs a hash lookup, not seconds.
// wazero keys entries by the module's hash, so different modules coexist.
var memoryCache = sync.OnceValue(wazero.NewCompilationCache)

// New compiles wasm, checks that it is a plugin this host can run, and
// returns it ready for calls. One instance is created (to run `describe`)
// and kept; the others are created as calls need them.
//
// The module must export `memory`, `cabi_realloc` and the canonical-ABI
// functions of wit/action.wit's `action` interface (`call` and `describe`
// with their `cabi_post_` functions), may import only WASI preview 1, and
// its `describe` must publish protocol major version ProtocolMajor. A
// module's `_start`, if any, is never run.
//
// # Errors
//
// An *Error with code CodeBadPlugin (errors.Is(err, ErrBadPlugin)) saying
// what is wrong with the module, wrapping the compiler's or the guest's
// error if there is one; or a plain error if the compilation cache directory
// cannot be used.
func New(ctx context.Context, wasm []byte, config Config) (*Plugin, error) {
	cfg := config.resolved()
	pages := cfg.memoryLimitPages()
	p := &Plugin{
		cfg:           cfg,
		memLimitBytes: uint64(pages) * pageSize,
		logger:        cfg.logger,
		done:          make(chan struct{}),
		drained:       make(chan struct{}),
	}
	if cfg.cacheDir != "" {
		c, err := wazero.NewCompilationCacheWithDir(cfg.cacheDir)
		if err != nil {
			return nil, fmt.Errorf("plugin: compilation cache in %q: %w", cfg.cacheDir, err)
		}
		p.cache, p.ownsCache = c, true
	} else {
		p.cache = memoryCache()
	}
	p.pool = newPool(cfg.poolSize, p.done, p.newInstance)
	err := p.compile(ctx, wasm)
	if err == nil {
		err = p.load(ctx)
	}
	if err != nil {
		if p.runtime != nil {
			_ = p.runtime.Close(context.Background())
		}
		if p.ownsCache {
			_ = p.cache.Close(context.Background())
		}
		return nil, err
	}
	return p, nil
}

// compile makes the runtime and compiles the module: instrumented with an
// interrupt flag where it can be (see instrument.go), else as it is under
// wazero's context watching.
func (p *Plugin) compile(ctx context.Context, wasm []byte) error {
	if !p.cfg.watchContexts && compilerAvailable() {
		flagged, err := instrumentedModules.get(wasm)
		if err == nil {
			err = p.compileWith(ctx, flagged, true)
			if err == nil {
				return nil
			}
			p.runtime = nil
		}
		// The module may still be fine: compile it as it is, and let that
		// compilation report what is wrong with it.
		p.logger.Debug("plugin: cannot instrument the module; wazero will watch contexts", slog.String("reason", err.Error()))
	}
	return p.compileWith(ctx, wasm, false)
}

func (p *Plugin) compileWith(ctx context.Context, wasm []byte, instrumented bool) error {
	var rc wazero.RuntimeConfig
	if instrumented {
		// The flag is written from another goroutine while compiled code
		// reads it, which only the compiler engine tolerates.
		rc = wazero.NewRuntimeConfigCompiler()
	} else {
		// Without this a guest that loops could not be stopped: compiled
		// code checks for a closed module only when it is on.
		rc = wazero.NewRuntimeConfig().WithCloseOnContextDone(true)
	}
	rc = rc.WithMemoryLimitPages(p.cfg.memoryLimitPages())
	if p.cache != nil {
		rc = rc.WithCompilationCache(p.cache)
	}
	r := wazero.NewRuntimeWithConfig(ctx, rc)
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, r); err != nil {
		_ = r.Close(context.Background())
		return fmt.Errorf("plugin: cannot provide WASI: %w", err)
	}
	compiled, err := r.CompileModule(ctx, wasm)
	if err != nil {
		_ = r.Close(context.Background())
		return newError(CodeBadPlugin, "", "the module does not compile: "+err.Error(), err)
	}
	if err := checkExports(compiled); err != nil {
		_ = r.Close(context.Background())
		return newError(CodeBadPlugin, "", err.Error(), nil)
	}
	p.runtime, p.compiled, p.instrumented = r, compiled, instrumented
	return nil
}

// load describes the module, leaving the first instance in the pool.
func (p *Plugin) load(ctx context.Context) error {
	bad := func(msg string, cause error) error {
		return newError(CodeBadPlugin, "", msg, cause)
	}
	inst, wait, err := p.pool.get(ctx)
	switch {
	case err != nil:
		return err
	case wait == waitCtx:
		return ctxError(ctx, "")
	}
	text, err := inst.describeText(ctx)
	if err != nil {
		p.pool.discard(context.Background(), inst)
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			return ctxError(ctx, "")
		}
		return bad("describe failed: "+firstLine(err.Error()), err)
	}
	desc, err := parseDescription(text)
	if err != nil {
		p.pool.discard(context.Background(), inst)
		return bad(err.Error(), nil)
	}
	p.desc, p.descJSON = desc, text
	p.pool.put(inst)
	return nil
}

// newInstance is the pool's constructor.
func (p *Plugin) newInstance(ctx context.Context) (*instance, error) {
	id := p.nextID.Add(1)
	inst, err := newInstance(ctx, p.runtime, p.compiled, p.instrumented, id, p.logger)
	if err != nil {
		return nil, newError(CodeBadPlugin, "", "cannot instantiate the module: "+err.Error(), err)
	}
	return inst, nil
}

// Call runs action name on data, a JSON document, and returns the reply
// document. The reply is the caller's to keep.
//
// ctx bounds the whole call, waiting for an instance included: when it is
// done, a guest still running is stopped and its instance discarded.
//
// # Errors
//
// Always an *Error:
//
//   - from the guest: ErrUnknownAction, ErrMalformed, ErrBadRequest,
//     ErrTooLarge, ErrInternal, with the guest's message;
//   - refused by the host before the guest sees it: ErrTooLarge (data over
//     the input limit), ErrMalformed (data not UTF-8), ErrBadRequest (name
//     not UTF-8);
//   - ErrTooLarge when the reply is over the output limit (the instance is
//     kept);
//   - ErrTrap (with the guest's panic message), ErrMemoryLimit, ErrTimeout
//     (wrapping context.DeadlineExceeded), ErrCancelled (wrapping
//     context.Canceled): the instance is discarded and the next call gets a
//     fresh one;
//   - ErrClosed after Close.
func (p *Plugin) Call(ctx context.Context, name string, data []byte) ([]byte, error) {
	if !p.enter() {
		return nil, newError(CodeClosed, name, "the plugin is closed", nil)
	}
	defer p.leave()
	if err := p.checkInput(name, data); err != nil {
		return nil, err
	}
	if p.cfg.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, p.cfg.timeout)
		defer cancel()
	}
	if ctx.Err() != nil {
		return nil, ctxError(ctx, name)
	}
	inst, wait, err := p.pool.get(ctx)
	switch {
	case err != nil:
		return nil, err
	case wait == waitCtx:
		return nil, ctxError(ctx, name)
	case wait == waitClosed:
		return nil, newError(CodeClosed, name, "the plugin was closed while the call waited", nil)
	}

	inst.stderr.reset()
	var stop func() bool
	if p.instrumented && ctx.Done() != nil {
		// Costs nothing until ctx ends; then interrupts the guest.
		stop = context.AfterFunc(ctx, inst.onCtxDone)
	}
	reply, failure, ce := inst.invoke(ctx, name, data, p.cfg.maxOutput)
	if stop != nil && !stop() && ce == nil {
		// ctx ended just as the call finished: the reply stands, but the
		// interrupt flag is (or is about to be) set, so the instance goes.
		p.pool.discard(context.Background(), inst)
		if failure != nil {
			return nil, failure
		}
		return reply, nil
	}
	if ce != nil {
		e := inst.failure(ctx, name, ce, p.memLimitBytes)
		p.pool.discard(context.Background(), inst)
		if p.isClosed() {
			return nil, newError(CodeClosed, name, "the plugin was closed during the call", e)
		}
		level := slog.LevelWarn
		if e.Code == CodeTimeout || e.Code == CodeCancelled {
			level = slog.LevelDebug
		}
		p.logger.Log(ctx, level, "plugin: instance discarded", slog.Uint64("instance", inst.id),
			slog.String("action", name), slog.String("code", string(e.Code)), slog.String("message", e.Message))
		return nil, e
	}
	p.release(inst)
	if failure != nil {
		return nil, failure
	}
	return reply, nil
}

// checkInput refuses, before any guest work, what the guest must not be
// given: oversized input, and strings that are not UTF-8 (the canonical ABI
// passes `string` as UTF-8, and the guest's bindings may rely on it).
func (p *Plugin) checkInput(name string, data []byte) *Error {
	limit := int64(p.cfg.maxInput)
	if int64(len(data)) > limit {
		return newError(CodeTooLarge, name, tooLarge("data", int64(len(data)), limit), nil)
	}
	if int64(len(name)) > limit {
		return newError(CodeTooLarge, truncate(name, 64), tooLarge("the action name", int64(len(name)), limit), nil)
	}
	if !utf8.ValidString(name) {
		return newError(CodeBadRequest, "", "the action name is not valid UTF-8", nil)
	}
	if !utf8.Valid(data) {
		return newError(CodeMalformed, name, fmt.Sprintf("data is not valid UTF-8 (at byte %d)", invalidUTF8At(data)), nil)
	}
	return nil
}

// invalidUTF8At is the offset of the first byte that is not part of a
// valid UTF-8 sequence.
func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// truncate cuts s to at most n bytes at a character boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

// release gives a healthy instance back, or discards it if the plugin
// closed meanwhile.
func (p *Plugin) release(inst *instance) {
	if p.isClosed() {
		p.pool.discard(context.Background(), inst)
		return
	}
	p.pool.put(inst)
}

// ctxError is the error for a ctx that ended before the guest ran.
func ctxError(ctx context.Context, action string) *Error {
	cause := context.Cause(ctx)
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return newError(CodeTimeout, action, "the deadline passed before the call started", cause)
	}
	return newError(CodeCancelled, action, "the call was cancelled before it started", cause)
}

// Describe returns the plugin's self-description, as read at load time.
func (p *Plugin) Describe() Description {
	d := p.desc
	d.Actions = slices.Clone(p.desc.Actions)
	return d
}

// DescribeJSON returns the text the plugin's `describe` export returned at
// load time: the self-description with every action's JSON Schemas.
func (p *Plugin) DescribeJSON() []byte {
	return slices.Clone(p.descJSON)
}

// enter counts a call in, unless the plugin is closed.
func (p *Plugin) enter() bool {
	if p.state.Add(2)&1 != 0 {
		p.leave()
		return false
	}
	return true
}

// leave counts a call out; the last one out after Close lets Close go on.
func (p *Plugin) leave() {
	if p.state.Add(-2) == 1 {
		p.drainOnce.Do(func() { close(p.drained) })
	}
}

func (p *Plugin) isClosed() bool { return p.state.Load()&1 != 0 }

// Close stops the plugin and releases everything it holds. New calls fail
// with ErrClosed at once, and so do calls waiting for an instance; calls in
// progress may finish until ctx is done, then they are stopped (and fail
// with ErrClosed). Close is idempotent: later calls return the first one's
// result without waiting.
//
// # Errors
//
// What wazero reports when closing the runtime or the compilation cache.
func (p *Plugin) Close(ctx context.Context) error {
	p.closeOnce.Do(func() {
		old := p.state.Or(1)
		close(p.done)
		if old>>1 == 0 {
			p.drainOnce.Do(func() { close(p.drained) })
		}
		bg := context.Background()
		p.pool.closeIdle(bg)
		select {
		case <-p.drained:
		case <-ctx.Done():
			// Stop the calls still running; they end promptly (at the
			// guest's next budget check).
			p.pool.interruptAll(reasonClosed)
			<-p.drained
		}
		p.pool.closeIdle(bg)
		err := p.runtime.Close(bg)
		if p.ownsCache {
			err = errors.Join(err, p.cache.Close(bg))
		}
		p.closeErr = err
	})
	return p.closeErr
}
