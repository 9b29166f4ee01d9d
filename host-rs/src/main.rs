//! `leakguard-host`: run a leakguard plugin through the reference Rust host.

use std::io::{self, IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use leakguard_host::{Config, GuestStream, Plugin};

const USAGE: &str = "\
leakguard-host — run a leakguard plugin on wasmtime

usage:
  leakguard-host [options] call <name> [json]   run one action; json defaults to {}, - reads it from stdin
  leakguard-host [options] describe             print the plugin's self-description
  leakguard-host [options] serve                serve events: JSON lines on stdin, one reply line each on stdout
  leakguard-host [options] scan [flags] [path ...]
                                                scan files and trees (- is stdin); the same flags, walk,
                                                findings and report formats as the Go CLI and the module
  leakguard-host [options] redact [flags]       copy stdin to stdout, secrets redacted
  leakguard-host [options] rules [flags]        list the active rules

options:
  --plugin PATH     the plugin (component or core module); by default
                    dist/leakguard.component.wasm in the current directory,
                    else in the nearest directory above this executable that
                    has one (the workspace it was built in)
  --timeout SECS    deadline of each call (default 30; 0 for none)
  --cache-dir DIR   keep compiled plugins in DIR (default: $XDG_CACHE_HOME/leakguard,
                    else ~/.cache/leakguard), so later runs skip the compilation
  --no-cache        compile the plugin every time
  -v, --verbose     show the guest's stdout and stderr on stderr

exit status: 0 success, 1 the action failed (error: <code>: <message>),
2 usage or runtime error (including a plugin that cannot be loaded)
";

const DEFAULT_PLUGIN: &str = "dist/leakguard.component.wasm";

struct Args {
    plugin: Option<PathBuf>,
    timeout: Option<Duration>,
    cache_dir: Option<PathBuf>,
    verbose: bool,
    command: Vec<String>,
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(e) => {
            eprintln!("leakguard-host: {e:#}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(args) {
        Ok(code) => code,
        Err(e) => {
            if let Some(err) = e.downcast_ref::<leakguard_host::Error>() {
                eprintln!("error: {err}");
            } else if e.downcast_ref::<io::Error>().map(io::Error::kind)
                == Some(io::ErrorKind::BrokenPipe)
            {
                // The reader went away (`| head`): not an error.
                return ExitCode::SUCCESS;
            } else {
                eprintln!("leakguard-host: {e:#}");
            }
            ExitCode::from(2)
        }
    }
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args> {
    let mut parsed = Args {
        plugin: None,
        timeout: Some(leakguard_host::DEFAULT_TIMEOUT),
        cache_dir: default_cache_dir(),
        verbose: false,
        command: Vec::new(),
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--plugin" => {
                parsed.plugin = Some(args.next().context("--plugin needs a path")?.into())
            }
            "--timeout" => {
                let secs: f64 = args
                    .next()
                    .context("--timeout needs a number of seconds")?
                    .parse()
                    .context("--timeout needs a number of seconds")?;
                if !secs.is_finite() || secs < 0.0 {
                    bail!("--timeout needs a number of seconds, not {secs}");
                }
                parsed.timeout = (secs > 0.0).then(|| Duration::from_secs_f64(secs));
            }
            "--cache-dir" => {
                parsed.cache_dir =
                    Some(args.next().context("--cache-dir needs a directory")?.into());
            }
            "--no-cache" => parsed.cache_dir = None,
            "-v" | "--verbose" => parsed.verbose = true,
            "-h" | "--help" => parsed.command = vec!["help".into()],
            _ if parsed.command.is_empty() && arg.starts_with('-') => bail!("unknown option {arg}"),
            _ => {
                parsed.command.push(arg);
                parsed.command.extend(args.by_ref());
            }
        }
    }
    Ok(parsed)
}

fn run(args: Args) -> Result<ExitCode> {
    let command: Vec<&str> = args.command.iter().map(String::as_str).collect();
    if matches!(command.as_slice(), [] | ["help"]) {
        print!("{USAGE}");
        return Ok(ExitCode::SUCCESS);
    }
    if !matches!(
        command.as_slice(),
        ["call", _] | ["call", _, _] | ["describe"] | ["serve"] | ["scan" | "redact" | "rules", ..]
    ) {
        eprintln!(
            "leakguard-host: unknown command or arguments: {}\n\n{USAGE}",
            command.join(" ")
        );
        return Ok(ExitCode::from(2));
    }

    let path = match &args.plugin {
        Some(path) => path.clone(),
        None => find_plugin()?,
    };
    let mut config = Config::new().timeout(args.timeout);
    if let Some(dir) = &args.cache_dir {
        config = config.cache_dir(dir);
    }
    if args.verbose {
        config = config.guest_output(|stream, line| {
            let name = match stream {
                GuestStream::Stdout => "stdout",
                GuestStream::Stderr => "stderr",
            };
            eprintln!("guest {name}: {line}");
        });
    }
    let plugin = Plugin::from_file(&path, &config)?;

    match command.as_slice() {
        ["call", name, rest @ ..] => {
            let data = match rest {
                [] => "{}".to_owned(),
                ["-"] => {
                    let mut data = String::new();
                    io::stdin()
                        .read_to_string(&mut data)
                        .context("reading the data from stdin")?;
                    data
                }
                [json] => (*json).to_owned(),
                _ => unreachable!("checked above"),
            };
            match plugin.call(name, &data) {
                Ok(reply) => {
                    println!("{reply}");
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    Ok(ExitCode::from(1))
                }
            }
        }
        ["describe"] => {
            println!("{}", plugin.describe().json());
            Ok(ExitCode::SUCCESS)
        }
        ["serve"] => {
            plugin.serve_events(&mut io::stdin().lock(), &mut io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
        ["scan" | "redact" | "rules", ..] => {
            // The module's own pipeline (walk, batched `scan` calls, the
            // `report` action), with this host's plugin as the caller: the
            // output is byte for byte the module's and the Go CLI's.
            let (stdin, stdout, stderr) = (io::stdin(), io::stdout(), io::stderr());
            let mut streams = leakguard::cli::Io {
                stdin: &mut stdin.lock(),
                stdout: &mut stdout.lock(),
                stderr: &mut stderr.lock(),
                stdout_is_terminal: io::stdout().is_terminal(),
                no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            };
            let mut call = |name: &str, data: &str| plugin.call(name, data);
            let code = leakguard::cli::run(&mut call, &args.command, &mut streams);
            Ok(ExitCode::from(u8::try_from(code).unwrap_or(2)))
        }
        _ => unreachable!("checked above"),
    }
}

/// `$XDG_CACHE_HOME/leakguard`, else `$HOME/.cache/leakguard`.
fn default_cache_dir() -> Option<PathBuf> {
    let non_empty = |name| std::env::var_os(name).filter(|v| !v.is_empty());
    non_empty("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| non_empty("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .map(|cache| cache.join("leakguard"))
}

/// `dist/leakguard.component.wasm` in the current directory, else in the
/// nearest directory above the executable that has one.
fn find_plugin() -> Result<PathBuf> {
    let mut candidates = vec![PathBuf::from(DEFAULT_PLUGIN)];
    if let Ok(exe) = std::env::current_exe() {
        candidates.extend(exe.ancestors().skip(1).map(|dir| dir.join(DEFAULT_PLUGIN)));
    }
    if let Some(found) = candidates.iter().find(|p| p.is_file()) {
        return Ok(found.clone());
    }
    let looked: Vec<String> = candidates
        .iter()
        .map(|p| p.parent().unwrap_or(Path::new(".")).display().to_string())
        .collect();
    bail!(
        "no plugin found: {DEFAULT_PLUGIN} is not in {}; run `just build` or pass --plugin PATH",
        looked.join(", ")
    )
}
