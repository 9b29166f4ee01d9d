package plugin

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"
)

// The exports of a plugin: the canonical ABI of wit/action.wit's `action`
// interface, as wit-bindgen lays it out in a core module.
const (
	exportMemory       = "memory"
	exportRealloc      = "cabi_realloc"
	exportCall         = "leakguard:plugin/action@0.1.0#call"
	exportCallPost     = "cabi_post_leakguard:plugin/action@0.1.0#call"
	exportDescribe     = "leakguard:plugin/action@0.1.0#describe"
	exportDescribePost = "cabi_post_leakguard:plugin/action@0.1.0#describe"
)

var (
	i32 = api.ValueTypeI32
	// requiredExports are the functions a plugin must export, with their
	// core signatures under the canonical ABI.
	requiredExports = []struct {
		name           string
		params, result []api.ValueType
	}{
		// cabi_realloc(old_ptr, old_size, align, new_size) -> ptr
		{exportRealloc, []api.ValueType{i32, i32, i32, i32}, []api.ValueType{i32}},
		// call(name_ptr, name_len, data_ptr, data_len) -> return area
		{exportCall, []api.ValueType{i32, i32, i32, i32}, []api.ValueType{i32}},
		{exportCallPost, []api.ValueType{i32}, nil},
		// describe() -> return area
		{exportDescribe, nil, []api.ValueType{i32}},
		{exportDescribePost, []api.ValueType{i32}, nil},
	}
)

// wasiModule is the only module a plugin may import from.
const wasiModule = "wasi_snapshot_preview1"

// checkExports says what, if anything, makes compiled unfit to be a plugin.
func checkExports(compiled wazero.CompiledModule) error {
	if _, ok := compiled.ExportedMemories()[exportMemory]; !ok {
		return fmt.Errorf("the module does not export %q", exportMemory)
	}
	funcs := compiled.ExportedFunctions()
	for _, want := range requiredExports {
		def, ok := funcs[want.name]
		if !ok {
			return fmt.Errorf("the module does not export %q", want.name)
		}
		if !sameTypes(def.ParamTypes(), want.params) || !sameTypes(def.ResultTypes(), want.result) {
			return fmt.Errorf("the export %q has signature %s, want %s", want.name,
				signature(def.ParamTypes(), def.ResultTypes()), signature(want.params, want.result))
		}
	}
	for _, imp := range compiled.ImportedFunctions() {
		if mod, name, _ := imp.Import(); mod != wasiModule {
			return fmt.Errorf("the module imports %s.%s; a plugin may import only from %s", mod, name, wasiModule)
		}
	}
	return nil
}

func sameTypes(a, b []api.ValueType) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func signature(params, results []api.ValueType) string {
	names := func(ts []api.ValueType) string {
		s := make([]string, len(ts))
		for i, t := range ts {
			s[i] = api.ValueTypeName(t)
		}
		return strings.Join(s, ", ")
	}
	return "(" + names(params) + ") -> (" + names(results) + ")"
}

// instance is one instantiation of the plugin: single-threaded, owned by one
// call at a time (the pool sees to that).
type instance struct {
	id  uint64
	mod api.Module
	mem api.Memory

	// Resolved once: looking an export up by name on every call costs a map
	// lookup and an allocation.
	realloc, call, callPost, describe, describePost api.Function

	// stack is the parameter/result buffer handed to CallWithStack, reused
	// by every call so that a call allocates none.
	stack [4]uint64

	stdout, stderr *lineWriter

	// flag is the interrupt flag of an instrumented module (nil when wazero
	// watches contexts itself); see instrument.go.
	flag api.MutableGlobal
	// onCtxDone interrupts the instance because a call's ctx ended; made
	// once so that watching a ctx allocates no closure per call.
	onCtxDone func()
	// reason records why the instance was interrupted (0: it was not); the
	// first reason wins.
	reason atomic.Uint32
	mu     sync.Mutex // orders interrupt against close
	closed bool
}

// Why an instance was interrupted.
const (
	reasonCtx    = 1 + iota // the call's ctx ended
	reasonClosed            // the plugin is closing
)

// newInstance instantiates compiled with no files, environment or
// arguments, its output going to logger, and without running `_start`: the
// module may be a command as well as a plugin, and `_start` would run the
// command (and exit).
func newInstance(ctx context.Context, r wazero.Runtime, compiled wazero.CompiledModule, instrumented bool, id uint64, logger *slog.Logger) (*instance, error) {
	logger = logger.With(slog.Uint64("instance", id))
	inst := &instance{
		id:     id,
		stdout: newLineWriter(logger.With(slog.String("stream", "stdout")), slog.LevelInfo, false),
		stderr: newLineWriter(logger.With(slog.String("stream", "stderr")), slog.LevelWarn, true),
	}
	cfg := wazero.NewModuleConfig().
		// An empty name lets the runtime hold any number of instances.
		WithName("").
		WithStartFunctions().
		WithStdout(inst.stdout).
		WithStderr(inst.stderr).
		// Real randomness, so that the guest's hash tables are seeded
		// unpredictably (wazero's default source is deterministic).
		WithRandSource(rand.Reader)
	mod, err := r.InstantiateModule(ctx, compiled, cfg)
	if err != nil {
		return nil, err
	}
	inst.mod = mod
	inst.mem = mod.ExportedMemory(exportMemory)
	inst.realloc = mod.ExportedFunction(exportRealloc)
	inst.call = mod.ExportedFunction(exportCall)
	inst.callPost = mod.ExportedFunction(exportCallPost)
	inst.describe = mod.ExportedFunction(exportDescribe)
	inst.describePost = mod.ExportedFunction(exportDescribePost)
	if instrumented {
		g, ok := mod.ExportedGlobal(interruptExport).(api.MutableGlobal)
		if !ok {
			_ = mod.Close(ctx)
			return nil, errors.New("the instrumented module has no interrupt flag")
		}
		inst.flag = g
	}
	inst.onCtxDone = func() { inst.interrupt(reasonCtx) }
	if inst.mem == nil || inst.realloc == nil || inst.call == nil || inst.callPost == nil || inst.describe == nil || inst.describePost == nil {
		// checkExports ran on the compiled module; this cannot happen unless
		// wazero disagrees with itself.
		_ = mod.Close(ctx)
		return nil, errors.New("an export checked at compile time is missing from the instance")
	}
	return inst, nil
}

// interrupt stops the instance's running call, or its next one: the guest
// traps within budgetUnits loop iterations or calls (instrumented module)
// or wazero stops it (context watching). Safe from any goroutine; the
// instance must be discarded afterwards.
func (inst *instance) interrupt(reason uint32) {
	inst.reason.CompareAndSwap(0, reason)
	inst.mu.Lock()
	defer inst.mu.Unlock()
	if inst.closed {
		return
	}
	if inst.flag != nil {
		inst.flag.Set(1)
		return
	}
	// Under WithCloseOnContextDone, closing the module stops a running call.
	_ = inst.mod.CloseWithExitCode(context.Background(), 0)
}

// close releases the instance and logs what the guest left unfinished.
func (inst *instance) close(ctx context.Context) {
	inst.mu.Lock()
	inst.closed = true
	inst.mu.Unlock()
	_ = inst.mod.Close(ctx)
	inst.stdout.flush()
	inst.stderr.flush()
}

// phase names the step of a call that failed, for messages.
type phase uint8

const (
	phaseAllocName phase = iota
	phaseAllocData
	phaseCall
	phaseReply
	phasePost
)

// callError is what went wrong inside an instance: the wazero error and the
// step it happened in. The pool classifies it and discards the instance.
type callError struct {
	err   error
	phase phase
}

// invoke runs action name on data in the instance and returns the reply
// copied out of guest memory, or the guest's typed failure, or a callError.
// The instance is reusable afterwards unless a callError is returned.
func (inst *instance) invoke(ctx context.Context, name string, data []byte, maxOutput int) ([]byte, *Error, *callError) {
	namePtr, err := inst.alloc(ctx, len(name))
	if err != nil {
		return nil, nil, &callError{err, phaseAllocName}
	}
	if !inst.mem.WriteString(namePtr, name) {
		return nil, nil, &callError{outOfRange("cabi_realloc returned", namePtr, len(name)), phaseAllocName}
	}
	dataPtr, err := inst.alloc(ctx, len(data))
	if err != nil {
		return nil, nil, &callError{err, phaseAllocData}
	}
	if !inst.mem.Write(dataPtr, data) {
		return nil, nil, &callError{outOfRange("cabi_realloc returned", dataPtr, len(data)), phaseAllocData}
	}

	s := inst.stack[:]
	s[0], s[1], s[2], s[3] = uint64(namePtr), uint64(len(name)), uint64(dataPtr), uint64(len(data))
	if err := inst.call.CallWithStack(ctx, s); err != nil {
		return nil, nil, &callError{err, phaseCall}
	}
	ret := uint32(s[0])

	reply, failure, rerr := inst.readResult(name, ret, maxOutput)
	if rerr != nil {
		return nil, nil, &callError{rerr, phaseReply}
	}
	// The guest still owns the reply until cabi_post frees it, which is why
	// the reply was copied out first.
	s[0] = uint64(ret)
	if err := inst.callPost.CallWithStack(ctx, s); err != nil {
		return nil, nil, &callError{err, phasePost}
	}
	return reply, failure, nil
}

// alloc asks the guest for n bytes the callee will own, as the canonical ABI
// lowers a string: cabi_realloc(0, 0, 1, n).
func (inst *instance) alloc(ctx context.Context, n int) (uint32, error) {
	s := inst.stack[:]
	s[0], s[1], s[2], s[3] = 0, 0, 1, uint64(n)
	if err := inst.realloc.CallWithStack(ctx, s); err != nil {
		return 0, err
	}
	return uint32(s[0]), nil
}

// readResult decodes call's return area:
//
//	+0  u8   discriminant: 0 ok, 1 err
//	ok:  +4 u32 string pointer, +8 u32 length
//	err: +4 u8 error-code, +8 u32 message pointer, +12 u32 length
func (inst *instance) readResult(action string, ret uint32, maxOutput int) ([]byte, *Error, error) {
	area, ok := inst.mem.Read(ret, 16)
	if !ok {
		return nil, nil, outOfRange("the return area", ret, 16)
	}
	switch area[0] {
	case 0:
		ptr, n := binary.LittleEndian.Uint32(area[4:]), binary.LittleEndian.Uint32(area[8:])
		if int64(n) > int64(maxOutput) {
			return nil, newError(CodeTooLarge, action, tooLarge("the reply", int64(n), int64(maxOutput)), nil), nil
		}
		b, ok := inst.mem.Read(ptr, n)
		if !ok {
			return nil, nil, outOfRange("the reply", ptr, int(n))
		}
		out := make([]byte, n)
		copy(out, b)
		return out, nil, nil
	case 1:
		code := area[4]
		ptr, n := binary.LittleEndian.Uint32(area[8:]), binary.LittleEndian.Uint32(area[12:])
		if int(code) >= len(guestCodes) {
			return nil, nil, fmt.Errorf("the guest returned error code %d, which wit/action.wit does not define", code)
		}
		// A message is for people: cut one that is absurdly long rather
		// than copying megabytes into an error.
		const maxMessage = 64 << 10
		show := min(n, maxMessage)
		b, ok := inst.mem.Read(ptr, show)
		if !ok {
			return nil, nil, outOfRange("the failure message", ptr, int(n))
		}
		msg := string(b)
		if show < n {
			msg += "..."
		}
		return nil, newError(guestCodes[code], action, msg, nil), nil
	default:
		return nil, nil, fmt.Errorf("the guest returned result discriminant %d, not 0 (ok) or 1 (err)", area[0])
	}
}

// describeText runs the describe export and returns a copy of its text.
func (inst *instance) describeText(ctx context.Context) ([]byte, error) {
	s := inst.stack[:]
	if err := inst.describe.CallWithStack(ctx, s); err != nil {
		return nil, err
	}
	ret := uint32(s[0])
	area, ok := inst.mem.Read(ret, 8)
	if !ok {
		return nil, outOfRange("the return area", ret, 8)
	}
	ptr, n := binary.LittleEndian.Uint32(area[0:]), binary.LittleEndian.Uint32(area[4:])
	b, ok := inst.mem.Read(ptr, n)
	if !ok {
		return nil, outOfRange("the description", ptr, int(n))
	}
	out := append([]byte(nil), b...)
	s[0] = uint64(ret)
	if err := inst.describePost.CallWithStack(ctx, s); err != nil {
		return nil, err
	}
	return out, nil
}

func outOfRange(what string, ptr uint32, n int) error {
	return fmt.Errorf("%s (%d bytes at %#x) lies outside the guest's memory", what, n, ptr)
}

// tooLarge words a size-limit failure the way the core does, so that the
// host's refusals read like the guest's.
func tooLarge(what string, got, limit int64) string {
	return what + " is " + strconv.FormatInt(got, 10) + " bytes; the limit is " + strconv.FormatInt(limit, 10) + " bytes"
}

// failure turns what went wrong inside an instance into the caller's
// error, looking at how the guest died: ctx, memory, its last stderr lines.
func (inst *instance) failure(ctx context.Context, action string, ce *callError, memLimitBytes uint64) *Error {
	switch inst.reason.Load() {
	case reasonClosed:
		return newError(CodeClosed, action, "the plugin was closed during the call", ce.err)
	case reasonCtx:
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return newError(CodeTimeout, action, "the deadline passed while the guest was running", ctxCause(ctx, context.DeadlineExceeded, ce.err))
		}
		return newError(CodeCancelled, action, "the call was cancelled while the guest was running", ctxCause(ctx, context.Canceled, ce.err))
	}
	var exit *sys.ExitError
	if errors.As(ce.err, &exit) {
		switch exit.ExitCode() {
		case sys.ExitCodeDeadlineExceeded:
			return newError(CodeTimeout, action, "the deadline passed while the guest was running", ctxCause(ctx, context.DeadlineExceeded, ce.err))
		case sys.ExitCodeContextCanceled:
			return newError(CodeCancelled, action, "the call was cancelled while the guest was running", ctxCause(ctx, context.Canceled, ce.err))
		default:
			return newError(CodeTrap, action, "the guest exited with code "+strconv.FormatUint(uint64(exit.ExitCode()), 10), ce.err)
		}
	}
	lines := inst.stderr.lines()
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.HasPrefix(lines[i], "memory allocation of ") && strings.HasSuffix(lines[i], " failed") {
			return newError(CodeMemoryLimit, action, "the guest ran out of memory under the limit of "+
				strconv.FormatUint(memLimitBytes, 10)+" bytes: "+lines[i], ce.err)
		}
	}
	if msg, ok := panicMessage(lines); ok {
		return newError(CodeTrap, action, "the guest panicked: "+msg, ce.err)
	}
	if ce.phase == phaseAllocName || ce.phase == phaseAllocData || uint64(inst.mem.Size())+pageSize > memLimitBytes {
		// cabi_realloc traps without a word when the allocator fails, and
		// a memory that cannot grow by another page is at its limit.
		return newError(CodeMemoryLimit, action, "the guest ran out of memory under the limit of "+
			strconv.FormatUint(memLimitBytes, 10)+" bytes", ce.err)
	}
	if ce.phase == phaseReply {
		return newError(CodeBadPlugin, action, "the guest broke the canonical ABI: "+ce.err.Error(), ce.err)
	}
	msg := firstLine(ce.err.Error())
	if n := len(lines); n > 0 {
		msg += " (last stderr line: " + lines[n-1] + ")"
	}
	return newError(CodeTrap, action, "the guest crashed: "+msg, ce.err)
}

// panicMessage finds the guest's panic line, "<prefix>panic: <message>",
// the latest first (the leakguard core prints
// "leakguard: panic: <message> at <file:line:col>").
func panicMessage(lines []string) (string, bool) {
	for i := len(lines) - 1; i >= 0; i-- {
		if _, msg, ok := strings.Cut(lines[i], "panic: "); ok {
			return msg, true
		}
		if _, msg, ok := strings.Cut(lines[i], "panicked at "); ok {
			// Rust's default hook: "thread '<name>' panicked at <loc>:"
			// followed by the message on the next line.
			if i+1 < len(lines) {
				return lines[i+1] + " at " + strings.TrimSuffix(msg, ":"), true
			}
			return msg, true
		}
	}
	return "", false
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// ctxCause is the cause of a timeout or cancellation: the ctx's own cause if
// it has one, else want, joined with the wazero error so neither is lost.
func ctxCause(ctx context.Context, want, wazeroErr error) error {
	cause := context.Cause(ctx)
	if cause == nil {
		cause = want
	}
	return fmt.Errorf("%w (%w)", cause, wazeroErr)
}
