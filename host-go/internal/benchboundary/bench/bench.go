// Package bench holds the boundary benchmarks, shared by the plugin
// package's `go test -bench` and by the benchboundary report, so that both
// measure exactly the same thing.
package bench

import (
	"context"
	"testing"

	"github.com/tetratelabs/wazero"

	"github.com/leakguard/leakguard/host-go/embed"
	"github.com/leakguard/leakguard/host-go/plugin"
)

// nopModule is the smallest module with something to call: one exported
// function "nop" of type () -> () whose body is empty. Calling it measures
// what any wazero call costs, the floor under every action.
var nopModule = []byte{
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
	0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: one type, () -> ()
	0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
	0x07, 0x07, 0x01, 0x03, 'n', 'o', 'p', 0x00, 0x00, // export section: "nop" = function 0
	0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b, // code section: one body, no locals, end
}

// Ping measures Call("ping", `{}`) on the embedded leakguard module, the
// plugin host's whole round trip: pool, input checks, two cabi_realloc
// calls, the call, reading the reply, cabi_post.
func Ping(b *testing.B) {
	ctx := context.Background()
	p, err := plugin.New(ctx, embed.Binary, plugin.NewConfig().WithPoolSize(1))
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close(ctx)
	data := []byte(`{}`)
	want := `{"pong":true}`
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		out, err := p.Call(ctx, "ping", data)
		if err != nil || string(out) != want {
			b.Fatalf("ping: %q, %v", out, err)
		}
	}
}

// BareCall measures one wazero call of an empty exported function with
// wazero's default runtime configuration: the floor.
func BareCall(b *testing.B) {
	bareCall(b, wazero.NewRuntimeConfig())
}

// BareCallInterruptible is BareCall under WithCloseOnContextDone(true),
// wazero's own way to stop a running guest, which the plugin host uses only
// where it cannot instrument the module: wazero then watches the context of
// every call with a goroutine.
func BareCallInterruptible(b *testing.B) {
	bareCall(b, wazero.NewRuntimeConfig().WithCloseOnContextDone(true))
}

func bareCall(b *testing.B, rc wazero.RuntimeConfig) {
	ctx := context.Background()
	r := wazero.NewRuntimeWithConfig(ctx, rc)
	defer r.Close(ctx)
	mod, err := r.Instantiate(ctx, nopModule)
	if err != nil {
		b.Fatal(err)
	}
	fn := mod.ExportedFunction("nop")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := fn.CallWithStack(ctx, nil); err != nil {
			b.Fatal(err)
		}
	}
}
