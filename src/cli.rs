//! The command line of the module itself, for `wasmtime run`, and the scan
//! pipeline every Rust CLI shares.
//!
//! * no arguments (or `serve`): the stdio event loop (see [`crate::events`]);
//! * `scan [flags] [PATH...]`: walk files and trees, scan, print a report;
//! * `redact [flags]`: standard input to standard output, secrets replaced;
//! * `rules [flags]`: the active rules;
//! * `describe`, `version`, `help`.
//!
//! `scan`, `redact` and `rules` go through actions only, via a caller
//! `FnMut(action, json) -> Result<json, E>`: [`main`] passes the module's
//! own [`crate::call`]; a host passes its plugin's `call`, and so prints
//! exactly what the module prints ([`run`], [`scan_paths`]). Walking follows
//! `docs/ACTIONS.md` ("Walking a tree") through [`crate::walk`], and the
//! report comes from the `report` action, so the output is byte for byte
//! that of the Go CLI on the same tree.
//!
//! Under `wasmtime run` the tree must be granted with `--dir`:
//!
//! ```text
//! wasmtime run --dir ./tree::/src dist/leakguard.wasm scan --format json /src
//! ```
//!
//! Paths in the report are relative to the directory given (`/src`).

mod commands;
mod flags;
mod scan;

use std::fmt;
use std::io::{self, IsTerminal, Read, Write};

use crate::router::Router;

pub use scan::{
    BATCH_BYTES, BATCH_DOCUMENTS, Color, IGNORE_FILE, Parsed, REPORT_CHUNK, ScanOptions,
    parse_scan_args, scan_paths,
};

/// Exit status: nothing found.
pub const EXIT_CLEAN: i32 = 0;
/// Exit status: secrets found.
pub const EXIT_FINDINGS: i32 = 1;
/// Exit status: a usage or runtime error.
pub const EXIT_ERROR: i32 = 2;

const USAGE: &str = "\
leakguard (wasm module) — find and redact leaked secrets

usage:
  wasmtime run leakguard.wasm                 serve events: JSON lines on stdin, one reply line each on stdout
  wasmtime run --dir TREE::/src leakguard.wasm scan [flags] /src
                                              scan files and directories (granted with --dir); - is standard input
  wasmtime run leakguard.wasm redact [flags]  copy standard input to standard output, secrets redacted
  wasmtime run leakguard.wasm rules [flags]   list the active rules
  wasmtime run leakguard.wasm describe        print the plugin's self-description
  wasmtime run leakguard.wasm version         print the version

Run 'leakguard <command> -h' for a command's flags.

exit status: 0 nothing found, 1 secrets found, 2 usage or runtime error
";

/// The module's command line, for `wasmtime run dist/leakguard.wasm [args]`
/// (`args` without the program name); returns the exit status.
pub fn main(args: &[String]) -> i32 {
    let router = Router::global();
    let stdin = io::stdin();
    let stdout = io::stdout();
    let stderr = io::stderr();
    let mut out = stdout.lock();
    let mut err = stderr.lock();
    let result = match args.first().map(String::as_str) {
        None | Some("serve") => crate::events::serve(router, &mut stdin.lock(), &mut out),
        Some("describe") => writeln!(out, "{}", router.describe()),
        Some("version" | "--version" | "-V") => {
            writeln!(out, "leakguard {}", env!("CARGO_PKG_VERSION"))
        }
        Some("help" | "--help" | "-h") => out.write_all(USAGE.as_bytes()),
        Some(_) => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            let mut io = Io {
                stdin: &mut stdin.lock(),
                stdout: &mut out,
                stderr: &mut err,
                stdout_is_terminal: io::stdout().is_terminal(),
                no_color,
            };
            return run(&mut crate::call, args, &mut io);
        }
    };
    match result {
        Ok(()) => EXIT_CLEAN,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => EXIT_CLEAN,
        Err(e) => {
            let _ = writeln!(err, "leakguard: {e}");
            EXIT_ERROR
        }
    }
}

/// The streams and terminal facts a command runs with.
pub struct Io<'a> {
    /// Standard input (`scan -`, `redact`).
    pub stdin: &'a mut dyn Read,
    /// Where the report goes.
    pub stdout: &'a mut dyn Write,
    /// Where warnings, `-v` notes and errors go.
    pub stderr: &'a mut dyn Write,
    /// Whether `stdout` is a terminal (`--color auto` colours only then).
    pub stdout_is_terminal: bool,
    /// Whether `NO_COLOR` is set to a non-empty value.
    pub no_color: bool,
}

/// Run the command `args[0]` (`scan`, `redact` or `rules`) with the rest of
/// `args`, calling actions through `call`; returns the exit status. Errors
/// are printed on `io.stderr` as `leakguard: <message>`.
pub fn run<C, E>(call: &mut C, args: &[String], io: &mut Io<'_>) -> i32
where
    C: FnMut(&str, &str) -> Result<String, E>,
    E: fmt::Display,
{
    let rest = args.get(1..).unwrap_or_default();
    let result = match args.first().map(String::as_str) {
        Some("scan") => match parse_scan_args(rest) {
            Ok(Parsed::Help) => write_help(io, scan::HELP),
            Ok(Parsed::Run((options, paths))) => scan_paths(call, &paths, &options, io),
            Err(e) => Err(e),
        },
        Some("redact") => commands::redact(call, rest, io),
        Some("rules") => commands::rules(call, rest, io),
        Some(other) => Err(Error::Usage(format!("unknown command {other:?}"))),
        None => Err(Error::Usage("no command given".into())),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            e.print(io.stderr);
            EXIT_ERROR
        }
    }
}

fn write_help(io: &mut Io<'_>, help: &str) -> Result<i32, Error> {
    io.stdout.write_all(help.as_bytes()).map_err(Error::Write)?;
    Ok(EXIT_CLEAN)
}

/// Why a command failed. All are exit status 2.
#[derive(Debug)]
pub enum Error {
    /// A mistake on the command line.
    Usage(String),
    /// Something failed while running.
    Failed(String),
    /// The output could not be written.
    Write(io::Error),
}

impl Error {
    fn print(&self, w: &mut dyn Write) {
        let _ = match self {
            Error::Usage(m) => writeln!(w, "leakguard: {m}\nRun 'leakguard help' for usage."),
            // A reader that went away (`| head`) needs no message.
            Error::Write(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            other => writeln!(w, "leakguard: {other}"),
        };
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(m) | Error::Failed(m) => f.write_str(m),
            Error::Write(e) => write!(f, "write the output: {e}"),
        }
    }
}

impl std::error::Error for Error {}

/// Read the rule file at `path` (`--config`).
fn read_rule_file(path: &str) -> Result<String, Error> {
    std::fs::read_to_string(path)
        .map_err(|e| Error::Failed(format!("read the rule file {path}: {e}")))
}
