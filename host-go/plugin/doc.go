// Package plugin runs WebAssembly plugins that speak the action protocol:
// one door, Call(name, data), a JSON document in and a JSON document or a
// typed failure out.
//
// A plugin is a wasm32-wasip1 core module built with wit-bindgen from
// wit/action.wit (the leakguard core is one; package
// github.com/leakguard/leakguard/host-go/embed carries it). This package
// speaks the component model's canonical ABI for that interface itself, on
// wazero, so it needs neither cgo nor a component runtime.
//
// New compiles the module once and checks it; the Plugin then serves calls
// from a bounded pool of instances, so one Plugin can be shared by any
// number of goroutines:
//
//	p, err := plugin.New(ctx, wasm, plugin.NewConfig().WithTimeout(time.Second))
//	if err != nil { ... }
//	defer p.Close(ctx)
//	reply, err := p.Call(ctx, "ping", []byte(`{"echo":1}`))
//
// Serve does the same for a stream of events with correlation ids.
//
// # What a guest cannot do
//
// A guest gets no files, network, environment or arguments; what it writes
// to stdout and stderr goes to a slog.Logger, line by line. It cannot take
// the host down: a trap (a panic, `unreachable`), a guest that runs past
// its ctx's deadline or cancellation, or one that exhausts its memory limit
// fails that one call (ErrTrap, ErrTimeout, ErrCancelled, ErrMemoryLimit)
// and its instance is replaced by a fresh one. Inputs and replies are
// bounded in size.
//
// # Stopping a guest
//
// Where wazero compiles to machine code (amd64, arm64), New instruments the
// module: it adds an interrupt flag (exported as "plugin-host:interrupt")
// that every loop and every calling function checks from time to time, and
// a call's ctx sets it through context.AfterFunc when it ends. A call whose
// ctx can never end costs nothing extra, and loop-heavy guest code runs at
// nearly full speed. Elsewhere, or for a module the instrumenter does not
// understand, the host uses wazero's WithCloseOnContextDone instead, which
// stops guests just as well but costs a goroutine per guest function call
// and a visit to Go on every loop iteration (about ten times slower on
// loop-heavy code). Either way the guarantees are the same.
//
// # Errors
//
// Every error is an *Error with a Code; compare with errors.Is against the
// sentinels (ErrUnknownAction, ErrTrap, ...), which match on the Code.
package plugin
