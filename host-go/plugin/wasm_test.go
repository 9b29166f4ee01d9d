package plugin_test

import (
	"encoding/binary"

	"github.com/leakguard/leakguard/host-go/plugin"
)

// A tiny WebAssembly encoder, so that the tests can build exactly the
// modules they need (a plugin with a missing export, a describe that lies)
// as bytes, without a toolchain.

const (
	i32 = 0x7f
	i64 = 0x7e
)

type wasmFunc struct {
	params, results []byte
	locals          []byte // one local of each listed type
	body            []byte // instructions, without the final `end`
	export          string // "" for none
}

type wasmImport struct {
	module, name    string
	params, results []byte
}

type wasmData struct {
	offset uint32
	bytes  []byte
}

type wasmGlobal struct {
	export string
	value  int32
}

type wasmModule struct {
	imports  []wasmImport
	funcs    []wasmFunc
	memory   uint32 // initial pages; 0 for no memory
	exportMe string // name under which the memory is exported, "" for none
	globals  []wasmGlobal
	data     []wasmData
}

// The LEB128 encoders are the package's own.
var (
	uleb = plugin.AppendULEB
	sleb = plugin.AppendSLEB
)

func name(b []byte, s string) []byte { return append(uleb(b, uint64(len(s))), s...) }

func vec(b []byte, items [][]byte) []byte {
	b = uleb(b, uint64(len(items)))
	for _, it := range items {
		b = append(b, it...)
	}
	return b
}

func section(b []byte, id byte, body []byte) []byte {
	b = append(b, id)
	b = uleb(b, uint64(len(body)))
	return append(b, body...)
}

func funcType(params, results []byte) []byte {
	t := []byte{0x60}
	t = append(uleb(t, uint64(len(params))), params...)
	return append(uleb(t, uint64(len(results))), results...)
}

// i32c is `i32.const v`.
func i32c(v int32) []byte { return sleb([]byte{0x41}, int64(v)) }

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func (m wasmModule) encode() []byte {
	out := []byte("\x00asm\x01\x00\x00\x00")
	var types, imports, funcs, exports, codes, datas, globals [][]byte
	for i, imp := range m.imports {
		types = append(types, funcType(imp.params, imp.results))
		e := name(name(nil, imp.module), imp.name)
		imports = append(imports, uleb(append(e, 0x00), uint64(i)))
	}
	for _, f := range m.funcs {
		ti := len(types)
		types = append(types, funcType(f.params, f.results))
		funcs = append(funcs, uleb(nil, uint64(ti)))
	}
	for i, f := range m.funcs {
		if f.export != "" {
			e := append(name(nil, f.export), 0x00)
			exports = append(exports, uleb(e, uint64(len(m.imports)+i)))
		}
		var locals [][]byte
		for _, l := range f.locals {
			locals = append(locals, []byte{0x01, l})
		}
		body := vec(nil, locals)
		body = append(body, f.body...)
		body = append(body, 0x0b)
		codes = append(codes, append(uleb(nil, uint64(len(body))), body...))
	}
	if m.memory > 0 && m.exportMe != "" {
		exports = append(exports, append(name(nil, m.exportMe), 0x02, 0x00))
	}
	for i, g := range m.globals {
		globals = append(globals, cat([]byte{i32, 0x01}, i32c(g.value), []byte{0x0b}))
		if g.export != "" {
			exports = append(exports, uleb(append(name(nil, g.export), 0x03), uint64(i)))
		}
	}
	for _, d := range m.data {
		seg := cat([]byte{0x00}, i32c(int32(d.offset)), []byte{0x0b})
		seg = append(uleb(seg, uint64(len(d.bytes))), d.bytes...)
		datas = append(datas, seg)
	}
	out = section(out, 1, vec(nil, types))
	if len(imports) > 0 {
		out = section(out, 2, vec(nil, imports))
	}
	out = section(out, 3, vec(nil, funcs))
	if m.memory > 0 {
		out = section(out, 5, uleb([]byte{0x01, 0x00}, uint64(m.memory)))
	}
	if len(globals) > 0 {
		out = section(out, 6, vec(nil, globals))
	}
	if len(exports) > 0 {
		out = section(out, 7, vec(nil, exports))
	}
	out = section(out, 10, vec(nil, codes))
	if len(datas) > 0 {
		out = section(out, 11, vec(nil, datas))
	}
	return out
}

func le32(vs ...uint32) []byte {
	out := make([]byte, 4*len(vs))
	for i, v := range vs {
		binary.LittleEndian.PutUint32(out[4*i:], v)
	}
	return out
}

// Addresses in a stub plugin's memory.
const (
	stubDescribeArea = 16
	stubCallArea     = 32
	stubDescribeText = 256
	stubReplyText    = 4096
	stubHeap         = 8192
)

const stubDescription = `{"protocol":"1.0","plugin":{"name":"stub","version":"0.0.1"},"actions":[{"name":"answer","summary":"Always the same.","input":{},"output":true}]}`

// stubPlugin is the smallest module that speaks the protocol: describe
// returns desc, call always returns whatever the return area holds (by
// default, ok with reply), cabi_realloc hands out one fixed buffer.
type stubPlugin struct {
	desc  string
	reply string
	area  []byte // the call's return area; nil for "ok, reply"
	// edit changes the module after the defaults are set up.
	edit func(*wasmModule)
}

func (s stubPlugin) module() wasmModule {
	if s.desc == "" {
		s.desc = stubDescription
	}
	if s.area == nil {
		s.area = le32(0, stubReplyText, uint32(len(s.reply)))
	}
	four := []byte{i32, i32, i32, i32}
	m := wasmModule{
		memory:   1,
		exportMe: "memory",
		funcs: []wasmFunc{
			{params: four, results: []byte{i32}, body: i32c(stubHeap), export: "cabi_realloc"},
			{params: four, results: []byte{i32}, body: i32c(stubCallArea), export: "leakguard:plugin/action@0.1.0#call"},
			{params: []byte{i32}, export: "cabi_post_leakguard:plugin/action@0.1.0#call"},
			{results: []byte{i32}, body: i32c(stubDescribeArea), export: "leakguard:plugin/action@0.1.0#describe"},
			{params: []byte{i32}, export: "cabi_post_leakguard:plugin/action@0.1.0#describe"},
		},
		data: []wasmData{
			{stubDescribeArea, le32(stubDescribeText, uint32(len(s.desc)))},
			{stubCallArea, s.area},
			{stubDescribeText, []byte(s.desc)},
			{stubReplyText, []byte(s.reply)},
		},
	}
	if s.edit != nil {
		s.edit(&m)
	}
	return m
}

func (s stubPlugin) wasm() []byte { return s.module().encode() }

// withoutExport drops the function exported as name.
func withoutExport(name string) func(*wasmModule) {
	return func(m *wasmModule) {
		for i := range m.funcs {
			if m.funcs[i].export == name {
				m.funcs[i].export = ""
			}
		}
		if m.exportMe == name {
			m.exportMe = ""
		}
	}
}
