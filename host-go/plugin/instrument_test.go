package plugin_test

import (
	"context"
	"encoding/binary"
	"math"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/leakguard/leakguard/host-go/plugin"
)

// opcodesModule exercises the instructions whose immediates the
// instrumenter must skip correctly (block types, branch tables, memory
// arguments, wide constants, SIMD and bulk-memory prefixes), in functions
// whose results are known.
func opcodesModule() wasmModule {
	one := []byte{i32}
	f64 := func(v float64) []byte {
		b := make([]byte, 8)
		binary.LittleEndian.PutUint64(b, math.Float64bits(v))
		return b
	}
	v128 := le32(1, 2, 3, 4)
	return wasmModule{
		memory:   1,
		exportMe: "memory",
		globals:  []wasmGlobal{{value: 37}},
		funcs: []wasmFunc{
			// 0 sum(n) = n + (n-1) + ... + 1, with a loop
			{params: one, results: one, locals: one, export: "sum", body: []byte{
				0x02, 0x40, 0x03, 0x40,
				0x20, 0x00, 0x45, 0x0d, 0x01,
				0x20, 0x01, 0x20, 0x00, 0x6a, 0x21, 0x01,
				0x20, 0x00, 0x41, 0x01, 0x6b, 0x21, 0x00,
				0x0c, 0x00, 0x0b, 0x0b, 0x20, 0x01,
			}},
			// 1 fib(n), recursive: needs the entry check
			{params: one, results: one, export: "fib", body: []byte{
				0x20, 0x00, 0x41, 0x02, 0x48, 0x04, 0x7f, 0x20, 0x00, 0x05,
				0x20, 0x00, 0x41, 0x01, 0x6b, 0x10, 0x01,
				0x20, 0x00, 0x41, 0x02, 0x6b, 0x10, 0x01, 0x6a, 0x0b,
			}},
			// 2 table(x): br_table over three blocks -> 10, 20, 30
			{params: one, results: one, export: "table", body: []byte{
				0x02, 0x40, 0x02, 0x40, 0x02, 0x40,
				0x20, 0x00, 0x0e, 0x02, 0x00, 0x01, 0x02, 0x0b,
				0x41, 0x0a, 0x0f, 0x0b, 0x41, 0x14, 0x0f, 0x0b, 0x41, 0x1e,
			}},
			// 3 mem(x): store at 100+4, load it back, add memory.size (1)
			{params: one, results: one, export: "mem", body: []byte{
				0x41, 0xe4, 0x00, 0x20, 0x00, 0x36, 0x02, 0x04,
				0x41, 0xe4, 0x00, 0x28, 0x02, 0x04, 0x3f, 0x00, 0x6a,
			}},
			// 4 simd(): i32x4.extract_lane 2 of v128.const (1,2,3,4) -> 3
			{results: one, export: "simd", body: cat([]byte{0xfd, 0x0c}, v128, []byte{0xfd, 0x1b, 0x02})},
			// 5 bulk(): fill 10 bytes with 7, copy them, load one -> 7
			{results: one, export: "bulk", body: []byte{
				0x41, 0xc8, 0x01, 0x41, 0x07, 0x41, 0x0a, 0xfc, 0x0b, 0x00,
				0x41, 0xac, 0x02, 0x41, 0xc8, 0x01, 0x41, 0x0a, 0xfc, 0x0a, 0x00, 0x00,
				0x41, 0xb5, 0x02, 0x2d, 0x00, 0x00,
			}},
			// 6 wide(): (i32) (0x123456789 + 1), with an f64.const dropped
			{results: one, export: "wide", body: cat(
				sleb([]byte{0x42}, 0x123456789), []byte{0x42, 0x01, 0x7c, 0xa7, 0x44}, f64(2.5), []byte{0x1a},
			)},
			// 7 glob(): global 0 += 5 -> 42
			{results: one, export: "glob", body: []byte{0x23, 0x00, 0x41, 0x05, 0x6a, 0x24, 0x00, 0x23, 0x00}},
			// 8 sel(x): x ? 1 : 2, with select and typed select
			{params: one, results: one, export: "sel", body: []byte{
				0x41, 0x01, 0x41, 0x02, 0x20, 0x00, 0x1b,
				0x41, 0x00, 0x6a, 0x41, 0x01, 0x41, 0x02, 0x20, 0x00, 0x1c, 0x01, 0x7f, 0x1a,
			}},
			// 9 square(n): nested loops counting to n*n, past the budget
			{params: one, results: one, locals: []byte{i32, i32, i32}, export: "square", body: []byte{
				0x02, 0x40, 0x03, 0x40, // block loop (i = local 1)
				0x20, 0x01, 0x20, 0x00, 0x4e, 0x0d, 0x01, // i >= n: break
				0x41, 0x00, 0x21, 0x02, // j = 0
				0x02, 0x40, 0x03, 0x40, // block loop
				0x20, 0x02, 0x20, 0x00, 0x4e, 0x0d, 0x01, // j >= n: break
				0x20, 0x03, 0x41, 0x01, 0x6a, 0x21, 0x03, // count++
				0x20, 0x02, 0x41, 0x01, 0x6a, 0x21, 0x02, // j++
				0x0c, 0x00, 0x0b, 0x0b,
				0x20, 0x01, 0x41, 0x01, 0x6a, 0x21, 0x01, // i++
				0x0c, 0x00, 0x0b, 0x0b,
				0x20, 0x03,
			}},
		},
	}
}

func TestInstrumentKeepsMeaning(t *testing.T) {
	ctx := context.Background()
	orig := opcodesModule().encode()
	inst, err := plugin.Instrument(orig)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		fn   string
		args []uint64
		want uint64
	}{
		{"sum", []uint64{100}, 5050},
		{"sum", []uint64{0}, 0},
		{"fib", []uint64{20}, 6765},
		{"table", []uint64{0}, 10},
		{"table", []uint64{1}, 20},
		{"table", []uint64{9}, 30},
		{"mem", []uint64{41}, 42},
		{"simd", nil, 3},
		{"bulk", nil, 7},
		{"wide", nil, 0x2345678a},
		{"glob", nil, 42},
		{"sel", []uint64{1}, 1},
		{"sel", []uint64{0}, 2},
		{"square", []uint64{300}, 90000},
	}
	for _, wasm := range []struct {
		name  string
		bytes []byte
	}{{"original", orig}, {"instrumented", inst}} {
		r := wazero.NewRuntime(ctx)
		defer r.Close(ctx)
		mod, err := r.Instantiate(ctx, wasm.bytes)
		if err != nil {
			t.Fatalf("%s: %v", wasm.name, err)
		}
		for _, tc := range cases {
			// A fresh instance for glob, whose result depends on state.
			m := mod
			if tc.fn == "glob" {
				m, err = r.InstantiateWithConfig(ctx, wasm.bytes, wazero.NewModuleConfig().WithName(""))
				if err != nil {
					t.Fatal(err)
				}
			}
			got, err := m.ExportedFunction(tc.fn).Call(ctx, tc.args...)
			if err != nil || len(got) != 1 || uint32(got[0]) != uint32(tc.want) {
				t.Errorf("%s %s%v = %v, %v; want %d", wasm.name, tc.fn, tc.args, got, err, tc.want)
			}
		}
		if wasm.name == "instrumented" {
			g := mod.ExportedGlobal(plugin.InterruptExport)
			if g == nil || g.Get() != 0 {
				t.Errorf("interrupt flag %v", g)
			}
		}
	}
}

// TestInstrumentInterrupts: with the flag set, every instrumented entry
// point traps, the ones without loops or calls excepted.
func TestInstrumentInterrupts(t *testing.T) {
	ctx := context.Background()
	inst, err := plugin.Instrument(opcodesModule().encode())
	if err != nil {
		t.Fatal(err)
	}
	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)
	mod, err := r.Instantiate(ctx, inst)
	if err != nil {
		t.Fatal(err)
	}
	flag, ok := mod.ExportedGlobal(plugin.InterruptExport).(interface{ Set(uint64) })
	if !ok {
		t.Fatal("the flag is not a mutable global")
	}
	flag.Set(1)
	// The flag is seen when the budget runs out: 20 * 20 = 400 iterations
	// are too few, the calls below are plenty (fib through its calls).
	if got, err := mod.ExportedFunction("square").Call(ctx, 20); err != nil || got[0] != 400 {
		t.Errorf("square(20) = %v, %v", got, err)
	}
	for _, tc := range []struct {
		fn string
		n  uint64
	}{{"square", 300}, {"sum", 100000}, {"fib", 25}} {
		if _, err := mod.ExportedFunction(tc.fn).Call(ctx, tc.n); err == nil {
			t.Errorf("%s(%d) ran to the end with the flag set", tc.fn, tc.n)
		}
	}
	// No loop, no call: nothing to check, it just finishes.
	if got, err := mod.ExportedFunction("table").Call(ctx, 1); err != nil || got[0] != 20 {
		t.Errorf("table(1) = %v, %v", got, err)
	}
}

// TestInstrumentSmallModules: the instrumenter adds the global and export
// sections a module lacks. (The real modules are instrumented by every
// test that loads them; TestModes checks that they are.)
func TestInstrumentSmallModules(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		wasm []byte
	}{{"stub", stubPlugin{}.wasm()}, {"no globals or exports", wasmModule{
		memory: 1, funcs: []wasmFunc{{body: []byte{0x03, 0x40, 0x0b}}},
	}.encode()}} {
		t.Run(tc.name, func(t *testing.T) {
			inst, err := plugin.Instrument(tc.wasm)
			if err != nil {
				t.Fatal(err)
			}
			r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCompilationCache(sharedCache))
			defer r.Close(ctx)
			wasi_snapshot_preview1.MustInstantiate(ctx, r)
			c, err := r.CompileModule(ctx, inst)
			if err != nil {
				t.Fatalf("the instrumented module does not compile: %v", err)
			}
			mod, err := r.InstantiateModule(ctx, c, wazero.NewModuleConfig().WithStartFunctions())
			if err != nil {
				t.Fatal(err)
			}
			if mod.ExportedGlobal(plugin.InterruptExport) == nil {
				t.Error("no interrupt flag exported")
			}
		})
	}
}

func TestInstrumentRefuses(t *testing.T) {
	valid := opcodesModule().encode()
	gc := wasmModule{funcs: []wasmFunc{{body: []byte{0xfb, 0x00}}}}.encode()
	cases := []struct {
		name string
		wasm []byte
	}{
		{"empty", nil},
		{"not wasm", []byte("\x00asx\x01\x00\x00\x00")},
		{"version 2", []byte("\x00asm\x02\x00\x00\x00")},
		{"truncated", valid[:len(valid)-3]},
		{"unknown opcode", gc},
		{"already instrumented", mustInstrument(t, valid)},
	}
	for _, tc := range cases {
		if _, err := plugin.Instrument(tc.wasm); err == nil {
			t.Errorf("%s: instrumented", tc.name)
		}
	}
}

func mustInstrument(t *testing.T, wasm []byte) []byte {
	t.Helper()
	out, err := plugin.Instrument(wasm)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// FuzzInstrument: whatever the input, instrumenting does not panic, and a
// module that compiles still compiles once instrumented.
func FuzzInstrument(f *testing.F) {
	f.Add(opcodesModule().encode())
	f.Add(stubPlugin{}.wasm())
	f.Add([]byte("\x00asm\x01\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, wasm []byte) {
		inst, err := plugin.Instrument(wasm)
		if err != nil {
			return
		}
		ctx := context.Background()
		r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCompilationCache(sharedCache))
		defer r.Close(ctx)
		if _, err := r.CompileModule(ctx, wasm); err != nil {
			return
		}
		if _, err := r.CompileModule(ctx, inst); err != nil {
			t.Fatalf("compiles, but not once instrumented: %v", err)
		}
	})
}
