package plugin_test

import (
	"testing"

	"github.com/leakguard/leakguard/host-go/internal/benchboundary/bench"
)

// BenchmarkPing is the plugin host's round trip: Call("ping", `{}`) on the
// embedded module.
func BenchmarkPing(b *testing.B) { bench.Ping(b) }

// BenchmarkBareCall is a bare wazero call of an empty export: the floor.
func BenchmarkBareCall(b *testing.B) { bench.BareCall(b) }

// BenchmarkBareCallInterruptible is the floor under the configuration the
// host runs with (wazero watching the call's context).
func BenchmarkBareCallInterruptible(b *testing.B) { bench.BareCallInterruptible(b) }
