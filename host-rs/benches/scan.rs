//! The scan benchmark's wasmtime side (`just bench` runs it; see
//! BENCHMARKS.md): the module under wasmtime, through this crate's
//! [`Plugin`], on the corpus that `cargo bench -p leakguard --bench scan --
//! prepare` wrote.
//!
//! * throughput: both corpora, default rules and gitleaks' rule file, one
//!   instance, the same `scan` requests (batches cut as the CLI cuts them)
//!   that the native side sends to `leakguard::call`;
//! * compile: `Plugin::new` without a compilation cache (wrap as a
//!   component, compile, first instance, `describe`);
//! * start: `Plugin::new` with a warm compilation cache (load the compiled
//!   code, first instance, `describe`), then the first `scan` on that fresh
//!   instance.
//!
//! ```text
//! cargo bench -p leakguard-host --profile host --bench scan -- run \
//!     --manifest FILE --results FILE --module dist/leakguard.wasm
//! ```

#[path = "../../benches/scan/common.rs"]
mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use common::{Manifest, Row, Tally, arg, scan_requests, timed, write_rows};
use leakguard_host::{Config, Plugin};

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if args.first().map(String::as_str) != Some("run") {
        // `cargo bench` with no arguments: nothing to measure without a
        // manifest.
        eprintln!("scan benchmark: use `just bench` (or `run`, see host-rs/benches/scan.rs)");
        return;
    }
    let need = |name: &str| arg(&args, name).unwrap_or_else(|| panic!("missing {name}"));
    let manifest = Manifest::load(Path::new(&need("--manifest")));
    let results = PathBuf::from(need("--results"));
    let module_path = PathBuf::from(need("--module"));
    let module = fs::read(&module_path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} (run `just build` first): {e}",
            module_path.display()
        )
    });

    let mut rows = Vec::new();
    start_rows(&manifest, &module, &results, &mut rows);

    let gitleaks_text = manifest.gitleaks_rules();
    // One instance: the figure is one core's, like the native one.
    let config = Config::new().pool_size(1).timeout(None);
    let plugin =
        Plugin::new(&module, &config).unwrap_or_else(|e| panic!("cannot load the module: {e}"));
    for corpus in &manifest.corpora {
        let docs = corpus.read();
        for (rules, config) in [
            ("default", None),
            ("gitleaks", Some(gitleaks_text.as_str())),
        ] {
            let requests = scan_requests(&docs, config);
            let (seconds, tally) = timed(manifest.runs, || {
                let mut tally = Tally::default();
                for request in &requests {
                    let reply = plugin
                        .call("scan", request)
                        .unwrap_or_else(|e| panic!("scan failed: {e}"));
                    tally.add_reply(&reply);
                }
                tally
            });
            let row = Row::throughput("wasmtime", rules, corpus, seconds, tally);
            eprintln!("{}", row.summary());
            rows.push(row);
        }
    }
    write_rows(&results, &rows);
}

/// Compile time, and a fresh instance's start and first scan.
fn start_rows(manifest: &Manifest, module: &[u8], results: &Path, rows: &mut Vec<Row>) {
    let (seconds, _) = timed(manifest.runs, || {
        Plugin::new(module, &Config::new().pool_size(1))
            .unwrap_or_else(|e| panic!("cannot load the module: {e}"))
    });
    rows.push(Row {
        kind: "compile",
        engine: "wasmtime".to_string(),
        what: "Plugin::new, no cache (compile, instantiate, describe)".to_string(),
        seconds,
        ..Row::default()
    });
    eprintln!("{}", rows.last().expect("a row").summary());

    let cache = results.with_file_name("wasmtime-cache");
    if cache.exists() {
        fs::remove_dir_all(&cache)
            .unwrap_or_else(|e| panic!("cannot clear {}: {e}", cache.display()));
    }
    let cached = Config::new().pool_size(1).cache_dir(&cache);
    // Fill the cache.
    drop(Plugin::new(module, &cached).unwrap_or_else(|e| panic!("cannot load the module: {e}")));

    let mut load = Vec::new();
    for sample in &manifest.samples {
        let doc = manifest.sample_doc(sample);
        let request = serde_json::json!({ "text": doc.text, "path": Some(doc.path).filter(|p| !p.is_empty()) });
        let request = request.to_string();
        let (mut first, mut total) = (Vec::new(), Vec::new());
        let mut findings = 0;
        for _ in 0..manifest.fresh {
            let t0 = Instant::now();
            let plugin = Plugin::new(module, &cached)
                .unwrap_or_else(|e| panic!("cannot load the module: {e}"));
            let t1 = Instant::now();
            let reply = plugin
                .call("scan", &request)
                .unwrap_or_else(|e| panic!("scan failed: {e}"));
            let t2 = Instant::now();
            let mut tally = Tally::default();
            tally.add_reply(&reply);
            findings = tally.findings;
            load.push((t1 - t0).as_secs_f64());
            first.push((t2 - t1).as_secs_f64());
            total.push((t2 - t0).as_secs_f64());
        }
        for (what, seconds) in [
            ("first scan on the fresh instance", first),
            ("load + first scan", total),
        ] {
            push(rows, start_row(what, &sample.name, seconds, findings));
        }
    }
    push(
        rows,
        start_row(
            "load: Plugin::new with a warm cache (instantiate, describe)",
            "",
            load,
            0,
        ),
    );
}

fn start_row(what: &str, sample: &str, seconds: Vec<f64>, findings: usize) -> Row {
    Row {
        kind: "start",
        engine: "wasmtime".to_string(),
        what: what.to_string(),
        sample: sample.to_string(),
        seconds,
        findings,
        ..Row::default()
    }
}

fn push(rows: &mut Vec<Row>, row: Row) {
    eprintln!("{}", row.summary());
    rows.push(row);
}
