//! The scan benchmark's native side (`just bench` runs it; see
//! BENCHMARKS.md). Two steps:
//!
//! * `prepare`: generate the corpus with planted secrets, walk both corpora
//!   (the Go standard library sources and the generated tree) the way the
//!   CLIs walk, and write the manifest every later step reads, so that all
//!   engines scan exactly the same files;
//! * `run`: scan both corpora with the native core, with the default rules
//!   and with gitleaks' default rule file loaded through the compatibility
//!   layer, through the engine API and through `leakguard::call("scan")`
//!   with the same requests the hosts send; write the result rows.
//!
//! ```text
//! cargo bench -p leakguard --bench scan -- prepare --mode full|smoke --out DIR
//!     --go-src DIR --gitleaks-config FILE --gitleaks-version V
//! cargo bench -p leakguard --bench scan -- run --manifest FILE --results FILE
//! ```
//!
//! Nothing here judges speed: the figures are compared in one run with the
//! other engines' by `tests/bench`.

#[path = "scan/common.rs"]
mod common;
#[path = "scan/corpus.rs"]
mod corpus;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use common::{
    Corpus, Doc, Gitleaks, Manifest, Planted, Row, Sample, Skip, Tally, arg, scan_requests, timed,
    write_rows,
};
use leakguard::engine::{DEFAULT_RULES_TOML, Problem, RuleSet, ScanOptions};

/// The generated corpus's seed: fixed, so every run scans the same bytes.
const SEED: u64 = 0x6c65_616b_6775_6172;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    match args.first().map(String::as_str) {
        Some("prepare") => prepare(&args),
        Some("run") => run(&args),
        // `cargo bench` with no arguments (or `-- --test` from a plain
        // `cargo bench --workspace`): nothing to measure without a manifest.
        _ => eprintln!(
            "scan benchmark: use `just bench` (or `prepare` / `run`, see benches/scan.rs)"
        ),
    }
}

fn need(args: &[String], name: &str) -> String {
    arg(args, name).unwrap_or_else(|| panic!("missing {name}"))
}

fn prepare(args: &[String]) {
    let mode = need(args, "--mode");
    let (files, secrets, runs, fresh) = match mode.as_str() {
        "full" => (1000, 400, 3, 20),
        "smoke" => (60, 45, 1, 2),
        other => panic!("--mode is full or smoke, not {other}"),
    };
    let out = PathBuf::from(need(args, "--out"));
    let go_src = PathBuf::from(need(args, "--go-src"));
    let gitleaks = Gitleaks {
        version: need(args, "--gitleaks-version"),
        config: PathBuf::from(need(args, "--gitleaks-config")),
    };

    let planted_dir = out.join("planted");
    if planted_dir.exists() {
        fs::remove_dir_all(&planted_dir)
            .unwrap_or_else(|e| panic!("cannot clear {}: {e}", planted_dir.display()));
    }
    let planted = corpus::generate(&planted_dir, files, secrets, SEED)
        .unwrap_or_else(|e| panic!("cannot write the corpus in {}: {e}", planted_dir.display()));

    let corpora = vec![walked("go-src", &go_src), walked("planted", &planted_dir)];
    for c in &corpora {
        eprintln!(
            "corpus {}: {} files, {:.1} MB ({} skipped) in {}",
            c.name,
            c.files.len(),
            c.bytes as f64 / 1e6,
            c.skipped,
            c.root.display()
        );
    }
    eprintln!("planted: {} secrets", planted.len());
    let samples = samples(&corpora[1], &planted);
    let manifest = Manifest {
        mode,
        runs,
        fresh,
        seed: SEED,
        gitleaks,
        corpora,
        planted,
        samples,
    };
    let path = out.join("manifest.json");
    fs::write(
        &path,
        serde_json::to_string_pretty(&manifest).expect("the manifest encodes"),
    )
    .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

/// The files of the tree at `root` that the CLIs scan.
fn walked(name: &str, root: &Path) -> Corpus {
    let root = fs::canonicalize(root).unwrap_or_else(|e| panic!("{}: {e}", root.display()));
    let walk = leakguard::walk::walk(&root, &leakguard::walk::Options::default())
        .unwrap_or_else(|e| panic!("cannot walk {}: {e}", root.display()));
    Corpus {
        name: name.to_string(),
        bytes: walk.files.iter().map(|f| f.size).sum(),
        files: walk.files.into_iter().map(|f| f.path).collect(),
        skipped: walk.skipped.len(),
        root,
    }
}

fn run(args: &[String]) {
    let manifest = Manifest::load(Path::new(&need(args, "--manifest")));
    let results = PathBuf::from(need(args, "--results"));
    let gitleaks_text = manifest.gitleaks_rules();
    let mut rows = Vec::new();
    let mut met = BTreeSet::new();

    let gitleaks_set = RuleSet::from_toml(&gitleaks_text).expect("gitleaks' rule file is TOML");
    let rule_sets: [(&str, &RuleSet, Option<&str>); 2] = [
        ("default", RuleSet::default_rules(), None),
        ("gitleaks", &gitleaks_set, Some(&gitleaks_text)),
    ];
    for corpus in &manifest.corpora {
        let docs = corpus.read();
        for &(rules_name, set, config) in &rule_sets {
            // Only the gitleaks file's problems are reported.
            let mut ignored = BTreeSet::new();
            let m = if config.is_some() {
                &mut met
            } else {
                &mut ignored
            };
            let (seconds, tally) = timed(manifest.runs, || scan_engine(set, &docs, m));
            rows.push(Row::throughput(
                "native", rules_name, corpus, seconds, tally,
            ));
            eprintln!("{}", rows.last().expect("a row").summary());

            let requests = scan_requests(&docs, config);
            let (seconds, tally) = timed(manifest.runs, || {
                let mut tally = Tally::default();
                for request in &requests {
                    let reply = leakguard::call("scan", request)
                        .unwrap_or_else(|e| panic!("scan failed: {e}"));
                    tally.add_reply(&reply);
                }
                tally
            });
            rows.push(Row::throughput(
                "native-call",
                rules_name,
                corpus,
                seconds,
                tally,
            ));
            eprintln!("{}", rows.last().expect("a row").summary());
        }
    }
    rows.extend(start_rows(&manifest));
    rows.insert(0, gitleaks_rules_row(&gitleaks_text, &gitleaks_set, &met));
    write_rows(&results, &rows);
}

/// What fresh instances scan first: the empty text (loading the rules and
/// nothing else), a typical file (the fewest secrets, usually one; the
/// median size of such files) and the file with the most secrets (the most regexes to compile).
fn samples(generated: &Corpus, planted: &[Planted]) -> Vec<Sample> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for p in planted {
        *counts.entry(&p.path).or_default() += 1;
    }
    let size = |path: &str| {
        fs::metadata(generated.root.join(path))
            .unwrap_or_else(|e| panic!("{path}: {e}"))
            .len()
    };
    // Key files are all secret; the typical file is source or config.
    let fewest = counts
        .iter()
        .filter(|(path, _)| !path.contains("/secrets/"))
        .map(|(_, n)| *n)
        .min()
        .expect("secrets were planted in source files");
    let mut typical: Vec<(u64, &str)> = counts
        .iter()
        .filter(|(path, n)| **n == fewest && !path.contains("/secrets/"))
        .map(|(path, _)| (size(path), *path))
        .collect();
    typical.sort_unstable();
    let (typical_size, typical) = typical[typical.len() / 2];
    let (busiest, most) = counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .expect("secrets were planted");
    vec![
        Sample {
            name: "empty text".to_string(),
            path: None,
        },
        Sample {
            name: format!(
                "typical file ({:.1} KB, {fewest} secret(s))",
                typical_size as f64 / 1e3
            ),
            path: Some(typical.to_string()),
        },
        Sample {
            name: format!(
                "busiest file ({:.1} KB, {most} secrets)",
                size(busiest) as f64 / 1e3
            ),
            path: Some(busiest.to_string()),
        },
    ]
}

/// The native counterpart of a fresh instance's first scan: the default
/// rule set loaded anew, then the sample scanned (regexes compile on first
/// use, as in a fresh instance). `from_toml` also parses every regex, which
/// the module's built-in set does not: an upper bound.
fn start_rows(manifest: &Manifest) -> Vec<Row> {
    let mut rows = Vec::new();
    for sample in &manifest.samples {
        let doc = manifest.sample_doc(sample);
        let opts = ScanOptions {
            path: Some(doc.path.clone()).filter(|p| !p.is_empty()),
            ..ScanOptions::default()
        };
        let mut findings = 0;
        let (seconds, _) = timed(manifest.fresh, || {
            let set = RuleSet::from_toml(DEFAULT_RULES_TOML).expect("the default rules load");
            findings = set.scan(&doc.text, &opts).len();
        });
        let row = Row {
            kind: "start",
            engine: "native".to_string(),
            what: "RuleSet::from_toml + first scan".to_string(),
            sample: sample.name.clone(),
            seconds,
            findings,
            ..Row::default()
        };
        eprintln!("{}", row.summary());
        rows.push(row);
    }
    rows
}

/// One pass of the engine API over `docs`, one call per file; adds the
/// problems met (regexes that did not compile on first use) to `met`.
fn scan_engine(set: &RuleSet, docs: &[Doc], met: &mut BTreeSet<Problem>) -> Tally {
    let mut tally = Tally::default();
    for d in docs {
        let opts = ScanOptions {
            path: Some(d.path.clone()),
            ..ScanOptions::default()
        };
        let (findings, problems) = set.scan_with_problems(&d.text, &opts);
        met.extend(problems.into_iter().filter(|p| !set.problems().contains(p)));
        for f in findings {
            tally.findings += 1;
            tally.locations.push((d.path.clone(), f.line, f.end_line));
        }
    }
    tally
}

/// How gitleaks' rule file loads: rules defined, usable, and every problem
/// (those found at load time, and regexes that failed to compile when a
/// scan first needed them).
fn gitleaks_rules_row(text: &str, set: &RuleSet, met: &BTreeSet<Problem>) -> Row {
    let table: toml::Table = toml::from_str(text).expect("gitleaks' rule file is TOML");
    let defined = table
        .get("rules")
        .and_then(toml::Value::as_array)
        .map_or(0, Vec::len);
    let failed_late: BTreeSet<&str> = met.iter().filter_map(|p| p.rule.as_deref()).collect();
    let skipped = set
        .problems()
        .iter()
        .chain(met.iter().filter(|p| !set.problems().contains(p)))
        .map(|p| Skip {
            rule: p.rule.clone(),
            reason: p.message.clone(),
        })
        .collect();
    Row {
        kind: "rules",
        engine: "leakguard".to_string(),
        rules: "gitleaks".to_string(),
        defined,
        loaded: set.len() - failed_late.len(),
        skipped,
        ..Row::default()
    }
}
