package plugin_test

import (
	"context"
	"testing"

	"github.com/leakguard/leakguard/host-go/embed"
	"github.com/leakguard/leakguard/host-go/internal/benchboundary/bench"
	"github.com/leakguard/leakguard/host-go/plugin"
)

// BenchmarkPing is the plugin host's round trip: Call("ping", `{}`) on the
// embedded module.
func BenchmarkPing(b *testing.B) { bench.Ping(b) }

// BenchmarkBareCall is a bare wazero call of an empty export: the floor.
func BenchmarkBareCall(b *testing.B) { bench.BareCall(b) }

// BenchmarkBareCallInterruptible is the floor under the configuration the
// host runs with (wazero watching the call's context).
func BenchmarkBareCallInterruptible(b *testing.B) { bench.BareCallInterruptible(b) }

// BenchmarkNewAgain is New and Close of the embedded module once it has been
// loaded before in the process: the start-up cost of a second Plugin, with
// the compiled code already in the memory cache.
func BenchmarkNewAgain(b *testing.B) {
	ctx := context.Background()
	cfg := plugin.NewConfig().WithLogger(quiet)
	first, err := plugin.New(ctx, embed.Binary, cfg)
	if err != nil {
		b.Fatal(err)
	}
	if err := first.Close(ctx); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		p, err := plugin.New(ctx, embed.Binary, cfg)
		if err != nil {
			b.Fatal(err)
		}
		if err := p.Close(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
