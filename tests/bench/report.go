package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// Targets of the scanning and CLI issues; checked here, never in a test.
const (
	targetGoVsGitleaks  = 10.0 // at least this many times gitleaks' detector's throughput
	targetWasmVsNative  = 1.5  // at most this many times the native time
	targetStartMillis   = 5.0  // a fresh instance's first answer
	targetModuleBytes   = 3e6  // dist/leakguard.wasm under this size
	targetCLIVsGitleaks = 5.0  // at least this many times faster than `gitleaks dir`
)

// engineNames are the table's names for the engines, in table order.
var engineNames = []struct{ key, name string }{
	{"native", "native core, engine API (one call per file)"},
	{"native-call", "native core, `scan` action (batches)"},
	{"wasmtime", "module under wasmtime, Rust host (batches)"},
	{"wazero", "module under wazero, Go host (batches)"},
	{"gitleaks", "gitleaks detector, Go regexp (one call per file)"},
}

// leakguardEngines must agree finding for finding.
var leakguardEngines = []string{"native", "native-call", "wasmtime", "wazero"}

func engineName(key string) string {
	for _, e := range engineNames {
		if e.key == key {
			return e.name
		}
	}
	return key
}

func engineOrder(key string) int {
	for i, e := range engineNames {
		if e.key == key {
			return i
		}
	}
	return len(engineNames)
}

// Report renders every row as markdown tables.
type Report struct {
	Manifest *Manifest
	Rows     []Row
	// Problems are disagreements between the leakguard engines: the
	// report says so and the run fails.
	Problems []string
}

func (r *Report) find(kind, engine, rules, corpus string) *Row {
	for i := range r.Rows {
		x := &r.Rows[i]
		if x.Kind == kind && x.Engine == engine && x.Rules == rules && x.Corpus == corpus {
			return x
		}
	}
	return nil
}

// recall counts the planted secrets that some location covers: the same
// file and a line range holding the planted line (for key files, any
// finding in the file, since the key is the whole file). It also returns
// the providers missed, with counts.
func recall(planted []Planted, locs []Location) (int, map[string]int) {
	byPath := map[string][]Location{}
	for _, l := range locs {
		byPath[l.Path] = append(byPath[l.Path], l)
	}
	found, missed := 0, map[string]int{}
	for _, p := range planted {
		hit := false
		for _, l := range byPath[p.Path] {
			if strings.HasPrefix(p.Provider, "private-key") || (l.Line <= p.Line && p.Line <= l.EndLine) {
				hit = true
				break
			}
		}
		if hit {
			found++
		} else {
			missed[p.Provider]++
		}
	}
	return found, missed
}

// check records disagreements between the leakguard engines.
func (r *Report) check() {
	for _, c := range r.Manifest.Corpora {
		for _, rules := range []string{"default", "gitleaks"} {
			var want *Row
			for _, e := range leakguardEngines {
				got := r.find("throughput", e, rules, c.Name)
				if got == nil {
					continue
				}
				if want == nil {
					want = got
					continue
				}
				if got.Findings != want.Findings {
					r.Problems = append(r.Problems, fmt.Sprintf("%s rules on %s: %s found %d, %s found %d",
						rules, c.Name, got.Engine, got.Findings, want.Engine, want.Findings))
				}
			}
		}
	}
}

func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

// Write renders the report.
func (r *Report) Write(w io.Writer) {
	r.check()
	m := r.Manifest
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }

	p("## Scan throughput\n\n")
	for _, c := range m.Corpora {
		p("- `%s`: %d files, %.1f MB (%s; %d files skipped by the walker)\n", c.Name, len(c.Files), float64(c.Bytes)/1e6, c.Root, c.Skipped)
	}
	p("- planted: %d synthetic secrets of %d kinds (seed %#x)\n", len(m.Planted), countProviders(m.Planted), m.Seed)
	p("- each engine on one core (one instance, one goroutine); MB/s = corpus bytes / median of %d run(s)\n\n", m.Runs)
	p("| corpus | rules | engine | MB/s | median s | findings | planted found |\n")
	p("| --- | --- | --- | ---: | ---: | ---: | ---: |\n")
	tp := r.byKind("throughput")
	slices.SortStableFunc(tp, func(a, b Row) int {
		return cmpAll(strings.Compare(corpusKey(m, a.Corpus), corpusKey(m, b.Corpus)),
			strings.Compare(a.Rules, b.Rules), engineOrder(a.Engine)-engineOrder(b.Engine))
	})
	for _, x := range tp {
		found := "–"
		if x.Corpus == "planted" {
			n, _ := recall(m.Planted, x.Locations)
			found = fmt.Sprintf("%d / %d", n, len(m.Planted))
		}
		p("| %s | %s | %s | %.1f | %.3f | %d | %s |\n", x.Corpus, x.Rules, engineName(x.Engine), x.MBps(), x.Median(), x.Findings, found)
	}
	r.writeMisses(w, tp)
	r.writeAgreement(w)

	p("\n## Targets\n\n| figure | measured | target | met |\n| --- | ---: | ---: | --- |\n")
	for _, c := range m.Corpora {
		g, l := r.find("throughput", "gitleaks", "gitleaks", c.Name), r.find("throughput", "wazero", "gitleaks", c.Name)
		if g != nil && l != nil {
			x := g.Median() / l.Median()
			p("| Go host vs gitleaks' detector, gitleaks' rules, `%s` | %.1fx faster | >= %.0fx | %s |\n", c.Name, x, targetGoVsGitleaks, yesNo(x >= targetGoVsGitleaks))
		}
	}
	for _, c := range m.Corpora {
		for _, rules := range []string{"default", "gitleaks"} {
			n, w := r.find("throughput", "native-call", rules, c.Name), r.find("throughput", "wasmtime", rules, c.Name)
			if n != nil && w != nil {
				x := w.Median() / n.Median()
				p("| wasm (wasmtime) vs native, same requests, %s rules, `%s` | %.2fx the time | <= %.1fx | %s |\n", rules, c.Name, x, targetWasmVsNative, yesNo(x <= targetWasmVsNative))
			}
		}
	}
	for _, e := range []string{"wazero", "wasmtime"} {
		for _, what := range []string{"first scan on the fresh instance", "load + first scan"} {
			if s := r.findStart(e, what, "typical"); s != nil {
				ms := s.Median() * 1e3
				p("| %s host: %s, %s | %.2f ms | <= %.0f ms | %s |\n", hostName(e), what, s.Sample, ms, targetStartMillis, yesNo(ms <= targetStartMillis))
			}
		}
	}
	for _, x := range r.byKind("size") {
		p("| `%s` size | %.2f MB (%d bytes) | < %.0f MB | %s |\n", x.What, float64(x.Bytes)/1e6, x.Bytes, targetModuleBytes/1e6, yesNo(float64(x.Bytes) < targetModuleBytes))
	}
	lg, gl := r.findCLI("leakguard CLI"), r.findCLI("gitleaks CLI")
	if lg != nil && gl != nil {
		x := gl.Median() / lg.Median()
		p("| CLI wall clock, `leakguard scan` vs `gitleaks dir`, `%s` | %.1fx faster | >= %.0fx | %s |\n", lg.Corpus, x, targetCLIVsGitleaks, yesNo(x >= targetCLIVsGitleaks))
	}

	p("\n## Instance start and compile (median of the runs)\n\n")
	p("Fresh instances: each made by a new plugin loading the compiled module from a warm compilation cache; the first scan uses the default rules.\n\n")
	p("| host | what | first text scanned | median ms | runs | findings |\n| --- | --- | --- | ---: | ---: | ---: |\n")
	for _, kind := range []string{"start", "compile"} {
		for _, x := range r.byKind(kind) {
			sample, findings := x.Sample, fmt.Sprint(x.Findings)
			if sample == "" {
				sample, findings = "–", "–"
			}
			p("| %s | %s | %s | %.2f | %d | %s |\n", hostName(x.Engine), x.What, sample, x.Median()*1e3, len(x.Seconds), findings)
		}
	}

	if lg != nil || gl != nil {
		p("\n## CLI wall clock\n\n| command | corpus | median s | runs (s) | exit codes | findings |\n| --- | --- | ---: | --- | --- | ---: |\n")
		for _, x := range r.byKind("cli") {
			p("| %s | `%s` (%.1f MB) | %.2f | %s | %s | %d |\n", x.Engine, x.Corpus, float64(x.Bytes)/1e6, x.Median(), fmtList(x.Seconds, "%.2f"), fmtInts(x.ExitCodes), x.Findings)
		}
	}

	for _, x := range r.byKind("rules") {
		p("\n## gitleaks' default rule file (%s) through leakguard\n\n", m.Gitleaks.Version)
		if len(x.Skipped) == 0 {
			p("%d rules defined, %d loaded, none skipped, no problems reported.\n", x.Defined, x.Loaded)
			continue
		}
		p("%d rules defined, %d loaded; problems (a rule named here was skipped):\n\n", x.Defined, x.Loaded)
		for _, s := range x.Skipped {
			rule := "(file)"
			if s.Rule != nil {
				rule = "`" + *s.Rule + "`"
			}
			p("- %s: %s\n", rule, s.Reason)
		}
	}

	if len(r.Problems) > 0 {
		p("\n## The leakguard engines disagree\n\n")
		for _, s := range r.Problems {
			p("- %s\n", s)
		}
	}
}

// writeMisses lists, per engine and rule set, the planted kinds not found.
func (r *Report) writeMisses(w io.Writer, tp []Row) {
	var lines []string
	for _, x := range tp {
		if x.Corpus != "planted" {
			continue
		}
		_, missed := recall(r.Manifest.Planted, x.Locations)
		if len(missed) == 0 {
			continue
		}
		var parts []string
		for k, n := range missed {
			parts = append(parts, fmt.Sprintf("%s (%d)", k, n))
		}
		slices.Sort(parts)
		lines = append(lines, fmt.Sprintf("- %s, %s rules: %s\n", engineName(x.Engine), x.Rules, strings.Join(parts, ", ")))
	}
	if len(lines) > 0 {
		fmt.Fprintf(w, "\nPlanted secrets not found:\n\n%s", strings.Join(slices.Compact(lines), ""))
	}
}

// agreement pairs two lists of findings: a pair is the same file with
// overlapping line ranges (gitleaks gives the lines of the whole match,
// leakguard those of the secret, so a match that starts with the line
// break before the secret starts a line earlier in gitleaks). It returns
// how many pair up, and those of each side that do not.
func agreement(a, b []Location) (both int, onlyA, onlyB []Location) {
	byPath := map[string][]int{}
	for i, l := range b {
		byPath[l.Path] = append(byPath[l.Path], i)
	}
	used := make([]bool, len(b))
	for _, l := range a {
		paired := false
		for _, i := range byPath[l.Path] {
			if !used[i] && b[i].Line <= l.EndLine && l.Line <= b[i].EndLine {
				used[i], paired = true, true
				break
			}
		}
		if paired {
			both++
		} else {
			onlyA = append(onlyA, l)
		}
	}
	for i, l := range b {
		if !used[i] {
			onlyB = append(onlyB, l)
		}
	}
	return both, onlyA, onlyB
}

// writeAgreement says, per corpus, whether leakguard running gitleaks'
// rules reports what gitleaks' detector reports.
func (r *Report) writeAgreement(w io.Writer) {
	first := true
	for _, c := range r.Manifest.Corpora {
		lg, gl := r.find("throughput", "wazero", "gitleaks", c.Name), r.find("throughput", "gitleaks", "gitleaks", c.Name)
		if lg == nil || gl == nil {
			continue
		}
		if first {
			fmt.Fprintf(w, "\nSame rules, same findings? leakguard (Go host) with gitleaks' rule file against gitleaks' detector, by file and overlapping lines:\n\n")
			first = false
		}
		both, onlyLG, onlyGL := agreement(lg.Locations, gl.Locations)
		fmt.Fprintf(w, "- `%s`: %d in both, %d only leakguard%s, %d only gitleaks%s\n", c.Name, both,
			len(onlyLG), examples(onlyLG), len(onlyGL), examples(onlyGL))
	}
}

// examples lists up to three locations, for a reader to look at.
func examples(ls []Location) string {
	if len(ls) == 0 {
		return ""
	}
	var parts []string
	for _, l := range ls[:min(3, len(ls))] {
		parts = append(parts, fmt.Sprintf("%s:%d", l.Path, l.Line))
	}
	more := ""
	if len(ls) > 3 {
		more = ", …"
	}
	return " (" + strings.Join(parts, ", ") + more + ")"
}

func (r *Report) byKind(kind string) []Row {
	var out []Row
	for _, x := range r.Rows {
		if x.Kind == kind {
			out = append(out, x)
		}
	}
	return out
}

func (r *Report) findStart(engine, what, samplePrefix string) *Row {
	for i := range r.Rows {
		x := &r.Rows[i]
		if x.Kind == "start" && x.Engine == engine && x.What == what && strings.HasPrefix(x.Sample, samplePrefix) {
			return x
		}
	}
	return nil
}

func (r *Report) findCLI(engine string) *Row {
	for i := range r.Rows {
		if r.Rows[i].Kind == "cli" && r.Rows[i].Engine == engine {
			return &r.Rows[i]
		}
	}
	return nil
}

func hostName(engine string) string {
	switch engine {
	case "wazero":
		return "Go (wazero)"
	case "wasmtime":
		return "Rust (wasmtime)"
	case "native":
		return "native (no wasm)"
	}
	return engine
}

// corpusKey orders corpora as the manifest lists them.
func corpusKey(m *Manifest, name string) string {
	for i, c := range m.Corpora {
		if c.Name == name {
			return fmt.Sprintf("%03d", i)
		}
	}
	return name
}

func cmpAll(cs ...int) int {
	for _, c := range cs {
		if c != 0 {
			return c
		}
	}
	return 0
}

func countProviders(ps []Planted) int {
	seen := map[string]bool{}
	for _, p := range ps {
		seen[p.Provider] = true
	}
	return len(seen)
}

func fmtList(xs []float64, format string) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprintf(format, x)
	}
	return strings.Join(parts, ", ")
}

func fmtInts(xs []int) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprint(x)
	}
	return strings.Join(parts, ", ")
}
