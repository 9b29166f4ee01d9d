// Command benchboundary measures the Go host's boundary in one process and
// prints a Markdown table: the plugin host's ping round trip against a bare
// wazero call of an empty function (the floor), with their ratio.
//
//	go run ./internal/benchboundary                          # as `just bench` does
//	go run ./internal/benchboundary -benchtime 100x -count 1 # a smoke run
//
// Each benchmark runs -count times; the table shows the median ns/op (the
// machines this runs on are small and shared, so a single run is noisy)
// and the allocations of the median run. Nothing here asserts a time.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/leakguard/leakguard/host-go/internal/benchboundary/bench"
)

type row struct {
	name, what string
	fn         func(*testing.B)
}

var rows = []row{
	{"ping", "`Plugin.Call(ctx, \"ping\", {})` on the embedded module", bench.Ping},
	{"bare call", "wazero call of an empty export, default runtime (the floor)", bench.BareCall},
	{"bare call, watched", "the same with `WithCloseOnContextDone(true)`", bench.BareCallInterruptible},
}

type measured struct {
	nsPerOp       float64
	allocs, bytes int64
}

func main() {
	testing.Init()
	benchtime := flag.String("benchtime", "1s", "time or iterations (`Nx`) per run, as go test's -benchtime")
	count := flag.Int("count", 5, "runs per benchmark; the median is reported")
	flag.Parse()
	if *count < 1 {
		fmt.Fprintln(os.Stderr, "benchboundary: -count must be at least 1")
		os.Exit(2)
	}
	if err := flag.Set("test.benchtime", *benchtime); err != nil {
		fmt.Fprintln(os.Stderr, "benchboundary:", err)
		os.Exit(2)
	}

	results := make(map[string]measured, len(rows))
	for _, r := range rows {
		m, err := measure(r.fn, *count)
		if err != nil {
			fmt.Fprintf(os.Stderr, "benchboundary: %s: %v\n", r.name, err)
			os.Exit(1)
		}
		results[r.name] = m
	}

	fmt.Printf("### Go host boundary (%s)\n\n", environment())
	fmt.Printf("| benchmark | what | ns/op (median of %d) | allocs/op | B/op |\n", *count)
	fmt.Println("| --- | --- | ---: | ---: | ---: |")
	for _, r := range rows {
		m := results[r.name]
		fmt.Printf("| %s | %s | %.1f | %d | %d |\n", r.name, r.what, m.nsPerOp, m.allocs, m.bytes)
	}
	ping, bare, watched := results["ping"], results["bare call"], results["bare call, watched"]
	fmt.Println()
	fmt.Printf("ping / bare call: **%.1fx**; ping / bare call, watched: %.2fx\n",
		ping.nsPerOp/bare.nsPerOp, ping.nsPerOp/watched.nsPerOp)
}

// measure runs fn count times and returns the median run.
func measure(fn func(*testing.B), count int) (measured, error) {
	runs := make([]measured, 0, count)
	for range count {
		r := testing.Benchmark(fn)
		if r.N == 0 {
			return measured{}, fmt.Errorf("the benchmark failed")
		}
		runs = append(runs, measured{
			nsPerOp: float64(r.T.Nanoseconds()) / float64(r.N),
			allocs:  r.AllocsPerOp(),
			bytes:   r.AllocedBytesPerOp(),
		})
	}
	slices.SortFunc(runs, func(a, b measured) int {
		switch {
		case a.nsPerOp < b.nsPerOp:
			return -1
		case a.nsPerOp > b.nsPerOp:
			return 1
		}
		return 0
	})
	return runs[len(runs)/2], nil
}

// environment names what the figures depend on.
func environment() string {
	parts := []string{runtime.Version(), runtime.GOOS + "/" + runtime.GOARCH, fmt.Sprintf("GOMAXPROCS=%d", runtime.GOMAXPROCS(0))}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, d := range info.Deps {
			if d.Path == "github.com/tetratelabs/wazero" {
				parts = append(parts, "wazero "+d.Version)
			}
		}
	}
	return strings.Join(parts, ", ")
}
