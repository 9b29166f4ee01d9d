//! `scan`: the pipeline from paths to a report, shared by every Rust CLI.

use std::collections::HashSet;
use std::fmt;
use std::io::{self, Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::flags::Flags;
use super::{EXIT_CLEAN, EXIT_FINDINGS, Error, Io, read_rule_file};
use crate::report::Format;
use crate::walk::{self, Reason};

/// The most text (in bytes) one `scan` call carries; a larger file goes
/// alone. Well under the module's input limit, even with JSON escaping.
pub const BATCH_BYTES: usize = 4 << 20;
/// The most documents one `scan` call carries.
pub const BATCH_DOCUMENTS: usize = 256;
/// How many findings one `report` call formats for `jsonl`, the one format
/// that can be made in pieces; the others take one call.
pub const REPORT_CHUNK: usize = 5000;
/// The name of the ignore file looked for in each directory scanned.
pub const IGNORE_FILE: &str = ".leakguardignore";

pub(super) const HELP: &str = "\
usage: leakguard scan [flags] [path ...]
       leakguard scan [flags] -

Scans files and directories (default: .) or standard input (-). Directories
are walked recursively: .gitignore files are honoured, symbolic links are
not followed, .git is skipped, and binary files and files over --max-size
are skipped. Paths in the report are relative to the directory given; a
file named on the command line is reported under the path as given (and
scanned even if a .gitignore would leave it out); standard input has no
path. Several paths are scanned in the order given.

flags:
  --format FORMAT      text, json, jsonl or sarif (default text)
  --config FILE        rule file (TOML) to use instead of the default rules
  --max-size BYTES     skip files larger than this (1 to 10485760, the default)
  --reveal             show secrets in full instead of masked
  --baseline FILE      a previous JSON report: findings in it (same fingerprint and path) are not reported again
  --ignore-file FILE   fingerprints to ignore, one per line, # comments (default: .leakguardignore in each directory scanned)
  --color WHEN         colours in the text report: auto (on a terminal, unless NO_COLOR is set), always or never
  --no-color           the same as --color never
  -v                   say which files were skipped, and why

exit status: 0 nothing found, 1 secrets found, 2 usage or runtime error (also
when some inputs could not be scanned: the report still lists what was found)
";

/// When the text report is coloured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Color {
    /// When standard output is a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The options of `scan`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanOptions {
    /// The report format.
    pub format: Format,
    /// A rule file to use instead of the default rules.
    pub config: Option<String>,
    /// Files larger than this many bytes are skipped.
    pub max_size: u64,
    /// Show secrets in full.
    pub reveal: bool,
    /// Print which files were skipped, and why.
    pub verbose: bool,
    /// Colours in the text report.
    pub color: Color,
    /// A previous JSON report whose findings are not reported again.
    pub baseline: Option<String>,
    /// A file of fingerprints to ignore (instead of each directory's
    /// `.leakguardignore`).
    pub ignore_file: Option<String>,
    /// The tool version SARIF names; `None` for the module's.
    pub version: Option<String>,
}

impl Default for ScanOptions {
    fn default() -> ScanOptions {
        ScanOptions {
            format: Format::Text,
            config: None,
            max_size: walk::DEFAULT_MAX_SIZE,
            reveal: false,
            verbose: false,
            color: Color::Auto,
            baseline: None,
            ignore_file: None,
            version: None,
        }
    }
}

/// A parsed command line: run it, or show the help.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Parsed<T> {
    /// `-h` / `--help`.
    Help,
    /// What to run.
    Run(T),
}

/// Parse the arguments of `scan` (after the word `scan`) into options and
/// paths (`.` when none is given). Flags may come after paths; `--` ends
/// the flags; `-` is standard input.
///
/// # Errors
///
/// [`Error::Usage`] naming the problem.
pub fn parse_scan_args(args: &[String]) -> Result<Parsed<(ScanOptions, Vec<String>)>, Error> {
    let mut o = ScanOptions::default();
    let mut flags = Flags::new(args);
    while let Some(flag) = flags.next_flag()? {
        match flag.name.as_str() {
            "h" | "help" => return Ok(Parsed::Help),
            "format" => {
                let v = flags.value(&flag)?;
                o.format = Format::parse(&v).ok_or_else(|| {
                    Error::Usage(format!("unknown format {v:?} (text, json, jsonl or sarif)"))
                })?;
            }
            "config" => o.config = Some(flags.value(&flag)?),
            "max-size" => {
                let v = flags.value(&flag)?;
                o.max_size = v
                    .parse()
                    .ok()
                    .filter(|n| (1..=walk::DEFAULT_MAX_SIZE).contains(n))
                    .ok_or_else(|| {
                        Error::Usage(format!(
                            "--max-size must be between 1 and {} (the engine's limit on one document), not {v:?}",
                            walk::DEFAULT_MAX_SIZE
                        ))
                    })?;
            }
            "reveal" => o.reveal = flags.boolean(&flag)?,
            "v" => o.verbose = flags.boolean(&flag)?,
            "baseline" => o.baseline = Some(flags.value(&flag)?),
            "ignore-file" => o.ignore_file = Some(flags.value(&flag)?),
            "color" => {
                o.color = match flags.value(&flag)?.as_str() {
                    "auto" => Color::Auto,
                    "always" => Color::Always,
                    "never" => Color::Never,
                    v => {
                        return Err(Error::Usage(format!(
                            "--color must be auto, always or never, not {v:?}"
                        )));
                    }
                }
            }
            "no-color" => {
                if flags.boolean(&flag)? {
                    o.color = Color::Never;
                }
            }
            _ => return Err(flag.unknown()),
        }
    }
    let mut paths = flags.positional;
    if paths.iter().filter(|p| *p == "-").count() > 1 {
        return Err(Error::Usage(
            "standard input (-) can be scanned once".into(),
        ));
    }
    if paths.is_empty() {
        paths.push(".".into());
    }
    Ok(Parsed::Run((o, paths)))
}

/// What one input (a path argument) turned into.
enum Input {
    /// Standard input, decoded.
    Stdin(String),
    /// A file to read: its reported path and where it is.
    File {
        path: String,
        os_path: std::path::PathBuf,
    },
}

/// A note for `-v`: which argument it came from, the path, and why.
struct Note {
    arg: usize,
    path: String,
    reason: String,
}

/// The scan pipeline: walk `paths` (files, directories, `-` for
/// standard input), scan through the `scan` action in batches, drop
/// ignored and baseline findings, and write the report (through the
/// `report` action) on `io.stdout`. Returns the exit status: 0 clean, 1
/// findings, 2 when some input could not be scanned (the report is still
/// written first).
///
/// ```
/// use leakguard::cli::{Io, ScanOptions, scan_paths};
///
/// let mut stdin: &[u8] = b"nothing to see here\n";
/// let (mut out, mut err) = (Vec::new(), Vec::new());
/// let mut io = Io {
///     stdin: &mut stdin,
///     stdout: &mut out,
///     stderr: &mut err,
///     stdout_is_terminal: false,
///     no_color: false,
/// };
/// let code = scan_paths(&mut leakguard::call, &["-".into()], &ScanOptions::default(), &mut io);
/// assert_eq!(code.unwrap(), 0);
/// assert_eq!(out, b"no leaks found\n");
/// ```
///
/// # Errors
///
/// [`Error`] when the rules cannot be loaded, a path cannot be walked, the
/// baseline or ignore file is unreadable, or the report cannot be made or
/// written.
pub fn scan_paths<C, E>(
    call: &mut C,
    paths: &[String],
    options: &ScanOptions,
    io: &mut Io<'_>,
) -> Result<i32, Error>
where
    C: FnMut(&str, &str) -> Result<String, E>,
    E: fmt::Display,
{
    let config = options.config.as_deref().map(read_rule_file).transpose()?;
    let mut scanner = Scanner {
        call,
        config: config.as_deref(),
        reveal: options.reveal,
    };
    // Load the rules once up front: a broken rule file stops here, and its
    // warnings come before anything else.
    let first = scanner.scan_text("").map_err(Error::Failed)?;
    for w in &first.warnings {
        let _ = match &w.rule {
            Some(rule) => writeln!(
                io.stderr,
                "leakguard: warning: rule {rule} is not used: {}",
                w.message
            ),
            None => writeln!(io.stderr, "leakguard: warning: {}", w.message),
        };
    }

    let mut inputs: Vec<(usize, Input)> = Vec::new();
    let mut notes: Vec<Note> = Vec::new();
    let mut roots: Vec<&str> = Vec::new();
    for (arg, p) in paths.iter().enumerate() {
        if p == "-" {
            let mut bytes = Vec::new();
            io.stdin
                .take(options.max_size + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| Error::Failed(format!("read standard input: {e}")))?;
            if bytes.len() as u64 > options.max_size {
                return Err(Error::Failed(format!(
                    "standard input is larger than the size limit ({} bytes)",
                    options.max_size
                )));
            }
            inputs.push((arg, Input::Stdin(walk::decode_lossy(&bytes))));
            continue;
        }
        let meta = std::fs::metadata(p).map_err(|e| {
            Error::Failed(format!(
                "cannot scan {p}: {}{}",
                io_message(&e),
                wasi_hint(&e)
            ))
        })?;
        if meta.is_dir() {
            let found = walk::walk(
                Path::new(p),
                &walk::Options {
                    max_size: options.max_size,
                },
            )
            .map_err(|e| Error::Failed(e.to_string()))?;
            roots.push(p);
            for s in found.skipped {
                notes.push(Note {
                    arg,
                    path: s.path,
                    reason: s.reason.to_string(),
                });
            }
            for f in found.files {
                inputs.push((
                    arg,
                    Input::File {
                        path: f.path,
                        os_path: f.os_path,
                    },
                ));
            }
        } else if meta.is_file() {
            // A file named on the command line is scanned even if a
            // .gitignore would leave it out, under the path as given.
            let path = p.replace(std::path::MAIN_SEPARATOR, "/");
            if meta.len() > options.max_size {
                notes.push(Note {
                    arg,
                    reason: Reason::TooLarge {
                        size: meta.len(),
                        limit: options.max_size,
                    }
                    .to_string(),
                    path,
                });
                continue;
            }
            inputs.push((
                arg,
                Input::File {
                    path,
                    os_path: p.into(),
                },
            ));
        } else {
            return Err(Error::Failed(format!(
                "cannot scan {p}: not a regular file or a directory"
            )));
        }
    }

    let mut findings: Vec<Box<RawValue>> = Vec::new();
    let mut failed = 0usize;
    let mut batch = Batch::default();
    for (arg, input) in inputs {
        match input {
            Input::Stdin(text) => {
                scanner.flush(&mut batch, &mut findings, &mut failed, io.stderr);
                match scanner.scan_text(&text) {
                    Ok(reply) => findings.extend(reply.findings),
                    Err(e) => {
                        let _ = writeln!(io.stderr, "leakguard: cannot scan -: {e}");
                        failed += 1;
                    }
                }
            }
            Input::File { path, os_path } => match walk::read_text(&os_path, options.max_size) {
                Ok(Ok(text)) => {
                    if batch.is_full_with(text.len()) {
                        scanner.flush(&mut batch, &mut findings, &mut failed, io.stderr);
                    }
                    batch.bytes += text.len();
                    batch.docs.push((path, text));
                }
                Ok(Err(reason)) => notes.push(Note {
                    arg,
                    path,
                    reason: reason.to_string(),
                }),
                Err(e) => {
                    let _ = writeln!(io.stderr, "leakguard: cannot scan {path}: {e}");
                    failed += 1;
                }
            },
        }
    }
    scanner.flush(&mut batch, &mut findings, &mut failed, io.stderr);

    let findings = filter_findings(findings, options, &roots)?;
    if options.verbose {
        notes.sort_by(|a, b| a.arg.cmp(&b.arg).then_with(|| a.path.cmp(&b.path)));
        for n in &notes {
            let _ = writeln!(io.stderr, "leakguard: skipped {}: {}", n.path, n.reason);
        }
    }
    let color = options.format == Format::Text
        && match options.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => io.stdout_is_terminal && !io.no_color,
        };
    write_report(
        scanner.call,
        &findings,
        options.format,
        color,
        options.version.as_deref(),
        io.stdout,
    )?;
    if failed > 0 {
        return Err(Error::Failed(format!(
            "{failed} {} could not be scanned (see above)",
            if failed == 1 { "input" } else { "inputs" }
        )));
    }
    Ok(if findings.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    })
}

/// Under WASI a path the runtime did not grant is simply not there: say
/// how to grant one.
fn wasi_hint(e: &io::Error) -> &'static str {
    if cfg!(target_os = "wasi") && e.kind() == io::ErrorKind::NotFound {
        " (under wasmtime, grant the tree with --dir, e.g. `wasmtime run --dir ./tree::/src leakguard.wasm scan /src`)"
    } else {
        ""
    }
}

/// `e`'s message without Rust's ` (os error N)` suffix, as Go words it.
fn io_message(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error ") {
        Some(i) => s[..i].to_owned(),
        None => s,
    }
}

/// Files read but not yet scanned.
#[derive(Default)]
struct Batch {
    docs: Vec<(String, String)>,
    bytes: usize,
}

impl Batch {
    /// Whether adding a text of `len` bytes must wait for a new batch.
    fn is_full_with(&self, len: usize) -> bool {
        !self.docs.is_empty()
            && (self.docs.len() >= BATCH_DOCUMENTS || self.bytes + len > BATCH_BYTES)
    }
}

#[derive(Serialize)]
struct ScanRequest<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    documents: Option<Vec<Document<'a>>>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    reveal: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    config: Option<&'a str>,
}

#[derive(Serialize)]
struct Document<'a> {
    path: &'a str,
    text: &'a str,
}

#[derive(Deserialize)]
struct ScanReply {
    findings: Vec<Box<RawValue>>,
    #[serde(default)]
    warnings: Vec<Warning>,
}

#[derive(Deserialize)]
struct Warning {
    rule: Option<String>,
    message: String,
}

/// Calls `scan` with the run's rules and options.
struct Scanner<'c, 'a, C> {
    call: &'c mut C,
    config: Option<&'a str>,
    reveal: bool,
}

impl<C, E> Scanner<'_, '_, C>
where
    C: FnMut(&str, &str) -> Result<String, E>,
    E: fmt::Display,
{
    fn request(&mut self, request: &ScanRequest<'_>) -> Result<ScanReply, String> {
        let json = serde_json::to_string(request).map_err(|e| e.to_string())?;
        let reply = (self.call)("scan", &json).map_err(|e| e.to_string())?;
        serde_json::from_str(&reply).map_err(|e| format!("unexpected reply from scan: {e}"))
    }

    fn scan_text(&mut self, text: &str) -> Result<ScanReply, String> {
        self.request(&ScanRequest {
            text: Some(text),
            documents: None,
            reveal: self.reveal,
            config: self.config,
        })
    }

    fn scan_documents(&mut self, docs: &[(String, String)]) -> Result<ScanReply, String> {
        let documents = docs
            .iter()
            .map(|(path, text)| Document { path, text })
            .collect();
        self.request(&ScanRequest {
            text: None,
            documents: Some(documents),
            reveal: self.reveal,
            config: self.config,
        })
    }

    /// Scan the batch and empty it. When the call fails (one file too large
    /// once encoded, say), each file is scanned alone, so that one bad file
    /// costs only itself.
    fn flush(
        &mut self,
        batch: &mut Batch,
        findings: &mut Vec<Box<RawValue>>,
        failed: &mut usize,
        stderr: &mut dyn Write,
    ) {
        let docs = std::mem::take(&mut batch.docs);
        batch.bytes = 0;
        if docs.is_empty() {
            return;
        }
        match self.scan_documents(&docs) {
            Ok(reply) => findings.extend(reply.findings),
            Err(e) if docs.len() == 1 => {
                let _ = writeln!(stderr, "leakguard: cannot scan {}: {e}", docs[0].0);
                *failed += 1;
            }
            Err(_) => {
                for doc in docs {
                    let mut single = Batch {
                        bytes: doc.1.len(),
                        docs: vec![doc],
                    };
                    self.flush(&mut single, findings, failed, stderr);
                }
            }
        }
    }
}

/// The parts of a finding the filters look at.
#[derive(Deserialize)]
struct FindingKey {
    fingerprint: String,
    #[serde(default)]
    path: Option<String>,
}

/// Drop the findings whose fingerprint an ignore file lists (`--ignore-file`,
/// else each scanned directory's `.leakguardignore`) and those of the
/// baseline (same fingerprint and path).
fn filter_findings(
    findings: Vec<Box<RawValue>>,
    options: &ScanOptions,
    roots: &[&str],
) -> Result<Vec<Box<RawValue>>, Error> {
    let mut ignored = HashSet::new();
    match &options.ignore_file {
        Some(file) => read_ignore_file(file, &mut ignored)?,
        None => {
            for root in roots {
                let file = Path::new(root).join(IGNORE_FILE);
                if file.is_file() {
                    read_ignore_file(&file.to_string_lossy(), &mut ignored)?;
                }
            }
        }
    }
    let baseline = match &options.baseline {
        Some(file) => read_baseline(file)?,
        None => HashSet::new(),
    };
    if ignored.is_empty() && baseline.is_empty() {
        return Ok(findings);
    }
    let mut kept = Vec::with_capacity(findings.len());
    for f in findings {
        let key: FindingKey = serde_json::from_str(f.get())
            .map_err(|e| Error::Failed(format!("unexpected finding from scan: {e}")))?;
        let base_key = (key.fingerprint.clone(), key.path.unwrap_or_default());
        if !ignored.contains(&key.fingerprint) && !baseline.contains(&base_key) {
            kept.push(f);
        }
    }
    Ok(kept)
}

/// Add the fingerprints listed in `name` to `set`: one per line, blank lines
/// and `#` lines skipped, anything after the fingerprint ignored.
fn read_ignore_file(name: &str, set: &mut HashSet<String>) -> Result<(), Error> {
    let text = std::fs::read_to_string(name)
        .map_err(|e| Error::Failed(format!("read the ignore file: {}", io_message(&e))))?;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fp = line.split_whitespace().next().unwrap_or_default();
        let is_fingerprint = fp.len() == 32
            && fp
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !is_fingerprint {
            return Err(Error::Failed(format!(
                "{name}:{}: {fp:?} is not a fingerprint (32 hex digits, as findings report them)",
                n + 1
            )));
        }
        set.insert(fp.to_owned());
    }
    Ok(())
}

/// The (fingerprint, path) keys of the findings of a JSON report.
fn read_baseline(name: &str) -> Result<HashSet<(String, String)>, Error> {
    #[derive(Deserialize)]
    struct Report {
        findings: Option<Vec<serde_json::Value>>,
    }
    let text = std::fs::read_to_string(name)
        .map_err(|e| Error::Failed(format!("read the baseline: {}", io_message(&e))))?;
    let report: Report = serde_json::from_str(&text)
        .map_err(|e| Error::Failed(format!("the baseline {name} is not a JSON report: {e}")))?;
    let findings = report.findings.ok_or_else(|| {
        Error::Failed(format!(
            "the baseline {name} is not a JSON report: it has no \"findings\" list"
        ))
    })?;
    let mut keys = HashSet::new();
    for (i, f) in findings.iter().enumerate() {
        let fp = f["fingerprint"]
            .as_str()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                Error::Failed(format!(
                    "the baseline {name}: finding {} has no fingerprint",
                    i + 1
                ))
            })?;
        let path = f["path"].as_str().unwrap_or_default();
        keys.insert((fp.to_owned(), path.to_owned()));
    }
    Ok(keys)
}

#[derive(Serialize)]
struct ReportRequest<'a> {
    format: Format,
    findings: &'a [Box<RawValue>],
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    color: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'a str>,
}

#[derive(Deserialize)]
struct ReportReply {
    output: String,
}

/// Format `findings` through the `report` action and write the report:
/// `jsonl` in chunks of [`REPORT_CHUNK`] findings, the others in one call.
fn write_report<C, E>(
    call: &mut C,
    findings: &[Box<RawValue>],
    format: Format,
    color: bool,
    version: Option<&str>,
    out: &mut dyn Write,
) -> Result<(), Error>
where
    C: FnMut(&str, &str) -> Result<String, E>,
    E: fmt::Display,
{
    let chunk = if format == Format::Jsonl {
        REPORT_CHUNK
    } else {
        findings.len().max(1)
    };
    let mut parts: Vec<&[Box<RawValue>]> = findings.chunks(chunk).collect();
    if parts.is_empty() {
        parts.push(&[]);
    }
    for part in parts {
        let request = serde_json::to_string(&ReportRequest {
            format,
            findings: part,
            color,
            version,
        })
        .map_err(|e| Error::Failed(format!("cannot encode the report request: {e}")))?;
        let reply = call("report", &request).map_err(|e| {
            Error::Failed(format!(
                "{} findings are too many for one {} report, or the report failed ({e}); try --format jsonl",
                findings.len(),
                format.as_str()
            ))
        })?;
        let reply: ReportReply = serde_json::from_str(&reply)
            .map_err(|e| Error::Failed(format!("unexpected reply from report: {e}")))?;
        out.write_all(reply.output.as_bytes())
            .map_err(Error::Write)?;
    }
    out.flush().map_err(Error::Write)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn parse_scan_args_by_case() {
        let d = ScanOptions::default();
        // (command line, options and paths, or the start of the usage error)
        type Want<'a> = Result<(ScanOptions, Vec<&'a str>), &'a str>;
        let cases: Vec<(&str, Want)> = vec![
            ("", Ok((d.clone(), vec!["."]))),
            ("a b", Ok((d.clone(), vec!["a", "b"]))),
            (
                "--format json a",
                Ok((
                    ScanOptions {
                        format: Format::Json,
                        ..d.clone()
                    },
                    vec!["a"],
                )),
            ),
            (
                "a -format=sarif --reveal -v",
                Ok((
                    ScanOptions {
                        format: Format::Sarif,
                        reveal: true,
                        verbose: true,
                        ..d.clone()
                    },
                    vec!["a"],
                )),
            ),
            (
                "--max-size 10 --config r.toml --baseline b.json --ignore-file i -",
                Ok((
                    ScanOptions {
                        max_size: 10,
                        config: Some("r.toml".into()),
                        baseline: Some("b.json".into()),
                        ignore_file: Some("i".into()),
                        ..d.clone()
                    },
                    vec!["-"],
                )),
            ),
            (
                "--color always --no-color",
                Ok((
                    ScanOptions {
                        color: Color::Never,
                        ..d.clone()
                    },
                    vec!["."],
                )),
            ),
            ("-- -v --format", Ok((d.clone(), vec!["-v", "--format"]))),
            (
                "--format xml",
                Err("unknown format \"xml\" (text, json, jsonl or sarif)"),
            ),
            ("--format", Err("flag needs an argument: -format")),
            ("--max-size 0", Err("--max-size must be between 1")),
            ("--max-size 10485761", Err("--max-size must be between 1")),
            ("--max-size ten", Err("--max-size must be between 1")),
            (
                "--color sometimes",
                Err("--color must be auto, always or never"),
            ),
            ("--git", Err("unknown flag -git")),
            ("- -", Err("standard input (-) can be scanned once")),
            ("---x", Err("bad flag syntax: ---x")),
            (
                "--reveal=maybe",
                Err("invalid boolean value \"maybe\" for -reveal"),
            ),
        ];
        for (line, want) in cases {
            let got = parse_scan_args(&args(line));
            match (got, want) {
                (Ok(Parsed::Run((o, p))), Ok((wo, wp))) => {
                    assert_eq!(o, wo, "{line:?}");
                    assert_eq!(p, wp, "{line:?}");
                }
                (Err(Error::Usage(m)), Err(w)) => assert!(m.starts_with(w), "{line:?}: {m}"),
                (got, _) => panic!("{line:?}: got {got:?}"),
            }
        }
        assert_eq!(parse_scan_args(&args("a -h")).unwrap(), Parsed::Help);
    }

    #[test]
    fn io_message_drops_the_os_error_number() {
        let e = io::Error::from_raw_os_error(2);
        assert!(!io_message(&e).contains("os error"), "{}", io_message(&e));
    }
}
