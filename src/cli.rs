//! The command line of the module itself, for `wasmtime run`:
//!
//! * no arguments: the stdio event loop (see [`crate::events`]);
//! * `describe`: print the self-description;
//! * `version`, `help`.

use std::io::{self, Write};

use crate::router::Router;

const USAGE: &str = "\
leakguard (wasm module) — find and redact leaked secrets

usage:
  wasmtime run leakguard.wasm              serve events: JSON lines on stdin, one reply line each on stdout
  wasmtime run leakguard.wasm describe     print the plugin's self-description
  wasmtime run leakguard.wasm version      print the version
";

/// Run the command line with `args` (without the program name); returns the
/// process exit code: 0 success, 2 usage or runtime error.
pub fn main(args: &[String]) -> i32 {
    let router = Router::global();
    let first = args.first().map(String::as_str);
    let result = match first {
        None | Some("serve") => {
            let stdin = io::stdin();
            let stdout = io::stdout();
            crate::events::serve(router, &mut stdin.lock(), &mut stdout.lock())
        }
        Some("describe") => writeln!(io::stdout(), "{}", router.describe()),
        Some("version" | "--version" | "-V") => {
            writeln!(io::stdout(), "leakguard {}", env!("CARGO_PKG_VERSION"))
        }
        Some("help" | "--help" | "-h") => io::stdout().write_all(USAGE.as_bytes()),
        Some(other) => {
            eprintln!("leakguard: unknown command `{other}`\n\n{USAGE}");
            return 2;
        }
    };
    match result {
        Ok(()) => 0,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            eprintln!("leakguard: {e}");
            2
        }
    }
}
