//! What the scan benchmarks share (this file is also compiled into the Rust
//! host's `benches/scan.rs`): the corpus manifest written by `prepare`,
//! reading the corpus, cutting it into `scan` requests the way the CLI
//! does, timing, and the result rows that `tests/bench` turns into tables.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};

/// A batch holds at most this many bytes of text or this many documents:
/// the same cut as the Go CLI's (`host-go/cmd/leakguard`), so the calls
/// measured here are the calls a tree scan makes.
pub const BATCH_BYTES: usize = 1 << 20;
/// See [`BATCH_BYTES`].
pub const BATCH_FILES: usize = 256;

/// A secret written into the generated corpus.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Planted {
    pub path: String,
    pub line: usize,
    pub provider: String,
}

/// One corpus: a root and the files under it that the tree walker scans.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Corpus {
    pub name: String,
    pub root: PathBuf,
    /// Paths relative to `root`, `/`-separated, in walk order.
    pub files: Vec<String>,
    /// Their total size in bytes.
    pub bytes: u64,
    /// Files the walker passed over (binary, too large, links).
    pub skipped: usize,
}

/// The gitleaks release measured against, and where its default rule file
/// is (in the Go module cache; read at run time, never copied).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Gitleaks {
    pub version: String,
    pub config: PathBuf,
}

/// A text that fresh instances scan first: a file of the generated corpus,
/// or the empty text.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Sample {
    /// What it is, for the tables.
    pub name: String,
    /// Its path in the generated corpus; `None` for the empty text.
    pub path: Option<String>,
}

/// Everything a benchmark step needs to know, written once by `prepare`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Manifest {
    /// `full` or `smoke`.
    pub mode: String,
    /// Timed runs per measurement (the median is reported).
    pub runs: usize,
    /// Fresh instances per instance-start measurement.
    pub fresh: usize,
    pub seed: u64,
    pub gitleaks: Gitleaks,
    pub corpora: Vec<Corpus>,
    /// What the generated corpus holds, for the recall column.
    pub planted: Vec<Planted>,
    /// What the start measurements scan on fresh instances.
    pub samples: Vec<Sample>,
}

impl Manifest {
    pub fn load(path: &Path) -> Manifest {
        let text = fs::read_to_string(path).unwrap_or_else(|e| {
            panic!(
                "cannot read {} (run the prepare step first): {e}",
                path.display()
            )
        });
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// The text of a start measurement's sample.
    pub fn sample_doc(&self, sample: &Sample) -> Doc {
        let Some(path) = &sample.path else {
            return Doc {
                path: String::new(),
                text: String::new(),
            };
        };
        let planted = self
            .corpora
            .iter()
            .find(|c| c.name == "planted")
            .expect("the manifest lists the generated corpus");
        let bytes =
            fs::read(planted.root.join(path)).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
        Doc {
            path: path.clone(),
            text: leakguard::walk::decode_lossy(&bytes),
        }
    }

    /// The text of gitleaks' default rule file.
    pub fn gitleaks_rules(&self) -> String {
        fs::read_to_string(&self.gitleaks.config).unwrap_or_else(|e| {
            panic!(
                "cannot read gitleaks' rule file {}: {e}",
                self.gitleaks.config.display()
            )
        })
    }
}

/// One file of a corpus, as the CLIs scan it.
pub struct Doc {
    pub path: String,
    pub text: String,
}

impl Corpus {
    /// Read every file, decoded as the CLIs decode it (invalid UTF-8 becomes
    /// U+FFFD).
    pub fn read(&self) -> Vec<Doc> {
        self.files
            .iter()
            .map(|path| {
                let bytes = fs::read(self.root.join(path)).unwrap_or_else(|e| {
                    panic!("cannot read {path} in {}: {e}", self.root.display())
                });
                Doc {
                    path: path.clone(),
                    text: leakguard::walk::decode_lossy(&bytes),
                }
            })
            .collect()
    }
}

#[derive(Serialize)]
struct ScanRequest<'a> {
    documents: Vec<DocRef<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    config: Option<&'a str>,
}

#[derive(Serialize)]
struct DocRef<'a> {
    path: &'a str,
    text: &'a str,
}

/// The `scan` requests for `docs`: batches cut as the CLI cuts them, each
/// carrying `config` (the rule file travels with every call; the engine
/// compiles it once and recognises it again by its hash).
pub fn scan_requests(docs: &[Doc], config: Option<&str>) -> Vec<String> {
    let mut requests = Vec::new();
    let mut i = 0;
    while i < docs.len() {
        let (mut j, mut size) = (i, 0);
        while j < docs.len()
            && j - i < BATCH_FILES
            && (j == i || size + docs[j].text.len() <= BATCH_BYTES)
        {
            size += docs[j].text.len();
            j += 1;
        }
        let request = ScanRequest {
            documents: docs[i..j]
                .iter()
                .map(|d| DocRef {
                    path: &d.path,
                    text: &d.text,
                })
                .collect(),
            config,
        };
        requests.push(serde_json::to_string(&request).expect("a request encodes"));
        i = j;
    }
    requests
}

#[derive(Deserialize)]
struct Reply {
    findings: Vec<Located>,
}

#[derive(Deserialize)]
struct Located {
    #[serde(default)]
    path: String,
    line: usize,
    end_line: usize,
}

/// Where the findings of replies were: `(path, line, end_line)`.
#[derive(Default)]
pub struct Tally {
    pub findings: usize,
    pub locations: Vec<(String, usize, usize)>,
}

impl Tally {
    /// Add the findings of a `scan` reply.
    pub fn add_reply(&mut self, reply: &str) {
        let reply: Reply = serde_json::from_str(reply)
            .unwrap_or_else(|e| panic!("a scan reply that is not one: {e}"));
        self.findings += reply.findings.len();
        self.locations.extend(
            reply
                .findings
                .into_iter()
                .map(|f| (f.path, f.line, f.end_line)),
        );
    }
}

/// Run `pass` `runs` times; returns each run's seconds and the last
/// run's result.
pub fn timed<T>(runs: usize, mut pass: impl FnMut() -> T) -> (Vec<f64>, T) {
    let mut seconds = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let out = pass();
        seconds.push(start.elapsed().as_secs_f64());
        last = Some(out);
    }
    (seconds, last.expect("at least one run"))
}

/// The median of `xs` (the mean of the middle two for an even count).
pub fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// One measurement, in the shape `tests/bench` reads (see its `row.go`).
#[derive(Default, Serialize)]
pub struct Row {
    /// `throughput`, `start` (a fresh instance's first answer), `compile`,
    /// or `rules` (how a rule file loaded).
    pub kind: &'static str,
    pub engine: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub rules: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub corpus: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub what: String,
    /// For `start`: the sample's name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sample: String,
    #[serde(skip_serializing_if = "is_zero")]
    pub bytes: u64,
    #[serde(skip_serializing_if = "is_zero_usize")]
    pub files: usize,
    /// Every timed run, in seconds.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub seconds: Vec<f64>,
    pub findings: usize,
    /// Where the findings were: recall on the generated corpus, agreement
    /// with gitleaks on both.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<(String, usize, usize)>,
    /// For `rules`: how many rules the file defines and how many loaded.
    #[serde(skip_serializing_if = "is_zero_usize")]
    pub defined: usize,
    #[serde(skip_serializing_if = "is_zero_usize")]
    pub loaded: usize,
    /// For `rules`: what was skipped and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<Skip>,
}

/// A rule (or part of a rule file) that did not load.
#[derive(Serialize)]
pub struct Skip {
    pub rule: Option<String>,
    pub reason: String,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn is_zero_usize(n: &usize) -> bool {
    *n == 0
}

impl Row {
    /// A throughput row for `corpus`.
    pub fn throughput(
        engine: &str,
        rules: &str,
        corpus: &Corpus,
        seconds: Vec<f64>,
        tally: Tally,
    ) -> Row {
        Row {
            kind: "throughput",
            engine: engine.to_string(),
            rules: rules.to_string(),
            corpus: corpus.name.clone(),
            bytes: corpus.bytes,
            files: corpus.files.len(),
            seconds,
            findings: tally.findings,
            locations: tally.locations,
            ..Row::default()
        }
    }

    /// One line of progress for the terminal.
    pub fn summary(&self) -> String {
        let m = median(&self.seconds);
        match self.kind {
            "throughput" => format!(
                "{} · {} rules · {}: {:.1} MB/s ({} findings, median of {})",
                self.engine,
                self.rules,
                self.corpus,
                self.bytes as f64 / 1e6 / m,
                self.findings,
                self.seconds.len()
            ),
            _ => format!(
                "{} · {} {}: {:.2} ms (median of {})",
                self.engine,
                self.what,
                self.sample,
                m * 1e3,
                self.seconds.len()
            ),
        }
    }
}

/// Write `rows` as the JSON results file `path`.
pub fn write_rows(path: &Path, rows: &[Row]) {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    }
    let json = serde_json::to_string_pretty(rows).expect("rows encode");
    fs::write(path, json).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

/// The value of `--name value` in the benchmark's arguments (cargo adds
/// `--bench` of its own, which is ignored).
pub fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}
