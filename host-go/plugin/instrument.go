package plugin

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// Stopping a guest that runs too long.
//
// wazero can stop a running function only if the module was compiled with
// WithCloseOnContextDone(true). In wazero 1.12 that costs a goroutine, a
// channel and two closures on every function call (a round trip here is four
// calls: two cabi_realloc, call, cabi_post), and a call back into Go on every
// iteration of every loop, which makes loop-heavy guest code (parsing,
// scanning) about ten times slower.
//
// So, where the compiler engine runs, the host instruments the module
// instead. It adds two mutable i32 globals: the interrupt flag, exported,
// which only the host writes, and a budget, which only the guest writes.
// Every loop header, and the entry of every function that calls another,
// spends one unit of budget; when the budget is spent the guest refills it,
// exits to Go once (`memory.grow 0`, which wazero runs in Go) and tests the
// flag, trapping (`unreachable`) if it is set.
//
//   - The exit to Go matters as much as the flag: compiled code is never
//     preempted, so a guest that never left it would stall the garbage
//     collector's stop-the-world, and with it the goroutine that is to set
//     the flag. Every budgetUnits checks the goroutine passes through Go,
//     where it can be preempted.
//   - A call's ctx is watched with context.AfterFunc, which costs nothing
//     until the ctx ends; then the flag is set from that goroutine and the
//     guest traps within budgetUnits checks. The instance is discarded, as
//     after any trap.
//   - A function that calls none runs a bounded number of instructions
//     between loop headers, so only loops and calling functions need
//     checks (recursion is caught at function entries); hot leaf functions
//     stay as they were.
//   - Branch depths and every index stay as they were: the globals are
//     appended after the module's own, and the inserted code is one
//     self-contained `if` block.
//
// The flag is written by one goroutine and read by compiled code running on
// another: invisible to Go's memory model, which is why this mode is used
// only with the compiler engine. With the interpreter (and for a module this
// decoder does not understand) the host falls back to
// WithCloseOnContextDone(true).

// budgetUnits is how many checks pass between visits to Go: small enough
// that an interrupt or a garbage collection waits well under a millisecond
// for a busy guest, large enough that the visits cost nothing measurable.
const budgetUnits = 1 << 14

// interruptExport is the name under which the flag is exported.
const interruptExport = "plugin-host:interrupt"

// errUninstrumentable says the module uses something the instrumenter does
// not decode; the host then falls back to wazero's context watching.
var errUninstrumentable = errors.New("cannot instrument the module")

// Section ids, and the order in which non-custom sections must appear.
const (
	secCustom    = 0
	secImport    = 2
	secGlobal    = 6
	secExport    = 7
	secCode      = 10
	secTag       = 13
	secDataCount = 12
)

// sectionRank orders sections as the binary format requires (the tag
// section sits between memory and global; data count before code).
func sectionRank(id byte) int {
	switch id {
	case 1, 2, 3, 4, 5: // type, import, function, table, memory
		return int(id)
	case secTag:
		return 6
	case secGlobal, secExport, 8, 9: // global, export, start, element
		return int(id) + 1
	case secDataCount:
		return 11
	case secCode, 11: // code, data
		return int(id) + 2
	}
	return -1
}

type section struct {
	id   byte
	body []byte
}

// instrumentMemoSize bounds how many modules' instrumented copies the
// process keeps: a host loads one or a few modules, and each copy is about
// the module's size.
const instrumentMemoSize = 4

// instrumentedModules memoises instrument for the process, so that a second New of
// a module (whose compiled code the cache already holds) does not decode
// and rewrite it again.
var instrumentedModules instrumentMemo

// instrumentMemo maps the SHA-256 of a module to its instrumented copy or
// the reason it has none. Concurrent lookups of one module share a single
// instrument run. The oldest entry goes when the memo is full.
type instrumentMemo struct {
	mu      sync.Mutex
	entries map[[sha256.Size]byte]*instrumentEntry
	order   [][sha256.Size]byte // keys, oldest first
}

type instrumentEntry struct {
	once sync.Once
	wasm []byte // shared by every caller; never written after once
	err  error
}

// get returns instrument(wasm), computing it at most once per module while
// the module stays in the memo. The result must not be modified.
func (m *instrumentMemo) get(wasm []byte) ([]byte, error) {
	key := sha256.Sum256(wasm)
	m.mu.Lock()
	e, ok := m.entries[key]
	if !ok {
		if m.entries == nil {
			m.entries = make(map[[sha256.Size]byte]*instrumentEntry, instrumentMemoSize)
		}
		if len(m.order) == instrumentMemoSize {
			delete(m.entries, m.order[0])
			m.order = append(m.order[:0], m.order[1:]...)
		}
		e = &instrumentEntry{}
		m.entries[key] = e
		m.order = append(m.order, key)
	}
	m.mu.Unlock()
	e.once.Do(func() { e.wasm, e.err = instrument(wasm) })
	return e.wasm, e.err
}

// instrument returns a copy of wasm with the interrupt flag and its checks.
func instrument(wasm []byte) ([]byte, error) {
	if len(wasm) < 8 || string(wasm[:4]) != "\x00asm" || string(wasm[4:8]) != "\x01\x00\x00\x00" {
		return nil, fmt.Errorf("%w: not a WebAssembly 1.0 binary module", errUninstrumentable)
	}
	r := &reader{b: wasm, pos: 8}
	var sections []section
	for r.pos < len(r.b) {
		id := r.byte()
		n := r.u32()
		body := r.bytes(int(n))
		if r.err != nil {
			return nil, r.fail("section header")
		}
		if id == secCustom && isDebugSection(body) {
			// DWARF describes code offsets the checks would move.
			continue
		}
		sections = append(sections, section{id, body})
	}

	var importedGlobals, definedGlobals uint64
	for _, s := range sections {
		switch s.id {
		case secImport:
			n, err := countImportedGlobals(s.body)
			if err != nil {
				return nil, err
			}
			importedGlobals = n
		case secGlobal:
			sr := &reader{b: s.body}
			definedGlobals = uint64(sr.u32())
			if sr.err != nil {
				return nil, sr.fail("global section")
			}
		case secExport:
			if err := checkExportFree(s.body); err != nil {
				return nil, err
			}
		}
	}
	flag := uint32(importedGlobals + definedGlobals)
	budget := flag + 1
	check := checkCode(flag, budget)

	// (global (mut i32) (i32.const 0)) (global (mut i32) (i32.const budgetUnits))
	newGlobals := []byte{0x7f, 0x01, 0x41, 0x00, 0x0b, 0x7f, 0x01, 0x41}
	newGlobals = appendSLEB(newGlobals, budgetUnits)
	newGlobals = append(newGlobals, 0x0b)
	newExport := appendName(nil, interruptExport)
	newExport = append(newExport, 0x03) // global
	newExport = appendU32(newExport, flag)

	out := append([]byte(nil), wasm[:8]...)
	var haveGlobal, haveExport bool
	emit := func(id byte, body []byte) {
		out = append(out, id)
		out = appendU32(out, uint32(len(body)))
		out = append(out, body...)
	}
	// insertMissing adds the global and export sections, if the module has
	// none, before the first section that must follow them.
	insertMissing := func(nextRank int) {
		if !haveGlobal && nextRank > sectionRank(secGlobal) {
			emit(secGlobal, append([]byte{0x02}, newGlobals...))
			haveGlobal = true
		}
		if !haveExport && nextRank > sectionRank(secExport) {
			emit(secExport, append([]byte{0x01}, newExport...))
			haveExport = true
		}
	}
	for _, s := range sections {
		if s.id != secCustom {
			insertMissing(sectionRank(s.id))
		}
		switch s.id {
		case secGlobal:
			body, err := appendToVector(s.body, 2, newGlobals)
			if err != nil {
				return nil, err
			}
			emit(s.id, body)
			haveGlobal = true
		case secExport:
			body, err := appendToVector(s.body, 1, newExport)
			if err != nil {
				return nil, err
			}
			emit(s.id, body)
			haveExport = true
		case secCode:
			body, err := instrumentCode(s.body, check)
			if err != nil {
				return nil, err
			}
			emit(s.id, body)
		default:
			if sectionRank(s.id) < 0 && s.id != secCustom {
				return nil, fmt.Errorf("%w: unknown section %d", errUninstrumentable, s.id)
			}
			emit(s.id, s.body)
		}
	}
	insertMissing(1 << 30)
	return out, nil
}

func isDebugSection(body []byte) bool {
	r := &reader{b: body}
	name := r.name()
	return r.err == nil && strings.HasPrefix(name, ".debug")
}

// countImportedGlobals walks the import section: imported globals come
// first in the global index space.
func countImportedGlobals(body []byte) (uint64, error) {
	r := &reader{b: body}
	var globals uint64
	for n := r.u32(); n > 0 && r.err == nil; n-- {
		r.name()
		r.name()
		switch kind := r.byte(); kind {
		case 0x00: // function: type index
			r.u32()
		case 0x01: // table: reftype, limits
			r.refType()
			r.limits()
		case 0x02: // memory: limits
			r.limits()
		case 0x03: // global: valtype, mutability
			r.valType()
			r.byte()
			globals++
		case 0x04: // tag: attribute, type index
			r.byte()
			r.u32()
		default:
			return 0, fmt.Errorf("%w: import kind %d", errUninstrumentable, kind)
		}
	}
	if r.err != nil || r.pos != len(r.b) {
		return 0, r.fail("import section")
	}
	return globals, nil
}

// checkExportFree refuses a module that already exports our name.
func checkExportFree(body []byte) error {
	r := &reader{b: body}
	for n := r.u32(); n > 0 && r.err == nil; n-- {
		if r.name() == interruptExport {
			return fmt.Errorf("%w: it already exports %q", errUninstrumentable, interruptExport)
		}
		r.byte()
		r.u32()
	}
	if r.err != nil {
		return r.fail("export section")
	}
	return nil
}

// appendToVector adds n elements, encoded in elems, to a section that is a
// vector.
func appendToVector(body []byte, n uint32, elems []byte) ([]byte, error) {
	r := &reader{b: body}
	count := r.u32()
	if r.err != nil {
		return nil, r.fail("vector count")
	}
	out := appendU32(nil, count+n)
	out = append(out, body[r.pos:]...)
	return append(out, elems...), nil
}

// checkCode is the code inserted at every check point:
//
//	global.get $budget
//	i32.eqz
//	if
//	  i32.const budgetUnits
//	  global.set $budget
//	  i32.const 0
//	  memory.grow 0   ;; a visit to Go
//	  drop
//	  global.get $flag
//	  if
//	    unreachable
//	  end
//	else
//	  global.get $budget
//	  i32.const 1
//	  i32.sub
//	  global.set $budget
//	end
func checkCode(flag, budget uint32) []byte {
	c := appendU32([]byte{0x23}, budget)
	c = append(c, 0x45, 0x04, 0x40, 0x41)
	c = appendSLEB(c, budgetUnits)
	c = appendU32(append(c, 0x24), budget)
	c = append(c, 0x41, 0x00, 0x40, 0x00, 0x1a)
	c = appendU32(append(c, 0x23), flag)
	c = append(c, 0x04, 0x40, 0x00, 0x0b, 0x05)
	c = appendU32(append(c, 0x23), budget)
	c = append(c, 0x41, 0x01, 0x6b)
	c = appendU32(append(c, 0x24), budget)
	return append(c, 0x0b)
}

// instrumentCode inserts check right after every `loop` block type and at
// the start of every function that calls another.
func instrumentCode(body, check []byte) ([]byte, error) {
	r := &reader{b: body}
	n := r.u32()
	out := appendU32(make([]byte, 0, len(body)+len(body)/8), n)
	var fn []byte
	var loops []int
	for i := uint32(0); i < n && r.err == nil; i++ {
		size := r.u32()
		code := r.bytes(int(size))
		if r.err != nil {
			break
		}
		var err error
		fn, loops, err = instrumentFunction(fn[:0], loops[:0], code, check)
		if err != nil {
			return nil, fmt.Errorf("function body %d: %w", i, err)
		}
		out = appendU32(out, uint32(len(fn)))
		out = append(out, fn...)
	}
	if r.err != nil || r.pos != len(r.b) {
		return nil, r.fail("code section")
	}
	return out, nil
}

// instrumentFunction appends the instrumented body to out. loops is
// scratch space, returned for reuse.
func instrumentFunction(out []byte, loops []int, code, check []byte) ([]byte, []int, error) {
	r := &reader{b: code}
	for n := r.u32(); n > 0 && r.err == nil; n-- {
		r.u32()
		r.valType()
	}
	if r.err != nil {
		return nil, loops, r.fail("locals")
	}
	start := r.pos
	calls := false
	for r.pos < len(r.b) && r.err == nil {
		op := r.byte()
		if err := r.skipImmediates(op); err != nil {
			return nil, loops, err
		}
		switch op {
		case 0x03: // loop: the back edges of every loop land after its block type
			loops = append(loops, r.pos)
		case 0x10, 0x11, 0x12, 0x13, 0x14, 0x15: // call, call_indirect, return_call*, call_ref, return_call_ref
			calls = true
		}
	}
	if r.err != nil {
		return nil, loops, r.fail("instructions")
	}
	out = append(out, code[:start]...)
	if calls {
		// A function that calls others is checked on entry, so that
		// recursion (which needs no loop) is interrupted too. A function
		// that calls none runs its loops (checked) and otherwise a bounded
		// number of instructions, so it needs no entry check: hot leaf
		// functions stay as they were.
		out = append(out, check...)
	}
	last := start
	for _, pos := range loops {
		out = append(out, code[last:pos]...)
		out = append(out, check...)
		last = pos
	}
	return append(out, code[last:]...), loops, nil
}

// reader decodes the binary format; the first error sticks.
type reader struct {
	b   []byte
	pos int
	err error
}

func (r *reader) fail(what string) error {
	if r.err == nil {
		r.err = errors.New("trailing bytes")
	}
	return fmt.Errorf("%w: %s at byte %d: %w", errUninstrumentable, what, r.pos, r.err)
}

func (r *reader) byte() byte {
	if r.err != nil {
		return 0
	}
	if r.pos >= len(r.b) {
		r.err = errors.New("unexpected end")
		return 0
	}
	c := r.b[r.pos]
	r.pos++
	return c
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b)-r.pos {
		r.err = errors.New("unexpected end")
		return nil
	}
	b := r.b[r.pos : r.pos+n]
	r.pos += n
	return b
}

// leb reads an unsigned or signed LEB128 of at most maxBytes bytes.
func (r *reader) leb(maxBytes int) uint64 {
	var v uint64
	for i := 0; i < maxBytes; i++ {
		c := r.byte()
		if r.err != nil {
			return 0
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			return v
		}
	}
	r.err = errors.New("LEB128 too long")
	return 0
}

func (r *reader) u32() uint32 { return uint32(r.leb(5)) }
func (r *reader) u64() uint64 { return r.leb(10) }
func (r *reader) s33()        { r.leb(5) }

func (r *reader) name() string {
	n := r.u32()
	return string(r.bytes(int(n)))
}

// valType reads a value type, including the two-part (ref null? ht) forms.
func (r *reader) valType() {
	if c := r.byte(); c == 0x63 || c == 0x64 {
		r.s33()
	}
}

func (r *reader) refType() { r.valType() }

func (r *reader) limits() {
	flags := r.byte()
	if flags > 0x07 {
		r.err = fmt.Errorf("limits flags %#x", flags)
		return
	}
	r.u64()
	if flags&0x01 != 0 {
		r.u64()
	}
}

// blockType: 0x40, a value type, or a type index (s33).
func (r *reader) blockType() {
	if r.pos < len(r.b) && (r.b[r.pos] == 0x63 || r.b[r.pos] == 0x64) {
		r.valType()
		return
	}
	r.s33()
}

func (r *reader) memArg() {
	align := r.u32()
	if align&0x40 != 0 { // multi-memory: a memory index follows
		r.u32()
	}
	r.u64()
}

// skipImmediates consumes the immediates of op. Opcodes it does not know
// make the module uninstrumentable rather than mis-instrumented.
func (r *reader) skipImmediates(op byte) error {
	switch {
	case op == 0x02 || op == 0x03 || op == 0x04 || op == 0x06: // block loop if try
		r.blockType()
	case op == 0x07 || op == 0x08 || op == 0x09 || op == 0x18: // catch throw rethrow delegate
		r.u32()
	case op == 0x0c || op == 0x0d || op == 0xd4 || op == 0xd6: // br br_if br_on_null br_on_non_null
		r.u32()
	case op == 0x0e: // br_table
		for n := r.u32(); n > 0 && r.err == nil; n-- {
			r.u32()
		}
		r.u32()
	case op == 0x10 || op == 0x12 || op == 0x14 || op == 0x15 || op == 0xd2: // call return_call call_ref return_call_ref ref.func
		r.u32()
	case op == 0x11 || op == 0x13: // call_indirect return_call_indirect
		r.u32()
		r.u32()
	case op == 0x1c: // select t*
		for n := r.u32(); n > 0 && r.err == nil; n-- {
			r.valType()
		}
	case op == 0x1f: // try_table
		r.blockType()
		for n := r.u32(); n > 0 && r.err == nil; n-- {
			switch kind := r.byte(); kind {
			case 0x00, 0x01: // catch, catch_ref: tag, label
				r.u32()
				r.u32()
			case 0x02, 0x03: // catch_all, catch_all_ref: label
				r.u32()
			default:
				return fmt.Errorf("%w: try_table catch kind %d", errUninstrumentable, kind)
			}
		}
	case op >= 0x20 && op <= 0x26: // local.*, global.*, table.get/set
		r.u32()
	case op >= 0x28 && op <= 0x3e: // loads and stores
		r.memArg()
	case op == 0x3f || op == 0x40: // memory.size memory.grow
		r.u32()
	case op == 0x41: // i32.const
		r.leb(5)
	case op == 0x42: // i64.const
		r.leb(10)
	case op == 0x43:
		r.bytes(4)
	case op == 0x44:
		r.bytes(8)
	case op == 0xd0: // ref.null heaptype
		r.s33()
	case op <= 0x01 || op == 0x05 || op == 0x0a || op == 0x0b || op == 0x0f || op == 0x19 || op == 0x1a || op == 0x1b,
		op >= 0x45 && op <= 0xc4, op == 0xd1 || op == 0xd3 || op == 0xd5:
		// No immediates.
	case op == 0xfc:
		return r.skipMisc()
	case op == 0xfd:
		return r.skipSIMD()
	case op == 0xfe:
		return r.skipAtomic()
	default:
		return fmt.Errorf("%w: opcode %#x at byte %d", errUninstrumentable, op, r.pos-1)
	}
	return nil
}

// skipMisc: the 0xfc prefix (saturating truncation, bulk memory, tables).
func (r *reader) skipMisc() error {
	switch sub := r.u32(); {
	case sub <= 7:
	case sub == 8: // memory.init data mem
		r.u32()
		r.u32()
	case sub == 9 || sub == 11 || sub == 13 || sub == 15 || sub == 16 || sub == 17: // data.drop memory.fill elem.drop table.grow/size/fill
		r.u32()
	case sub == 10 || sub == 12 || sub == 14: // memory.copy table.init table.copy
		r.u32()
		r.u32()
	default:
		return fmt.Errorf("%w: opcode 0xfc %d", errUninstrumentable, sub)
	}
	return nil
}

// skipSIMD: the 0xfd prefix (fixed-width and relaxed SIMD).
func (r *reader) skipSIMD() error {
	switch sub := r.u32(); {
	case sub <= 11 || sub == 92 || sub == 93: // loads, stores, load_zero
		r.memArg()
	case sub == 12 || sub == 13: // v128.const, i8x16.shuffle
		r.bytes(16)
	case sub >= 21 && sub <= 34: // extract_lane, replace_lane
		r.byte()
	case sub >= 84 && sub <= 91: // load_lane, store_lane
		r.memArg()
		r.byte()
	case sub <= 0x113:
		// Every other SIMD instruction has no immediates.
	default:
		return fmt.Errorf("%w: opcode 0xfd %d", errUninstrumentable, sub)
	}
	return nil
}

// skipAtomic: the 0xfe prefix (threads).
func (r *reader) skipAtomic() error {
	switch sub := r.u32(); {
	case sub == 0x03: // atomic.fence
		r.byte()
	case sub <= 0x02 || (sub >= 0x10 && sub <= 0x4e):
		r.memArg()
	default:
		return fmt.Errorf("%w: opcode 0xfe %d", errUninstrumentable, sub)
	}
	return nil
}

// appendU32 appends v as an unsigned LEB128.
func appendU32(b []byte, v uint32) []byte { return appendULEB(b, uint64(v)) }

func appendULEB(b []byte, v uint64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func appendName(b []byte, s string) []byte {
	b = appendU32(b, uint32(len(s)))
	return append(b, s...)
}

// appendSLEB appends v as a signed LEB128.
func appendSLEB(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}
